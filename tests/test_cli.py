"""The ``hiptimer`` command: output and exit codes of each subcommand."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from hiptimer import __version__, cli, locations
from hiptimer.catalog.sessions import CatalogEntry
from hiptimer.cli import CliHooks, SessionStatus, main
from hiptimer.core.model import Session


def run(
    capsys: pytest.CaptureFixture[str], *argv: str, hooks: CliHooks | None = None
) -> tuple[int, str, str]:
    code = main(list(argv), hooks)
    out, err = capsys.readouterr()
    return code, out, err


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


VALID = """
name = "Plank"
[[steps]]
type = "hold"
name = "Plank"
seconds = 45
"""


def test_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"hiptimer {__version__}\n", "")


def test_help_lists_every_command_and_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for word in ("list", "show", "check", "schema", "exit codes: 0 ok, 1 invalid input", "HIPTIMER_DATA_DIR"):
        assert word in out


def test_a_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "frobnicate")
    assert (code, out) == (2, "")
    assert "invalid choice: 'frobnicate'" in err
    assert run(capsys, "show")[0] == 2
    assert run(capsys, "check")[0] == 2


def test_each_command_parses_as_before_though_only_its_own_options_are_built(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "history", "--help")
    assert code == 0 and "usage: hiptimer history" in out and "--json" in out
    code, out, err = run(capsys, "history", "--bogus")
    assert (code, out) == (2, "")
    assert "usage: hiptimer" in err and "--bogus" in err
    code, out, _ = run(capsys, "--theme", "textual-light", "list")
    assert code == 0 and "hill-sprints" in out
    code, out, _ = run(capsys, "--theme=textual-light", "show", "hill-sprints")
    assert code == 0 and out.startswith("Hill sprints")
    code, out, _ = run(capsys, "--theme", "list", "--help")  # "list" is the theme here: full help
    assert code == 0 and "schema" in out and "history" in out


def test_list_shows_each_builtin_with_its_time_and_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "TIME", "WHEN", "LAST", "DONE", "DUE", "FROM"]
    assert [line.split()[0] for line in lines[1:]] == [
        "backwards-running",
        "hill-sprints",
        "pre-run-hips",
        "strength-for-speed",
    ]
    hills = lines[2]
    assert "Hill sprints" in hills and "~12:40" in hills and "during a run" in hills
    assert "2x a week, non-running days" in lines[4]
    assert hills.split()[-6:] == ["-", "during", "your", "next", "run", "built-in"]  # no history yet


def test_list_takes_last_done_and_due_from_the_status_hook(capsys: pytest.CaptureFixture[str]) -> None:
    def status(entry: CatalogEntry) -> SessionStatus:
        return SessionStatus("yesterday", "today") if entry.id == "hill-sprints" else SessionStatus()

    def targets(session: Session) -> dict[str, float]:
        return {"repeats": 5} if session.id == "hill-sprints" else {}

    _, out, _ = run(capsys, "list", hooks=CliHooks(status=status, targets=targets))
    hills = next(line for line in out.splitlines() if line.startswith("hill-sprints"))
    assert "yesterday" in hills and "today" in hills
    assert "~16:35" in hills  # 5 repeats: 5 x (10 s + ~45 s) + 4 x 180 s


def test_list_reports_a_broken_user_file_on_stderr_and_lists_the_rest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    user = locations.user_sessions_dir()
    write(user, "mine.toml", VALID)
    broken = write(user, "broken.toml", 'name = "Broken"\nsteps = 3\n')
    code, out, err = run(capsys, "list")
    assert code == 0
    assert "mine" in out and "user" in out
    assert err == f"{broken}:2:1: steps: Input should be a valid list (got 3)\n"


def test_show_prints_each_phase_with_side_set_round_and_target(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "pre-run-hips")
    assert (code, err) == (0, "")
    assert "Pre-run hip routine  (pre-run-hips, built-in:" in out
    assert "When: before a run" in out
    phases = [line.split() for line in out.splitlines() if line[:5].strip().rstrip(".").isdigit()]
    assert len(phases) == 18
    assert phases[7] == ["8.", "Kneeling", "hip-flexor", "(left)", "set", "1/3", "1:00"]
    assert phases[12] == ["13.", "Switch", "legs", "10", "s"]
    assert phases[0] == ["1.", "Knee-to-chest", "bridge", "(left)", "10", "reps", "@", "3", "s"]
    assert phases[3] == ["4.", "Marching", "bridge", "10", "reps", "@", "2", "s"]
    assert "       Lunge forward and set the back knee down." in out
    assert "Total: 9:00 in 18 phases (plus 5 s to get ready)" in out
    assert "~" not in out  # every rep is paced: nothing in this routine is a guess


def test_show_marks_counted_reps_and_the_total_as_estimates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "strength-for-speed")
    assert (code, err) == (0, "")
    phases = [line.split() for line in out.splitlines() if line[:5].strip().rstrip(".").isdigit()]
    assert phases[0] == ["1.", "Mountain", "climbers", "10", "reps", "(~30", "s)"]
    assert "Total: ~5:10 in 13 phases (plus 10 s to get ready)" in out
    assert "~ marks an estimate" in out


def test_show_gives_rounds_and_todays_progression_target(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "show", "hill-sprints")
    assert "Today: repeats = 4 (starts at 4, +1 after each full run, goal 12)" in out
    assert "round 4/4" in out and "round 5/4" not in out
    assert "until done (~45 s)" in out and "5-10 s" in out


def test_show_without_estimates_has_an_exact_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "plank.toml", VALID)
    code, out, _ = run(capsys, "show", str(path))
    assert code == 0
    assert "Total: 0:45 in 1 phases" in out
    assert "~" not in out


def test_show_an_unknown_session_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "hills")
    assert (code, out) == (1, "")
    assert err.startswith("hiptimer: no session 'hills' (known: backwards-running,")


def test_show_a_broken_file_prints_its_errors_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bad.toml", 'name = "Bad"\n[[steps]]\ntype = "hold"\nname = "x"\nseconds = 0\n')
    code, out, err = run(capsys, "show", str(path))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path}:5:1: steps[0].seconds: Input should be greater than 0 (got 0)",
        f"hiptimer: {path} is not a valid session file",
    ]


def test_check_says_ok_with_phases_and_time_for_valid_files(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "sessions/hill-sprints.toml", "sessions/pre-run-hips.toml")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "ok: sessions/hill-sprints.toml (11 phases, ~12:40)",
        "ok: sessions/pre-run-hips.toml (18 phases, 9:00)",
    ]


def test_check_fails_with_path_line_errors_but_checks_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(
        tmp_path / "bad", "bad.toml", 'name = "Bad"\n[[steps]]\ntype = "hold"\nname = "x"\nsecs = 1\n'
    )
    good = write(tmp_path, "good.toml", VALID)
    code, out, err = run(capsys, "check", str(bad), str(good), str(tmp_path / "missing.toml"))
    assert code == 1
    assert out == f"ok: {good} (1 phases, 0:45)\n"
    errors = err.splitlines()
    assert errors[0].startswith(f"{bad}:5:1: steps[0].secs: unknown key 'secs'")
    assert errors[1] == f"{tmp_path / 'missing.toml'}:1:1: file: no such file"


def test_check_takes_folders_of_session_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "sessions")
    assert code == 0 and out.count("ok: ") == 4
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 1 and err == f"{tmp_path}:1:1: file: a folder with no .toml files in it\n"


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0
    assert schema["title"] == "Session"
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["additionalProperties"] is False


def test_python_dash_m_hiptimer_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hiptimer", "show", "backwards-running"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "round 10/10" in done.stdout


def test_a_bad_file_never_ends_in_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "junk.toml"
    path.write_bytes(b"\x00\xff[[[ = \n")
    done = subprocess.run(
        [sys.executable, "-m", "hiptimer", "check", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{path}:1:")


def test_listing_and_checking_never_import_textual() -> None:
    script = textwrap.dedent(
        """
        import contextlib, io, sys
        from hiptimer.cli import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for argv in ("--version", "list", "show hill-sprints", "check sessions", "schema"):
                main(argv.split())
        print(sorted(m for m in sys.modules if m.split(".")[0] == "textual"))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_starting_the_app_builds_no_command_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's first frame does not wait for the seven commands' parsers it never uses."""
    launched: list[str | None] = []

    def launch(args: argparse.Namespace, hooks: CliHooks) -> int:
        launched.append(args.theme)
        return 0

    built: list[str] = []
    add_parser = argparse._SubParsersAction.add_parser

    def counting(self: argparse._SubParsersAction[argparse.ArgumentParser], name: str, **kw: Any) -> Any:
        built.append(name)
        return add_parser(self, name, **kw)

    monkeypatch.setattr(cli, "_launch_app", launch)
    monkeypatch.setattr(argparse._SubParsersAction, "add_parser", counting)
    assert main([]) == 0
    assert main(["--theme", "textual-light"]) == 0
    assert main(["--theme=textual-dark"]) == 0
    assert (launched, built) == ([None, "textual-light", "textual-dark"], [])
    assert main(["history", "--limit", "1"]) == 0
    assert built == ["history"]
