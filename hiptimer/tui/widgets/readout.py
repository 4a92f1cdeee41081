"""The big number of the run screen: time left, reps against target, or time elapsed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Label, Static

from hiptimer.tui.widgets.quiet import set_text

__all__ = ["BigReadout"]

_SLASH = "  ╱\n ╱ \n╱  "
"""A slash as tall as the digits (Textual's digits have none: "/" would sit on the bottom row)."""


class BigReadout(Vertical):
    """A value in large digits with a caption under it.

    A value such as ``"7/10"`` (reps against target) is drawn as two numbers with a tall slash
    between them. With the class ``-plain`` (a very small terminal) the value is one line of bold
    text instead.
    """

    DEFAULT_CSS = """
    BigReadout {
        height: auto;
        width: 1fr;
    }
    BigReadout > #big {
        height: auto;
        width: 1fr;
        align-horizontal: center;
    }
    BigReadout Digits {
        width: auto;
        text-style: bold;
    }
    BigReadout #slash {
        width: 3;
        height: 3;
        margin: 0 1;
        text-style: bold;
        display: none;
    }
    BigReadout #target { display: none; }
    BigReadout.-fraction #slash, BigReadout.-fraction #target { display: block; }
    BigReadout > Label {
        width: 1fr;
        text-align: center;
    }
    BigReadout > #plain {
        display: none;
        text-style: bold;
    }
    BigReadout > #caption {
        color: $foreground-muted;
    }
    BigReadout.-plain > #big { display: none; }
    BigReadout.-plain > #plain { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.value = ""
        """The value shown, as text ("0:37", "7/10")."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="big"):
            yield Digits("", id="count")
            yield Static(_SLASH, id="slash", markup=False)
            yield Digits("", id="target")
        yield Label("", id="plain")
        yield Label("", id="caption")

    def show(self, value: str, caption: str) -> None:
        """Show ``value`` large and ``caption`` under it."""
        self.value = value
        count, slash, target = value.partition("/")
        self.set_class(bool(slash), "-fraction")
        for selector, text in (("#count", count), ("#target", target)):
            digits = self.query_one(selector, Digits)
            if digits.value != text:
                digits.update(text)
        set_text(self.query_one("#plain", Label), value)
        set_text(self.query_one("#caption", Label), caption)
