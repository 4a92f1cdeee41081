"""The history file's one connection, its lock and its transactions.

The store's methods are synchronous and each write is one committed transaction (WAL,
``synchronous=FULL``: a saved phase survives a power cut, not only a crash); the app calls them
from a worker thread so the event loop never waits on the disk. One connection is shared under a
lock, so any one thread may call at a time.

:class:`StoreConnection` holds that state and the helpers every part of the store goes through:
:meth:`~StoreConnection._write` (one transaction, mirrored in memory) and
:meth:`~StoreConnection._query` (from the file, from memory, or both). The parts built on it, by
job: :mod:`hiptimer.history.recovery`, :mod:`hiptimer.history.reading`,
:mod:`hiptimer.history.writing`, put together in :class:`hiptimer.history.store.SqliteStore`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from hiptimer.core.outcomes import RunStatus
from hiptimer.history.opening import ReadOnlyHistory, describe_error, is_damage
from hiptimer.history.records import FallbackStore

__all__ = ["StoreConnection"]

T = TypeVar("T")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _State:
    """The store's state (a plain class: a dataclass costs a millisecond to define at each start)."""

    __slots__ = ("conn", "fallback", "next_id", "opened", "read_only", "shadow", "stale", "write_failed")

    def __init__(self) -> None:
        self.conn: sqlite3.Connection | None = None
        self.opened = False
        self.fallback = False
        self.shadow = FallbackStore()
        self.read_only: ReadOnlyHistory | None = None
        """The history file, opened for reading only (``conn`` is its connection then)."""
        self.write_failed = False
        """A write to the file failed while it was open for writing (a full disk, say)."""
        self.stale: dict[int, tuple[RunStatus, datetime]] | None = None
        """Runs in a file only read that were left running by a process that is gone: how they end."""
        self.next_id = 1
        """The id of the next run kept in memory while the file is read-only (past the file's ids)."""


class StoreConnection:
    """The connection to the history file, its lock and its state, and the transactions on it.

    The arguments are those of :class:`~hiptimer.history.store.SqliteStore`.
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
        # os.urandom is what secrets.token_hex reads; secrets (hmac, hashlib, random) costs a
        # reading command more than its query.
        self.owner = f"{os.getpid()}-{os.urandom(6).hex()}"
        """What this store writes on the runs it drives (another store takes a run over by this)."""

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

    # -- from the parts built on this ------------------------------------------------------------

    def _ready(self) -> None:
        """Open the database if it is not open yet (:class:`~hiptimer.history.store.SqliteStore`)."""
        raise NotImplementedError

    def _cannot_read(self, why: str) -> None:
        """Say why the file cannot be read (:mod:`hiptimer.history.recovery`)."""
        raise NotImplementedError

    def _stop_writing(self, why: str) -> None:
        """After a failed write, keep new results in memory (:mod:`hiptimer.history.recovery`)."""
        raise NotImplementedError

    def _go_to_memory(self, why: str) -> None:
        """Keep results in memory, the file no longer read (:mod:`hiptimer.history.recovery`)."""
        raise NotImplementedError

    def _replace_damaged(self, exc: sqlite3.DatabaseError) -> None:
        """Move a damaged file aside and start a new one (:mod:`hiptimer.history.recovery`)."""
        raise NotImplementedError
