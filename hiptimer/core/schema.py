"""The schema of a session file: what a file may say, checked by pydantic.

A session file is TOML. Every table here forbids unknown keys, so a typo such as ``secnds`` is an
error that names the key instead of a setting that silently does nothing.

Ranges from training advice are written down the same way everywhere:

* a time range such as "sprint 5-10 s" is ``seconds = 10`` (the planned, longest time) with
  ``min_seconds = 5``; the timer runs the full 10 s and the runner may end it early with *done*;
* a count range that grows over weeks ("start with 4-5 reps, build up to 8-12") is a
  ``[progression.NAME]`` table with ``start``, ``step`` and ``goal``; a step that uses it names it
  with ``progression = "NAME"`` in place of its fixed number.

The classes here check a file and give ``hiptimer schema`` its JSON Schema; nothing else uses them.
:func:`validate_session` turns a file that passes into the plain session of
:mod:`hiptimer.core.model` (frozen dataclasses of the same names, fields and defaults), which the
rest of hiptimer reads, so that only a check pays for loading pydantic.

This module is part of the pure core: it imports pydantic and nothing from the edges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, model_validator
from pydantic_core import PydanticCustomError

from hiptimer.core import model
from hiptimer.core.choices import Effort, Sides, Voice
from hiptimer.core.model import SESSION_ID_PATTERN, ScheduleWhen
from hiptimer.core.printable import control_characters, escape

__all__ = [
    "Cues",
    "HoldStep",
    "OpenStep",
    "Progression",
    "RepeatStep",
    "RepsStep",
    "RestStep",
    "Schedule",
    "Session",
    "Step",
    "WorkStep",
    "plain",
    "validate_session",
]

# Numbers and switches are strict: TOML has real numbers and booleans, so ``seconds = "10"`` or
# ``halfway = "yes"`` is a mistake to report, not a string to convert. (Whole numbers are still
# accepted where a fraction may be given.)

Seconds = Annotated[float, Strict(), Field(gt=0, le=24 * 3600)]
"""A positive length of time in seconds (fractions allowed, at most a day)."""

Count = Annotated[int, Strict(), Field(ge=1, le=1000)]
"""A positive whole count (reps, sets, rounds)."""

Pause = Annotated[float, Strict(), Field(ge=0, le=3600)]
"""A rest or switch time in seconds; 0 means none."""

Flag = Annotated[bool, Strict()]
"""``true`` or ``false``."""


def _one_line(text: str) -> str:
    found = control_characters(text)
    if found:
        shown = ", ".join(escape(c) for c in found)
        raise PydanticCustomError(
            "control_character",
            "{message}",
            {
                "message": f"control characters are not allowed here ({shown}): "
                "write it on one line, as plain text"
            },
        )
    return text


def _paragraphs(text: str) -> str:
    found = control_characters(text, allowed="\n\t")
    if found:
        shown = ", ".join(escape(c) for c in found)
        raise PydanticCustomError(
            "control_character",
            "{message}",
            {"message": f"control characters are not allowed here ({shown}): only new lines and tabs are"},
        )
    return text


OneLine = AfterValidator(_one_line)
"""A name, cue or other one-line text: no control characters at all (no escape sequences, no
new lines), so nothing a file says can steer the terminal or break a table."""

Paragraphs = AfterValidator(_paragraphs)
"""Instructions and descriptions: new lines and tabs, but no other control characters."""

Amount = Annotated[float, Strict(), Field(gt=0, allow_inf_nan=False)]
"""A progression's number: finite and positive (its upper limit is that of the field it sets)."""


class _Strict(BaseModel):
    """Base of every table in a session file: unknown keys are errors; values are frozen."""

    # defer_build: the validators are built on the first validation, not at import (a command
    # whose files are all in the catalog's cache never imports this module at all).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Schedule(_Strict):
    """A hint for when the session is due."""

    when: ScheduleWhen = ScheduleWhen.ANY
    """Before a run, during one, on non-running days, or any time."""
    per_week: Annotated[int, Strict(), Field(ge=1, le=14)] | None = None
    """How many times a week it is meant to be done; none means no weekly target."""


class Cues(_Strict):
    """Which audio cues a session gets. Every phase's cues are derived from these."""

    countdown: Annotated[int, Strict(), Field(ge=0, le=10)] = 3
    """Pips in the last seconds of a timed phase of 5 s or more (3 gives 3-2-1); 0 turns them off."""
    halfway: Flag = True
    """A halfway cue on holds of 30 s or more."""
    pace: Flag = True
    """A tick on every rep of a paced rep step."""
    voice: Voice = Voice.SPEECH
    """Speak each phase as it starts, or use tones only."""


class Progression(_Strict):
    """A number that grows by ``step`` after each run completed in full, from ``start`` to ``goal``."""

    start: Amount
    """Today's value when the session has never been completed."""
    step: Amount = 1
    """How much it grows after a run completed in full at target."""
    goal: Amount
    """The value it stops growing at."""

    @model_validator(mode="after")
    def _goal_not_below_start(self) -> Self:
        if self.goal < self.start:
            raise _error("goal_below_start", f"goal ({self.goal:g}) is below start ({self.start:g})", "goal")
        return self


class _StepBase(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=60), OneLine]
    """What the move is called, as shown in big letters."""
    cue: Annotated[str, Field(min_length=1, max_length=80), OneLine] | None = None
    """A short spoken label; defaults to the name."""
    instructions: Annotated[str, Field(max_length=600), Paragraphs] = ""
    """How to do it, in a sentence or two."""
    sound: Annotated[str, Field(min_length=1, max_length=120), OneLine] | None = None
    """A WAV file (in sounds/ or the user's sounds folder) played when the step starts."""
    progression: Annotated[str, OneLine] | None = None
    """The name of a ``[progression.NAME]`` table that sets this step's number."""


class _SetsMixin(_Strict):
    effort: Annotated[
        Effort | None,
        Field(description='"easy" or "hard"; default: "easy" for open steps, "hard" for the others'),
    ] = None
    """``"easy"`` or ``"hard"``: how the step is shown while it runs. Open steps (a walk back down)
    are easy unless they say otherwise; holds, reps and work are hard."""
    sets: Count = 1
    """How many times in a row (per side, when the move is one-sided)."""
    rest_between_sets: Pause = 0
    """Seconds of rest between sets."""
    sides: Sides = Sides.NONE
    """Whether the move is done per leg, and in which order."""
    switch_seconds: Pause = 5
    """Seconds to change legs between the two sides."""


class HoldStep(_StepBase, _SetsMixin):
    """Hold a position for a time."""

    type: Literal["hold"]
    seconds: Seconds | None = None
    """How long to hold; may come from a progression instead."""

    @model_validator(mode="after")
    def _has_seconds(self) -> Self:
        _one_of(self.seconds, self.progression, "seconds")
        return self


class RepsStep(_StepBase, _SetsMixin):
    """Do a number of reps, counted by the runner or paced by the timer."""

    type: Literal["reps"]
    reps: Count | None = None
    """How many reps per set; may come from a progression instead."""
    pace: Annotated[float, Strict(), Field(gt=0, le=60)] | None = None
    """Seconds per rep: the timer counts the reps; without it the runner counts them."""
    estimate_rep_seconds: Annotated[float, Strict(), Field(gt=0, le=60)] = 3
    """For counted reps, the seconds per rep assumed when estimating the session's length."""

    @model_validator(mode="after")
    def _has_reps(self) -> Self:
        _one_of(self.reps, self.progression, "reps")
        return self


class WorkStep(_StepBase, _SetsMixin):
    """Work hard for a time (a sprint); *done* may end it early."""

    type: Literal["work"]
    seconds: Seconds | None = None
    """The planned (longest) time; may come from a progression instead."""
    min_seconds: Seconds | None = None
    """The short end of a range such as "5-10 s"; shown to the runner, never enforced."""

    @model_validator(mode="after")
    def _has_seconds(self) -> Self:
        _one_of(self.seconds, self.progression, "seconds")
        if self.min_seconds is not None and self.seconds is not None and self.min_seconds > self.seconds:
            raise _error(
                "range_reversed",
                f"min_seconds ({self.min_seconds:g}) is more than seconds ({self.seconds:g})",
                "min_seconds",
            )
        return self


class RestStep(_StepBase):
    """Rest for a time."""

    type: Literal["rest"]
    name: Annotated[str, Field(min_length=1, max_length=60), OneLine] = "Rest"
    seconds: Seconds | None = None
    """How long to rest; may come from a progression instead."""

    @model_validator(mode="after")
    def _has_seconds(self) -> Self:
        _one_of(self.seconds, self.progression, "seconds")
        return self


class OpenStep(_StepBase, _SetsMixin):
    """Lasts until the runner says *done* (walk back down the hill)."""

    type: Literal["open"]
    estimate_seconds: Seconds = 60
    """The seconds assumed when estimating the session's length."""


class RepeatStep(_StepBase):
    """Repeat a block of steps a number of times (blocks may nest)."""

    type: Literal["repeat"]
    name: Annotated[str, Field(min_length=1, max_length=60), OneLine] = "Repeat"
    times: Count | None = None
    """How many rounds; may come from a progression instead."""
    rest_between: Pause = 0
    """Seconds of rest between rounds (not after the last)."""
    steps: Annotated[list[Step], Field(min_length=1)]
    """The steps of one round."""

    @model_validator(mode="after")
    def _has_times(self) -> Self:
        _one_of(self.times, self.progression, "times")
        return self


Step = Annotated[
    HoldStep | RepsStep | WorkStep | RestStep | OpenStep | RepeatStep,
    Field(discriminator="type"),
]
"""One step of a session, told apart by its ``type`` key."""


def _error(kind: str, message: str, *at: str | int) -> PydanticCustomError:
    """A validation error about one key of the table being validated.

    Pydantic places a validator's error at the table itself; ``ctx["at"]`` carries the path of the
    key it is really about, relative to that table, so a loader can point at the right line.
    The message is passed through the context so that braces in it are never read as fields.
    """
    return PydanticCustomError(kind, "{message}", {"message": message, "at": at})


def _one_of(value: object, progression: str | None, field: str) -> None:
    if value is None and progression is None:
        raise _error("number_missing", f"give either {field} or progression (the name of a progression)")
    if value is not None and progression is not None:
        raise _error("number_twice", f"give either {field} or progression, not both", "progression")


class Session(_Strict):
    """A whole session file."""

    id: Annotated[str, Field(pattern=SESSION_ID_PATTERN, max_length=60)]
    """The session's id: defaults to the file name without ``.toml``."""
    name: Annotated[str, Field(min_length=1, max_length=80), OneLine]
    """The session's title."""
    description: Annotated[str, Field(max_length=1000), Paragraphs] = ""
    """What the session is for."""
    get_ready: Pause = 5
    """Seconds of countdown before the first step."""
    schedule: Schedule = Schedule.model_construct()  # not Schedule(): no validator built at import
    """When the session is meant to be done."""
    cues: Cues = Cues.model_construct()
    """Which cues play."""
    progression: dict[Annotated[str, Field(pattern=SESSION_ID_PATTERN)], Progression] = {}
    """Numbers that grow over weeks, by name."""
    steps: Annotated[list[Step], Field(min_length=1)]
    """What to do, in order."""

    @model_validator(mode="after")
    def _progressions_resolve(self) -> Self:
        used: set[str] = set()
        for where, step in _walk(self.steps, ("steps",)):
            if step.progression is None:
                continue
            if step.progression not in self.progression:
                known = ", ".join(sorted(self.progression)) or "none are defined"
                raise _error(
                    "progression_undefined",
                    f"step {step.name!r} uses progression {step.progression!r}, "
                    f"which is not defined as a [progression.{step.progression}] table (defined: {known})",
                    *where,
                    "progression",
                )
            used.add(step.progression)
            counted = self.progression[step.progression]
            if isinstance(step, RepsStep | RepeatStep) and not all(
                float(v).is_integer() for v in (counted.start, counted.step, counted.goal)
            ):
                raise _error(
                    "progression_not_whole",
                    f"progression {step.progression!r} counts {step.name!r}: "
                    "start, step and goal must be whole numbers",
                    "progression",
                    step.progression,
                )
            _within_field(step, where, step.progression, counted)
        unused = sorted(set(self.progression) - used)
        if unused:
            raise _error(
                "progression_unused",
                f"progression {unused[0]!r} is defined but no step uses it "
                f'(add progression = "{unused[0]}" to a step, or remove the table)',
                "progression",
                unused[0],
            )
        return self


_LIMITS: dict[str, tuple[str, float]] = {
    "hold": ("seconds", 24 * 3600),
    "work": ("seconds", 24 * 3600),
    "rest": ("seconds", 24 * 3600),
    "reps": ("reps", 1000),
    "repeat": ("times", 1000),
}
"""The field a progression sets on each type of step, and that field's largest value."""


def _within_field(step: Step, where: tuple[str | int, ...], name: str, progression: Progression) -> None:
    """A progression's values obey the limits of the field it sets, as a fixed number would."""
    field, most = _LIMITS.get(step.type, ("", 0.0))
    if not field:
        return
    if progression.goal > most:
        raise _error(
            "progression_too_big",
            f"progression {name!r} sets {field} of {step.name!r}, which is at most {most:g}: "
            f"goal {progression.goal:g} is too high",
            "progression",
            name,
            "goal",
        )
    if isinstance(step, WorkStep) and step.min_seconds is not None and step.min_seconds > progression.start:
        raise _error(
            "range_reversed",
            f"min_seconds ({step.min_seconds:g}) is more than progression {name!r} starts at "
            f"({progression.start:g}): the range would read backwards",
            *where,
            "min_seconds",
        )


def _walk(steps: list[Step], where: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], Step]]:
    """Every step with its path in the file, blocks and their children alike, in file order."""
    out: list[tuple[tuple[str | int, ...], Step]] = []
    for i, step in enumerate(steps):
        out.append(((*where, i), step))
        if isinstance(step, RepeatStep):
            out.extend(_walk(step.steps, (*where, i, "steps")))
    return out


# -- after the check: the plain session ---------------------------------------------------------


def validate_session(data: Mapping[str, Any]) -> model.Session:
    """Check a session file's data (its parsed TOML) and give the plain session it describes.

    Raises:
        pydantic.ValidationError: The data is not a valid session; each error says where.
    """
    return plain(Session.model_validate(data))


def plain(session: Session) -> model.Session:
    """The plain session of :mod:`hiptimer.core.model` with the values of a checked one."""
    converted = _plain(session)
    assert isinstance(converted, model.Session)
    return converted


def _plain(value: object) -> object:
    """Field by field: each table becomes the model class of the same name, each list a tuple."""
    if isinstance(value, BaseModel):
        kind = getattr(model, type(value).__name__)
        return kind(**{name: _plain(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
