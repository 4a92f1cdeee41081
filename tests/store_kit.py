"""Helpers for the history tests: the built-in sessions, and runs played through the real engine.

:func:`play` runs a plan through the engine on a fake clock and saves every effect to a store
the way the app does (each finished phase at once, the run's end when it ends), so the store and
progression tests work on the results the engine really produces.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hiptimer.catalog.sessions import load_file
from hiptimer.core.engine import Event, new_run, step
from hiptimer.core.model import Session
from hiptimer.core.plan import PhaseKind, Plan, compile_plan
from hiptimer.core.ports import RunStore
from hiptimer.core.results import Effect, PhaseFinished, RunFinished
from hiptimer.history.store import definition_hash

SESSIONS = Path(__file__).resolve().parent.parent / "sessions"

MONDAY = datetime(2024, 5, 6, 7, 0, tzinfo=UTC)
"""A Monday morning (UTC): the wall clock the simulated runs start from."""


def builtin(session_id: str) -> Session:
    """A built-in session, loaded the way the app loads it."""
    loaded = load_file(SESSIONS / f"{session_id}.toml")
    assert loaded.session is not None, loaded.errors
    return loaded.session


@dataclass(frozen=True, slots=True)
class Played:
    """What :func:`play` did."""

    run_id: int
    saved: tuple[int, ...]
    """Indexes of the phases saved, in the order they were saved."""
    ended: bool
    """Whether the run ended (completed or aborted) rather than being left running."""


def play(
    store: RunStore,
    session: Session,
    plan: Plan | None = None,
    *,
    started: datetime = MONDAY,
    skip: Collection[int] = (),
    short_reps: Collection[int] = (),
    abort_at: int | None = None,
    stop_after: int | None = None,
    on_effect: Callable[[Effect], None] | None = None,
) -> Played:
    """Run ``plan`` (default: ``session`` at its start values) through the engine into ``store``.

    Args:
        store: Where the run is saved.
        session: The session (for its definition hash).
        plan: The compiled plan.
        started: The run's wall-clock start; phases are placed after it on the fake clock.
        skip: Phase indexes the runner skips with *next*.
        short_reps: Counted rep phases the runner ends with *done* after one rep.
        abort_at: The phase the runner stops the run in.
        stop_after: Stop driving (no end recorded, as if the process died) after this many saves.
        on_effect: Called with every effect after it is saved.
    """
    plan = plan or compile_plan(session)
    run_id = store.start_run(plan, definition_hash=definition_hash(session), started=started)
    saved: list[int] = []

    def wall(t: float) -> datetime:
        return started + timedelta(seconds=t)

    def carry_out(effects: tuple[Effect, ...]) -> bool:
        for effect in effects:
            if isinstance(effect, PhaseFinished):
                r = effect.result
                store.save_phase(run_id, r, started=wall(r.started_at), ended=wall(r.ended_at))
                saved.append(r.index)
            elif isinstance(effect, RunFinished):
                store.end_run(run_id, effect.status, ended=wall(effect.at))
            if on_effect is not None:
                on_effect(effect)
            if stop_after is not None and len(saved) >= stop_after:
                return False
        return True

    now = 0.0
    state, effects = step(new_run(plan), Event.START, now)
    if not carry_out(effects):
        return Played(run_id, tuple(saved), False)
    while not state.over:
        phase = state.phase
        deadline = state.deadline()
        if state.counting_down:
            assert deadline is not None
            now, event = deadline, Event.TICK
        elif abort_at == state.index:
            now, event = now + 1, Event.ABORT
        elif state.index in skip:
            now, event = now + 1, Event.NEXT
        elif state.index in short_reps and phase.kind is PhaseKind.REPS:
            state, effects = step(state, Event.REP, now + 1)
            carry_out(effects)
            now, event = now + 2, Event.DONE
        elif deadline is not None:
            now, event = deadline, Event.TICK
        else:
            now, event = now + 30, Event.DONE
        state, effects = step(state, event, now)
        if not carry_out(effects):
            return Played(run_id, tuple(saved), False)
    return Played(run_id, tuple(saved), True)


def round_starts(plan: Plan) -> list[int]:
    """The index of the first phase of each round of the outermost repeat block."""
    starts: list[int] = []
    seen: set[int] = set()
    for phase in plan.phases:
        if phase.rounds and phase.rounds[0][0] not in seen and phase.kind.is_effort:
            seen.add(phase.rounds[0][0])
            starts.append(phase.index)
    return starts


def corrupt(path: Path) -> None:
    """A history of 40 runs, then scribbled over in many places (but not its first pages)."""
    from hiptimer.history.store import SqliteStore

    store = SqliteStore(path)
    for day in range(40):
        play(store, builtin("hill-sprints"), started=MONDAY + timedelta(days=day))
    store.close()  # the last connection checkpoints the WAL into the file
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, 3 * page):
        data[start : start + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


class FullDisk(sqlite3.Connection):
    """A connection on a disk with no room: every statement that adds or changes rows fails."""

    def _check(self, sql: str) -> None:
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorname = "SQLITE_FULL"
            raise error

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return super().execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return super().executemany(sql, *args)
