"""Ask whether to save the runs that history could not keep: save, don't, or (escape) not decide."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from hiptimer.tui.screens.question import QuestionScreen

__all__ = ["SaveRunsScreen"]


class SaveRunsScreen(QuestionScreen[bool | None]):
    """Dismiss with True to save, False not to, None (escape) to step back.

    The save button has the focus: the safe answer here is the one that keeps the runs.

    Args:
        question: The question, in a few words.
        detail: Why, and where the file would go.
        yes: The save button's label.
        no: The other button's label.
    """

    DEFAULT_CSS = """
    SaveRunsScreen > Vertical {
        width: 64;
        max-height: 100%;
        border: thick $warning;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,s", "answer(True)", "Save", id="save_runs.yes"),
        Binding("n", "answer(False)", "Don't save", id="save_runs.no"),
        Binding("escape", "step_back", "Back", id="save_runs.back"),
    ]

    LABEL_ID = "save"
    YES_VARIANT = "warning"
    FOCUS_YES = True
    MARKUP = False
    """The detail names a file, whose path may hold brackets."""

    def __init__(self, question: str, detail: str, *, yes: str = "Save", no: str = "Don't save") -> None:
        super().__init__(question, detail, yes=yes, no=no)

    def action_step_back(self) -> None:
        """Close the dialog without deciding."""
        self.dismiss(None)
