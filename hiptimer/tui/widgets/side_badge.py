"""Which leg: large, coloured and with an arrow, so it can be read from the floor."""

from __future__ import annotations

from textual.widgets import Static

from hiptimer.core.plan import Side
from hiptimer.tui.text import side_text
from hiptimer.tui.widgets.quiet import set_text

__all__ = ["SideBadge"]


class SideBadge(Static):
    """LEFT LEG or RIGHT LEG on a block of colour (each side its own); empty for two-legged moves."""

    DEFAULT_CSS = """
    SideBadge {
        width: 17;
        height: 3;
        content-align: center middle;
        text-style: bold;
        display: none;
    }
    SideBadge.-left { display: block; background: $primary; color: auto; }
    SideBadge.-right { display: block; background: $accent; color: auto; }
    SideBadge.-upcoming { text-style: bold italic; }
    """

    def show_side(self, side: Side | None, *, upcoming: bool = False, short: bool = False) -> None:
        """Show ``side``; ``upcoming`` marks the side a switch leads to ("to RIGHT LEG ▶");
        ``short`` leaves out "LEG" (a narrow screen)."""
        self.set_class(side is Side.LEFT, "-left")
        self.set_class(side is Side.RIGHT, "-right")
        self.set_class(upcoming, "-upcoming")
        text = side_text(side)
        if short:
            text = text.replace(" LEG", "")
        set_text(self, f"to {text}" if upcoming and text else text)
