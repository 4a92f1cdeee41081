"""The start-up audio notice: when the cues fall back (no simpleaudio, no device), the notice says
why and the way out, and stays up until the get-ready countdown ends or a key is pressed; a notice
that only names the output asked for goes after a moment."""

from __future__ import annotations

import pytest
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.widgets._toast import Toast
from tui_kit import T0, FakeClock, follow, make_app, run_screen

from hiptimer.core.engine import Status
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.home import HomeScreen

FALLBACK = (
    "audio: terminal bell (simpleaudio is not installed: apt-get install libasound2-dev, then make run)"
)
GET_READY = 5.0
"""pre-run-hips counts down 5 s before its first step."""


async def settle(pilot: Pilot[None], app: HiptimerApp) -> None:
    await app.workers.wait_for_complete()
    await app.store_worker.drain()
    await pilot.pause()


def shown(app: HiptimerApp) -> list[str]:
    """The text of each notice on screen."""
    return [str(toast.render()) for toast in app.screen.query(Toast)]


async def test_the_fallback_notice_stays_through_the_countdown_and_goes_when_it_ends() -> None:
    clock = FakeClock()
    messages: list[Message] = []
    app = make_app(clock, start="pre-run-hips", audio_notice=FALLBACK)
    async with app.run_test(size=(100, 30), message_hook=messages.append, notifications=True) as pilot:
        await settle(pilot, app)
        assert shown(app) == [FALLBACK]
        await follow(app, clock, T0 + GET_READY - 0.1)
        await pilot.pause()
        assert run_screen(app).controller.state.status is Status.GET_READY
        assert shown(app) == [FALLBACK], "still up while the countdown runs"
        await follow(app, clock, T0 + GET_READY + 0.1)
        await pilot.pause()
        assert run_screen(app).controller.state.status is Status.ACTIVE
        assert shown(app) == [], "gone when the countdown ends"
    (timeout,) = [m.notification.timeout for m in messages if isinstance(m, Notify)]
    assert timeout > 3600, "no timer of its own takes it down"


@pytest.mark.parametrize("key", ["down", "space"])
async def test_a_key_takes_the_fallback_notice_down(key: str) -> None:
    app = make_app(FakeClock(), audio_notice=FALLBACK)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen)
        assert shown(app) == [FALLBACK]
        await pilot.press(key)
        await pilot.pause()
        assert shown(app) == []


async def test_a_key_during_the_countdown_takes_it_down_too() -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips", audio_notice=FALLBACK)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("space")  # pause the countdown
        await pilot.pause()
        assert run_screen(app).controller.state.status is Status.PAUSED
        assert shown(app) == []


async def test_a_notice_naming_the_output_asked_for_goes_after_a_moment() -> None:
    messages: list[Message] = []
    app = make_app(FakeClock(), start="pre-run-hips", audio_notice="audio: simpleaudio")
    async with app.run_test(size=(100, 30), message_hook=messages.append, notifications=True) as pilot:
        await settle(pilot, app)
    # Its timeout runs on the real clock: whether it is still up at this point depends on how busy
    # the machine is, so the notice's own timeout is what is checked.
    (notice,) = [m.notification for m in messages if isinstance(m, Notify)]
    assert (notice.message, notice.timeout) == ("audio: simpleaudio", 3.0)
