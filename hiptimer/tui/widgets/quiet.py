"""Update a text widget only when its text changes.

``Static.update`` asks for a new layout of the whole screen; the run screen redraws once a second,
and most of its text stays the same, so an unchanged text is left alone.
"""

from __future__ import annotations

from textual.widgets import Static

__all__ = ["set_text"]


def set_text(widget: Static, text: str) -> None:
    """Show ``text`` in ``widget``, unless it already shows exactly that."""
    if widget.content != text:
        widget.update(text)
