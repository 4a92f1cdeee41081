"""The fixed choices of a session file that the compiled plan carries on: sides, voice, effort;
and what a phase is and which leg it works.

They live apart from :mod:`hiptimer.core.model` and :mod:`hiptimer.core.plan` (which re-export
them) so that the engine and the history can name them without loading pydantic and the session
schema, or the plan's compiler: ``hiptimer history`` reads the history file and never validates a
session nor rebuilds a plan.

This module is part of the pure core: it imports nothing but the standard library.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Effort", "PhaseKind", "Side", "Sides", "Voice"]


class PhaseKind(StrEnum):
    """What the runner is doing in a phase."""

    HOLD = "hold"
    REPS = "reps"
    WORK = "work"
    REST = "rest"
    OPEN = "open"
    SWITCH = "switch"

    @property
    def is_effort(self) -> bool:
        """Work of some kind (as opposed to rest or changing sides)."""
        return self not in (PhaseKind.REST, PhaseKind.SWITCH)


class Side(StrEnum):
    """Which leg a one-sided phase works."""

    LEFT = "left"
    RIGHT = "right"


class Sides(StrEnum):
    """How a one-sided move is split between the legs."""

    NONE = "none"
    """Both legs at once, or it does not matter."""
    EACH = "each"
    """All sets on the left leg, then switch, then all sets on the right."""
    ALTERNATE = "alternate"
    """Left, right, left, right: one set per side in turn."""


class Voice(StrEnum):
    """What the phase-start cue sounds like."""

    SPEECH = "speech"
    """Say the phase aloud ("kneeling hip-flexor, left leg, 60 seconds")."""
    TONES = "tones"
    """Tones only."""


class Effort(StrEnum):
    """How hard a step is meant to be: the run screen shows easy steps apart from hard work."""

    EASY = "easy"
    """Recovery at an easy pace (the walk back down the hill)."""
    HARD = "hard"
    """Work: holds, reps and sprints."""
