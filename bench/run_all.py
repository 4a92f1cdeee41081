"""Run every benchmark in bench/, one after another, and print their tables.

Each script measures hiptimer next to its reference in the same run (a naive timer loop,
termdown, a bare Textual app, plain Python). The figures go into BENCHMARKS.md by hand, with the
command that produced them.

Run: python bench/run_all.py [--quick]   (make bench does this after installing termdown)
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# In the order they are shown; a script that is missing is reported, not fatal.
SCRIPTS = ["timing.py", "cpu.py", "startup.py", "cue_latency.py", "history.py"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny inputs: checks that every script runs")
    args = parser.parse_args(argv)
    print(f"hiptimer benchmarks, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {platform.machine()}, {_cpus()} cores, Python {platform.python_version()}\n")
    failed = []
    for name in SCRIPTS:
        script = HERE / name
        if not script.exists():
            print(f"== {name}: not there\n")
            continue
        print(f"== {name}", flush=True)
        cmd = [sys.executable, str(script), *(["--quick"] if args.quick else [])]
        if subprocess.run(cmd, check=False).returncode != 0:
            failed.append(name)
        print(flush=True)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    raise SystemExit(main())
