"""Textual's Linux terminal driver, with an input thread that sleeps until a key comes.

Textual's driver reads the keyboard in a thread that wakes ten times a second whether or not a
key was pressed (to notice a lone Escape and the app closing). During a run nothing is pressed for
minutes, and those wakes were a third of what a Textual app costs while it shows a clock. This
driver's thread blocks until there is input or it is told to stop; for a second after any input
it wakes as often as Textual's does, which is when a lone Escape needs resolving.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import time
from codecs import getincrementaldecoder
from threading import Event
from typing import TYPE_CHECKING, Any

from textual import constants
from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["QuietLinuxDriver"]

POLL_SECONDS = 0.1
"""How often the input thread wakes while input is coming in (as Textual's does all the time)."""

LINGER_SECONDS = max(1.0, 2 * constants.ESCAPE_DELAY + POLL_SECONDS)
"""How long after the last input it keeps waking: long enough to resolve a lone Escape."""


class _WakingEvent(Event):
    """An event that also writes a byte to a pipe when set, to wake a thread waiting on the pipe."""

    def __init__(self, wake_fd: int) -> None:
        super().__init__()
        self._wake_fd = wake_fd

    def set(self) -> None:
        super().set()
        with contextlib.suppress(OSError):  # closed: nobody is waiting any more
            os.write(self._wake_fd, b"\0")


class QuietLinuxDriver(LinuxDriver):
    """The Linux driver, whose input thread sleeps while there is no input."""

    def __init__(self, app: App[Any], **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._wake_read, self._wake_write = os.pipe()
        self.exit_event = _WakingEvent(self._wake_write)

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events, as Textual does, without waking for nothing."""
        selector = selectors.SelectSelector()
        fileno = self.fileno
        wake = self._wake_read
        selector.register(fileno, selectors.EVENT_READ)
        selector.register(wake, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        lingering_until = 0.0

        def process(ready: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            nonlocal lingering_until
            for last, (key, mask) in loop_last(ready):
                if key.fd == wake:
                    os.read(wake, 1024)
                    continue
                if mask & selectors.EVENT_READ:
                    data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not data:  # stdin is a pipe that has ended
                        break
                    lingering_until = time.monotonic() + LINGER_SECONDS
                    for event in parser.feed(data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                timeout = POLL_SECONDS if time.monotonic() < lingering_until else None
                process(selector.select(timeout))
            selector.unregister(wake)
            process(selector.select(0), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass

    def close(self) -> None:
        """Close the terminal's writer and the input thread's wake-up pipe."""
        super().close()
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)
