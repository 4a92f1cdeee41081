"""After a run: what was planned, what was done, and how long it took."""

from __future__ import annotations

from typing import ClassVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Label

from hiptimer.core.engine import RunState, Status
from hiptimer.core.results import Outcome
from hiptimer.tui.history_data import result_cells
from hiptimer.tui.parts import AppParts
from hiptimer.tui.text import clock_text
from hiptimer.tui.widgets.keys_footer import KeysFooter
from hiptimer.tui.widgets.steps_table import StepsTable

__all__ = ["SummaryScreen"]


class SummaryScreen(Screen[None]):
    """Each phase reached: planned against actual, reps, how it ended; totals on top.

    A narrow terminal gets the run detail's four columns; a short one, less margin.

    Args:
        state: The run's final state.
    """

    BUTTON_ACTIONS: ClassVar[frozenset[str]] = frozenset({"home"})
    """The actions with a button (served, the footer leaves them to it)."""

    DEFAULT_CSS = """
    SummaryScreen #summary-title {
        width: 1fr;
        padding: 0 1;
        background: $success;
        color: auto;
        text-style: bold;
    }
    SummaryScreen #summary-title.-stopped { background: $warning; }
    SummaryScreen #summary-totals { padding: 0 1; margin-top: 1; }
    SummaryScreen #summary-table { height: 1fr; margin: 1 1 0 1; }
    SummaryScreen #summary-buttons { height: auto; padding: 0 1; }
    SummaryScreen.-short #summary-totals { margin-top: 0; }
    SummaryScreen.-short #summary-table { margin: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "home", "Home", id="summary.home", priority=True),
        Binding("escape,h", "home", "Home", id="summary.home_alt", show=False),
        Binding("q", "app.quit", "Quit", id="summary.quit"),
    ]

    def __init__(self, state: RunState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        title = Label(self._title(), id="summary-title", markup=False)
        title.set_class(self.state.status is not Status.FINISHED, "-stopped")
        yield title
        yield Label(self._totals(), id="summary-totals")
        yield StepsTable(id="summary-table")
        with Horizontal(id="summary-buttons"):
            # Served (a phone), the button is tapped: no key in its label, as on the home screen.
            served = cast(AppParts, self.app).served
            yield Button(
                "Back to home" if served else "Back to home (enter)", id="home-button", variant="primary"
            )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(StepsTable).show_steps([result_cells(result) for result in self.state.results])
        # History that could not be saved is offered for export once the run is over.
        cast(AppParts, self.app).unsaved.offer_after_run()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < 20, "-short")

    def _title(self) -> str:
        name = self.state.plan.session_name
        if self.state.status is Status.FINISHED:
            return f"{name}: complete"
        return f"{name}: stopped"

    def _totals(self) -> str:
        state = self.state
        results = state.results
        start = state.run_started_at if state.run_started_at is not None else 0.0
        total = (state.ended_at or start) - start
        paused = sum(r.paused_seconds for r in results)
        done = sum(1 for r in results if r.outcome.done)
        skipped = sum(1 for r in results if r.outcome is Outcome.SKIPPED)
        count = len(state.plan.phases) - state.first_index
        parts = [f"Total {clock_text(total + 0.5)}"]
        if paused >= 1:
            parts.append(f"paused {clock_text(paused + 0.5)}")
        parts.append(f"{done} of {count} steps done")
        if skipped:
            parts.append(f"{skipped} skipped")
        if state.first_index:
            parts.append(f"resumed at step {state.first_index + 1}")
        return " · ".join(parts)

    @on(Button.Pressed, "#home-button")
    def action_home(self) -> None:
        """Back to the list of sessions."""
        self.dismiss(None)
