"""Ask whether to save the runs that history could not keep: save, don't, or (escape) not decide."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

__all__ = ["SaveRunsScreen"]


class SaveRunsScreen(ModalScreen[bool | None]):
    """Dismiss with True to save, False not to, None (escape) to step back.

    The save button has the focus: the safe answer here is the one that keeps the runs.

    Args:
        question: The question, in a few words.
        detail: Why, and where the file would go.
        yes: The save button's label.
        no: The other button's label.
    """

    DEFAULT_CSS = """
    SaveRunsScreen {
        align: center middle;
        background: $background 60%;
    }
    SaveRunsScreen > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    SaveRunsScreen #save-question { text-style: bold; width: 1fr; }
    SaveRunsScreen #save-detail { color: $foreground-muted; width: 1fr; }
    SaveRunsScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    SaveRunsScreen Button { margin-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,s", "answer(True)", "Save", id="save_runs.yes"),
        Binding("n", "answer(False)", "Don't save", id="save_runs.no"),
        Binding("escape", "step_back", "Back", id="save_runs.back"),
    ]

    def __init__(self, question: str, detail: str, *, yes: str = "Save", no: str = "Don't save") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id="save-question", markup=False)
            yield Label(self.detail, id="save-detail", markup=False)
            with Horizontal():
                yield Button(f"{self.yes_label} (y)", id="save", variant="warning")
                yield Button(f"{self.no_label} (n)", id="dont")

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#dont")
    def _dont(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        """Close the dialog with ``answer``."""
        self.dismiss(answer)

    def action_step_back(self) -> None:
        """Close the dialog without deciding."""
        self.dismiss(None)
