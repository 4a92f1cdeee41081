"""Reading runs: from the history file, from memory, or both.

While results are kept in memory (see :mod:`hiptimer.history.recovery`) and the file can still be
read, every read answers with the past runs in the file and this process's runs in memory
together, newest first; a run in both (a past run resumed in memory) is taken from memory. From a
file only read, a run left running by a process that is gone is shown as it will end.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from hiptimer.core.outcomes import Outcome, RunStatus
from hiptimer.core.ports import ResumePoint, SessionHistory, StoredRun
from hiptimer.history.layout import run_filter
from hiptimer.history.records import FallbackStore, RunRecord, SavedPhase
from hiptimer.history.recovery import StoreRecovery
from hiptimer.history.schema import (
    PHASE_COLUMNS,
    RUN_COLUMNS,
    parse_time,
    plan_from_json,
    record_from_row,
    saved_phase_from_row,
    stored_run_from_row,
    targets_from_json,
    time_text,
)

if TYPE_CHECKING:  # an annotation: a run's plan is rebuilt (and the plan module loaded) only on demand
    from hiptimer.core.plan import Plan

__all__ = ["StoreReading"]

T = TypeVar("T")

_POINT_COLUMNS = "id, session_id, started, ended, phase_count, targets_json, live_json, definition_hash"
"""The run columns a :class:`~hiptimer.core.ports.ResumePoint` is made of."""


class StoreReading(StoreRecovery):
    """The reads of the store: runs, records, resume points, the plan a run was started with."""

    # -- RunStore ------------------------------------------------------------------------------

    def resume_point(self, session_id: str | None = None) -> ResumePoint | None:
        """The latest interrupted run (of ``session_id``, if given) with phases left.

        A run is offered only while it is its session's newest: once a newer run of the same
        session was started (the runner started fresh), the old one is never offered again.
        """

        def read(conn: sqlite3.Connection) -> ResumePoint | None:
            self._recover()
            if self._state.conn is not conn:  # ending a stale run failed: the file is only read now
                if self._state.conn is None:
                    return self._state.shadow.resume_point(session_id)
                conn = self._state.conn
            where, args = ("AND session_id = ?", (session_id,)) if session_id is not None else ("", ())
            rows = conn.execute(
                f"SELECT {_POINT_COLUMNS} FROM runs"
                f" WHERE status = 'interrupted' {where}"
                " AND NOT EXISTS (SELECT 1 FROM runs AS newer WHERE newer.session_id = runs.session_id"
                "  AND (newer.started, newer.id) > (runs.started, runs.id))"
                " ORDER BY started DESC, id DESC",
                args,
            )
            for row in rows.fetchall():
                point = self._point(conn, row)
                if point is not None:
                    return point
            return None

        def newest(past: ResumePoint | None, new: ResumePoint | None) -> ResumePoint | None:
            if past is not None and self._state.shadow.runs(past.session_id, limit=1):
                past = None  # resumed already, or started afresh: either way that run is in memory
            points = [p for p in (past, new) if p is not None]
            return max(points, key=lambda p: (p.started, p.run_id), default=None)

        return self._query(read, lambda memory: memory.resume_point(session_id), newest)

    def session_history(self, session_ids: Sequence[str], *, now: datetime) -> dict[str, SessionHistory]:
        """When each session was last completed, and how many times since Monday (local time of ``now``)."""
        local = now.astimezone() if now.tzinfo is None else now
        monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)

        def read(conn: sqlite3.Connection) -> dict[str, SessionHistory]:
            # Per session, so each query walks the (session_id, started) index from the newest run
            # and stops early: the cost does not grow with the size of the history.
            out = {}
            for sid in session_ids:
                last = conn.execute(
                    "SELECT coalesce(ended, started) FROM runs WHERE session_id = ? AND status = 'completed'"
                    " ORDER BY started DESC, id DESC LIMIT 1",
                    (sid,),
                ).fetchone()
                week = conn.execute(
                    "SELECT count(*) FROM runs WHERE session_id = ? AND status = 'completed'"
                    " AND started >= ? AND coalesce(ended, started) >= ?",
                    (sid, time_text(monday - timedelta(days=1)), time_text(monday)),
                ).fetchone()
                out[sid] = SessionHistory(parse_time(last[0]) if last else None, int(week[0]))
            return out

        def both(
            past: dict[str, SessionHistory], new: dict[str, SessionHistory]
        ) -> dict[str, SessionHistory]:
            out = {}
            for sid in session_ids:
                old, fresh = past.get(sid, SessionHistory()), new.get(sid, SessionHistory())
                done = [d for d in (old.last_done, fresh.last_done) if d is not None]
                out[sid] = SessionHistory(max(done, default=None), old.this_week + fresh.this_week)
            return out

        return self._query(read, lambda memory: memory.session_history(session_ids, now=now), both)

    def runs(self, session_id: str | None = None, *, limit: int = 50, offset: int = 0) -> list[StoredRun]:
        """Runs newest first, without their results."""

        def read(conn: sqlite3.Connection) -> list[StoredRun]:
            count, skip = self._window(limit, offset)
            rows = self._run_rows(conn, session_id, None, count, skip)
            return [self._shown(conn, stored_run_from_row(row)) for row in rows]

        def memory(store: FallbackStore) -> list[StoredRun]:
            count, skip = self._window(limit, offset)
            return store.runs(session_id, limit=limit if count is None else count, offset=skip)

        return self._query(read, memory, lambda past, new: _newest(past, new, lambda r: r, limit, offset))

    def run(self, run_id: int) -> StoredRun | None:
        """One run with its results."""

        def read(conn: sqlite3.Connection) -> StoredRun | None:
            record = self._record(conn, run_id)
            return record.run if record is not None else None

        return self._query(read, lambda memory: memory.run(run_id), lambda past, new: new or past)

    # -- more than the protocol ------------------------------------------------------------------

    def stored_plan(self, run_id: int) -> Plan | None:
        """The plan a run was started with (what a resumed run must follow)."""

        def read(conn: sqlite3.Connection) -> Plan | None:
            row = conn.execute("SELECT plan_json FROM runs WHERE id = ?", (run_id,)).fetchone()
            return plan_from_json(row[0]) if row is not None else None

        return self._query(read, lambda memory: memory.plan(run_id), lambda past, new: new or past)

    def records(
        self,
        session_id: str | None = None,
        *,
        since: datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[RunRecord]:
        """Runs with their phases, newest first; ``since`` keeps runs started at or after it."""

        def read(conn: sqlite3.Connection) -> list[RunRecord]:
            count, skip = self._window(limit, offset)
            rows = self._run_rows(conn, session_id, since, count, skip)
            phases = self._phases(conn, [int(r["id"]) for r in rows])
            return [
                self._shown_record(conn, record_from_row(row, phases.get(int(row["id"]), ()))) for row in rows
            ]

        def memory(store: FallbackStore) -> list[RunRecord]:
            count, skip = self._window(limit, offset)
            return store.records(session_id, since=since, limit=count, offset=skip)

        return self._query(read, memory, lambda past, new: _newest(past, new, lambda r: r.run, limit, offset))

    def export_json(self, path: Path | str) -> int:
        """Write the runs this process holds in memory (its own runs) to ``path``; return how many."""
        from hiptimer.history.format import write_json  # late: only saving the runs kept in memory writes

        with self._lock:
            return write_json(self._state.shadow.records(), path)

    def memory_runs(self) -> list[StoredRun]:
        """The runs kept only in memory (what :meth:`export_json` writes), newest first.

        Empty while the file is written. While it is read-only, :meth:`runs` lists the past runs
        too; these are the new ones.
        """
        with self._lock:
            self._ready()
            if not self._state.fallback:
                return []
            return self._state.shadow.runs(limit=sys.maxsize)

    # -- for importers (see hiptimer.history.watch) --------------------------------------------------

    def read_file(self, read: Callable[[sqlite3.Connection], T], default: T) -> T:
        """``read`` from the history file, or ``default`` when results are kept in memory only."""
        return self._query(read, lambda memory: default, lambda past, new: past)

    # -- internals --------------------------------------------------------------------------------

    def _point(self, conn: sqlite3.Connection, row: sqlite3.Row) -> ResumePoint | None:
        """The resume point of a run row (:data:`_POINT_COLUMNS`); None if no phase is left."""
        saved = conn.execute(
            "SELECT phase_index, outcome FROM phases WHERE run_id = ? ORDER BY phase_index", (row["id"],)
        ).fetchall()
        done = {int(r[0]) for r in saved}
        left = next((i for i in range(int(row["phase_count"])) if i not in done), None)
        if left is None:
            return None
        from hiptimer.core.live import LivePosition  # late: only a resume point reads where its run was

        return ResumePoint(
            int(row["id"]),
            str(row["session_id"]),
            parse_time(row["started"]),
            left,
            int(row["phase_count"]),
            targets_from_json(row["targets_json"]),
            tuple(Outcome(r[1]) for r in saved),
            definition_hash=str(row["definition_hash"] or ""),
            interrupted=parse_time(row["ended"]) if row["ended"] else None,
            live=LivePosition.from_json(row["live_json"]),
        )

    def _window(self, limit: int | None, offset: int) -> tuple[int | None, int]:
        """The runs to read for a page: while the file is read-only, each half's newest up to its end."""
        if self._state.read_only is None:
            return limit, offset
        return (None if limit is None else offset + limit), 0

    def _record(self, conn: sqlite3.Connection, run_id: int) -> RunRecord | None:
        row = conn.execute(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        return self._shown_record(conn, record_from_row(row, self._phases(conn, [run_id]).get(run_id, ())))

    def _run_rows(
        self,
        conn: sqlite3.Connection,
        session_id: str | None,
        since: datetime | None,
        limit: int | None,
        offset: int,
    ) -> list[sqlite3.Row]:
        where, args = run_filter(session_id, since)
        args += [-1 if limit is None else limit, offset]
        return conn.execute(
            f"SELECT {RUN_COLUMNS} FROM runs {where} ORDER BY started DESC, id DESC LIMIT ? OFFSET ?", args
        ).fetchall()

    def _phases(self, conn: sqlite3.Connection, run_ids: Sequence[int]) -> dict[int, tuple[SavedPhase, ...]]:
        out: dict[int, list[SavedPhase]] = {}
        for start in range(0, len(run_ids), 500):
            chunk = run_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            cursor = conn.cursor()
            cursor.row_factory = None  # plain tuples: quicker for the many rows of a page
            cursor.execute(
                f"SELECT {PHASE_COLUMNS} FROM phases WHERE run_id IN ({marks}) ORDER BY run_id, phase_index",
                chunk,
            )
            for row in cursor:
                out.setdefault(int(row[0]), []).append(saved_phase_from_row(row))
        return {k: tuple(v) for k, v in out.items()}

    def _shown(self, conn: sqlite3.Connection, run: StoredRun) -> StoredRun:
        """``run`` as the views show it: from a file only read, a run left running by a process
        that is gone is shown as it will end when the file is next written (it is not written)."""
        if run.status is not RunStatus.RUNNING or self._state.read_only is None:
            return run
        if self._state.stale is None:
            self._state.stale = {i: (RunStatus(s), parse_time(e)) for s, e, i in self._stale_runs(conn)}
        ended = self._state.stale.get(run.run_id)
        if ended is None:
            return run
        return run._replace(status=ended[0], ended=ended[1])

    def _shown_record(self, conn: sqlite3.Connection, record: RunRecord) -> RunRecord:
        run = self._shown(conn, record.run)
        return record if run is record.run else record._replace(run=run)


def _newest(
    past: Sequence[T], new: Sequence[T], run_of: Callable[[T], StoredRun], limit: int | None, offset: int
) -> list[T]:
    """One page of the runs read from the file and those kept in memory, newest first.

    A run in both (a past run resumed in memory) is taken from memory.
    """
    held = {run_of(item).run_id for item in new}
    both = [*new, *(item for item in past if run_of(item).run_id not in held)]
    both.sort(key=lambda item: (run_of(item).started, run_of(item).run_id), reverse=True)
    return both[offset:] if limit is None else both[offset : offset + limit]
