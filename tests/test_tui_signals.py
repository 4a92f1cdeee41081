"""A real ``hiptimer run`` in a terminal, killed or hung up on mid-run: the run is kept as interrupted.

The app runs in its own process on a pseudo-terminal, with the real history file; the test waits
until the run is on record, sends the signal, and reads the database the app left behind.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

START_TIMEOUT = 30.0


def _drain(fd: int, out: list[bytes], stop: threading.Event) -> None:
    """Read the terminal's output until told to stop (a full pty would block the app)."""
    while not stop.is_set():
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        out.append(chunk)


def _runs(db: Path) -> list[tuple[str, int]]:
    """(status, phases saved) of each run, or [] while there is no database yet."""
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db) as conn:
            rows = conn.execute(
                "SELECT status, (SELECT COUNT(*) FROM phases WHERE phases.run_id = runs.id) FROM runs"
            ).fetchall()
    except sqlite3.Error:
        return []
    return [(str(status), int(count)) for status, count in rows]


@pytest.mark.parametrize(
    ("signum", "terminal_closed"),
    [(signal.SIGTERM, False), (signal.SIGHUP, False), (signal.SIGHUP, True)],
    ids=["sigterm", "sighup", "sighup-terminal-gone"],
)
def test_a_signal_mid_run_ends_it_as_interrupted_without_a_traceback(
    signum: signal.Signals, terminal_closed: bool, isolated_dirs: Path
) -> None:
    """The terminal window closing is the last case: its pty is gone, writes to it fail."""
    db = isolated_dirs / "data" / "history.sqlite3"
    env = {**os.environ, "HIPTIMER_AUDIO": "off", "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    env.pop("NO_COLOR", None)
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hiptimer", "run", "pre-run-hips"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    output: list[bytes] = []
    stop = threading.Event()
    reader = threading.Thread(target=_drain, args=(master, output, stop), daemon=True)
    reader.start()
    master_open = True
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while _runs(db) != [("running", 0)]:
            assert proc.poll() is None, b"".join(output).decode(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the run never started"
            time.sleep(0.05)
        if terminal_closed:
            stop.set()
            reader.join(timeout=5)
            os.close(master)
            master_open = False
        proc.send_signal(signum)
        if terminal_closed:
            proc.send_signal(signal.SIGCONT)  # as the kernel does when a terminal hangs up
        code = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        stop.set()
        reader.join(timeout=5)
        if master_open:
            os.close(master)
    text = b"".join(output).decode(errors="replace")
    assert "Traceback" not in text
    assert code == 128 + signum
    assert _runs(db) == [("interrupted", 0)]
