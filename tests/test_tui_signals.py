"""A real ``hiptimer run`` in a terminal, killed or hung up on mid-run: the run is kept as interrupted.

The app runs in its own process on a pseudo-terminal, with the real history file; the test waits
until the run is on record, sends the signal, and reads the database the app left behind.
"""

from __future__ import annotations

import os
import pty
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

START_TIMEOUT = 30.0


def _drain(fd: int, out: list[bytes]) -> None:
    """Read the terminal's output until it closes (a full pty would block the app)."""
    while True:
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


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_mid_run_ends_it_as_interrupted_without_a_traceback(
    signum: signal.Signals, isolated_dirs: Path
) -> None:
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
    reader = threading.Thread(target=_drain, args=(master, output), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while _runs(db) != [("running", 0)]:
            assert proc.poll() is None, b"".join(output).decode(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the run never started"
            time.sleep(0.05)
        proc.send_signal(signum)
        code = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        os.close(master)
    text = b"".join(output).decode(errors="replace")
    assert "Traceback" not in text
    assert code == 128 + signum
    assert _runs(db) == [("interrupted", 0)]
