"""One past run: when, how it ended, and each step planned against what was done."""

from __future__ import annotations

from typing import ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label

from hiptimer.core.printable import escape
from hiptimer.core.results import RunStatus
from hiptimer.history.records import RunRecord
from hiptimer.tui.history_data import RunDetail, detail_rows, load_plan, totals_text
from hiptimer.tui.screens.base import HiptimerScreen
from hiptimer.tui.widgets.keys_footer import KeysFooter
from hiptimer.tui.widgets.steps_table import StepsTable

__all__ = ["RunDetailScreen"]


class RunDetailScreen(HiptimerScreen):
    """A run's steps: planned, actual time, reps and how each ended; the steps it never reached too.

    Args:
        record: The run with its phases (as the history page read it).
    """

    DEFAULT_CSS = """
    RunDetailScreen #detail-title {
        width: 1fr;
        padding: 0 1;
        background: $panel;
        text-style: bold;
    }
    RunDetailScreen #detail-title.-done { background: $success; color: auto; }
    RunDetailScreen #detail-title.-stopped { background: $warning; color: auto; }
    RunDetailScreen #detail-totals { width: 1fr; padding: 0 1; margin: 1 0; }
    RunDetailScreen #steps { height: 1fr; margin: 0 1; }
    RunDetailScreen.-short #detail-totals { margin: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="run_detail.back", tooltip="back to the history"),
        Binding("question_mark", "help", "Keys", id="run_detail.help", tooltip="this list of keys"),
        Binding("q", "app.quit", "Quit", id="run_detail.quit", show=False, tooltip="quit hiptimer"),
    ]

    KEYS_TITLE = "Keys in a run's detail"

    def __init__(self, record: RunRecord) -> None:
        super().__init__()
        self.detail = RunDetail(record)
        """The run, and its plan once it has been read."""

    def compose(self) -> ComposeResult:
        run = self.detail.record.run
        local = run.started.astimezone()
        title = Label(
            f"{escape(run.session_name)} · {local.day} {local:%b %Y, %H:%M}", id="detail-title", markup=False
        )
        title.set_class(run.status is RunStatus.COMPLETED, "-done")
        title.set_class(run.status in (RunStatus.ABORTED, RunStatus.INTERRUPTED), "-stopped")
        yield title
        yield Label(totals_text(self.detail.record), id="detail-totals", markup=False)
        yield StepsTable(id="steps")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._fill()
        self.load_plan()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < 20, "-short")

    @work(exclusive=True, group="run-detail")
    async def load_plan(self) -> None:
        """Read the plan the run followed, to list the steps it never reached."""
        run_id = self.detail.record.run.run_id
        plan = await self.hiptimer.store_worker.call(lambda store: load_plan(store, run_id))
        if plan is not None:
            self.detail = RunDetail(self.detail.record, plan)
            self._fill()

    def _fill(self) -> None:
        self.query_one(StepsTable).show_steps(detail_rows(self.detail))

    def action_back(self) -> None:
        """Back to the list of runs."""
        self.dismiss(None)
