"""The full check of a session file's text, and exactly what is wrong with a bad one.

Every failure, from a TOML syntax error to a schema error deep in a nested repeat block, becomes
a :class:`~hiptimer.catalog.loaded.LoadError` that prints as ``path:line:col: field.path:
message``, pointing at the line that set the offending key.

Only a file not checked before comes here (:func:`hiptimer.catalog.sessions.load_file` asks the
cache first): this is the part of loading that needs pydantic and the schema.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from hiptimer.catalog.loaded import LoadedFile, LoadError, failed
from hiptimer.catalog.tomlpos import Key, Position, key_positions, position_of
from hiptimer.core import schema
from hiptimer.core.model import RepeatStep, Step
from hiptimer.core.plan import oversize

__all__ = ["load_text"]

_STEP_TYPES: dict[str, type[BaseModel]] = {
    get_args(cls.model_fields["type"].annotation)[0]: cls
    for cls in (
        schema.HoldStep,
        schema.RepsStep,
        schema.WorkStep,
        schema.RestStep,
        schema.OpenStep,
        schema.RepeatStep,
    )
}
"""Each step table's class by its ``type`` tag."""

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


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
        return failed(path, _syntax_error(path, text, exc))
    except RecursionError:
        return failed(path, LoadError(path, 1, 1, "toml", "nested too deeply"))
    positions = key_positions(text)
    id_given = "id" in data
    if not id_given and default_id is not None:
        data["id"] = default_id
    try:
        session = schema.plain(schema.Session.model_validate(data))
    except ValidationError as exc:
        errors = tuple(_schema_error(path, data, positions, err, id_given) for err in exc.errors())
        return failed(path, *errors)
    except RecursionError:
        return failed(path, LoadError(path, 1, 1, "steps", "repeat blocks nested too deeply"))
    found = oversize(session)  # the plan's size, counted at every goal before anything builds it
    if found is not None:
        line, col = position_of(positions, found.at)
        return failed(path, LoadError(path, line, col, _field_text(found.at), found.message))
    sound_errors = tuple(_sound_errors(path, session.steps, ("steps",), positions))
    if sound_errors:
        return failed(path, *sound_errors)
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
    model: type[BaseModel] | None = schema.Session
    node: Any = data
    parts = list(table)
    while parts and model is not None:
        part = parts.pop(0)
        node = node.get(part) if isinstance(node, dict) and isinstance(part, str) else None
        if part == "steps" or (part == "progression" and model is schema.Session):
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
                model = schema.Progression
            else:
                model = _STEP_TYPES.get(str(node.get("type"))) if isinstance(node, dict) else None
        else:
            field = model.model_fields.get(str(part))
            annotation = field.annotation if field else None
            is_table = isinstance(annotation, type) and issubclass(annotation, BaseModel)
            model = annotation if is_table else None  # type: ignore[assignment]
    return sorted(model.model_fields) if model is not None else []
