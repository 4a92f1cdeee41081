"""The history screen: past runs a page at a time, a run's steps, a session's progress and its week.

The app runs on a real history file (eight weeks of runs played through the engine, see
``history_kit``) at a fixed time, Wednesday 14 May 2025, 07:30 UTC, in the UTC time zone.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from history_kit import history_file
from textual.pilot import Pilot
from textual.widgets import DataTable, Label
from tui_kit import FakeClock, make_app

from hiptimer.history.store import RunRecord, SqliteStore
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.history_data import PAGE_SIZE
from hiptimer.tui.screens.help import HelpScreen
from hiptimer.tui.screens.history import HistoryScreen
from hiptimer.tui.screens.home import HomeScreen
from hiptimer.tui.screens.run_detail import RunDetailScreen
from hiptimer.tui.widgets.chart import ProgressChart


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Local time is UTC here, so the dates shown are the dates stored."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


class CountingStore(SqliteStore):
    """The real store, noting how many runs each read asks for."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.asked: list[int | None] = []

    def records(
        self,
        session_id: str | None = None,
        *,
        since: datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[RunRecord]:
        self.asked.append(limit)
        return super().records(session_id, since=since, limit=limit, offset=offset)


@pytest.fixture
def store(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> CountingStore:
    cache = tmp_path_factory.getbasetemp() / "history-cache"
    cache.mkdir(exist_ok=True)
    return CountingStore(history_file(tmp_path / "data", cache))


async def settle(pilot: Pilot[None], app: HiptimerApp) -> None:
    """Let every worker and store call finish (a page load starts a chart load)."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await app.store_worker.drain()
        await pilot.pause()


async def open_history(pilot: Pilot[None], app: HiptimerApp) -> HistoryScreen:
    await settle(pilot, app)
    await pilot.press("h")
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, HistoryScreen), screen
    return screen


def rows(screen: HistoryScreen) -> list[list[str]]:
    table = screen.query_one("#runs", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def text(screen: HistoryScreen, selector: str) -> str:
    """A label's text as shown (without its markup)."""
    return str(screen.query_one(selector, Label).render())


async def test_h_on_home_opens_the_history_with_the_newest_run_first(store: CountingStore) -> None:
    app = make_app(FakeClock(), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot, app)
        shown = rows(screen)
        assert len(shown) == PAGE_SIZE
        assert shown[0] == [
            "2025-05-14 06:30",
            "Pre-run hip routine",
            "stopped",
            "9/18",
            "3:26",
            "reps 50/50",
        ]
        assert shown[1][:3] == ["2025-05-13 06:30", "Strength for speed", "done"]
        assert [r[0] for r in shown] == sorted((r[0] for r in shown), reverse=True)
        assert text(screen, "#history-title") == "History · all sessions"
        assert text(screen, "#history-page") == "runs 1-20 · n older"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_n_and_p_page_through_older_runs_and_only_a_page_is_ever_read(store: CountingStore) -> None:
    app = make_app(FakeClock(), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot, app)
        first = rows(screen)
        await pilot.press("n")
        await settle(pilot, app)
        second = rows(screen)
        assert len(second) == PAGE_SIZE and second[0][0] < first[-1][0]
        assert text(screen, "#history-page") == "p newer · runs 21-40 · n older"
        await pilot.press("pagedown")
        await settle(pilot, app)
        last = rows(screen)
        assert len(last) == 19  # 59 runs in all
        assert last[-1][:2] == ["2025-03-17 06:30", "Pre-run hip routine"]
        assert text(screen, "#history-page") == "p newer · runs 41-59"
        await pilot.press("n")  # nothing older: stays
        await settle(pilot, app)
        assert rows(screen) == last
        await pilot.press("p", "pageup")
        await settle(pilot, app)
        assert rows(screen) == first
        assert store.asked and all(limit is not None and limit <= 60 for limit in store.asked)
        assert max(limit or 0 for limit in store.asked) <= 60  # a page (+1), or one session's chart


async def test_enter_shows_a_runs_steps_planned_against_done_and_escape_goes_back(
    store: CountingStore,
) -> None:
    app = make_app(FakeClock(), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot, app)
        await pilot.press("enter")  # the newest run: pre-run hips, stopped halfway
        await settle(pilot, app)
        detail = app.screen
        assert isinstance(detail, RunDetailScreen)
        assert (
            str(detail.query_one("#detail-title", Label).content)
            == "Pre-run hip routine · 14 May 2025, 06:30"
        )
        assert str(detail.query_one("#detail-totals", Label).content) == (
            "stopped · 3:26 · 9 of 18 steps done · reps 50/50"
        )
        table = detail.query_one(DataTable)
        steps = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert len(steps) == 18  # the steps it never reached are listed too
        assert steps[0] == ["1", "Knee-to-chest bridge", "left", "10 reps", "0:30", "10/10", "done"]
        assert steps[7] == ["8", "Kneeling hip-flexor 1/3", "left", "1:00", "1:00", "", "done"]
        assert steps[9][-1] == "stopped"
        assert steps[10][-2:] == ["", "not reached"] and steps[-1][-1] == "not reached"
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("down", "down", "down")  # running backwards, 10 May
        await pilot.press("enter")
        await settle(pilot, app)
        second = app.screen
        assert isinstance(second, RunDetailScreen)
        assert str(second.query_one("#detail-totals", Label).content) == (
            "done · 15:10 · 30 of 30 steps done · 15 repeats"
        )


async def test_the_chart_shows_the_hill_sprints_repeats_run_by_run_with_the_goal(
    store: CountingStore,
) -> None:
    app = make_app(FakeClock(), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot, app)
        await pilot.press("s", "s")  # running backwards, then hill sprints
        await settle(pilot, app)
        assert text(screen, "#history-title") == "History · Hill sprints"
        assert [r[0] for r in rows(screen)][:2] == ["2025-05-07 07:30", "2025-04-30 07:30"]
        assert "Session" not in [str(c.label) for c in screen.query_one("#runs", DataTable).columns.values()]
        chart = screen.query_one(ProgressChart)
        series = chart.series
        assert series is not None
        assert [p.value for p in series.points] == [4, 5, 6, 6, 7, 8, 9, 10]
        assert [p.complete for p in series.points].count(False) == 1  # 2 April, stopped: 6 again after
        assert series.goal == 12
        title = text(screen, "#chart-title")
        assert title.startswith(
            "Hill sprints · repeats per run · ┄ goal 12 · 0 runs this week · during a run"
        )
        assert title.endswith("█ done █ stopped")
        drawn = chart.render().plain.splitlines()
        assert drawn[0].startswith("┄┄┄")  # the goal line on top: every bar is below it
        assert drawn[0].replace("┄", " ").split() == ["9", "10"]  # the values of the tallest bars
        assert drawn[-1].split()[:2] == ["19", "Mar"]  # the first run's date under its bar
        values = [v for row in drawn[1:-1] for v in row.split() if v.isdigit()]
        assert sorted(values, key=int) == ["4", "5", "6", "6", "7", "8"]


async def test_the_chart_follows_the_highlighted_run_and_counts_this_week_against_the_schedule(
    store: CountingStore,
) -> None:
    app = make_app(FakeClock(), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot, app)
        assert screen.chart_session == "pre-run-hips"
        assert text(screen, "#chart-title").startswith(
            "Pre-run hip routine · hold time per run · ┄ planned 6:00 · 1 run this week · before a run"
        )
        series = screen.query_one(ProgressChart).series
        assert series is not None and series.points[-1].value == pytest.approx(61, abs=1)  # stopped early
        await pilot.press("down")
        await settle(pilot, app)
        assert screen.chart_session == "strength-for-speed"
        assert text(screen, "#chart-title").startswith(
            "Strength for speed · reps per run · ┄ planned 50 · 1/2 this week"
        )


async def test_s_lists_one_session_after_another_then_all_again(store: CountingStore) -> None:
    app = make_app(FakeClock(), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot, app)
        names = []
        for _ in range(5):
            await pilot.press("s")
            await settle(pilot, app)
            names.append(text(screen, "#history-title").removeprefix("History · "))
        assert names == [
            "Running backwards",
            "Hill sprints",
            "Pre-run hip routine",
            "Strength for speed",
            "all sessions",
        ]  # in the order home lists them
        assert len(rows(screen)) == PAGE_SIZE


async def test_the_keys_are_listed_with_question_mark(store: CountingStore) -> None:
    app = make_app(FakeClock(), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_history(pilot, app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#keys").render())
        for words in ("older runs", "newer runs", "one session's runs", "hide or show the chart"):
            assert words in keys


async def test_an_empty_history_says_so(tmp_path: Path) -> None:
    app = make_app(FakeClock(), store=SqliteStore(tmp_path / "history.sqlite3"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot, app)
        assert not screen.query_one("#runs").display
        assert "No runs yet" in str(screen.query_one("#history-empty").render())
        await pilot.press("enter", "n")  # nothing to open, nothing older
        assert app.screen is screen


async def test_a_narrow_terminal_keeps_date_session_and_result(store: CountingStore) -> None:
    app = make_app(FakeClock(), store=store)
    async with app.run_test(size=(50, 16)) as pilot:
        screen = await open_history(pilot, app)
        assert rows(screen)[0] == ["14 May", "Pre-run hip routine", "stopped", "9/18"]
        assert text(screen, "#history-page") == "1-20 ›"
        assert text(screen, "#chart-title").startswith(
            "Pre-run hip routine · hold time · ┄ 6:00 · 1 run this week"
        )
        await pilot.press("c")
        assert not screen.query_one(ProgressChart).display
        await pilot.press("enter")
        await settle(pilot, app)
        detail = app.screen
        assert isinstance(detail, RunDetailScreen)
        table = detail.query_one(DataTable)
        assert [str(c) for c in table.get_row_at(0)] == ["Knee-to-ches… L", "done", "10/10", "10 reps"]
        assert [str(c) for c in table.get_row_at(17)] == ["Kneeling… 3/3 R", "not reached", "-", "1:00"]
        assert table.max_scroll_x == 0  # long step names are shortened rather than scrolled
