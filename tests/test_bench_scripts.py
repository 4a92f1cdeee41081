"""The benchmark scripts still run: ``bench/run_all.py --quick`` runs each on a tiny input.

No timing is asserted here: the figures are measured by hand (``make bench``) and recorded in
BENCHMARKS.md. One quick run of everything (about 20 s) is shared by the tests below; each
script's test fails on its own part of the output. Add a script to :data:`SCRIPTS` when it is
written (and to ``SCRIPTS`` in bench/run_all.py, which runs them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import run_all

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


# -- without simpleaudio (the audio extra needs ALSA's headers to build) ---------------------------


@pytest.fixture
def no_simpleaudio(tmp_path: Path) -> dict[str, str]:
    """An environment in which ``import simpleaudio`` fails, as on a machine without the headers."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "simpleaudio.py").write_text("raise ImportError('simpleaudio is not installed here')\n")
    return {**os.environ, "PYTHONPATH": str(shadow)}


def test_without_simpleaudio_the_cue_latency_figure_says_so(no_simpleaudio: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_all.py"), "--quick", "--only", "cue_latency.py"],
        cwd=ROOT,
        env=no_simpleaudio,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    section = _section(done.stdout, "cue_latency.py")
    assert re.search(r"^simpleaudio \(worker process\)\s+simpleaudio: not installed$", section, re.M), section
    assert re.search(r"^reference: simpleaudio in-process\s+simpleaudio: not installed$", section, re.M)
    overview = done.stdout.split("Overview (", 1)[1]
    assert "figures not found" not in overview, overview
    assert re.search(r"^cue latency p99 \(max\) ms\s+simpleaudio: not installed", overview, re.M), overview


def test_without_simpleaudio_the_audio_worker_cpu_figure_says_so(
    no_simpleaudio: dict[str, str], tmp_path: Path
) -> None:
    report = tmp_path / "cpu.json"
    done = subprocess.run(
        [sys.executable, "bench/cpu.py", "--only", "hiptimer-worker", "--json", str(report)],
        cwd=ROOT,
        env=no_simpleaudio,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^hiptimer, simpleaudio worker\s+simpleaudio: not installed", done.stdout, re.M)
    figures = json.loads(report.read_text())
    assert figures["skipped"] == {"hiptimer-worker": "simpleaudio: not installed"}
    table = run_all.overview({"cpu.py": done.stdout}, {"cpu.py": figures})
    assert re.search(r"^CPU s/min, 60 s hold, audio worker\s+simpleaudio: not installed", table, re.M), table


def test_cpu_runs_hiptimer_from_another_checkout_in_the_same_turns(tmp_path: Path) -> None:
    from bench import cpu

    old = tmp_path / "before"
    progs = {p.key: p for p in cpu.programs(tmp_path / "hold.toml", 60, tmp_path, before=old)}
    before, now = progs["hiptimer-before"], progs["hiptimer"]
    assert before.argv == now.argv  # the same command and session, the other code first on the path
    env = before.env(tmp_path)
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(old)
    assert env["HIPTIMER_AUDIO"] == "off"
    assert str(old) not in now.env(tmp_path).get("PYTHONPATH", "")
    assert "hiptimer-before" not in {p.key for p in cpu.programs(tmp_path / "hold.toml", 60, tmp_path)}


@pytest.mark.skipif(
    shutil.which("valgrind") is None, reason="valgrind is not installed (.ci/run installs it)"
)
def test_startup_counts_instructions_of_a_command_and_of_a_first_frame(tmp_path: Path) -> None:
    """``bench/startup.py --instructions``: cachegrind's count of a command, and of a program up
    to the write that puts its text on the screen (the program then ends: no idling counted)."""
    from bench import startup

    frame = tmp_path / "frame.py"
    after = tmp_path / "ran-on"
    frame.write_text(  # writes its text as Textual writes a frame, then would go on
        "import os, sys\n"
        "from textual.drivers._writer_thread import WriterThread\n"
        "WriterThread(open(os.devnull, 'w')).write('counted')\n"
        "WriterThread(open(os.devnull, 'w')).write('ready')\n"
        f"open({str(after)!r}, 'w').close()\n",
        encoding="utf-8",
    )
    counts = startup.count_instructions(
        [("python -c pass", [sys.executable, "-c", "pass"])],
        [("frame", [sys.executable, str(frame)], (b"counted", b"ready"), {})],
        dict(os.environ),
        tmp_path,
    )
    assert counts["python -c pass"] > 1, counts  # millions: Python's start is tens of millions
    assert counts["frame"] > counts["python -c pass"], counts
    assert not after.exists(), "the program went on after the frame"
