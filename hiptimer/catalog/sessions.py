"""Find and load session files, and say exactly what is wrong with a bad one.

Sessions come from three places, later ones replacing earlier ones with the same id:

1. the built-ins shipped with hiptimer (:func:`hiptimer.resources.builtin_sessions_dir`);
2. the user's sessions folder (:func:`hiptimer.locations.user_sessions_dir`);
3. files named explicitly (``hiptimer show ./mine.toml``).

Every failure, from unreadable bytes to a TOML syntax error to a schema error deep in a nested
repeat block, becomes a :class:`LoadError` that prints as ``path:line:col: field.path: message``,
pointing at the line that set the offending key (:mod:`hiptimer.catalog.validation` finds it). A
bad file never stops the others loading.

A file already checked comes from :mod:`hiptimer.catalog.cache` without pydantic or the schema
being loaded at all: only a new or changed file pays for the full check.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from hiptimer import locations, resources
from hiptimer.catalog import cache
from hiptimer.catalog.loaded import LoadedFile, LoadError, failed
from hiptimer.core.model import RepeatStep, Session, Step

__all__ = [
    "Catalog",
    "CatalogEntry",
    "LoadError",
    "LoadedFile",
    "SessionNotFoundError",
    "Source",
    "load_catalog",
    "load_file",
    "load_text",
]


class Source(StrEnum):
    """Where a session came from."""

    BUILTIN = "builtin"
    USER = "user"
    PATH = "path"


class CatalogEntry(NamedTuple):
    """A session that loaded, with where it came from.

    A named tuple, not a dataclass: it is made on every start, and a frozen dataclass costs a
    millisecond to define.
    """

    session: Session
    path: Path
    source: Source
    replaces: Path | None = None
    """The file of the session with the same id that this one replaces, if any."""

    @property
    def id(self) -> str:
        """The session's id."""
        return self.session.id


class SessionNotFoundError(LookupError):
    """``hiptimer show SESSION`` named no session that loads.

    Attributes:
        message: What was looked for and what exists.
        errors: Why the file (or the file with that id) did not load, when that is the reason.
    """

    def __init__(self, message: str, errors: Sequence[LoadError] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = tuple(errors)


class Catalog:
    """The sessions that loaded, and what went wrong with the files that did not.

    A plain class (made on every start: a frozen dataclass costs a millisecond to define).
    """

    __slots__ = ("entries", "errors")

    def __init__(self, entries: tuple[CatalogEntry, ...] = (), errors: tuple[LoadError, ...] = ()) -> None:
        self.entries = entries
        """The sessions that loaded, in the order to list them."""
        self.errors = errors
        """One problem per file that did not load."""

    def __repr__(self) -> str:
        return f"Catalog(entries={self.entries!r}, errors={self.errors!r})"

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def ids(self) -> tuple[str, ...]:
        """The ids of the sessions, in catalog order."""
        return tuple(e.id for e in self.entries)

    def get(self, session_id: str) -> CatalogEntry | None:
        """The session with this id, or None."""
        return next((e for e in self.entries if e.id == session_id), None)

    def find(self, ref: str) -> CatalogEntry:
        """A session by id, or by file path when ``ref`` ends in ``.toml`` or names a file.

        Raises:
            SessionNotFoundError: No such session, or its file does not load.
        """
        path = Path(ref).expanduser()
        if ref.endswith(".toml") or path.is_file():
            loaded = load_file(path)
            if loaded.session is None:
                raise SessionNotFoundError(f"{ref} is not a valid session file", loaded.errors)
            return CatalogEntry(loaded.session, path, Source.PATH, replaces=self._file_of(loaded.session.id))
        found = self.get(ref)
        if found is not None:
            return found
        broken = [e for e in self.errors if e.path.stem == ref]
        if broken:
            raise SessionNotFoundError(f"session {ref!r} did not load", broken)
        known = ", ".join(self.ids) or "none"
        raise SessionNotFoundError(f"no session {ref!r} (known: {known})")

    def _file_of(self, session_id: str) -> Path | None:
        found = self.get(session_id)
        return found.path if found else None


def load_catalog(
    paths: Iterable[Path] = (),
    *,
    builtin_dir: Path | None = None,
    user_dir: Path | None = None,
) -> Catalog:
    """Load the built-in sessions, the user's sessions and any explicit files.

    Args:
        paths: Extra session files; they replace sessions with the same id.
        builtin_dir: The built-ins' folder (default: the shipped ones).
        user_dir: The user's sessions folder (default: :func:`locations.user_sessions_dir`).

    Returns:
        Every session that loaded, built-ins first in file-name order, plus an error for each
        problem found. A folder that does not exist holds no sessions; that is not an error.
    """
    builtin_dir = resources.builtin_sessions_dir() if builtin_dir is None else builtin_dir
    user_dir = locations.user_sessions_dir() if user_dir is None else user_dir
    entries: dict[str, CatalogEntry] = {}
    errors: list[LoadError] = []
    for source, files in (
        (Source.BUILTIN, _session_files(builtin_dir, errors)),
        (Source.USER, _session_files(user_dir, errors)),
        (Source.PATH, list(paths)),
    ):
        seen_here: dict[str, Path] = {}
        for path in files:
            loaded = load_file(path)
            errors.extend(loaded.errors)
            if loaded.session is None:
                continue
            sid = loaded.session.id
            if sid in seen_here:
                line, col = loaded.id_position
                message = f"id {sid!r} is already used by {seen_here[sid]}; this file is skipped"
                errors.append(LoadError(path, line, col, "id", message))
                continue
            seen_here[sid] = path
            before = entries.get(sid)
            entries[sid] = CatalogEntry(loaded.session, path, source, before.path if before else None)
    return Catalog(tuple(entries.values()), tuple(errors))


def _session_files(folder: Path, errors: list[LoadError]) -> list[Path]:
    """The ``*.toml`` files in a folder, sorted by name; hidden files (editor locks) are skipped."""
    try:
        if not folder.exists():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix == ".toml" and not p.name.startswith("."))
    except OSError as exc:
        errors.append(LoadError(folder, 1, 1, "folder", f"cannot read the folder: {exc.strerror or exc}"))
        return []


def load_file(path: Path) -> LoadedFile:
    """Load and validate one session file; its id defaults to the file name without ``.toml``.

    A file with the very bytes of one that passed before is not validated again: its result comes
    from :mod:`hiptimer.catalog.cache`. Any change to the file validates it anew.

    Never raises for a bad file: the problems are in :attr:`LoadedFile.errors`.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return failed(path, LoadError(path, 1, 1, "file", "no such file"))
    except IsADirectoryError:
        return failed(path, LoadError(path, 1, 1, "file", "is a folder, not a session file"))
    except OSError as exc:
        return failed(path, LoadError(path, 1, 1, "file", f"cannot read it: {exc.strerror or exc}"))
    checked = cache.recall(raw, path.stem)
    if checked is not None:
        return LoadedFile(path, checked.session, (), checked.id_position)
    loaded = _validate_file(path, raw)
    if loaded.session is not None and not _uses_other_files(loaded.session.steps):
        cache.remember(raw, path.stem, cache.Checked(loaded.session, loaded.id_position))
    return loaded


def _uses_other_files(steps: Sequence[Step]) -> bool:
    """Whether a session's validity depends on files besides its own (a step's sound): then it
    is validated every time, since those files may change while the session file does not."""
    return any(
        step.sound is not None or (isinstance(step, RepeatStep) and _uses_other_files(step.steps))
        for step in steps
    )


def _validate_file(path: Path, raw: bytes) -> LoadedFile:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return failed(path, LoadError(path, line, col, "file", "not UTF-8 text (TOML files are UTF-8)"))
    return load_text(text, path, default_id=path.stem)


def load_text(text: str, path: Path, *, default_id: str | None = None) -> LoadedFile:
    """Parse and validate the text of a session file.

    Args:
        text: The TOML text.
        path: The file it came from, for messages.
        default_id: The id to use when the text sets none (normally the file name).
    """
    from hiptimer.catalog import validation  # pydantic and the schema: only a file not checked before

    return validation.load_text(text, path, default_id=default_id)
