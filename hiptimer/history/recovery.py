"""Recovery: runs left running by a process that is gone, and storage that cannot be used.

Runs left ``running``
    A run records the pid of the process running it and a heartbeat time. The app saves each
    phase as it ends and calls :meth:`~hiptimer.history.store.SqliteStore.touch_run` at least every
    :data:`HEARTBEAT_SECONDS` while a run is open (also while paused), so the heartbeat is never
    older than that while the process lives. When the store opens (and before it looks for a run
    to resume), a run still marked ``running`` becomes ``interrupted`` (or ``completed``, if only
    its end was lost after its last phase was saved) unless another live process holds it: its
    pid exists, is not this process, and its heartbeat is younger than
    :data:`STALE_AFTER_SECONDS` (the heartbeat guards against a pid reused by an unrelated
    program). We chose pids over lock files: nothing to create, hold or clean up after a crash.
    On Windows, where ``os.kill(pid, 0)`` cannot probe a process, the heartbeat alone decides.

Storage that cannot be used
    A file that is not SQLite or is damaged, or that a newer hiptimer wrote, is moved aside
    (``history.sqlite3.damaged-20240501T073000``, with its ``-wal`` and ``-shm``), never deleted;
    the runs of a damaged file that still read are copied into the new one first (see
    :mod:`hiptimer.history.salvage`), and :attr:`~hiptimer.history.store.SqliteStore.notice` says
    where the old file went and how many runs were kept. A data folder that is read-only or full
    (at open, or at any later write) makes the store keep results in memory instead (a
    :class:`~hiptimer.history.records.FallbackStore`), with a notice;
    :meth:`~hiptimer.history.store.SqliteStore.export_json` saves them elsewhere, and
    :meth:`~hiptimer.history.store.SqliteStore.import_runs` reads them back later. The history file
    is still read without writing to it: the views show the past runs and this process's runs
    together, newest first, and only the new runs are kept in memory (and exported). A run that
    ends after a failed write is saved whole if the file can be written again by then. See
    :mod:`hiptimer.history.opening`.
"""

from __future__ import annotations

import sqlite3

from hiptimer.history.connection import StoreConnection
from hiptimer.history.liveness import HEARTBEAT_SECONDS, STALE_AFTER_SECONDS, STALE_COLUMNS, stale_end
from hiptimer.history.opening import (
    UnusableError,
    close_quietly,
    damaged_notice,
    describe_error,
    is_damage,
    open_read_only,
    replace_damaged,
)

__all__ = ["HEARTBEAT_SECONDS", "STALE_AFTER_SECONDS", "StoreRecovery"]


class StoreRecovery(StoreConnection):
    """What the store does when things went wrong before or while it runs.

    It ends the runs left running by a process that is gone, keeps results in memory when the file
    cannot be written, and moves a damaged file aside.
    """

    # -- storage that cannot be used -------------------------------------------------------------

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

    # -- runs left running -----------------------------------------------------------------------

    def _stale_runs(self, conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
        """``(status, ended, id)`` of each run left running by a process that is gone.

        Such a run ends ``interrupted`` (and can be resumed), unless every phase was saved and only
        its end was lost: then it ended with its last phase, ``completed`` (or ``aborted``, if that
        phase was).
        """
        now = self._clock()
        rows = conn.execute(f"SELECT {STALE_COLUMNS} FROM runs WHERE status = 'running'").fetchall()
        stale = []
        for row in rows:
            run_id = int(row["id"])
            if self._state.shadow.holds(run_id):
                continue  # ours, and going on
            end = stale_end(row, now, mine=self.owner)
            if end is not None:
                stale.append((end[0].value, end[1], run_id))
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
            if isinstance(exc, sqlite3.DatabaseError) and is_damage(exc):
                # A file opened without its page check (the app checks after its first frame):
                # moved aside as a read that meets damage does, and the new file opened.
                self._replace_damaged(exc)
                self._ready()
                return
            self._stop_writing(f"writing {self.path} failed ({describe_error(exc)})")
