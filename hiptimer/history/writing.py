"""Writing a run: start it, save each phase as it ends, keep its heartbeat, end it.

Each write is one committed transaction (see :mod:`hiptimer.history.connection`), mirrored in
memory for the runs this process holds there.

One driver per run
    Each store has an owner token (its pid and a random part, so two stores in one process differ
    too), written on the runs it starts or resumes. Browser tabs and terminals share one history,
    so a second app may find a session's run live elsewhere
    (:meth:`~hiptimer.history.store.SqliteStore.running_elsewhere`) and take it over
    (:meth:`~hiptimer.history.store.SqliteStore.take_over`): the owner changes in one transaction,
    and every later write of the old owner to that run (a phase, a heartbeat, its end) is left out,
    and tells it so. The heartbeat also carries where the run is on the wall clock
    (``live_json``), so that whoever picks it up next, after a take-over or an interruption, goes
    on by its clock.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from hiptimer.core.outcomes import RunStatus
from hiptimer.core.phase_result import PhaseResult
from hiptimer.history.liveness import held_elsewhere
from hiptimer.history.opening import UnusableError, close_quietly, describe_error, open_database
from hiptimer.history.reading import _POINT_COLUMNS, StoreReading
from hiptimer.history.records import FallbackStore
from hiptimer.history.schema import (
    PHASE_COLUMNS,
    PHASE_PLACES,
    parse_time,
    phase_row,
    plan_to_json,
    time_text,
)

if TYPE_CHECKING:  # annotations only: a reading command never loads the plan's compiler
    from hiptimer.core.live import LivePosition
    from hiptimer.core.plan import Plan
    from hiptimer.core.ports import ResumePoint
    from hiptimer.history.importer import ImportedRun, ImportResult

__all__ = ["HistoryNotWritableError", "StoreWriting"]

T = TypeVar("T")


class HistoryNotWritableError(Exception):
    """The history file cannot be written now; the message says why."""


_OWNED = "(owner IS NULL OR owner = ?)"
"""SQL: the run is this store's to write (runs from before owners were written have none)."""


class StoreWriting(StoreReading):
    """The writes of the store: a run from its start to its end, its owner, and imports."""

    # -- RunStore ------------------------------------------------------------------------------

    def start_run(self, plan: Plan, *, definition_hash: str, started: datetime) -> int:
        """Record a new run of ``plan`` held by this process; return its id."""
        with self._lock:
            self._ready()
            shadow = self._state.shadow
            if self._state.read_only is not None:
                # Past the file's ids, so a new run is never mistaken for a past one.
                run_id = self._state.next_id
                self._state.next_id += 1
                shadow.adopt(run_id, plan, definition_hash=definition_hash, started=started)
                return run_id
            if self._state.fallback:
                return shadow.start_run(plan, definition_hash=definition_hash, started=started)
            ids: list[int] = []

            def insert(conn: sqlite3.Connection) -> None:
                cur = conn.execute(
                    "INSERT INTO runs (session_id, session_name, definition_hash, started, status,"
                    " plan_json, targets_json, phase_count, pid, heartbeat, owner)"
                    " VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                    (
                        plan.session_id,
                        plan.session_name,
                        definition_hash,
                        time_text(started),
                        plan_to_json(plan),
                        json.dumps(dict(plan.targets), sort_keys=True),
                        len(plan.phases),
                        os.getpid(),
                        time_text(started),
                        self.owner,
                    ),
                )
                ids.append(int(cur.lastrowid or 0))

            def remember() -> None:
                if ids:
                    shadow.adopt(ids[0], plan, definition_hash=definition_hash, started=started)
                else:
                    ids.append(shadow.start_run(plan, definition_hash=definition_hash, started=started))

            self._write(insert, remember)
            return ids[0]

    def save_phase(self, run_id: int, result: PhaseResult, *, started: datetime, ended: datetime) -> None:
        """Save one phase's result (replacing an earlier result of the same phase) and commit."""

        def upsert(conn: sqlite3.Connection) -> None:
            if not self._owns(conn, run_id):
                return  # taken over: the new driver saves this phase
            conn.execute(
                f"INSERT OR REPLACE INTO phases ({PHASE_COLUMNS}) VALUES ({PHASE_PLACES})",
                phase_row(run_id, result, started, ended),
            )
            conn.execute("UPDATE runs SET heartbeat = ? WHERE id = ?", (time_text(ended), run_id))

        self._write(
            upsert,
            lambda: self._mirror(
                run_id, lambda s: s.save_phase(run_id, result, started=started, ended=ended)
            ),
        )

    def touch_run(self, run_id: int, at: datetime, live: LivePosition | None = None) -> bool:
        """Record that the process running ``run_id`` is alive at ``at`` (and where the run is).

        Call it at least every :data:`HEARTBEAT_SECONDS` while the run is open and no phase ends
        (a long open step, a pause), and whenever ``live`` changes; a run whose heartbeat is older
        than :data:`STALE_AFTER_SECONDS` is taken as abandoned by the next hiptimer that starts.

        Returns:
            Whether this store still drives the run (False once another store took it over).
        """
        held = [True]

        def touch(conn: sqlite3.Connection) -> None:
            cur = conn.execute(
                "UPDATE runs SET heartbeat = ?, live_json = coalesce(?, live_json)"
                f" WHERE id = ? AND {_OWNED}",
                (time_text(at), live.to_json() if live else None, run_id, self.owner),
            )
            held[0] = cur.rowcount > 0 or not self._taken(conn, run_id)

        self._write(touch, lambda: None)
        return held[0]

    def holds_run(self, run_id: int) -> bool:
        """Whether this store still drives ``run_id`` (no other store has taken it over)."""
        return self._query(lambda conn: not self._taken(conn, run_id), lambda memory: True, lambda a, b: a)

    def running_elsewhere(self, session_id: str) -> ResumePoint | None:
        """The newest run of ``session_id`` that another live app drives now, if any."""

        def read(conn: sqlite3.Connection) -> ResumePoint | None:
            now = self._clock()
            rows = conn.execute(
                f"SELECT {_POINT_COLUMNS}, pid, owner, heartbeat FROM runs"
                " WHERE status = 'running' AND session_id = ? ORDER BY started DESC, id DESC",
                (session_id,),
            ).fetchall()
            for row in rows:
                mine = row["owner"] == self.owner
                if mine or (row["owner"] is None and self._state.shadow.holds(int(row["id"]))):
                    continue
                beat = parse_time(row["heartbeat"] or row["started"])
                if held_elsewhere(row["pid"], beat, now, owner=row["owner"], mine=self.owner):
                    return self._point(conn, row)
            return None

        return self._query(read, lambda memory: None, lambda past, new: past)

    def take_over(self, run_id: int, at: datetime) -> ResumePoint | None:
        """Drive ``run_id`` from here on; the store that drove it finds out at its next write.

        Returns:
            Where the run is (its resume point, with the position last written), or None if it is
            not running any more (it ended meanwhile).
        """
        found: list[ResumePoint] = []

        def take(conn: sqlite3.Connection) -> None:
            row = conn.execute(
                f"SELECT {_POINT_COLUMNS} FROM runs WHERE id = ? AND status = 'running'", (run_id,)
            ).fetchone()
            point = self._point(conn, row) if row is not None else None
            if point is None:
                return
            conn.execute(
                "UPDATE runs SET owner = ?, pid = ?, heartbeat = ? WHERE id = ?",
                (self.owner, os.getpid(), time_text(at), run_id),
            )
            found.append(point)

        self._write(take, lambda: None)
        if found:
            self._adopt(run_id)
        return found[0] if found else None

    def end_run(
        self, run_id: int, status: RunStatus, *, ended: datetime, live: LivePosition | None = None
    ) -> None:
        """Mark the run completed, aborted or interrupted, and commit (unless it was taken over).

        Args:
            run_id: The run.
            status: How it ended.
            ended: When.
            live: Where it was, for an interrupted run: the next start goes on from there by the
                clock when the interruption was recent.
        """

        def finish(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE runs SET status = ?, ended = ?, heartbeat = ?, live_json = ?"
                f" WHERE id = ? AND {_OWNED}",
                (
                    status.value,
                    time_text(ended),
                    time_text(ended),
                    live.to_json() if live else None,
                    run_id,
                    self.owner,
                ),
            )

        self._write(finish, lambda: self._mirror(run_id, lambda s: s.end_run(run_id, status, ended=ended)))
        with self._lock:
            if self._state.write_failed:
                self._save_end_late(run_id)

    def _save_end_late(self, run_id: int) -> None:
        """After a failed write, try once more to save a run's end (and its phases held in memory).

        The file then agrees with what was done, if the disk has room again, and the run is not
        offered for resume next time. If it still cannot be written, nothing changes: the run stays
        in memory, for the export the app offers (``hiptimer history --import`` reads it back).
        """
        from hiptimer.history.importer import imported_from, write_own_run

        records = [r for r in self._state.shadow.records() if r.run.run_id == run_id]
        if not records:
            return
        conn: sqlite3.Connection | None = None
        try:
            conn = open_database(self.path, clock=self._clock, verify=False)[0]
            conn.execute("BEGIN IMMEDIATE")
            try:
                write_own_run(conn, run_id, imported_from(records[0]))
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except (sqlite3.Error, OSError, UnusableError):
            return
        finally:
            close_quietly(conn)

    def mark_interrupted(self, run_id: int, *, ended: datetime) -> None:
        """End the run as interrupted: for SIGTERM and SIGHUP, before the process exits."""
        self.end_run(run_id, RunStatus.INTERRUPTED, ended=ended)

    def reopen_run(self, run_id: int) -> None:
        """Mark an interrupted run as running again, held by this process (it is being resumed)."""
        now = self._clock()

        def reopen(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE runs SET status = 'running', ended = NULL, pid = ?, heartbeat = ?, owner = ?"
                " WHERE id = ?",
                (os.getpid(), time_text(now), self.owner, run_id),
            )

        self._write(reopen, lambda: self._adopt(run_id))

    def _adopt(self, run_id: int) -> None:
        """Hold a run read from the file in memory too, running (resumed or taken over)."""
        with self._lock:
            shadow = self._state.shadow
            readable = not self._state.fallback or self._state.read_only is not None
            if not shadow.holds(run_id) and readable:
                record = self._query(lambda conn: self._record(conn, run_id), lambda memory: None)
                plan = self.stored_plan(run_id)
                if record is not None and plan is not None:
                    shadow.adopt(
                        run_id,
                        plan,
                        definition_hash=record.definition_hash,
                        started=record.run.started,
                        phases=record.phases,
                    )
            if shadow.holds(run_id):
                shadow.reopen_run(run_id)

    # -- more than the protocol ------------------------------------------------------------------

    def import_runs(self, runs: Sequence[ImportedRun]) -> ImportResult:
        """Add runs read from an export, in one transaction (see :mod:`hiptimer.history.importer`).

        Raises:
            UnusableError: The history cannot be written now; the message says why.
        """
        from hiptimer.history.importer import write_runs

        with self._lock:
            self._ready()
            if self._state.fallback or self._state.conn is None:
                raise UnusableError(self.notice or f"{self.path} cannot be written")
            try:
                with self._tx() as conn:
                    done = write_runs(conn, runs)
            except (sqlite3.Error, OSError) as exc:
                raise UnusableError(f"writing {self.path} failed ({describe_error(exc)})") from exc
            return done

    # -- for importers (see hiptimer.history.watch) --------------------------------------------------

    def write_file(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` in one committed transaction on the history file itself.

        For writes that must land in the file or not at all (an import): nothing is kept in memory.

        Raises:
            HistoryNotWritableError: The file cannot be written (read-only, full, damaged); ``work``
                made no change.
        """
        with self._lock:
            self._ready()
            if self._state.fallback or self._state.conn is None:
                raise HistoryNotWritableError(self.notice or f"{self.path} cannot be written")
            try:
                with self._tx() as conn:
                    return work(conn)
            except sqlite3.IntegrityError:
                raise
            except (sqlite3.Error, OSError) as exc:
                raise HistoryNotWritableError(f"writing {self.path} failed ({describe_error(exc)})") from exc

    # -- internals --------------------------------------------------------------------------------

    def _taken(self, conn: sqlite3.Connection, run_id: int) -> bool:
        """Whether another store drives ``run_id`` now."""
        row = conn.execute("SELECT owner FROM runs WHERE id = ?", (run_id,)).fetchone()
        return row is not None and row[0] is not None and row[0] != self.owner

    def _owns(self, conn: sqlite3.Connection, run_id: int) -> bool:
        return not self._taken(conn, run_id)

    def _mirror(self, run_id: int, change: Callable[[FallbackStore], None]) -> None:
        if self._state.shadow.holds(run_id):
            change(self._state.shadow)
