"""Today's plan as a watch workout: the steps a FIT workout file holds, before any bytes are written.

A watch runs a workout as a list of steps: timed steps, "press lap when done" (open) steps,
counted reps, and repeat steps that jump back to an earlier step a number of times. A plan's
phases map onto them one for one:

* holds, work, rests, switches and paced reps are time steps (paced reps for reps x pace seconds);
* open phases are open steps; counted reps are reps steps;
* rests and leg switches have rest intensity, everything else active;
* each side of a one-sided move is a step of its own, its side in the name;
* a repeat block is a repeat step over its first round. A block with a rest between rounds (and
  none after the last) becomes the round and its rest repeated one time fewer, then the last round
  on its own: the watch does what the app does, and no extra rest at the end. Blocks nest as the
  session nests them (a repeat step inside a repeated round).

What a watch cannot do is said in :attr:`WorkoutProgram.notes`: the timer does not pace reps, a
"5-10 s" range is the full 10 s that lap may end early. Pure: no clock, no files, no FIT library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from hiptimer.core.plan import Phase, PhaseKind, Plan, format_seconds

__all__ = [
    "NAME_BYTES",
    "NOTES_BYTES",
    "Duration",
    "Intensity",
    "WorkoutProgram",
    "WorkoutSport",
    "WorkoutStep",
    "build_program",
    "clip",
]

NAME_BYTES = 50
"""The longest name (workout or step) written, in UTF-8 bytes: watches show about 15-20 characters,
and Garmin's own tools keep names to this length."""

NOTES_BYTES = 254
"""The longest notes written: a FIT text field holds 255 bytes with its closing zero byte."""


class Duration(StrEnum):
    """How a watch step ends."""

    TIME = "time"
    OPEN = "open"
    """When the lap button is pressed."""
    REPS = "reps"
    REPEAT = "repeat"
    """Not a step to do: jump back to ``repeat_from`` until the block has run ``times`` times."""


class Intensity(StrEnum):
    """The step's intensity as the watch records it."""

    ACTIVE = "active"
    REST = "rest"


class WorkoutSport(StrEnum):
    """What the watch records the workout as."""

    RUNNING = "running"
    STRENGTH = "strength"
    """Training, strength: the watch records sets and reps."""


@dataclass(frozen=True, slots=True)
class WorkoutStep:
    """One step of a watch workout."""

    index: int
    """Its position (the FIT message index), from 0."""
    name: str
    duration: Duration
    intensity: Intensity = Intensity.ACTIVE
    notes: str = ""
    seconds: float | None = None
    """A time step's length."""
    reps: int | None = None
    """A reps step's count."""
    repeat_from: int | None = None
    """A repeat step: the index of the block's first step."""
    times: int | None = None
    """A repeat step: how many times the block runs in all."""


@dataclass(frozen=True, slots=True)
class WorkoutProgram:
    """A plan as a watch workout."""

    name: str
    sport: WorkoutSport
    steps: tuple[WorkoutStep, ...]
    notes: tuple[str, ...] = ()
    """What the watch does differently from the app, one sentence each."""

    def executed(self) -> list[int]:
        """The indexes of the steps the watch runs, in order, repeats unrolled (repeat steps left out).

        The n-th of them runs the plan's n-th phase.
        """
        done: list[int] = []
        counts: dict[int, int] = {}
        at = 0
        while at < len(self.steps):
            step = self.steps[at]
            if step.duration is not Duration.REPEAT:
                done.append(at)
                at += 1
                continue
            counts[at] = counts.get(at, 1) + 1
            assert step.repeat_from is not None and step.times is not None
            if counts[at] <= step.times:
                at = step.repeat_from
            else:
                counts[at] = 1  # a nested block starts counting again in the next outer round
                at += 1
        return done


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-8 bytes at a whole character (with "..." when cut)."""
    text = " ".join(text.split())
    if len(text.encode()) <= limit:
        return text
    out = ""
    for char in text:
        if len((out + char).encode()) > limit - 3:
            break
        out += char
    return out.rstrip() + "..."


def build_program(plan: Plan, sport: WorkoutSport) -> WorkoutProgram:
    """The watch workout that runs ``plan`` phase for phase."""
    builder = _Builder()
    builder.emit(list(plan.phases), 0)
    notes: list[str] = []
    kinds = {p.kind for p in plan.phases}
    if any(p.pace is not None for p in plan.phases):
        notes.append("Paced reps are timed steps (reps x pace): the watch does not tick each rep.")
    if any(p.counted for p in plan.phases):
        notes.append("Reps you count are reps steps: press lap when the set is done.")
    if any(p.min_seconds is not None for p in plan.phases):
        notes.append(
            'A range such as "5-10 s" is a timed step of the longest time: press lap to end it early.'
        )
    if PhaseKind.OPEN in kinds:
        notes.append("Steps you end with done in the app end with the lap button on the watch.")
    if builder.flattened:
        notes.append(
            "A block with a rest between rounds repeats the round with its rest one time fewer, "
            "then runs the last round without it."
        )
    return WorkoutProgram(clip(plan.session_name, NAME_BYTES), sport, tuple(builder.steps), tuple(notes))


class _Builder:
    def __init__(self) -> None:
        self.steps: list[WorkoutStep] = []
        self.flattened = False

    def emit(self, phases: Sequence[Phase], depth: int) -> None:
        """Steps for ``phases``, each run of phases in a repeat block (at ``depth``) as a repeat."""
        i = 0
        while i < len(phases):
            phase = phases[i]
            block = _block_path(phase, depth)
            if block is None:
                self.steps.append(_step(len(self.steps), phase))
                i += 1
                continue
            end = i
            while end < len(phases) and _block_path(phases[end], depth) == block:
                end += 1
            self.block(phases[i:end], block, depth)
            i = end

    def block(self, phases: Sequence[Phase], path: str, depth: int) -> None:
        times = phases[0].rounds[depth][1]
        rounds: dict[int, list[Phase]] = {}
        for phase in phases:
            rounds.setdefault(phase.rounds[depth][0], []).append(phase)
        first = rounds[1]
        rest_between = [p for p in first if p.step_path == f"{path}.rest_between"]
        body = [p for p in first if p not in rest_between]
        if times == 1:
            self.emit(body, depth + 1)
            return
        start = len(self.steps)
        self.emit(first if rest_between else body, depth + 1)
        if rest_between and times == 2:  # once with its rest, once without: no repeat step needed
            self.flattened = True
            self.emit(rounds[times], depth + 1)
            return
        self.steps.append(
            WorkoutStep(
                index=len(self.steps),
                name=clip(f"Repeat {times - 1 if rest_between else times}x", NAME_BYTES),
                duration=Duration.REPEAT,
                repeat_from=start,
                times=times - 1 if rest_between else times,
            )
        )
        if rest_between:
            self.flattened = True
            self.emit(rounds[times], depth + 1)


def _block_path(phase: Phase, depth: int) -> str | None:
    """The path of the repeat block at ``depth`` that ``phase`` belongs to, if any."""
    if len(phase.rounds) <= depth:
        return None
    parts = phase.step_path.split(".")
    # steps[0].steps[1]: the block at depth 0 is "steps[0]", at depth 1 "steps[0].steps[1]".
    return ".".join(parts[: depth + 1])


def _step(index: int, phase: Phase) -> WorkoutStep:
    name = phase.label
    if phase.side is not None:
        name = f"{name} ({phase.side.value})"
    if phase.set_count > 1:
        name = f"{name} {phase.set_index}/{phase.set_count}"
    resting = phase.kind in (PhaseKind.REST, PhaseKind.SWITCH)
    intensity = Intensity.REST if resting else Intensity.ACTIVE
    notes = [phase.instructions] if phase.instructions else []
    if phase.kind is PhaseKind.REPS and phase.pace is not None and phase.seconds is not None:
        notes.insert(0, f"{phase.reps} reps, one every {format_seconds(phase.pace)}.")
        name = f"{name} x{phase.reps}"
        duration, seconds, reps = Duration.TIME, phase.seconds, None
    elif phase.kind is PhaseKind.REPS:
        duration, seconds, reps = Duration.REPS, None, phase.reps
    elif phase.seconds is None:
        notes.append("Press lap when done.")
        duration, seconds, reps = Duration.OPEN, None, None
    else:
        if phase.min_seconds is not None:
            notes.insert(0, f"{phase.target_text()}: press lap to end it early.")
        duration, seconds, reps = Duration.TIME, phase.seconds, None
    return WorkoutStep(
        index=index,
        name=clip(name, NAME_BYTES),
        duration=duration,
        intensity=intensity,
        notes=clip(" ".join(notes), NOTES_BYTES),
        seconds=seconds,
        reps=reps,
    )
