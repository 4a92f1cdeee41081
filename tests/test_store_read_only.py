"""A history file in a folder that cannot be written: the past runs are read, new runs kept in memory.

Tests may run as root, who can write anywhere. The store tests pretend the folder is read-only
(``os.access`` says so); the command tests make it really read-only: a read-only bind mount in a
private mount namespace when root (skipped where that is not allowed), ``chmod`` otherwise. Only
the real thing shows what SQLite needs beside a WAL file (its ``-shm`` and ``-wal``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from store_kit import MONDAY, builtin, play
from textual.widgets import DataTable
from tui_kit import FakeClock, make_app, run_screen

from hiptimer.core.plan import compile_plan
from hiptimer.core.progression import today_targets
from hiptimer.core.results import RunStatus
from hiptimer.history.store import SqliteStore, open_store, recent_runs
from hiptimer.tui.screens.save_runs import SaveRunsScreen

HILLS = "hill-sprints"


def fill(folder: Path) -> Path:
    """A history with one completed four-repeat hill run on Monday; closed cleanly."""
    path = folder / "history.sqlite3"
    store, _ = open_store(path)
    play(store, builtin(HILLS), started=MONDAY)
    store.close()
    return path


def pretend_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every folder and file looks read-only to the store's check."""
    monkeypatch.setattr("hiptimer.history.opening.os.access", lambda path, mode, **kw: False)


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The history of :func:`fill`, in a folder that looks read-only from now on."""
    path = fill(tmp_path)
    pretend_read_only(monkeypatch)
    return path


def test_the_past_runs_are_read_and_only_new_runs_are_kept_in_memory(tmp_path: Path, history: Path) -> None:
    path = history
    before = path.read_bytes()
    store, notice = open_store(path)
    assert store.in_memory
    assert notice is not None and "History is read-only" in notice and f"{tmp_path} is read-only" in notice
    assert "new runs are kept in memory" in notice
    hills = builtin(HILLS)
    past = recent_runs(store, HILLS)
    assert [(r.status, r.targets) for r in past] == [(RunStatus.COMPLETED, {"repeats": 4.0})]
    assert today_targets(hills, past).values == {"repeats": 5.0}
    assert store.session_history([HILLS], now=MONDAY + timedelta(hours=2))[HILLS].this_week == 1

    played = play(store, hills, compile_plan(hills, {"repeats": 5}), started=MONDAY + timedelta(days=1))
    assert played.run_id > past[0].run_id  # never mistaken for the run in the file
    assert [r.targets["repeats"] for r in store.runs(HILLS)] == [5.0, 4.0]
    assert [r.run.run_id for r in store.records(limit=1, offset=1)] == [past[0].run_id]
    new = store.run(played.run_id)
    assert new is not None and new.status is RunStatus.COMPLETED and len(new.results) == 14
    assert store.session_history([HILLS], now=MONDAY + timedelta(days=1, hours=2))[HILLS].this_week == 2
    assert [r.run_id for r in store.memory_runs()] == [played.run_id]
    assert store.export_json(tmp_path / "export.json") == 1  # the new run only
    store.close()
    assert path.read_bytes() == before


def test_an_interrupted_past_run_resumes_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "history.sqlite3"
    store, _ = open_store(path)
    hips = builtin("pre-run-hips")
    left = play(store, hips, stop_after=3)
    store.end_run(left.run_id, RunStatus.INTERRUPTED, ended=MONDAY + timedelta(minutes=3))
    store.close()
    pretend_read_only(monkeypatch)
    store, _ = open_store(path)
    point = store.resume_point()
    assert point is not None and (point.run_id, point.next_index) == (left.run_id, 3)
    store.reopen_run(left.run_id)
    store.end_run(left.run_id, RunStatus.ABORTED, ended=MONDAY + timedelta(minutes=5))
    assert store.resume_point() is None
    run = store.run(left.run_id)
    assert run is not None and run.status is RunStatus.ABORTED and len(run.results) == 3
    assert [r.status for r in store.runs()] == [RunStatus.ABORTED]
    assert store.export_json(tmp_path / "export.json") == 1


def test_a_read_only_history_of_a_newer_hiptimer_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = fill(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    pretend_read_only(monkeypatch)
    store, notice = open_store(path)
    assert store.in_memory and store.runs() == []
    assert notice is not None and "a newer hiptimer wrote it" in notice and "kept in memory" in notice


async def test_the_app_shows_the_past_runs_and_starts_the_hills_at_five(history: Path) -> None:
    store = SqliteStore(history)
    app = make_app(FakeClock(), store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await app.store_worker.drain()
            await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = {
            str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(table.row_count)
        }
        assert rows["Hill sprints"][3] != "never" and rows["Hill sprints"][4] == "5 repeats"
    app = make_app(FakeClock(), store=store, start=HILLS)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert run_screen(app).controller.plan.targets == {"repeats": 5.0}


async def test_quitting_with_only_past_runs_asks_nothing(history: Path) -> None:
    store = SqliteStore(history)
    app = make_app(FakeClock(), store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await app.store_worker.drain()
            await pilot.pause()
        await pilot.press("q")
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert not isinstance(app.screen, SaveRunsScreen)
    assert app.return_code == 0


# --- the commands, on a folder that really is read-only -------------------------------------------

_MOUNT_READ_ONLY = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'

_COMMANDS = """
import sys
from hiptimer.cli import main
for argv in (["history"], ["list"], ["show", "hill-sprints"]):
    code = main(argv)
    print(f"=== {code}", flush=True)
"""


@pytest.fixture(scope="module")
def can_mount() -> bool:
    """Whether this root may make a folder read-only in a private mount namespace."""
    if os.geteuid() != 0:
        return False
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run(
        [unshare, "-m", "sh", "-c", _MOUNT_READ_ONLY, "/tmp", "sh", "-c", "! touch /tmp/.hiptimer-probe"],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip("no read-only bind mounts here (root without CAP_SYS_ADMIN)")
    return True


def run_read_only(folder: Path, scratch: Path, can_mount: bool) -> str:
    """Run history, list and show with ``folder`` (the data folder) read-only; return stdout."""
    env = {**os.environ, "HIPTIMER_DATA_DIR": str(folder), "TZ": "UTC", "TMPDIR": str(scratch)}
    argv = [sys.executable, "-c", _COMMANDS]
    if can_mount:
        argv = ["unshare", "-m", "sh", "-c", _MOUNT_READ_ONLY, str(folder), *argv]
    else:
        folder.chmod(0o555)
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert "cannot be read" not in done.stderr  # reading needs nothing written: nothing to tell
    return done.stdout


def crashed_copy(source: Path, folder: Path, *, shm: bool) -> None:
    """``folder`` holds the history as a process that died left it: runs in the ``-wal``."""
    store, _ = open_store(source / "history.sqlite3")
    play(store, builtin(HILLS), started=MONDAY)
    folder.mkdir()
    for suffix in ("", "-wal", "-shm") if shm else ("", "-wal"):
        shutil.copyfile(source / f"history.sqlite3{suffix}", folder / f"history.sqlite3{suffix}")
    store.close()


@pytest.mark.parametrize("left", ["closed cleanly", "with -wal and -shm", "with -wal alone"])
def test_the_commands_read_a_history_in_a_read_only_folder(
    tmp_path: Path, can_mount: bool, left: str
) -> None:
    folder = tmp_path / "data"
    if left == "closed cleanly":
        folder.mkdir()
        fill(folder)
    else:
        (tmp_path / "live").mkdir()
        crashed_copy(tmp_path / "live", folder, shm=left == "with -wal and -shm")
        assert (folder / "history.sqlite3-wal").stat().st_size > 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    history, listing, show, _ = run_read_only(folder, scratch, can_mount).split("=== 0\n")
    assert "No runs yet." not in history
    assert "hill-sprints  completed  11/11   repeats 4" in history
    hill_row = next(line for line in listing.splitlines() if line.startswith(HILLS))
    assert "2024-05-06" in hill_row  # last done
    assert "Today: repeats = 5" in show
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not list(scratch.iterdir())  # a copy read from is removed
