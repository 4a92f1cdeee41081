"""Start-up times: hiptimer's commands and first frame vs plain Python, pydantic and a bare Textual app.

Each command runs ``--runs`` times (after one warm-up run); the median wall time is shown.
The first frame is the time from spawning the program in an 80 x 24 pty until a known text shows.

Run: python bench/startup.py [--runs 15] [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._pty import spawn

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent


def timed(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    """Median seconds to run ``cmd`` to completion."""
    subprocess.run(cmd, env=env, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def first_frame(cmd: list[str], needle: bytes, runs: int, env: dict[str, str]) -> float | None:
    """Median seconds from spawn until ``needle`` is on the screen."""
    times = []
    for _ in range(runs + 1):
        proc = spawn(cmd, env=env)
        try:
            seen = proc.wait_for(needle, timeout=20)
        finally:
            proc.stop()
        if seen is None:
            return None
        times.append(seen)
    return float(statistics.median(times[1:]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="one run each: checks the script runs")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    py = sys.executable
    hip = str(BIN / "hiptimer")
    builtins = sorted(str(p) for p in (ROOT / "sessions").glob("*.toml"))
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {
            "HIPTIMER_DATA_DIR": tmp,
            "HIPTIMER_CONFIG_DIR": tmp,
            "HIPTIMER_SESSIONS_DIR": tmp,
            "HIPTIMER_AUDIO": "off",
            "TERM": "xterm-256color",
        }
        rows: list[tuple[str, float | None]] = [
            ("python -c pass", timed([py, "-c", "pass"], runs, env)),
            ("python -c 'import pydantic'", timed([py, "-c", "import pydantic"], runs, env)),
            ("python -c 'import textual.app'", timed([py, "-c", "import textual.app"], runs, env)),
            ("hiptimer --version", timed([hip, "--version"], runs, env)),
            ("hiptimer check (4 built-ins)", timed([hip, "check", *builtins], runs, env)),
            ("hiptimer show hill-sprints", timed([hip, "show", "hill-sprints"], runs, env)),
            ("hiptimer list", timed([hip, "list"], runs, env)),
            (
                "first frame: bare Textual app",
                first_frame([py, str(HERE / "bare_app.py")], b"bare", runs, env),
            ),
            ("first frame: hiptimer home", first_frame([hip], b"Hill sprints", runs, env)),
        ]
    print(f"Start-up, median of {runs} runs")
    print(f"{'command':36} {'ms':>8}")
    for name, secs in rows:
        shown = f"{secs * 1000:8.1f}" if secs is not None else "     n/a"
        print(f"{name:36} {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
