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

import os
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
        The player, and a notice such as ``"audio: simpleaudio"`` or
        ``"audio: no device, using terminal bell"``.
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
                note = f" ({wanted} unavailable: {problem})" if problem else ""
                return player, f"audio: {prefix}{player.name}{note}"
            problem = problem or failed
    ring = bell or tty_bell()
    if ring is not None:
        if wanted in ("bell", "web"):
            return BellPlayer(ring, offset=offset), f"audio: {prefix}terminal bell"
        return BellPlayer(ring, offset=offset), f"audio: {prefix}no device, using terminal bell"
    if wanted == "bell":
        return NullPlayer("off", offset=offset), f"audio: {prefix}no terminal for the bell, visual cues only"
    return NullPlayer("off", offset=offset), f"audio: {prefix}no device, visual cues only"
