"""Pick the cue player that works on this machine.

``HIPTIMER_AUDIO`` (or the ``mode`` argument) chooses where the chain starts:

==============  =========================================================================
``auto``        simpleaudio if installed and a device opens; else a player command;
                else the terminal bell; else silent (the default)
``simpleaudio`` simpleaudio, falling back down the chain if it cannot play
``command``     the first of aplay, paplay, pw-play, afplay on ``PATH`` that plays
``bell``        the terminal bell
``web``         the page of ``hiptimer serve`` (which sets it): the tones and words play there
``off``         silent
==============  =========================================================================
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path

from hiptimer.audio.player import WorkerPlayer
from hiptimer.audio.simple import BellPlayer, CuePlayer, NullPlayer, tty_bell

__all__ = ["MODES", "make_player"]

MODES = ("auto", "simpleaudio", "command", "bell", "web", "off")
"""The values ``HIPTIMER_AUDIO`` takes."""


def make_player(
    mode: str | None = None,
    *,
    sounds_dir: Path | None = None,
    user_sounds_dir: Path | None = None,
    bell: Callable[[], None] | None = None,
    voice: bool = True,
    offset: float = 0.0,
    emit: Callable[[str], None] | None = None,
) -> tuple[CuePlayer, str]:
    """Build the cue player for ``mode`` and say in one line which backend it uses.

    Starting a playback worker takes a moment (about 0.1 s): call this once, at start-up.

    Args:
        mode: One of :data:`MODES`; None reads ``HIPTIMER_AUDIO`` (default ``auto``).
        sounds_dir: The built-in sounds (default: the ones shipped with hiptimer).
        user_sounds_dir: The user's sounds, searched first (default: ``sounds`` in the config dir).
        bell: Rings the terminal bell without blocking (the app passes its own); None writes
            ``\\a`` to the controlling terminal, if there is one.
        voice: Speak each phase as it starts (else tones only); the app may change
            ``player.voice`` later.
        offset: Seconds to play cues early, for outputs with a long delay (Bluetooth): kept as
            ``player.offset`` for the app, which schedules cues that much earlier.
        emit: Writes to the app's output, for ``web`` (see :mod:`hiptimer.audio.page`).

    Returns:
        The player, and a notice such as ``"audio: simpleaudio"`` or, when it falls back, one
        that says why and the way out: ``"audio: terminal bell (simpleaudio is not installed:
        apt-get install libasound2-dev, then make run)"``.
    """
    raw = mode if mode is not None else os.environ.get("HIPTIMER_AUDIO", "")
    wanted = raw.strip().lower() or "auto"
    prefix = ""
    if wanted not in MODES:
        prefix = f"HIPTIMER_AUDIO={raw!r} is not one of {', '.join(MODES)}; "
        wanted = "auto"
    if wanted == "off":
        return NullPlayer("off", offset=offset), f"audio: {prefix}off"
    if wanted == "web" and emit is not None:
        from hiptimer.audio.page import PagePlayer

        if sounds_dir is None or user_sounds_dir is None:
            from hiptimer import locations, resources

            sounds_dir = sounds_dir or resources.sounds_dir()
            user_sounds_dir = user_sounds_dir or locations.user_sounds_dir()
        page = PagePlayer(
            emit, sounds_dir=sounds_dir, user_sounds_dir=user_sounds_dir, voice=voice, offset=offset
        )
        return page, f"audio: {prefix}in the browser (tap the page for sound)"

    problem: str | None = None
    if wanted in ("auto", "simpleaudio", "command"):
        if sounds_dir is None or user_sounds_dir is None:
            from hiptimer import locations, resources  # late: locations imports platformdirs

            sounds_dir = sounds_dir or resources.sounds_dir()
            user_sounds_dir = user_sounds_dir or locations.user_sounds_dir()
        chain = {"auto": ["auto"], "simpleaudio": ["simpleaudio", "command"], "command": ["command"]}
        for backend in chain[wanted]:
            player = WorkerPlayer(
                backend, sounds_dir=sounds_dir, user_sounds_dir=user_sounds_dir, voice=voice, offset=offset
            )
            failed = player.start()
            if failed is None:
                why = _why_not_simpleaudio(wanted, problem) if player.name != "simpleaudio" else None
                return player, f"audio: {prefix}{player.name}" + (f" ({why})" if why else "")
            problem = problem or failed
    why = None if wanted in ("bell", "web") else _why_not_simpleaudio(wanted, problem) or problem
    note = f" ({why})" if why else ""
    ring = bell or tty_bell()
    if ring is not None:
        return BellPlayer(ring, offset=offset), f"audio: {prefix}terminal bell{note}"
    if wanted == "bell":
        return NullPlayer("off", offset=offset), f"audio: {prefix}no terminal for the bell, visual cues only"
    return NullPlayer("off", offset=offset), f"audio: {prefix}visual cues only{note}"


def _why_not_simpleaudio(wanted: str, problem: str | None) -> str | None:
    """Why the cues do not play through simpleaudio, and the way out, in the words of the notice;
    None when that is not news (a player command was asked for, or plays while simpleaudio has
    no device)."""
    if wanted == "command":
        return None
    if (problem is not None and NOT_INSTALLED in problem) or not _simpleaudio_installed():
        return f"simpleaudio is not installed: {simpleaudio_way_out()}"
    if problem is not None and problem.startswith("simpleaudio: "):
        return problem.split("; ", 1)[0]  # "simpleaudio: no sound device (...)"
    return None


NOT_INSTALLED = "simpleaudio not installed"
"""How the worker's reason starts when ``import simpleaudio`` failed there."""


def _simpleaudio_installed() -> bool:
    """Whether the module is there to import (it is not imported here: the worker plays)."""
    return importlib.util.find_spec("simpleaudio") is not None


def simpleaudio_way_out() -> str:
    """How to get simpleaudio here: ALSA's headers first on Linux if they are missing, then the
    audio extra (``make run`` in a clone, which installs it once the headers are there)."""
    then = "make run" if CLONE_MAKEFILE.is_file() else "pip install 'hiptimer[audio]'"
    if sys.platform.startswith("linux") and not ALSA_HEADER.exists():
        return f"apt-get install libasound2-dev, then {then}"
    return then


ALSA_HEADER = Path("/usr/include/alsa/asoundlib.h")
"""What simpleaudio's build needs on Linux (Debian/Ubuntu: libasound2-dev)."""

CLONE_MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"
"""There when hiptimer runs from a clone (installed editable by ``make``), not from a wheel."""
