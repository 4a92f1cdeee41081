"""The runner's controls: pause, back, next, done, rep, undo rep and abort, in every state.

Every event is legal in every state; one that means nothing there changes nothing and produces
nothing. The matrix at the end pins which events act where.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from engine_kit import T0, FakeRun, plan_of

from hiptimer.core.engine import BACK_GRACE_SECONDS, Event, Status
from hiptimer.core.plan import PhaseKind, Plan
from hiptimer.core.results import Outcome, PhaseFinished, PhaseStarted, RunFinished, RunStatus

EVERY_KIND = plan_of(
    {
        "id": "every-kind",
        "name": "Every kind of phase",
        "get_ready": 5,
        "steps": [
            {"type": "hold", "name": "Hold", "seconds": 40, "sides": "each", "switch_seconds": 5},
            {"type": "reps", "name": "Counted", "reps": 5},
            {"type": "reps", "name": "Paced", "reps": 4, "pace": 2.5},
            {"type": "work", "name": "Sprint", "seconds": 10, "min_seconds": 5},
            {"type": "rest", "seconds": 10},
            {"type": "open", "name": "Walk"},
        ],
    }
)
"""Phases: 0 hold left, 1 switch, 2 hold right, 3 counted reps, 4 paced reps, 5 work, 6 rest, 7 open."""

HOLD, SWITCH, COUNTED, PACED, WORK, REST, OPEN = 0, 1, 3, 4, 5, 6, 7

HOLD_THEN_REST = plan_of(
    {
        "id": "hold-then-rest",
        "name": "A hold and a rest",
        "get_ready": 0,
        "steps": [
            {"type": "hold", "name": "Hold", "seconds": 60},
            {"type": "rest", "seconds": 10},
        ],
    }
)


def test_every_kind_plan_is_what_the_tests_expect() -> None:
    kinds = [p.kind for p in EVERY_KIND.phases]
    assert kinds == [
        PhaseKind.HOLD,
        PhaseKind.SWITCH,
        PhaseKind.HOLD,
        PhaseKind.REPS,
        PhaseKind.REPS,
        PhaseKind.WORK,
        PhaseKind.REST,
        PhaseKind.OPEN,
    ]
    assert EVERY_KIND.phases[COUNTED].counted and not EVERY_KIND.phases[PACED].counted


def active_at(index: int, plan: Plan = EVERY_KIND) -> FakeRun:
    """A run started at phase ``index``, in it since t=5 (after the 5 s get-ready); now is t=5."""
    run = FakeRun(plan, first_index=index)
    run.send(Event.START, 0)
    run.sleep_until(5)
    assert run.state.status is Status.ACTIVE and run.state.index == index
    run.effects.clear()
    return run


# --- pause -------------------------------------------------------------------------------------


def test_pause_in_the_middle_of_a_hold_extends_it_by_exactly_the_paused_time() -> None:
    run = FakeRun(HOLD_THEN_REST)
    run.send(Event.START, 0)
    run.sleep_until(20)
    run.send(Event.PAUSE, 20)
    for at in (20, 25, 27.25):
        assert run.state.remaining(T0 + at) == 40  # frozen while paused
    assert run.state.next_wakeup(T0 + 25) is None  # nothing to wake for
    run.sleep_until(27.5)
    run.send(Event.RESUME, 27.5)
    assert run.state.remaining(T0 + 27.5) == 40
    run.sleep_until(100)
    assert run.take() == [
        "0 start #0 Hold",
        "0 cue hold 'Hold, 1 minute'",
        "37.5 cue halfway 'halfway'",  # 30 s of holding, not 30 s of clock
        "64.5 cue pip",
        "65.5 cue pip",
        "66.5 cue pip",
        "67.5 end #0 completed 60s paused 7.5s",
        "67.5 start #1 Rest",
        "67.5 cue rest 'rest, 10 seconds'",
        "74.5 cue pip",
        "75.5 cue pip",
        "76.5 cue pip",
        "77.5 end #1 completed 10s",
        "77.5 cue done 'session complete'",
        "77.5 run completed (2 results)",
    ]


def test_pauses_add_up_and_toggle_pause_works_both_ways() -> None:
    run = FakeRun(HOLD_THEN_REST)
    run.send(Event.START, 0)
    run.send(Event.TOGGLE_PAUSE, 10)
    assert run.state.status is Status.PAUSED
    run.send(Event.TOGGLE_PAUSE, 12.5)
    run.send(Event.PAUSE, 50)
    run.send(Event.RESUME, 51.25)
    assert run.state.deadline() == T0 + 60 + 2.5 + 1.25
    run.sleep_until(80)
    result = run.finished.results[0]
    assert (result.actual_seconds, result.paused_seconds) == (60, 3.75)


def test_pause_during_get_ready_extends_the_countdown() -> None:
    run = FakeRun(EVERY_KIND)
    run.send(Event.START, 0)
    run.sleep_until(1)
    run.send(Event.PAUSE, 1)
    assert run.state.counting_down and run.state.remaining(T0 + 30) == 4
    run.send(Event.RESUME, 31)
    run.sleep_until(40)
    assert run.take()[:6] == [
        "0 cue get-ready 'Hold'",
        "32 cue pip",
        "33 cue pip",
        "34 cue pip",
        "35 start #0 Hold left",
        "35 cue hold 'Hold, left leg, 40 seconds'",
    ]


def test_a_second_pause_or_a_resume_while_running_changes_nothing() -> None:
    run = active_at(HOLD)
    run.send(Event.PAUSE, 6)
    paused = run.state
    assert run.send(Event.PAUSE, 7) == () and replace(paused, last_now=run.now) == run.state
    run.send(Event.RESUME, 8)
    running = run.state
    assert run.send(Event.RESUME, 9) == () and replace(running, last_now=run.now) == run.state


# --- back --------------------------------------------------------------------------------------


def test_back_after_the_first_seconds_restarts_the_phase() -> None:
    run = active_at(HOLD)
    run.sleep_until(20)
    run.send(Event.BACK, 20)
    assert run.take() == ["20 start #0 Hold left", "20 cue hold 'Hold, left leg, 40 seconds'"]
    assert run.state.remaining(T0 + 20) == 40
    run.sleep_until(60)
    assert run.take()[:6] == [
        "40 cue halfway 'halfway'",
        "57 cue pip",
        "58 cue pip",
        "59 cue pip",
        "60 end #0 completed 40s",  # 40 s of the new start; the first 15 s are not counted
        "60 start #1 Switch legs",
    ]


def test_back_within_two_seconds_of_the_start_goes_to_the_previous_phase() -> None:
    run = active_at(REST)
    run.sleep_until(15)  # the rest ends, the walk starts at 15
    run.take()
    run.send(Event.BACK, 15 + BACK_GRACE_SECONDS - 0.25)
    assert run.take() == ["16.75 start #6 Rest", "16.75 cue rest 'rest, 10 seconds'"]
    run.sleep_until(26.75)
    assert run.state.index == OPEN
    run.send(Event.DONE, 30)
    results = run.finished.results
    assert [r.index for r in results] == [REST, OPEN]  # the rest once, with its second go
    assert results[0].started_at == T0 + 16.75


def test_back_at_exactly_two_seconds_restarts_the_phase_instead() -> None:
    run = active_at(WORK)
    run.sleep_until(15)  # work 5..15, then the rest
    run.take()
    run.send(Event.BACK, 15 + BACK_GRACE_SECONDS)
    assert run.take() == ["17 start #6 Rest", "17 cue rest 'rest, 10 seconds'"]


def test_back_at_the_start_of_the_first_phase_restarts_it() -> None:
    run = active_at(HOLD)
    run.send(Event.BACK, 6)
    assert run.take() == ["6 start #0 Hold left", "6 cue hold 'Hold, left leg, 40 seconds'"]


def test_back_never_goes_before_where_a_resumed_run_started() -> None:
    run = active_at(COUNTED)
    run.send(Event.BACK, 5.5)
    assert run.state.index == COUNTED
    assert run.take() == ["5.5 start #3 Counted", "5.5 cue go 'Counted, 5 reps'"]


def test_back_restarts_a_counted_phase_with_no_reps() -> None:
    run = active_at(COUNTED)
    run.send(Event.REP, 6)
    run.send(Event.REP, 7)
    run.send(Event.BACK, 9)
    assert run.state.reps == 0 and not any(isinstance(e, PhaseFinished) for e in run.effects)


def test_back_during_get_ready_restarts_the_countdown() -> None:
    run = FakeRun(EVERY_KIND)
    run.send(Event.START, 0)
    run.sleep_until(3.5)
    run.send(Event.BACK, 3.5)
    run.sleep_until(9)
    assert run.take() == [
        "0 cue get-ready 'Hold'",
        "2 cue pip",
        "3 cue pip",
        "5.5 cue pip",
        "6.5 cue pip",
        "7.5 cue pip",
        "8.5 start #0 Hold left",
        "8.5 cue hold 'Hold, left leg, 40 seconds'",
    ]


def test_back_while_paused_lands_paused_at_the_start_of_the_phase() -> None:
    run = active_at(HOLD)
    run.send(Event.PAUSE, 20)
    run.send(Event.BACK, 30)
    assert run.state.status is Status.PAUSED
    assert run.state.remaining(T0 + 100) == 40
    run.send(Event.RESUME, 100)
    assert run.state.deadline() == T0 + 140


# --- next --------------------------------------------------------------------------------------


def test_next_skips_the_rest_of_a_phase_and_records_what_was_done() -> None:
    run = active_at(HOLD)
    run.send(Event.NEXT, 17.5)
    assert run.take() == [
        "17.5 end #0 skipped 12.5s",
        "17.5 start #1 Switch legs",
        "17.5 cue switch 'switch legs'",
    ]
    assert run.state.deadline() == T0 + 22.5


def test_next_during_get_ready_starts_the_first_phase_now() -> None:
    run = FakeRun(EVERY_KIND)
    run.send(Event.START, 0)
    run.send(Event.NEXT, 1.5)
    assert run.take()[-2:] == ["1.5 start #0 Hold left", "1.5 cue hold 'Hold, left leg, 40 seconds'"]
    assert run.state.deadline() == T0 + 41.5


def test_next_while_paused_moves_on_and_stays_paused() -> None:
    run = active_at(WORK)
    run.send(Event.PAUSE, 8)
    run.send(Event.NEXT, 20)
    assert run.state.status is Status.PAUSED and run.state.index == REST
    result = run.effects[0]
    assert isinstance(result, PhaseFinished)
    assert (result.result.actual_seconds, result.result.paused_seconds) == (3, 12)
    run.sleep_until(50)  # nothing runs while paused
    assert run.state.index == REST and run.state.remaining(T0 + 50) == 10
    run.send(Event.RESUME, 50)
    assert run.state.deadline() == T0 + 60


def test_done_while_paused_ends_an_open_step_and_stays_paused() -> None:
    run = active_at(OPEN)
    run.send(Event.PAUSE, 9)
    run.send(Event.DONE, 14)
    assert run.state.status is Status.FINISHED
    result = run.effects[0]
    assert isinstance(result, PhaseFinished)
    assert (result.result.outcome, result.result.actual_seconds, result.result.paused_seconds) == (
        Outcome.COMPLETED,
        4,
        5,
    )


def test_done_while_paused_on_a_sprint_moves_on_and_stays_paused() -> None:
    run = active_at(WORK)
    run.send(Event.PAUSE, 11)  # 6 s into a 5-10 s sprint
    run.send(Event.DONE, 30)
    assert run.state.status is Status.PAUSED and run.state.index == REST
    result = run.effects[0]
    assert isinstance(result, PhaseFinished) and result.result.outcome is Outcome.ENDED_EARLY


def test_a_session_without_countdown_pips_gets_none_in_get_ready_either() -> None:
    plan = plan_of(
        {
            "id": "quiet",
            "name": "Quiet",
            "get_ready": 5,
            "cues": {"countdown": 0},
            "steps": [{"type": "hold", "name": "Hold", "seconds": 10}],
        }
    )
    run = FakeRun(plan)
    run.send(Event.START, 0)
    run.sleep_until(5)
    assert run.take() == [
        "0 cue get-ready 'get ready, Hold'",
        "5 start #0 Hold",
        "5 cue hold 'Hold, 10 seconds'",
    ]


def test_next_on_the_last_phase_finishes_the_run() -> None:
    run = active_at(OPEN)
    run.send(Event.NEXT, 9)
    assert run.take() == [
        "9 end #7 skipped 4s",
        "9 cue done 'session complete'",
        "9 run completed (1 results)",
    ]
    assert run.state.status is Status.FINISHED


# --- done --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "presses", "outcome", "reps_done"),
    [
        pytest.param(HOLD, 0, Outcome.SKIPPED, None, id="hold-skips"),
        pytest.param(SWITCH, 0, Outcome.SKIPPED, None, id="switch-skips"),
        pytest.param(COUNTED, 0, Outcome.COMPLETED, 5, id="counted-no-presses-means-all-done"),
        pytest.param(COUNTED, 2, Outcome.ENDED_EARLY, 2, id="counted-with-presses-counts-them"),
        pytest.param(PACED, 0, Outcome.SKIPPED, 1, id="paced-skips-with-reps-so-far"),
        pytest.param(WORK, 0, Outcome.SKIPPED, None, id="work-under-its-5-s-short-end-is-not-done"),
        pytest.param(REST, 0, Outcome.SKIPPED, None, id="rest-skips"),
        pytest.param(OPEN, 0, Outcome.COMPLETED, None, id="open-completes"),
    ],
)
def test_done_on_each_kind_of_phase(
    index: int, presses: int, outcome: Outcome, reps_done: int | None
) -> None:
    run = active_at(index)
    for k in range(presses):
        run.send(Event.REP, 5.5 + k)
    run.send(Event.DONE, 9)
    ends = [e.result for e in run.effects if isinstance(e, PhaseFinished)]
    assert len(ends) == 1
    result = ends[0]
    assert (result.index, result.outcome, result.reps_done) == (index, outcome, reps_done)
    assert (result.started_at, result.ended_at, result.actual_seconds) == (T0 + 5, T0 + 9, 4)
    starts = [e for e in run.effects if isinstance(e, PhaseStarted)]
    if index + 1 < len(EVERY_KIND.phases):
        assert starts == [PhaseStarted(index + 1, T0 + 9)]
    else:
        assert run.finished.status is RunStatus.COMPLETED


def test_done_during_get_ready_starts_the_first_phase() -> None:
    run = FakeRun(EVERY_KIND)
    run.send(Event.START, 0)
    run.send(Event.DONE, 2)
    assert run.state.status is Status.ACTIVE and run.state.started_at == T0 + 2


# --- rep and undo rep --------------------------------------------------------------------------


def test_rep_counts_and_the_last_rep_ends_the_phase() -> None:
    run = active_at(COUNTED)
    for k in range(4):
        run.send(Event.REP, 6 + k)
    assert run.state.reps == 4 and run.state.index == COUNTED
    run.send(Event.REP, 12)
    assert run.take()[0] == "12 end #3 completed 7s reps 5/5"
    assert run.state.index == PACED


def test_undo_rep_takes_one_back_and_never_goes_below_zero() -> None:
    run = active_at(COUNTED)
    run.send(Event.REP, 6)
    run.send(Event.UNDO_REP, 7)
    run.send(Event.UNDO_REP, 8)
    assert run.state.reps == 0
    assert run.take() == []


def test_undo_rep_works_while_paused_and_rep_waits_for_resume() -> None:
    run = active_at(COUNTED)
    run.send(Event.REP, 6)
    run.send(Event.REP, 7)
    run.send(Event.PAUSE, 8)
    run.send(Event.UNDO_REP, 9)
    run.send(Event.REP, 10)
    assert (run.state.status, run.state.reps) == (Status.PAUSED, 1)


def test_paced_reps_count_themselves_and_ignore_presses() -> None:
    run = active_at(PACED)  # 4 reps, one every 2.5 s: 5..15
    run.send(Event.REP, 6)
    run.send(Event.UNDO_REP, 6.5)
    assert run.state.reps_shown(T0 + 6.5) == 0
    assert run.state.reps_shown(T0 + 7.5) == 1
    assert run.state.reps_shown(T0 + 12.5) == 3
    run.sleep_until(20)
    result = next(e.result for e in run.effects if isinstance(e, PhaseFinished))
    # A tick on each rep after the first (which starts with the go tone); no tick on the fourth
    # rep's end (the phase ends with it), and no 3-2-1 pips: they would fall between the ticks.
    assert run.take()[:4] == [
        "7.5 cue rep",
        "10 cue rep",
        "12.5 cue rep",
        "15 end #4 completed 10s reps 4/4",
    ]
    assert (result.outcome, result.reps_done, result.actual_seconds) == (Outcome.COMPLETED, 4, 10)


# --- abort -------------------------------------------------------------------------------------


def test_abort_before_start_does_nothing() -> None:
    run = FakeRun(EVERY_KIND)
    assert run.send(Event.ABORT, 0) == ()
    assert run.state.status is Status.READY


def test_abort_during_get_ready_ends_the_run_with_no_results() -> None:
    run = FakeRun(EVERY_KIND)
    run.send(Event.START, 0)
    run.send(Event.ABORT, 2.5)
    assert run.state.status is Status.ABORTED
    assert run.finished == RunFinished(RunStatus.ABORTED, (), T0 + 2.5)


def test_abort_mid_phase_saves_the_phase_as_aborted_and_keeps_earlier_results() -> None:
    run = active_at(HOLD)
    run.sleep_until(46)  # hold 5..45, switch 45..50
    run.send(Event.ABORT, 47)
    results = run.finished.results
    assert [(r.index, r.outcome) for r in results] == [(0, Outcome.COMPLETED), (1, Outcome.ABORTED)]
    assert results[1].actual_seconds == 2
    assert run.state.ended_at == T0 + 47


def test_abort_while_paused_counts_the_pause_in_the_result() -> None:
    run = active_at(OPEN)
    run.send(Event.PAUSE, 10)
    run.send(Event.ABORT, 14)
    result = run.finished.results[0]
    assert (result.actual_seconds, result.paused_seconds, result.outcome) == (5, 4, Outcome.ABORTED)


def test_nothing_happens_after_the_run_ends() -> None:
    run = active_at(OPEN)
    run.send(Event.DONE, 6)
    before = run.state
    for event in Event:
        assert run.send(event, 100) == ()
    assert run.state == replace(before, last_now=T0 + 100)


# --- every event in every state ----------------------------------------------------------------


def _ready() -> FakeRun:
    return FakeRun(EVERY_KIND)


def _get_ready() -> FakeRun:
    run = FakeRun(EVERY_KIND)
    run.send(Event.START, 0)
    run.sleep_until(0.5)
    return run


def _active(index: int, reps: int = 0) -> FakeRun:
    run = active_at(index)
    for k in range(reps):
        run.send(Event.REP, 5 + 0.25 * (k + 1))
    return run


def _paused(index: int, reps: int = 0) -> FakeRun:
    run = _active(index, reps)
    run.send(Event.PAUSE, 5.75)
    return run


def _paused_in_get_ready() -> FakeRun:
    run = _get_ready()
    run.send(Event.PAUSE, 0.75)
    return run


def _finished() -> FakeRun:
    run = active_at(OPEN)
    run.send(Event.DONE, 5.5)
    return run


def _aborted() -> FakeRun:
    run = active_at(HOLD)
    run.send(Event.ABORT, 5.5)
    return run


RUNNING = {Event.PAUSE, Event.TOGGLE_PAUSE, Event.NEXT, Event.BACK, Event.DONE, Event.ABORT}
PAUSED = {Event.RESUME, Event.TOGGLE_PAUSE, Event.NEXT, Event.BACK, Event.DONE, Event.ABORT}

STATES = {
    "ready": (_ready, {Event.START}),
    "get-ready": (_get_ready, RUNNING),
    "active-hold": (lambda: _active(HOLD), RUNNING),
    "active-switch": (lambda: _active(SWITCH), RUNNING),
    "active-counted": (lambda: _active(COUNTED), RUNNING | {Event.REP}),
    "active-counted-2-reps": (lambda: _active(COUNTED, 2), RUNNING | {Event.REP, Event.UNDO_REP}),
    "active-paced": (lambda: _active(PACED), RUNNING),
    "active-work": (lambda: _active(WORK), RUNNING),
    "active-rest": (lambda: _active(REST), RUNNING),
    "active-open": (lambda: _active(OPEN), RUNNING),
    "paused-hold": (lambda: _paused(HOLD), PAUSED),
    "paused-counted-2-reps": (lambda: _paused(COUNTED, 2), PAUSED | {Event.UNDO_REP}),
    "paused-open": (lambda: _paused(OPEN), PAUSED),
    "paused-in-get-ready": (_paused_in_get_ready, PAUSED),
    "finished": (_finished, set()),
    "aborted": (_aborted, set()),
}


@pytest.mark.parametrize("event", list(Event))
@pytest.mark.parametrize("where", list(STATES))
def test_every_event_is_legal_in_every_state(where: str, event: Event) -> None:
    """An event that means something here acts; any other is a no-op. Never an exception."""
    make, acting = STATES[where]
    run = make()
    before = run.state
    now = run.now + 1  # nothing timed is due one second on in any of these states
    effects = run.send(event, now - T0)
    unchanged = run.state == replace(before, last_now=T0 + (now - T0)) and effects == ()
    assert unchanged is (event not in acting), (where, event, run.state.status, effects)


def test_a_session_set_to_tones_gets_no_speech_in_any_cue() -> None:
    plan = plan_of(
        {
            "id": "tones",
            "name": "Tones",
            "get_ready": 5,
            "cues": {"voice": "tones"},
            "steps": [{"type": "hold", "name": "Hold", "seconds": 40}],
        }
    )
    run = FakeRun(plan)
    run.send(Event.START, 0)
    run.sleep_until(50)
    assert run.take() == [
        "0 cue get-ready",
        "2 cue pip",
        "3 cue pip",
        "4 cue pip",
        "5 start #0 Hold",
        "5 cue hold",
        "25 cue halfway",
        "42 cue pip",
        "43 cue pip",
        "44 cue pip",
        "45 end #0 completed 40s",
        "45 cue done",
        "45 run completed (1 results)",
    ]


def test_a_sprint_ended_under_the_short_end_of_its_range_is_not_done() -> None:
    run = active_at(WORK)
    run.send(Event.DONE, 5.7)  # 0.7 s of a 5-10 s sprint
    result = run.effects[0]
    assert isinstance(result, PhaseFinished)
    assert result.result.outcome is Outcome.SKIPPED and not result.result.outcome.done


def test_a_sprint_ended_inside_its_range_is_done() -> None:
    run = active_at(WORK)
    run.send(Event.DONE, 10)  # 5 s: the short end of 5-10 s
    result = run.effects[0]
    assert isinstance(result, PhaseFinished) and result.result.outcome is Outcome.ENDED_EARLY


def test_skipping_every_move_to_the_end_is_not_a_completed_run() -> None:
    run = FakeRun(EVERY_KIND)
    run.send(Event.START, 0)
    for i in range(len(EVERY_KIND.phases) + 1):
        run.send(Event.NEXT, 1 + i)
    finished = [e for e in run.effects if isinstance(e, RunFinished)]
    assert [f.status for f in finished] == [RunStatus.ABORTED]


def test_a_run_with_one_move_done_and_the_rest_skipped_is_completed() -> None:
    run = FakeRun(EVERY_KIND)
    run.send(Event.START, 0)
    run.sleep_until(45)  # get ready, then the 40 s hold on the left
    for i in range(len(EVERY_KIND.phases)):
        run.send(Event.NEXT, 46 + i)
    finished = [e for e in run.effects if isinstance(e, RunFinished)]
    assert [f.status for f in finished] == [RunStatus.COMPLETED]


def test_a_resumed_run_shows_its_progress_during_get_ready() -> None:
    run = FakeRun(EVERY_KIND, first_index=REST)
    run.send(Event.START, 0)
    before = sum(p.estimate_seconds for p in EVERY_KIND.phases[:REST])
    assert run.state.counting_down
    assert run.state.progress(T0 + 1) == before / EVERY_KIND.estimated_seconds > 0
