"""Find and load session files, and say exactly what is wrong with a bad one.

Sessions come from three places, later ones replacing earlier ones with the same id:

1. the built-ins shipped with hiptimer (:func:`hiptimer.resources.builtin_sessions_dir`);
2. the user's sessions folder (:func:`hiptimer.locations.user_sessions_dir`);
3. files named explicitly (``hiptimer show ./mine.toml``).

Every failure, from unreadable bytes to a TOML syntax error to a schema error deep in a nested
repeat block, becomes a :class:`LoadError` that prints as ``path:line:col: field.path: message``,
pointing at the line that set the offending key. A bad file never stops the others loading.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from hiptimer import locations, resources
from hiptimer.catalog import cache
from hiptimer.catalog.tomlpos import Key, Position, key_positions, position_of
from hiptimer.core.model import (
    HoldStep,
    OpenStep,
    Progression,
    RepeatStep,
    RepsStep,
    RestStep,
    Session,
    Step,
    WorkStep,
)
from hiptimer.core.plan import oversize
from hiptimer.core.printable import escape

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

_STEP_TYPES: dict[str, type[BaseModel]] = {
    get_args(cls.model_fields["type"].annotation)[0]: cls
    for cls in (HoldStep, RepsStep, WorkStep, RestStep, OpenStep, RepeatStep)
}
"""Each step class by its ``type`` tag."""

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


class Source(StrEnum):
    """Where a session came from."""

    BUILTIN = "builtin"
    USER = "user"
    PATH = "path"


@dataclass(frozen=True, slots=True)
class LoadError:
    """One thing wrong with one session file.

    Attributes:
        path: The file.
        line: The line the problem is on, from 1.
        col: The column, from 1.
        field: The key's path in the file, such as ``steps[2].seconds`` (``toml`` for syntax
            errors, ``file`` when the file cannot be read).
        message: What is wrong, in words.
    """

    path: Path
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        """One line; whatever came from the file (a key, a value, even the file's name) is escaped,
        so an error message can neither break its line nor send the terminal a control sequence."""
        return escape(f"{self.path}:{self.line}:{self.col}: {self.field}: {self.message}")


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """The outcome of loading one file: a session, or the reasons there is none."""

    path: Path
    session: Session | None
    errors: tuple[LoadError, ...] = ()
    id_position: Position = (1, 1)
    """Where the file sets its id (line 1 when the id comes from the file name)."""


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """A session that loaded, with where it came from."""

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


@dataclass(frozen=True, slots=True)
class Catalog:
    """The sessions that loaded, and what went wrong with the files that did not."""

    entries: tuple[CatalogEntry, ...] = ()
    errors: tuple[LoadError, ...] = ()

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
        return _failed(path, LoadError(path, 1, 1, "file", "no such file"))
    except IsADirectoryError:
        return _failed(path, LoadError(path, 1, 1, "file", "is a folder, not a session file"))
    except OSError as exc:
        return _failed(path, LoadError(path, 1, 1, "file", f"cannot read it: {exc.strerror or exc}"))
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
        return _failed(path, LoadError(path, line, col, "file", "not UTF-8 text (TOML files are UTF-8)"))
    return load_text(text, path, default_id=path.stem)


def load_text(text: str, path: Path, *, default_id: str | None = None) -> LoadedFile:
    """Parse and validate the text of a session file.

    Args:
        text: The TOML text.
        path: The file it came from, for messages.
        default_id: The id to use when the text sets none (normally the file name).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return _failed(path, _syntax_error(path, text, exc))
    except RecursionError:
        return _failed(path, LoadError(path, 1, 1, "toml", "nested too deeply"))
    positions = key_positions(text)
    id_given = "id" in data
    if not id_given and default_id is not None:
        data["id"] = default_id
    try:
        session = Session.model_validate(data)
    except ValidationError as exc:
        errors = tuple(_schema_error(path, data, positions, err, id_given) for err in exc.errors())
        return _failed(path, *errors)
    except RecursionError:
        return _failed(path, LoadError(path, 1, 1, "steps", "repeat blocks nested too deeply"))
    found = oversize(session)  # the plan's size, counted at every goal before anything builds it
    if found is not None:
        line, col = position_of(positions, found.at)
        return _failed(path, LoadError(path, line, col, _field_text(found.at), found.message))
    sound_errors = tuple(_sound_errors(path, session.steps, ("steps",), positions))
    if sound_errors:
        return _failed(path, *sound_errors)
    return LoadedFile(path, session, (), position_of(positions, ("id",)) if id_given else (1, 1))


def _sound_errors(
    path: Path, steps: Sequence[Step], at: Key, positions: dict[Key, Position]
) -> Iterator[LoadError]:
    """A step's custom sound must be a valid WAV inside sounds/ or the user's sounds folder."""
    for i, step in enumerate(steps):
        if step.sound is not None:
            from hiptimer.audio.sounds import sound_problem  # only files that name a sound pay for it

            problem = sound_problem(step.sound)
            if problem is not None:
                loc = (*at, i, "sound")
                line, col = position_of(positions, loc)
                yield LoadError(path, line, col, _field_text(loc), problem)
        if isinstance(step, RepeatStep):
            yield from _sound_errors(path, step.steps, (*at, i, "steps"), positions)


def _failed(path: Path, *errors: LoadError) -> LoadedFile:
    return LoadedFile(path, None, errors)


def _syntax_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> LoadError:
    """tomllib before Python 3.14 gives the place only inside the message text."""
    message = str(exc.args[0]) if exc.args else str(exc)
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "colno", None)
    if (m := _TOML_POSITION.search(message)) is not None:
        line, col = int(m.group(1)), int(m.group(2))
        message = message[: m.start()]
    elif (m := _TOML_AT_END.search(message)) is not None:
        lines = text.split("\n")
        line, col = len(lines), len(lines[-1]) + 1
        message = message[: m.start()] + " at the end of the file"
    return LoadError(path, line or 1, col or 1, "toml", message or "not valid TOML")


# -- schema errors -----------------------------------------------------------------------------


def _schema_error(
    path: Path, data: dict[str, Any], positions: dict[Key, Position], err: Any, id_given: bool
) -> LoadError:
    raw_loc: tuple[str | int, ...] = tuple(err["loc"])
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    at = ctx.get("at", ())
    kind = err["type"]
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        at = ("type",)
    loc = _clean_loc((*raw_loc, *at), data)
    line, col = position_of(positions, loc)
    message = _message(kind, err, loc, data, id_given)
    return LoadError(path, line, col, _field_text(loc), message)


def _clean_loc(loc: Sequence[str | int], data: Any) -> Key:
    """Pydantic's error path as a path into the file.

    A discriminated union adds the step's ``type`` tag (``steps, 2, hold, seconds``) and a dict
    key error adds ``[key]``; neither is in the file, so both are dropped. The tag is only the
    part right after the list index: in ``steps, 0, reps, reps`` the second ``reps`` is the key.
    """
    out: list[str | int] = []
    node: Any = data
    after_index = False
    for part in loc:
        if after_index and isinstance(node, dict) and node.get("type") == part:
            after_index = False
            continue
        after_index = isinstance(part, int)
        if part == "[key]":
            continue
        out.append(part)
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(out)


def _field_text(loc: Key) -> str:
    """``("steps", 2, "seconds")`` -> ``steps[2].seconds``; the whole file is ``session``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "session"


def _message(kind: str, err: Any, loc: Key, data: Any, id_given: bool) -> str:
    value = err.get("input")
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return _unknown_key(loc, data)
    if kind == "union_tag_invalid":
        tag = value.get("type") if isinstance(value, dict) else None
        return f"unknown step type {tag!r}: use {_TYPES}"
    if kind == "union_tag_not_found":
        return f"every step needs a type: {_TYPES}"
    if kind == "string_pattern_mismatch":
        if loc == ("id",) and not id_given:
            return (
                f'the file has no id and its name {value!r} cannot be one: add id = "..." '
                "with lower-case letters, digits and hyphens"
            )
        return f"use lower-case letters, digits and hyphens, starting with a letter or digit (got {value!r})"
    if kind == "too_short" and loc and loc[-1] == "steps":
        return "needs at least one step"
    message = str(err["msg"])
    if kind.startswith(("model_", "dict_")) and isinstance(value, list | str | int | float | bool):
        return f"should be a table (got {_shown(value)})"
    if isinstance(value, str | int | float | bool) and "got" not in message:
        message += f" (got {_shown(value)})"
    return message


_TYPES = "hold, reps, work, rest, open or repeat"


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _unknown_key(loc: Key, data: Any) -> str:
    name = str(loc[-1]) if loc else "?"
    known = _known_keys(loc[:-1], data)
    if not known:
        return f"unknown key {name!r}"
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key {name!r} ({hint}allowed here: {', '.join(known)})"


def _known_keys(table: Key, data: Any) -> list[str]:
    """The keys the schema allows in the table at ``table``, or [] when that is unclear."""
    model: type[BaseModel] | None = Session
    node: Any = data
    parts = list(table)
    while parts and model is not None:
        part = parts.pop(0)
        node = node.get(part) if isinstance(node, dict) and isinstance(part, str) else None
        if part == "steps" or (part == "progression" and model is Session):
            # A list of steps or a table of named progressions: the next part picks one.
            if not parts:
                return []
            pick = parts.pop(0)
            if isinstance(node, list) and isinstance(pick, int) and 0 <= pick < len(node):
                node = node[pick]
            elif isinstance(node, dict) and isinstance(pick, str):
                node = node.get(pick)
            else:
                return []
            if part == "progression":
                model = Progression
            else:
                model = _STEP_TYPES.get(str(node.get("type"))) if isinstance(node, dict) else None
        else:
            field = model.model_fields.get(str(part))
            annotation = field.annotation if field else None
            is_table = isinstance(annotation, type) and issubclass(annotation, BaseModel)
            model = annotation if is_table else None  # type: ignore[assignment]
    return sorted(model.model_fields) if model is not None else []
