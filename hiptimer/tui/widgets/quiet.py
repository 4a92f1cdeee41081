"""Update a text widget only when its text changes, and lay out the screen only when its size can.

``Static.update`` asks for a new layout of the whole screen; the run screen redraws once a second,
and most of its text stays the same, so an unchanged text is left alone. Most of what does change
("0:57 left" becoming "0:56 left") keeps its width, and then a repaint of the widget is enough.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Static

__all__ = ["set_text"]


def set_text(widget: Static, text: str) -> None:
    """Show ``text`` in ``widget``, unless it already shows exactly that."""
    old = widget.content
    if old != text:
        widget.update(text, layout=_size_may_change(widget, str(old), text))


def _size_may_change(widget: Static, old: str, new: str) -> bool:
    """Whether showing ``new`` in place of ``old`` may change the widget's size.

    It cannot when the widget is not displayed, or when both are one plain line of the same width
    that fits in the widget as it is (no wrapping either way). Anything else is laid out again.
    """
    if not widget.display:
        return False
    if "\n" in old or "\n" in new or "[" in old or "[" in new:  # lines, or markup that may resize
        return True
    width = cell_len(new)
    return width != cell_len(old) or width > widget.content_size.width
