"""A session, as the rest of hiptimer reads it: plain frozen dataclasses.

A session file is checked once by the pydantic schema of :mod:`hiptimer.core.schema` (what a file
may say, its bounds and rules, the ``hiptimer schema`` JSON Schema); what passes is turned into
these classes (:func:`hiptimer.core.schema.validate_session`), and everything after that (the
plan, the engine, progression, the app, the history, the cache of checked files) uses them. They
carry the same fields with the same defaults as the schema's classes of the same names
(``tests/test_session_types.py`` checks it), but loading them costs no pydantic: a command that
takes its sessions from the cache starts without it.

Every class is frozen and built by keyword, as the schema's are; lists of the file are tuples
here, and a session's named progressions stay a dict.

This module is part of the pure core: it imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import Any, Literal

from hiptimer.core.choices import Effort, Sides, Voice

__all__ = [
    "SESSION_ID_PATTERN",
    "Cues",
    "Effort",
    "HoldStep",
    "OpenStep",
    "Progression",
    "RepeatStep",
    "RepsStep",
    "RestStep",
    "Schedule",
    "ScheduleWhen",
    "Session",
    "Sides",
    "Step",
    "Voice",
    "WorkStep",
    "session_data",
]

SESSION_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
"""Session ids are lower-case words joined by hyphens: they name files and history rows."""


class ScheduleWhen(StrEnum):
    """When a session is meant to be done."""

    BEFORE_RUN = "before-run"
    MID_RUN = "mid-run"
    NON_RUNNING_DAYS = "non-running-days"
    ANY = "any"


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """A hint for when the session is due."""

    when: ScheduleWhen = ScheduleWhen.ANY
    """Before a run, during one, on non-running days, or any time."""
    per_week: int | None = None
    """How many times a week it is meant to be done; none means no weekly target."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Cues:
    """Which audio cues a session gets. Every phase's cues are derived from these."""

    countdown: int = 3
    """Pips in the last seconds of a timed phase of 5 s or more (3 gives 3-2-1); 0 turns them off."""
    halfway: bool = True
    """A halfway cue on holds of 30 s or more."""
    pace: bool = True
    """A tick on every rep of a paced rep step."""
    voice: Voice = Voice.SPEECH
    """Speak each phase as it starts, or use tones only."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Progression:
    """A number that grows by ``step`` after each run completed in full, from ``start`` to ``goal``."""

    start: float
    """Today's value when the session has never been completed."""
    step: float = 1
    """How much it grows after a run completed in full at target."""
    goal: float
    """The value it stops growing at."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _StepBase:
    name: str
    """What the move is called, as shown in big letters."""
    cue: str | None = None
    """A short spoken label; defaults to the name."""
    instructions: str = ""
    """How to do it, in a sentence or two."""
    sound: str | None = None
    """A WAV file (in sounds/ or the user's sounds folder) played when the step starts."""
    progression: str | None = None
    """The name of a ``[progression.NAME]`` table that sets this step's number."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _SetsStep(_StepBase):
    effort: Effort | None = None
    """``"easy"`` or ``"hard"``: how the step is shown while it runs. Open steps (a walk back down)
    are easy unless they say otherwise; holds, reps and work are hard."""
    sets: int = 1
    """How many times in a row (per side, when the move is one-sided)."""
    rest_between_sets: float = 0
    """Seconds of rest between sets."""
    sides: Sides = Sides.NONE
    """Whether the move is done per leg, and in which order."""
    switch_seconds: float = 5
    """Seconds to change legs between the two sides."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldStep(_SetsStep):
    """Hold a position for a time."""

    type: Literal["hold"]
    seconds: float | None = None
    """How long to hold; may come from a progression instead."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RepsStep(_SetsStep):
    """Do a number of reps, counted by the runner or paced by the timer."""

    type: Literal["reps"]
    reps: int | None = None
    """How many reps per set; may come from a progression instead."""
    pace: float | None = None
    """Seconds per rep: the timer counts the reps; without it the runner counts them."""
    estimate_rep_seconds: float = 3
    """For counted reps, the seconds per rep assumed when estimating the session's length."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkStep(_SetsStep):
    """Work hard for a time (a sprint); *done* may end it early."""

    type: Literal["work"]
    seconds: float | None = None
    """The planned (longest) time; may come from a progression instead."""
    min_seconds: float | None = None
    """The short end of a range such as "5-10 s"; shown to the runner, never enforced."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RestStep(_StepBase):
    """Rest for a time."""

    type: Literal["rest"]
    name: str = "Rest"
    seconds: float | None = None
    """How long to rest; may come from a progression instead."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenStep(_SetsStep):
    """Lasts until the runner says *done* (walk back down the hill)."""

    type: Literal["open"]
    estimate_seconds: float = 60
    """The seconds assumed when estimating the session's length."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeatStep(_StepBase):
    """Repeat a block of steps a number of times (blocks may nest)."""

    type: Literal["repeat"]
    name: str = "Repeat"
    times: int | None = None
    """How many rounds; may come from a progression instead."""
    rest_between: float = 0
    """Seconds of rest between rounds (not after the last)."""
    steps: tuple[Step, ...]
    """The steps of one round."""


Step = HoldStep | RepsStep | WorkStep | RestStep | OpenStep | RepeatStep
"""One step of a session, told apart by its ``type``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Session:
    """A whole session file."""

    id: str
    """The session's id: defaults to the file name without ``.toml``."""
    name: str
    """The session's title."""
    description: str = ""
    """What the session is for."""
    get_ready: float = 5
    """Seconds of countdown before the first step."""
    schedule: Schedule = Schedule()
    """When the session is meant to be done."""
    cues: Cues = Cues()
    """Which cues play."""
    progression: dict[str, Progression] = field(default_factory=dict)
    """Numbers that grow over weeks, by name."""
    steps: tuple[Step, ...]
    """What to do, in order."""


def session_data(session: Session) -> dict[str, Any]:
    """The session as JSON data: every field, defaults included, under the file's key names.

    Exactly what the schema's ``model_dump(mode="json")`` gives for the same session (the history
    fingerprints a session by its ``json.dumps``): choices as their text, tuples as lists, and a
    number in a field that takes fractions as a float, even where a default is whole (``0``
    -> ``0.0``).
    """
    data = _data(session)
    assert isinstance(data, dict)
    return data


_FRACTIONS = frozenset({"float", "float | None"})
"""The annotations of fields that hold a fraction (this module's annotations are text)."""


def _data(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _in_field(f, _data(getattr(value, f.name))) for f in fields(value)}
    if isinstance(value, tuple):
        return [_data(item) for item in value]
    if isinstance(value, dict):
        return {key: _data(item) for key, item in value.items()}
    if isinstance(value, StrEnum):
        return value.value
    return value


def _in_field(where: Field[Any], value: object) -> object:
    """A whole number in a field that takes fractions is written as a float, as pydantic writes it."""
    if where.type in _FRACTIONS and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
