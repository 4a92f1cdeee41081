"""The cue players that need no worker: silent, recording (for tests), and the terminal bell.

Every player has the same small surface (:class:`CuePlayer`): ``play`` returns at once and never
raises, ``close`` lets go of the device. Attributes the app may set: ``voice`` (speak phrases, or
tones only) and ``offset`` (seconds the app plays cues early, for slow outputs: the player only
carries the number, the app does the scheduling).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from hiptimer.core.cues import CuePlayer, CueRequest

__all__ = ["BellPlayer", "CuePlayer", "NullPlayer", "RecordingPlayer", "tty_bell"]


class NullPlayer:
    """Plays nothing and remembers nothing."""

    def __init__(self, name: str = "off", *, offset: float = 0.0) -> None:
        self.name = name
        self.voice = False
        self.offset = offset
        """Seconds the app plays cues early (carried for the app; nothing plays here)."""

    def play(self, request: CueRequest) -> None:
        """Do nothing."""

    def close(self) -> None:
        """Do nothing."""


class RecordingPlayer:
    """Remembers every request, in order; for tests."""

    def __init__(self, name: str = "recording", *, voice: bool = True, offset: float = 0.0) -> None:
        self.name = name
        self.voice = voice
        self.offset = offset
        self.requests: list[CueRequest] = []
        """Every request played, oldest first."""
        self.closed = False

    def play(self, request: CueRequest) -> None:
        """Remember ``request``."""
        self.requests.append(request)

    def close(self) -> None:
        """Remember that the player was closed."""
        self.closed = True


class BellPlayer:
    """Rings the terminal bell for every cue.

    Args:
        bell: Rings once (the app passes its own; it must not block).
        offset: See :class:`WorkerPlayer`.
    """

    def __init__(self, bell: Callable[[], None], *, offset: float = 0.0) -> None:
        self.name = "bell"
        self.voice = False
        self.offset = offset
        self._bell = bell

    def play(self, request: CueRequest) -> None:
        """Ring once."""
        with contextlib.suppress(Exception):
            self._bell()

    def close(self) -> None:
        """Nothing to let go of."""


def tty_bell() -> Callable[[], None] | None:
    """A bell that writes ``\\a`` to the controlling terminal, or None without one."""
    try:
        tty = open("/dev/tty", "w")  # noqa: SIM115 - kept open for the player's life
    except OSError:
        return None

    def ring() -> None:
        with contextlib.suppress(OSError, ValueError):
            tty.write("\a")
            tty.flush()

    return ring
