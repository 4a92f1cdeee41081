"""The run store: what the app relies on, the same from the SQLite file and from memory.

The contract tests run against every store; the rest are about the SQLite file itself.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from store_kit import MONDAY, builtin, play

from hiptimer import locations
from hiptimer.core.plan import compile_plan
from hiptimer.core.ports import MemoryStore, RunStore
from hiptimer.core.results import Outcome, PhaseResult, RunStatus
from hiptimer.history.schema import SCHEMA_VERSION, plan_from_json, plan_to_json
from hiptimer.history.store import STALE_AFTER_SECONDS, FallbackStore, SqliteStore, open_store

HOUR = timedelta(hours=1)


def sqlite_store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "history.sqlite3")


STORES: dict[str, Callable[[Path], RunStore]] = {
    "sqlite": sqlite_store,
    "memory": lambda tmp_path: MemoryStore(),
    "fallback": lambda tmp_path: FallbackStore(),
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunStore]:
    made = STORES[request.param](tmp_path)
    yield made
    if isinstance(made, SqliteStore):
        made.close()


# --- the contract --------------------------------------------------------------------------------


def test_a_completed_run_comes_back_with_every_phase_result(store: RunStore) -> None:
    session = builtin("hill-sprints")
    played = play(store, session)
    run = store.run(played.run_id)
    assert run is not None
    assert (run.session_id, run.session_name, run.status) == (
        "hill-sprints",
        "Hill sprints",
        RunStatus.COMPLETED,
    )
    assert run.targets == {"repeats": 4}
    assert [r.index for r in run.results] == list(range(len(compile_plan(session))))
    assert all(r.outcome is Outcome.COMPLETED for r in run.results)
    assert run.started == MONDAY and run.ended is not None and run.ended > run.started


def test_a_redone_phase_replaces_its_earlier_result(store: RunStore) -> None:
    session = builtin("pre-run-hips")
    plan = compile_plan(session)
    played = play(store, session, plan, stop_after=2)
    first = store.run(played.run_id)
    assert first is not None
    redo = first.results[1]
    store.save_phase(played.run_id, replace(redo, reps_done=3), started=MONDAY, ended=MONDAY + HOUR)
    again = store.run(played.run_id)
    assert again is not None
    assert [r.index for r in again.results] == [0, 1]
    assert again.results[1].reps_done == 3


def test_runs_come_newest_first_without_results_and_page(store: RunStore) -> None:
    hills, hips = builtin("hill-sprints"), builtin("pre-run-hips")
    ids = [play(store, hills if i % 2 else hips, started=MONDAY + i * HOUR).run_id for i in range(5)]
    listed = store.runs()
    assert [r.run_id for r in listed] == ids[::-1]
    assert all(r.results == () for r in listed)
    assert [r.run_id for r in store.runs("hill-sprints")] == [ids[3], ids[1]]
    assert [r.run_id for r in store.runs(limit=2, offset=1)] == [ids[3], ids[2]]


def test_an_interrupted_run_resumes_at_its_first_unfinished_phase(store: RunStore) -> None:
    session = builtin("hill-sprints")
    played = play(store, session, stop_after=3)
    store.end_run(played.run_id, RunStatus.INTERRUPTED, ended=MONDAY + HOUR)
    point = store.resume_point("hill-sprints")
    assert point is not None
    assert (point.run_id, point.next_index, point.phases_done) == (played.run_id, 3, 3)
    assert point.phase_count == len(compile_plan(session))
    assert point.targets == {"repeats": 4}
    assert store.resume_point("pre-run-hips") is None
    store.reopen_run(played.run_id)
    run = store.run(played.run_id)
    assert run is not None and (run.status, run.ended) == (RunStatus.RUNNING, None)
    assert store.resume_point() is None


def test_a_resume_point_counts_skipped_steps_apart_from_done_ones(store: RunStore) -> None:
    played = play(store, builtin("hill-sprints"), skip={2}, stop_after=3)
    store.end_run(played.run_id, RunStatus.INTERRUPTED, ended=MONDAY + HOUR)
    point = store.resume_point()
    assert point is not None
    assert point.outcomes == (Outcome.COMPLETED, Outcome.COMPLETED, Outcome.SKIPPED)
    assert (point.phases_done, point.phases_skipped, point.next_index) == (2, 1, 3)


def test_a_completed_or_aborted_run_is_not_offered_for_resuming(store: RunStore) -> None:
    session = builtin("hill-sprints")
    play(store, session)
    play(store, session, abort_at=2, started=MONDAY + HOUR)
    assert store.resume_point() is None


def test_an_interrupted_run_is_not_offered_once_a_newer_run_of_its_session_exists(store: RunStore) -> None:
    hills = builtin("hill-sprints")
    stale = play(store, hills, stop_after=3)
    store.end_run(stale.run_id, RunStatus.INTERRUPTED, ended=MONDAY + HOUR)
    play(store, builtin("pre-run-hips"), started=MONDAY + 2 * HOUR)  # another session: no matter
    point = store.resume_point()
    assert point is not None and point.run_id == stale.run_id
    play(store, hills, started=MONDAY + 3 * HOUR)  # started fresh, and completed
    assert store.resume_point("hill-sprints") is None
    assert store.resume_point() is None


def test_session_history_counts_completed_runs_since_monday(store: RunStore) -> None:
    strength = builtin("strength-for-speed")
    play(store, strength, started=MONDAY - timedelta(days=2))  # last week
    play(store, strength, started=MONDAY + timedelta(days=1))
    play(store, strength, started=MONDAY + timedelta(days=2), abort_at=1)  # not completed
    wednesday = MONDAY + timedelta(days=2, hours=5)
    found = store.session_history(["strength-for-speed", "hill-sprints"], now=wednesday)
    assert found["strength-for-speed"].this_week == 1
    last = found["strength-for-speed"].last_done
    assert last is not None and MONDAY + timedelta(days=1) < last < MONDAY + timedelta(days=1, hours=1)
    assert found["hill-sprints"].last_done is None and found["hill-sprints"].this_week == 0


# --- the SQLite file -----------------------------------------------------------------------------


def test_nothing_is_opened_or_created_until_first_use(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code = (
        "import hiptimer.history.store, hiptimer.history.command, hiptimer.core.progression\n"
        "from hiptimer.history.store import SqliteStore\n"
        f"SqliteStore({str(data / 'h.sqlite3')!r})\n"
    )
    env = {**os.environ, "HIPTIMER_DATA_DIR": str(data)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert not data.exists()
    store = SqliteStore(data / "h.sqlite3")
    assert store.runs() == []
    assert (data / "h.sqlite3").exists()


def test_the_file_is_wal_with_full_sync_foreign_keys_and_the_current_schema(tmp_path: Path) -> None:
    store, notice = open_store(tmp_path / "h.sqlite3")
    assert notice is None and not store.in_memory
    conn = store._state.conn
    assert conn is not None
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with pytest.raises(sqlite3.IntegrityError):
        store.save_phase(999, play_one_result(), started=MONDAY, ended=MONDAY)


def play_one_result() -> PhaseResult:
    memory = MemoryStore()
    played = play(memory, builtin("pre-run-hips"), stop_after=1)
    run = memory.run(played.run_id)
    assert run is not None
    return run.results[0]


def test_open_store_uses_the_history_file_in_the_data_folder() -> None:
    store, notice = open_store()
    assert notice is None
    assert store.path == locations.history_db_path() and store.path.exists()


def test_every_call_is_committed_before_it_returns(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = SqliteStore(path)
    other = sqlite3.connect(path)

    def count(sql: str) -> int:
        return int(other.execute(sql).fetchone()[0])

    seen: list[tuple[int, int]] = []

    def after_each(effect: object) -> None:
        seen.append(
            (
                count("SELECT count(*) FROM phases"),
                count("SELECT count(*) FROM runs WHERE status != 'running'"),
            )
        )

    play(store, builtin("pre-run-hips"), on_effect=after_each)
    phase_counts = [p for p, _ in seen]
    assert phase_counts == sorted(phase_counts) and phase_counts[-1] == len(
        compile_plan(builtin("pre-run-hips"))
    )
    assert seen[-1][1] == 1


def test_history_queries_use_the_indexes(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "h.sqlite3")
    store.open()
    conn = store._state.conn
    assert conn is not None
    from hiptimer.history.schema import RUN_COLUMNS

    for where, args in (("", ()), ("WHERE session_id = ?", ("hill-sprints",))):
        plan = " ".join(
            str(row[3])
            for row in conn.execute(
                f"EXPLAIN QUERY PLAN SELECT {RUN_COLUMNS} FROM runs {where}"
                " ORDER BY started DESC, id DESC LIMIT 20 OFFSET 0",
                args,
            )
        )
        assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, plan


def test_the_plan_is_stored_whole_and_comes_back_equal(tmp_path: Path) -> None:
    session = builtin("pre-run-hips")
    plan = compile_plan(session)
    assert plan_from_json(plan_to_json(plan)) == plan
    store = SqliteStore(tmp_path / "h.sqlite3")
    played = play(store, session, stop_after=1)
    assert store.stored_plan(played.run_id) == plan


def test_calls_from_another_thread_use_the_same_connection(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "h.sqlite3")
    store.open()
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(play(store, builtin("hill-sprints")).run_id))
    worker.start()
    worker.join()
    assert store.run(done[0]) is not None


def test_records_carry_wall_clock_times_and_filter_by_start(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "h.sqlite3")
    session = builtin("hill-sprints")
    for day in range(3):
        play(store, session, started=MONDAY + timedelta(days=day))
    records = store.records(since=MONDAY + timedelta(days=1))
    assert [r.run.started for r in records] == [MONDAY + timedelta(days=d) for d in (2, 1)]
    first = records[0].phases[0]
    assert first.started is not None and first.ended is not None
    assert first.started >= records[0].run.started
    assert records[0].phases_done == records[0].phase_count == len(compile_plan(session))


# --- runs left running ---------------------------------------------------------------------------


def _leave_running(path: Path, *, pid: int | None, heartbeat_age: float = 0.0) -> int:
    """A run left running by the process ``pid``, its heartbeat ``heartbeat_age`` seconds old."""
    store = SqliteStore(path, clock=lambda: MONDAY + HOUR)
    played = play(store, builtin("hill-sprints"), stop_after=2)
    store.close()
    conn = sqlite3.connect(path)
    beat = (MONDAY + HOUR - timedelta(seconds=heartbeat_age)).isoformat(timespec="milliseconds")
    with conn:
        conn.execute("UPDATE runs SET pid = ?, heartbeat = ? WHERE id = ?", (pid, beat, played.run_id))
    conn.close()
    return played.run_id


def _status_after_reopening(path: Path) -> RunStatus:
    store = SqliteStore(path, clock=lambda: MONDAY + HOUR)
    runs = store.runs()
    store.close()
    return runs[0].status


@pytest.fixture
def other_process() -> Iterator[int]:
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    yield child.pid
    assert child.stdin is not None
    child.stdin.close()
    child.wait()


def test_a_run_left_by_a_dead_process_becomes_interrupted_and_resumable(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    run_id = _leave_running(path, pid=int(child.stdout), heartbeat_age=30)
    store = SqliteStore(path, clock=lambda: MONDAY + HOUR)
    run = store.run(run_id)
    assert run is not None and run.status is RunStatus.INTERRUPTED
    assert run.ended == MONDAY + HOUR - timedelta(seconds=30)  # its last sign of life, not "now"
    point = store.resume_point()
    assert point is not None and (point.run_id, point.next_index) == (run_id, 2)


@pytest.mark.parametrize(("abort", "status"), [(False, RunStatus.COMPLETED), (True, RunStatus.ABORTED)])
def test_a_run_whose_end_was_lost_after_its_last_phase_ends_with_that_phase(
    tmp_path: Path, abort: bool, status: RunStatus
) -> None:
    path = tmp_path / "h.sqlite3"
    session = builtin("pre-run-hips")
    count = len(compile_plan(session))
    store = SqliteStore(path)
    played = play(store, session, abort_at=count - 1 if abort else None, stop_after=count)
    store.close()
    assert _status_after_reopening(path) is status
    assert SqliteStore(path).resume_point() is None
    assert played.saved[-1] == count - 1


def test_a_run_held_by_another_live_process_stays_running(tmp_path: Path, other_process: int) -> None:
    path = tmp_path / "h.sqlite3"
    _leave_running(path, pid=other_process, heartbeat_age=10)
    assert _status_after_reopening(path) is RunStatus.RUNNING


def test_a_live_pid_with_a_stale_heartbeat_does_not_hold_a_run(tmp_path: Path, other_process: int) -> None:
    path = tmp_path / "h.sqlite3"
    _leave_running(path, pid=other_process, heartbeat_age=STALE_AFTER_SECONDS + 1)
    assert _status_after_reopening(path) is RunStatus.INTERRUPTED


def test_a_run_recorded_under_our_own_pid_by_an_earlier_process_is_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    _leave_running(path, pid=os.getpid())
    assert _status_after_reopening(path) is RunStatus.INTERRUPTED


def test_our_own_run_is_not_interrupted_when_we_look_for_one_to_resume(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "h.sqlite3")
    played = play(store, builtin("hill-sprints"), stop_after=2)
    assert store.resume_point() is None
    run = store.run(played.run_id)
    assert run is not None and run.status is RunStatus.RUNNING


def test_mark_interrupted_and_touch_run_commit(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = SqliteStore(path)
    played = play(store, builtin("hill-sprints"), stop_after=2)
    store.touch_run(played.run_id, MONDAY + HOUR)
    other = sqlite3.connect(path)
    assert other.execute("SELECT heartbeat FROM runs").fetchone()[0] == "2024-05-06T08:00:00.000+00:00"
    store.mark_interrupted(played.run_id, ended=MONDAY + 2 * HOUR)
    assert other.execute("SELECT status, ended FROM runs").fetchone() == (
        "interrupted",
        "2024-05-06T09:00:00.000+00:00",
    )
