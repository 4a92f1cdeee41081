"""The two shapes of a session agree: the schema that checks a file, and the plain session read after.

A session file is checked by pydantic (``hiptimer.core.schema``) and then becomes frozen
dataclasses (``hiptimer.core.model``) that the rest of hiptimer reads without pydantic. The two
are written side by side, so these tests keep them from drifting apart: the same classes, fields
and defaults, the same data out, and the history's fingerprint of a session unchanged.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from hiptimer.catalog.sessions import load_file
from hiptimer.cli import main
from hiptimer.core import model, schema
from hiptimer.core.schema import validate_session
from hiptimer.history.records import definition_hash

ROOT = Path(__file__).resolve().parent.parent
BUILTINS = sorted((ROOT / "sessions").glob("*.toml"))

TABLES = [
    "Schedule",
    "Cues",
    "Progression",
    "HoldStep",
    "RepsStep",
    "WorkStep",
    "RestStep",
    "OpenStep",
    "RepeatStep",
    "Session",
]
"""Every table of a session file, by the name both modules give it."""

EVERY_STEP = """
id = "every-step"
name = "Every step"
description = "One of each kind of step.\\nTwo lines."
get_ready = 3

[schedule]
when = "non-running-days"
per_week = 2

[cues]
countdown = 5
halfway = false
voice = "tones"

[progression.rounds]
start = 2
goal = 4

[progression.hold]
start = 20
step = 5
goal = 40.5

[[steps]]
type = "hold"
name = "Kneeling hip-flexor"
progression = "hold"
sets = 3
sides = "each"
rest_between_sets = 10
switch_seconds = 4

[[steps]]
type = "reps"
name = "Squats"
reps = 10
pace = 2
effort = "easy"

[[steps]]
type = "reps"
name = "Lunges"
reps = 8
sides = "alternate"

[[steps]]
type = "rest"
seconds = 30

[[steps]]
type = "repeat"
name = "Hills"
progression = "rounds"
rest_between = 60

[[steps.steps]]
type = "work"
name = "Sprint"
cue = "go"
seconds = 10
min_seconds = 5

[[steps.steps]]
type = "open"
name = "Walk down"
estimate_seconds = 45

[[steps.steps]]
type = "repeat"
times = 2

[[steps.steps.steps]]
type = "hold"
name = "Plank"
seconds = 20.5
instructions = "Straight.\\tLine."
"""
"""Every kind of step, nested blocks, every table, whole numbers where fractions may be given."""


def _defaults_of_table(table: type[BaseModel]) -> dict[str, tuple[bool, Any]]:
    """Each field: whether it is required, and its default (of its own type: 5 is not 5.0)."""
    out: dict[str, tuple[bool, Any]] = {}
    for name, info in table.model_fields.items():
        default = None if info.is_required() else _plain_value(info.get_default(call_default_factory=True))
        out[name] = (info.is_required(), (type(default), default))
    return out


def _defaults_of_class(cls: type[Any]) -> dict[str, tuple[bool, Any]]:
    out: dict[str, tuple[bool, Any]] = {}
    for f in fields(cls):
        required = f.default is MISSING and f.default_factory is MISSING
        if required:
            default = None
        elif f.default is not MISSING:
            default = f.default
        else:
            default = f.default_factory()  # type: ignore[operator]
        out[f.name] = (required, (type(default), default))
    return out


def _plain_value(value: Any) -> Any:
    """A table's default as the plain value it becomes (``Schedule()`` -> the plain Schedule)."""
    return schema._plain(value) if isinstance(value, BaseModel) else value


@pytest.mark.parametrize("name", TABLES)
def test_each_table_and_its_plain_class_have_the_same_fields_and_defaults(name: str) -> None:
    table = getattr(schema, name)
    plain = getattr(model, name)
    assert _defaults_of_class(plain) == _defaults_of_table(table)


def test_every_table_of_the_schema_has_a_plain_class() -> None:
    tables = {
        name
        for name, value in vars(schema).items()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == schema.__name__
        and not name.startswith("_")
    }
    assert tables == set(TABLES)


@pytest.mark.parametrize("path", BUILTINS, ids=[p.stem for p in BUILTINS])
def test_a_built_in_gives_the_same_data_as_the_schema_dumps(path: Path) -> None:
    data = {"id": path.stem, **tomllib.loads(path.read_text(encoding="utf-8"))}
    checked = schema.Session.model_validate(data)
    session = validate_session(data)
    assert isinstance(session, model.Session)
    assert _json(model.session_data(session)) == _json(checked.model_dump(mode="json"))


def test_every_kind_of_step_gives_the_same_data_as_the_schema_dumps() -> None:
    data = tomllib.loads(EVERY_STEP)
    session = validate_session(data)
    assert _json(model.session_data(session)) == _json(
        schema.Session.model_validate(data).model_dump(mode="json")
    )
    assert session == schema.plain(schema.Session.model_validate(data))


@pytest.mark.parametrize(
    ("text", "fingerprint"),
    [
        (EVERY_STEP, "ac5b41e7255a6005"),
        ((ROOT / "sessions" / "hill-sprints.toml").read_text(encoding="utf-8"), "fdbe1414ba2e971d"),
    ],
    ids=["every-step", "hill-sprints"],
)
def test_the_history_fingerprints_a_session_as_it_did_when_sessions_were_pydantic_objects(
    text: str, fingerprint: str
) -> None:
    """Existing histories keep matching their sessions: the values were taken from the code
    that fingerprinted the pydantic objects themselves."""
    data = {"id": "hill-sprints", **tomllib.loads(text)}
    assert definition_hash(validate_session(data)) == fingerprint


def test_a_session_from_the_cache_is_the_plain_session(tmp_path: Path) -> None:
    path = tmp_path / "every-step.toml"
    path.write_text(EVERY_STEP, encoding="utf-8")
    first, second = load_file(path), load_file(path)  # checked, then from the cache
    assert isinstance(second.session, model.Session)
    assert second.session == first.session == validate_session(tomllib.loads(EVERY_STEP))


def test_the_schema_command_prints_the_same_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """Editors read this schema: it is unchanged by the plain session classes. A deliberate change
    of the file format updates the copy (``hiptimer schema > tests/golden/session-schema.json``)."""
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == (ROOT / "tests" / "golden" / "session-schema.json").read_text()


def _json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))
