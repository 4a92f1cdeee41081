"""Timing by deadlines: late wake-ups, stale cues, get-ready, and when the engine asks to be woken."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from engine_kit import T0, FakeRun, builtin_plan, plan_of, shown

from hiptimer.core.engine import STALE_CUE_SECONDS, Event, RunState, Status, step
from hiptimer.core.results import Effect, PhaseStarted, PlayCue

HOLD_REST_HOLD = plan_of(
    {
        "id": "hold-rest-hold",
        "name": "Hold, rest, hold",
        "get_ready": 0,
        "steps": [
            {"type": "hold", "name": "Hold", "cue": "hold", "seconds": 60},
            {"type": "rest", "seconds": 10},
            {"type": "hold", "name": "Hold", "cue": "hold", "seconds": 20},
        ],
    }
)


def test_a_late_tick_does_not_shift_later_deadlines() -> None:
    """The app was busy for 2.3 s across the end of a hold: the rest still ends on time."""
    run = FakeRun(HOLD_REST_HOLD)
    run.send(Event.START, 0)
    run.sleep_until(59.5)
    run.take()
    run.send(Event.TICK, 62.3)  # due at 60, woken 2.3 s late
    assert run.take() == [
        "60 end #0 completed 60s",
        "60 start #1 Rest",  # started at the old deadline, not at the late tick
    ]  # "rest" was due 2.3 s ago: stale, so not played
    assert run.state.deadline() == T0 + 70
    run.sleep_until(100)
    assert run.take() == [
        "67 cue pip",
        "68 cue pip",
        "69 cue pip",
        "70 end #1 completed 10s",
        "70 start #2 Hold",
        "70 cue hold 'hold, 20 seconds'",
        "87 cue pip",
        "88 cue pip",
        "89 cue pip",
        "90 end #2 completed 20s",
        "90 cue done 'session complete'",
        "90 run completed (3 results)",
    ]


def test_a_very_late_tick_replays_every_boundary_at_its_own_deadline() -> None:
    run = FakeRun(HOLD_REST_HOLD)
    run.send(Event.START, 0)
    run.send(Event.TICK, 75.5)
    assert run.take() == [
        "0 start #0 Hold",
        "0 cue hold 'hold, 1 minute'",
        "60 end #0 completed 60s",
        "60 start #1 Rest",
        "70 end #1 completed 10s",
        "70 start #2 Hold",
    ]
    assert run.state.remaining(T0 + 75.5) == 14.5


def test_a_late_tick_ending_the_run_finishes_it_at_the_planned_time() -> None:
    run = FakeRun(HOLD_REST_HOLD)
    run.send(Event.START, 0)
    run.send(Event.TICK, 500)
    assert run.finished.at == T0 + 90
    assert run.state.ended_at == T0 + 90


@pytest.mark.parametrize(("late", "played"), [(0.5, True), (STALE_CUE_SECONDS, True), (1.25, False)])
def test_cues_more_than_a_second_late_are_dropped(late: float, played: bool) -> None:
    run = FakeRun(HOLD_REST_HOLD)
    run.send(Event.START, 0)
    run.sleep_until(29.5)
    run.take()
    run.send(Event.TICK, 30 + late)
    assert run.take() == (["30 cue halfway 'halfway'"] if played else [])
    run.sleep_until(59.5)
    run.take()
    run.send(Event.TICK, 60 + late)
    rest_cue = ["60 cue rest 'rest, 10 seconds'"] if played else []
    assert run.take() == ["60 end #0 completed 60s", "60 start #1 Rest", *rest_cue]


def test_get_ready_zero_starts_the_first_phase_at_once() -> None:
    run = FakeRun(HOLD_REST_HOLD)
    assert run.plan.get_ready == 0
    run.send(Event.START, 3)
    assert run.take() == ["3 start #0 Hold", "3 cue hold 'hold, 1 minute'"]
    assert run.state.status is Status.ACTIVE and run.state.deadline() == T0 + 63


def test_a_short_get_ready_has_only_the_pips_that_fit() -> None:
    plan = plan_of(
        {
            "id": "short-get-ready",
            "name": "Short get-ready",
            "get_ready": 2,
            "steps": [{"type": "open", "name": "Go", "cue": "go"}],
        }
    )
    run = FakeRun(plan)
    run.send(Event.START, 0)
    run.sleep_until(5)
    # The pip at 1 s leaves no room for words after the tone: they are said as the step starts.
    assert run.take() == ["0 cue get-ready", "1 cue pip", "2 start #0 Go", "2 cue easy 'go'"]


def test_a_clock_reading_from_the_past_is_taken_as_the_latest_one() -> None:
    run = FakeRun(HOLD_REST_HOLD)
    run.send(Event.START, 0)
    run.send(Event.TICK, 10)
    run.send(Event.PAUSE, 5)  # earlier than the last reading: taken as 10
    run.send(Event.RESUME, 12)
    assert run.state.paused == 2 and run.state.deadline() == T0 + 62


def test_remaining_is_derived_from_the_deadline_not_counted_down() -> None:
    run = FakeRun(HOLD_REST_HOLD)
    run.send(Event.START, 0)
    state = run.state  # never stepped again: the time left still follows the clock
    for at, left in [(0, 60), (0.25, 59.75), (30, 30), (59.875, 0.125), (60, 0), (75, 0)]:
        assert state.remaining(T0 + at) == left


def test_the_whole_hill_session_ends_exactly_on_plan_however_late_the_ticks() -> None:
    """45 minutes of hill repeats, woken at odd late moments: every boundary lands on plan."""
    plan = builtin_plan("hill-sprints", {"repeats": 12})
    run = FakeRun(plan)
    run.send(Event.START, 0)
    expected, at = [], plan.get_ready
    lateness = [0.375, 2.25, 0.0625, 1.5, 0.875]
    for phase in plan.phases:
        expected.append(at)
        if phase.seconds is not None:
            at += phase.seconds
            run.send(Event.TICK, at + lateness[phase.index % len(lateness)])
        else:
            at += 47.25  # the walk down
            run.send(Event.DONE, at)
    starts = [e.at - T0 for e in run.effects if isinstance(e, PhaseStarted)]
    assert starts == expected
    assert run.finished.at - T0 == at == 10 + 12 * (10 + 47.25) + 11 * 180


# --- next_wakeup -------------------------------------------------------------------------------


def _wake_checked(
    run: FakeRun,
    until: float,
    press: Callable[[RunState], float | None] | None = None,
) -> int:
    """Wake only when asked (or at a press) until ``until``; check what happens in between.

    Between two wake-ups nothing on screen changes and no cue falls due; at a wake-up every cue
    and phase change is emitted at its due time (never after). Returns the number of wake-ups.
    """
    wakes = 0
    end = T0 + until
    while run.now < end and not run.state.over:
        state = run.state
        wake = state.next_wakeup(run.now)
        press_at = press(state) if press is not None else None
        moments = [m for m in (wake, press_at) if m is not None]
        if not moments:
            break
        target = min(*moments, end)
        assert target >= run.now
        seen = shown(state, run.now)
        for f in (0.25, 0.5, 0.75):
            between = run.now + (target - run.now) * f
            if between < target:
                assert shown(state, between) == seen, (between - T0, state.phase.label)
                _, effects = step(state, Event.TICK, between)
                assert effects == (), (between - T0, effects)
        if target == end and target not in moments:
            run.now = target
            break
        event = Event.DONE if press_at is not None and target == press_at else Event.TICK
        effects = run.send(event, target - T0)
        wakes += 1
        if event is Event.TICK:
            _all_on_time(effects, target)
    return wakes


def _all_on_time(effects: tuple[Effect, ...], now: float) -> None:
    for effect in effects:
        if isinstance(effect, PlayCue | PhaseStarted):
            assert effect.at == now, (effect, now - T0)


def _press_on_open_phases(after: float) -> Callable[[RunState], float | None]:
    def press(state: RunState) -> float | None:
        if state.status is Status.ACTIVE and state.phase.seconds is None:
            return state.started_at + after
        return None

    return press


@pytest.mark.parametrize(
    "session_id", ["pre-run-hips", "hill-sprints", "strength-for-speed", "backwards-running"]
)
def test_between_wakeups_nothing_shown_changes_and_no_cue_is_due(session_id: str) -> None:
    run = FakeRun(builtin_plan(session_id))
    run.send(Event.START, 0)
    wakes = _wake_checked(run, 5000, _press_on_open_phases(23.5))
    assert run.state.status is Status.FINISHED
    assert wakes >= int(run.finished.at - T0) - 1  # about once a second, not more


def test_paced_reps_wake_for_each_rep_even_without_ticks() -> None:
    plan = plan_of(
        {
            "id": "paced-quiet",
            "name": "Paced, no ticks",
            "get_ready": 0,
            "cues": {"pace": False, "countdown": 0},
            "steps": [{"type": "reps", "name": "Squats", "reps": 5, "pace": 2.5}],
        }
    )
    run = FakeRun(plan)
    run.send(Event.START, 0)
    moments = []
    while not run.state.over:
        wake = run.state.next_wakeup(run.now)
        assert wake is not None
        moments.append(wake - T0)
        run.send(Event.TICK, wake - T0)
    # 12.5 s in all: the seconds left change on the half second; the reps every 2.5 s.
    assert moments == [0.5, 1.5, 2.5, 3.5, 4.5, 5, 5.5, 6.5, 7.5, 8.5, 9.5, 10, 10.5, 11.5, 12.5]


def test_no_wakeup_is_asked_while_paused_ready_or_over() -> None:
    run = FakeRun(HOLD_REST_HOLD)
    assert run.state.next_wakeup(T0) is None
    run.send(Event.START, 0)
    run.send(Event.PAUSE, 1)
    assert run.state.next_wakeup(T0 + 2) is None
    run.send(Event.ABORT, 3)
    assert run.state.next_wakeup(T0 + 4) is None


def test_an_overdue_wakeup_is_now() -> None:
    run = FakeRun(HOLD_REST_HOLD)
    run.send(Event.START, 0)
    assert run.state.next_wakeup(T0 + 61.5) == T0 + 61.5


def test_open_phases_wake_on_each_elapsed_second() -> None:
    run = FakeRun(builtin_plan("backwards-running"))
    run.send(Event.START, 0)
    run.sleep_until(10.25)
    assert run.state.next_wakeup(run.now) == T0 + 11
    run.send(Event.PAUSE, 11.5)
    run.send(Event.RESUME, 12)
    assert run.state.next_wakeup(run.now) == T0 + 12.5  # 2 s of the step behind, paused half a second
