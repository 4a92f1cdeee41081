"""One past run: when, how it ended, and each step planned against what was done."""

from __future__ import annotations

from typing import ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Label

from hiptimer.results import RunStatus
from hiptimer.store_records import RunRecord
from hiptimer.tui.history_data import RunDetail, detail_rows, load_plan, totals_text
from hiptimer.tui.screens.base import HiptimerScreen

__all__ = ["RunDetailScreen", "narrow_cells"]

_COLUMNS = ("#", "Step", "Side", "Planned", "Actual", "Reps", "Result")
_NARROW_COLUMNS = ("Step", "Result", "Done", "Planned")

NARROW_WIDTH = 72
"""Below this many columns: the step with its side, how it ended, what was done, what was planned."""


def narrow_cells(cells: tuple[str, ...]) -> tuple[str, ...]:
    """A detail row for a narrow terminal: side as L or R after the step, reps or time as "Done"."""
    _, label, side, planned, actual, reps, result = cells
    step = f"{label} {side[:1].upper()}" if side else label
    return step, result, reps or actual, planned


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
        self._narrow = False

    def compose(self) -> ComposeResult:
        run = self.detail.record.run
        local = run.started.astimezone()
        title = Label(
            f"{run.session_name} · {local.day} {local:%b %Y, %H:%M}", id="detail-title", markup=False
        )
        title.set_class(run.status is RunStatus.COMPLETED, "-done")
        title.set_class(run.status in (RunStatus.ABORTED, RunStatus.INTERRUPTED), "-stopped")
        yield title
        yield Label(totals_text(self.detail.record), id="detail-totals", markup=False)
        yield DataTable(id="steps", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        self.load_plan()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < 20, "-short")
        narrow = event.size.width < NARROW_WIDTH
        if narrow != self._narrow:
            self._narrow = narrow
            self._fill()

    @work(exclusive=True, group="run-detail")
    async def load_plan(self) -> None:
        """Read the plan the run followed, to list the steps it never reached."""
        run_id = self.detail.record.run.run_id
        plan = await self.hiptimer.store_worker.call(lambda store: load_plan(store, run_id))
        if plan is not None:
            self.detail = RunDetail(self.detail.record, plan)
            self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_columns(*(_NARROW_COLUMNS if self._narrow else _COLUMNS))
        for cells in detail_rows(self.detail):
            table.add_row(*(narrow_cells(cells) if self._narrow else cells), key=cells[0])
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))

    def action_back(self) -> None:
        """Back to the list of runs."""
        self.dismiss(None)
