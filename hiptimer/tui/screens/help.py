"""The keys of the screen below, listed from its bindings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

__all__ = ["HelpScreen"]


class HelpScreen(ModalScreen[None]):
    """A list of keys and what they do; any of escape, ``?`` or ``q`` closes it.

    Args:
        title: What the keys are for.
        bindings: The bindings to list: each key, with its tooltip (or else its description).
    """

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        background: $background 60%;
    }
    HelpScreen > VerticalScroll {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        border-title-align: center;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #keys { width: 1fr; }
    HelpScreen #close { color: $foreground-muted; margin-top: 1; }
    HelpScreen #close-button { margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
    ]

    def __init__(self, title: str, bindings: Iterable[Binding]) -> None:
        super().__init__()
        self.title_text = title
        self.bindings = list(bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = self.title_text
            yield Static(self._key_table(), id="keys", markup=False)
            if getattr(self.app, "served", False):  # a phone has no escape key: a button to tap
                yield Button("Close", id="close-button", variant="primary")
            else:
                yield Label("escape or ? closes this", id="close")

    def _key_table(self) -> str:
        rows: list[tuple[str, str]] = []
        for binding in self.bindings:
            keys = " / ".join(self.app.get_key_display(Binding(key, "")) for key in binding.key.split(","))
            rows.append((keys, binding.tooltip or binding.description))
        width = max((len(k) for k, _ in rows), default=0)
        return "\n".join(f"{keys.ljust(width)}  {text}" for keys, text in rows)

    @on(Button.Pressed, "#close-button")
    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
