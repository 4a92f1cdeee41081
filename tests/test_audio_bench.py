"""bench/cue_latency.py still runs (with ``--quick``); no timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_cue_latency_benchmark_runs_quick(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cue_latency.py"), "--quick"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "p50 ms" in done.stdout and "SA_LATENCY_US" in done.stdout
    assert done.stderr == ""
