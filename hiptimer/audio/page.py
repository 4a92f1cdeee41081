"""The cue player of ``hiptimer serve``: tells the browser page which clips to play.

The served app runs on the computer, but its sound belongs on the phone. For each cue this player
writes an escape sequence into the app's own output, which travels to the page with the screen;
the page's script takes it out before the terminal sees it, fetches the WAVs from the server (once
each) and plays them with Web Audio, the same tones and spoken parts the terminal plays::

    ESC ] 7791 ; hiptimer-cue ; {"cue": "work", "clips": [["work.wav", 0], ...], "say": null} BEL

``clips`` are paths under the server's ``/sounds/`` with the second each starts at, after the
first: the cue's tone (or the session's own sound), then the words, part by part, as
:func:`hiptimer.core.cues.part_files` finds them. Words with no recording go in ``say``, for the
browser's own speech, if it has one.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hiptimer.audio.sounds import VOICE_DIR
from hiptimer.core.cues import ClipLengths, CueRequest, part_files, speech_parts

__all__ = ["OSC_CODE", "OSC_TAG", "PagePlayer", "cue_message", "cue_sequence"]

OSC_CODE = 7791
"""The operating-system-command number of the sequence (unused by terminals: xterm.js ignores it)."""
OSC_TAG = "hiptimer-cue"


def cue_message(request: CueRequest, lengths: ClipLengths, *, voice: bool = True) -> dict[str, Any]:
    """What the page plays for ``request``: clips with their start times, and words to speak."""
    clips: list[list[Any]] = []
    at = 0.0
    if request.tone:
        if request.sound is not None and request.sound in lengths.sounds:
            clips.append([request.sound, 0.0])
            at = lengths.sounds[request.sound]
        else:
            clips.append([f"{request.cue.value}.wav", 0.0])
            at = lengths.tone(request.cue)
    say: str | None = None
    if voice and request.speech:
        words: list[list[Any]] = []
        t = at
        for n, part in enumerate(speech_parts(request.speech)):
            stems = part_files(part, lambda s: s in lengths.parts)
            if stems is None:
                words, say = [], request.speech
                break
            if n:
                t += lengths.gap
            for k, stem in enumerate(stems):
                if k:
                    t += lengths.word_gap
                words.append([f"{VOICE_DIR}/{stem}.wav", round(t, 3)])
                t += lengths.parts[stem]
        clips += words
    return {"cue": request.cue.value if request.tone else "say", "clips": clips, "say": say}


def cue_sequence(message: dict[str, Any]) -> str:
    """The escape sequence that carries ``message`` to the page (ASCII, no control characters)."""
    return f"\x1b]{OSC_CODE};{OSC_TAG};{json.dumps(message, separators=(',', ':'))}\x07"


class PagePlayer:
    """Plays cues on the page of ``hiptimer serve``, through the app's output.

    Args:
        emit: Writes a string to the app's output (the app's driver); must not block.
        sounds_dir: The built-in sounds, which the server serves under ``/sounds/``.
        user_sounds_dir: The user's sounds, served in place of built-in ones of the same name.
        voice: Speak phrases (else tones only).
        offset: Seconds the app plays cues early (carried for the app).
    """

    def __init__(
        self,
        emit: Callable[[str], None],
        *,
        sounds_dir: Path,
        user_sounds_dir: Path | None = None,
        voice: bool = True,
        offset: float = 0.0,
    ) -> None:
        self.name = "page"
        self.voice = voice
        self.offset = offset
        self._emit = emit
        self._dirs = (sounds_dir, user_sounds_dir)
        self._lengths: ClipLengths | None = None

    @property
    def clip_lengths(self) -> ClipLengths:
        """How long each sound the page plays lasts (read from the files once)."""
        if self._lengths is None:
            from hiptimer.audio.lengths import clip_lengths

            self._lengths = clip_lengths(*self._dirs)
        return self._lengths

    def play(self, request: CueRequest) -> None:
        """Send the cue to the page; returns at once, never raises."""
        with contextlib.suppress(Exception):
            self._emit(cue_sequence(cue_message(request, self.clip_lengths, voice=self.voice)))

    def close(self) -> None:
        """Nothing to let go of."""
