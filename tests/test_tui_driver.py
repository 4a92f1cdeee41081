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
from collections.abc import Iterator
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


async def test_the_input_thread_sleeps_until_a_key_then_polls_a_while_then_sleeps_again(
    selects: queue.Queue[float | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = _Clock()
    monkeypatch.setattr(driver_module, "time", clock)
    keyboard, typing = os.pipe()
    driver = _Recording(App(), keyboard)
    thread = threading.Thread(target=driver.run_input_thread)
    thread.start()
    try:
        assert _next_select(selects) is None  # nothing typed: it sleeps, with no timeout
        os.write(typing, b"a")
        assert _key(driver.sent).key == "a"
        # After input it wakes as Textual's does, to resolve a lone Escape, for a while ...
        assert _next_select(selects) == POLL_SECONDS
        # ... and once that while is over, it sleeps again.
        clock.now += LINGER_SECONDS + 0.01
        while (timeout := _next_select(selects)) is not None:
            assert timeout == POLL_SECONDS
        os.write(typing, b" ")
        assert _key(driver.sent).key == "space"
    finally:
        driver.exit_event.set()
        thread.join(WAIT)
        driver.close()
        os.close(keyboard)
        os.close(typing)
    assert not thread.is_alive()


async def test_a_lone_escape_is_heard_and_stopping_wakes_the_sleeping_thread(
    selects: queue.Queue[float | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = _Clock()
    monkeypatch.setattr(driver_module, "time", clock)
    keyboard, typing = os.pipe()
    driver = _Recording(App(), keyboard)
    thread = threading.Thread(target=driver.run_input_thread)
    thread.start()
    try:
        assert _next_select(selects) is None
        os.write(typing, b"\x1b")  # Escape alone: it is a key once no sequence follows
        assert _key(driver.sent).key == "escape"
        assert _next_select(selects) is not None
    finally:
        clock.now += LINGER_SECONDS + 0.01
        while selects.get(timeout=WAIT) is not None:  # back to sleep, with no timeout
            pass
        driver.exit_event.set()  # the app closing: the thread wakes and ends at once
        thread.join(WAIT)
        driver.close()
        os.close(keyboard)
        os.close(typing)
    assert not thread.is_alive()


@pytest.mark.skipif(sys.platform == "win32", reason="the Linux driver")
def test_the_app_uses_the_quiet_driver_on_a_terminal() -> None:
    app = make_app(FakeClock())
    assert app.get_driver_class() is QuietLinuxDriver
