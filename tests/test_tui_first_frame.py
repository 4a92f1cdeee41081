"""The home screen comes first: what only later screens need, and the history's page check, wait.

The history file is checked page by page (``PRAGMA quick_check``, which grows with the history)
once the home screen is on the screen, and before anything is written to it; a damaged file is
still moved aside, never deleted, and the user told. The run screen, its controller and engine, and
the dialogs load when first used; at home, the cue player is built after the first frame.
"""

from __future__ import annotations

import functools
import gc
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from store_kit import builtin, corrupt, play
from textual.geometry import Region
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import DataTable
from tui_kit import FakeClock, RecordingPlayer, catalog, make_app, run_screen, until_shown

from hiptimer.audio import NullPlayer
from hiptimer.catalog.sessions import load_catalog
from hiptimer.core.cues import CuePlayer
from hiptimer.core.ports import MemoryStore, RunStore, SessionHistory
from hiptimer.history.store import SqliteStore, open_store
from hiptimer.tui import launch
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens import home
from hiptimer.tui.screens.home import HomeScreen
from hiptimer.tui.screens.run import RunScreen


def _checking(calls: list[int], app_box: list[object]) -> object:
    """launch's page check, noting how many rows the home table showed when it ran."""

    def check(store: RunStore) -> str | None:
        app = app_box[0]
        screen = app.screen  # type: ignore[attr-defined]
        calls.append(screen.query_one(DataTable).row_count if isinstance(screen, HomeScreen) else -1)
        return launch._check_pages(store)

    return check


async def home_rows(pilot: Pilot[None]) -> None:
    """Pause until the home screen's table shows its rows (bounded in real time)."""
    for _ in range(2000):
        screen = pilot.app.screen
        if isinstance(screen, HomeScreen) and screen.query_one(DataTable).row_count:
            return
        await pilot.pause(0.01)
    raise AssertionError("the home screen never showed its rows")


async def test_a_damaged_history_is_checked_after_the_first_frame_moved_aside_and_the_user_told(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    corrupt(path)
    damaged = path.read_bytes()
    store, notice = open_store(path, verify=False)
    assert notice is None  # opening looked at the first pages only
    calls: list[int] = []
    box: list[object] = []
    messages: list[Message] = []
    app = make_app(FakeClock(), store=store, history_check=_checking(calls, box))
    box.append(app)
    async with app.run_test(size=(100, 30), message_hook=messages.append, notifications=True) as pilot:
        await home_rows(pilot)
        assert await app.check_history()
        await app.workers.wait_for_complete()
        await pilot.pause()
        told = [m.notification.message for m in messages if isinstance(m, Notify)]
        moved = [p for p in tmp_path.glob("history.sqlite3.damaged-*") if not p.name.endswith(("wal", "shm"))]
        assert len(moved) == 1 and moved[0].read_bytes() == damaged  # kept as it was, never deleted
        assert len([text for text in told if str(moved[0]) in text and "damaged" in text]) == 1, told
        assert calls == [4]  # once, with the home screen's rows already on the screen
        # The runs that still read were kept in the new file, and the home screen reads it.
        assert 10 <= len(store.records()) < 40
        assert app.screen.query_one(DataTable).row_count == 4
    store.close()


async def test_a_run_started_at_once_waits_for_the_check_so_it_is_saved_in_the_new_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    corrupt(path)
    store, _ = open_store(path, verify=False)
    app = make_app(FakeClock(), store=store, start="pre-run-hips", history_check=launch._check_pages)
    async with app.run_test(size=(100, 30)) as pilot:
        await until_shown(pilot, RunScreen, "#session")
        await app.workers.wait_for_complete()
        run_screen(app).controller.interrupt()
        await app.store_worker.drain()
    assert [p for p in tmp_path.glob("history.sqlite3.damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    assert any(r.run.session_id == "pre-run-hips" for r in store.records())
    store.close()


async def test_a_sound_history_is_checked_once_and_nothing_is_said(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "history.sqlite3")
    play(store, builtin("hill-sprints"))
    store.close()
    store, _ = open_store(tmp_path / "history.sqlite3", verify=False)
    calls: list[int] = []
    box: list[object] = []
    messages: list[Message] = []
    app = make_app(FakeClock(), store=store, history_check=_checking(calls, box))
    box.append(app)
    async with app.run_test(size=(100, 30), message_hook=messages.append, notifications=True) as pilot:
        await home_rows(pilot)
        assert not await app.check_history()
        await pilot.pause()
    assert calls == [4]
    assert not [m for m in messages if isinstance(m, Notify) and "history" in m.notification.message.lower()]
    store.close()


_FIRST_FRAME = """
import asyncio, json, sys
from pathlib import Path
from hiptimer.catalog.sessions import load_catalog
from hiptimer.core.ports import MemoryStore
from hiptimer.audio import NullPlayer
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.home import HomeScreen
from textual.widgets import DataTable

async def main():
    app = HiptimerApp(clock=lambda: 0.0, catalog=load_catalog(), store=MemoryStore(),
                      player=NullPlayer("off"), handle_signals=False)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(500):
            screen = app.screen
            if isinstance(screen, HomeScreen) and screen.query_one(DataTable).row_count:
                break
            await pilot.pause(0.01)
        await app.check_history()
        await app.workers.wait_for_complete()  # the offer to resume has looked, and found none
        await pilot.pause()
        print(json.dumps(sorted(sys.modules)))

asyncio.run(main())
"""


@functools.cache
def _loaded_at_home() -> frozenset[str]:
    """The modules loaded once the home screen shows its rows, in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_FRAME], capture_output=True, text=True, check=True, timeout=120
    )
    return frozenset(json.loads(done.stdout.strip().splitlines()[-1]))


def test_at_home_the_run_screen_its_engine_and_the_dialogs_are_not_loaded() -> None:
    loaded = _loaded_at_home()
    assert "hiptimer.tui.screens.home" in loaded
    later = {
        "hiptimer.tui.screens.run",
        "hiptimer.tui.run_control",
        "hiptimer.core.engine",
        "hiptimer.core.continuation",
        "hiptimer.tui.screens.confirm",
    }
    assert not loaded & later, sorted(loaded & later)


def test_the_home_tables_titles_are_not_read_as_markup_so_rich_loads_no_emoji_names() -> None:
    loaded = _loaded_at_home()
    assert "textual.widgets._data_table" in loaded
    assert "rich._emoji_codes" not in loaded


async def test_at_home_the_cue_player_is_built_after_the_first_frame_and_a_run_waits_for_it() -> None:
    clock = FakeClock()
    player = RecordingPlayer(clock)
    release = threading.Event()
    built_with_rows: list[int] = []
    box: list[HiptimerApp] = []

    def build() -> tuple[CuePlayer, str]:
        screen = box[0].screen
        shown = screen.query_one(DataTable).row_count if isinstance(screen, HomeScreen) else -1
        built_with_rows.append(shown)
        assert release.wait(timeout=30)
        return player, "audio: recording"

    messages: list[Message] = []
    app = HiptimerApp(
        clock=clock.monotonic,
        catalog=catalog(),
        store=MemoryStore(),
        audio=build,
        wall_clock=clock.wall,
        boottime=clock.boottime,
        handle_signals=False,
    )
    box.append(app)
    async with app.run_test(size=(100, 30), message_hook=messages.append, notifications=True) as pilot:
        await home_rows(pilot)
        await app.check_history()
        await pilot.press("enter")  # the highlighted session: a run cannot start without its player
        await pilot.pause(0.05)
        assert isinstance(app.screen, HomeScreen)
        release.set()
        await until_shown(pilot, RunScreen, "#session")
        assert run_screen(app).controller._player is player
        told = [m.notification.message for m in messages if isinstance(m, Notify)]
        assert "audio: recording" in told
    assert built_with_rows == [4]  # once, with the home screen's rows on the screen
    assert player.closed


def test_at_home_the_app_is_handed_the_way_to_build_the_player_not_the_player(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[str | None] = []
    handed: list[dict[str, object]] = []

    def player(mode: str | None, voice: bool, offset: float, **_: object) -> tuple[CuePlayer, str]:
        built.append(mode)
        return NullPlayer("off"), "audio: off"

    def no_run(self: HiptimerApp, *args: object, **kwargs: object) -> None:
        handed.append({"player": self.player, "audio": self._audio})

    monkeypatch.setattr(launch, "_player", player)
    monkeypatch.setattr(HiptimerApp, "run", no_run)
    assert launch.run_app(None) == 0
    assert built == []  # not before the first frame
    assert handed and handed[0]["audio"] is not None


def test_the_app_is_built_and_shows_its_first_frame_with_the_collector_paused_then_it_runs_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    during: list[bool] = []
    at_run: list[tuple[bool, int]] = []
    settled: list[object] = []

    def catalog() -> object:
        during.append(gc.isenabled())
        return load_catalog()

    def run(self: HiptimerApp, *args: object, **kwargs: object) -> None:
        at_run.append((gc.isenabled(), gc.get_freeze_count()))
        settled.append(self._settled)

    monkeypatch.setattr(launch, "load_catalog", catalog)
    monkeypatch.setattr(launch, "_player", lambda *a, **k: (NullPlayer("off"), "audio: off"))
    monkeypatch.setattr(HiptimerApp, "run", run)
    gc.unfreeze()
    try:
        assert launch.run_app(None) == 0
    finally:
        gc.unfreeze()
    assert during == [False]  # no collection while the app's long-lived parts are made
    assert at_run[0][0] is False and at_run[0][1] > 0  # what was made is frozen; still paused
    assert gc.isenabled()  # collecting again once the app has ended, whatever happened
    assert callable(settled[0])  # what the app calls once its first frame is up


async def test_the_app_says_when_its_first_frame_is_up_once_with_the_rows_shown() -> None:
    calls: list[int] = []
    box: list[HiptimerApp] = []

    def settled() -> None:
        screen = box[0].screen
        calls.append(screen.query_one(DataTable).row_count if isinstance(screen, HomeScreen) else -1)

    app = make_app(FakeClock(), settled=settled)
    box.append(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await home_rows(pilot)
        await app.check_history()
        await app.check_history()
        await pilot.pause()
    assert calls == [4]


def test_a_session_not_found_leaves_the_collector_on(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        assert launch.run_app("no-such-session") == 1
    finally:
        gc.unfreeze()
    assert gc.isenabled()
    assert "no-such-session" in capsys.readouterr().err


def test_the_sessions_modules_load_while_the_app_is_built_not_with_the_launcher() -> None:
    code = "import sys, hiptimer.tui.launch; print('hiptimer.catalog.sessions' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"  # imported inside the collector's pause, with the app


async def test_started_straight_into_a_session_the_app_still_says_when_its_first_frame_is_up() -> None:
    """``hiptimer run SESSION`` never shows home: the collector must still be turned on again."""
    calls: list[str] = []
    box: list[HiptimerApp] = []
    app = make_app(
        FakeClock(), start="pre-run-hips", settled=lambda: calls.append(type(box[0].screen).__name__)
    )
    box.append(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await until_shown(pilot, RunScreen, "#session")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert len(calls) == 1, calls


async def test_the_home_table_is_drawn_first_with_the_sessions_not_empty(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: list[int] = []
    draw = DataTable.render_lines

    def noting(table: DataTable[str], crop: Region) -> list[Strip]:
        if table.id == "sessions":
            drawn.append(table.row_count)
        return draw(table, crop)

    monkeypatch.setattr(DataTable, "render_lines", noting)
    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await home_rows(pilot)
        await pilot.pause()
    assert drawn and drawn[0] == 4  # one read before the first frame: never an empty table first


async def test_a_slow_first_read_shows_the_table_when_it_arrives(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(home, "FIRST_ROWS_SECONDS", 0.0)  # the read is not waited for
    release = threading.Event()
    store = MemoryStore()
    read = store.session_history

    def slow(ids: list[str], **kwargs: Any) -> dict[str, SessionHistory]:
        release.wait(10)
        return read(ids, **kwargs)

    monkeypatch.setattr(store, "session_history", slow)
    app = make_app(FakeClock(), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 0
        release.set()
        await home_rows(pilot)
        assert app.screen.query_one(DataTable).row_count == 4


_BUILT_AS_LAUNCHED = """
import asyncio, json, sys
from hiptimer.tui import launch

seen = []
app = launch._build_app(None, None, settled=lambda: seen.append(sorted(sys.modules)))

async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(2000):
            if seen:
                break
            await pilot.pause(0.01)
    print(json.dumps(seen[0]))

asyncio.run(main())
"""

NOT_BEFORE_THE_FIRST_FRAME = {
    "hiptimer.core.cues",  # the cue vocabulary: the cue player and the run screen load it
    "hiptimer.core.results",  # the engine's effects: the home screen reads saved phases only
    "hiptimer.history.format",  # the export format: saving runs kept in memory writes it
    "hiptimer.tui.screens.help",  # the list of keys, shown on ?
    "hiptimer.tui.unsaved",  # runs kept in memory are told of after the first frame
}


def test_built_as_launched_the_home_screens_first_frame_loads_only_what_it_shows(
    monkeypatch: pytest.MonkeyPatch, isolated_dirs: Path
) -> None:
    store, _ = open_store(isolated_dirs / "data" / "history.sqlite3")
    play(store, builtin("hill-sprints"))  # today's targets read its saved phases before the frame
    store.close()
    load_catalog()  # the sessions checked once, as on every start but the first
    monkeypatch.setenv("HIPTIMER_AUDIO", "off")
    done = subprocess.run(
        [sys.executable, "-c", _BUILT_AS_LAUNCHED], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "hiptimer.tui.screens.home" in loaded
    assert not loaded & NOT_BEFORE_THE_FIRST_FRAME, sorted(loaded & NOT_BEFORE_THE_FIRST_FRAME)
