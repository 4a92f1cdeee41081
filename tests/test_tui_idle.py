"""Between two wakes of a hold nothing runs, and a wake repaints only what changed.

The run screen is the one part of hiptimer that is on screen for minutes at a time; what it costs
while it waits is measured by ``bench/cpu.py``. These tests pin the two things that keep it low:
no widget keeps a timer of its own, and a text that keeps its width is repainted, not laid out.
"""

from __future__ import annotations

from typing import Self

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Label, ProgressBar
from tui_kit import FakeClock, follow, make_app, run_screen

from hiptimer.engine import Event
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.run import PROGRESS_STEPS, RunScreen
from hiptimer.tui.widgets.quiet import set_text

HIP_FLEXOR_LEFT_1 = 7
"""The first 60 s hold of the pre-run routine, counted from its first step."""


async def _in_the_hold(pilot: Pilot[None], app: HiptimerApp) -> RunScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = run_screen(app)
    await pilot.press("enter")  # cut the get-ready countdown short
    for _ in range(HIP_FLEXOR_LEFT_1):
        screen.send(Event.NEXT)  # as the n key does
    await pilot.pause()
    return screen


def _running_timers(screen: RunScreen) -> set[str]:
    # Textual keeps each node's timers in ``_timers``; one whose task is alive and that is not
    # paused will fire. (Textual's own frame timer, "screen_update", is paused until something
    # asks to be redrawn.)
    return {
        timer.name
        for node in screen.walk_children(with_self=True)
        for timer in node._timers
        if timer._task is not None and not timer._task.done() and timer._active.is_set()
    }


async def test_a_hold_wakes_only_for_the_run_and_its_heartbeat() -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _in_the_hold(pilot, app)
        begin = clock.now
        assert screen.controller.state.phase.label.startswith("Kneeling")
        await pilot.pause()
        assert _running_timers(screen) == {"run-wake", "run-heartbeat"}
        await follow(app, clock, begin + 15)
        await pilot.pause()
        bar = screen.query_one(ProgressBar)
        state = screen.controller.state
        assert bar.progress == round(state.progress(clock.now) * PROGRESS_STEPS) > 0
        # The bar and its percentage follow the progress without ProgressBar.update().
        assert bar.percentage == bar.progress / PROGRESS_STEPS
        assert _running_timers(screen) == {"run-wake", "run-heartbeat"}


class _Watched(Label):
    """A label that notes whether each refresh asked for a new layout."""

    asked: list[bool]

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        self.__dict__.setdefault("asked", []).append(layout)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


class _Labels(App[None]):
    CSS = "_Watched { width: auto; } #hidden { display: none; }"

    def compose(self) -> ComposeResult:
        yield _Watched("0:57 left", id="left")
        yield _Watched("", id="hidden")


async def test_a_text_of_the_same_width_is_repainted_and_a_wider_one_laid_out() -> None:
    app = _Labels()
    async with app.run_test(size=(40, 5)) as pilot:
        left = app.query_one("#left", _Watched)
        left.asked = []
        set_text(left, "0:56 left")
        set_text(left, "0:56 left")  # unchanged: nothing at all
        assert left.asked == [False]
        await pilot.pause()
        assert str(left.content) == "0:56 left"
        assert left.size.width == 9
        set_text(left, "12:00 left")
        assert left.asked == [False, True]
        await pilot.pause()
        assert left.size.width == 10


async def test_a_hidden_text_changes_without_a_layout_and_shows_when_displayed() -> None:
    app = _Labels()
    async with app.run_test(size=(40, 5)) as pilot:
        hidden = app.query_one("#hidden", _Watched)
        hidden.asked = []
        set_text(hidden, "0:41")
        assert hidden.asked == [False]
        hidden.display = True
        await pilot.pause()
        assert str(hidden.content) == "0:41"
        assert hidden.size.width == 4
