"""Plan every cue of a run on a timeline where nothing collides.

All cues share one audio channel: a clip that starts while another plays would cut it or be
pushed late (and a late rep tick is worse than none). So the cues are planned with their phase,
from the lengths of the clips (:class:`~hiptimer.core.cues.ClipLengths`, facts of the WAV files that
the audio side measures):

* the *fixed* cues come first, at their moments: the rep ticks of a paced rep step (one per rep:
  the first rep's is the start cue), the 3-2-1 pips (none in a paced step, whose ticks already
  count the time: pips would fall between them), the halfway cue;
* before work that follows a rest of :data:`WARN_REST_SECONDS` or more, a spoken warning
  ("sprint in 10 seconds") :data:`WARN_AHEAD_SECONDS` before the rest ends;
* each phase's start cue (its tone by kind, then its words) must end :data:`MARGIN_SECONDS` before
  the next fixed cue and before the phase ends. When the whole phrase does not fit, it is
  shortened, dropping the least needed part first (the amount, then the set or round, then the
  side); when the phase before ends in quiet, the words are said there instead, just before the
  phase starts, and the start plays its tone alone.

Never does a clip start while another plays, unless the earlier one is a tick (a 50 ms tick may
overlap the start of the next sound by a few milliseconds). Pure: no clock, no files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hiptimer.core.choices import Voice
from hiptimer.core.cues import ClipLengths, Cue, CueRequest, speech_parts
from hiptimer.core.plan import Phase, PhaseKind, Plan

__all__ = [
    "MARGIN_SECONDS",
    "WARN_AHEAD_SECONDS",
    "WARN_REST_SECONDS",
    "CuePlan",
    "PhaseCues",
    "ScheduledCue",
    "TimedCue",
    "all_phrases",
    "collisions",
    "get_ready_cues",
    "plan_cues",
    "run_timeline",
    "start_tone",
]

MARGIN_SECONDS = 0.15
"""Quiet kept after a clip before the next starts: playback starts a few milliseconds late."""
WARN_REST_SECONDS = 60.0
"""A rest at least this long gets a spoken warning before the work that follows it."""
WARN_AHEAD_SECONDS = 10
"""How long before such a rest ends the warning is said."""


@dataclass(frozen=True, slots=True)
class TimedCue:
    """A cue at a moment: ``at`` seconds after its phase (or the get-ready countdown) starts."""

    at: float
    request: CueRequest


@dataclass(frozen=True, slots=True)
class PhaseCues:
    """The cues of one phase (or of the get-ready countdown).

    Attributes:
        start: What plays as the phase starts at its planned moment (None: nothing).
        cold_start: What plays when it starts at another moment (a key press ended the phase
            before it): the words said early in the phase before were not heard, so they are
            said here, shortened to fit.
        timeline: The cues after the start, in time order.
    """

    start: CueRequest | None
    cold_start: CueRequest | None
    timeline: tuple[TimedCue, ...] = ()


@dataclass(frozen=True, slots=True)
class CuePlan:
    """Every cue of a run: the get-ready countdown's, then each phase's."""

    get_ready: PhaseCues
    phases: tuple[PhaseCues, ...]
    done: CueRequest
    lengths: ClipLengths
    """The clip lengths the plan was made with."""


def start_tone(phase: Phase) -> Cue:
    """The tone a phase starts with: one per kind, so every change is heard without words."""
    if phase.kind is PhaseKind.REST:
        return Cue.REST
    if phase.kind is PhaseKind.SWITCH:
        return Cue.SWITCH
    if phase.last_round:
        return Cue.LAST_ONE
    if phase.kind is PhaseKind.HOLD:
        return Cue.HOLD
    if phase.kind is PhaseKind.WORK:
        return Cue.WORK
    if phase.kind is PhaseKind.OPEN:
        return Cue.EASY if phase.easy else Cue.WORK
    return Cue.GO


def phrase_options(phase: Phase, before: Phase | None = None) -> list[str]:
    """What the start of a phase can say, the whole phrase first, then shorter and shorter.

    The parts, in the order said: the round ("repeat 2 of 4", "last one"), the move, the set
    ("set 2 of 3"), the side, the amount ("1 minute"). Shortening drops the amount, then the set or
    round, then the side; but when the same move goes on after a switch or a rest (``before``
    is the last effort phase), the side is what is new, and is kept over the move's name.
    """
    parts = speech_parts(phase.speech)
    if not parts:
        return []
    name, rest = parts[0], parts[1:]
    side = f"{phase.side.value} leg" if phase.side is not None else None
    amount = [p for p in rest if p != side]
    round_word: str | None = None
    if phase.first_of_round and phase.round_count >= 2:
        round_word = "last one" if phase.last_round else f"repeat {phase.round_index} of {phase.round_count}"
    set_word = f"set {phase.set_index} of {phase.set_count}" if phase.set_count >= 2 else None

    def join(*items: str | None) -> str:
        return ", ".join(i for i in items if i)

    same_move = before is not None and before.label == phase.label and before.side != phase.side
    options = [
        join(round_word, name, set_word, side, *amount),
        join(round_word, name, set_word, side),
        join(name, side),
        *([side] if same_move and side else []),
        name,
    ]
    return list(dict.fromkeys(options))


def _name_and_side(phase: Phase) -> list[str]:
    """The move with its side, then the move alone: what the get-ready says of the first phase."""
    parts = speech_parts(phase.speech)
    if not parts:
        return []
    side = f", {phase.side.value} leg" if phase.side is not None else ""
    return list(dict.fromkeys([parts[0] + side, parts[0]]))


def warning_phrase(phase: Phase) -> str:
    """The warning before work that follows a long rest: "sprint in 10 seconds"."""
    name = speech_parts(phase.speech)[0] if phase.speech else phase.label.lower()
    return f"{name}, in {WARN_AHEAD_SECONDS} seconds"


class _Line:
    """The clips placed on one phase's timeline, to find where a new one fits."""

    def __init__(self, lengths: ClipLengths, voice: bool, end: float | None) -> None:
        self.lengths = lengths
        self.voice = voice
        self.end = end
        self.busy: list[tuple[float, float, bool]] = []
        """(start, end, is a tick) of every clip placed."""

    def length(self, request: CueRequest) -> float:
        return self.lengths.request(request, voice=self.voice)

    def fits(self, at: float, length: float, *, tick: bool = False) -> bool:
        """Whether a clip of ``length`` can start at ``at`` without cutting or crowding another.

        A clip may start while a tick plays; nothing may start while any other clip plays, and
        a clip that is not a tick keeps :data:`MARGIN_SECONDS` of quiet after it, up to the
        phase's end too (the next phase's start).
        """
        if at < -1e-9:
            return False
        if not tick and self.end is not None and at + length + MARGIN_SECONDS > self.end + 1e-9:
            return False
        if tick and self.end is not None and at > self.end + 1e-9:
            return False
        for start, stop, is_tick in self.busy:
            if start <= at + 1e-9:
                if not is_tick and at < stop + MARGIN_SECONDS - 1e-9:
                    return False
            elif not tick and start < at + length + MARGIN_SECONDS - 1e-9:
                return False
        return True

    def place(self, at: float, length: float, *, tick: bool = False) -> None:
        self.busy.append((at, at + length, tick))
        self.busy.sort()


def _fit_start(line: _Line, tone: Cue, options: Sequence[str], sound: str | None) -> CueRequest | None:
    """The fullest start cue that fits at 0: tone and words, tone and fewer words, tone alone."""
    for words in [*options, None]:
        request = CueRequest(tone, speech=words, sound=sound)
        if line.fits(0.0, line.length(request)):
            return request
    return None


def _fixed(phase: Phase, line: _Line) -> list[TimedCue]:
    """Place a phase's rep ticks, or else its pips; return them."""
    out: list[TimedCue] = []
    seconds = phase.seconds
    if seconds is None:
        return out
    ticks = bool(phase.pace and phase.reps and phase.pace_ticks)
    if ticks and phase.pace is not None and phase.reps is not None:
        rep = CueRequest(Cue.REP)
        for n in range(1, phase.reps):
            at = n * phase.pace
            line.place(at, line.length(rep), tick=True)
            out.append(TimedCue(at, rep))
    else:
        pip = CueRequest(Cue.PIP)
        for k in range(max(0, phase.countdown), 0, -1):
            at = seconds - k
            if line.fits(at, line.length(pip)):
                line.place(at, line.length(pip))
                out.append(TimedCue(at, pip))
    return out


def _optional(line: _Line, at: float, requests: Sequence[CueRequest]) -> TimedCue | None:
    """Place the first of ``requests`` that fits at ``at``, if any."""
    for request in requests:
        length = line.length(request)
        if line.fits(at, length):
            line.place(at, length)
            return TimedCue(at, request)
    return None


def plan_cues(plan: Plan, lengths: ClipLengths | None = None) -> CuePlan:
    """Plan every cue of ``plan`` so that none cuts, drops or crowds another.

    Args:
        plan: Today's plan.
        lengths: How long each clip plays; None: estimates (for tests and players that measure
            nothing).
    """
    lengths = lengths or ClipLengths()
    voice = plan.voice is Voice.SPEECH
    phases = plan.phases
    lines = [_Line(lengths, voice, p.seconds) for p in phases]
    timelines: list[list[TimedCue]] = [_fixed(p, line) for p, line in zip(phases, lines, strict=True)]

    # Work after a long rest: a warning ahead of the pips.
    for i, phase in enumerate(phases[:-1]):
        after = phases[i + 1]
        if (
            phase.kind is PhaseKind.REST
            and (phase.seconds or 0) >= WARN_REST_SECONDS
            and after.kind.is_effort
        ):
            at = (phase.seconds or 0) - WARN_AHEAD_SECONDS
            words = warning_phrase(after)
            cue = _optional(lines[i], at, [CueRequest(Cue.SOON, speech=words), CueRequest(Cue.SOON)])
            if cue is not None:
                timelines[i].append(cue)

    # The get-ready countdown: its tone and the first move's name, then the pips.
    ready_line, ready_start, ready_cues = _get_ready(plan, phases[0] if phases else None, lengths, voice)

    # Each phase's start, the halfway cue, and words said early where the start has no room.
    starts: list[PhaseCues] = []
    last_effort: Phase | None = None
    for i, phase in enumerate(phases):
        line = lines[i]
        options = phrase_options(phase, last_effort)
        if phase.kind.is_effort:
            last_effort = phase
        tone = start_tone(phase)
        cold = _fit_start(line, tone, options, phase.sound)
        if cold is None:
            # Not even the tone fits before the first tick: the first rep gets a tick of its own.
            cold = CueRequest(Cue.REP)
        start = cold
        said = cold.speech or ""
        if voice and said != (options[0] if options else ""):
            before = lines[i - 1] if i > 0 else ready_line
            before_end = phases[i - 1].seconds if i > 0 else (plan.get_ready if plan.get_ready > 0 else None)
            early = _say_early(before, before_end, options, said, lengths)
            if early is not None:
                target = timelines[i - 1] if i > 0 else ready_cues
                target.append(early)
                start = CueRequest(tone, sound=phase.sound)
                if not line.fits(0.0, line.length(start)):
                    start = CueRequest(Cue.REP)
        # What comes later must leave room for the longer of the two starts.
        line.place(0.0, max(line.length(start), line.length(cold)))
        if phase.halfway and phase.seconds is not None:
            half = _optional(
                line,
                phase.seconds / 2,
                [CueRequest(Cue.HALFWAY, speech="halfway"), CueRequest(Cue.HALFWAY)],
            )
            if half is not None:
                timelines[i].append(half)
        starts.append(PhaseCues(start, cold))

    phase_cues = tuple(
        PhaseCues(s.start, s.cold_start, tuple(sorted(t, key=lambda c: c.at)))
        for s, t in zip(starts, timelines, strict=True)
    )
    ready = PhaseCues(ready_start, ready_start, tuple(sorted(ready_cues, key=lambda c: c.at)))
    return CuePlan(ready, phase_cues, CueRequest(Cue.DONE, speech="session complete"), lengths)


def get_ready_cues(plan: Plan, first: Phase, lengths: ClipLengths | None = None) -> PhaseCues:
    """The get-ready countdown's cues before ``first`` (a run resumed part-way starts there)."""
    _, start, cues = _get_ready(plan, first, lengths or ClipLengths(), plan.voice is Voice.SPEECH)
    return PhaseCues(start, start, tuple(sorted(cues, key=lambda c: c.at)))


def _get_ready(
    plan: Plan, first: Phase | None, lengths: ClipLengths, voice: bool
) -> tuple[_Line, CueRequest | None, list[TimedCue]]:
    """The countdown's line, its start cue (tone and the move's name) and its pips."""
    line = _Line(lengths, voice, plan.get_ready)
    cues: list[TimedCue] = []
    pip = CueRequest(Cue.PIP)
    pips = min(plan.countdown, int(plan.get_ready) - 1) if plan.get_ready > 0 else 0
    for k in range(max(0, pips), 0, -1):
        if line.fits(plan.get_ready - k, line.length(pip)):
            line.place(plan.get_ready - k, line.length(pip))
            cues.append(TimedCue(plan.get_ready - k, pip))
    start: CueRequest | None = None
    if plan.get_ready > 0:
        names = _name_and_side(first) if first is not None else []
        options = [f"get ready, {names[0]}"] if names else ["get ready"]
        start = _fit_start(line, Cue.GET_READY, list(dict.fromkeys([*options, *names])), None)
        if start is not None:
            line.place(0.0, line.length(start))
    return line, start, cues


def _say_early(
    line: _Line, end: float | None, options: Sequence[str], said: str, lengths: ClipLengths
) -> TimedCue | None:
    """The fullest of ``options`` that fits in the quiet end of the phase before, ending just
    before the next phase starts; None unless it says more than ``said`` at the start would."""
    if end is None:
        return None
    for words in options:
        if words == said:
            return None
        request = CueRequest(Cue.GO, speech=words, tone=False)
        length = line.length(request)
        at = end - MARGIN_SECONDS - length
        if line.fits(at, length):
            line.place(at, length)
            return TimedCue(at, request)
    return None


@dataclass(frozen=True, slots=True)
class ScheduledCue:
    """One cue of a whole run, on the run's clock, as planned.

    Attributes:
        at: Seconds from the start of the run (the get-ready countdown's start).
        phase: The phase it belongs to (-1: the get-ready countdown; ``len(phases)``: the end).
        request: What plays.
        seconds: How long it plays.
    """

    at: float
    phase: int
    request: CueRequest
    seconds: float

    @property
    def end(self) -> float:
        """When it stops playing."""
        return self.at + self.seconds

    @property
    def tick(self) -> bool:
        """Whether it is a rep tick (which another clip may follow without waiting)."""
        return self.request.cue is Cue.REP and not self.request.speech


def run_timeline(plan: Plan, cues: CuePlan) -> list[ScheduledCue]:
    """Every cue of a run in the order heard, when each phase ends by its clock.

    A phase that lasts until *done* is taken to end at its estimate, or when its own cues have
    played if that is later (a runner presses *done* after hearing what to do).
    """
    lengths = cues.lengths
    voice = plan.voice is Voice.SPEECH
    out: list[ScheduledCue] = []

    def add(at: float, phase: int, request: CueRequest | None) -> float:
        if request is None:
            return at
        seconds = lengths.request(request, voice=voice)
        out.append(ScheduledCue(at, phase, request, seconds))
        return at + seconds

    clock = 0.0
    if plan.get_ready > 0:
        add(0.0, -1, cues.get_ready.start)
        for cue in cues.get_ready.timeline:
            add(cue.at, -1, cue.request)
        clock = plan.get_ready
    for i, (phase, phase_cues) in enumerate(zip(plan.phases, cues.phases, strict=True)):
        end = add(clock, i, phase_cues.start)
        for cue in phase_cues.timeline:
            end = max(end, add(clock + cue.at, i, cue.request))
        clock = (
            clock + phase.seconds if phase.seconds is not None else max(clock + phase.estimate_seconds, end)
        )
    add(clock, len(plan.phases), cues.done)
    out.sort(key=lambda c: (c.at, c.phase))
    return out


def collisions(timeline: Sequence[ScheduledCue]) -> list[tuple[ScheduledCue, ScheduledCue]]:
    """Each pair where a cue starts while an earlier one, not a tick, still plays."""
    found: list[tuple[ScheduledCue, ScheduledCue]] = []
    playing: ScheduledCue | None = None
    for cue in timeline:
        if playing is not None and cue.at < playing.end - 1e-9:
            found.append((playing, cue))
        if not cue.tick and (playing is None or cue.end > playing.end):
            playing = cue
    return found


def all_phrases(plan: Plan) -> list[str]:
    """Every phrase the cues of ``plan`` may say, whatever the clips' lengths (for recording)."""
    out = ["get ready", "halfway", "session complete"]
    efforts: list[Phase] = []
    for i, phase in enumerate(plan.phases):
        options = phrase_options(phase, efforts[-1] if efforts else None)
        out += options
        if i == 0:
            names = _name_and_side(phase)
            out += [f"get ready, {n}" for n in names] + names
        if i > 0 and plan.phases[i - 1].kind is PhaseKind.REST and phase.kind.is_effort:
            out.append(warning_phrase(phase))
        if phase.kind.is_effort:
            efforts.append(phase)
    return list(dict.fromkeys(out))
