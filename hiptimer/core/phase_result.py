"""What happened in one phase of a run: what the store saves and the history reads back.

Apart from :mod:`hiptimer.core.results` (which re-exports it) so that reading saved phases (the
home screen's targets for today, the history) does not make the engine's effects.

This module is part of the pure core: it imports nothing but the standard library and the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hiptimer.core.outcomes import Outcome

if TYPE_CHECKING:  # annotations only: the history reads results without the plan
    from hiptimer.core.choices import PhaseKind, Side
    from hiptimer.core.plan import Phase

__all__ = ["PhaseResult"]


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
