"""After a run: what was planned, what was done, and how long it took."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Label

from hiptimer.engine import RunState, Status
from hiptimer.results import Outcome
from hiptimer.tui.text import clock_text, outcome_text, planned_text

if TYPE_CHECKING:
    from hiptimer.tui.app import HiptimerApp

__all__ = ["SummaryScreen"]


class SummaryScreen(Screen[None]):
    """Each phase reached: planned against actual, reps, how it ended; totals on top.

    Args:
        state: The run's final state.
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
        title = Label(self._title(), id="summary-title")
        title.set_class(self.state.status is not Status.FINISHED, "-stopped")
        yield title
        yield Label(self._totals(), id="summary-totals")
        yield DataTable(id="summary-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="summary-buttons"):
            yield Button("Back to home (enter)", id="home-button", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "Step", "Side", "Planned", "Actual", "Reps", "Result")
        for result in self.state.results:
            sets = f" {result.set_index}/{result.set_count}" if result.set_count > 1 else ""
            reps = ""
            if result.reps_done is not None:
                reps = f"{result.reps_done}" + (f"/{result.reps_target}" if result.reps_target else "")
            table.add_row(
                str(result.index + 1),
                f"{result.label}{sets}",
                result.side.value if result.side else "",
                planned_text(result.planned_seconds, result.reps_target),
                clock_text(result.actual_seconds + 0.5),
                reps,
                outcome_text(result),
                key=str(result.index),
            )
        # History that could not be saved is offered for export once the run is over.
        cast("HiptimerApp", self.app).unsaved.offer_after_run()

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
