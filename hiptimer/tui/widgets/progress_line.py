"""How far through the session: a bar, its percentage and the time left, in one line.

One widget draws the whole line itself (Textual's line API) and repaints only when a cell of it
would change: the bar moves by half cells, the percentage by whole ones, the time left by seconds.
(Textual's ``ProgressBar`` is three widgets, a time estimate the run screen does not show with a
timer of its own, and a label beside it: several times the drawing, every second of a run.)
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from hiptimer.tui.widgets.own_lines import OwnLines

__all__ = ["ProgressLine", "bar_cells"]

BAR = "━"
HALF_RIGHT = "╸"
"""The left half of a cell: the filled part ends in the middle of it."""
HALF_LEFT = "╺"
"""The right half of a cell: the empty part starts in the middle of it."""


def bar_cells(fraction: float, width: int) -> tuple[str, str]:
    """The filled and the empty part of a bar ``width`` cells wide, to the nearest half cell."""
    if width <= 0:
        return "", ""
    halves = round(min(max(fraction, 0.0), 1.0) * width * 2)
    full, half = divmod(halves, 2)
    filled = BAR * full + (HALF_RIGHT if half else "")
    rest = width - full - half
    empty = (HALF_LEFT + BAR * (rest - 1)) if rest and not half and full else BAR * rest
    return filled, empty


class ProgressLine(OwnLines):
    """A progress bar across the line, then the percentage and a text ("9:48 left") at the right."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"progress--bar", "progress--complete"}

    DEFAULT_CSS = """
    ProgressLine {
        height: 1;
        width: 1fr;
    }
    ProgressLine > .progress--bar {
        color: $primary;
        background: $surface;
    }
    ProgressLine > .progress--complete {
        color: $success;
        background: $surface;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fraction = 0.0
        """How much is done, 0 to 1."""
        self.text = ""
        """What follows the percentage."""
        self._shown: tuple[object, ...] | None = None
        self._strip: Strip | None = None
        """The line as drawn last, kept until a cell of it or its style changes."""
        self._styles: dict[bool, tuple[Style, Style, Style]] = {}
        """The filled part's, the empty part's and the text's styles, by whether all is done."""

    @property
    def percentage(self) -> int:
        """The whole percentage shown, rounded down: 100% only once everything is done."""
        return int(self.fraction * 100)

    def show(self, fraction: float, text: str) -> None:
        """Show ``fraction`` done and ``text``; repaint only if a cell changes."""
        self.fraction = min(max(fraction, 0.0), 1.0)
        self.text = text
        shown = self._visible()
        if shown != self._shown:
            self._shown = shown
            self._strip = None
            self.refresh()

    def notify_style_update(self) -> None:
        """The colours changed (the theme): draw the line again."""
        super().notify_style_update()
        self._strip = None
        self._styles = {}

    def _visible(self) -> tuple[object, ...]:
        width = self.size.width
        tail = self._tail()
        return (width, tail, round(self.fraction * max(0, width - cell_len(tail)) * 2))

    def _tail(self) -> str:
        return f"{self.percentage}%".rjust(5) + (f" {self.text}" if self.text else "")

    def line_at(self, y: int, width: int, height: int) -> Strip:
        """The bar, the percentage and the text."""
        if y != 0:
            return Strip.blank(width, self.rich_style)
        strip = self._strip
        if strip is None or strip.cell_length != width:
            self._strip = strip = self._draw(width)
        return strip

    def _draw(self, width: int) -> Strip:
        complete = self.fraction >= 1
        if complete not in self._styles:
            base = self.rich_style
            bar = self.get_component_rich_style(
                "progress--complete" if complete else "progress--bar", partial=True
            )
            self._styles[complete] = (base + Style(color=bar.color), base + Style(color=bar.bgcolor), base)
        filled_style, empty_style, base = self._styles[complete]
        tail = self._tail()
        filled, empty = bar_cells(self.fraction, max(0, width - cell_len(tail)))
        segments = [Segment(filled, filled_style), Segment(empty, empty_style), Segment(tail, base)]
        return Strip(segments).crop_extend(0, width, base)
