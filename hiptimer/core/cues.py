"""The cue vocabulary: what the engine asks the audio edge to play.

Pure data. The engine emits a :class:`CueRequest`; a :class:`CuePlayer` (``hiptimer.audio``) turns
it into sound: a tone WAV for the cue, and, when the session speaks, the phrase in ``speech``.

A phrase is made of *parts* joined by ", " (``"leg swings, left leg"``); each part is one recording
(``voice/left-leg.wav``), or, when there is no recording of the whole part, the longest runs of its
words that have one (``"repeat 5 of 8"`` is ``voice/repeat-5.wav`` then ``voice/of-8.wav``).
:func:`part_files` decides which, for the player and for :class:`ClipLengths` alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

__all__ = [
    "PART_GAP_SECONDS",
    "WORD_GAP_SECONDS",
    "ClipLengths",
    "Cue",
    "CuePlayer",
    "CueRequest",
    "part_files",
    "slug",
    "speech_parts",
]

PART_GAP_SECONDS = 0.12
"""Silence between the parts of a composed phrase."""
WORD_GAP_SECONDS = 0.03
"""Silence between the recorded runs of words of one part ("repeat 5" "of 8")."""


class Cue(StrEnum):
    """A kind of cue. Each has a tone file ``sounds/<value>.wav``."""

    GET_READY = "get-ready"
    """The get-ready countdown starts."""
    GO = "go"
    """Reps start."""
    WORK = "work"
    """Hard work starts (a sprint)."""
    HOLD = "hold"
    """A hold starts."""
    EASY = "easy"
    """An easy step starts (walk down, jog back)."""
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
    SOON = "soon"
    """Work follows a long rest in a few seconds ("sprint in 10 seconds")."""


@dataclass(frozen=True, slots=True)
class CueRequest:
    """One cue to play now.

    Attributes:
        cue: Which cue.
        speech: A phrase to say, made of parts joined by ", " (``"kneeling hip flexor, left leg,
            1 minute"``); None for a tone alone.
        sound: A session's custom WAV for this phase start, if it names one.
        tone: Whether the cue's tone (or custom sound) plays before the words; False for words
            alone (the next move said during the end of the phase before it).
    """

    cue: Cue
    speech: str | None = None
    sound: str | None = None
    tone: bool = True


_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """The file name stem of a spoken part: ``"Kneeling hip-flexor"`` -> ``"kneeling-hip-flexor"``."""
    return _SLUG_JUNK.sub("-", text.lower()).strip("-")


def speech_parts(speech: str) -> list[str]:
    """The parts of a phrase: ``"squats, 10 reps"`` -> ``["squats", "10 reps"]``."""
    return [p.strip() for p in speech.split(",") if p.strip()]


def part_files(text: str, has: Callable[[str], bool]) -> list[str] | None:
    """The recordings that say one part, as slugs, or None if its words are not all recorded.

    The whole part's recording when there is one; otherwise the longest runs of its words that
    have one, from the left (``"repeat 5 of 8"`` -> ``["repeat-5", "of-8"]``).

    Args:
        text: The part.
        has: Whether a recording of a slug exists.
    """
    whole = slug(text)
    if not whole:
        return None
    if has(whole):
        return [whole]
    words = whole.split("-")
    out: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            candidate = "-".join(words[i:j])
            if has(candidate):
                out.append(candidate)
                i = j
                break
        else:
            return None
    return out


DEFAULT_TONE_SECONDS = 0.6
"""The length assumed for a tone whose file is not known."""


@dataclass(frozen=True, slots=True)
class ClipLengths:
    """How long each sound plays: facts of the WAV files, handed to the core as data.

    The audio side measures them (:func:`hiptimer.audio.lengths.clip_lengths`); the cue planner
    (:mod:`hiptimer.core.cue_timeline`) uses them to fit every cue between the others. A part with no
    recording (a user's own session, said by a speech engine) gets an estimate from its letters.

    Attributes:
        tones: Seconds of each tone, by cue value ("go").
        parts: Seconds of each recorded spoken part, by slug ("left-leg").
        sounds: Seconds of each custom step sound, by the name a session gives ("gong.wav").
        gap: Silence between parts (:data:`PART_GAP_SECONDS`).
        word_gap: Silence between runs of words of one part (:data:`WORD_GAP_SECONDS`).
    """

    tones: Mapping[str, float] = field(default_factory=dict)
    parts: Mapping[str, float] = field(default_factory=dict)
    sounds: Mapping[str, float] = field(default_factory=dict)
    gap: float = PART_GAP_SECONDS
    word_gap: float = WORD_GAP_SECONDS

    def tone(self, cue: Cue) -> float:
        """Seconds the cue's tone plays."""
        return self.tones.get(cue.value, DEFAULT_TONE_SECONDS)

    def part(self, text: str) -> float:
        """Seconds one spoken part plays (recorded, or estimated for a speech engine)."""
        files = part_files(text, lambda s: s in self.parts)
        if files is None:
            return 0.3 + 0.06 * len(text)
        return sum(self.parts[f] for f in files) + self.word_gap * (len(files) - 1)

    def phrase(self, speech: str | None) -> float:
        """Seconds a phrase plays: its parts with a gap between each."""
        parts = speech_parts(speech or "")
        if not parts:
            return 0.0
        return sum(self.part(p) for p in parts) + self.gap * (len(parts) - 1)

    def request(self, request: CueRequest, *, voice: bool = True) -> float:
        """Seconds a whole cue plays: its tone (or custom sound), then its words."""
        total = 0.0
        if request.tone:
            if request.sound is not None and request.sound in self.sounds:
                total += self.sounds[request.sound]
            else:
                total += self.tone(request.cue)
        if voice:
            total += self.phrase(request.speech)
        return total


class CuePlayer(Protocol):
    """Plays cues for the app; the app is handed one (see :mod:`hiptimer.core.ports`)."""

    name: str
    """The backend's name as the user sees it: "simpleaudio", "aplay", "bell", "off"."""

    def play(self, request: CueRequest) -> None:
        """Start playing ``request``; returns at once (well under a millisecond), never raises."""

    def close(self) -> None:
        """Stop playing and let go of the device; never raises."""
