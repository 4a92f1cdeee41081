"""Between two wakes of a hold nothing runs, and a wake repaints only what changed.

The run screen is the one part of hiptimer that is on screen for minutes at a time; what it costs
while it waits is measured by ``bench/cpu.py``. These tests pin what keeps it low: no widget keeps
a timer of its own, the screen sleeps on one event-loop timer until the engine's next moment, a
wake repaints the clock's lines and nothing else, and a text that keeps its width is repainted,
not laid out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Self

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Label
from tui_kit import FakeClock, follow, make_app, run_screen

from hiptimer.core.engine import Event
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.run import RunScreen
from hiptimer.tui.widgets.big_digits import DigitSize, glyph_lines, text_width
from hiptimer.tui.widgets.own_lines import OwnLines
from hiptimer.tui.widgets.progress_line import ProgressLine
from hiptimer.tui.widgets.quiet import set_text
from hiptimer.tui.widgets.readout import BigReadout

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


@contextmanager
def _refreshes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, tuple[Region, ...], bool]]]:
    """Every widget refresh asked for inside the block: (widget id or class, regions, layout)."""
    seen: list[tuple[str, tuple[Region, ...], bool]] = []
    original = Widget.refresh

    def refresh(
        self: Widget, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Widget:
        seen.append((self.id or type(self).__name__, regions, layout))
        return original(self, *regions, repaint=repaint, layout=layout, recompose=recompose)

    with monkeypatch.context() as patch:
        patch.setattr(Widget, "refresh", refresh)
        yield seen


async def test_a_hold_sleeps_on_one_wake_and_the_heartbeat() -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _in_the_hold(pilot, app)
        begin = clock.now
        assert screen.controller.state.phase.label.startswith("Kneeling")
        await pilot.pause()
        # The wake is the event loop's own timer, armed for the next whole second; the only
        # Textual timer running is the heartbeat.
        assert _running_timers(screen) == {"run-heartbeat"}
        assert screen.armed_for == pytest.approx(begin + 1)
        wake = screen._wake
        assert wake is not None and not wake.cancelled()
        await follow(app, clock, begin + 15)
        await pilot.pause()
        assert _running_timers(screen) == {"run-heartbeat"}
        assert screen._wake is not wake and wake.cancelled()
        assert screen.armed_for == pytest.approx(begin + 16)


async def test_a_wake_in_a_hold_repaints_the_digits_and_the_progress_line_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _in_the_hold(pilot, app)
        begin = clock.now
        await follow(app, clock, begin + 3)
        await pilot.pause()
        readout = screen.query_one(BigReadout)
        assert readout.value == "0:57"
        with _refreshes(monkeypatch) as seen:
            await follow(app, clock, begin + 4)
        assert readout.value == "0:56"
        # The last digit's cells alone, not the other figures nor the caption under them; no layout.
        rows = readout.digit_rows
        width, height = readout.size
        right = (width + text_width("0:56", rows)) // 2
        digit = DigitSize.of(rows).width
        top = (height - 1 - rows) // 2
        (readout_refresh, regions, layout), progress_refresh = seen
        assert (readout_refresh, layout, progress_refresh) == ("readout", False, ("progress", (), False))
        # Within the last digit's cells, the lines where 7 and 6 differ and no others.
        assert all(r.x == right - digit and r.width == digit for r in regions), regions
        lines = {y - top for r in regions for y in range(r.y, r.bottom)}
        seven, six = glyph_lines("7", rows), glyph_lines("6", rows)
        assert lines == {y for y in range(rows) if seven[y] != six[y]}
        assert 0 < len(lines) < rows
        progress = screen.query_one(ProgressLine)
        assert progress.fraction == pytest.approx(screen.controller.state.progress(clock.now))
        await pilot.pause()
        assert "left of 1:00" in str(readout.render_line(top + rows).text)  # the caption stays


async def test_the_progress_line_repaints_only_when_a_cell_changes() -> None:
    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield ProgressLine(id="progress")

    app = One()
    async with app.run_test(size=(40, 3)) as pilot:
        line = app.query_one(ProgressLine)
        line.show(0.5, "1:00 left")
        await pilot.pause()
        drawn = line._shown
        line.show(0.501, "1:00 left")  # the same half cell, the same percentage
        assert line._shown == drawn
        line.show(0.51, "1:00 left")  # a new percentage
        assert line._shown != drawn


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


async def test_the_clock_hands_out_the_lines_textual_would_draw_for_it() -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _in_the_hold(pilot, app)
        await follow(app, clock, clock.now + 3)
        await pilot.pause()
        for widget in (screen.query_one(BigReadout), screen.query_one(ProgressLine)):
            width, height = widget.size
            for crop in (Region(0, 0, width, height), Region(3, 1, width - 10, height - 1)):
                own = widget.render_lines(crop)
                styled = Widget.render_lines(widget, crop)  # through Textual's styles cache
                assert [list(strip) for strip in own] == [list(strip) for strip in styled]


async def test_a_clock_with_a_border_goes_through_textuals_styles() -> None:
    class Boxed(App[None]):
        CSS = "ProgressLine { border: round red; height: 3; padding: 0 1; }"

        def compose(self) -> ComposeResult:
            yield ProgressLine(id="progress")

    app = Boxed()
    async with app.run_test(size=(40, 5)) as pilot:
        line = app.query_one(ProgressLine)
        line.show(0.5, "1:00 left")
        await pilot.pause()
        text = [strip.text for strip in line.render_lines(Region(0, 0, 40, 3))]
        assert text[0].startswith("╭") and text[1].startswith("│ ") and "50%" in text[1]


_RenderLines = Callable[[Any, Region], list[Strip]]


async def test_a_wake_draws_only_the_widgets_in_the_repainted_band(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await _in_the_hold(pilot, app)
        await follow(app, clock, clock.now + 3)
        await pilot.pause()
        drawn: list[str] = []
        heights: list[int] = []

        def recorder(original: _RenderLines) -> _RenderLines:
            def render_lines(self: Widget, crop: Region) -> list[Strip]:
                drawn.append(self.id or type(self).__name__)
                heights.append(crop.height)
                return original(self, crop)

            return render_lines

        monkeypatch.setattr(Widget, "render_lines", recorder(Widget.render_lines))
        monkeypatch.setattr(OwnLines, "render_lines", recorder(OwnLines.render_lines))
        await follow(app, clock, clock.now + 1)
        await pilot.pause()
        # The clock, the progress line and the screen's background under them: not the head, the
        # instructions, the buttons or the footer, which have no cell in the band.
        assert "readout" in drawn and "progress" in drawn
        assert set(drawn) <= {"readout", "progress", "RunScreen"}, drawn
        # Only the band's lines: from the digit's first changed line to the progress line.
        readout = app.screen.query_one(BigReadout)
        assert max(heights) <= readout.size.height + 1 < 24
