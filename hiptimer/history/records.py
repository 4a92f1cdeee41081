"""What the history views read, and the in-memory store that stands in for the file.

:class:`RunRecord` is a run with its phases and their wall-clock times, as ``hiptimer history``
and exports show it. :class:`FallbackStore` keeps runs in memory: it shadows the runs a
:class:`~hiptimer.history.store.SqliteStore` holds, so a disk that fills up mid-run loses nothing, and
it can export what it holds.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol

from hiptimer.core.outcomes import RunStatus
from hiptimer.core.phase_result import PhaseResult
from hiptimer.core.ports import MemoryStore, RunStore, StoredRun

if TYPE_CHECKING:  # the history is read without the session schema (and pydantic), nor the plan
    from hiptimer.core.live import LivePosition
    from hiptimer.core.model import Session
    from hiptimer.core.plan import Plan

__all__ = [
    "FallbackStore",
    "HistorySource",
    "RunRecord",
    "SavedPhase",
    "definition_hash",
    "recent_runs",
    "runs_for_targets",
]


def definition_hash(session: Session) -> str:
    """A short hash of a session's definition: equal for equal files, whatever their layout."""
    import hashlib  # only a run's start needs it, not the history views

    from hiptimer.core.model import session_data  # loaded already: ``session`` is one

    text = json.dumps(session_data(session), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- what the history views read --------------------------------------------------------------


# Named tuples, not frozen dataclasses: the store loads this module before the home screen's
# first frame, and a frozen dataclass costs a millisecond to define (its methods compiled).


class SavedPhase(NamedTuple):
    """A phase result as saved, with the wall-clock times it started and ended."""

    result: PhaseResult
    started: datetime | None
    ended: datetime | None


class RunRecord(NamedTuple):
    """A run with everything the history views and exports show."""

    run: StoredRun
    """The run, with its results."""
    phase_count: int
    """Phases in the run's plan."""
    definition_hash: str
    phases: tuple[SavedPhase, ...] = ()

    @property
    def phases_done(self) -> int:
        """Phases completed (or ended early inside their range)."""
        return sum(1 for p in self.phases if p.result.outcome.done)

    @property
    def reps_done(self) -> int:
        """Reps counted over all rep phases."""
        return sum(p.result.reps_done or 0 for p in self.phases)

    @property
    def reps_target(self) -> int:
        """Reps planned over the rep phases reached."""
        return sum(p.result.reps_target or 0 for p in self.phases)

    @property
    def duration_seconds(self) -> float | None:
        """Wall-clock seconds from start to end; None while running."""
        if self.run.ended is None:
            return None
        return max(0.0, (self.run.ended - self.run.started).total_seconds())


class HistorySource(Protocol):
    """What ``hiptimer history`` and exports read."""

    def records(
        self,
        session_id: str | None = None,
        *,
        since: datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[RunRecord]:
        """Runs with their phases, newest first."""


def recent_runs(store: RunStore, session_id: str, *, limit: int = 10) -> list[StoredRun]:
    """The latest runs of a session with their results, newest first (for progression)."""
    out: list[StoredRun] = []
    for summary in store.runs(session_id, limit=limit):
        run = store.run(summary.run_id)
        if run is not None:
            out.append(run)
    return out


def runs_for_targets(
    store: RunStore, session_id: str, names: Collection[str], *, limit: int = 10
) -> list[StoredRun]:
    """What today's targets of the progressions ``names`` are computed from, newest first.

    :func:`hiptimer.core.progression.today_targets` reads, for each progression, only the newest
    finished run that set it. This gives that run (with its results) for each name, found
    among the ``limit`` latest runs as :func:`recent_runs` would, without reading the results of
    every other run: the home screen and ``hiptimer list`` read one run, not ten.
    """
    wanted = set(names)
    out: list[StoredRun] = []
    if not wanted:
        return out
    for summary in store.runs(session_id, limit=limit):
        if summary.status is RunStatus.RUNNING or not wanted & summary.targets.keys():
            continue
        wanted -= summary.targets.keys()
        run = store.run(summary.run_id)
        if run is not None:
            out.append(run)
        if not wanted:
            break
    return out


# --- in memory ---------------------------------------------------------------------------------


class FallbackStore(MemoryStore):
    """A :class:`MemoryStore` that also keeps wall-clock times and can export what it holds.

    It stands in when the history file cannot be written, and shadows the runs a
    :class:`SqliteStore` started, so that a disk filling up mid-run loses nothing.
    """

    def __init__(self) -> None:
        super().__init__()
        self._walls: dict[tuple[int, int], tuple[datetime, datetime]] = {}
        self._hashes: dict[int, str] = {}

    def start_run(self, plan: Plan, *, definition_hash: str, started: datetime) -> int:
        run_id = max(self._runs, default=0) + 1
        self.adopt(run_id, plan, definition_hash=definition_hash, started=started)
        return run_id

    def adopt(
        self,
        run_id: int,
        plan: Plan,
        *,
        definition_hash: str,
        started: datetime,
        status: RunStatus = RunStatus.RUNNING,
        phases: Sequence[SavedPhase] = (),
    ) -> None:
        """Hold a run under a given id (one saved to the database, say)."""
        results = tuple(sorted((p.result for p in phases), key=lambda r: r.index))
        self._runs[run_id] = StoredRun(
            run_id, plan.session_id, plan.session_name, status, started, None, dict(plan.targets), results
        )
        self._plans[run_id] = plan
        self._hashes[run_id] = definition_hash
        for p in phases:
            if p.started is not None and p.ended is not None:
                self._walls[(run_id, p.result.index)] = (p.started, p.ended)

    def plan(self, run_id: int) -> Plan | None:
        """The plan a run held here follows."""
        return self._plans.get(run_id)

    def holds(self, run_id: int) -> bool:
        """Whether the run is held here."""
        return run_id in self._runs

    def save_phase(self, run_id: int, result: PhaseResult, *, started: datetime, ended: datetime) -> None:
        super().save_phase(run_id, result, started=started, ended=ended)
        self._walls[(run_id, result.index)] = (started, ended)

    def touch_run(self, run_id: int, at: datetime, live: LivePosition | None = None) -> bool:
        """Where the run is matters only to another process, which cannot see this memory."""
        return True

    def records(
        self,
        session_id: str | None = None,
        *,
        since: datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[RunRecord]:
        """Runs with their phases, newest first."""
        chosen = [
            r
            for r in self._runs.values()
            if (session_id is None or r.session_id == session_id) and (since is None or r.started >= since)
        ]
        chosen.sort(key=lambda r: (r.started, r.run_id), reverse=True)
        chosen = chosen[offset:] if limit is None else chosen[offset : offset + limit]
        out = []
        for run in chosen:
            phases = tuple(
                SavedPhase(r, *self._walls.get((run.run_id, r.index), (None, None))) for r in run.results
            )
            out.append(RunRecord(run, len(self._plans[run.run_id]), self._hashes[run.run_id], phases))
        return out
