"""How long each cue sound plays, read from the WAV files' headers, for the cue planner.

The core plans cues on a timeline (:mod:`hiptimer.core.cue_timeline`) from these lengths, handed to it
as data (:class:`~hiptimer.core.cues.ClipLengths`); it never opens a file. The user's sounds folder is
read after the built-in one, so a re-recorded part counts with its own length.
"""

from __future__ import annotations

import contextlib
import wave
from pathlib import Path

from hiptimer.audio.sounds import VOICE_DIR
from hiptimer.core.cues import ClipLengths

__all__ = ["clip_lengths", "wav_seconds"]


def wav_seconds(path: Path) -> float | None:
    """Seconds a WAV file plays, from its header (None if it is not a WAV)."""
    try:
        with wave.open(str(path), "rb") as w:
            frame = w.getnchannels() * w.getsampwidth()
            frames = w.getnframes()
            rate = w.getframerate()
    except (OSError, EOFError, wave.Error):
        return None
    if rate <= 0 or frame <= 0:
        return None
    with contextlib.suppress(OSError):
        # A streamed WAV (espeak-ng --stdout) carries a placeholder length: the file's size rules.
        frames = min(frames, max(0, path.stat().st_size - 44) // frame)
    return frames / rate


def clip_lengths(sounds_dir: Path, user_sounds_dir: Path | None = None) -> ClipLengths:
    """The lengths of the tones, custom sounds and spoken parts in the sounds folders.

    Args:
        sounds_dir: The built-in sounds.
        user_sounds_dir: The user's sounds, which replace built-in ones of the same name.
    """
    tops: dict[str, float] = {}
    parts: dict[str, float] = {}
    for folder in (sounds_dir, user_sounds_dir):
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.wav")):
            if (seconds := wav_seconds(path)) is not None:
                tops[path.name] = seconds
        for path in sorted((folder / VOICE_DIR).glob("*.wav")):
            if (seconds := wav_seconds(path)) is not None:
                parts[path.stem] = seconds
    tones = {name.removesuffix(".wav"): seconds for name, seconds in tops.items()}
    return ClipLengths(tones=tones, parts=parts, sounds=tops)
