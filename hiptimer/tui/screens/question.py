"""A question with two answers in a small dialog over the current screen: the base of the dialogs."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label
from textual.widgets.button import ButtonVariant

__all__ = ["QuestionScreen"]

AnswerT = TypeVar("AnswerT", bool, bool | None)
"""What the dialog dismisses with: yes or no, or also None where it can be closed undecided."""


class QuestionScreen(ModalScreen[AnswerT]):
    """Ask a question; the yes button dismisses with True, the no button with False.

    A dialog subclasses it to give its keys (``BINDINGS``, calling ``answer(True)`` or
    ``answer(False)``), the ids of its labels, which button has the focus, and its colours.

    Args:
        question: The question, in a few words.
        detail: A sentence about what yes does (left out when empty).
        yes: The yes button's label.
        no: The no button's label.
    """

    DEFAULT_CSS = """
    QuestionScreen {
        align: center middle;
        background: $background 60%;
    }
    QuestionScreen > Vertical {
        width: 56;
        max-width: 100%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    QuestionScreen .question { text-style: bold; width: 1fr; }
    QuestionScreen .detail { color: $foreground-muted; width: 1fr; }
    QuestionScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    QuestionScreen Button { margin-left: 1; }
    """

    LABEL_ID: ClassVar[str] = "question"
    """Starts the labels' ids: ``{LABEL_ID}-question`` and ``{LABEL_ID}-detail``."""
    YES_VARIANT: ClassVar[ButtonVariant] = "primary"
    """The yes button's style."""
    FOCUS_YES: ClassVar[bool] = False
    """Whether yes has the focus; no has it otherwise, so a reflex enter does not do the drastic thing."""
    MARKUP: ClassVar[bool] = False
    """Whether the question and detail are read as Textual markup."""

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id=f"{self.LABEL_ID}-question", classes="question", markup=self.MARKUP)
            if self.detail:
                yield Label(self.detail, id=f"{self.LABEL_ID}-detail", classes="detail", markup=self.MARKUP)
            with Horizontal():
                yield Button(f"{self.yes_label} (y)", id="yes", variant=self.YES_VARIANT)
                yield Button(f"{self.no_label} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.FOCUS_YES else "#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        """Close the dialog with ``answer``."""
        self.dismiss(answer)
