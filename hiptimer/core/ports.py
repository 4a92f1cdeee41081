"""The interfaces the app is handed: a clock, a cue player and a run store.

Only the command line builds the real ones (``time.monotonic``, ``hiptimer.audio``,
``hiptimer.history.store``); tests hand in fakes. :class:`MemoryStore` keeps runs in memory: it stands in
when the history file cannot be used, and in tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple, Protocol

from hiptimer.core.outcomes import Outcome, RunStatus

if TYPE_CHECKING:  # annotations only: the history reads runs without the plan, the cues, the effects
    from hiptimer.core.cues import CuePlayer
    from hiptimer.core.live import LivePosition
    from hiptimer.core.phase_result import PhaseResult
    from hiptimer.core.plan import Plan

__all__ = [
    "Clock",
    "CuePlayer",
    "MemoryStore",
    "ResumePoint",
    "RunStore",
    "SessionHistory",
    "StoredRun",
]

Clock = Callable[[], float]
"""Seconds on a monotonic clock."""


def __getattr__(name: str) -> object:
    """:class:`~hiptimer.core.cues.CuePlayer`, re-exported on first use: the history's readers
    import this module for its runs and need no cue vocabulary."""
    if name == "CuePlayer":
        from hiptimer.core.cues import CuePlayer  # late: see above

        return CuePlayer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Named tuples, not frozen dataclasses: the store and the home screen load this module before
# the first frame, and a frozen dataclass costs a millisecond to define (its methods compiled).


class ResumePoint(NamedTuple):
    """An interrupted run that can be picked up again."""

    run_id: int
    session_id: str
    started: datetime
    next_index: int
    """The first phase with no saved result."""
    phase_count: int
    targets: dict[str, float]
    """The progression targets the run used (a resumed run keeps them)."""
    outcomes: tuple[Outcome, ...] = ()
    """How each saved phase ended, in phase order."""
    definition_hash: str = ""
    """The hash of the session's definition the run was planned from (see ``definition_hash``)."""
    interrupted: datetime | None = None
    """When the run stopped (the last moment its app was known to drive it)."""
    live: LivePosition | None = None
    """Where the run was on the wall clock when it stopped (None: not known, resume at a phase start)."""

    @property
    def phases_done(self) -> int:
        """Saved phases done in full (:attr:`Outcome.done`), counted as the history counts them."""
        return sum(1 for outcome in self.outcomes if outcome.done)

    @property
    def phases_skipped(self) -> int:
        """Saved phases the runner skipped."""
        return sum(1 for outcome in self.outcomes if outcome is Outcome.SKIPPED)


class SessionHistory(NamedTuple):
    """What the home screen shows of a session's history."""

    last_done: datetime | None = None
    """When the last completed run ended."""
    this_week: int = 0
    """Completed runs since Monday."""


class StoredRun(NamedTuple):
    """A run as stored: enough for progression and the history views."""

    run_id: int
    session_id: str
    session_name: str
    status: RunStatus
    started: datetime
    ended: datetime | None
    targets: dict[str, float]
    results: tuple[PhaseResult, ...] = ()


class RunStore(Protocol):
    """Where runs are saved as they happen. Every call commits before it returns."""

    def start_run(self, plan: Plan, *, definition_hash: str, started: datetime) -> int:
        """Record a new run of ``plan``; return its id."""

    def save_phase(self, run_id: int, result: PhaseResult, *, started: datetime, ended: datetime) -> None:
        """Save (or replace, if the phase was redone) one phase's result."""

    def end_run(
        self, run_id: int, status: RunStatus, *, ended: datetime, live: LivePosition | None = None
    ) -> None:
        """Mark the run completed, aborted or interrupted (``live``: where it was, to go on by the clock).

        A run another app has taken over is left alone.
        """

    def touch_run(self, run_id: int, at: datetime, live: LivePosition | None = None) -> bool:
        """Say the run is still open (every few seconds, and when ``live``, where it is, changes).

        Returns:
            Whether this store still holds the run (False: another app took it over).
        """

    def holds_run(self, run_id: int) -> bool:
        """Whether this store still drives the run (another app has not taken it over)."""

    def running_elsewhere(self, session_id: str) -> ResumePoint | None:
        """The run of ``session_id`` that another live app is driving now, if any."""

    def take_over(self, run_id: int, at: datetime) -> ResumePoint | None:
        """Make this store the run's driver, from another app; None if it is no longer running.

        The other app finds out at its next :meth:`touch_run` or :meth:`holds_run`.
        """

    def resume_point(self, session_id: str | None = None) -> ResumePoint | None:
        """The latest interrupted run (of ``session_id``, if given) that has phases left.

        Only a session's newest run is offered: starting fresh leaves the older one behind.
        """

    def reopen_run(self, run_id: int) -> None:
        """Mark an interrupted run as running again (it is being resumed)."""

    def session_history(self, session_ids: Sequence[str], *, now: datetime) -> dict[str, SessionHistory]:
        """Last done and runs this week, for each session id."""

    def runs(self, session_id: str | None = None, *, limit: int = 50, offset: int = 0) -> list[StoredRun]:
        """Runs newest first (without their phase results)."""

    def run(self, run_id: int) -> StoredRun | None:
        """One run with its phase results."""


class MemoryStore:
    """A :class:`RunStore` that keeps everything in memory (lost at exit)."""

    def __init__(self) -> None:
        self._runs: dict[int, StoredRun] = {}
        self._plans: dict[int, Plan] = {}
        self._hashes: dict[int, str] = {}
        self._live: dict[int, LivePosition | None] = {}

    def start_run(self, plan: Plan, *, definition_hash: str, started: datetime) -> int:
        run_id = len(self._runs) + 1
        self._runs[run_id] = StoredRun(
            run_id, plan.session_id, plan.session_name, RunStatus.RUNNING, started, None, dict(plan.targets)
        )
        self._plans[run_id] = plan
        self._hashes[run_id] = definition_hash
        return run_id

    def save_phase(self, run_id: int, result: PhaseResult, *, started: datetime, ended: datetime) -> None:
        run = self._runs[run_id]
        kept = tuple(r for r in run.results if r.index != result.index)
        results = tuple(sorted((*kept, result), key=lambda r: r.index))
        self._runs[run_id] = _with(run, results=results)

    def end_run(
        self, run_id: int, status: RunStatus, *, ended: datetime, live: LivePosition | None = None
    ) -> None:
        self._runs[run_id] = _with(self._runs[run_id], status=status, ended=ended)
        self._live[run_id] = live

    def touch_run(self, run_id: int, at: datetime, live: LivePosition | None = None) -> bool:
        """Remembers where the run is: nothing else drives a run kept in this process's memory."""
        if live is not None:
            self._live[run_id] = live
        return True

    def holds_run(self, run_id: int) -> bool:
        return True

    def running_elsewhere(self, session_id: str) -> ResumePoint | None:
        return None

    def take_over(self, run_id: int, at: datetime) -> ResumePoint | None:
        return None

    def resume_point(self, session_id: str | None = None) -> ResumePoint | None:
        newer_seen: set[str] = set()
        for run in sorted(self._runs.values(), key=lambda r: (r.started, r.run_id), reverse=True):
            if run.session_id in newer_seen:
                continue  # a newer run of this session started: this one is not offered
            newer_seen.add(run.session_id)
            if run.status is not RunStatus.INTERRUPTED:
                continue
            if session_id is not None and run.session_id != session_id:
                continue
            count = len(self._plans[run.run_id].phases)
            done = {r.index for r in run.results}
            left = [i for i in range(count) if i not in done]
            if left:
                outcomes = tuple(r.outcome for r in run.results)
                return ResumePoint(
                    run.run_id,
                    run.session_id,
                    run.started,
                    left[0],
                    count,
                    dict(run.targets),
                    outcomes,
                    definition_hash=self._hashes.get(run.run_id, ""),
                    interrupted=run.ended,
                    live=self._live.get(run.run_id),
                )
        return None

    def reopen_run(self, run_id: int) -> None:
        self._runs[run_id] = _with(self._runs[run_id], status=RunStatus.RUNNING, ended=None)

    def session_history(self, session_ids: Sequence[str], *, now: datetime) -> dict[str, SessionHistory]:
        monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        out: dict[str, SessionHistory] = {}
        for sid in session_ids:
            done = [r for r in self._runs.values() if r.session_id == sid and r.status is RunStatus.COMPLETED]
            last = max((r.ended or r.started for r in done), default=None)
            week = sum(1 for r in done if (r.ended or r.started) >= monday)
            out[sid] = SessionHistory(last, week)
        return out

    def runs(self, session_id: str | None = None, *, limit: int = 50, offset: int = 0) -> list[StoredRun]:
        chosen = [r for r in self._runs.values() if session_id is None or r.session_id == session_id]
        chosen.sort(key=lambda r: (r.started, r.run_id), reverse=True)
        return [_with(r, results=()) for r in chosen[offset : offset + limit]]

    def run(self, run_id: int) -> StoredRun | None:
        return self._runs.get(run_id)


def _with(run: StoredRun, **changes: object) -> StoredRun:
    return run._replace(**changes)  # type: ignore[arg-type]
