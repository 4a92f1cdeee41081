"""The big number of the run screen: time left, reps against target, or time elapsed.

One widget draws its own lines (Textual's line API) in block figures as tall as its space allows
(see :mod:`hiptimer.tui.widgets.big_digits`), and repaints only the figures that changed: the run
screen shows a new number every second for minutes on end, and from one second to the next
usually only the last digit changes. (Textual's ``Digits`` is three lines tall at every size, and
three widgets for a number and a slash cost several times as much to draw each second.)
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from hiptimer.tui.widgets.big_digits import DigitSize, fitting_size, glyph_lines, render, text_width
from hiptimer.tui.widgets.own_lines import OwnLines

__all__ = ["BigReadout"]


class _Layout(NamedTuple):
    """Where the value goes in the widget: as figures ``rows`` tall, or one line of text (0)."""

    rows: int
    top: int
    left: int


class BigReadout(OwnLines):
    """A value in figures as large as fit, with a caption under it, centred.

    The figures are as tall as the widget allows, less the caption's line, and no wider than it;
    when not even the smallest figures (three lines) fit, the value is one line of bold text. A
    value such as ``"7/10"`` (reps against target) has a slash as tall as the digits. The widget's
    colour is the value's; the caption is muted.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"readout--caption"}

    DEFAULT_CSS = """
    BigReadout {
        height: 1fr;
        min-height: 2;
        width: 1fr;
    }
    BigReadout > .readout--caption { color: $foreground-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.value = ""
        """The value shown, as text ("0:37", "7/10")."""
        self.caption = ""
        """The words under it."""
        self._lines: list[Strip | None] | None = None
        """The lines as drawn last (None: not yet), kept until the value, caption, size or style
        changes."""
        self._width = 0
        """The width the lines were drawn for."""
        self._drawn_figures: tuple[tuple[str, int], list[str]] = (("", 0), [])
        """The last value drawn in figures (and their height), with its lines."""
        self._styles: tuple[Style, Style, Style] | None = None
        """The value's, the caption's and the blank cells' styles, kept until the style changes."""
        self._layouts: dict[tuple[int, int, str], _Layout] = {}
        """Layouts worked out, by size and the value's shape (a layout is asked for often)."""

    @property
    def digit_rows(self) -> int:
        """How many lines tall the value is drawn: 3 or more for figures, 1 for plain text."""
        return self._layout(self.value).rows or 1

    @property
    def plain(self) -> bool:
        """Whether the value is one line of text (too little room) rather than figures."""
        return self._layout(self.value).rows == 0

    def _layout(self, value: str) -> _Layout:
        width, height = self.size
        # Every digit is as wide as every other: the layout depends on where the colons are.
        shape = (width, height, "".join(":" if char == ":" else "0" for char in value))
        layout = self._layouts.get(shape)
        if layout is None:
            layout = self._layouts[shape] = _layout_of(shape[2], width, height)
        return layout

    def show(self, value: str, caption: str) -> None:
        """Show ``value`` large and ``caption`` under it; repaint only the cells that change."""
        if value != self.value:
            changed = self._changed(self.value, value)
            if changed:  # (none: nothing drawn differs, and refresh() alone would repaint it all)
                self.refresh(*changed)
            self.value = value
            # Lines outside the changed regions look as they did: they are kept.
            lines = self._lines
            if lines is not None:
                for region in changed:
                    for y in region.line_range:
                        if 0 <= y < len(lines):
                            lines[y] = None
        if caption != self.caption:
            self.caption = caption
            self._lines = None
            layout = self._layout(value)
            self.refresh(Region(0, layout.top + (layout.rows or 1), self.size.width, 1))

    def _changed(self, old: str, new: str) -> list[Region]:
        """The regions that differ between ``old`` and ``new`` drawn in place."""
        width = self.size.width
        before, after = self._layout(old), self._layout(new)
        if before != after:  # the figures' size or place changes: all of it, the caption too
            return [self.size.region]
        if len(old) != len(new) or not after.rows:
            return [Region(0, after.top, width, after.rows or 1)]
        size = DigitSize.of(after.rows)
        regions = []
        x = after.left
        for was, char in zip(old, new, strict=True):
            glyph = text_width(char, after.rows)
            if was != char:
                if text_width(was, after.rows) != glyph:
                    return [Region(0, after.top, width, after.rows)]
                # From the first to the last line where the two figures differ: 6 and 5 share
                # their top half. (One region: each one more costs more than a few lines.)
                lines = _differing(glyph_lines(was, after.rows), glyph_lines(char, after.rows))
                if lines:
                    regions.append(Region(x, after.top + lines[0], glyph, lines[1] - lines[0]))
            x += glyph + size.gap
        return regions

    def notify_style_update(self) -> None:
        """The colours changed (the run's state, the theme): draw the lines again."""
        super().notify_style_update()
        self._lines = None
        self._styles = None

    def line_at(self, y: int, width: int, height: int) -> Strip:
        """One line of the value or the caption (drawn when first asked for, then kept)."""
        lines = self._lines
        if lines is None or len(lines) != height or self._width != width:
            self._lines = lines = [None] * height
            self._width = width
        if y >= height:
            return Strip.blank(width, self.rich_style)
        line = lines[y]
        if line is None:
            line = lines[y] = self._draw_line(y, width)
        return line

    def _figures(self, rows: int) -> list[str]:
        """The value's lines of figures ``rows`` tall (worked out once per value)."""
        key = (self.value, rows)
        if self._drawn_figures[0] != key:
            self._drawn_figures = (key, render(self.value, rows))
        return self._drawn_figures[1]

    def _draw_line(self, y: int, width: int) -> Strip:
        if self._styles is None:
            base = self.rich_style
            caption = base + self.get_component_rich_style("readout--caption")
            self._styles = (base + Style(bold=True), caption, base)
        value_style, caption_style, base = self._styles
        layout = self._layout(self.value)
        rows = layout.rows or 1
        if layout.top <= y < layout.top + rows:
            # The figures' lines are one run of one style, margins and all (the margins are
            # blank anyway): each second's repaint then writes the fewest bytes to the terminal.
            text = self._figures(layout.rows)[y - layout.top] if layout.rows else self.value
            return _centred(text, width, value_style, value_style)
        if y == layout.top + rows:
            return _centred(self.caption, width, caption_style, base)
        return Strip.blank(width, base)


def _layout_of(value: str, width: int, height: int) -> _Layout:
    """Where ``value`` goes in ``width`` x ``height`` cells, with a line for the caption."""
    rows = fitting_size(value, width - 2, height - 1) if value else None
    if rows is None:
        return _Layout(0, max(0, (height - 2) // 2), 0)
    return _Layout(rows, (height - 1 - rows) // 2, (width - text_width(value, rows)) // 2)


def _differing(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[int, int] | None:
    """The first line where ``old`` and ``new`` differ and the line past the last; None if none."""
    differ = [y for y, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    return (differ[0], differ[-1] + 1) if differ else None


def _centred(text: str, width: int, style: Style, pad_style: Style) -> Strip:
    """``text`` in ``style`` in the middle of ``width`` cells (cut at the right if it is wider)."""
    size = cell_len(text)
    if size >= width:
        return Strip([Segment(text, style)], size).crop(0, width)
    left = (width - size) // 2
    right = width - size - left
    if style is pad_style:
        return Strip([Segment(f"{' ' * left}{text}{' ' * right}", style)], width)
    return Strip(
        [Segment(" " * left, pad_style), Segment(text, style), Segment(" " * right, pad_style)], width
    )
