"""Text from a session file, made safe to print, and measured as a terminal shows it.

Whatever a user wrote reaches the terminal through these functions: a control character (an
escape sequence that sets the window title or clears the screen, a newline inside a name) is
shown as an escape such as ``\\x1b`` instead of being obeyed, and columns are padded by the
width the terminal gives each character (two cells for CJK and most emoji, none for combining
marks), not by ``len()``.

Pure: standard library only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["control_characters", "display_width", "escape", "is_control", "pad", "table_lines"]

_LINE_BREAKS = frozenset("\u2028\u2029")
"""Unicode's line and paragraph separators: not control characters, but they break lines."""


def is_control(char: str) -> bool:
    """Whether a character is one a terminal acts on instead of showing (C0, DEL, C1, line breaks)."""
    return unicodedata.category(char) == "Cc" or char in _LINE_BREAKS


def control_characters(text: str, allowed: str = "") -> list[str]:
    """The control characters in ``text`` other than those in ``allowed``, each once, in order."""
    found: list[str] = []
    for char in text:
        if char not in allowed and is_control(char) and char not in found:
            found.append(char)
    return found


def _escaped(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char, f"\\x{code:02x}")
    return f"\\u{code:04x}"


def escape(text: str, allowed: str = "") -> str:
    """``text`` with every control character (except those in ``allowed``) written as an escape.

    A backslash stays as it is: the point is that nothing printed can steer the terminal, not that
    the output can be read back.
    """
    if not any(is_control(c) for c in text):
        return text
    return "".join(_escaped(c) if is_control(c) and c not in allowed else c for c in text)


def display_width(text: str) -> int:
    """How many terminal cells ``text`` takes (wide East Asian characters take two, marks none)."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` terminal cells."""
    return text + " " * max(0, width - display_width(text))


def table_lines(rows: Sequence[Sequence[str]], gap: str = "  ") -> list[str]:
    """Rows of cells as aligned lines, one per row; cells are escaped, padded by display width."""
    cells = [[escape(cell) for cell in row] for row in rows]
    if not cells:
        return []
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(cells[0]))]
    return [gap.join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in cells]
