"""SVG snapshots of the history screens at 80 x 24 (and one at 50 x 16) in a fixed theme.

The history is ``history_kit``'s eight weeks of runs, the clock is fixed at Wednesday 14 May 2025,
07:30 UTC, and local time is UTC, so "this week" and every date are the same on every machine.
Regenerate after an intended change with
``pytest tests/test_tui_history_snapshots.py --snapshot-update`` and look at the SVGs first.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from history_kit import history_file
from textual.pilot import Pilot
from tui_kit import FakeClock, make_app

from hiptimer.history.store import SqliteStore
from hiptimer.tui.app import HiptimerApp

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


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


@pytest.fixture
def app(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> HiptimerApp:
    cache = tmp_path_factory.getbasetemp() / "history-cache"
    cache.mkdir(exist_ok=True)
    return make_app(FakeClock(), store=SqliteStore(history_file(tmp_path / "data", cache)))


def pressing(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Open the history from home, then press ``keys``, letting each load finish."""

    async def before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, HiptimerApp)
        for key in ("h", *keys):
            for _ in range(3):
                await app.workers.wait_for_complete()
                await app.store_worker.drain()
                await pilot.pause()
            await pilot.press(key)
        for _ in range(3):
            await app.workers.wait_for_complete()
            await app.store_worker.drain()
            await pilot.pause()

    return before


def test_history(app: HiptimerApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=pressing())


def test_hill_sprints_progress(app: HiptimerApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=pressing("s", "s"))


def test_run_detail(app: HiptimerApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=pressing("enter"))


def test_history_narrow(app: HiptimerApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(app, terminal_size=(50, 16), run_before=pressing())


@pytest.mark.parametrize("keys", [(), ("enter",)], ids=["history", "detail"])
def test_on_a_phone_served(tmp_path: Path, keys: tuple[str, ...], snap_compare: SnapCompare) -> None:
    """Served at a phone's 41 x 40, the footer is rows of tiles a thumb can hit."""
    cache = tmp_path / "history-cache"
    cache.mkdir()
    served = make_app(FakeClock(), store=SqliteStore(history_file(tmp_path / "data", cache)), served=True)
    assert snap_compare(served, terminal_size=(41, 40), run_before=pressing(*keys))
