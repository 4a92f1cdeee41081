"""CPU and memory while a 60 s hold runs: hiptimer vs termdown vs a bare Textual app.

Each program runs in its own 80 x 24 pseudo-terminal whose output is drained as fast as it comes;
CPU (user + system, all processes of the program) is read from /proc over the same window.

Run: python bench/cpu.py [--seconds 40] [--quick]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._pty import measure_cpu

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent

HOLD_SESSION = """\
id = "bench-hold"
name = "Benchmark hold"
get_ready = 0

[[steps]]
type = "hold"
name = "Benchmark hold"
seconds = {seconds}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="measuring window (default 40)")
    parser.add_argument("--quick", action="store_true", help="a 2 s window: checks the script runs")
    args = parser.parse_args(argv)
    window = 2.0 if args.quick else args.seconds
    warmup = 0.5 if args.quick else 3.0
    hold = max(60, int(window + warmup + 10))

    with tempfile.TemporaryDirectory() as tmp:
        session = Path(tmp) / "bench-hold.toml"
        session.write_text(HOLD_SESSION.format(seconds=hold))
        env = os.environ | {
            "HIPTIMER_DATA_DIR": tmp,
            "HIPTIMER_CONFIG_DIR": tmp,
            "HIPTIMER_SESSIONS_DIR": tmp,
            "HIPTIMER_AUDIO": "off",
            "TERM": "xterm-256color",
        }
        rows: list[tuple[str, float, int]] = []
        candidates: list[tuple[str, list[str], bytes | None]] = [
            ("hiptimer run (60 s hold)", [str(BIN / "hiptimer"), "run", str(session)], b"Benchmark"),
            ("bare Textual app, 1 redraw/s", [sys.executable, str(HERE / "bare_app.py")], b"bare"),
        ]
        termdown = shutil.which("termdown", path=str(BIN)) or shutil.which("termdown")
        if termdown:
            candidates.append((f"termdown {hold}", [termdown, str(hold)], None))
        for name, cmd, ready in candidates:
            try:
                per_min, rss = measure_cpu(cmd, seconds=window, warmup=warmup, ready=ready, env=env)
            except (RuntimeError, OSError) as err:
                print(f"{name}: could not measure ({err})", file=sys.stderr)
                continue
            rows.append((name, per_min, rss))

    print(f"CPU while a hold runs ({window:g} s window, 80x24 pty)")
    print(f"{'program':34} {'CPU s/min':>10} {'peak RSS MiB':>13}")
    for name, per_min, rss in rows:
        print(f"{name:34} {per_min:10.3f} {rss / 1024:13.1f}")
    ref = {n.split()[0]: v for n, v, _ in rows}
    if "hiptimer" in ref and "termdown" in ref and ref["termdown"] > 0:
        print(f"hiptimer / termdown CPU: {ref['hiptimer'] / ref['termdown']:.2f} (goal <= 0.5)")
    if not termdown:
        print("termdown not installed: pip install termdown (make bench does)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
