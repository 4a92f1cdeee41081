"""``hiptimer export SESSION --fit``: every built-in, decoded with Garmin's own FIT decoder."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, cast

import pytest
from garmin_fit_sdk import Decoder, Stream

from hiptimer.catalog.sessions import load_catalog
from hiptimer.cli import main
from hiptimer.core.model import Session
from hiptimer.core.plan import PhaseKind, compile_plan
from hiptimer.core.schema import validate_session
from hiptimer.export.program import NAME_BYTES, NOTES_BYTES, Duration, build_program, clip
from hiptimer.export.workout_file import sport_for

BUILT_INS = [entry.id for entry in load_catalog()]


def _decode(data: bytes) -> dict[str, list[dict[str, Any]]]:
    assert Decoder(Stream.from_byte_array(bytearray(data))).is_fit()
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return cast("dict[str, list[dict[str, Any]]]", messages)


def _unrolled(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps a watch runs, in order: repeat steps followed as FIT defines them."""
    done: list[dict[str, Any]] = []
    counts: dict[int, int] = {}
    at = 0
    while at < len(steps):
        step = steps[at]
        if step["duration_type"] != "repeat_until_steps_cmplt":
            done.append(step)
            at += 1
            continue
        counts[at] = counts.get(at, 1) + 1
        if counts[at] <= step["repeat_steps"]:
            at = step["duration_step"]
        else:
            counts[at] = 1
            at += 1
    return done


@pytest.mark.parametrize("session_id", BUILT_INS)
def test_every_built_in_exports_a_workout_garmins_decoder_reads_as_planned(
    session_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "workout.fit"
    assert main(["export", session_id, "--fit", str(out)]) == 0
    assert f"Wrote {out}" in capsys.readouterr().out
    messages = _decode(out.read_bytes())

    entry = load_catalog().find(session_id)
    plan = compile_plan(entry.session)  # no history: every progression at its start
    (file_id,) = messages["file_id_mesgs"]
    assert file_id["type"] == "workout"
    assert file_id["serial_number"] > 0
    (workout,) = messages["workout_mesgs"]
    assert workout["wkt_name"] == entry.session.name
    steps = messages["workout_step_mesgs"]
    assert workout["num_valid_steps"] == len(steps)
    assert [s["message_index"] for s in steps] == list(range(len(steps)))

    ran = _unrolled(steps)
    assert len(ran) == len(plan.phases)
    for phase, step in zip(plan.phases, ran, strict=True):
        assert step["wkt_step_name"].startswith(phase.label[:20])
        assert len(step["wkt_step_name"].encode()) <= NAME_BYTES
        assert len(step.get("notes", "").encode()) <= NOTES_BYTES
        if phase.side is not None:
            assert f"({phase.side.value})" in step["wkt_step_name"]
        resting = phase.kind in (PhaseKind.REST, PhaseKind.SWITCH)
        assert step["intensity"] == ("rest" if resting else "active")
        if phase.counted:
            assert (step["duration_type"], step["duration_reps"]) == ("reps", phase.reps)
        elif phase.seconds is None:
            assert step["duration_type"] == "open"
        else:
            assert step["duration_type"] == "time"
            assert step["duration_time"] == pytest.approx(phase.seconds)


def test_hill_sprints_at_todays_target_repeat_with_the_rest_between_rounds_only(tmp_path: Path) -> None:
    entry = load_catalog().find("hill-sprints")
    plan = compile_plan(entry.session, {"repeats": 7})
    program = build_program(plan, sport_for(entry.session))
    kinds = [(s.name, s.duration, s.seconds, s.times, s.repeat_from) for s in program.steps]
    assert kinds == [
        ("Sprint uphill", Duration.TIME, 10, None, None),
        ("Walk down", Duration.OPEN, None, None, None),
        ("Rest", Duration.TIME, 180, None, None),
        ("Repeat 6x", Duration.REPEAT, None, 6, 0),
        ("Sprint uphill", Duration.TIME, 10, None, None),
        ("Walk down", Duration.OPEN, None, None, None),
    ]
    assert len(program.executed()) == len(plan.phases) == 7 * 2 + 6
    assert any("last round" in note for note in program.notes)


def test_nested_repeat_blocks_are_nested_repeat_steps() -> None:

    session = validate_session(
        {
            "id": "ladder",
            "name": "Ladder",
            "steps": [
                {
                    "type": "repeat",
                    "times": 3,
                    "steps": [
                        {
                            "type": "repeat",
                            "times": 2,
                            "steps": [{"type": "work", "name": "Stride", "seconds": 20}],
                        },
                        {"type": "open", "name": "Jog back"},
                    ],
                }
            ],
        }
    )
    plan = compile_plan(session)
    program = build_program(plan, sport_for(session))
    assert [(s.duration, s.repeat_from, s.times) for s in program.steps] == [
        (Duration.TIME, None, None),
        (Duration.REPEAT, 0, 2),
        (Duration.OPEN, None, None),
        (Duration.REPEAT, 0, 3),
    ]
    assert [program.steps[i].name for i in program.executed()] == ["Stride", "Stride", "Jog back"] * 3


def test_each_export_has_a_new_serial_number_and_the_progression_target(tmp_path: Path) -> None:
    first, second = tmp_path / "a.fit", tmp_path / "b.fit"
    assert main(["export", "hill-sprints", "--fit", str(first)]) == 0
    assert main(["export", "hill-sprints", "--fit", str(second)]) == 0
    ids = [_decode(p.read_bytes())["file_id_mesgs"][0]["serial_number"] for p in (first, second)]
    assert ids[0] != ids[1]
    steps = _decode(first.read_bytes())["workout_step_mesgs"]
    assert [s["repeat_steps"] for s in steps if "repeat_steps" in s] == [3]  # 4 repeats at the start


def test_export_without_a_file_writes_session_and_date_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", "strength-for-speed", "--fit"]) == 0
    (written,) = tmp_path.glob("strength-for-speed-*.fit")
    out = capsys.readouterr().out
    assert str(written) in out and "GARMIN/NewFiles" in out
    assert _decode(written.read_bytes())["workout_mesgs"][0]["sub_sport"] == "strength_training"


def test_export_of_an_unknown_session_fails_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", "no-such-session", "--fit"]) == 1
    assert "no-such-session" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert main(["export", "hill-sprints"]) == 2  # no format: a usage error


def test_long_names_are_cut_at_a_whole_character_within_the_limit() -> None:
    text = "Kneeling hip-flexor stretch with a very long name indeed, é" * 3
    cut = clip(text, NAME_BYTES)
    assert len(cut.encode()) <= NAME_BYTES and cut.endswith("...")
    assert clip("Short", NAME_BYTES) == "Short"


def hills_from(repeats: int) -> Session:
    """The hill sprints, starting at ``repeats`` (a plan never goes below a progression's start)."""
    text = load_catalog().find("hill-sprints").path.read_text()
    return validate_session(tomllib.loads(text.replace("start = 4", f"start = {repeats}", 1)))


def test_two_rounds_with_a_rest_between_need_no_repeat_step() -> None:
    session = hills_from(2)
    plan = compile_plan(session, {"repeats": 2})
    assert len([p for p in plan.phases if p.label == "Sprint uphill"]) == 2
    program = build_program(plan, sport_for(session))
    assert [s.name for s in program.steps] == [
        "Sprint uphill",
        "Walk down",
        "Rest",
        "Sprint uphill",
        "Walk down",
    ]
    assert program.executed() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("repeats", range(1, 13))
def test_the_watch_runs_the_plans_phases_in_order_at_every_target(repeats: int) -> None:
    session = hills_from(repeats)
    plan = compile_plan(session, {"repeats": repeats})
    assert len([p for p in plan.phases if p.label == "Sprint uphill"]) == repeats
    program = build_program(plan, sport_for(session))
    ran = [program.steps[i] for i in program.executed()]
    assert [s.name for s in ran] == [p.label for p in plan.phases]
    assert [s.seconds for s in ran] == [p.seconds for p in plan.phases]


def test_export_to_standard_output_writes_the_file_alone(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["export", "pre-run-hips", "--fit", "-"]) == 0
    data = capsysbinary.readouterr().out
    assert _decode(data)["workout_mesgs"][0]["wkt_name"] == "Pre-run hip routine"
