"""What a run produces: the result of each phase, and the effects the engine asks the edges to carry out.

Pure data, no behaviour beyond small derived properties. The store saves these, the app renders
them, the audio edge plays :class:`PlayCue` requests. :class:`PhaseResult` lives in
:mod:`hiptimer.core.phase_result` (re-exported here), so that the history and the home screen
read saved phases without making the engine's effects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hiptimer.core.outcomes import Outcome, RunStatus
from hiptimer.core.phase_result import PhaseResult

if TYPE_CHECKING:  # annotations only: the history reads results without the plan and the cues
    from hiptimer.core.cues import CueRequest

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
