"""History that cannot be saved: the app says so once, and offers to save the runs to a file.

The store is a real :class:`~hiptimer.history.store.SqliteStore` on a read-only data folder, so it keeps
this process's runs in memory; the export goes to the (temporary) home folder.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.widgets import Label
from tui_kit import FakeClock, make_app, until_screen, until_shown

from hiptimer.history.store import SqliteStore, open_store
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.confirm import ConfirmScreen
from hiptimer.tui.screens.history import HistoryScreen
from hiptimer.tui.screens.home import HomeScreen
from hiptimer.tui.screens.save_runs import SaveRunsScreen
from hiptimer.tui.screens.summary import SummaryScreen
from hiptimer.tui.unsaved import export_name, export_runs

SAVED_AT = "hiptimer-history-20250514-073000.json"
"""The export's name at the fake clock's time (UTC here)."""


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


@pytest.fixture
def memory_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SqliteStore]:
    """The history on a read-only data folder: results are kept in memory."""
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o555)
    # Tests may run as root, who can write anywhere: let the check see the folder as others do.
    real_access = os.access
    monkeypatch.setattr(
        "hiptimer.history.opening.os.access",
        lambda path, mode, **kw: False if Path(path) == folder else real_access(path, mode, **kw),
    )
    store, notice = open_store(folder / "history.sqlite3")
    assert store.in_memory and notice is not None and "is read-only" in notice
    yield store
    folder.chmod(0o755)


async def settle(pilot: Pilot[None], app: HiptimerApp) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await app.store_worker.drain()
        await pilot.pause()


async def stop_a_run(pilot: Pilot[None], app: HiptimerApp) -> None:
    """Stop the run the app started with, and wait for the summary."""
    await settle(pilot, app)
    await pilot.press("q")
    await until_screen(pilot, app, ConfirmScreen)
    await pilot.press("y")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # the summary (a dialog may already be over it)
        if any(isinstance(s, SummaryScreen) for s in app.screen_stack):
            return
        await pilot.pause(0.01)
    raise AssertionError("the summary never showed")


def notices(messages: list[Message]) -> list[str]:
    return [str(m.notification.message) for m in messages if isinstance(m, Notify)]


async def dialog_text(pilot: Pilot[None]) -> str:
    """The save dialog's question and detail, once it shows them."""
    return await until_shown(pilot, SaveRunsScreen, "#save-question, #save-detail")


@pytest.mark.parametrize("told_at_start", [True, False])
async def test_the_notice_is_shown_once(memory_store: SqliteStore, home: Path, told_at_start: bool) -> None:
    # The command line hands the store's notice to the app; the app also reads it from the store.
    told = (memory_store.notice or "",) if told_at_start else ()
    app = make_app(FakeClock(), store=memory_store, notices=told)
    messages: list[Message] = []
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await settle(pilot, app)
        await pilot.press("h")
        await settle(pilot, app)
        assert isinstance(app.screen, HistoryScreen)
        title = str(app.screen.query_one("#history-title", Label).render())
        assert title == "History · all sessions · new runs not saved (in memory)"
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen)
    shown = [n for n in notices(messages) if "History cannot be saved" in n]
    assert len(shown) == 1
    assert "is read-only" in shown[0] and "kept in memory" in shown[0]


async def test_the_summary_offers_to_save_the_run_and_says_where_it_went(
    memory_store: SqliteStore, home: Path
) -> None:
    app = make_app(FakeClock(), store=memory_store, start="pre-run-hips")
    messages: list[Message] = []
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await stop_a_run(pilot, app)
        assert f"Save it to {home / SAVED_AT}?" in await dialog_text(pilot)
        await pilot.press("y")
        await settle(pilot, app)
        assert isinstance(app.screen, SummaryScreen)
        assert any(
            f"Saved 1 run to {home / SAVED_AT}" in n and f"hiptimer history --import {home / SAVED_AT}" in n
            for n in notices(messages)
        )
        document = json.loads((home / SAVED_AT).read_text())
        assert document["format"] == "hiptimer-history"
        assert [(r["session_id"], r["status"]) for r in document["runs"]] == [("pre-run-hips", "aborted")]
        await pilot.press("q")  # saved already: quits without asking
        await settle(pilot, app)
        assert not isinstance(app.screen, SaveRunsScreen)
    assert app.return_code == 0
    assert sorted(p.name for p in home.iterdir()) == [SAVED_AT]


async def test_quitting_with_unsaved_runs_asks_escape_stays_and_yes_saves_then_quits(
    memory_store: SqliteStore, home: Path
) -> None:
    app = make_app(FakeClock(), store=memory_store, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await stop_a_run(pilot, app)
        await until_screen(pilot, app, SaveRunsScreen)
        await pilot.press("n")  # not now
        await until_screen(pilot, app, SummaryScreen)
        await pilot.press("q")
        question = await dialog_text(pilot)
        assert question.startswith("Save 1 run before quitting?")
        assert str(home / SAVED_AT) in question
        await pilot.press("escape")  # keep hiptimer open
        await until_screen(pilot, app, SummaryScreen)
        assert not list(home.iterdir())
        await pilot.press("q")
        await until_screen(pilot, app, SaveRunsScreen)
        await pilot.press("y")
        await settle(pilot, app)
    assert app.return_code == 0
    document = json.loads((home / SAVED_AT).read_text())
    assert len(document["runs"]) == 1


async def test_quitting_without_saving_writes_nothing(memory_store: SqliteStore, home: Path) -> None:
    app = make_app(FakeClock(), store=memory_store, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await stop_a_run(pilot, app)
        await until_screen(pilot, app, SaveRunsScreen)
        await pilot.press("escape")
        await until_screen(pilot, app, SummaryScreen)
        await pilot.press("q")
        await until_screen(pilot, app, SaveRunsScreen)
        await pilot.press("n")
        await settle(pilot, app)
    assert app.return_code == 0
    assert not list(home.iterdir())


async def test_a_history_that_saves_never_asks(tmp_path: Path, home: Path) -> None:
    store = SqliteStore(tmp_path / "history.sqlite3")
    app = make_app(FakeClock(), store=store, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await stop_a_run(pilot, app)
        await settle(pilot, app)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("q")
        await settle(pilot, app)
    assert app.return_code == 0
    assert not list(home.iterdir())


def test_the_export_goes_to_the_next_folder_when_one_cannot_take_it(
    memory_store: SqliteStore, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    now = datetime(2025, 5, 14, 7, 30, tzinfo=UTC)
    (elsewhere / export_name(now)).write_text("an earlier export")
    path, count = export_runs(memory_store, now, [blocked, elsewhere])
    assert path == elsewhere / "hiptimer-history-20250514-073000-2.json"  # the earlier one is kept
    assert count == 0 and json.loads(path.read_text())["runs"] == []
    with pytest.raises(OSError, match="could not write the runs to"):
        export_runs(memory_store, now, [blocked])
