"""Each command loads only what it uses, so the quick ones start quickly.

Importing is most of a command's start-up time (``bench/startup.py`` measures it): pydantic and
the session schema cost about a tenth of a second, Textual several. Each command runs here in a
fresh interpreter, and what it imported is checked afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hiptimer import __version__
from hiptimer.history.store import open_store

SESSIONS = Path(__file__).resolve().parent.parent / "sessions"

_PROBE = """
import json, sys
from hiptimer.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}, out)
"""

HEAVY = {"pydantic", "textual", "sqlite3", "platformdirs", "fit_tool", "garmin_fit_sdk"}

CASES = [
    (["--version"], set()),
    (["--help"], set()),
    (["schema"], {"pydantic"}),
    (["check", str(SESSIONS / "hill-sprints.toml")], {"pydantic", "platformdirs"}),
    (["history"], {"sqlite3", "platformdirs"}),
    (["list"], {"pydantic", "sqlite3", "platformdirs"}),
    (["show", "hill-sprints"], {"pydantic", "sqlite3", "platformdirs"}),
]
"""Each command, and the heavy packages it may load (the history file exists: list, show and
history open it)."""


def _probe(probe: str, argv: list[str], tmp_path: Path) -> dict[str, Any]:
    """Run ``probe`` with ``argv`` in a fresh interpreter: its report (exit code, modules, ...)."""
    report = tmp_path / "imported.json"
    done = subprocess.run(
        [sys.executable, "-c", probe, str(report), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(report.read_text())
    assert result["code"] == 0, done.stderr
    return result


@pytest.mark.parametrize(("argv", "allowed"), CASES, ids=[" ".join(a[:1]) for a, _ in CASES])
def test_a_command_imports_only_what_it_uses(argv: list[str], allowed: set[str], tmp_path: Path) -> None:
    store, _ = open_store(Path(os.environ["HIPTIMER_DATA_DIR"]) / "history.sqlite3")
    store.close()
    result = _probe(_PROBE, argv, tmp_path)
    loaded = HEAVY & set(result["modules"])
    assert loaded <= allowed, f"hiptimer {' '.join(argv)} imported {sorted(loaded - allowed)}"


_FULL_PROBE = """
import io, json, sys
from contextlib import redirect_stdout
from hiptimer.cli import main
with redirect_stdout(io.StringIO()) as shown:
    code = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "out": shown.getvalue(), "modules": sorted(sys.modules)}, out)
"""

HISTORY_NEEDS_NONE_OF = {
    "dataclasses",  # and inspect with it: more than the command's own work
    "inspect",
    "typing",  # 14 M instructions: a tenth of what the command adds to Python's own start
    "shutil",
    "secrets",
    "tempfile",
    "platformdirs",  # HIPTIMER_DATA_DIR names the folder
    "pydantic",
    "textual",
    "hiptimer.core.plan",
    "hiptimer.core.cues",
    "hiptimer.core.results",
    "hiptimer.history.records",
    "hiptimer.history.store",
}
"""What ``hiptimer history``'s table loads nothing of: it reads the runs' sums, not the runs."""


def test_the_history_table_reads_without_the_store_and_the_runs_classes(tmp_path: Path) -> None:
    from store_kit import MONDAY, builtin, play

    store, _ = open_store(Path(os.environ["HIPTIMER_DATA_DIR"]) / "history.sqlite3")
    play(store, builtin("hill-sprints"), started=MONDAY)
    store.close()
    result = _probe(_FULL_PROBE, ["history"], tmp_path)
    assert "hill-sprints" in result["out"] and "completed" in result["out"]
    loaded = HISTORY_NEEDS_NONE_OF & set(result["modules"])
    assert not loaded, f"hiptimer history imported {sorted(loaded)}"


def test_the_console_script_answers_version_without_loading_the_command_line() -> None:
    probe = (
        "import sys; sys.argv = ['hiptimer', '--version']; from hiptimer.console import main; "
        "code = main(); print(code, sorted(m for m in ('argparse', 'hiptimer.cli') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.splitlines() == [f"hiptimer {__version__}", "0 []"], done.stderr


def test_the_console_script_starts_the_app_without_loading_the_command_line() -> None:
    probe = (
        "import sys; sys.argv = ['hiptimer']; import hiptimer.tui.launch as launch; "
        "launch.run_app = lambda *a, **k: print('app', a, k) or 0; "
        "from hiptimer.console import main; code = main(); "
        "print(code, sorted(m for m in ('argparse', 'gettext', 'hiptimer.cli') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.splitlines() == ["app () {}", "0 []"], done.stderr


def test_the_console_script_runs_the_other_commands(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hiptimer import console

    monkeypatch.setattr(sys, "argv", ["hiptimer", "check", str(SESSIONS / "hill-sprints.toml")])
    assert console.main() == 0
    assert capsys.readouterr().out.startswith("ok: ")


@pytest.mark.parametrize(
    "argv",
    [["list"], ["show", "hill-sprints"], ["check", str(SESSIONS)]],
    ids=["list", "show", "check"],
)
def test_unchanged_session_files_are_read_without_pydantic(argv: list[str], tmp_path: Path) -> None:
    """The first run checks the files with the schema (pydantic); later runs take the checked
    sessions from the cache as plain objects and never import pydantic at all."""

    def pydantic_modules() -> list[str]:
        report = tmp_path / "imported.json"
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, str(report), *argv],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        result = json.loads(report.read_text())
        assert result["code"] == 0, done.stderr
        return [m for m in result["modules"] if m.startswith("pydantic")]

    assert pydantic_modules()
    assert pydantic_modules() == []


_APP_PROBE = """
import asyncio, json, sys, time
from hiptimer.audio.simple import NullPlayer
from hiptimer.catalog.sessions import load_catalog
from hiptimer.core.ports import MemoryStore
from hiptimer.tui.app import HiptimerApp


async def home() -> str:
    app = HiptimerApp(
        clock=time.monotonic, catalog=load_catalog(), store=MemoryStore(), player=NullPlayer(),
        handle_signals=False,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        return type(app.screen).__name__


screen = asyncio.run(home())
with open(sys.argv[1], "w") as out:
    json.dump({"screen": screen, "modules": sorted(m for m in sys.modules if m.startswith("pydantic"))}, out)
"""


def test_the_apps_home_screen_reads_unchanged_session_files_without_pydantic(tmp_path: Path) -> None:
    def home_screen() -> dict[str, object]:
        report = tmp_path / "app.json"
        done = subprocess.run(
            [sys.executable, "-c", _APP_PROBE, str(report)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        found: dict[str, object] = json.loads(report.read_text())
        return found

    first = home_screen()
    assert first["screen"] == "HomeScreen" and first["modules"]
    assert home_screen() == {"screen": "HomeScreen", "modules": []}
