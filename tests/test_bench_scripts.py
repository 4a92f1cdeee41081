"""The benchmark scripts still run: each with ``--quick`` (tiny input), in a fresh interpreter.

No timing is asserted here: the figures are measured by hand and recorded in BENCHMARKS.md.
Add a script to :data:`SCRIPTS` when it is written; one that is not there yet is skipped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPTS = [
    "bench/timing.py",
    "bench/history.py",
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_bench_script_runs_quick(script: str) -> None:
    path = ROOT / script
    if not path.exists():
        pytest.skip(f"{script} is not written yet")
    done = subprocess.run(
        [sys.executable, str(path), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip(), "a bench script prints its table"
