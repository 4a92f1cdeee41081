"""Helpers for the engine tests: plans from session files or dicts, and a run on a fake clock.

The fake clock only moves when a test says so. :meth:`FakeRun.sleep_until` wakes the engine the
way the app does (at ``next_wakeup``), so every story also checks that the wake-ups are right.
Effects are written as one line of text each, so a story reads as a transcript:

    "10 start #0 Sprint uphill"
    "10 cue go 'sprint, 10 seconds'"
    "20 end #0 completed 10s"
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hiptimer.audio.lengths import clip_lengths
from hiptimer.core.cues import ClipLengths
from hiptimer.core.engine import Event, RunState, Status, new_run, step
from hiptimer.core.plan import Plan, compile_plan
from hiptimer.core.results import Effect, PhaseFinished, PhaseStarted, PlayCue, RunFinished
from hiptimer.core.schema import validate_session

SESSIONS = Path(__file__).resolve().parent.parent / "sessions"
SOUNDS = SESSIONS.parent / "sounds"

LENGTHS: ClipLengths = clip_lengths(SOUNDS)
"""The lengths of the shipped clips: runs in the tests plan their cues as the app does."""

T0 = 1000.0
"""Where the fake clock starts: far from zero, so a time mixed up with a duration shows."""


def builtin_plan(session_id: str, targets: Mapping[str, float] | None = None) -> Plan:
    """The compiled plan of a built-in routine from ``sessions/``."""
    with (SESSIONS / f"{session_id}.toml").open("rb") as f:
        session = validate_session(tomllib.load(f))
    return compile_plan(session, targets)


def plan_of(session: dict[str, Any]) -> Plan:
    """The compiled plan of a session given as a dict (as if read from TOML)."""
    return compile_plan(validate_session(session))


def describe(effect: Effect, plan: Plan, origin: float = T0) -> str:
    """One effect as a line of text, times in seconds after ``origin``."""
    if isinstance(effect, PlayCue):
        request = effect.request
        speech = f" {request.speech!r}" if request.speech is not None else ""
        sound = f" sound={request.sound}" if request.sound is not None else ""
        what = request.cue.value if request.tone else "say"
        return f"{effect.at - origin:g} cue {what}{speech}{sound}"
    if isinstance(effect, PhaseStarted):
        phase = plan.phases[effect.index]
        side = f" {phase.side}" if phase.side is not None else ""
        return f"{effect.at - origin:g} start #{effect.index} {phase.label}{side}"
    if isinstance(effect, PhaseFinished):
        r = effect.result
        reps = f" reps {r.reps_done}/{r.reps_target}" if r.reps_target is not None else ""
        paused = f" paused {r.paused_seconds:g}s" if r.paused_seconds else ""
        return f"{r.ended_at - origin:g} end #{r.index} {r.outcome} {r.actual_seconds:g}s{reps}{paused}"
    return f"{effect.at - origin:g} run {effect.status} ({len(effect.results)} results)"


def shown(state: RunState, now: float) -> tuple[Status, int, int, int]:
    """What the run screen shows at ``now``: status, phase, whole seconds, reps.

    The seconds are those left in a timed phase or countdown (rounded up), or those elapsed in an
    open or counted phase (rounded down).
    """
    left = state.remaining(now)
    if left is not None:
        seconds = max(0, math.ceil(left - 1e-9))
    else:
        seconds = math.floor(state.active_seconds(now) + 1e-9)
    return state.status, state.index, seconds, state.reps_shown(now)


class FakeRun:
    """A run of ``plan`` on a fake clock that starts at :data:`T0`; keeps every effect, in order."""

    def __init__(self, plan: Plan, *, first_index: int = 0) -> None:
        self.plan = plan
        self.state = new_run(plan, first_index=first_index, lengths=LENGTHS)
        self.now = T0
        self.effects: list[Effect] = []

    def send(self, event: Event, at: float | None = None) -> tuple[Effect, ...]:
        """Step ``event`` at ``at`` seconds after T0 (default: now); the clock moves there."""
        if at is not None:
            self.now = T0 + at
        self.state, effects = step(self.state, event, self.now)
        self.effects.extend(effects)
        return effects

    def sleep_until(self, at: float) -> None:
        """Let the clock run to ``at`` seconds after T0, waking exactly when the engine asks."""
        target = T0 + at
        while True:
            wake = self.state.next_wakeup(self.now)
            if wake is None or wake > target:
                break
            assert wake >= self.now, "the engine asked to be woken in the past"
            self.now = wake
            self.send(Event.TICK)
        self.now = max(self.now, target)

    def press(self, event: Event, at: float) -> tuple[Effect, ...]:
        """Sleep (waking as asked) until ``at``, then send ``event``."""
        self.sleep_until(at)
        return self.send(event)

    def transcript(self) -> list[str]:
        """Every effect so far as text."""
        return [describe(e, self.plan) for e in self.effects]

    def take(self) -> list[str]:
        """The effects since the last call, as text; forgets them."""
        lines = self.transcript()
        self.effects.clear()
        return lines

    @property
    def finished(self) -> RunFinished:
        """The run's RunFinished effect (fails if there is not exactly one)."""
        ends = [e for e in self.effects if isinstance(e, RunFinished)]
        assert len(ends) == 1, ends
        return ends[0]
