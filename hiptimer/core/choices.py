"""The fixed choices of a session file that the compiled plan carries on: sides, voice, effort.

They live apart from :mod:`hiptimer.core.model` (which re-exports them) so that the plan, the engine
and the history can name them without loading pydantic and the session schema: ``hiptimer
history`` reads the history file and never validates a session.

This module is part of the pure core: it imports nothing but the standard library.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Effort", "Sides", "Voice"]


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
