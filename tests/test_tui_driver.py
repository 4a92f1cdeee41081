"""The terminal driver's input thread: it sleeps until input comes, and still hears every key.

The thread runs for real, reading a pipe in place of the terminal; what it asks the selector for is
recorded, so the tests see whether it sleeps (no timeout) or polls, without timing anything.
"""

from __future__ import annotations

import os
import queue
import selectors
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.message import Message
from tui_kit import FakeClock, make_app

from hiptimer.tui import driver as driver_module
from hiptimer.tui.driver import LINGER_SECONDS, POLL_SECONDS, QuietLinuxDriver

WAIT = 10.0
"""How long a test waits for the thread before calling it stuck (it normally takes milliseconds)."""


class _Recording(QuietLinuxDriver):
    """The driver with what it would send to the app kept in a queue."""

    def __init__(self, app: App[Any], keyboard: int) -> None:
        super().__init__(app)
        self.fileno = keyboard
        self.sent: queue.Queue[Message] = queue.Queue()

    def process_message(self, message: Message) -> None:
        self.sent.put(message)


class _Clock:
    """The driver's idea of the time, moved by the test."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def selects(monkeypatch: pytest.MonkeyPatch) -> Iterator[queue.Queue[float | None]]:
    """The timeout of every select() the input thread makes, in order."""
    seen: queue.Queue[float | None] = queue.Queue()
    original = selectors.SelectSelector.select

    def select(self: selectors.SelectSelector, timeout: float | None = None) -> Any:
        seen.put(timeout)
        return original(self, timeout)

    monkeypatch.setattr(selectors.SelectSelector, "select", select)
    yield seen


def _key(sent: queue.Queue[Message]) -> events.Key:
    while True:
        message = sent.get(timeout=WAIT)
        if isinstance(message, events.Key):
            return message


def _next_select(seen: queue.Queue[float | None]) -> float | None:
    return seen.get(timeout=WAIT)


class _Running:
    """The driver's input thread running on a pipe: ``type`` writes to it as a keyboard would."""

    def __init__(self, clock: _Clock) -> None:
        self.clock = clock
        self._keyboard, self._typing = os.pipe()
        self.driver = _Recording(App(), self._keyboard)
        self.thread = threading.Thread(target=self.driver.run_input_thread)
        self._stopped = False

    def type(self, data: bytes) -> None:
        os.write(self._typing, data)

    def key(self) -> str:
        return _key(self.driver.sent).key

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.driver.exit_event.set()  # as the app closing does
        self.thread.join(WAIT)
        self.driver.close()
        os.close(self._keyboard)
        os.close(self._typing)


@pytest.fixture
async def running(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[_Running]:
    # Textual's drivers are made where an event loop runs.
    clock = _Clock()
    monkeypatch.setattr(driver_module, "time", clock)
    run = _Running(clock)
    run.thread.start()
    try:
        yield run
    finally:
        run.stop()
    assert not run.thread.is_alive()


async def test_the_input_thread_sleeps_until_a_key_then_polls_a_while_then_sleeps_again(
    selects: queue.Queue[float | None], running: _Running
) -> None:
    assert _next_select(selects) is None  # nothing typed: it sleeps, with no timeout
    running.type(b"a")
    assert running.key() == "a"
    # After input it wakes as Textual's does, to resolve a lone Escape, for a while ...
    assert _next_select(selects) == POLL_SECONDS
    # ... and once that while is over, it sleeps again.
    running.clock.now += LINGER_SECONDS + 0.01
    while (timeout := _next_select(selects)) is not None:
        assert timeout == POLL_SECONDS
    running.type(b" ")
    assert running.key() == "space"


async def test_a_lone_escape_is_heard_and_stopping_wakes_the_sleeping_thread(
    selects: queue.Queue[float | None], running: _Running
) -> None:
    assert _next_select(selects) is None
    running.type(b"\x1b")  # Escape alone: it is a key once no sequence follows
    assert running.key() == "escape"
    assert _next_select(selects) is not None
    running.clock.now += LINGER_SECONDS + 0.01
    while _next_select(selects) is not None:  # back to sleep, with no timeout
        pass
    running.stop()  # the thread wakes and ends at once
    assert not running.thread.is_alive()


@pytest.mark.skipif(sys.platform == "win32", reason="the Linux driver")
def test_the_app_uses_the_quiet_driver_on_a_terminal() -> None:
    app = make_app(FakeClock())
    assert app.get_driver_class() is QuietLinuxDriver
