"""The plan compiler: each built-in routine becomes the phases a runner expects to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from hiptimer.catalog.sessions import load_file
from hiptimer.core.model import Session
from hiptimer.core.plan import Phase, PhaseKind, Plan, Side, compile_plan, format_seconds
from hiptimer.core.schema import validate_session
from hiptimer.resources import builtin_sessions_dir


def builtin(session_id: str) -> Session:
    loaded = load_file(builtin_sessions_dir() / f"{session_id}.toml")
    assert loaded.errors == ()
    assert loaded.session is not None
    return loaded.session


def session(**data: object) -> Session:
    return validate_session({"id": "t", "name": "T", **data})


def efforts(plan: Plan) -> list[Phase]:
    return [p for p in plan.phases if p.kind.is_effort]


def test_every_builtin_session_loads_and_compiles() -> None:
    files = sorted(builtin_sessions_dir().glob("*.toml"))
    assert [f.stem for f in files] == [
        "backwards-running",
        "hill-sprints",
        "pre-run-hips",
        "strength-for-speed",
    ]
    for file in files:
        plan = compile_plan(builtin(file.stem))
        assert plan.phases, file
        assert [p.index for p in plan.phases] == list(range(len(plan.phases)))


def test_the_kneeling_hip_flexor_is_three_60_s_holds_per_leg_with_a_switch_between() -> None:
    plan = compile_plan(builtin("pre-run-hips"))
    start = next(p.index for p in plan.phases if p.label == "Kneeling hip-flexor")
    flexor = plan.phases[start:]
    holds = [p for p in flexor if p.kind is PhaseKind.HOLD]
    assert [(p.side, p.set_index, p.set_count, p.seconds) for p in holds] == [
        (Side.LEFT, 1, 3, 60),
        (Side.LEFT, 2, 3, 60),
        (Side.LEFT, 3, 3, 60),
        (Side.RIGHT, 1, 3, 60),
        (Side.RIGHT, 2, 3, 60),
        (Side.RIGHT, 3, 3, 60),
    ]
    assert [p.kind for p in flexor] == [
        PhaseKind.HOLD,
        PhaseKind.REST,
        PhaseKind.HOLD,
        PhaseKind.REST,
        PhaseKind.HOLD,
        PhaseKind.SWITCH,
        PhaseKind.HOLD,
        PhaseKind.REST,
        PhaseKind.HOLD,
        PhaseKind.REST,
        PhaseKind.HOLD,
    ]
    switch = flexor[5]
    assert (switch.label, switch.speech, switch.seconds) == ("Switch legs", "switch legs", 10)
    assert holds[0].speech == "kneeling hip flexor, left leg, 1 minute"
    assert holds[0].halfway and holds[0].countdown == 3


def test_the_pre_run_bridges_and_swings_are_10_reps_per_leg() -> None:
    plan = compile_plan(builtin("pre-run-hips"))
    reps = [(p.label, p.side, p.reps) for p in plan.phases if p.kind is PhaseKind.REPS]
    assert reps == [
        ("Knee-to-chest bridge", Side.LEFT, 10),
        ("Knee-to-chest bridge", Side.RIGHT, 10),
        ("Marching bridge", None, 10),
        ("Swinging drill", Side.LEFT, 10),
        ("Swinging drill", Side.RIGHT, 10),
    ]
    # Done on the floor with busy hands: the timer paces every rep, with a tick, and moves on.
    paced = [(p.pace, p.seconds, p.pace_ticks) for p in plan.phases if p.kind is PhaseKind.REPS]
    assert paced == [(3, 30, True), (3, 30, True), (2, 20, True), (2, 20, True), (2, 20, True)]
    assert not any(p.counted for p in plan.phases)
    assert all(p.timed for p in plan.phases)


def test_hill_sprints_are_four_rounds_with_three_minutes_rest_between_and_none_after_the_last() -> None:
    plan = compile_plan(builtin("hill-sprints"))
    assert plan.targets == {"repeats": 4}
    assert [(p.kind, p.round_index) for p in plan.phases] == [
        (PhaseKind.WORK, 1),
        (PhaseKind.OPEN, 1),
        (PhaseKind.REST, 1),
        (PhaseKind.WORK, 2),
        (PhaseKind.OPEN, 2),
        (PhaseKind.REST, 2),
        (PhaseKind.WORK, 3),
        (PhaseKind.OPEN, 3),
        (PhaseKind.REST, 3),
        (PhaseKind.WORK, 4),
        (PhaseKind.OPEN, 4),
    ]
    assert {p.seconds for p in plan.phases if p.kind is PhaseKind.REST} == {180}
    sprint = plan.phases[0]
    assert (sprint.seconds, sprint.min_seconds, sprint.target_text()) == (10, 5, "5-10 s")
    assert sprint.round_count == 4
    assert [p.index for p in plan.phases if p.last_round] == [9]


def test_hill_sprints_grow_with_todays_target() -> None:
    plan = compile_plan(builtin("hill-sprints"), {"repeats": 7, "not-a-progression": 3})
    assert plan.targets == {"repeats": 7}
    assert sum(p.kind is PhaseKind.WORK for p in plan.phases) == 7
    assert sum(p.kind is PhaseKind.REST for p in plan.phases) == 6


def test_backwards_running_is_ten_rounds_of_two_open_steps() -> None:
    plan = compile_plan(builtin("backwards-running"))
    assert len(plan) == 20
    assert all(p.kind is PhaseKind.OPEN and not p.timed for p in plan.phases)
    assert [p.label for p in plan.phases[:2]] == ["Run backwards", "Jog forward"]
    assert [p.rounds for p in plan.phases[-2:]] == [((10, 10),), ((10, 10),)]
    assert plan.is_estimate
    assert plan.estimated_seconds == 20 * 20


def test_strength_for_speed_is_ten_reps_of_each_move_and_two_30_s_holds() -> None:
    session = builtin("strength-for-speed")
    assert (session.schedule.when, session.schedule.per_week) == ("non-running-days", 2)
    plan = compile_plan(session)
    assert {p.reps for p in plan.phases if p.kind is PhaseKind.REPS} == {10}
    holds = [(p.label, p.seconds) for p in plan.phases if p.kind is PhaseKind.HOLD]
    assert holds == [("Downward-facing Dog", 30), ("Toe-touches", 30)]


def test_alternating_sides_go_left_right_with_a_switch_between_each() -> None:
    plan = compile_plan(
        session(steps=[{"type": "hold", "name": "Lunge", "seconds": 20, "sets": 2, "sides": "alternate"}])
    )
    assert [(p.kind, p.side, p.set_index) for p in plan.phases] == [
        (PhaseKind.HOLD, Side.LEFT, 1),
        (PhaseKind.SWITCH, None, 1),
        (PhaseKind.HOLD, Side.RIGHT, 1),
        (PhaseKind.SWITCH, None, 1),
        (PhaseKind.HOLD, Side.LEFT, 2),
        (PhaseKind.SWITCH, None, 1),
        (PhaseKind.HOLD, Side.RIGHT, 2),
    ]


def test_paced_reps_are_timed_and_counted_reps_are_estimated() -> None:
    plan = compile_plan(
        session(
            steps=[
                {"type": "reps", "name": "Paced", "reps": 10, "pace": 2},
                {"type": "reps", "name": "Counted", "reps": 10, "estimate_rep_seconds": 4},
            ]
        )
    )
    paced, counted = plan.phases
    assert (paced.seconds, paced.estimate_seconds, paced.counted) == (20, 20, False)
    assert (counted.seconds, counted.estimate_seconds, counted.counted) == (None, 40, True)


def test_nested_repeat_blocks_record_every_round() -> None:
    plan = compile_plan(
        session(
            steps=[
                {
                    "type": "repeat",
                    "times": 2,
                    "steps": [{"type": "repeat", "times": 3, "steps": [{"type": "open", "name": "Go"}]}],
                }
            ]
        )
    )
    assert [p.rounds for p in plan.phases] == [
        ((1, 2), (1, 3)),
        ((1, 2), (2, 3)),
        ((1, 2), (3, 3)),
        ((2, 2), (1, 3)),
        ((2, 2), (2, 3)),
        ((2, 2), (3, 3)),
    ]
    assert plan.phases[0].step_path == "steps[0].steps[0].steps[0]"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(5, "5 s"), (59.5, "59.5 s"), (60, "1:00"), (90, "1:30"), (3600, "1:00:00")],
)
def test_times_are_written_the_way_a_runner_reads_them(seconds: float, text: str) -> None:
    assert format_seconds(seconds) == text


def test_builtins_are_found_in_the_repository_checkout() -> None:
    assert builtin_sessions_dir() == Path(__file__).resolve().parent.parent / "sessions"
