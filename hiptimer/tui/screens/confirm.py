"""A yes/no question in a small dialog over the current screen."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from hiptimer.tui.screens.question import QuestionScreen

__all__ = ["ConfirmScreen"]


class ConfirmScreen(QuestionScreen[bool]):
    """Ask a question; dismiss with True for yes, False for no.

    The "no" button has the focus, so a reflex press of enter never does the drastic thing.

    Args:
        question: The question, in a few words.
        detail: A sentence about what yes does.
        yes: The yes button's label.
        no: The no button's label.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    LABEL_ID = "confirm"
