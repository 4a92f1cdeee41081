"""Opening the history file: create, check, migrate, and move a bad file aside.

A file that is not SQLite, is damaged (``PRAGMA quick_check`` fails, or SQLite reports corruption
while opening it) or was written by a newer hiptimer (a higher ``user_version``) is renamed to
``history.sqlite3.damaged-20240501T073000`` or ``.newer-...`` together with its ``-wal`` and
``-shm`` files (never deleted), and a fresh file is started; the runs of a damaged file that
still read are copied into the fresh one first (:mod:`hiptimer.history.salvage`). A folder or file
that cannot be written raises :class:`UnusableError` with the reason in the user's words; such a
file can still be read with :func:`open_read_only`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from hiptimer.history.layout import SCHEMA_VERSION, migrate
from hiptimer.history.private import create_private_file, make_private_folder

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing on the history command's path
if TYPE_CHECKING:  # shutil and tempfile only for a read-only copy: every start would load them
    import tempfile

__all__ = [
    "ReadOnlyHistory",
    "UnusableError",
    "close_quietly",
    "damaged_notice",
    "describe_error",
    "is_damage",
    "move_aside",
    "open_database",
    "open_read_only",
    "pages_problem",
    "replace_damaged",
]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_DAMAGED_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_NOT_SQLITE = "it is not an SQLite database"


class UnusableError(Exception):
    """The history file cannot be used at all; the message says why, in the user's words."""


def open_database(
    path: Path, *, clock: Callable[[], datetime], verify: bool = True
) -> tuple[sqlite3.Connection, str | None]:
    """Open ``path`` ready for use: WAL, ``synchronous=FULL``, foreign keys on, schema current.

    Args:
        path: The database file; it and its folder are created if missing.
        clock: The wall clock, for the names of moved-aside files.
        verify: Run ``PRAGMA quick_check`` on an existing file.

    Returns:
        The connection (autocommit mode, usable from any one thread at a time) and a notice saying
        where a bad file was moved, if one was.

    Raises:
        UnusableError: The folder or file cannot be written, or a bad file cannot be moved aside.
    """
    try:
        make_private_folder(path.parent)
    except OSError as exc:
        raise UnusableError(
            f"cannot create the history folder {path.parent} ({describe_error(exc)})"
        ) from exc
    for where in (path.parent, path):
        if where.exists() and not os.access(where, os.W_OK):
            raise UnusableError(f"{where} is read-only")
    notice: str | None = None
    for attempt in range(2):
        conn: sqlite3.Connection | None = None
        try:
            problem = _not_sqlite(path)
            if problem is None:
                create_private_file(path)  # before SQLite makes it: its -wal and -shm follow its mode
                conn = _connect(path)
                problem = _prepare(conn, verify=verify)
            if problem is None and conn is not None:
                return conn, notice
        except sqlite3.DatabaseError as exc:
            close_quietly(conn)
            if not is_damage(exc):
                raise UnusableError(f"cannot use {path} ({_why_not(exc, path.parent)})") from exc
            problem = ("damaged", f"it is damaged ({exc})")
        except BaseException:
            close_quietly(conn)
            raise
        close_quietly(conn)
        if attempt == 1 or problem is None:
            break
        kind, reason = problem
        if kind == "damaged" and reason != _NOT_SQLITE:
            moved, kept = replace_damaged(path, clock())
            notice = damaged_notice(path, reason, moved, kept)
        else:
            moved = move_aside(path, kind, clock())
            notice = (
                f"The history file {path} could not be used: {reason}. "
                f"It was moved to {moved}; a new history starts."
            )
    raise UnusableError(f"cannot open {path} even after moving the old file aside")


class ReadOnlyHistory:
    """A history file opened for reading only, and the scratch copy it may be read from.

    Attributes:
        conn: The connection (autocommit mode, usable from any one thread at a time).
        scratch: The temporary folder holding a copy of the file, if it is read from a copy.
    """

    def __init__(self, conn: sqlite3.Connection, scratch: tempfile.TemporaryDirectory[str] | None) -> None:
        self.conn = conn
        self.scratch = scratch

    def close(self) -> None:
        """Close the connection and remove the scratch copy."""
        close_quietly(self.conn)
        if self.scratch is not None:
            with contextlib.suppress(OSError):
                self.scratch.cleanup()


def open_read_only(path: Path, *, verify: bool = True) -> ReadOnlyHistory | None:
    """Open an existing history file that cannot be written, to read the runs in it.

    Nothing is written next to it. A file in WAL mode needs its ``-shm`` and ``-wal`` to be read in
    place; without them it is opened as immutable (a cleanly closed file has no ``-wal``), or, if
    a ``-wal`` holds runs not yet in the file, read from a temporary copy of both. An older
    schema is read from a temporary copy brought up to date; the file itself is never changed.

    Args:
        path: The history file.
        verify: Run ``PRAGMA quick_check``.

    Returns:
        The opened history, or None when there is no history in the file to read.

    Raises:
        UnusableError: The file cannot be read; the message says why, in the user's words.
    """
    problem = _not_sqlite(path)
    if problem is not None:
        raise UnusableError(problem[1])
    if not path.is_file() or path.stat().st_size == 0:
        return None
    history: ReadOnlyHistory | None = None
    try:
        history = _open_in_place(path)
        version = int(history.conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise UnusableError(
                f"a newer hiptimer wrote it (schema {version}; this one reads up to {SCHEMA_VERSION})"
            )
        if version == 0:
            history.close()
            return None
        if version < SCHEMA_VERSION:
            history.close()
            history = _open_copy(path, upgrade=True)
        if verify:
            rows = [str(r[0]) for r in history.conn.execute("PRAGMA quick_check").fetchall()]
            if rows != ["ok"]:
                raise UnusableError(f"it is damaged ({'; '.join(rows[:3])})")
        return history
    except sqlite3.DatabaseError as exc:
        if history is not None:
            history.close()
        why = f"it is damaged ({exc})" if is_damage(exc) else describe_error(exc)
        raise UnusableError(why) from exc
    except BaseException:
        if history is not None:
            history.close()
        raise


def _open_in_place(path: Path) -> ReadOnlyHistory:
    """Read ``path`` where it lies (``mode=ro``), else as immutable, else from a copy."""
    uri = path.resolve().as_uri()
    conn = _connect_uri(f"{uri}?mode=ro")
    try:
        # The first read opens the file (and, in WAL mode, its -shm and -wal).
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return ReadOnlyHistory(conn, None)
    except sqlite3.OperationalError:
        close_quietly(conn)
    if Path(f"{path}-wal").exists():
        # Runs may be in the -wal alone: immutable would not see them, a copy does.
        return _open_copy(path, upgrade=False)
    conn = _connect_uri(f"{uri}?immutable=1")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        close_quietly(conn)
        raise
    return ReadOnlyHistory(conn, None)


def _open_copy(path: Path, *, upgrade: bool) -> ReadOnlyHistory:
    """Copy ``path`` and its ``-wal`` to a temporary folder and open the copy there."""
    import shutil
    import tempfile

    try:
        scratch = tempfile.TemporaryDirectory(prefix="hiptimer-history-")
    except OSError as exc:
        raise UnusableError(f"it cannot be copied to read it ({describe_error(exc)})") from exc
    conn: sqlite3.Connection | None = None
    try:
        copy = Path(scratch.name) / path.name
        shutil.copyfile(path, copy)
        if Path(f"{path}-wal").exists():
            shutil.copyfile(f"{path}-wal", f"{copy}-wal")
        conn = _connect(copy)
        if upgrade:
            migrate(conn)
        else:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return ReadOnlyHistory(conn, scratch)
    except BaseException as exc:
        close_quietly(conn)
        with contextlib.suppress(OSError):
            scratch.cleanup()
        if isinstance(exc, OSError):
            raise UnusableError(f"it cannot be copied to read it ({describe_error(exc)})") from exc
        raise


def _connect_uri(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=5.0)
    conn.row_factory = sqlite3.Row
    return conn


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
    conn.row_factory = sqlite3.Row
    return conn


def _prepare(conn: sqlite3.Connection, *, verify: bool) -> tuple[str, str] | None:
    """Check and migrate; return (kind, reason) if the file must be moved aside."""
    # Read the version before anything writes to the file: a newer file is left exactly as it is.
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        return (
            "newer",
            f"a newer hiptimer wrote it (schema {version}; this one reads up to {SCHEMA_VERSION})",
        )
    # Reading the schema touches the first pages: cheap, and finds a file damaged at its start.
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if verify and version > 0:
        problem = pages_problem(conn)
        if problem is not None:
            return ("damaged", f"it is damaged ({problem})")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: the WAL is synced at every commit, so a saved phase survives a power cut too.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn)
    return None


def pages_problem(conn: sqlite3.Connection) -> str | None:
    """Check every page of the file (``PRAGMA quick_check``); what is wrong, or None if all is well.

    About 30 ms for a year of daily runs, 0.3 s for 10,000 runs (BENCHMARKS.md): the app runs it
    after its first frame (:meth:`~hiptimer.history.store.SqliteStore.check_pages`).
    """
    rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
    return None if rows == ["ok"] else "; ".join(rows[:3])


def damaged_notice(path: Path, reason: str, moved: Path, kept: int) -> str:
    """What to tell the user after a damaged history was replaced (see :func:`replace_damaged`)."""
    if kept:
        runs = "1 run" if kept == 1 else f"{kept} runs"
        return (
            f"The history file {path} could not be used: {reason}. The {runs} that still read "
            f"were kept in a new history file; the old file was moved to {moved}."
        )
    return (
        f"The history file {path} could not be used: {reason}. No run in it could be read. "
        f"It was moved to {moved}; a new history starts."
    )


def move_aside(path: Path, kind: str, now: datetime) -> Path:
    """Rename ``path`` (and its ``-wal``/``-shm``) to ``NAME.KIND-YYYYmmddTHHMMSS``; return the new path."""
    stamp = now.astimezone().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{kind}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{kind}-{stamp}-{n}")
    try:
        for suffix in ("-wal", "-shm"):
            extra = Path(f"{path}{suffix}")
            if extra.exists():
                extra.rename(f"{target}{suffix}")
        if path.exists():
            path.rename(target)
    except OSError as exc:
        raise UnusableError(
            f"{path} cannot be used and cannot be moved aside ({describe_error(exc)})"
        ) from exc
    return target


def _not_sqlite(path: Path) -> tuple[str, str] | None:
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UnusableError(f"cannot read {path} ({describe_error(exc)})") from exc
    if head and head != _SQLITE_MAGIC:
        return ("damaged", _NOT_SQLITE)
    return None


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is damaged or not a database at all."""
    name = str(getattr(exc, "sqlite_errorname", ""))
    return name.startswith(_DAMAGED_CODES) or type(exc) is sqlite3.DatabaseError


def _why_not(exc: BaseException, folder: Path) -> str:
    """:func:`describe_error`, but a full disk is named as such (SQLite may say "disk I/O error")."""
    try:
        full = os.statvfs(folder).f_bavail == 0
    except (OSError, AttributeError):  # no statvfs on Windows
        full = False
    return "the disk is full" if full else describe_error(exc)


def describe_error(exc: BaseException) -> str:
    """Why a file operation failed, in the user's words where we can tell."""
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the folder is read-only"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "the disk is full"
    name = str(getattr(exc, "sqlite_errorname", ""))
    if name.startswith("SQLITE_FULL"):
        return "the disk is full"
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return "the file or its folder is read-only"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def close_quietly(conn: sqlite3.Connection | None) -> None:
    """Close ``conn`` if there is one, ignoring errors."""
    if conn is not None:
        with contextlib.suppress(sqlite3.Error):
            conn.close()


def replace_damaged(path: Path, now: datetime) -> tuple[Path, int]:
    """Copy the runs of the damaged ``path`` that still read to a new file, move ``path`` aside.

    Args:
        path: The damaged history file.
        now: The time that names the moved file.

    Returns:
        Where the damaged file went, and how many runs the new file at ``path`` kept (0: no new
        file; the store starts one as for a first run).

    Raises:
        UnusableError: The damaged file cannot be moved aside.
    """
    from hiptimer.history.salvage import copy_readable_runs  # late: only a damaged file is salvaged

    fresh = path.with_name(f"{path.name}.recovering")
    for leftover in (fresh, Path(f"{fresh}-journal")):  # an earlier attempt that was cut short
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    try:
        kept = copy_readable_runs(path, fresh)
    except (sqlite3.Error, OSError):
        kept = 0
    moved = move_aside(path, "damaged", now)
    if kept:
        try:
            fresh.rename(path)
        except OSError:
            kept = 0
    if not kept:
        with contextlib.suppress(FileNotFoundError):
            fresh.unlink()
    return moved, kept
