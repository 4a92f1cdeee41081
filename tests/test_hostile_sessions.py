"""Session files are data: nothing in one can hang hiptimer, crash it or steer the terminal.

Each test is one of the hostile files found by trying about 1,250 of them; each goes through the
real command line (``check``, ``show``, ``list``) with real files in a temporary folder.
"""

from __future__ import annotations

import textwrap
import wave
from pathlib import Path

import pytest

from hiptimer import locations
from hiptimer.catalog.sessions import load_text
from hiptimer.cli import main
from hiptimer.core.plan import MAX_PHASES, compile_plan, plan_size
from hiptimer.core.printable import display_width


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def no_control(text: str) -> bool:
    return all(c in "\n" or (ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F) for c in text)


# -- 2: progression values are finite and within their field's limits ---------------------------

INFINITE_HOLD = """
name = "Forever"
[progression.hold]
start = inf
goal = inf
[[steps]]
type = "hold"
name = "Plank"
progression = "hold"
"""


def test_an_infinite_progression_is_a_clear_error_not_an_overflow(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "forever.toml", INFINITE_HOLD)
    for command in ("check", "show"):
        code, _, err = run(capsys, command, str(path))
        assert code == 1
        assert f"{path}:3:1: progression.hold.start: Input should be a finite number" in err
        assert "Traceback" not in err


@pytest.mark.parametrize(
    ("step", "limit"),
    [
        ('type = "reps"\nname = "Curls"\npace = 1', "reps of 'Curls', which is at most 1000: goal 1e+15"),
        ('type = "hold"\nname = "Plank"', "seconds of 'Plank', which is at most 86400: goal 1e+15"),
    ],
)
def test_a_huge_progression_is_held_to_the_limit_of_the_field_it_sets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, step: str, limit: str
) -> None:
    text = (
        f'name = "Huge"\n[progression.n]\nstart = 1e15\ngoal = 1e15\n[[steps]]\n{step}\nprogression = "n"\n'
    )
    path = tmp_path / "huge.toml"
    path.write_text(text)
    code, out, err = run(capsys, "check", str(path))
    assert (code, out) == (1, "")
    assert err == f"{path}:4:1: progression.n.goal: progression 'n' sets {limit} is too high\n"


def test_a_repeat_count_from_a_large_progression_is_refused_at_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "rounds.toml",
        """
        name = "Rounds"
        [progression.rounds]
        start = 1e8
        goal = 1e8
        [[steps]]
        type = "repeat"
        progression = "rounds"
        [[steps.steps]]
        type = "hold"
        name = "Plank"
        seconds = 1
        """,
    )
    code, _, err = run(capsys, "check", str(path))
    assert code == 1
    assert (
        "progression.rounds.goal: progression 'rounds' sets times of 'Repeat', which is at most 1000" in err
    )


# -- 3: the whole plan is bounded, counted before it is built -----------------------------------

NESTED = """
name = "Billion"
[[steps]]
type = "repeat"
times = 1000
[[steps.steps]]
type = "repeat"
times = 1000
[[steps.steps.steps]]
type = "repeat"
times = 1000
[[steps.steps.steps.steps]]
type = "hold"
name = "Plank"
seconds = 1
"""


def test_nested_repeats_of_a_billion_phases_are_an_error_at_the_step_that_breaks_the_bound(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "billion.toml", NESTED)
    code, out, err = run(capsys, "check", str(path))
    assert (code, out) == (1, "")
    assert err == (
        f"{path}:7:1: steps[0].steps[0].times: the session would have 1,000,000,000 phases "
        f"(at most {MAX_PHASES:,}): the plan is too big to run\n"
    )


def test_a_plan_that_only_grows_too_long_at_the_progressions_goal_is_refused_today(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "grows.toml",
        """
        name = "Grows"
        [progression.rounds]
        start = 10
        goal = 1000
        [[steps]]
        type = "repeat"
        progression = "rounds"
        [[steps.steps]]
        type = "reps"
        name = "Curls"
        reps = 100
        pace = 2
        """,
    )
    code, _, err = run(capsys, "check", str(path))
    assert code == 1
    assert f"{path}:7:1: steps[0].progression: the session would have 55:33:25 (at most 24:00:00)" in err
    assert "once its progressions reach their goal" in err


def test_steps_that_are_each_fine_are_blamed_where_their_total_passes_the_limit(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """
        name = "Long"
        get_ready = 3600
        [[steps]]
        type = "hold"
        name = "Plank"
        seconds = 43200
        [[steps]]
        type = "hold"
        name = "Bridge"
        seconds = 43200
        [[steps]]
        type = "rest"
        seconds = 10
        """
    ).lstrip()
    loaded = load_text(text, tmp_path / "long.toml", default_id="long")
    assert [str(e) for e in loaded.errors] == [
        f"{tmp_path / 'long.toml'}:7:1: steps[1]: the session would have 25:00:10 (at most 24:00:00): "
        "the plan is too big to run"
    ]


def test_a_too_big_file_in_the_sessions_folder_is_reported_and_the_others_still_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = locations.user_sessions_dir()
    write(folder, "billion.toml", NESTED)
    code, out, err = run(capsys, "list")
    assert code == 0
    assert "hip-flexor" in out or "hip" in out  # the built-ins are still listed
    assert "billion.toml:7:1: steps[0].steps[0].times" in err


def test_counting_a_plan_agrees_with_building_it_for_every_builtin() -> None:
    from hiptimer.catalog.sessions import load_catalog

    for entry in load_catalog():
        plan = compile_plan(entry.session)
        phases, seconds = plan_size(entry.session)
        assert phases == len(plan)
        assert seconds == pytest.approx(plan.estimated_seconds)


# -- 4 and 5: control characters --------------------------------------------------------------


def test_a_step_name_with_a_new_line_is_an_error_in_check_not_a_crash_in_show(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "newline.toml"
    path.write_text('name = "N"\n[[steps]]\ntype = "hold"\nname = "Left\\nRight"\nseconds = 5\n')
    for command in ("check", "show"):
        code, _, err = run(capsys, command, str(path))
        assert code == 1
        assert f"{path}:4:1: steps[0].name: control characters are not allowed here (\\n)" in err


def test_escape_sequences_in_names_cues_and_instructions_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "escapes.toml"
    path.write_text(
        'name = "Title\\u001b]0;pwned\\u0007"\n'
        "[[steps]]\n"
        'type = "hold"\n'
        'name = "Plank"\n'
        'cue = "plank\\u001b[31m"\n'
        'instructions = "Hold it.\\nBreathe.\\tRelax.\\u001b[2J"\n'
        "seconds = 5\n"
    )
    code, out, err = run(capsys, "check", str(path))
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert [line.split(": ")[1] for line in lines] == ["name", "steps[0].cue", "steps[0].instructions"]
    assert "(\\x1b, \\x07)" in lines[0]
    assert "only new lines and tabs are" in lines[2]
    assert no_control(err)


def test_new_lines_and_tabs_in_instructions_are_fine(tmp_path: Path) -> None:
    text = 'name = "N"\n[[steps]]\ntype = "hold"\nname = "P"\ninstructions = "One.\\n\\tTwo."\nseconds = 5\n'
    loaded = load_text(text, tmp_path / "n.toml", default_id="n")
    assert loaded.errors == ()


def test_keys_with_control_characters_are_escaped_in_the_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('name = "N"\n"k\\n\\u001b[2J" = 1\n[[steps]]\ntype = "hold"\nname = "P"\nseconds = 5\n')
    code, _, err = run(capsys, "check", str(path))
    assert code == 1
    assert err.count("\n") == 1 and no_control(err)
    assert err.startswith(f"{path}:2:1: k\\n\\x1b[2J: unknown key ")


def test_a_file_name_with_an_escape_is_escaped_in_messages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad\x1b[2J.toml"
    path.write_text('name = "N"\n')
    code, _, err = run(capsys, "check", str(path))
    assert code == 1 and no_control(err) and "bad\\x1b[2J.toml" in err


# -- 6: ranges, sound names, wide characters ----------------------------------------------------


def test_min_seconds_above_the_progressions_start_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "sprint.toml",
        """
        name = "Sprints"
        [progression.sprint]
        start = 5
        goal = 20
        [[steps]]
        type = "work"
        name = "Sprint"
        min_seconds = 10
        progression = "sprint"
        """,
    )
    code, _, err = run(capsys, "check", str(path))
    assert code == 1
    assert (
        f"{path}:8:1: steps[0].min_seconds: min_seconds (10) is more than progression 'sprint' starts at (5)"
        in err
    )


def test_a_sound_named_with_a_dot_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sounds = locations.user_sounds_dir()
    sounds.mkdir(parents=True)
    with wave.open(str(sounds / "mine.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"\x00\x00" * 2205)
    good = write(
        tmp_path,
        "good.toml",
        'name = "S"\n[[steps]]\ntype = "hold"\nname = "P"\nseconds = 5\nsound = "mine.wav"\n',
    )
    bad = write(
        tmp_path,
        "bad.toml",
        'name = "S"\n[[steps]]\ntype = "hold"\nname = "P"\nseconds = 5\nsound = "./mine.wav"\n',
    )
    assert run(capsys, "check", str(good))[0] == 0
    code, _, err = run(capsys, "check", str(bad))
    assert code == 1
    assert f"{bad}:6:1: steps[0].sound: sound './mine.wav' must not contain '..' or '.'" in err


def test_show_pads_wide_names_by_their_width_on_screen(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "wide.toml",
        """
        name = "Wide"
        [[steps]]
        type = "hold"
        name = "股関節ストレッチ🏃"
        seconds = 30
        [[steps]]
        type = "hold"
        name = "Plank"
        seconds = 45
        """,
    )
    code, out, _ = run(capsys, "show", str(path))
    assert code == 0
    rows = [line for line in out.splitlines() if line.strip().startswith(("1.", "2."))]
    assert len(rows) == 2
    assert [display_width(row[: row.index(" s")]) for row in rows] == [
        display_width(rows[0][: rows[0].index(" s")])
    ] * 2


def test_history_escapes_a_session_id_typed_with_an_escape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "history", "--session", "\x1b[2Jhills")
    assert code == 0
    assert out == "No runs of \\x1b[2Jhills yet.\n"


def test_run_and_show_escape_a_session_name_typed_with_an_escape(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("run", "show"):
        code, out, err = run(capsys, command, "\x1b]0;title\x07hills")
        assert (code, out) == (1, "")
        assert err.startswith("hiptimer: no session '\\x1b]0;title\\x07hills'")
        assert no_control(err)


@pytest.mark.parametrize(
    ("stored", "used"), [(1e15, 12.0), (float("inf"), 12.0), (float("nan"), 4.0), (-3.0, 4.0)]
)
def test_a_stored_target_outside_the_progression_is_brought_back_inside(stored: float, used: float) -> None:
    from hiptimer.catalog.sessions import load_catalog

    hills = load_catalog().get("hill-sprints")
    assert hills is not None
    plan = compile_plan(hills.session, {"repeats": stored})
    assert plan.targets["repeats"] == used
    assert len(plan) <= MAX_PHASES
