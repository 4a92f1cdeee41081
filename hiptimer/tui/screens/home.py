"""The home screen: the sessions, how long each takes, when it is meant for, and what is due."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Future, wait
from datetime import datetime
from typing import ClassVar, NamedTuple

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Label, Static

from hiptimer.core.plan import Plan
from hiptimer.core.ports import RunStore, SessionHistory
from hiptimer.core.progression import last_done_text
from hiptimer.tui.screens.base import HiptimerScreen
from hiptimer.tui.sessions import SessionEntry, plan_for_today
from hiptimer.tui.text import due_text, minutes_text, plain, when_text
from hiptimer.tui.widgets.keys_footer import KeysFooter

__all__ = ["HomeRow", "HomeScreen"]

NARROW_WIDTH = 72
"""Below this many columns the table drops "when" and "last done" (the detail shows them)."""

_COLUMN_TITLES = {"name": "Session", "time": "Time", "when": "When", "last": "Last done", "due": "Due"}
"""The columns' titles. Handed to the table as ``Text``: a string would be read as markup, and
markup loads rich's table of emoji names (a few ms before the first frame) for words with none."""
_COLUMNS = ("name", "time", "when", "last", "due")
_NARROW_COLUMNS = ("name", "time", "due")

FIRST_ROWS_SECONDS = 0.5
"""How long the first frame waits for the sessions' history: a longer read shows an empty table
first, filled when the read is done."""

_SOURCES = {"builtin": "built in", "user": "your sessions folder", "path": "a file you named"}


class HomeRow(NamedTuple):
    """One session as the home screen lists it (a NamedTuple: cheaper to make at import than a
    dataclass, before the first frame)."""

    entry: SessionEntry
    plan: Plan
    history: SessionHistory


def _cells(row: HomeRow, now: datetime) -> dict[str, str]:
    """The table's cells for one session, by column key."""
    session, plan = row.entry.session, row.plan
    return {
        "name": session.name,
        "time": minutes_text(plan.estimated_seconds + plan.get_ready, plan.is_estimate),
        "when": when_text(session.schedule),
        "last": last_done_text(row.history.last_done, now),
        "due": due_text(session.schedule, row.history, dict(plan.targets)),
    }


class HomeScreen(HiptimerScreen):
    """Pick a session; enter or a click on the highlighted row starts it.

    Args:
        offer_resume: Whether to offer an interrupted run once the list has loaded.
    """

    BUTTON_ACTIONS: ClassVar[frozenset[str]] = frozenset({"start"})
    """The actions with a button (served, the footer leaves them to it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start", id="home.start", priority=True),
        Binding("h", "history", "History", id="home.history", tooltip="past runs and progress"),
        Binding(
            "w",
            "export_watch",
            "Export to watch",
            id="home.export",
            tooltip="today's plan as a workout file for a Garmin watch",
        ),
        Binding("question_mark", "help", "Keys", id="home.help"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    KEYS_TITLE = "Keys on the home screen"

    def __init__(self, *, offer_resume: bool = True) -> None:
        super().__init__()
        self.rows: list[HomeRow] = []
        self._narrow = False
        self._offer_resume = offer_resume
        self._highlighted_last: str | None = None
        self._filled = False

    def compose(self) -> ComposeResult:
        yield Label("hiptimer · hip routines for runners", id="home-title")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail", markup=False)
        with Horizontal(id="home-buttons"):
            yield Button(
                "Start" if self.hiptimer.served else "Start (enter)", id="start-button", variant="primary"
            )
        yield KeysFooter()

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW_WIDTH
        self.set_class(event.size.height < 20, "-short")
        if narrow != self._narrow:
            self._narrow = narrow
            self.show_rows(self.rows)

    def on_screen_resume(self) -> None:
        if self._filled:
            self.load()
        else:
            self._filled = True
            self.load(self._fill_first(), fresh=True)

    def _fill_first(self) -> Future[list[HomeRow]] | None:
        """Fill the table before the first frame, so that it is drawn once, with the sessions.

        The event loop waits (at most :data:`FIRST_ROWS_SECONDS`) for the read on the store
        thread. What takes longer, or fails, is handed to :meth:`load` as before: the table shows
        empty until it arrives (or the failure is dealt with there).
        """
        first = self.hiptimer.store_worker.queue(self._gather())
        wait([first], timeout=FIRST_ROWS_SECONDS)
        if not first.done() or first.exception() is not None:
            return first
        self.show_rows(first.result())
        return None

    def _gather(self) -> Callable[[RunStore], list[HomeRow]]:
        """What reads the sessions' history and today's plans (call it on the store thread)."""
        entries = list(self.hiptimer.catalog.entries)
        now = self.hiptimer.wall_clock()

        def gather(store: RunStore) -> list[HomeRow]:
            history = store.session_history([e.id for e in entries], now=now)
            return [
                HomeRow(e, plan_for_today(e.session, store), history.get(e.id, SessionHistory()))
                for e in entries
            ]

        return gather

    @work(exclusive=True, group="home-load")
    async def load(self, first: Future[list[HomeRow]] | None = None, *, fresh: bool = False) -> None:
        """Read the sessions' history and today's plans (on the store thread), then show them.

        Args:
            first: A read already under way (the first one, which took too long to wait for).
            fresh: The rows on the screen were read just now (before the first frame).
        """
        app = self.hiptimer
        gather = self._gather()
        if first is not None:
            rows: list[HomeRow] = await asyncio.wrap_future(first)
            self.show_rows(rows)
        elif not fresh:
            self.show_rows(await app.store_worker.call(gather))
        if await app.check_history():  # the file was moved aside: show what the new one holds
            self.show_rows(await app.store_worker.call(gather))
        await app.unsaved.tell()
        if self._offer_resume:
            self._offer_resume = False
            # In the app's own worker: this one is restarted each time the screen comes back.
            app.run_worker(app.offer_resume(), group="resume")

    def show_rows(self, rows: Sequence[HomeRow]) -> None:
        """Fill the table, keeping the highlighted session.

        A narrow terminal gets the name, time and what is due; the detail under the table says
        when the session is meant for and when it was last done.
        """
        self.rows = list(rows)
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        columns = _NARROW_COLUMNS if self._narrow else _COLUMNS
        for key in columns:
            table.add_column(Text(_COLUMN_TITLES[key]), key=key)
        now = self.hiptimer.wall_clock()
        # Served to a browser, most likely a phone: rows three lines tall (about 60 px), the text
        # on the middle one, so a finger hits the row it means.
        tall = self.hiptimer.served
        for row in self.rows:
            cells = _cells(row, now)
            shown = [f"\n{plain(cells[key])}" if tall else plain(cells[key]) for key in columns]
            table.add_row(*shown, key=row.entry.id, height=3 if tall else 1)
        ids = [row.entry.id for row in self.rows]
        last = self.hiptimer.last_session_id
        if last in ids and last != self._highlighted_last:
            self._highlighted_last = last
            keep = ids.index(last)
        if self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))
        self._show_detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#start-button")
    def _start_pressed(self) -> None:
        self.action_start()

    def _current(self) -> HomeRow | None:
        if not self.rows:
            return None
        index = self.query_one(DataTable).cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _show_detail(self) -> None:
        row = self._current()
        detail = self.query_one("#detail", Static)
        if row is None:
            detail.update("No sessions found." if not self.hiptimer.catalog.entries else "")
            return
        session, plan = row.entry.session, row.plan
        cells = _cells(row, self.hiptimer.wall_clock())
        facts = [f"{len(plan.phases)} steps", cells["time"]]
        if self._narrow:
            facts += [cells["when"], f"last done {cells['last']}"]
        if plan.targets:
            facts.append("today: " + ", ".join(f"{v:g} {k}" for k, v in plan.targets.items()))
        facts.append(_SOURCES.get(str(row.entry.source), str(row.entry.source)))
        detail.update(f"{' · '.join(facts)}\n{session.description}".strip())

    def action_start(self) -> None:
        """Start the highlighted session."""
        row = self._current()
        if row is not None:
            self.hiptimer.start_session(row.entry)

    def action_export_watch(self) -> None:
        """Today's plan of the highlighted session as a watch workout (saved, or sent to the browser)."""
        from hiptimer.tui.watch_export import export_to_watch

        row = self._current()
        if row is not None:
            export_to_watch(self.app, row.entry.session, row.plan.targets, self.hiptimer.wall_clock())

    def action_history(self) -> None:
        """Past runs, and each session's progress."""
        from hiptimer.tui.screens.history import HistoryScreen  # loaded when asked for, not at start

        self.app.push_screen(HistoryScreen())
