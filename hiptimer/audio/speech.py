"""Speak phrases that have no pre-rendered recording, with a speech engine when one is installed.

The built-in sessions ship every phrase's parts as WAVs (see :mod:`hiptimer.audio.sounds`), so
they speak everywhere. A user's own session says names nobody recorded: those are synthesized at
run time by the first engine found on ``PATH``:

* ``espeak-ng`` / ``espeak`` (Linux and others): writes a WAV to stdout, played like any clip;
* ``say`` (macOS): writes a WAV file, played like any clip;
* ``spd-say`` (speech-dispatcher): speaks by itself; hiptimer only starts and stops it.

With none of them, the cue's tone plays alone.

A phrase is data from a session file, never part of the command line's options: engines that
read text from stdin get it there (``espeak-ng --stdin``, ``say -f -``), and ``spd-say`` gets it
after ``--``, so a cue such as ``-w/some/file`` is spoken, not obeyed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hiptimer.audio.sounds import Clip, WavError, clip_from_wav_bytes, read_wav

__all__ = ["ENGINES", "SpeechEngine", "find_speech_engine"]

ENGINES = ("espeak-ng", "espeak", "say", "spd-say")
"""Speech engines hiptimer can use, in order of preference."""

SYNTH_TIMEOUT = 10.0
"""Seconds a speech engine may take to render one phrase."""


@dataclass(frozen=True, slots=True)
class SpeechEngine:
    """A speech engine found on this machine.

    Attributes:
        name: The program's name ("espeak-ng").
        path: Its full path.
    """

    name: str
    path: str

    @property
    def renders(self) -> bool:
        """Whether the engine renders audio that hiptimer plays (else it speaks by itself)."""
        return self.name != "spd-say"

    def render(self, text: str) -> Clip | None:
        """The phrase as a clip, or None if the engine failed (or cannot render to a file)."""
        try:
            if self.name in ("espeak-ng", "espeak"):
                done = subprocess.run(
                    [self.path, "--stdout", "-v", "en-us", "-s", "165", "--stdin"],
                    input=text.encode("utf-8"),
                    capture_output=True,
                    timeout=SYNTH_TIMEOUT,
                    check=False,
                )
                if done.returncode != 0:
                    return None
                return clip_from_wav_bytes(done.stdout, f"{self.name} output")
            if self.name == "say":
                return self._render_say(text)
        except (OSError, subprocess.SubprocessError, WavError):
            return None
        return None

    def _render_say(self, text: str) -> Clip | None:
        fd, name = tempfile.mkstemp(prefix="hiptimer-say-", suffix=".wav")
        os.close(fd)
        out = Path(name)
        try:
            argv = [self.path, "-o", name, "--file-format=WAVE", "--data-format=LEI16@22050", "-f", "-"]
            done = subprocess.run(
                argv, input=text.encode("utf-8"), capture_output=True, timeout=SYNTH_TIMEOUT, check=False
            )
            if done.returncode != 0:
                return None
            clip = read_wav(out)
            return Clip(clip.frames, clip.channels, clip.sampwidth, clip.rate)
        finally:
            out.unlink(missing_ok=True)

    def speak_argv(self, text: str) -> list[str]:
        """The command that speaks ``text`` aloud and exits when done (for engines that don't render).

        ``--`` ends the options, so the phrase (always the last argument) is never read as one.
        """
        return [self.path, "--wait", "--", text]


def find_speech_engine(path: str | None = None) -> SpeechEngine | None:
    """The first speech engine on ``PATH`` (``say`` only on macOS), or None.

    Args:
        path: The search path (default: the ``PATH`` environment variable).
    """
    for name in ENGINES:
        if name == "say" and sys.platform != "darwin":
            continue
        found = shutil.which(name, path=path)
        if found:
            return SpeechEngine(name, found)
    return None
