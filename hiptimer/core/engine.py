"""The run engine: a pure, deterministic state machine over a compiled plan.

``step(state, event, now) -> (state, effects)``. Time is an argument: ``now`` is a reading of a
monotonic clock in seconds, taken by the caller. Every event is accepted in every state; one that
means nothing there returns the state unchanged and no effects.

Timing works by deadlines. A timed phase ends at ``started_at + seconds + paused``; what the screen
shows is derived from that deadline, never counted down. When an event arrives late, every
boundary it passed is replayed at its own deadline, and the next phase starts at the old deadline
rather than at the late event, so lateness never adds up over a session.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from hiptimer.core.cue_timeline import CuePlan, PhaseCues, get_ready_cues, plan_cues
from hiptimer.core.cues import ClipLengths, CueRequest
from hiptimer.core.model import Voice
from hiptimer.core.plan import Phase, PhaseKind, Plan
from hiptimer.core.results import (
    Effect,
    Outcome,
    PhaseFinished,
    PhaseResult,
    PhaseStarted,
    PlayCue,
    RunFinished,
    RunStatus,
)

__all__ = [
    "BACK_GRACE_SECONDS",
    "STALE_CUE_SECONDS",
    "Event",
    "RunState",
    "Status",
    "new_run",
    "run_at",
    "step",
]

BACK_GRACE_SECONDS = 2.0
"""*Back* within this many seconds of a phase's start goes to the previous phase."""

STALE_CUE_SECONDS = 1.0
"""A timed cue more than this late (the app was busy, the machine slept) is dropped, not played."""


class Status(StrEnum):
    """Where a run is."""

    READY = "ready"
    GET_READY = "get-ready"
    ACTIVE = "active"
    PAUSED = "paused"
    FINISHED = "finished"
    ABORTED = "aborted"


class Event(StrEnum):
    """What can happen to a run."""

    START = "start"
    TICK = "tick"
    PAUSE = "pause"
    RESUME = "resume"
    TOGGLE_PAUSE = "toggle-pause"
    NEXT = "next"
    BACK = "back"
    REP = "rep"
    UNDO_REP = "undo-rep"
    DONE = "done"
    ABORT = "abort"


@dataclass(frozen=True, slots=True)
class RunState:
    """The whole state of a run. Frozen: each event makes a new one."""

    plan: Plan
    status: Status = Status.READY
    index: int = 0
    """The current phase (the first one during get-ready)."""
    started_at: float = 0.0
    """When the current phase (or the get-ready countdown) started."""
    paused: float = 0.0
    """Seconds paused since ``started_at``."""
    paused_at: float | None = None
    """When the current pause began."""
    resume_to: Status = Status.ACTIVE
    """The status a pause returns to."""
    reps: int = 0
    """Reps counted in the current phase."""
    cues_played: int = 0
    """How many of the current phase's timed cues are behind us."""
    results: tuple[PhaseResult, ...] = ()
    """The latest result of each phase reached, in phase order."""
    run_started_at: float | None = None
    ended_at: float | None = None
    last_now: float = 0.0
    """The latest time seen; an earlier ``now`` is taken as this one (the clock never goes back)."""
    first_index: int = 0
    """The phase the run started at (above 0 when resuming an interrupted run)."""
    cues: CuePlan | None = field(default=None, repr=False, compare=False)
    """Every cue of the run, planned so that none collides (see :mod:`hiptimer.core.cue_timeline`)."""
    _timeline: tuple[tuple[float, CueRequest], ...] = field(default=(), repr=False)

    @property
    def cue_plan(self) -> CuePlan:
        """The run's cues (planned from estimates if the run was made without clip lengths)."""
        return self.cues if self.cues is not None else plan_cues(self.plan)

    @property
    def phase(self) -> Phase:
        """The current phase."""
        return self.plan.phases[self.index]

    @property
    def running(self) -> bool:
        """Whether the run has started and not ended."""
        return self.status in (Status.GET_READY, Status.ACTIVE, Status.PAUSED)

    @property
    def over(self) -> bool:
        """Whether the run has ended."""
        return self.status in (Status.FINISHED, Status.ABORTED)

    @property
    def counting_down(self) -> bool:
        """In the get-ready countdown (or paused in it)."""
        return self.status is Status.GET_READY or (
            self.status is Status.PAUSED and self.resume_to is Status.GET_READY
        )

    def active_seconds(self, now: float) -> float:
        """Seconds of the current phase (or countdown) spent not paused."""
        now = max(now, self.last_now)
        pause_now = (now - self.paused_at) if self.paused_at is not None else 0.0
        return max(0.0, now - self.started_at - self.paused - pause_now)

    def duration(self) -> float | None:
        """Length of the current timed phase or countdown; None for an open or counted phase."""
        if self.counting_down:
            return self.plan.get_ready
        return self.phase.seconds

    def deadline(self) -> float | None:
        """When the current timed phase ends if nothing else happens (None while paused)."""
        length = self.duration()
        if length is None or self.paused_at is not None:
            return None
        return self.started_at + self.paused + length

    def remaining(self, now: float) -> float | None:
        """Seconds left in the current timed phase or countdown; None for open and counted phases."""
        length = self.duration()
        if length is None:
            return None
        return max(0.0, length - self.active_seconds(now))

    def reps_shown(self, now: float) -> int:
        """Reps done so far in the current rep phase (paced reps count themselves)."""
        phase = self.phase
        if phase.pace and not self.counting_down:
            return min(phase.reps or 0, int(self.active_seconds(now) / phase.pace + 1e-9))
        return self.reps

    def progress(self, now: float) -> float:
        """How far through the session, from 0 to 1, by estimated time."""
        total = self.plan.estimated_seconds
        if total <= 0 or self.status is Status.FINISHED:
            return 1.0
        before = sum(p.estimate_seconds for p in self.plan.phases[: self.index])
        if self.status is Status.READY or self.counting_down:
            return min(1.0, before / total)  # above 0 when resuming a run part-way
        here = min(self.active_seconds(now), self.phase.estimate_seconds)
        return min(1.0, (before + here) / total)

    def seconds_left(self, now: float) -> float:
        """Estimated seconds to the end of the session."""
        if self.over:
            return 0.0
        after = sum(p.estimate_seconds for p in self.plan.phases[self.index + 1 :])
        if self.status is Status.READY:
            return self.plan.get_ready + self.plan.estimated_seconds
        if self.counting_down:
            return (self.remaining(now) or 0.0) + self.phase.estimate_seconds + after
        here = self.remaining(now)
        if here is None:
            here = max(0.0, self.phase.estimate_seconds - self.active_seconds(now))
        return here + after

    def next_wakeup(self, now: float) -> float | None:
        """The next moment anything shown or played changes, or None if only an event can change it.

        The app sleeps until then: the next whole second of the big digits, the next cue, the end
        of the phase. Open and counted phases show elapsed seconds, so they wake once a second too.
        """
        if self.status not in (Status.GET_READY, Status.ACTIVE):
            return None
        now = max(now, self.last_now)
        active = self.active_seconds(now)
        moments: list[float] = []
        length = self.duration()
        base = self.started_at + self.paused
        if length is not None:
            left = length - active
            whole = math.ceil(left - 1e-9)
            moments.append(base + length - max(0, whole - 1))
        else:
            moments.append(base + math.floor(active + 1e-9) + 1)
        phase = self.phase
        if phase.pace and phase.reps and not self.counting_down:
            # Paced reps count themselves: the count shown changes at each rep, tick or no tick.
            done = self.reps_shown(now)
            if done < phase.reps:
                moments.append(base + (done + 1) * phase.pace)
        if self.cues_played < len(self._timeline):
            moments.append(base + self._timeline[self.cues_played][0])
        return max(now, min(moments))


def new_run(plan: Plan, *, first_index: int = 0, lengths: ClipLengths | None = None) -> RunState:
    """A run of ``plan`` that has not started.

    Args:
        plan: Today's plan.
        first_index: Resume an earlier run at this phase.
        lengths: How long each cue's clips play, to plan the cues so that none collides (None:
            estimates).
    """
    if not plan.phases:
        raise ValueError("a plan needs at least one phase")
    first = min(max(first_index, 0), len(plan.phases) - 1)
    return RunState(plan=plan, index=first, first_index=first, cues=plan_cues(plan, lengths))


def run_at(
    plan: Plan,
    *,
    index: int,
    started_at: float,
    paused: float = 0.0,
    paused_at: float | None = None,
    counting_down: bool = False,
    reps: int = 0,
    first_index: int | None = None,
    lengths: ClipLengths | None = None,
    now: float,
) -> RunState:
    """A run already under way: phase ``index`` (or the get-ready before it) started at
    ``started_at``, paused ``paused`` seconds since, and paused now if ``paused_at`` is set.

    This is how a run picks up where another process left it (see :mod:`hiptimer.core.continuation`).
    The cues are planned as :func:`new_run` plans them (from ``lengths``); those due before
    ``now`` count as played; boundaries passed since ``started_at`` are not crossed here: the next
    :func:`step` replays them at their own deadlines, as for a late tick.
    """
    index = min(max(index, 0), len(plan.phases) - 1)
    first = index if first_index is None else min(max(first_index, 0), index)
    going = Status.GET_READY if counting_down else Status.ACTIVE
    cues = plan_cues(plan, lengths)
    if not counting_down:
        timeline = _pairs(cues.phases[index])
    elif index == 0:
        timeline = _pairs(cues.get_ready)
    else:
        timeline = _pairs(get_ready_cues(plan, plan.phases[index], cues.lengths))
    seen = min(now, paused_at) if paused_at is not None else now
    base = started_at + paused
    played = sum(1 for offset, _ in timeline if base + offset <= seen)
    return RunState(
        plan=plan,
        status=Status.PAUSED if paused_at is not None else going,
        index=index,
        started_at=started_at,
        paused=paused,
        paused_at=paused_at,
        resume_to=going,
        reps=reps,
        cues_played=played,
        run_started_at=started_at,
        last_now=now,
        first_index=first,
        cues=cues,
        _timeline=timeline,
    )


def step(state: RunState, event: Event, now: float) -> tuple[RunState, tuple[Effect, ...]]:
    """Apply ``event`` at time ``now``; return the new state and what the edges must do."""
    now = max(now, state.last_now)
    state = replace(state, last_now=now)
    out: list[Effect] = []
    if state.over:
        return state, ()
    if state.status is Status.READY:
        if event is Event.START:
            state = _start(state, now, out)
        return state, _voiced(state.plan, out)
    # Catch up first: everything due up to `now` happens at its own time.
    state = _advance(state, now, out)
    if state.over:
        return state, _voiced(state.plan, out)
    handler = _HANDLERS.get(event)
    if handler is not None:
        state = handler(state, now, out)
    return state, _voiced(state.plan, out)


def _voiced(plan: Plan, effects: list[Effect]) -> tuple[Effect, ...]:
    """The effects, with no speech in any cue when the session asks for tones only."""
    if plan.voice is Voice.SPEECH:
        return tuple(effects)
    return tuple(
        PlayCue(replace(e.request, speech=None), e.at) if isinstance(e, PlayCue) else e for e in effects
    )


# --- transitions -------------------------------------------------------------------------------


def _start(state: RunState, now: float, out: list[Effect]) -> RunState:
    if state.cues is None:
        state = replace(state, cues=plan_cues(state.plan))
    state = replace(state, run_started_at=now)
    if state.plan.get_ready > 0:
        # Resuming part-way, the get-ready speaks of the phase it resumes at, without words
        # planned for the first one.
        ready = state.cue_plan.get_ready if state.index == 0 else _plain_ready(state)
        if ready.start is not None:
            out.append(PlayCue(ready.start, now))
        return replace(
            state,
            status=Status.GET_READY,
            started_at=now,
            paused=0.0,
            cues_played=0,
            _timeline=_pairs(ready),
        )
    return _enter(state, state.index, now, out, planned=False)


def _plain_ready(state: RunState) -> PhaseCues:
    """The get-ready cues when a run resumes at a later phase: its countdown, its name."""
    return get_ready_cues(state.plan, state.phase, state.cue_plan.lengths)


def _pairs(cues: PhaseCues) -> tuple[tuple[float, CueRequest], ...]:
    return tuple((c.at, c.request) for c in cues.timeline)


def _enter(
    state: RunState, index: int, at: float, out: list[Effect], *, cue: bool = True, planned: bool = False
) -> RunState:
    """Start phase ``index`` at time ``at``.

    ``planned``: the phase starts when the one before ended by its clock, so the words said early
    in that phase were heard; otherwise its start says them itself.
    """
    cues = state.cue_plan.phases[index]
    out.append(PhaseStarted(index, at))
    request = cues.start if planned else cues.cold_start
    if cue and request is not None and at >= state.last_now - STALE_CUE_SECONDS:
        out.append(PlayCue(request, at))
    return replace(
        state,
        status=Status.ACTIVE,
        index=index,
        started_at=at,
        paused=0.0,
        paused_at=None,
        reps=0,
        cues_played=0,
        _timeline=_pairs(cues),
    )


def _finish(
    state: RunState, at: float, outcome: Outcome, out: list[Effect], reps_done: int | None = None
) -> RunState:
    """End the current phase at ``at`` with ``outcome``; record and emit its result."""
    phase = state.phase
    if reps_done is None and phase.kind is PhaseKind.REPS:
        reps_done = state.reps_shown(at)
    result = PhaseResult.of(
        phase,
        started_at=state.started_at,
        ended_at=at,
        paused_seconds=state.paused + ((at - state.paused_at) if state.paused_at is not None else 0.0),
        reps_done=reps_done,
        outcome=outcome,
    )
    out.append(PhaseFinished(result))
    kept = tuple(r for r in state.results if r.index != phase.index)
    results = tuple(sorted((*kept, result), key=lambda r: r.index))
    return replace(state, results=results)


def _next_phase(state: RunState, at: float, out: list[Effect], *, planned: bool = False) -> RunState:
    """Move on from a finished phase: start the next one at ``at``, or end the run.

    ``planned``: the phase ended by its clock (see :func:`_enter`).
    """
    if state.index + 1 < len(state.plan.phases):
        return _enter(state, state.index + 1, at, out, planned=planned)
    status = _end_status(state)
    if status is RunStatus.ABORTED:
        # Skipped to the end: the run is stopped, in the store and on every screen alike (one
        # fact, one word), and nothing says "session complete".
        out.append(RunFinished(status, state.results, at))
        return replace(state, status=Status.ABORTED, ended_at=at, paused_at=None)
    done = state.cue_plan.done
    if at >= state.last_now - STALE_CUE_SECONDS:
        out.append(PlayCue(done, at))
    out.append(RunFinished(status, state.results, at))
    return replace(state, status=Status.FINISHED, ended_at=at, paused_at=None)


def _end_status(state: RunState) -> RunStatus:
    """A run that reached its end is completed, unless every move in it was skipped.

    Skipping through a whole session is not doing it: such a run must not count as done this
    week. A resumed run did its first part before, so it counts.
    """
    moves = [r for r in state.results if r.kind.is_effort]
    did_something = state.first_index > 0 or not moves or any(r.outcome.done for r in moves)
    return RunStatus.COMPLETED if did_something else RunStatus.ABORTED


def _advance(state: RunState, now: float, out: list[Effect]) -> RunState:
    """Play every cue and end every timed phase that is due by ``now``, each at its own time."""
    while state.status in (Status.GET_READY, Status.ACTIVE):
        base = state.started_at + state.paused
        while state.cues_played < len(state._timeline):
            offset, request = state._timeline[state.cues_played]
            due = base + offset
            if due > now:
                break
            if now - due <= STALE_CUE_SECONDS:
                out.append(PlayCue(request, due))
            state = replace(state, cues_played=state.cues_played + 1)
        deadline = state.deadline()
        if deadline is None or deadline > now:
            return state
        if state.status is Status.GET_READY:
            state = _enter(state, state.index, deadline, out, planned=state.index == 0)
        else:
            state = _finish(state, deadline, Outcome.COMPLETED, out)
            state = _next_phase(state, deadline, out, planned=True)
    return state


def _pause(state: RunState, now: float, out: list[Effect]) -> RunState:
    if state.status not in (Status.GET_READY, Status.ACTIVE):
        return state
    return replace(state, status=Status.PAUSED, paused_at=now, resume_to=state.status)


def _resume(state: RunState, now: float, out: list[Effect]) -> RunState:
    if state.status is not Status.PAUSED or state.paused_at is None:
        return state
    return replace(
        state,
        status=state.resume_to,
        paused=state.paused + (now - state.paused_at),
        paused_at=None,
    )


def _toggle_pause(state: RunState, now: float, out: list[Effect]) -> RunState:
    if state.status is Status.PAUSED:
        return _resume(state, now, out)
    return _pause(state, now, out)


def _while_running(state: RunState, now: float, out: list[Effect], move: _Handler) -> RunState:
    """Apply ``move`` as if running; a paused run stays paused, in whatever phase it lands."""
    was_paused = state.status is Status.PAUSED
    if was_paused:
        state = _resume(state, now, out)
    state = move(state, now, out)
    if was_paused and state.running:
        state = _pause(state, now, out)
    return state


def _next(state: RunState, now: float, out: list[Effect]) -> RunState:
    def move(s: RunState, t: float, o: list[Effect]) -> RunState:
        if s.status is Status.GET_READY:
            return _enter(s, s.index, t, o)
        s = _finish(s, t, Outcome.SKIPPED, o)
        return _next_phase(s, t, o)

    return _while_running(state, now, out, move)


def _back(state: RunState, now: float, out: list[Effect]) -> RunState:
    def move(s: RunState, t: float, o: list[Effect]) -> RunState:
        if s.status is Status.GET_READY:
            return replace(s, started_at=t, paused=0.0, cues_played=0)
        if s.active_seconds(t) < BACK_GRACE_SECONDS and s.index > s.first_index:
            return _enter(s, s.index - 1, t, o)
        return _enter(s, s.index, t, o)

    return _while_running(state, now, out, move)


def _rep(state: RunState, now: float, out: list[Effect]) -> RunState:
    phase = state.phase
    if state.status is not Status.ACTIVE or not phase.counted:
        return state
    state = replace(state, reps=state.reps + 1)
    if phase.reps is not None and state.reps >= phase.reps:
        state = _finish(state, now, Outcome.COMPLETED, out, reps_done=state.reps)
        state = _next_phase(state, now, out)
    return state


def _undo_rep(state: RunState, now: float, out: list[Effect]) -> RunState:
    if state.status not in (Status.ACTIVE, Status.PAUSED) or not state.phase.counted or state.counting_down:
        return state
    return replace(state, reps=max(0, state.reps - 1))


def _done(state: RunState, now: float, out: list[Effect]) -> RunState:
    """End the phase as the runner says: an open step or counted reps done, a sprint cut short.

    While paused it does the same and the run stays paused, as *next* does.
    """

    def move(s: RunState, t: float, o: list[Effect]) -> RunState:
        if s.status is Status.GET_READY:
            return _enter(s, s.index, t, o)
        phase = s.phase
        reps: int | None = None
        if phase.kind is PhaseKind.OPEN:
            outcome = Outcome.COMPLETED
        elif phase.counted:
            # Done with no reps pressed means "I did them"; otherwise the presses are the count.
            reps = s.reps if s.reps > 0 else phase.reps
            outcome = Outcome.COMPLETED if (reps or 0) >= (phase.reps or 0) else Outcome.ENDED_EARLY
        elif phase.kind is PhaseKind.WORK:
            # Inside a "5-10 s" range, ending early is a sprint done; under its short end it is not.
            short = phase.min_seconds is not None and s.active_seconds(t) < phase.min_seconds
            outcome = Outcome.SKIPPED if short else Outcome.ENDED_EARLY
        else:
            outcome = Outcome.SKIPPED
        s = _finish(s, t, outcome, o, reps_done=reps)
        return _next_phase(s, t, o)

    return _while_running(state, now, out, move)


def _abort(state: RunState, now: float, out: list[Effect]) -> RunState:
    if not state.running:
        return state
    if not state.counting_down:
        state = _finish(state, now, Outcome.ABORTED, out)
    out.append(RunFinished(RunStatus.ABORTED, state.results, now))
    return replace(state, status=Status.ABORTED, ended_at=now, paused_at=None)


def _tick(state: RunState, now: float, out: list[Effect]) -> RunState:
    return state


_Handler = Callable[[RunState, float, list[Effect]], RunState]

_HANDLERS: dict[Event, _Handler] = {
    Event.START: _tick,
    Event.TICK: _tick,
    Event.PAUSE: _pause,
    Event.RESUME: _resume,
    Event.TOGGLE_PAUSE: _toggle_pause,
    Event.NEXT: _next,
    Event.BACK: _back,
    Event.REP: _rep,
    Event.UNDO_REP: _undo_rep,
    Event.DONE: _done,
    Event.ABORT: _abort,
}
