"""Where the worker plays clips: simpleaudio, or a system player command.

Each output can :meth:`~Output.probe` whether it works here without making a sound anyone hears
(simpleaudio on Linux opens and closes ALSA's default device; a command plays 20 ms of silence),
and :meth:`~Output.start` a clip, returning once playback has started.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Protocol

from hiptimer.audio.alsa import default_device_problem
from hiptimer.audio.sounds import Clip

__all__ = [
    "PLAYER_COMMANDS",
    "CommandOutput",
    "Handle",
    "Output",
    "ProcessHandle",
    "SimpleaudioOutput",
    "choose_output",
]

PLAYER_COMMANDS: dict[str, list[str]] = {
    "aplay": ["aplay", "-q"],
    "paplay": ["paplay"],
    "pw-play": ["pw-play"],
    "afplay": ["afplay"],
}
"""System player commands, in the order ``auto`` tries them, with their arguments before the file."""

PROBE_TIMEOUT = 5.0
"""Seconds a player command may take to play the probe's 20 ms of silence."""


class Handle(Protocol):
    """A sound that has started."""

    def is_playing(self) -> bool: ...

    def stop(self) -> None: ...


class Output(Protocol):
    """Where clips are played."""

    name: str

    def probe(self) -> str | None:
        """None if playback works here, else why not."""

    def start(self, clip: Clip) -> Handle:
        """Start playing; return once playback has started."""


class ProcessHandle:
    """A program playing or speaking; it has ended when the process has."""

    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )

    def is_playing(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=1.0)


class SimpleaudioOutput:
    """simpleaudio's ``play_buffer``: ALSA on Linux, CoreAudio on macOS, WinMM on Windows."""

    name = "simpleaudio"

    def __init__(self) -> None:
        import simpleaudio

        self._sa: Any = simpleaudio

    def probe(self) -> str | None:
        if sys.platform.startswith("linux"):
            return default_device_problem()
        silence = Clip(b"\x00\x00" * 441, 1, 2, 22050)
        try:
            self.start(silence).stop()
        except Exception as exc:
            return f"no sound device ({exc})"
        return None

    def start(self, clip: Clip) -> Handle:
        handle: Handle = self._sa.play_buffer(clip.frames, clip.channels, clip.sampwidth, clip.rate)
        return handle


class CommandOutput:
    """A system player command, handed a WAV file per sound.

    Args:
        argv: The command and its arguments before the file name.
        scratch: A folder for composed clips, which have no file of their own.
    """

    def __init__(self, argv: list[str], scratch: Path) -> None:
        self.argv = argv
        self.name = Path(argv[0]).name
        self.scratch = scratch
        self._files: dict[str, Path] = {}

    def probe(self) -> str | None:
        silence = Clip(b"\x00\x00" * 441, 1, 2, 22050)
        try:
            done = subprocess.run(
                [*self.argv, str(self._file_for(silence))],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=PROBE_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return f"{self.name}: {exc}"
        return None if done.returncode == 0 else f"{self.name} failed (exit {done.returncode})"

    def _file_for(self, clip: Clip) -> Path:
        if clip.path is not None:
            return clip.path
        data = clip.wav_bytes()
        key = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        path = self._files.get(key)
        if path is None:
            path = self.scratch / f"{key}.wav"
            path.write_bytes(data)
            self._files[key] = path
        return path

    def start(self, clip: Clip) -> Handle:
        return ProcessHandle([*self.argv, str(self._file_for(clip))])


def choose_output(backend: str, commands: list[str], scratch: Path) -> tuple[Output | None, str]:
    """The first output that works for ``backend`` ("auto", "simpleaudio" or "command").

    Returns:
        The output, or None and the reasons each candidate failed.
    """
    reasons: list[str] = []
    if backend in ("auto", "simpleaudio"):
        try:
            output: Output = SimpleaudioOutput()
        except ImportError as exc:
            reasons.append(f"simpleaudio not installed ({exc})")
        else:
            problem = output.probe()
            if problem is None:
                return output, output.name
            reasons.append(f"simpleaudio: {problem}")
    if backend in ("auto", "command"):
        found = False
        for name in commands:
            argv = PLAYER_COMMANDS.get(name, [name])
            path = shutil.which(argv[0])
            if path is None:
                continue
            found = True
            output = CommandOutput([path, *argv[1:]], scratch)
            problem = output.probe()
            if problem is None:
                return output, output.name
            reasons.append(problem)
        if not found:
            reasons.append("no player command found (" + ", ".join(commands) + ")")
    return None, "; ".join(reasons) or f"unknown backend {backend!r}"
