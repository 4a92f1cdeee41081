"""The run screen's clock: the big readout and the progress line draw what they are given.

Both draw their own lines, so these tests read the lines back as text from a real app.
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget

from hiptimer.tui.widgets.progress_line import ProgressLine, bar_cells
from hiptimer.tui.widgets.readout import BigReadout, big_text


def _lines(widget: Widget) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.size.height)]


class _Clock(App[None]):
    CSS = "BigReadout.-stop { color: red; }"

    def compose(self) -> ComposeResult:
        yield BigReadout(id="readout")
        yield ProgressLine(id="progress")


def test_big_text_draws_digits_three_lines_tall() -> None:
    assert big_text("0:37") == (
        "┏━┓   ╺━┓╺━┓",
        "┃ ┃ :  ━┫  ┃",
        "┗━┛   ╺━┛  ╹",
    )
    assert big_text("7/10") == (
        "╺━┓   ╱ ╺┓ ┏━┓",
        "  ┃  ╱   ┃ ┃ ┃",
        "  ╹ ╱   ╺┻╸┗━┛",
    )
    assert big_text("~") == (" ", " ", "~")  # no glyph: on the last line, one cell wide


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


async def test_the_readout_centres_the_value_over_its_caption_and_goes_plain_when_small() -> None:
    app = _Clock()
    async with app.run_test(size=(30, 8)) as pilot:
        readout = app.query_one(BigReadout)
        readout.show("0:37", "left of 1:00")
        await pilot.pause()
        lines = _lines(readout)
        assert [line.strip() for line in lines] == [*big_text("0:37"), "left of 1:00"]
        assert all(len(line) == 30 for line in lines)
        assert lines[0].index("┏") == (30 - len(big_text("0:37")[0])) // 2
        readout.add_class("-plain")
        await pilot.pause()
        assert readout.size.height == 2
        assert [line.strip() for line in _lines(readout)] == ["0:37", "left of 1:00"]
        readout.show("0:36", "left of 1:00")
        await pilot.pause()
        assert _lines(readout)[0].strip() == "0:36"


async def test_the_readout_is_in_the_colour_of_its_state_and_the_caption_muted() -> None:
    app = _Clock()
    app.theme = "textual-dark"
    async with app.run_test(size=(30, 8)) as pilot:
        readout = app.query_one(BigReadout)
        readout.show("1", "get ready")
        await pilot.pause()
        value_style = list(readout.render_line(1))[1].style
        caption_style = list(readout.render_line(3))[1].style
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
        before = list(readout.render_line(0))[1].style
        readout.add_class("-stop")  # as the run screen does when the run is paused
        await pilot.pause()
        after = list(readout.render_line(0))[1].style
        assert before is not None and after is not None
        assert after.color is not None and after.color.triplet == (255, 0, 0)
        assert before.color != after.color
