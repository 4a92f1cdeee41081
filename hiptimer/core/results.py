"""What a run produces: the result of each phase, and the effects the engine asks the edges to carry out.

Pure data, no behaviour beyond small derived properties. The store saves these, the app renders
them, the audio edge plays :class:`PlayCue` requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hiptimer.core.outcomes import Outcome, RunStatus

if TYPE_CHECKING:  # annotations only: the history reads results without the plan and the cues
    from hiptimer.core.choices import PhaseKind, Side
    from hiptimer.core.cues import CueRequest
    from hiptimer.core.plan import Phase

__all__ = [
    "Effect",
    "Outcome",
    "PhaseFinished",
    "PhaseResult",
    "PhaseStarted",
    "PlayCue",
    "RunFinished",
    "RunStatus",
]


@dataclass(frozen=True, slots=True)
class PhaseResult:
    """What happened in one phase.

    Times are on the monotonic clock the engine was given; ``actual_seconds`` excludes pauses.
    """

    index: int
    label: str
    kind: PhaseKind
    side: Side | None
    set_index: int
    set_count: int
    round_index: int
    round_count: int
    planned_seconds: float | None
    """The planned time of a timed phase; None for open steps and counted reps."""
    actual_seconds: float
    paused_seconds: float
    reps_target: int | None
    reps_done: int | None
    outcome: Outcome
    started_at: float
    ended_at: float
    progression: str | None = None

    @classmethod
    def of(
        cls,
        phase: Phase,
        *,
        started_at: float,
        ended_at: float,
        paused_seconds: float,
        reps_done: int | None,
        outcome: Outcome,
    ) -> PhaseResult:
        """The result of ``phase`` from its times and how it ended."""
        return cls(
            index=phase.index,
            label=phase.label,
            kind=phase.kind,
            side=phase.side,
            set_index=phase.set_index,
            set_count=phase.set_count,
            round_index=phase.round_index,
            round_count=phase.round_count,
            planned_seconds=phase.seconds,
            actual_seconds=max(0.0, ended_at - started_at - paused_seconds),
            paused_seconds=paused_seconds,
            reps_target=phase.reps,
            reps_done=reps_done,
            outcome=outcome,
            started_at=started_at,
            ended_at=ended_at,
            progression=phase.progression,
        )


@dataclass(frozen=True, slots=True)
class PhaseStarted:
    """Phase ``index`` started at ``at``."""

    index: int
    at: float


@dataclass(frozen=True, slots=True)
class PhaseFinished:
    """A phase ended; save its result."""

    result: PhaseResult


@dataclass(frozen=True, slots=True)
class PlayCue:
    """Play a cue. ``at`` is when it was due; the effect may come a little later on a late tick."""

    request: CueRequest
    at: float


@dataclass(frozen=True, slots=True)
class RunFinished:
    """The run ended, completed or aborted; ``results`` holds the latest result of each phase."""

    status: RunStatus
    results: tuple[PhaseResult, ...]
    at: float


Effect = PhaseStarted | PhaseFinished | PlayCue | RunFinished
"""Something the engine asks the edges to do."""
