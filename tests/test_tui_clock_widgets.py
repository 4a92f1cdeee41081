"""The run screen's clock: the big readout and the progress line draw what they are given.

Both draw their own lines, so these tests read the lines back as text from a real app.
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget

from hiptimer.tui.widgets.big_digits import fitting_size, render, text_width
from hiptimer.tui.widgets.progress_line import ProgressLine, bar_cells
from hiptimer.tui.widgets.readout import BigReadout


def _lines(widget: Widget) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.size.height)]


class _Clock(App[None]):
    CSS = "BigReadout.-stop { color: red; }"

    def compose(self) -> ComposeResult:
        yield BigReadout(id="readout")
        yield ProgressLine(id="progress")


def test_figures_three_lines_tall_are_drawn_in_blocks() -> None:
    assert render("0:37", 3) == [
        "█▀█ ▄ ▀▀█ ▀▀█",
        "█ █ ▄ ▀▀█   █",
        "▀▀▀   ▀▀▀   ▀",
    ]
    assert render("7/10", 3) == [
        "▀▀█   █ ▀█  █▀█",
        "  █  █   █  █ █",
        "  ▀ ▀    ▀  ▀▀▀",
    ]
    assert render("~", 3) == ["   "] * 3  # no figure: a digit's width of space


@pytest.mark.parametrize("rows", [3, 5, 9, 14])
def test_taller_figures_have_thicker_strokes_and_keep_their_shape(rows: int) -> None:
    eight = render("8", rows)
    assert len(eight) == rows
    assert len({len(line) for line in eight}) == 1 == len({len(line) for line in render("0:37", rows)})
    stroke = max(1, round((2 * rows - 1) / 6))
    assert eight[rows // 2].startswith("█" * stroke)  # the left stroke, as thick as a sixth of the height
    assert eight[rows // 2].endswith("█" * stroke)
    assert all(set(line) <= set(" ▀▄█") for line in eight)
    assert text_width("0:37", rows) == len(render("0:37", rows)[0])


def test_the_figures_are_as_tall_as_the_room_allows_and_no_wider() -> None:
    assert fitting_size("0:37", 100, 13) == 13  # as tall as the room
    assert text_width("0:37", fitting_size("0:37", 41, 30) or 0) <= 41  # as wide as the room
    assert fitting_size("12:39", 41, 30) < fitting_size("0:37", 41, 30)  # type: ignore[operator]
    assert fitting_size("0:37", 12, 30) is None  # not even three lines fit


@pytest.mark.parametrize(
    ("fraction", "filled", "empty"),
    [
        (0.0, "", "━━━━━━━━━━"),
        (0.1, "━", "╺━━━━━━━━"),
        (0.15, "━╸", "━━━━━━━━"),
        (0.5, "━━━━━", "╺━━━━"),
        (1.0, "━━━━━━━━━━", ""),
        (1.5, "━━━━━━━━━━", ""),
    ],
)
def test_the_bar_is_drawn_to_the_half_cell(fraction: float, filled: str, empty: str) -> None:
    assert bar_cells(fraction, 10) == (filled, empty)
    assert len(filled + empty) == 10


async def test_the_readout_draws_the_tallest_figures_that_fit_over_its_caption_and_text_when_none_do() -> (
    None
):
    app = _Clock()
    async with app.run_test(size=(30, 8)) as pilot:
        readout = app.query_one(BigReadout)
        readout.show("0:37", "left of 1:00")
        await pilot.pause()
        assert readout.size.height == 7  # the screen, less the progress line
        assert readout.digit_rows == fitting_size("0:37", 28, 6) == 6  # all but the caption's line
        lines = _lines(readout)
        figures = render("0:37", 6)
        assert [line.strip() for line in lines] == [*(f.strip() for f in figures), "left of 1:00"]
        assert all(len(line) == 30 for line in lines)
        assert lines[0].index("█") == (30 - len(figures[0])) // 2
        await pilot.resize_terminal(12, 8)  # too narrow for three-line figures: one line of text
        await pilot.pause()
        assert readout.plain and readout.digit_rows == 1
        assert [line.strip() for line in _lines(readout)][2:4] == ["0:37", "left of 1:00"]
        readout.show("0:36", "left of 1:00")
        await pilot.pause()
        assert "0:36" in [line.strip() for line in _lines(readout)]


async def test_the_readout_is_in_the_colour_of_its_state_and_the_caption_muted() -> None:
    app = _Clock()
    app.theme = "textual-dark"
    async with app.run_test(size=(30, 8)) as pilot:
        readout = app.query_one(BigReadout)
        readout.show("1", "get ready")
        await pilot.pause()
        rows = readout.digit_rows
        value_style = next(iter(readout.render_line(1))).style
        caption_style = list(readout.render_line(rows))[1].style
        assert value_style is not None and caption_style is not None
        assert value_style.bold and value_style.color != caption_style.color


async def test_the_progress_line_shows_bar_percentage_and_text_across_its_width() -> None:
    app = _Clock()
    async with app.run_test(size=(30, 8)) as pilot:
        progress = app.query_one(ProgressLine)
        progress.show(0.5, "9:48 left")
        await pilot.pause()
        (line,) = _lines(progress)
        assert line == "━━━━━━━╸━━━━━━━  50% 9:48 left"  # 7.5 cells of 15
        progress.show(0.999, "0:01 left")
        await pilot.pause()
        assert _lines(progress)[0].endswith("  99% 0:01 left")  # 100% only when it is all done
        progress.show(1.0, "0:00 left")
        await pilot.pause()
        assert _lines(progress)[0] == "━━━━━━━━━━━━━━━ 100% 0:00 left"


async def test_a_new_colour_redraws_the_readout_though_its_value_stays() -> None:
    app = _Clock()
    async with app.run_test(size=(30, 8)) as pilot:
        readout = app.query_one(BigReadout)
        readout.show("5", "left of 1:00")
        await pilot.pause()
        before = next(iter(readout.render_line(0))).style
        readout.add_class("-stop")  # as the run screen does when the run is paused
        await pilot.pause()
        after = next(iter(readout.render_line(0))).style
        assert before is not None and after is not None
        assert after.color is not None and after.color.triplet == (255, 0, 0)
        assert before.color != after.color
