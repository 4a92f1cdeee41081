"""The history screen: past runs newest first, a page at a time, and a session's progress chart.

The table lists one page of runs (:data:`~hiptimer.tui.history_data.PAGE_SIZE`); ``n`` and ``p``
(or page down and page up) move to older and newer pages, and only that page is ever read. Under
the table, the chart shows the progress of the session of the highlighted run (or of the session
chosen with ``s``), with this week's count against the session's schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.markup import escape
from textual.widgets import DataTable, Label, Static

from hiptimer.core.ports import RunStore, SessionHistory
from hiptimer.core.printable import escape as printable
from hiptimer.history.records import RunRecord
from hiptimer.tui.history_data import (
    PAGE_SIZE,
    ChartSeries,
    DateStyle,
    HistoryPage,
    load_chart,
    load_page,
    run_cells,
    week_text,
)
from hiptimer.tui.screens.base import HiptimerScreen
from hiptimer.tui.screens.run_detail import RunDetailScreen
from hiptimer.tui.text import plain
from hiptimer.tui.widgets.chart import GOAL_MARK, ProgressChart
from hiptimer.tui.widgets.keys_footer import KeysFooter

__all__ = ["HistoryScreen", "table_layout"]

NARROW_WIDTH = 70
"""Below this many columns the page and chart titles say less."""

SHORT_HEIGHT = 22
"""Below this many rows the chart gets fewer rows, so the table keeps some."""

TINY_HEIGHT = 18
"""Below this many rows the chart keeps one row of bars."""

_TITLES = {
    "date": "Date",
    "session": "Session",
    "status": "Result",
    "steps": "Steps",
    "time": "Time",
    "what": "Targets / reps",
}
_CHOICES: tuple[tuple[DateStyle, tuple[str, ...]], ...] = (
    (DateStyle.FULL, ("date", "session", "status", "steps", "time", "what")),
    (DateStyle.SHORT, ("date", "session", "status", "steps", "time", "what")),
    (DateStyle.SHORT, ("date", "session", "status", "steps", "time")),
    (DateStyle.SHORT, ("date", "session", "status", "steps")),
    (DateStyle.DAY, ("date", "session", "status", "steps")),
    (DateStyle.DAY, ("date", "session", "status")),
)
"""What the table can show, most first: how dates are written, and the columns."""

_FRAME = 4
"""Columns the table needs besides its cells: its margins and a scroll bar."""


def table_layout(
    records: Sequence[RunRecord], width: int, *, one_session: bool, now: datetime | None = None
) -> tuple[DateStyle, tuple[str, ...]]:
    """The most the runs table can show in ``width`` columns without scrolling sideways.

    Listing one session's runs, the session column goes (every row would say the same).
    """
    cells = {style: [run_cells(r, dates=style, now=now) for r in records] for style in DateStyle}
    choice = _CHOICES[-1]
    for dates, columns in _CHOICES:
        keys = tuple(k for k in columns if not (one_session and k == "session"))
        needed = _FRAME + sum(
            2 + max([len(_TITLES[k])] + [len(row[k]) for row in cells[dates]]) for k in keys
        )
        choice = (dates, keys)
        if needed <= width:
            break
    return choice


class HistoryScreen(HiptimerScreen):
    """Past runs, newest first; enter opens one; ``s`` picks the session the chart shows."""

    DEFAULT_CSS = """
    HistoryScreen #history-top {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    HistoryScreen #history-title { width: 1fr; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
    HistoryScreen #history-page { width: auto; margin-left: 1; color: $foreground-muted; }
    HistoryScreen #runs { height: 1fr; margin: 0 1; }
    HistoryScreen #history-empty { height: 1fr; margin: 1 2; color: $foreground-muted; }
    HistoryScreen #chart-title { width: 1fr; margin: 1 1 0 1; }
    HistoryScreen #chart { margin: 0 1; height: 8; }
    HistoryScreen.-short #chart-title { margin: 0 1; }
    HistoryScreen.-short #chart { height: 5; }
    HistoryScreen.-tiny #chart { height: 4; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_run", "Details", id="history.open", priority=True, tooltip="the run's steps"),
        Binding("n", "older", "Older", id="history.older", tooltip="older runs"),
        Binding("p", "newer", "Newer", id="history.newer", tooltip="newer runs"),
        Binding(
            "pagedown",
            "older",
            "Older",
            id="history.older_page",
            priority=True,
            show=False,
            tooltip="older runs",
        ),
        Binding(
            "pageup",
            "newer",
            "Newer",
            id="history.newer_page",
            priority=True,
            show=False,
            tooltip="newer runs",
        ),
        Binding(
            "s",
            "next_session",
            "Session",
            id="history.session",
            tooltip="one session's runs (again: the next)",
        ),
        Binding(
            "c", "toggle_chart", "Chart", id="history.chart", show=False, tooltip="hide or show the chart"
        ),
        Binding("escape", "back", "Back", id="history.back", tooltip="back to the sessions"),
        Binding("question_mark", "help", "Keys", id="history.help", tooltip="this list of keys"),
        Binding("q", "app.quit", "Quit", id="history.quit", show=False, tooltip="quit hiptimer"),
    ]

    KEYS_TITLE = "Keys in the history"

    def __init__(self) -> None:
        super().__init__()
        self.session_filter: str | None = None
        """The session whose runs are listed; None lists every session."""
        self.page: HistoryPage | None = None
        """The page on the screen (None until the first has loaded)."""
        self.chart_session: str | None = None
        """The session the chart shows."""
        self._offset = 0
        self._charts: dict[str, ChartSeries] = {}
        self._width = 80

    def compose(self) -> ComposeResult:
        with Horizontal(id="history-top"):
            yield Label("History · all sessions", id="history-title")
            yield Label("", id="history-page")
        yield DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-empty", markup=False)
        yield Label("", id="chart-title")
        yield ProgressChart(id="chart")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#history-empty").display = False
        self.load()

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        self.set_class(height < SHORT_HEIGHT, "-short")
        self.set_class(height < TINY_HEIGHT, "-tiny")
        self.set_class(width < NARROW_WIDTH, "-narrow")
        if width != self._width:
            self._width = width
            if self.page is not None:
                self._show_page(self.page)
            if self.chart_session in self._charts:
                self._show_chart(self._charts[self.chart_session])

    # -- loading -------------------------------------------------------------------------------

    @work(exclusive=True, group="history-page")
    async def load(self) -> None:
        """Read the current page on the store thread, then show it."""
        app = self.hiptimer
        session_id, offset = self.session_filter, self._offset
        ids = [e.id for e in app.catalog.entries]
        now = app.wall_clock()

        def read(store: RunStore) -> HistoryPage:
            return load_page(store, session_id, offset=offset, session_ids=ids, now=now)

        page = await app.store_worker.call(read)
        if (session_id, offset) != (self.session_filter, self._offset):
            return  # the filter or page changed while this one was read
        self._show_page(page)

    def _show_page(self, page: HistoryPage) -> None:
        self.page = page
        table = self.query_one(DataTable)
        table.clear(columns=True)
        dates, columns = table_layout(
            page.records, self._width, one_session=self.session_filter is not None, now=page.now
        )
        for key in columns:
            table.add_column(_TITLES[key], key=key)
        for record in page.records:
            cells = run_cells(record, dates=dates, now=page.now)
            table.add_row(*(plain(cells[key]) for key in columns), key=str(record.run.run_id))
        empty = not page.records
        table.display = not empty
        note = self.query_one("#history-empty", Static)
        note.display = empty
        if empty:
            note.update(self._empty_text())
        else:
            table.move_cursor(row=0)
        self._show_title()
        self.refresh_bindings()
        self._follow_cursor()

    def _empty_text(self) -> str:
        if self.page is not None and self.page.offset:
            return "No older runs."
        if self.session_filter is not None:
            return f"No runs of {self._session_name(self.session_filter)} yet. s shows the next session."
        return "No runs yet. Every step you finish is saved here as you go."

    def _show_title(self) -> None:
        title = "History · " + (
            "all sessions" if self.session_filter is None else self._session_name(self.session_filter)
        )
        page = self.page
        if page is not None and page.in_memory:
            title += " · new runs not saved (in memory)"
        self.query_one("#history-title", Label).update(escape(title))
        where = ""
        if page is not None and page.records:
            if self._width < NARROW_WIDTH:
                newer = "‹ " if page.offset else ""
                older = " ›" if page.more else ""
                where = f"{newer}{page.range_text.removeprefix('runs ').removeprefix('run ')}{older}"
            else:
                newer = "p newer · " if page.offset else ""
                older = " · n older" if page.more else ""
                where = f"{newer}{page.range_text}{older}"
        self.query_one("#history-page", Label).update(where)

    def _session_name(self, session_id: str) -> str:
        entry = self.hiptimer.catalog.get(session_id)
        return entry.session.name if entry is not None else session_id

    # -- the chart -----------------------------------------------------------------------------

    def _current(self) -> RunRecord | None:
        if self.page is None or not self.page.records:
            return None
        index = self.query_one(DataTable).cursor_row
        records = self.page.records
        return records[index] if 0 <= index < len(records) else None

    def _follow_cursor(self) -> None:
        """Chart the filtered session, or else the session of the highlighted run."""
        record = self._current()
        session_id = self.session_filter or (record.run.session_id if record is not None else None)
        if session_id is None:
            self.chart_session = None
            self.query_one(ProgressChart).series = None
            self.query_one("#chart-title", Label).update("")
            return
        if session_id == self.chart_session:
            return
        self.chart_session = session_id
        if session_id in self._charts:
            self._show_chart(self._charts[session_id])
        else:
            self.load_chart(session_id)

    @work(exclusive=True, group="history-chart")
    async def load_chart(self, session_id: str) -> None:
        """Read a session's newest runs on the store thread and chart them."""
        entry = self.hiptimer.catalog.get(session_id)
        session = entry.session if entry is not None else None
        series = await self.hiptimer.store_worker.call(lambda store: load_chart(store, session, session_id))
        self._charts[session_id] = series
        if self.chart_session == session_id:
            self._show_chart(series)

    def _show_chart(self, series: ChartSeries) -> None:
        self.query_one(ProgressChart).series = series
        self.query_one("#chart-title", Label).update(self._chart_title(series))

    def _chart_title(self, series: ChartSeries) -> str:
        brief = self._width < NARROW_WIDTH
        measure = escape(series.measure) if brief else f"{escape(series.measure)} per run"
        parts = [f"[b]{escape(printable(series.session_name))}[/b]", measure]
        if series.goal is not None:
            goal = escape(series.text(series.goal))
            parts.append(f"[$accent]{GOAL_MARK}[/] " + (goal if brief else f"{series.goal_name} {goal}"))
        entry = self.hiptimer.catalog.get(self.chart_session or "")
        if entry is not None and self.page is not None:
            history = self.page.week.get(entry.id, SessionHistory())
            parts.append(escape(week_text(entry.session.schedule, history, brief=brief)))
        if any(not p.complete for p in series.points):
            parts.append(("" if brief else "[$success]█[/] done ") + "[$warning]█[/] stopped")
        return " · ".join(parts)

    # -- keys ----------------------------------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._follow_cursor()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open_run()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out the page keys with nothing to page to, and details with no run."""
        page = self.page
        if action == "older":
            return bool(page is not None and page.more) or None
        if action == "newer":
            return bool(page is not None and page.offset) or None
        if action == "open_run":
            return bool(page is not None and page.records) or None
        return True

    def action_open_run(self) -> None:
        """Show the highlighted run's steps: planned against actual, reps, how each ended."""
        record = self._current()
        if record is not None:
            self.app.push_screen(RunDetailScreen(record))

    def action_older(self) -> None:
        """The next page of older runs."""
        if self.page is not None and self.page.more:
            self._offset = self.page.offset + len(self.page.records)
            self.load()

    def action_newer(self) -> None:
        """The previous page of newer runs."""
        if self.page is not None and self.page.offset:
            self._offset = max(0, self.page.offset - PAGE_SIZE)
            self.load()

    def action_next_session(self) -> None:
        """List one session's runs: the next session each time, then all sessions again."""
        ids = [e.id for e in self.hiptimer.catalog.entries]
        if not ids:
            return
        current = self.session_filter
        if current is None:
            self.session_filter = ids[0]
        elif current in ids and ids.index(current) + 1 < len(ids):
            self.session_filter = ids[ids.index(current) + 1]
        else:
            self.session_filter = None
        self._offset = 0
        self._show_title()
        self.load()

    def action_toggle_chart(self) -> None:
        """Hide the chart (more runs fit), or show it again."""
        chart = self.query_one(ProgressChart)
        chart.display = not chart.display
        self.query_one("#chart-title").display = chart.display

    def action_back(self) -> None:
        """Back to the sessions."""
        self.dismiss(None)
