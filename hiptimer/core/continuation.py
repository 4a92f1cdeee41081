"""Going on by the clock: where an interrupted run is now, from where it was and the time since.

A run that another process drove (a closed terminal, a browser tab whose connection dropped)
left behind a :class:`LivePosition`: the phase it was in, when that phase started on the wall
clock, and its pauses. The run did not stop for the runner; it stopped for the app. So when it is
picked up again a few minutes later, it goes on where its clock says it is now: a rest with 1:40
left, picked up 20 s later, shows 1:20, and a phase whose time ran out meanwhile has ended (an
open step, or reps counted by the runner, still wait for *done*). A paused run stays paused.

Pure: wall-clock times are seconds since the epoch, passed in; the monotonic reading the engine
will run on is passed in too.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from hiptimer.core.cues import ClipLengths, Cue, CueRequest
from hiptimer.core.engine import Event, RunState, Status, run_at, step
from hiptimer.core.live import LivePosition
from hiptimer.core.plan import PhaseKind, Plan
from hiptimer.core.results import Effect

__all__ = [
    "DEFAULT_CONTINUE_MINUTES",
    "LivePosition",
    "continue_run",
    "is_recent",
    "position_of",
    "resumed_cue",
    "resumed_text",
    "where_text",
]

DEFAULT_CONTINUE_MINUTES = 5.0
"""A run interrupted less than this many minutes ago goes on by its clock, without a question."""


def position_of(state: RunState, wall_of: Callable[[float], float]) -> LivePosition | None:
    """Where ``state`` is, with its monotonic times turned into wall-clock ones by ``wall_of``.

    None for a run that has not started or has ended.
    """
    if not state.running:
        return None
    return LivePosition(
        index=state.index,
        phase_started=wall_of(state.started_at),
        paused=state.paused,
        paused_at=None if state.paused_at is None else wall_of(state.paused_at),
        counting_down=state.counting_down,
        reps=state.reps,
    )


def is_recent(interrupted_at: float, wall_now: float, minutes: float) -> bool:
    """Whether a run interrupted at ``interrupted_at`` may go on by its clock at ``wall_now``.

    A clock that went backwards (the interruption is in the future) does not count as recent.
    """
    return minutes > 0 and 0.0 <= wall_now - interrupted_at < minutes * 60.0


def continue_run(
    plan: Plan,
    position: LivePosition,
    *,
    now: float,
    wall_now: float,
    first_index: int | None = None,
    lengths: ClipLengths | None = None,
) -> tuple[RunState, tuple[Effect, ...]]:
    """The run at ``position``, gone on by the clock to ``wall_now``.

    Args:
        plan: The run's plan.
        position: Where it was.
        now: The monotonic reading the returned state is on (the caller's clock, now).
        wall_now: The wall clock now, seconds since the epoch.
        first_index: How far back *back* may go (default: the position's phase).
        lengths: How long each cue's clips play (see :func:`~hiptimer.core.engine.new_run`).

    Returns:
        The state, and the effects of catching up: each phase that ended meanwhile is finished at
        its own deadline (to be saved); cues that would have played meanwhile are not replayed.
    """
    shift = now - wall_now  # wall -> monotonic
    started = min(position.phase_started, wall_now) + shift
    paused_at = None if position.paused_at is None else min(position.paused_at, wall_now) + shift
    state = run_at(
        plan,
        index=position.index,
        started_at=started,
        paused=position.paused,
        paused_at=paused_at,
        counting_down=position.counting_down,
        reps=position.reps,
        first_index=first_index,
        lengths=lengths,
        now=now,
    )
    return step(state, Event.TICK, now)


def where_text(state: RunState, now: float) -> str:
    """Where a run is, in a few words: "Rest, 1:20 left", "Walk down"."""
    where = "Get ready" if state.counting_down else state.phase.label
    left = state.remaining(now)
    return f"{where}, {_clock(left)} left" if left is not None else where


def resumed_text(state: RunState, now: float) -> str:
    """The words shown when a run goes on: "Resumed: Rest, 1:20 left"."""
    paused = " (paused)" if state.status is Status.PAUSED else ""
    return f"Resumed{paused}: {where_text(state, now)}"


def resumed_cue(state: RunState, now: float) -> CueRequest:
    """The cue played when a run goes on: its phase's tone, and "resumed, rest, 1 minute 20"."""
    if state.counting_down:
        cue, what = Cue.GET_READY, "get ready"
    else:
        phase = state.phase
        cue = {PhaseKind.REST: Cue.REST, PhaseKind.SWITCH: Cue.SWITCH}.get(phase.kind, Cue.GO)
        what = phase.speech.split(", ")[0]
    parts = ["resumed", what]
    left = state.remaining(now)
    if left is not None and left >= 1:
        parts.append(_spoken(left))
    return CueRequest(cue, speech=", ".join(parts))


def _clock(seconds: float) -> str:
    whole = max(0, math.ceil(seconds - 1e-6))
    return f"{whole // 60}:{whole % 60:02d}"


def _spoken(seconds: float) -> str:
    """Time left in words: "1 minute 20", "2 minutes", "40 seconds"."""
    whole = max(0, math.ceil(seconds - 1e-6))
    minutes, secs = divmod(whole, 60)
    if minutes == 0:
        return f"{secs} seconds"
    unit = "minute" if minutes == 1 else "minutes"
    return f"{minutes} {unit} {secs}" if secs else f"{minutes} {unit}"
