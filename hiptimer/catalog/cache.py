"""Session files already checked, kept by their content so an unchanged file is not checked again.

Checking a session file (parsing the TOML, building and running the schema's validators) costs
far more than the commands that read sessions do with them. The result of the whole check of a
file that passed is kept in the user cache dir (:func:`hiptimer.locations.cache_dir`), under a
key made of:

* the file's bytes and the id it gets from its name: an edit, however small, is a new key, so a
  changed file is always checked again;
* the hiptimer version and a fingerprint of the code that does the checking (every module of
  ``hiptimer.core``, the schema among them, and of ``hiptimer.catalog``), plus the Python and
  pydantic versions: a different schema or rule never reuses a result made by another.

This module knows nothing of what the check looks at: it keeps what :func:`remember` is given
and gives it back to :func:`recall` for the same bytes. A cache that is missing, damaged,
unreadable, made by another version or not writable is ignored (and rebuilt where it can be):
it never turns into an error, it only costs the time of checking again.

The entries are pickles of hiptimer's own plain session objects (the dataclasses of
:mod:`hiptimer.core.model`, never pydantic's: reading an entry loads no pydantic), written by
hiptimer into the user's own cache folder (a folder only the user may open, files only the user
may read); an entry that another user owns, or that others may write, is never read. Session
files themselves are data: they are parsed, never unpickled or run.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from importlib.machinery import PathFinder
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from hiptimer import __version__, locations
from hiptimer.core.model import Session

if TYPE_CHECKING:
    from hiptimer.catalog.tomlpos import Position

__all__ = ["CACHE_FORMAT", "KEEP_ENTRIES", "Checked", "cache_key", "code_fingerprint", "recall", "remember"]

CACHE_FORMAT = 2
"""The layout of an entry; raising it retires every entry made before (2: plain dataclasses)."""

KEEP_ENTRIES = 200
"""Entries kept; beyond that the ones read longest ago are removed (every edit makes a new one)."""

_FOLDER = "checked-sessions"
_SUFFIX = ".pickle"
_CHECKING_PACKAGES = ("core", "catalog")
"""The packages whose code decides whether a file passes and what it becomes."""


class Checked(NamedTuple):
    """What checking a file that passed gave: its session, and where the file sets its id.

    A named tuple (a frozen dataclass costs a millisecond to define on every start); the cache
    stores its two fields, not it.
    """

    session: Session
    id_position: Position


def code_fingerprint() -> str:
    """A hash of the code that checks session files, and of the versions it runs on.

    Any change to the schema or to a rule (a new bound, a new check) changes a source file of
    ``hiptimer.core`` or ``hiptimer.catalog``, and so this fingerprint.
    """
    if _fingerprint:
        return _fingerprint[0]
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{sys.version}\0{CACHE_FORMAT}\0".encode())
    digest.update(pydantic_version() + b"\0")
    root = Path(__file__).resolve().parent.parent
    for package in _CHECKING_PACKAGES:
        for source in sorted((root / package).glob("*.py")):
            digest.update(source.name.encode() + b"\0")
            try:
                digest.update(source.read_bytes())
            except OSError:
                digest.update(b"unreadable")
    _fingerprint.append(digest.hexdigest())
    return _fingerprint[0]


_fingerprint: list[str] = []


def pydantic_version() -> bytes:
    """The installed pydantic's version file (its ``VERSION``), read without importing pydantic.

    Importing pydantic only to read its version would cost a warm start most of what the cache
    saves. pydantic pins the exact pydantic-core it runs on, so its version names both.
    """
    spec = PathFinder.find_spec("pydantic")
    if spec is None or not spec.submodule_search_locations:
        return b"no pydantic"
    try:
        return (Path(next(iter(spec.submodule_search_locations))) / "version.py").read_bytes()
    except OSError:
        return b"unreadable"


def cache_key(content: bytes, default_id: str | None) -> str:
    """The key of a file's check: its bytes, the id its name gives it, and the checking code."""
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{code_fingerprint()}\0{default_id}\0".encode())
    digest.update(content)
    return digest.hexdigest()


def _entry(key: str) -> Path:
    return locations.cache_dir() / _FOLDER / (key + _SUFFIX)


def recall(content: bytes, default_id: str | None) -> Checked | None:
    """The result of an earlier check of these very bytes, or None (never checked, or unusable)."""
    key = cache_key(content, default_id)
    path = _entry(key)
    try:
        with path.open("rb") as entry:
            if not _private(os.fstat(entry.fileno())):
                return None
            data = entry.read()
    except OSError:  # not there, or not readable: check the file
        return None
    try:
        stored = pickle.loads(data)
    except Exception:  # damaged or from an incompatible build: unpickling can raise anything
        return None
    if not (
        isinstance(stored, tuple)
        and len(stored) == 3
        and stored[0] == key
        and isinstance(stored[1], Session)
        and _is_position(stored[2])
    ):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # read lately: kept when old entries are pruned
    return Checked(stored[1], stored[2])


def remember(content: bytes, default_id: str | None, checked: Checked) -> None:
    """Keep a file's check for the next time; silently does nothing where the cache cannot be written."""
    key = cache_key(content, default_id)
    path = _entry(key)
    try:
        data = pickle.dumps((key, checked.session, checked.id_position), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile  # only a new entry needs it, not a warm start

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)  # whole or not at all: a reader never sees half an entry
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(path.parent)
    except Exception:  # a cache that cannot be written only costs a check next time
        return


def _prune(folder: Path) -> None:
    entries = [p for p in folder.iterdir() if p.suffix == _SUFFIX]
    if len(entries) <= KEEP_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime)
    for old in entries[: len(entries) - KEEP_ENTRIES]:
        old.unlink(missing_ok=True)


def _private(stat: os.stat_result) -> bool:
    """Only an entry that this user wrote, and that nobody else may change, is read: an entry is
    a pickle, and loading one runs what it names (``HIPTIMER_CACHE_DIR`` might point anywhere)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # Windows: the user's own profile folder
        return True
    return stat.st_uid == getuid() and not stat.st_mode & 0o022


def _is_position(value: object) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value)
