"""The home screen: the sessions, how long each takes, when it is meant for, and what is due."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Label, Static

from hiptimer.plan import Plan
from hiptimer.ports import RunStore, SessionHistory
from hiptimer.progression import last_done_text
from hiptimer.tui.screens.help import HelpScreen
from hiptimer.tui.sessions import SessionEntry, plan_for_today
from hiptimer.tui.text import due_text, minutes_text, when_text

if TYPE_CHECKING:
    from hiptimer.tui.app import HiptimerApp

__all__ = ["HomeRow", "HomeScreen"]

_SOURCES = {"builtin": "built in", "user": "your sessions folder", "path": "a file you named"}


@dataclass(frozen=True, slots=True)
class HomeRow:
    """One session as the home screen lists it."""

    entry: SessionEntry
    plan: Plan
    history: SessionHistory


class HomeScreen(Screen[None]):
    """Pick a session; enter or a click on the highlighted row starts it.

    Args:
        offer_resume: Whether to offer an interrupted run once the list has loaded.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start", id="home.start", priority=True),
        Binding("h", "history", "History", id="home.history", tooltip="past runs (coming)"),
        Binding("question_mark", "help", "Keys", id="home.help"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def __init__(self, *, offer_resume: bool = True) -> None:
        super().__init__()
        self.rows: list[HomeRow] = []
        self._offer_resume = offer_resume
        self._highlighted_last: str | None = None

    @property
    def hiptimer(self) -> HiptimerApp:
        """The app, with its hiptimer-specific parts."""
        return cast("HiptimerApp", self.app)

    def compose(self) -> ComposeResult:
        yield Label("hiptimer · hip routines for runners", id="home-title")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail", markup=False)
        with Horizontal(id="home-buttons"):
            yield Button("Start (enter)", id="start-button", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Session", key="name")
        table.add_column("Time", key="time")
        table.add_column("When", key="when")
        table.add_column("Last done", key="last")
        table.add_column("Due", key="due")

    def on_screen_resume(self) -> None:
        self.load()

    @work(exclusive=True, group="home-load")
    async def load(self) -> None:
        """Read the sessions' history and today's plans (on the store thread), then show them."""
        app = self.hiptimer
        entries = list(app.catalog.entries)
        now = app.wall_clock()

        def gather(store: RunStore) -> list[HomeRow]:
            history = store.session_history([e.id for e in entries], now=now)
            return [
                HomeRow(e, plan_for_today(e.session, store), history.get(e.id, SessionHistory()))
                for e in entries
            ]

        self.show_rows(await app.store_worker.call(gather))
        if self._offer_resume:
            self._offer_resume = False
            # In the app's own worker: this one is restarted each time the screen comes back.
            app.run_worker(app.offer_resume(), group="resume")

    def show_rows(self, rows: Sequence[HomeRow]) -> None:
        """Fill the table, keeping the highlighted session."""
        self.rows = list(rows)
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        now = self.hiptimer.wall_clock()
        for row in self.rows:
            session = row.entry.session
            table.add_row(
                session.name,
                minutes_text(row.plan.estimated_seconds + row.plan.get_ready, row.plan.is_estimate),
                when_text(session.schedule),
                last_done_text(row.history.last_done, now),
                due_text(session.schedule, row.history, dict(row.plan.targets)),
                key=row.entry.id,
            )
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
        steps = f"{len(plan.phases)} steps"
        length = minutes_text(plan.estimated_seconds + plan.get_ready, plan.is_estimate)
        source = _SOURCES.get(str(row.entry.source), str(row.entry.source))
        facts = [steps, length]
        if plan.targets:
            facts.append("today: " + ", ".join(f"{v:g} {k}" for k, v in plan.targets.items()))
        facts.append(source)
        detail.update(f"{session.description}\n{' · '.join(facts)}".strip())

    def action_start(self) -> None:
        """Start the highlighted session."""
        row = self._current()
        if row is not None:
            self.hiptimer.start_session(row.entry)

    def action_history(self) -> None:
        """Past runs (the history screen is not built yet)."""
        self.notify("The history screen is not there yet; `hiptimer history` lists past runs.", timeout=4)

    def action_help(self) -> None:
        """Show the keys."""
        self.app.push_screen(
            HelpScreen("Keys on the home screen", [b for b in self.BINDINGS if isinstance(b, Binding)])
        )
