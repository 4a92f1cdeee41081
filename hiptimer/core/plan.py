"""Compile a session and today's targets into a flat, immutable list of phases.

A phase is one thing the runner does without a break: a 60 s hold on the left leg, a rest, the
walk back down the hill. The engine runs phases in order; it never looks at the session file.

Pure: no clock, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from hiptimer.core.choices import Effort, PhaseKind, Side, Sides, Voice

if TYPE_CHECKING:  # the history reads plans without loading the session's classes
    from hiptimer.core.model import HoldStep, OpenStep, RepsStep, Session, Step, WorkStep

__all__ = [
    "MAX_PHASES",
    "MAX_SECONDS",
    "Oversize",
    "Phase",
    "PhaseKind",
    "Plan",
    "Side",
    "compile_plan",
    "default_targets",
    "format_seconds",
    "goal_targets",
    "oversize",
    "plan_size",
]

MAX_PHASES = 10_000
"""The most phases a plan may have (a long session has a few hundred)."""

MAX_SECONDS = 24 * 3600
"""The longest a plan may last, get-ready countdown and estimates included."""


@dataclass(frozen=True, slots=True)
class Phase:
    """One phase of a compiled plan."""

    index: int
    """Position in the plan, from 0."""
    kind: PhaseKind
    label: str
    """The move's name ("Kneeling hip-flexor"), or "Rest", "Switch legs"."""
    instructions: str
    """How to do it."""
    speech: str
    """What is said as the phase starts ("kneeling hip-flexor, left leg, 60 seconds")."""
    seconds: float | None
    """Planned length of a timed phase (hold, work, rest, switch, paced reps); None otherwise."""
    estimate_seconds: float
    """Length used for time estimates: ``seconds`` when timed, a documented guess otherwise."""
    side: Side | None = None
    set_index: int = 1
    """This set's number, from 1."""
    set_count: int = 1
    rounds: tuple[tuple[int, int], ...] = ()
    """(round, of) for each enclosing repeat block, outermost first."""
    reps: int | None = None
    """Rep target of a rep phase."""
    pace: float | None = None
    """Seconds per rep when the timer paces the reps."""
    pace_ticks: bool = False
    """Whether a tick plays on each paced rep."""
    min_seconds: float | None = None
    """The short end of a work interval's range ("5-10 s")."""
    countdown: int = 0
    """Pips in the last seconds (0: none)."""
    halfway: bool = False
    """Whether a halfway cue plays."""
    sound: str | None = None
    """A custom WAV to play as the phase starts."""
    last_round: bool = False
    """True on the first phase of the last round of a repeat block of two or more rounds."""
    first_of_round: bool = False
    """True on the first phase of each round of a repeat block of two or more rounds."""
    step_path: str = ""
    """Where in the file the phase comes from, such as ``steps[1].steps[0]``."""
    progression: str | None = None
    """The progression that set this phase's number, if any."""
    effort: Effort | None = None
    """How hard a hold, reps, work or open phase is meant to be; None for rests and switches."""

    @property
    def easy(self) -> bool:
        """An effort phase meant to be taken easy (the walk down), shown apart from hard work.

        (A plan stored before steps had an effort reads it as None: its open steps are easy.)
        """
        if self.effort is None:
            return self.kind is PhaseKind.OPEN
        return self.effort == Effort.EASY

    @property
    def timed(self) -> bool:
        """Whether the phase ends by itself when its time is up."""
        return self.seconds is not None

    @property
    def counted(self) -> bool:
        """A rep phase whose reps the runner counts."""
        return self.kind is PhaseKind.REPS and self.pace is None

    @property
    def round_index(self) -> int:
        """The innermost round number (1 outside any repeat block)."""
        return self.rounds[-1][0] if self.rounds else 1

    @property
    def round_count(self) -> int:
        """The innermost repeat block's number of rounds (1 outside any)."""
        return self.rounds[-1][1] if self.rounds else 1

    def target_text(self) -> str:
        """The phase's target in a few characters: "60 s", "10 reps", "until done"."""
        if self.kind is PhaseKind.REPS:
            paced = f" @ {format_seconds(self.pace)}" if self.pace else ""
            return f"{self.reps} reps{paced}"
        if self.seconds is None:
            return "until done"
        if self.min_seconds is not None:
            return f"{self.min_seconds:g}-{format_seconds(self.seconds)}"
        return format_seconds(self.seconds)


@dataclass(frozen=True, slots=True)
class Plan:
    """A session compiled for today."""

    session_id: str
    session_name: str
    get_ready: float
    """Seconds of countdown before the first phase."""
    phases: tuple[Phase, ...]
    targets: Mapping[str, float] = field(default_factory=dict)
    """Today's value of each progression, by name."""
    voice: Voice = Voice.SPEECH
    countdown: int = 3
    """Pips at the end of the get-ready countdown (the session's ``cues.countdown``)."""

    @property
    def estimated_seconds(self) -> float:
        """The sum of the phases' lengths (estimates for open and counted phases)."""
        return sum(p.estimate_seconds for p in self.phases)

    @property
    def is_estimate(self) -> bool:
        """Whether any phase's length is a guess (open steps, counted reps)."""
        return any(not p.timed for p in self.phases)

    def __len__(self) -> int:
        return len(self.phases)


def format_seconds(seconds: float) -> str:
    """60 -> "60 s", 90 -> "1:30", 3600 -> "1:00:00"; fractions kept for short times."""
    if seconds < 60:
        return f"{seconds:g} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def default_targets(session: Session) -> dict[str, float]:
    """Each progression at its start value: the targets for a first run."""
    return {name: p.start for name, p in session.progression.items()}


def compile_plan(session: Session, targets: Mapping[str, float] | None = None) -> Plan:
    """Flatten a session into phases, with each progression at today's target.

    Args:
        session: The validated session.
        targets: Today's value for each progression; missing names use the progression's start.
    """
    today = default_targets(session)
    if targets:
        # A stored target outside start..goal (the file changed since, or the history was
        # damaged) is brought back inside, so the plan stays within the bounds it was checked at.
        today.update(
            {
                k: _within(v, session.progression[k].start, session.progression[k].goal)
                for k, v in targets.items()
                if k in today
            }
        )
    builder = _Builder(session, today)
    builder.steps(session.steps, "steps", ())
    return Plan(
        session_id=session.id,
        session_name=session.name,
        get_ready=session.get_ready,
        phases=tuple(builder.phases),
        targets=today,
        voice=session.cues.voice,
        countdown=session.cues.countdown,
    )


def _within(value: float, start: float, goal: float) -> float:
    """``value`` brought inside ``start..goal``; a value that is not a number at all is ``start``."""
    if not math.isfinite(value):
        return goal if value == math.inf else start
    return min(max(value, start), goal)


def goal_targets(session: Session) -> dict[str, float]:
    """Each progression at its goal: the largest plan the session can ever compile to."""
    return {name: p.goal for name, p in session.progression.items()}


class Oversize(NamedTuple):
    """Where a session's plan grows past :data:`MAX_PHASES` or :data:`MAX_SECONDS`, and by how much.

    A named tuple: a frozen dataclass costs a millisecond to define, and the plan is loaded at
    every start.

    Attributes:
        at: The path of the key to blame (``("steps", 2, "times")``), relative to the session.
        message: What is too big, in words.
    """

    at: tuple[str | int, ...]
    message: str


def plan_size(session: Session, targets: Mapping[str, float] | None = None) -> tuple[int, float]:
    """The number of phases and the estimated seconds of :func:`compile_plan`'s plan, by arithmetic.

    Counting never builds the phases, so a session of a billion phases is measured at once.
    """
    today = {**default_targets(session), **(targets or {})}
    phases, seconds = _steps_size(session.steps, today)
    return phases, seconds


def oversize(session: Session) -> Oversize | None:
    """Whether the session's plan, at any progression value up to the goal, is too big; and where.

    The plan's size grows with every progression value (more reps, rounds or seconds never make
    fewer phases or less time), so the plan at every goal is the largest it can be.
    """
    today = goal_targets(session)
    phases, seconds = _steps_size(session.steps, today)
    seconds += session.get_ready
    if not _too_big(phases, seconds):
        return None
    at = _blame(session.steps, ("steps",), today, session.get_ready)
    if phases > MAX_PHASES:
        what = f"{phases:,} phases (at most {MAX_PHASES:,})"
    else:
        what = f"{format_seconds(seconds)} (at most {format_seconds(MAX_SECONDS)})"
    at_start, seconds_at_start = _steps_size(session.steps, default_targets(session))
    grows = bool(today) and not _too_big(at_start, seconds_at_start + session.get_ready)
    when = " once its progressions reach their goal" if grows else ""
    return Oversize(at, f"the session would have {what}{when}: the plan is too big to run")


def _too_big(phases: int, seconds: float) -> bool:
    return phases > MAX_PHASES or seconds > MAX_SECONDS


def _blame(
    steps: Sequence[Step], where: tuple[str | int, ...], today: Mapping[str, float], get_ready: float
) -> tuple[str | int, ...]:
    """The key that makes the plan too big: the deepest step that is too big on its own, or else
    the step at which the running total (from the get-ready countdown on) passes a limit."""
    alone = _too_big_alone(steps, where, today)
    if alone is not None:
        return alone
    total_phases, total_seconds = 0, get_ready
    for i, step in enumerate(steps):
        phases, seconds = _step_size(step, today)
        total_phases += phases
        total_seconds += seconds
        if _too_big(total_phases, total_seconds):
            return (*where, i)
    return where


def _too_big_alone(
    steps: Sequence[Step], where: tuple[str | int, ...], today: Mapping[str, float]
) -> tuple[str | int, ...] | None:
    """The key of the deepest step among ``steps`` that is too big on its own, if there is one."""
    from hiptimer.core.model import RepeatStep

    for i, step in enumerate(steps):
        if not _too_big(*_step_size(step, today)):
            continue
        if isinstance(step, RepeatStep):
            inner = _too_big_alone(step.steps, (*where, i, "steps"), today)
            return inner or (*where, i, "progression" if step.progression else "times")
        return (*where, i, _number_key(step))
    return None


def _number_key(step: Step) -> str:
    from hiptimer.core.model import RestStep

    if step.progression is not None:
        return "progression"
    return "seconds" if isinstance(step, RestStep) else "sets"


def _steps_size(steps: Sequence[Step], today: Mapping[str, float]) -> tuple[int, float]:
    phases, seconds = 0, 0.0
    for step in steps:
        p, s = _step_size(step, today)
        phases += p
        seconds += s
    return phases, seconds


def _step_size(step: Step, today: Mapping[str, float]) -> tuple[int, float]:
    """What :class:`_Builder` adds for one step, counted instead of built (keep the two in step)."""
    from hiptimer.core.model import HoldStep, RepeatStep, RepsStep, RestStep, WorkStep

    def value(fixed: float | None) -> float:
        return today[step.progression] if step.progression is not None else float(fixed or 0)

    if isinstance(step, RepeatStep):
        times = int(value(step.times))
        inner_phases, inner_seconds = _steps_size(step.steps, today)
        rests = times - 1 if step.rest_between > 0 else 0
        return times * inner_phases + rests, times * inner_seconds + rests * step.rest_between
    if isinstance(step, RestStep):
        return 1, value(step.seconds)
    if isinstance(step, HoldStep | WorkStep):
        each = value(step.seconds)
    elif isinstance(step, RepsStep):
        reps = int(value(step.reps))
        each = reps * (step.pace if step.pace else step.estimate_rep_seconds)
    else:
        each = step.estimate_seconds
    sets = step.sets
    rest, switch = step.rest_between_sets, step.switch_seconds
    rests = switches = 0
    if step.sides is Sides.NONE:
        efforts = sets
        rests = sets - 1 if rest > 0 else 0
    elif step.sides is Sides.EACH:
        efforts = 2 * sets
        switches = 1 if switch > 0 else 0
        rests = 2 * (sets - 1) if rest > 0 else 0
    else:
        efforts = 2 * sets
        switches = sets if switch > 0 else 0
        if rest > 0:
            rests = sets - 1
        elif switch > 0:
            switches += sets - 1
    return efforts + rests + switches, efforts * each + rests * rest + switches * switch


_SWITCH_WORD = {True: "legs", False: "sides"}


class _Builder:
    def __init__(self, session: Session, targets: Mapping[str, float]) -> None:
        self.session = session
        self.targets = targets
        self.phases: list[Phase] = []

    def _value(self, fixed: float | None, progression: str | None) -> float:
        if progression is not None:
            return self.targets[progression]
        assert fixed is not None  # the model guarantees one of the two
        return fixed

    def _add(self, **kw: object) -> None:
        self.phases.append(Phase(index=len(self.phases), **kw))  # type: ignore[arg-type]

    def steps(self, steps: Sequence[Step], path: str, rounds: tuple[tuple[int, int], ...]) -> None:
        for i, step in enumerate(steps):
            self.step(step, f"{path}[{i}]", rounds)

    def step(self, step: Step, path: str, rounds: tuple[tuple[int, int], ...]) -> None:
        from hiptimer.core.model import RepeatStep, RestStep  # loaded already: ``step`` is one of them

        if isinstance(step, RepeatStep):
            times = int(self._value(step.times, step.progression))
            for r in range(1, times + 1):
                first = len(self.phases)
                self.steps(step.steps, f"{path}.steps", (*rounds, (r, times)))
                if times >= 2 and first < len(self.phases):
                    phase = self.phases[first]
                    self.phases[first] = _replace(
                        phase, first_of_round=True, last_round=phase.last_round or r == times
                    )
                if r < times and step.rest_between > 0:
                    self.rest(step.rest_between, path, (*rounds, (r, times)), "rest_between")
            return
        if isinstance(step, RestStep):
            seconds = self._value(step.seconds, step.progression)
            self._add(
                kind=PhaseKind.REST,
                label=step.name,
                instructions=step.instructions,
                speech=_speech(step.cue or step.name.lower(), None, seconds),
                seconds=seconds,
                estimate_seconds=seconds,
                rounds=rounds,
                countdown=self._countdown(seconds),
                sound=step.sound,
                step_path=path,
                progression=step.progression,
            )
            return
        for set_index, side, between in _set_order(step.sets, step.sides):
            if between == "switch" and step.switch_seconds > 0:
                self.switch(step.switch_seconds, path, rounds, legs=True)
            elif between == "rest" and step.rest_between_sets > 0:
                self.rest(step.rest_between_sets, path, rounds, "rest_between_sets")
            elif between == "rest-or-switch":
                if step.rest_between_sets > 0:
                    self.rest(step.rest_between_sets, path, rounds, "rest_between_sets")
                elif step.switch_seconds > 0:
                    self.switch(step.switch_seconds, path, rounds, legs=True)
            self.effort(step, path, rounds, set_index, side)

    def effort(
        self,
        step: HoldStep | RepsStep | WorkStep | OpenStep,
        path: str,
        rounds: tuple[tuple[int, int], ...],
        set_index: int,
        side: Side | None,
    ) -> None:
        from hiptimer.core.model import HoldStep, RepsStep, WorkStep

        cues = self.session.cues
        common: dict[str, object] = dict(
            label=step.name,
            instructions=step.instructions,
            side=side,
            set_index=set_index,
            set_count=step.sets,
            rounds=rounds,
            sound=step.sound,
            step_path=path,
            progression=step.progression,
            effort=step.effort or (Effort.EASY if step.type == "open" else Effort.HARD),
        )
        spoken = step.cue or step.name
        if isinstance(step, HoldStep | WorkStep):
            seconds = self._value(step.seconds, step.progression)
            kind = PhaseKind.HOLD if isinstance(step, HoldStep) else PhaseKind.WORK
            self._add(
                kind=kind,
                speech=_speech(spoken, side, seconds),
                seconds=seconds,
                estimate_seconds=seconds,
                min_seconds=getattr(step, "min_seconds", None),
                countdown=self._countdown(seconds),
                halfway=cues.halfway and kind is PhaseKind.HOLD and seconds >= 30,
                **common,
            )
        elif isinstance(step, RepsStep):
            reps = int(self._value(step.reps, step.progression))
            timed = reps * step.pace if step.pace else None
            self._add(
                kind=PhaseKind.REPS,
                speech=_speech(spoken, side, None, reps=reps),
                seconds=timed,
                estimate_seconds=timed if timed else reps * step.estimate_rep_seconds,
                reps=reps,
                pace=step.pace,
                pace_ticks=step.pace is not None and cues.pace,
                countdown=self._countdown(timed) if timed else 0,
                **common,
            )
        else:
            self._add(
                kind=PhaseKind.OPEN,
                speech=_speech(spoken, side, None),
                seconds=None,
                estimate_seconds=step.estimate_seconds,
                **common,
            )

    def rest(self, seconds: float, path: str, rounds: tuple[tuple[int, int], ...], key: str) -> None:
        self._add(
            kind=PhaseKind.REST,
            label="Rest",
            instructions="Breathe and shake it out.",
            speech=_speech("rest", None, seconds),
            seconds=seconds,
            estimate_seconds=seconds,
            rounds=rounds,
            countdown=self._countdown(seconds),
            step_path=f"{path}.{key}",
        )

    def switch(self, seconds: float, path: str, rounds: tuple[tuple[int, int], ...], legs: bool) -> None:
        word = _SWITCH_WORD[legs]
        self._add(
            kind=PhaseKind.SWITCH,
            label=f"Switch {word}",
            instructions=f"Change {word} and get into position.",
            speech=f"switch {word}",
            seconds=seconds,
            estimate_seconds=seconds,
            side=None,
            rounds=rounds,
            countdown=self._countdown(seconds),
            step_path=f"{path}.switch_seconds",
        )

    def _countdown(self, seconds: float | None) -> int:
        if seconds is None or seconds < 5:
            return 0
        return min(self.session.cues.countdown, int(seconds) - 1)


def _set_order(sets: int, sides: Sides) -> Iterator[tuple[int, Side | None, str]]:
    """(set, side, what comes before it) for each set: "", "rest", "switch" or "rest-or-switch"."""
    if sides is Sides.NONE:
        for s in range(1, sets + 1):
            yield s, None, "rest" if s > 1 else ""
    elif sides is Sides.EACH:
        for side in (Side.LEFT, Side.RIGHT):
            for s in range(1, sets + 1):
                if s == 1:
                    yield s, side, "switch" if side is Side.RIGHT else ""
                else:
                    yield s, side, "rest"
    else:
        for s in range(1, sets + 1):
            yield s, Side.LEFT, "rest-or-switch" if s > 1 else ""
            yield s, Side.RIGHT, "switch"


def _speech(spoken: str, side: Side | None, seconds: float | None, reps: int | None = None) -> str:
    parts = [spoken]
    if side is not None:
        parts.append(f"{side.value} leg")
    if reps is not None:
        parts.append(f"{reps} reps")
    elif seconds is not None:
        parts.append(_spoken_seconds(seconds))
    return ", ".join(parts)


def _spoken_seconds(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds:g} seconds"


def _replace(phase: Phase, **changes: object) -> Phase:
    from dataclasses import replace

    return replace(phase, **changes)  # type: ignore[arg-type]
