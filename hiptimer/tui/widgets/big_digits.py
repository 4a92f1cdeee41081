"""Block digits at any height from 3 rows up, drawn with full and half blocks.

The run screen's clock must read from two metres, on a 50 x 16 terminal and on a 100 x 30 one
alike, so its digits are drawn for the space they get rather than taken from one fixed font. Each
digit is a seven-segment figure (the shape of a kitchen timer's digits, legible at any size) on a
grid of half-cells: a terminal cell is about twice as tall as it is wide, so one column by half a
row is close to square, and a stroke ``t`` columns wide and ``t`` half-rows tall looks equally
thick both ways. ``▀``, ``▄`` and ``█`` draw two half-rows per line. The strokes thicken with the
height (a sixth of it), so the figures stay bold instead of turning into outlines.

Rendered glyphs are kept (by character and height), so drawing a number is a join of strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

__all__ = ["MIN_ROWS", "DigitSize", "fitting_size", "glyph_lines", "render", "text_width"]

MIN_ROWS = 3
"""The smallest height the figures are drawn at; below it a number is plain text."""

MAX_ROWS = 40
"""The tallest: past this a clock is too big to take in at a glance on any screen."""

_SEGMENTS: dict[str, str] = {
    "0": "abcdef",
    "2": "abged",
    "3": "abgcd",
    "4": "fgbc",
    "5": "afgcd",
    "6": "afgedc",
    "7": "abc",
    "8": "abcdefg",
    "9": "abcdfg",
}
"""Which segments each digit lights: a top, b upper right, c lower right, d bottom, e lower left,
f upper left, g middle. (One is drawn apart: a centred stroke with a flag.)"""


@dataclass(frozen=True, slots=True)
class DigitSize:
    """The measures of the figures at one height, in columns and half-rows."""

    rows: int
    """Lines of text the figures take."""
    height: int
    """Half-rows the figures take: the last half-row of the last line stays blank, as a margin."""
    width: int
    """Columns of a digit."""
    stroke: int
    """A stroke's thickness: columns for an upright stroke, half-rows for a bar."""
    gap: int
    """Columns between two figures."""

    @staticmethod
    @cache
    def of(rows: int) -> DigitSize:
        """The measures of figures ``rows`` lines tall."""
        height = 2 * rows - 1
        stroke = max(1, round(height / 6))
        width = max(3, round(height * 0.55))
        gap = max(1, stroke - 1)
        return DigitSize(rows, height, width, stroke, gap)

    @property
    def middle(self) -> int:
        """The first half-row of the middle bar."""
        return (self.height - self.stroke) // 2


@cache
def text_width(text: str, rows: int) -> int:
    """The columns ``text`` takes drawn ``rows`` lines tall."""
    size = DigitSize.of(rows)
    if not text:
        return 0
    return sum(_glyph_width(char, size) for char in text) + size.gap * (len(text) - 1)


def fitting_size(text: str, columns: int, rows: int) -> int | None:
    """The most lines ``text`` can be drawn in within ``columns`` x ``rows``; None if not even 3."""
    for height in range(min(rows, MAX_ROWS), MIN_ROWS - 1, -1):
        if text_width(text, height) <= columns:
            return height
    return None


def render(text: str, rows: int) -> list[str]:
    """``text`` (digits, ``:``, ``/`` and spaces) as ``rows`` lines of block characters.

    A character with no figure is drawn as a space of a digit's width.
    """
    size = DigitSize.of(rows)
    glyphs = [_glyph(char, rows) for char in text]
    spacer = " " * size.gap
    return [spacer.join(glyph[y] for glyph in glyphs) for y in range(rows)]


def glyph_lines(char: str, rows: int) -> tuple[str, ...]:
    """One character's lines, ``rows`` lines tall (kept once drawn)."""
    return _glyph(char, rows)


def _glyph_width(char: str, size: DigitSize) -> int:
    return size.stroke if char == ":" else size.width


@cache
def _glyph(char: str, rows: int) -> tuple[str, ...]:
    """One character's lines at ``rows`` lines tall."""
    size = DigitSize.of(rows)
    lit = _shape(char, size)
    width = _glyph_width(char, size)
    lines = []
    for y in range(rows):
        cells = []
        for x in range(width):
            top, bottom = lit(x, 2 * y), lit(x, 2 * y + 1)
            cells.append("█" if top and bottom else "▀" if top else "▄" if bottom else " ")
        lines.append("".join(cells))
    return tuple(lines)


def _shape(char: str, size: DigitSize) -> Callable[[int, int], bool]:
    """Whether the half-cell at column ``x``, half-row ``y`` is inked, for ``char``."""
    t, w, h, mid = size.stroke, size.width, size.height, size.middle
    if char in _SEGMENTS:
        segments = _SEGMENTS[char]

        def digit(x: int, y: int) -> bool:
            if y >= h:
                return False
            left, right = x < t, x >= w - t
            upper, lower = y < mid + t, y >= mid
            return (
                ("a" in segments and y < t)
                or ("g" in segments and mid <= y < mid + t)
                or ("d" in segments and y >= h - t)
                or ("f" in segments and left and upper)
                or ("b" in segments and right and upper)
                or ("e" in segments and left and lower)
                or ("c" in segments and right and lower)
            )

        return digit
    if char == "1":
        stem = (w - t + 1) // 2

        def one(x: int, y: int) -> bool:
            if y >= h:
                return False
            return stem <= x < stem + t or (y < t and max(0, stem - t) <= x < stem)

        return one
    if char == ":":
        upper = (t + mid) // 2 - t // 2
        lower = (mid + t + h - t) // 2 - t // 2

        def colon(x: int, y: int) -> bool:
            return upper <= y < upper + t or lower <= y < lower + t

        return colon
    if char == "/":

        def slash(x: int, y: int) -> bool:
            if y >= h:
                return False
            centre = (h - 1 - y) * (w - t) / max(1, h - 1)
            return centre <= x < centre + t

        return slash
    return lambda x, y: False
