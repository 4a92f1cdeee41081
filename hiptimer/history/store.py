"""Run history in SQLite: every finished phase is on disk the moment it ends.

:class:`SqliteStore` implements :class:`~hiptimer.core.ports.RunStore`. Its methods are synchronous
and each write is one committed transaction (WAL, ``synchronous=FULL``: a saved phase survives a
power cut, not only a crash); the app calls them from a worker thread so the event loop never
waits on the disk. One connection is shared under a lock, so any one thread may call at a time.

Nothing is opened at import time: the database is opened (created, checked, migrated) on first use,
or by :func:`open_store`, which the command line calls.

Runs left ``running``
    A run records the pid of the process running it and a heartbeat time. The app saves each
    phase as it ends and calls :meth:`SqliteStore.touch_run` at least every
    :data:`HEARTBEAT_SECONDS` while a run is open (also while paused), so the heartbeat is never
    older than that while the process lives. When the store opens (and before it looks for a run
    to resume), a run still marked ``running`` becomes ``interrupted`` (or ``completed``, if only
    its end was lost after its last phase was saved) unless another live process holds it: its
    pid exists, is not this process, and its heartbeat is younger than
    :data:`STALE_AFTER_SECONDS` (the heartbeat guards against a pid reused by an unrelated
    program). We chose pids over lock files: nothing to create, hold or clean up after a crash.
    On Windows, where ``os.kill(pid, 0)`` cannot probe a process, the heartbeat alone decides.

One driver per run
    Each store has an owner token (its pid and a random part, so two stores in one process differ
    too), written on the runs it starts or resumes. Browser tabs and terminals share one history,
    so a second app may find a session's run live elsewhere (:meth:`SqliteStore.running_elsewhere`)
    and take it over (:meth:`SqliteStore.take_over`): the owner changes in one transaction, and
    every later write of the old owner to that run (a phase, a heartbeat, its end) is left out, and
    tells it so. The heartbeat also carries where the run is on the wall clock (``live_json``), so
    that whoever picks it up next, after a take-over or an interruption, goes on by its clock.

Storage that cannot be used
    A file that is not SQLite or is damaged, or that a newer hiptimer wrote, is moved aside
    (``history.sqlite3.damaged-20240501T073000``, with its ``-wal`` and ``-shm``), never deleted;
    the runs of a damaged file that still read are copied into the new one first (see
    :mod:`hiptimer.history.salvage`), and :attr:`SqliteStore.notice` says where the old file went
    and how many runs were kept. A data folder that is read-only or full (at open, or at any
    later write) makes the store keep results in memory instead (a :class:`FallbackStore`), with
    a notice; :meth:`SqliteStore.export_json` saves them elsewhere, and
    :meth:`SqliteStore.import_runs` reads them back later. The history file is still read without
    writing to it: the views show the past runs and this process's runs together, newest first,
    and only the new runs are kept in memory (and exported). A run that ends after a failed write
    is saved whole if the file can be written again by then. See :mod:`hiptimer.history.opening`.

Only reading
    ``open_store(..., reading=True)`` (the ``history``, ``list`` and ``show`` commands) never
    writes, moves or changes the file, whatever state it is in; runs left running by a process
    that is gone are shown as they will end, and :attr:`SqliteStore.unreadable` says why a file
    cannot be read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from hiptimer.core.live import LivePosition
from hiptimer.core.plan import Plan
from hiptimer.core.ports import ResumePoint, SessionHistory, StoredRun
from hiptimer.core.results import Outcome, PhaseResult, RunStatus
from hiptimer.history.format import write_json
from hiptimer.history.opening import (
    ReadOnlyHistory,
    UnusableError,
    close_quietly,
    damaged_notice,
    describe_error,
    is_damage,
    open_database,
    open_read_only,
    replace_damaged,
)
from hiptimer.history.records import (
    FallbackStore,
    HistorySource,
    RunRecord,
    SavedPhase,
    definition_hash,
    recent_runs,
)
from hiptimer.history.schema import (
    PHASE_COLUMNS,
    RUN_COLUMNS,
    parse_time,
    plan_from_json,
    plan_to_json,
    record_from_row,
    saved_phase_from_row,
    stored_run_from_row,
    targets_from_json,
    time_text,
)

if TYPE_CHECKING:
    from hiptimer.history.importer import ImportedRun, ImportResult

__all__ = [
    "HEARTBEAT_SECONDS",
    "STALE_AFTER_SECONDS",
    "FallbackStore",
    "HistoryNotWritableError",
    "HistorySource",
    "RunRecord",
    "SavedPhase",
    "SqliteStore",
    "definition_hash",
    "open_store",
    "recent_runs",
]

HEARTBEAT_SECONDS = 15.0
"""The app touches an open run at least this often (see :meth:`SqliteStore.touch_run`)."""

STALE_AFTER_SECONDS = 120.0
"""A running run whose heartbeat is older than this is not held by anyone, whatever its pid."""


T = TypeVar("T")


class HistoryNotWritableError(Exception):
    """The history file cannot be written now; the message says why."""


_OWNED = "(owner IS NULL OR owner = ?)"
"""SQL: the run is this store's to write (runs from before owners were written have none)."""

_OPEN_OWNERS: set[object] = set()
"""The owners of the stores open in this process (another one's run is held while it is open)."""

_POINT_COLUMNS = "id, session_id, started, ended, phase_count, targets_json, live_json, definition_hash"
"""The run columns a :class:`~hiptimer.core.ports.ResumePoint` is made of."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _State:
    conn: sqlite3.Connection | None = None
    opened: bool = False
    fallback: bool = False
    shadow: FallbackStore = field(default_factory=FallbackStore)
    read_only: ReadOnlyHistory | None = None
    """The history file, opened for reading only (``conn`` is its connection then)."""
    write_failed: bool = False
    """A write to the file failed while it was open for writing (a full disk, say)."""
    stale: dict[int, tuple[RunStatus, datetime]] | None = None
    """Runs in a file only read that were left running by a process that is gone: how they end."""
    next_id: int = 1
    """The id of the next run kept in memory while the file is read-only (past the file's ids)."""


class SqliteStore:
    """A :class:`~hiptimer.core.ports.RunStore` on an SQLite file.

    Args:
        path: The database file (created with its folder on first use).
        clock: The wall clock, for heartbeats and the names of moved-aside files.
        verify: Run ``PRAGMA quick_check`` when opening; a failure moves the file aside.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Callable[[], datetime] = _utc_now,
        verify: bool = True,
        reading: bool = False,
    ) -> None:
        self.path = Path(path)
        self.notice: str | None = None
        """What the user should be told about the history file, if anything (shown once)."""
        self.unreadable: str | None = None
        """Why the runs in the file cannot be read, when they cannot (the file is damaged, say)."""
        self._reading = reading
        self._clock = clock
        self._verify = verify
        self._lock = threading.RLock()
        self._state = _State()
        self.owner = f"{os.getpid()}-{secrets.token_hex(6)}"
        """What this store writes on the runs it drives (another store takes a run over by this)."""

    # -- opening -------------------------------------------------------------------------------

    @property
    def in_memory(self) -> bool:
        """Whether new results are being kept in memory because the file cannot be written."""
        with self._lock:
            self._ready()
            return self._state.fallback

    def open(self) -> None:
        """Open (create, check, migrate) the database now rather than on first use."""
        with self._lock:
            self._ready()

    def close(self) -> None:
        """Close the database; the next call opens it again."""
        with self._lock:
            if self._state.read_only is not None:
                self._state.read_only.close()
            elif self._state.conn is not None:
                self._state.conn.close()
            self._state.read_only = None
            self._state.conn = None
            self._state.opened = False
            _OPEN_OWNERS.discard(self.owner)

    def _ready(self) -> None:
        if self._state.opened:
            return
        self._state.opened = True
        if self._reading:
            self._open_for_reading()
            return
        _OPEN_OWNERS.add(self.owner)
        try:
            self._state.conn, moved = open_database(self.path, clock=self._clock, verify=self._verify)
        except UnusableError as why:
            reason = str(why)
            self._read_only(
                reason, heading="History is read-only" if "read-only" in reason else "History cannot be saved"
            )
            return
        if moved:
            self.notice = f"{self.notice} {moved}" if self.notice else moved
        self._recover()

    def _open_for_reading(self) -> None:
        """Open the file without writing to it, moving it or ending its runs (reading commands)."""
        self._state.fallback = True
        try:
            history = open_read_only(self.path, verify=self._verify)
        except UnusableError as why:
            self._cannot_read(str(why))
            return
        if history is None:
            return
        self._state.read_only = history
        self._state.conn = history.conn
        self._state.next_id = sys.maxsize  # nothing is started in a store that only reads

    def _cannot_read(self, why: str) -> None:
        self.unreadable = f"the history file {self.path} cannot be read: {why}"
        self.notice = (
            f"The history file {self.path} cannot be read ({why}). It is left as it is; "
            "the app keeps the runs that still read when it starts."
        )

    def _stop_writing(self, why: str) -> None:
        """A write failed (the disk is full, say): keep new results in memory, read the file still.

        The runs already in the file stay in view, as with a read-only folder; what this process
        saves from now on is kept in memory (and can be exported, then imported).
        """
        if self._state.read_only is None:
            close_quietly(self._state.conn)
            self._state.conn = None
        self._state.write_failed = True
        self._read_only(why, heading="History cannot be saved")

    def _read_only(self, why: str, *, heading: str = "History is read-only") -> None:
        """Keep new results in memory; read the past runs from the file if it can be read."""
        try:
            history = open_read_only(self.path, verify=self._verify)
        except UnusableError as unreadable:
            self._go_to_memory(f"{why}, and the runs in it cannot be read: {unreadable}")
            return
        if history is None:
            self._go_to_memory(why)
            return
        try:
            last = history.conn.execute("SELECT max(id) FROM runs").fetchone()[0]
        except sqlite3.Error as exc:
            history.close()
            self._go_to_memory(f"{why}, and the runs in it cannot be read: {describe_error(exc)}")
            return
        self._state.fallback = True
        self._state.read_only = history
        self._state.conn = history.conn
        self._state.next_id = int(last or 0) + 1
        told = f"{self.notice} " if self.notice else ""
        self.notice = (
            f"{told}{heading}: {why}. Past runs are shown; new runs are kept in memory until hiptimer closes."
        )

    def _go_to_memory(self, why: str) -> None:
        self._state.fallback = True
        if self._state.read_only is not None:
            self._state.read_only.close()
            self._state.read_only = None
        close_quietly(self._state.conn)
        self._state.conn = None
        told = f"{self.notice} " if self.notice else ""
        self.notice = (
            f"{told}History cannot be saved: {why}. This session's results are kept in memory "
            "until hiptimer closes."
        )

    # -- transactions ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = self._state.conn
        assert conn is not None
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _write(self, sql_part: Callable[[sqlite3.Connection], None], memory_part: Callable[[], None]) -> None:
        """Run ``sql_part`` in one transaction and mirror it in memory.

        If the disk fails (full, read-only, gone), the store keeps going in memory from here on.
        """
        with self._lock:
            self._ready()
            if not self._state.fallback:
                try:
                    with self._tx() as conn:
                        sql_part(conn)
                except sqlite3.IntegrityError:
                    raise
                except (sqlite3.Error, OSError) as exc:
                    self._stop_writing(f"writing {self.path} failed ({describe_error(exc)})")
            memory_part()

    def _query(
        self,
        read: Callable[[sqlite3.Connection], T],
        memory: Callable[[FallbackStore], T],
        merge: Callable[[T, T], T] | None = None,
    ) -> T:
        """``read`` from the file, or ``memory`` when results are kept in memory.

        While the file is read-only, the answer is ``merge(read, memory)`` (``read`` alone without
        ``merge``): the past runs are in the file, the new ones in memory.

        SQLite finds damage in a page only when it reads it (opening checks the whole file only
        with ``verify``): a read that meets damage moves the file aside and reads the new one.
        """
        with self._lock:
            for attempt in range(2):
                self._ready()
                conn = self._state.conn
                read_only = self._state.read_only is not None
                if (self._state.fallback and not read_only) or conn is None:
                    break
                try:
                    found = read(conn)
                except sqlite3.DatabaseError as exc:
                    if attempt == 1 or not is_damage(exc):
                        raise
                    if read_only:
                        told = self.notice
                        self._go_to_memory(f"reading {self.path} failed (it is damaged: {exc})")
                        if self._reading:
                            self.notice = told
                            self._cannot_read(f"it is damaged ({exc})")
                        break
                    self._replace_damaged(exc)
                    continue
                return merge(found, memory(self._state.shadow)) if read_only and merge else found
            return memory(self._state.shadow)

    def _replace_damaged(self, exc: sqlite3.DatabaseError) -> None:
        close_quietly(self._state.conn)
        self._state.conn = None
        try:
            moved, kept = replace_damaged(self.path, self._clock())
        except UnusableError as why:
            self._go_to_memory(str(why))
            return
        self._state.opened = False
        told = f"{self.notice} " if self.notice else ""
        self.notice = told + damaged_notice(self.path, f"it is damaged ({exc})", moved, kept)

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
                f"INSERT OR REPLACE INTO phases ({PHASE_COLUMNS}) VALUES ({', '.join('?' * 20)})",
                (
                    run_id,
                    result.index,
                    result.label,
                    result.kind.value,
                    result.side.value if result.side else None,
                    result.set_index,
                    result.set_count,
                    result.round_index,
                    result.round_count,
                    result.planned_seconds,
                    result.actual_seconds,
                    result.paused_seconds,
                    result.reps_target,
                    result.reps_done,
                    result.outcome.value,
                    result.started_at,
                    result.ended_at,
                    result.progression,
                    time_text(started),
                    time_text(ended),
                ),
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
                if _held_elsewhere(row["pid"], beat, now, owner=row["owner"], mine=self.owner):
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

    def export_json(self, path: Path | str) -> int:
        """Write the runs this process holds in memory (its own runs) to ``path``; return how many."""
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

    def _taken(self, conn: sqlite3.Connection, run_id: int) -> bool:
        """Whether another store drives ``run_id`` now."""
        row = conn.execute("SELECT owner FROM runs WHERE id = ?", (run_id,)).fetchone()
        return row is not None and row[0] is not None and row[0] != self.owner

    def _owns(self, conn: sqlite3.Connection, run_id: int) -> bool:
        return not self._taken(conn, run_id)

    def _window(self, limit: int | None, offset: int) -> tuple[int | None, int]:
        """The runs to read for a page: while the file is read-only, each half's newest up to its end."""
        if self._state.read_only is None:
            return limit, offset
        return (None if limit is None else offset + limit), 0

    def _mirror(self, run_id: int, change: Callable[[FallbackStore], None]) -> None:
        if self._state.shadow.holds(run_id):
            change(self._state.shadow)

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
        clauses: list[str] = []
        args: list[Any] = []
        if session_id is not None:
            clauses.append("session_id = ?")
            args.append(session_id)
        if since is not None:
            clauses.append("started >= ?")
            args.append(time_text(since))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
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

    def _stale_runs(self, conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
        """``(status, ended, id)`` of each run left running by a process that is gone.

        Such a run ends ``interrupted`` (and can be resumed), unless every phase was saved and only
        its end was lost: then it ended with its last phase, ``completed`` (or ``aborted``, if that
        phase was).
        """
        now = self._clock()
        rows = conn.execute(
            "SELECT id, pid, owner, heartbeat, started, phase_count,"
            " (SELECT count(*) FROM phases WHERE run_id = runs.id) AS saved,"
            " (SELECT outcome FROM phases WHERE run_id = runs.id"
            "  ORDER BY phase_index DESC LIMIT 1) AS last"
            " FROM runs WHERE status = 'running'"
        ).fetchall()
        stale = []
        for row in rows:
            run_id = int(row["id"])
            if self._state.shadow.holds(run_id):
                continue  # ours, and going on
            beat = parse_time(row["heartbeat"] or row["started"])
            if _held_elsewhere(row["pid"], beat, now, owner=row["owner"], mine=self.owner):
                continue
            status = RunStatus.INTERRUPTED
            if row["saved"] >= row["phase_count"] > 0:
                status = RunStatus.ABORTED if row["last"] == "aborted" else RunStatus.COMPLETED
            stale.append((status.value, row["heartbeat"] or row["started"], run_id))
        return stale

    def _recover(self) -> None:
        """End the runs left running by a process that is gone (see :meth:`_stale_runs`)."""
        conn = self._state.conn
        if conn is None or self._state.read_only is not None:
            return  # a read-only file keeps its runs as they are (the views show them ended)
        try:
            stale = self._stale_runs(conn)
            if stale:
                with self._tx() as tx:
                    tx.executemany(
                        "UPDATE runs SET status = ?, ended = ? WHERE id = ? AND status = 'running'", stale
                    )
        except (sqlite3.Error, OSError) as exc:
            if isinstance(exc, sqlite3.IntegrityError):
                raise
            self._stop_writing(f"writing {self.path} failed ({describe_error(exc)})")

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
        return dataclasses.replace(run, status=ended[0], ended=ended[1])

    def _shown_record(self, conn: sqlite3.Connection, record: RunRecord) -> RunRecord:
        run = self._shown(conn, record.run)
        return record if run is record.run else dataclasses.replace(record, run=run)


def open_store(
    path: Path | str | None = None, *, verify: bool = True, reading: bool = False
) -> tuple[SqliteStore, str | None]:
    """Open the history (``history.sqlite3`` in the data folder unless ``path`` is given).

    Damaged and newer files are moved aside; a folder that cannot be written makes the store keep
    results in memory. Never raises for a bad file or folder.

    Args:
        path: The history file.
        verify: Check every page now (``PRAGMA quick_check``), as the app does when it starts. Its
            cost grows with the history, so the commands that only read the newest runs skip it;
            damage in a page they read is still found, and the file moved aside then.
        reading: Only read (``history``, ``list``, ``show``): the file is never written, moved or
            changed, whatever state it is in; :attr:`SqliteStore.unreadable` says why it could not
            be read, when it could not.

    Returns:
        The store, and what to tell the user about the history file (None when all is well).
    """
    if path is None:
        from hiptimer.locations import history_db_path

        path = history_db_path()
    store = SqliteStore(path, verify=verify, reading=reading)
    store.open()
    return store, store.notice


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


def _held_elsewhere(
    pid: object, heartbeat: datetime, now: datetime, *, owner: object = None, mine: str = ""
) -> bool:
    """Whether a live app other than this store holds a run with this pid, heartbeat and owner.

    Another store in this same process (two apps on one history, as in tests) holds it while its
    heartbeat is fresh.
    """
    if owner is not None and owner == mine:
        return False
    if (now - heartbeat).total_seconds() > STALE_AFTER_SECONDS:
        return False
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        return owner in _OPEN_OWNERS
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    except OSError:
        return False
    return True
