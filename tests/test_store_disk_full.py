"""A full disk hides no history: every past run is still shown, as with a read-only folder.

The store test fills the disk at the connection (every statement that adds or changes rows fails
as SQLite fails on a full disk: ``SQLITE_FULL``). The command test
uses a real full disk when it can: a tiny tmpfs in a private mount namespace (root only; skipped
otherwise), filled to the last byte before hiptimer starts.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from store_kit import MONDAY, FullDisk, builtin, play

from hiptimer.core.results import RunStatus
from hiptimer.history import opening as store_open
from hiptimer.history.store import open_store, recent_runs

HILLS = "hill-sprints"


def history_with_a_run_left_running(folder: Path) -> Path:
    """Two completed hill runs (4 then 5 repeats' worth of progress), then one left running."""
    path = folder / "history.sqlite3"
    store, _ = open_store(path)
    play(store, builtin(HILLS), started=MONDAY)
    play(store, builtin(HILLS), started=MONDAY + timedelta(days=2), stop_after=3)
    store.close()
    with sqlite3.connect(path) as conn:  # as if another process that died had held it
        conn.execute("UPDATE runs SET status = 'running', pid = 999999999 WHERE id = 2")
    conn.close()
    return path


def test_a_full_disk_at_start_still_shows_every_past_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = history_with_a_run_left_running(tmp_path)

    def full_disk(where: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(
            where, isolation_level=None, check_same_thread=False, timeout=5.0, factory=FullDisk
        )
        conn.row_factory = sqlite3.Row
        return conn

    monkeypatch.setattr(store_open, "_connect", full_disk)
    store, notice = open_store(path)
    # Ending the run left running is a write: it fails, and the store reads the file instead.
    assert notice is not None and "the disk is full" in notice and "Past runs are shown" in notice
    runs = store.runs()
    assert [(r.run_id, r.status) for r in runs] == [(2, RunStatus.INTERRUPTED), (1, RunStatus.COMPLETED)]
    assert recent_runs(store, HILLS)[-1].status is RunStatus.COMPLETED
    # A run done now is kept in memory beside them, and offered for export.
    played = play(store, builtin(HILLS), started=MONDAY + timedelta(days=3))
    assert played.run_id == 3
    assert [r.run_id for r in store.runs()] == [3, 2, 1]
    assert [r.run_id for r in store.memory_runs()] == [3]


_FILL = (
    'mount -t tmpfs -o size=512k tmpfs "$0" && cp -a "$1"/. "$0"/ '
    '&& (dd if=/dev/zero of="$0/filler" bs=4096 2>/dev/null; true) && shift && exec "$@"'
)

_COMMANDS = """
import sys
from hiptimer.cli import main
from hiptimer.history.store import open_store
from hiptimer.locations import history_db_path
store, notice = open_store(history_db_path())  # as the app opens it: to write
print("notice:", notice)
print("runs:", [(r.run_id, r.status.value) for r in store.runs()])
store.close()
for argv in (["history", "--json"], ["show", "hill-sprints"]):
    code = main(argv)
    print(f"=== {code}", flush=True)
"""


def test_on_a_really_full_disk_the_app_and_the_commands_show_every_past_run(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or unshare is None:
        pytest.skip("a real full disk needs root and unshare (a tmpfs in a private mount namespace)")
    probe = subprocess.run(
        [unshare, "-m", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0"', str(tmp_path)],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip("no tmpfs mounts here (root without CAP_SYS_ADMIN)")
    source = tmp_path / "source"
    source.mkdir()
    history_with_a_run_left_running(source)
    data = tmp_path / "data"
    data.mkdir()
    env = {**os.environ, "HIPTIMER_DATA_DIR": str(data), "TZ": "UTC"}
    done = subprocess.run(
        [unshare, "-m", "sh", "-c", _FILL, str(data), str(source), sys.executable, "-c", _COMMANDS],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    head_and_history, show, rest = done.stdout.split("=== 0\n")  # both commands exit 0
    assert rest == ""
    head, history = head_and_history.split("\n{", 1)
    assert "the disk is full" in head, head
    assert "runs: [(2, 'interrupted'), (1, 'completed')]" in head
    doc = json.loads("{" + history)
    assert [(r["id"], r["status"]) for r in doc["runs"]] == [(2, "interrupted"), (1, "completed")]
    assert "first time" not in show.lower()
    assert "Today: repeats = 4" in show and "last run was interrupted" in show, show
