"""One driver per run: apps on one history file see each other's live runs and can take one over.

Browser tabs and terminals share the history file. Each store writes its owner on the runs it
drives; a second store finds a session's run live elsewhere, takes it over in one transaction,
and from then on the first store's writes to that run are left out (and it is told so).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from store_kit import MONDAY, builtin, play

from hiptimer.core.live import LivePosition
from hiptimer.core.plan import compile_plan
from hiptimer.core.results import Outcome, PhaseResult, RunStatus
from hiptimer.history.store import STALE_AFTER_SECONDS, SqliteStore

NOW = MONDAY + timedelta(minutes=3)
HERE = LivePosition(index=2, phase_started=NOW.timestamp() - 40)


def two_stores(tmp_path: Path, clock: list[datetime] | None = None) -> tuple[SqliteStore, SqliteStore]:
    moment = clock or [NOW]
    path = tmp_path / "history.sqlite3"
    return SqliteStore(path, clock=lambda: moment[0]), SqliteStore(path, clock=lambda: moment[0])


def test_a_second_app_sees_the_run_live_elsewhere_with_where_it_is(tmp_path: Path) -> None:
    tab1, tab2 = two_stores(tmp_path)
    played = play(tab1, builtin("hill-sprints"), stop_after=2)
    assert tab1.touch_run(played.run_id, NOW, HERE)

    assert tab1.running_elsewhere("hill-sprints") is None, "a store's own run is not elsewhere"
    assert tab2.running_elsewhere("pre-run-hips") is None
    live = tab2.running_elsewhere("hill-sprints")
    assert live is not None
    assert (live.run_id, live.next_index, live.live) == (played.run_id, 2, HERE)
    assert tab2.resume_point() is None, "a live run is not offered for resuming"
    assert tab1.runs()[0].status is RunStatus.RUNNING, "opening a second store leaves it running"


def test_taking_over_moves_the_run_and_the_old_driver_is_told_and_left_out(tmp_path: Path) -> None:
    tab1, tab2 = two_stores(tmp_path)
    played = play(tab1, builtin("hill-sprints"), stop_after=2)
    tab1.touch_run(played.run_id, NOW, HERE)

    taken = tab2.take_over(played.run_id, NOW)
    assert taken is not None and taken.live == HERE
    assert tab2.holds_run(played.run_id)
    assert not tab1.holds_run(played.run_id)
    assert not tab1.touch_run(played.run_id, NOW + timedelta(seconds=1), LivePosition(3, 0.0))
    assert tab2.running_elsewhere("hill-sprints") is None
    assert tab1.running_elsewhere("hill-sprints") is not None, "now it is live in the other app"

    # The old driver's late writes do not reach the run: no phase, no end as interrupted.
    plan = compile_plan(builtin("hill-sprints"))
    result = PhaseResult.of(
        plan.phases[2], started_at=0, ended_at=180, paused_seconds=0, reps_done=None, outcome=Outcome.SKIPPED
    )
    tab1.save_phase(played.run_id, result, started=NOW, ended=NOW)
    tab1.end_run(played.run_id, RunStatus.INTERRUPTED, ended=NOW, live=HERE)
    run = tab2.run(played.run_id)
    assert run is not None
    assert run.status is RunStatus.RUNNING
    assert [r.index for r in run.results] == [0, 1]

    assert tab2.touch_run(played.run_id, NOW, LivePosition(index=2, phase_started=1.0))
    tab2.end_run(played.run_id, RunStatus.COMPLETED, ended=NOW)
    assert tab1.runs()[0].status is RunStatus.COMPLETED


def test_taking_over_a_run_that_ended_meanwhile_gives_nothing(tmp_path: Path) -> None:
    tab1, tab2 = two_stores(tmp_path)
    played = play(tab1, builtin("hill-sprints"), stop_after=2)
    tab1.end_run(played.run_id, RunStatus.ABORTED, ended=NOW)
    assert tab2.take_over(played.run_id, NOW) is None
    assert tab1.holds_run(played.run_id)


def test_a_run_whose_heartbeat_went_stale_is_not_live_and_is_offered_for_resuming(tmp_path: Path) -> None:
    clock = [NOW]
    tab1, tab2 = two_stores(tmp_path, clock)
    played = play(tab1, builtin("hill-sprints"), stop_after=2)
    tab1.touch_run(played.run_id, NOW, HERE)
    clock[0] = NOW + timedelta(seconds=STALE_AFTER_SECONDS + 1)
    assert tab2.running_elsewhere("hill-sprints") is None
    point = tab2.resume_point()
    assert point is not None
    assert point.live == HERE
    assert point.interrupted == NOW, "it stopped at its last heartbeat"


def test_an_interrupted_run_keeps_where_it_was_and_when(tmp_path: Path) -> None:
    tab1, tab2 = two_stores(tmp_path)
    played = play(tab1, builtin("hill-sprints"), stop_after=2)
    tab1.end_run(played.run_id, RunStatus.INTERRUPTED, ended=NOW, live=HERE)
    tab1.close()
    point = tab2.resume_point("hill-sprints")
    assert point is not None
    assert (point.interrupted, point.live, point.next_index) == (NOW, HERE, 2)


def test_a_closed_store_no_longer_holds_its_runs_for_the_next_one_in_this_process(tmp_path: Path) -> None:
    tab1, tab2 = two_stores(tmp_path)
    played = play(tab1, builtin("hill-sprints"), stop_after=2)
    tab1.close()  # as if its process had died: the next store finds the run left behind
    assert tab2.running_elsewhere("hill-sprints") is None
    point = tab2.resume_point()
    assert point is not None and point.run_id == played.run_id
