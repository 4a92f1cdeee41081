"""``hiptimer import ACTIVITY.fit``: what a watch recorded becomes a run, and the progression moves on.

The activities are made the way a watch records them (see ``fit_kit``), from the workout file
``hiptimer export`` wrote, and imported into a real SQLite history in the test's data folder.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fit_kit import LapSpec, SetSpec, recorded_activity
from fit_tool.profile.profile_type import Sport

from hiptimer.cli import main

MORNING = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)

# Hill sprints at 4 repeats, as the watch steps: 0 sprint, 1 walk down, 2 rest, 3 repeat x3,
# then the last round: 4 sprint, 5 walk down.
ROUND = [LapSpec(0, 10.0), LapSpec(1, 42.0), LapSpec(2, 180.0)]
LAST_ROUND = [LapSpec(4, 10.0), LapSpec(5, 45.0)]
WHOLE = ROUND * 3 + LAST_ROUND


@pytest.fixture
def workout(tmp_path: Path) -> bytes:
    """The hill sprints workout as exported today (no history: 4 repeats)."""
    path = tmp_path / "hill-sprints.fit"
    assert main(["export", "hill-sprints", "--fit", str(path)]) == 0
    return path.read_bytes()


def _activity(tmp_path: Path, data: bytes, name: str = "activity.fit") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _history(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["history", "--json"]) == 0
    runs: list[dict[str, Any]] = json.loads(capsys.readouterr().out)["runs"]
    return runs


def _today(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["show", "hill-sprints"]) == 0
    return next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Today:"))


def _import(path: Path, *extra: str) -> int:
    return main(["import", str(path), *extra])


def test_a_whole_hill_session_is_a_completed_run_and_the_next_target_grows(
    tmp_path: Path, workout: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _today(capsys).startswith("Today: repeats = 4 ")
    path = _activity(tmp_path, recorded_activity(workout, WHOLE, start=MORNING))
    assert _import(path) == 0
    assert "completed, 11 of 11 phases done" in capsys.readouterr().out

    (run,) = _history(capsys)
    assert (run["session_id"], run["status"], run["source"]) == ("hill-sprints", "completed", "watch")
    assert run["imported_from"] == "activity.fit"
    assert run["started"] == "2026-11-30T07:00:00.000+00:00"
    assert run["targets"] == {"repeats": 4}
    assert run["phase_count"] == run["phases_done"] == 11
    sprints = [p for p in run["phases"] if p["kind"] == "work"]
    assert [p["round_index"] for p in sprints] == [1, 2, 3, 4]
    assert all(p["actual_seconds"] == 10 and p["outcome"] == "completed" for p in sprints)
    walks = [p["actual_seconds"] for p in run["phases"] if p["kind"] == "open"]
    assert walks == [42, 42, 42, 45]
    assert _today(capsys).startswith("Today: repeats = 5 ")
    assert main(["history"]) == 0
    assert "completed (watch)" in capsys.readouterr().out


def test_a_session_stopped_after_three_repeats_is_partial_and_the_target_holds(
    tmp_path: Path, workout: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    stopped = [
        *ROUND * 2,
        LapSpec(0, 10.0),
        LapSpec(1, 50.0),
        LapSpec(2, 60.0),
    ]  # stopped 1 min into the rest
    assert _import(_activity(tmp_path, recorded_activity(workout, stopped, start=MORNING))) == 0
    assert "partial" in capsys.readouterr().out
    (run,) = _history(capsys)
    assert run["status"] == "aborted" and run["source"] == "watch"
    assert len(run["phases"]) == 9
    assert run["phases"][-1]["outcome"] == "aborted"
    assert run["phases_done"] == 8
    today = _today(capsys)
    assert today.startswith("Today: repeats = 4 ")


def test_an_extra_lap_after_the_workout_is_left_out(
    tmp_path: Path, workout: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    laps = [LapSpec(None, 300.0), *WHOLE, LapSpec(None, 900.0)]  # the run there, the workout, the run home
    assert _import(_activity(tmp_path, recorded_activity(workout, laps, start=MORNING))) == 0
    assert "2 laps outside the workout left out" in capsys.readouterr().out
    (run,) = _history(capsys)
    assert run["status"] == "completed" and run["phases_done"] == 11
    assert run["started"] == "2026-11-30T07:05:00.000+00:00"  # the workout's first lap
    assert _today(capsys).startswith("Today: repeats = 5 ")


def test_a_sprint_ended_early_with_lap_still_counts(
    tmp_path: Path, workout: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    laps = [LapSpec(0, 6.0), *WHOLE[1:]]
    assert _import(_activity(tmp_path, recorded_activity(workout, laps, start=MORNING))) == 0
    (run,) = _history(capsys)
    assert run["phases"][0]["outcome"] == "ended-early"
    assert run["status"] == "completed"
    assert _today(capsys).startswith("Today: repeats = 5 ")


def test_importing_the_same_file_twice_adds_nothing(
    tmp_path: Path, workout: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _activity(tmp_path, recorded_activity(workout, WHOLE, start=MORNING))
    assert _import(path) == 0
    copy = _activity(tmp_path, path.read_bytes(), "renamed.fit")
    assert _import(copy) == 0
    assert "imported before" in capsys.readouterr().out
    assert len(_history(capsys)) == 1
    assert _today(capsys).startswith("Today: repeats = 5 ")


def test_the_next_export_and_import_carry_on_from_the_imported_run(
    tmp_path: Path, workout: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _import(_activity(tmp_path, recorded_activity(workout, WHOLE, start=MORNING), "one.fit")) == 0
    five = tmp_path / "five.fit"
    assert main(["export", "hill-sprints", "--fit", str(five)]) == 0
    laps = ROUND * 4 + LAST_ROUND
    later = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    data = recorded_activity(five.read_bytes(), laps, start=later, serial_number=3_456_789_012)
    assert _import(_activity(tmp_path, data, "two.fit")) == 0
    runs = _history(capsys)
    assert [(r["targets"], r["status"], r["phase_count"]) for r in runs] == [
        ({"repeats": 5}, "completed", 14),
        ({"repeats": 4}, "completed", 11),
    ]
    assert _today(capsys).startswith("Today: repeats = 6 ")


def test_a_strength_session_takes_its_reps_from_the_watchs_sets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "strength.fit"
    assert main(["export", "strength-for-speed", "--fit", str(exported)]) == 0
    laps = [LapSpec(i, 40.0 if i % 2 == 0 else 20.0) for i in range(13)]
    laps[7] = LapSpec(7, 10.0)  # switch legs
    laps[10], laps[12] = LapSpec(10, 30.0), LapSpec(12, 30.0)  # the holds
    sets = [
        (0, SetSpec(0, 40.0, reps=12)),
        (1, SetSpec(None, 20.0, active=False)),
        (2, SetSpec(2, 40.0, reps=8)),
    ]
    data = recorded_activity(exported.read_bytes(), laps, start=MORNING, sets=sets, sport=Sport.TRAINING)
    assert _import(_activity(tmp_path, data)) == 0
    (run,) = _history(capsys)
    reps = [(p["label"], p["reps_done"]) for p in run["phases"] if p["kind"] == "reps"]
    assert reps[:3] == [("Mountain climbers", 12), ("Squats", 8), ("Forward lunges", 10)]
    assert run["status"] == "completed" and run["source"] == "watch"


def test_session_is_given_when_the_watch_kept_no_workout_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.fit"
    assert main(["export", "backwards-running", "--fit", str(other)]) == 0
    laps = [LapSpec(i % 2, 25.0) for i in range(20)]
    path = _activity(tmp_path, recorded_activity(other.read_bytes(), laps, start=MORNING))
    assert _import(path, "--session", "hill-sprints") == 1  # the watch ran another workout
    assert "not this session" in capsys.readouterr().err
    assert not _history_file().exists()
    assert _import(path) == 0
    assert _history(capsys)[0]["session_id"] == "backwards-running"


def test_laps_pressed_by_hand_without_the_workout_need_the_session_and_map_in_order(
    tmp_path: Path, workout: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    laps = [LapSpec(None, spec.seconds) for spec in ROUND * 3 + LAST_ROUND]
    path = _activity(tmp_path, recorded_activity(workout, laps, start=MORNING, with_workout=False))
    assert _import(path) == 1
    assert "--session ID" in capsys.readouterr().err
    assert not _history_file().exists()
    assert _import(path, "--session", "hill-sprints") == 0
    (run,) = _history(capsys)
    assert (run["status"], run["phases_done"], run["source"]) == ("completed", 11, "watch")
    assert [p["label"] for p in run["phases"][:3]] == ["Sprint uphill", "Walk down", "Rest"]


def _history_file() -> Path:
    return Path(os.environ["HIPTIMER_DATA_DIR"]) / "history.sqlite3"


def _flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0xFF
    return bytes(changed)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda activity, workout: workout, "FIT workout file, not an activity"),
        (lambda activity, workout: activity[: len(activity) // 2], "cut short"),
        (lambda activity, workout: _flip(activity, len(activity) // 2), "CRC"),
        (lambda activity, workout: b"not a fit file at all", "not a FIT file"),
    ],
    ids=["a workout", "truncated", "crc", "not fit"],
)
def test_a_file_that_is_not_a_whole_activity_is_refused_and_nothing_is_written(
    damage: Any, message: str, tmp_path: Path, workout: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    activity = recorded_activity(workout, WHOLE, start=MORNING)
    path = _activity(tmp_path, damage(activity, workout), "bad.fit")
    assert _import(path) == 1
    err = capsys.readouterr().err
    assert message in err and str(path) in err and "Traceback" not in err
    assert not _history_file().exists()
    assert _history(capsys) == []


def test_a_missing_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(tmp_path / "nowhere.fit") == 1
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.parametrize("library", ["fit_tool", "garmin_fit_sdk"])
def test_without_the_fit_extra_export_and_import_say_how_to_get_it(
    library: str,
    tmp_path: Path,
    workout: bytes,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _activity(tmp_path, recorded_activity(workout, WHOLE, start=MORNING))
    for name in [m for m in sys.modules if m == library or m.startswith(f"{library}.")] or [library]:
        monkeypatch.setitem(sys.modules, name, None)  # as if it were not installed
    code = (
        main(["export", "hill-sprints", "--fit", str(tmp_path / "x.fit")])
        if library == "fit_tool"
        else _import(path)
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "pip install 'hiptimer[fit]'" in err and "Traceback" not in err
    assert not (tmp_path / "x.fit").exists() and not _history_file().exists()
