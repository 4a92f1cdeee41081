"""A real terminal (tmux): ``hiptimer run`` killed during a rest, then started again, goes on by the clock.

The app runs in a tmux session of a private tmux server, with the real history file. It is killed
with SIGKILL (no chance to save anything more) a few seconds into a 10-minute rest; started again
moments later, it goes straight back into the rest, without a question, with the time gone by
taken off, and says "Resumed: Rest".
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="needs tmux (apt-get install tmux)"),
]

REST_SESSION = """\
id = "terminal-rest"
name = "Terminal rest"
get_ready = 1

[[steps]]
type = "rest"
seconds = 600

[[steps]]
type = "open"
name = "Walk back"
estimate_seconds = 30
"""

LEFT = re.compile(r"(\d+):(\d\d) left")
TIMEOUT = 30.0


def wait(what: str, probe: Callable[[], object], timeout: float = TIMEOUT) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Run a tmux command on a private server (its socket in tmp_path); the server ends after."""
    socket = tmp_path / "tmux.sock"

    def run(*args: str) -> str:
        done = subprocess.run(
            [TMUX or "tmux", "-S", str(socket), "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        return done.stdout

    yield run
    run("kill-server")


def row(db: Path) -> tuple[str, int, str] | None:
    """The latest run's status, pid and position, or None."""
    if not db.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            found = conn.execute(
                "SELECT status, pid, live_json FROM runs ORDER BY id DESC LIMIT 1"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return (str(found[0]), int(found[1]), str(found[2] or "")) if found else None


def test_a_run_killed_in_a_real_terminal_goes_on_by_its_clock(
    tmux: Callable[..., str], isolated_dirs: Path
) -> None:
    sessions = isolated_dirs / "sessions"
    sessions.mkdir(parents=True, exist_ok=True)
    (sessions / "terminal-rest.toml").write_text(REST_SESSION)
    db = isolated_dirs / "data" / "history.sqlite3"
    env = [
        f"{k}={os.environ[k]}" for k in ("HIPTIMER_DATA_DIR", "HIPTIMER_CONFIG_DIR", "HIPTIMER_SESSIONS_DIR")
    ]
    command = [sys.executable, "-m", "hiptimer", "run", "terminal-rest"]

    def start(name: str) -> None:
        options = [
            arg
            for pair in (("-e", e) for e in [*env, "HIPTIMER_AUDIO=off", "TERM=xterm-256color"])
            for arg in pair
        ]
        tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", *options, *command)

    def screen(name: str) -> str:
        return tmux("capture-pane", "-p", "-t", name)

    def left(name: str) -> int:
        found = wait("the time left", lambda: LEFT.search(screen(name)))
        assert isinstance(found, re.Match)
        return int(found[1]) * 60 + int(found[2])

    start("first")
    wait("the rest", lambda: (r := row(db)) is not None and '"counting_down": false' in r[2])
    wait("the rest on screen", lambda: "REST" in screen("first"))
    before, seen = left("first"), time.monotonic()
    status = row(db)
    assert status is not None and status[0] == "running"
    os.kill(status[1], signal.SIGKILL)
    wait("the app to die", lambda: "first" not in tmux("list-sessions", "-F", "#{session_name}"))
    time.sleep(2)

    start("again")

    def resumed() -> str:
        text = screen("again")
        return text if "Resumed: Rest" in text else ""

    shown = wait("the resumed run", resumed)
    assert "Resume Terminal rest?" not in str(shown)
    after, now = left("again"), time.monotonic()
    gone = now - seen
    assert gone >= 2
    assert abs((before - after) - gone) <= 2.5, (before, after, gone)
    again = row(db)
    assert again is not None and again[0] == "running" and again[1] != status[1], "the same run, driven anew"
