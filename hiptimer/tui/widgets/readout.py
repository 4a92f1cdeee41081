"""The big number of the run screen: time left, reps against target, or time elapsed.

One widget draws its own lines (Textual's line API) from a small glyph table, and repaints only the
lines that changed: the run screen shows a new number every second for minutes on end, and this
is the part of the screen that changes. (Three widgets, Textual's ``Digits`` for each number and a
slash between them, cost several times as much to draw each second.)
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["BigReadout", "big_text"]

_GLYPHS: dict[str, tuple[str, str, str]] = {
    "0": ("┏━┓", "┃ ┃", "┗━┛"),
    "1": ("╺┓ ", " ┃ ", "╺┻╸"),
    "2": ("╺━┓", "┏━┛", "┗━╸"),
    "3": ("╺━┓", " ━┫", "╺━┛"),
    "4": ("╻ ╻", "┗━┫", "  ╹"),
    "5": ("┏━╸", "┗━┓", "╺━┛"),
    "6": ("┏━╸", "┣━┓", "┗━┛"),
    "7": ("╺━┓", "  ┃", "  ╹"),
    "8": ("┏━┓", "┣━┫", "┗━┛"),
    "9": ("┏━┓", "┗━┫", "╺━┛"),
    ":": ("   ", " : ", "   "),
    " ": ("   ", "   ", "   "),
    "/": ("   ╱ ", "  ╱  ", " ╱   "),
}
"""Each character three cells tall (the digits are Textual's bold 3x3 font); the slash is as tall as
the digits, with a cell of space on either side."""


def big_text(value: str) -> tuple[str, str, str]:
    """``value`` as three lines of large characters; a character with no glyph sits on the last line."""
    rows: tuple[list[str], list[str], list[str]] = ([], [], [])
    for char in value:
        glyph = _GLYPHS.get(char, (" ", " ", char))
        for row, part in zip(rows, glyph, strict=True):
            row.append(part)
    top, middle, bottom = ("".join(row) for row in rows)
    return top, middle, bottom


class BigReadout(Widget):
    """A value in large characters with a caption under it, centred.

    A value such as ``"7/10"`` (reps against target) has a tall slash in it. With the class
    ``-plain`` (a very small terminal) the value is one line of bold text instead. The widget's
    colour is the value's; the caption is muted.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"readout--caption"}

    DEFAULT_CSS = """
    BigReadout {
        height: 4;
        width: 1fr;
    }
    BigReadout.-plain { height: 2; }
    BigReadout > .readout--caption { color: $foreground-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.value = ""
        """The value shown, as text ("0:37", "7/10")."""
        self.caption = ""
        """The words under it."""
        self._lines: list[Strip] | None = None
        """The lines as drawn last, kept until the value, caption, size or style changes."""
        self._styles: tuple[Style, Style, Style] | None = None
        """The value's, the caption's and the blank cells' styles, kept until the style changes."""

    @property
    def plain(self) -> bool:
        """Whether the value is one line of text (a very small terminal) rather than large digits."""
        return self.has_class("-plain")

    def show(self, value: str, caption: str) -> None:
        """Show ``value`` large and ``caption`` under it; repaint only the lines that change."""
        value_rows = 1 if self.plain else 3
        width = self.size.width
        if value != self.value:
            self.value = value
            self._lines = None
            self.refresh(Region(0, 0, width, value_rows))
        if caption != self.caption:
            self.caption = caption
            self._lines = None
            self.refresh(Region(0, value_rows, width, 1))

    def notify_style_update(self) -> None:
        """The colours changed (the run's state, the theme): draw the lines again."""
        super().notify_style_update()
        self._lines = None
        self._styles = None

    def render_line(self, y: int) -> Strip:
        """One line of the value or the caption."""
        width = self.size.width
        lines = self._lines
        if lines is None or (lines and lines[0].cell_length != width):
            self._lines = lines = self._draw(width)
        return lines[y] if y < len(lines) else Strip.blank(width, self.rich_style)

    def _draw(self, width: int) -> list[Strip]:
        if self._styles is None:
            base = self.rich_style
            caption = base + self.get_component_rich_style("readout--caption")
            self._styles = (base + Style(bold=True), caption, base)
        value_style, caption_style, base = self._styles
        texts = [self.value] if self.plain else list(big_text(self.value))
        lines = [_centred(text, width, value_style, base) for text in texts]
        lines.append(_centred(self.caption, width, caption_style, base))
        return lines


def _centred(text: str, width: int, style: Style, pad_style: Style) -> Strip:
    """``text`` in ``style`` in the middle of ``width`` cells (cut at the right if it is wider)."""
    size = cell_len(text)
    if size >= width:
        return Strip([Segment(text, style)], size).crop(0, width)
    left = (width - size) // 2
    right = width - size - left
    return Strip(
        [Segment(" " * left, pad_style), Segment(text, style), Segment(" " * right, pad_style)], width
    )
