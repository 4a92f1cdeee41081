"""History at scale: the first page of the history, and ``hiptimer history``, at 1,000 and 10,000 runs.

Builds a history file of N runs of 20 phases each (hill sprints at 7 repeats and running
backwards at 10, alternating; a run every 6 hours; one in ten stopped, one in twenty-five
interrupted) in a temporary folder, the way the store writes them but in one transaction, then
measures, in milliseconds (median of several tries):

* ``open``: opening the file as the app does when it starts (``open_store``: ``quick_check`` of
  every page, schema check, recovery of runs left running), and as the commands do (no full
  check: damage is still found in the pages they read);
* ``first page``: the newest 20 runs with their phases (``records(limit=20)``), for all sessions
  and for one; and 50 runs without phases (``runs(limit=50)``), what a list screen shows;
* ``list status``: last done and runs this week for the four built-ins (``session_history``);
* ``today``: the latest runs of a session and today's targets from them (``hiptimer show``);
* the history command in this process (open, newest 20 runs, table), and ``hiptimer history``
  whole in a fresh process, next to ``hiptimer --version`` (the same interpreter start and
  imports, no history), so the part the history adds shows.

The cost that matters must not grow with the size of the history: compare the two sizes.

Usage:
    python bench/history.py            # 1,000 and 10,000 runs (200,000 phase rows)
    python bench/history.py --quick    # 100 and 1,000 runs, fewer tries: keeps the script running
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hiptimer.catalog.sessions import load_file
from hiptimer.core.plan import Plan, compile_plan
from hiptimer.core.progression import today_targets
from hiptimer.history.command import run_history
from hiptimer.history.schema import PHASE_COLUMNS, plan_to_json, time_text
from hiptimer.history.store import SqliteStore, definition_hash, open_store, recent_runs

SESSIONS = Path(__file__).resolve().parent.parent / "sessions"
FIRST = datetime(2010, 1, 4, 7, 0, tzinfo=UTC)
PHASES_PER_RUN = 20


def _plans() -> list[tuple[str, Plan]]:
    out = []
    for name, targets in (("hill-sprints", {"repeats": 7.0}), ("backwards-running", {"repeats": 10.0})):
        session = load_file(SESSIONS / f"{name}.toml").session
        assert session is not None
        plan = compile_plan(session, targets)
        assert len(plan.phases) == PHASES_PER_RUN, (name, len(plan.phases))
        out.append((definition_hash(session), plan))
    return out


def build(path: Path, runs: int) -> None:
    """A history of ``runs`` runs of 20 phases each."""
    store = SqliteStore(path)
    store.open()
    conn = store._state.conn
    assert conn is not None
    plans = _plans()
    jsons = [plan_to_json(plan) for _, plan in plans]
    conn.execute("BEGIN")
    for i in range(runs):
        digest, plan = plans[i % 2]
        started = FIRST + timedelta(hours=6 * i)
        status = "aborted" if i % 10 == 9 else "interrupted" if i % 25 == 12 else "completed"
        t = float(plan.get_ready)
        rows = []
        for phase in plan.phases:
            seconds = phase.seconds or 25.0
            outcome = (
                "aborted" if status == "aborted" and phase.index == len(plan.phases) - 1 else "completed"
            )
            rows.append(
                (
                    phase.index,
                    phase.label,
                    phase.kind.value,
                    phase.set_index,
                    phase.set_count,
                    phase.round_index,
                    phase.round_count,
                    phase.seconds,
                    seconds,
                    outcome,
                    t,
                    t + seconds,
                    time_text(started + timedelta(seconds=t)),
                    time_text(started + timedelta(seconds=t + seconds)),
                )
            )
            t += seconds
        ended = started + timedelta(seconds=t)
        cur = conn.execute(
            "INSERT INTO runs (session_id, session_name, definition_hash, started, ended, status, plan_json,"
            " targets_json, phase_count, pid, heartbeat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            (
                plan.session_id,
                plan.session_name,
                digest,
                time_text(started),
                time_text(ended),
                status,
                jsons[i % 2],
                json.dumps(dict(plan.targets)),
                len(plan.phases),
                time_text(ended),
            ),
        )
        run_id = cur.lastrowid
        conn.executemany(
            f"INSERT INTO phases ({PHASE_COLUMNS}) VALUES"
            " (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?, ?, ?, NULL, ?, ?)",
            [(run_id, *row) for row in rows],
        )
    conn.execute("COMMIT")
    store.close()


@contextlib.contextmanager
def _data_dir(folder: Path) -> Iterator[None]:
    before = os.environ.get("HIPTIMER_DATA_DIR")
    os.environ["HIPTIMER_DATA_DIR"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ["HIPTIMER_DATA_DIR"]
        else:
            os.environ["HIPTIMER_DATA_DIR"] = before


def _command() -> list[str]:
    script = Path(sys.executable).with_name("hiptimer")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hiptimer"]


def actions(folder: Path, runs: int) -> dict[str, tuple[Callable[[], object], int]]:
    """What is measured on one history file: name -> (action, repeats per try)."""
    path = folder / "history.sqlite3"
    store, _ = open_store(path, verify=False)
    assert len(store.records(limit=20)) == min(20, runs)
    ids = ["backwards-running", "hill-sprints", "pre-run-hips", "strength-for-speed"]
    now = FIRST + timedelta(hours=6 * runs)
    hills = load_file(SESSIONS / "hill-sprints.toml").session
    assert hills is not None
    env = {**os.environ, "HIPTIMER_DATA_DIR": str(folder)}
    command = _command()

    def opened(verify: bool) -> None:
        opened, notice = open_store(path, verify=verify)
        assert notice is None, notice
        opened.close()

    def in_process() -> None:
        args = argparse.Namespace(format="table", session=None, since=None, limit=None)
        with _data_dir(folder):
            run_history(args, out=io.StringIO(), err=io.StringIO())

    def cli(*args: str) -> None:
        subprocess.run([*command, *args], env=env, check=True, stdout=subprocess.DEVNULL)

    return {
        "open, checking every page (the app)": (lambda: opened(True), 1),
        "open, no full check (the commands)": (lambda: opened(False), 1),
        "first page: newest 20 runs with phases": (lambda: store.records(limit=20), 5),
        "first page of one session": (lambda: store.records("hill-sprints", limit=20), 5),
        "50 runs, no phases": (lambda: store.runs(limit=50), 5),
        "list: last done, this week (4 sessions)": (lambda: store.session_history(ids, now=now), 5),
        "show: today's targets": (lambda: today_targets(hills, recent_runs(store, "hill-sprints")), 5),
        "history command in this process": (in_process, 2),
        "`hiptimer history`": (lambda: cli("history"), 1),
        "`hiptimer history --session hill-sprints`": (lambda: cli("history", "--session", "hill-sprints"), 1),
        "`hiptimer --version` (start-up alone)": (lambda: cli("--version"), 1),
    }


def measure(folders: dict[int, Path], tries: int) -> dict[str, dict[int, list[float]]]:
    """Time every action on every file, taking turns, so a busy moment hits both sizes alike."""
    plans = {runs: actions(folder, runs) for runs, folder in folders.items()}
    times: dict[str, dict[int, list[float]]] = {}
    for _ in range(tries):
        for runs, measured in plans.items():
            for name, (action, repeats) in measured.items():
                for _ in range(repeats):
                    start = time.perf_counter()
                    action()
                    times.setdefault(name, {}).setdefault(runs, []).append(
                        (time.perf_counter() - start) * 1000
                    )
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 runs, fewer tries")
    args = parser.parse_args(argv)
    sizes = (100, 1000) if args.quick else (1000, 10000)
    tries = 2 if args.quick else 9
    with tempfile.TemporaryDirectory(prefix="hiptimer-bench-") as tmp:
        folders = {}
        built = []
        for runs in sizes:
            folders[runs] = Path(tmp) / str(runs)
            folders[runs].mkdir()
            started = time.perf_counter()
            build(folders[runs] / "history.sqlite3", runs)
            built.append(f"{runs:,} runs: {time.perf_counter() - started:.1f} s")
        times = measure(folders, tries)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"machine: {platform.machine()}, {cpus} cores, Python {platform.python_version()}, SQLite {_sqlite()}"
    )
    print()
    head = " | ".join(f"{runs:,} runs ({runs * PHASES_PER_RUN:,} phases)" for runs in sizes)
    print(f"| ms: median (min) | {head} |")
    print("|---|" + "---:|" * len(sizes))
    for name, by_size in times.items():
        cells = " | ".join(f"{statistics.median(by_size[r]):.1f} ({min(by_size[r]):.1f})" for r in sizes)
        print(f"| {name} | {cells} |")
    print(f"\n(building the files: {'; '.join(built)})")
    return 0


def _sqlite() -> str:
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    raise SystemExit(main())
