"""A run picked up again goes on where its clock says it is now, not where it was left.

Pure: the positions are written on a wall clock in seconds, the engine runs on a fake monotonic
clock, and the two are far apart on purpose (a mix-up between them shows as a wrong time left).
"""

from __future__ import annotations

from engine_kit import builtin_plan, describe

from hiptimer.core.continuation import (
    LivePosition,
    continue_run,
    is_recent,
    position_of,
    resumed_cue,
    resumed_text,
)
from hiptimer.core.cues import Cue
from hiptimer.core.engine import Event, Status, new_run, step
from hiptimer.core.plan import PhaseKind
from hiptimer.core.results import PhaseFinished, PlayCue

WALL = 1_750_000_000.0
"""The wall clock (seconds since the epoch) when the run was left."""

MONO = 500.0
"""The monotonic clock of the process that picks the run up, when it does."""


def hills_rest_index() -> int:
    plan = builtin_plan("hill-sprints")
    return next(p.index for p in plan.phases if p.kind is PhaseKind.REST)


def test_a_rest_with_1_40_left_picked_up_20_s_later_shows_1_20() -> None:
    plan = builtin_plan("hill-sprints")
    rest = hills_rest_index()
    assert plan.phases[rest].seconds == 180
    # The rest started 80 s before the connection dropped: 1:40 left then.
    left_at = LivePosition(index=rest, phase_started=WALL - 80)
    state, effects = continue_run(plan, left_at, now=MONO, wall_now=WALL + 20)
    assert state.status is Status.ACTIVE
    assert state.index == rest
    assert state.remaining(MONO) == 80.0
    assert effects == ()
    assert resumed_text(state, MONO) == "Resumed: Rest, 1:20 left"
    cue = resumed_cue(state, MONO)
    assert cue.cue is Cue.REST
    assert cue.speech == "resumed, rest, 1 minute 20"


def test_the_run_then_goes_on_as_if_it_had_never_stopped() -> None:
    plan = builtin_plan("hill-sprints")
    rest = hills_rest_index()
    state, _ = continue_run(
        plan, LivePosition(index=rest, phase_started=WALL - 80), now=MONO, wall_now=WALL + 20
    )
    state, effects = step(state, Event.TICK, MONO + 80)
    lines = [describe(e, plan, origin=MONO) for e in effects]
    assert f"80 end #{rest} completed 180s" in lines
    assert f"80 start #{rest + 1} Sprint uphill" in lines
    assert any(isinstance(e, PlayCue) and e.request.cue is Cue.WORK for e in effects), lines


def test_a_phase_that_would_have_ended_meanwhile_has_ended_and_an_open_step_waits() -> None:
    plan = builtin_plan("hill-sprints")
    # The sprint (10 s) started 5 s before the drop; 2 minutes went by: the sprint ended at its
    # deadline, and the walk down (open: until done) waits, 115 s in.
    state, effects = continue_run(
        plan, LivePosition(index=0, phase_started=WALL - 5), now=MONO, wall_now=WALL + 120
    )
    assert state.index == 1
    assert state.phase.kind is PhaseKind.OPEN
    assert state.status is Status.ACTIVE
    assert state.active_seconds(MONO) == 115.0
    finished = [e.result for e in effects if isinstance(e, PhaseFinished)]
    assert [(r.index, r.outcome.value, r.actual_seconds) for r in finished] == [(0, "completed", 10.0)]
    assert not any(isinstance(e, PlayCue) for e in effects), "no cue from two minutes ago plays now"
    assert resumed_text(state, MONO) == "Resumed: Walk down"
    assert resumed_cue(state, MONO).speech == "resumed, walk down"


def test_several_timed_phases_pass_in_order_each_at_its_own_deadline() -> None:
    plan = builtin_plan("pre-run-hips")
    timed = [p for p in plan.phases[:4] if p.seconds is not None]
    assert len(timed) == 4, "the routine starts with timed phases"
    gone = timed[0].seconds + timed[1].seconds + 3  # type: ignore[operator]
    state, effects = continue_run(
        plan, LivePosition(index=0, phase_started=WALL), now=MONO, wall_now=WALL + gone
    )
    assert state.index == 2
    assert state.active_seconds(MONO) == 3.0
    ends = [e.result for e in effects if isinstance(e, PhaseFinished)]
    assert [r.index for r in ends] == [0, 1]
    assert ends[1].ended_at - ends[0].ended_at == timed[1].seconds


def test_a_paused_run_stays_paused_with_the_time_it_had() -> None:
    plan = builtin_plan("hill-sprints")
    rest = hills_rest_index()
    paused = LivePosition(index=rest, phase_started=WALL - 100, paused=10, paused_at=WALL - 30)
    state, effects = continue_run(plan, paused, now=MONO, wall_now=WALL + 240)
    assert state.status is Status.PAUSED
    assert state.remaining(MONO) == 180 - 60  # 70 s ran before the pause (10 paused earlier)
    assert effects == ()
    assert resumed_text(state, MONO) == "Resumed (paused): Rest, 2:00 left"
    state, _ = step(state, Event.RESUME, MONO + 5)
    assert state.remaining(MONO + 5) == 120.0


def test_the_get_ready_countdown_goes_on_too() -> None:
    plan = builtin_plan("hill-sprints")
    state, _ = continue_run(
        plan, LivePosition(index=0, phase_started=WALL - 4, counting_down=True), now=MONO, wall_now=WALL + 2
    )
    assert state.counting_down
    assert state.remaining(MONO) == plan.get_ready - 6
    assert resumed_cue(state, MONO).speech == f"resumed, get ready, {plan.get_ready - 6:g} seconds"


def test_counted_reps_keep_their_count() -> None:
    plan = builtin_plan("strength-for-speed")
    counted = next(p for p in plan.phases if p.counted)
    state, _ = continue_run(
        plan, LivePosition(index=counted.index, phase_started=WALL - 30, reps=4), now=MONO, wall_now=WALL + 60
    )
    assert state.index == counted.index
    assert state.reps == 4


def test_back_does_not_go_before_where_the_run_was_picked_up() -> None:
    plan = builtin_plan("hill-sprints")
    rest = hills_rest_index()
    state, _ = continue_run(plan, LivePosition(index=rest, phase_started=WALL), now=MONO, wall_now=WALL)
    state, _ = step(state, Event.BACK, MONO + 0.5)
    assert state.index == rest


def test_the_position_of_a_running_state_round_trips_through_json() -> None:
    plan = builtin_plan("hill-sprints")
    state, _ = step(new_run(plan), Event.START, MONO)
    state, _ = step(state, Event.TICK, MONO + plan.get_ready + 3)
    state, _ = step(state, Event.PAUSE, MONO + plan.get_ready + 4)
    position = position_of(state, lambda mono: mono - MONO + WALL)
    assert position == LivePosition(
        index=0, phase_started=WALL + plan.get_ready, paused_at=WALL + plan.get_ready + 4
    )
    assert LivePosition.from_json(position.to_json()) == position
    # And back: the same run, on another clock, is where it was.
    again, _ = continue_run(plan, position, now=7.0, wall_now=WALL + 999)
    assert again.remaining(7.0) == state.remaining(MONO + 999)


def test_a_finished_run_has_no_position_and_bad_json_none() -> None:
    plan = builtin_plan("hill-sprints")
    assert position_of(new_run(plan), float) is None
    for text in (
        None,
        "",
        "{",
        "[]",
        '{"index": -1, "phase_started": 1}',
        '{"index": 1, "phase_started": "x"}',
    ):
        assert LivePosition.from_json(text) is None, text


def test_recent_means_less_than_the_minutes_given_and_not_in_the_future() -> None:
    assert is_recent(WALL, WALL + 299, 5)
    assert not is_recent(WALL, WALL + 300, 5)
    assert not is_recent(WALL, WALL - 1, 5), "a clock set back is no proof of a short gap"
    assert not is_recent(WALL, WALL + 1, 0), "0 minutes: always ask"
