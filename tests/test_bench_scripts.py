"""The benchmark scripts still run: ``bench/run_all.py --quick`` runs each on a tiny input.

No timing is asserted here: the figures are measured by hand (``make bench``) and recorded in
BENCHMARKS.md. One quick run of everything (about 20 s) is shared by the tests below; each
script's test fails on its own part of the output. Add a script to :data:`SCRIPTS` when it is
written (and to ``SCRIPTS`` in bench/run_all.py, which runs them).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPTS = ["timing.py", "cpu.py", "startup.py", "cue_latency.py", "history.py"]


@pytest.fixture(scope="module")
def quick_run() -> subprocess.CompletedProcess[str]:
    """``bench/run_all.py --quick``, run once for every test here."""
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_all.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _section(output: str, script: str) -> str:
    """What ``script`` printed, between its ``== name`` line and the next one."""
    found = re.search(
        rf"^== {re.escape(script)}\n(.*?)(?=^== |^load average at the end)", output, re.M | re.S
    )
    assert found is not None, f"bench/{script} did not run:\n{output}"
    return found.group(1)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_bench_script_runs_quick(script: str, quick_run: subprocess.CompletedProcess[str]) -> None:
    assert (ROOT / "bench" / script).exists()
    section = _section(quick_run.stdout, script)
    assert section.strip(), f"bench/{script} printed nothing"
    failed = re.search(rf"^failed:.*\b{re.escape(script)}\b", quick_run.stdout, re.M)
    assert failed is None, section + quick_run.stderr


def test_run_all_ends_in_an_overview_of_every_figure(quick_run: subprocess.CompletedProcess[str]) -> None:
    assert quick_run.returncode == 0, quick_run.stdout + quick_run.stderr
    overview = quick_run.stdout.split("Overview (", 1)[1]
    assert "figures not found" not in overview, overview
    for figure in (
        "phase-boundary error",
        "CPU s/min",
        "resident memory",
        "--version",
        "first frame",
        "cue latency",
    ):
        assert figure in overview, overview
    assert "machine: " in quick_run.stdout and "cores" in quick_run.stdout
