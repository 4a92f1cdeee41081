"""The cue vocabulary: what the engine asks the audio edge to play.

Pure data. The engine emits a :class:`CueRequest`; a :class:`CuePlayer` (``hiptimer.audio``) turns
it into sound: a tone WAV for the cue, and, when the session speaks, the phrase in ``speech``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

__all__ = ["Cue", "CuePlayer", "CueRequest"]


class Cue(StrEnum):
    """A kind of cue. Each has a tone file ``sounds/<value>.wav``."""

    GET_READY = "get-ready"
    """The get-ready countdown starts."""
    GO = "go"
    """Work, a hold or reps start."""
    REST = "rest"
    """A rest starts."""
    SWITCH = "switch"
    """Change legs."""
    PIP = "pip"
    """One of the 3-2-1 pips before a timed phase ends."""
    HALFWAY = "halfway"
    """Halfway through a long hold."""
    REP = "rep"
    """One rep of a paced rep step."""
    LAST_ONE = "last-one"
    """The last round of a repeat block starts."""
    DONE = "done"
    """The session is complete."""


@dataclass(frozen=True, slots=True)
class CueRequest:
    """One cue to play now.

    Attributes:
        cue: Which cue.
        speech: A phrase to say, made of parts joined by ", " (``"kneeling hip flexor, left leg,
            1 minute"``); None for a tone alone.
        sound: A session's custom WAV for this phase start, if it names one.
    """

    cue: Cue
    speech: str | None = None
    sound: str | None = None


class CuePlayer(Protocol):
    """Plays cues for the app; the app is handed one (see :mod:`hiptimer.core.ports`)."""

    name: str
    """The backend's name as the user sees it: "simpleaudio", "aplay", "bell", "off"."""

    def play(self, request: CueRequest) -> None:
        """Start playing ``request``; returns at once (well under a millisecond), never raises."""

    def close(self) -> None:
        """Stop playing and let go of the device; never raises."""
