"""Run history in SQLite: every finished phase is on disk the moment it ends.

:class:`SqliteStore` implements :class:`~hiptimer.core.ports.RunStore`. Its methods are synchronous
and each write is one committed transaction (WAL, ``synchronous=FULL``: a saved phase survives a
power cut, not only a crash); the app calls them from a worker thread so the event loop never
waits on the disk. One connection is shared under a lock, so any one thread may call at a time.

Nothing is opened at import time: the database is opened (created, checked, migrated) on first use,
or by :func:`open_store`, which the command line calls.

The store is built in parts, by job, each on the one before:

- :mod:`hiptimer.history.connection`: the connection, its lock and its transactions;
- :mod:`hiptimer.history.recovery`: runs left ``running`` by a process that is gone, and storage
  that cannot be used (a damaged file, a read-only or full folder);
- :mod:`hiptimer.history.reading`: reading runs, from the file, from memory, or both;
- :mod:`hiptimer.history.writing`: writing a run, one driver per run (taking a run over);
- this module: opening, closing, and :func:`open_store`.

Only reading
    ``open_store(..., reading=True)`` (the ``history``, ``list`` and ``show`` commands) never
    writes, moves or changes the file, whatever state it is in; runs left running by a process
    that is gone are shown as they will end, and :attr:`SqliteStore.unreadable` says why a file
    cannot be read.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from hiptimer.history.liveness import HEARTBEAT_SECONDS, OPEN_OWNERS, STALE_AFTER_SECONDS
from hiptimer.history.opening import UnusableError, is_damage, open_database, open_read_only, pages_problem
from hiptimer.history.records import (
    FallbackStore,
    HistorySource,
    RunRecord,
    SavedPhase,
    definition_hash,
    recent_runs,
)
from hiptimer.history.writing import HistoryNotWritableError, StoreWriting

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


class SqliteStore(StoreWriting):
    """A :class:`~hiptimer.core.ports.RunStore` on an SQLite file.

    Args:
        path: The database file (created with its folder on first use).
        clock: The wall clock, for heartbeats and the names of moved-aside files.
        verify: Run ``PRAGMA quick_check`` when opening; a failure moves the file aside.
    """

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
            OPEN_OWNERS.discard(self.owner)

    def check_pages(self) -> str | None:
        """Check every page of the file now (``PRAGMA quick_check``), for a store opened without
        ``verify``: the app opens its history so and checks it after its first frame.

        A damaged file is moved aside then, exactly as at opening: the runs that still read are
        kept in a new file, the old one is never deleted, and :attr:`notice` says so.

        Returns:
            :attr:`notice`: what to tell the user about the history file (None when all is well).
        """
        with self._lock:
            self._ready()
            conn = self._state.conn
            read_only = self._state.read_only is not None
            if conn is None or (self._state.fallback and not read_only):
                return self.notice
            try:
                problem = pages_problem(conn)
            except sqlite3.DatabaseError as exc:
                if not is_damage(exc):
                    raise
                problem = str(exc)
            if problem is not None and read_only:
                self._go_to_memory(f"reading {self.path} failed (it is damaged: {problem})")
            elif problem is not None:
                self._replace_damaged(sqlite3.DatabaseError(problem))
                self._ready()
            return self.notice

    def _ready(self) -> None:
        if self._state.opened:
            return
        self._state.opened = True
        if self._reading:
            self._open_for_reading()
            return
        OPEN_OWNERS.add(self.owner)
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


def open_store(
    path: Path | str | None = None, *, verify: bool = True, reading: bool = False
) -> tuple[SqliteStore, str | None]:
    """Open the history (``history.sqlite3`` in the data folder unless ``path`` is given).

    Damaged and newer files are moved aside; a folder that cannot be written makes the store keep
    results in memory. Never raises for a bad file or folder.

    Args:
        path: The history file.
        verify: Check every page now (``PRAGMA quick_check``). Its cost grows with the history,
            so the commands that only read the newest runs skip it, and the app does it after its
            first frame (:meth:`SqliteStore.check_pages`); damage in a page read before is still
            found, and the file moved aside then.
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
