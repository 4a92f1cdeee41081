"""Run every benchmark in bench/, one after another, then print an overview of the figures.

Each script measures hiptimer next to its reference in the same run (a naive timer loop,
termdown, a bare Textual app, plain Python, simpleaudio called directly) and prints its own
table as it goes. The overview at the end puts the headline figure of each next to its
reference, with the ratio and the goal; BENCHMARKS.md records them with the machine they ran on.

Run: python bench/run_all.py [--quick] [--only NAME]   (make bench does this after installing
termdown; the full run takes about 25 minutes, most of it the real-time timing and CPU windows)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

SCRIPTS = ["timing.py", "cpu.py", "startup.py", "cue_latency.py", "history.py"]
"""In the order they run; a script that is missing is reported, not fatal."""

GOAL_CPU_RATIO = 0.5
"""hiptimer's CPU during a hold, at most this share of termdown's."""

FULL_ARGS = {"cpu.py": ["--rounds", "3"]}
"""Extra arguments in a full run: CPU figures vary by a tenth from one window to the next, so the
overview takes the median of three rounds."""

JSON_SCRIPTS = {"cpu.py", "startup.py"}
"""Scripts that also write their figures to a JSON file (--json); the others' are read from
their printed tables."""


@dataclass(frozen=True)
class Row:
    """One line of the overview."""

    figure: str
    hiptimer: str
    reference: str
    ratio: str
    goal: str
    met: str


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny inputs: checks that every script runs")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this script (e.g. cpu.py)")
    args = parser.parse_args(argv)
    print(f"hiptimer benchmarks, {time.strftime('%Y-%m-%d %H:%M')}{' (quick)' if args.quick else ''}")
    print(machine())
    print(f"load average at the start: {load()}\n", flush=True)
    outputs: dict[str, str] = {}
    figures: dict[str, dict[str, Any]] = {}
    failed = []
    with tempfile.TemporaryDirectory(prefix="hiptimer-bench-") as tmp:
        for name in SCRIPTS:
            if args.only and name not in args.only:
                continue
            script = HERE / name
            if not script.exists():
                print(f"== {name}: not there\n")
                continue
            print(f"== {name}", flush=True)
            cmd = [sys.executable, str(script), *(["--quick"] if args.quick else FULL_ARGS.get(name, []))]
            report = Path(tmp) / f"{name}.json"
            if name in JSON_SCRIPTS:
                cmd += ["--json", str(report)]
            code, outputs[name] = _tee(cmd)
            if code != 0:
                failed.append(name)
            if report.exists():
                figures[name] = json.loads(report.read_text())
            print(flush=True)
    print(f"load average at the end: {load()}\n")
    if args.quick:
        print("(--quick: tiny inputs and one-second windows; these figures only show the scripts run)")
    print(overview(outputs, figures))
    if failed:
        print("\nfailed: " + ", ".join(failed))
    return 1 if failed else 0


def _tee(cmd: list[str]) -> tuple[int, str]:
    """Run ``cmd``, showing its output as it comes, and return its exit code and output."""
    lines: list[str] = []
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    return proc.returncode, "".join(lines)


def machine() -> str:
    """Cores, CPU model, OS and Python: the line BENCHMARKS.md quotes."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or model
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"machine: {cores} cores, {model}, {platform.system()} {platform.release()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def load() -> str:
    """The load average (1, 5, 15 minutes), or n/a."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


# -- the overview --------------------------------------------------------------------------------


def overview(outputs: dict[str, str], figures: dict[str, dict[str, Any]]) -> str:
    """The table of headline figures, from what the scripts printed and wrote."""
    rows: list[Row] = []
    for name, read in READERS:
        if name in outputs:
            try:
                rows.extend(read(outputs[name], figures.get(name, {})))
            except (KeyError, ValueError, TypeError, ZeroDivisionError) as exc:
                rows.append(Row(f"{name}: figures not found ({exc!r})", "", "", "", "", ""))
    head = Row("figure", "hiptimer", "reference", "ratio", "goal", "met?")
    table = [head, *rows]
    widths = [max(len(getattr(r, f)) for r in table) for f in Row.__dataclass_fields__]
    lines = ["Overview (each figure next to its reference, measured in the same run)"]
    for n, row in enumerate(table):
        cells = [getattr(row, f) for f in Row.__dataclass_fields__]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _num(pattern: str, text: str, group: int = 1) -> float:
    found = re.search(pattern, text, re.MULTILINE)
    if found is None:
        raise ValueError(f"no match for {pattern!r}")
    return float(found.group(group))


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"


def _timing(out: str, _: dict[str, Any]) -> list[Row]:
    # Rows: scenario? loop measure n p50 p99 max; the boundaries' max over every scenario.
    engine = [float(m) for m in re.findall(r"engine\s+phase boundaries\s+\d+\s+\S+\s+\S+\s+(\S+)", out)]
    naive = [float(m) for m in re.findall(r"naive\s+phase boundaries\s+\d+\s+\S+\s+\S+\s+(\S+)", out)]
    p99 = _num(r"engine phase boundaries, all scenarios: n=\d+ p99 (\S+) ms", out)
    worst, drift = max(engine), max(naive)
    return [
        Row(
            "phase-boundary error, max (p99) ms",
            f"{worst:.2f} ({p99:.2f})",
            f"naive loop {drift:.1f}",
            f"{worst / drift:.3f}",
            "p99 <= 5, max <= 15",
            _met(p99 <= 5 and worst <= 15),
        )
    ]


def _cpu(out: str, data: dict[str, Any]) -> list[Row]:
    progs = data["programs"]
    td = progs.get("termdown")

    def row(label: str, key: str, field: str, unit: str, goal: str | None) -> Row:
        mine = progs[key][field]
        if td is None:
            return Row(label, f"{mine:{unit}}", "termdown not installed", "-", goal or "-", "-")
        ratio = mine / td[field]
        met = _met(ratio <= GOAL_CPU_RATIO) if goal else "-"
        return Row(label, f"{mine:{unit}}", f"termdown {td[field]:{unit}}", f"{ratio:.2f}", goal or "-", met)

    rows = []
    for key, label in (
        ("hiptimer", "CPU s/min, 60 s hold, audio off"),
        ("hiptimer-default", "CPU s/min, 60 s hold, default audio"),
        ("hiptimer-worker", "CPU s/min, 60 s hold, audio worker"),
    ):
        if key in progs:
            rows.append(row(label, key, "cpu_s_per_min", ".3f", f"<= {GOAL_CPU_RATIO}"))
    for key, why in data.get("skipped", {}).items():
        if key == "hiptimer-worker":
            rows.append(Row("CPU s/min, 60 s hold, audio worker", why, "-", "-", f"<= {GOAL_CPU_RATIO}", "-"))
    if "bare" in progs:
        rows.append(row("  (bare Textual app, 1 redraw/s)", "bare", "cpu_s_per_min", ".3f", None))
    for key, label in (
        ("hiptimer", "resident memory MiB, audio off"),
        ("hiptimer-worker", "  with audio worker"),
    ):
        if key in progs:
            rows.append(row(label, key, "rss_mib", ".1f", None))
    return rows


def _startup(out: str, data: dict[str, Any]) -> list[Row]:
    wall = data["wall_ms"]
    py, pyd = wall["python -c pass"], wall["python -c 'import pydantic'"]
    history = next(k for k in wall if k.startswith("hiptimer history"))
    rows = [
        Row(
            "hiptimer --version ms",
            f"{wall['hiptimer --version']:.0f}",
            f"python -c pass {py:.0f}",
            f"{wall['hiptimer --version'] / py:.2f}",
            "close (<= 2)",
            _met(wall["hiptimer --version"] <= 2 * py),
        ),
        Row(
            f"{history} ms",
            f"{wall[history]:.0f}",
            f"python -c pass {py:.0f}",
            f"{wall[history] / py:.2f}",
            "about 100 ms",
            _met(wall[history] <= 110),
        ),
    ]
    for key in ("hiptimer check (4 built-ins)", "hiptimer show hill-sprints", "hiptimer list"):
        rows.append(
            Row(
                f"{key} ms",
                f"{wall[key]:.0f}",
                f"import pydantic {pyd:.0f}",
                f"{wall[key] / pyd:.2f}",
                "-",
                "-",
            )
        )
    home, bare = wall["first frame: hiptimer home"], wall["first frame: bare Textual app"]
    rows.append(
        Row(
            "first frame ms, home screen",
            f"{home:.0f}",
            f"bare Textual app {bare:.0f}",
            f"{home / bare:.2f}",
            "-",
            "-",
        )
    )
    return rows


NOT_INSTALLED = "simpleaudio: not installed"
"""What a script prints for a figure that needs simpleaudio when the audio extra is not installed
(it needs ALSA's headers to build); the overview says the same instead of failing."""


def _cue(out: str, _: dict[str, Any]) -> list[Row]:
    cols = r"\s+\d+\s+(\S+)\s+(\S+)\s+(\S+)"
    worker = re.search(r"^simpleaudio \(worker process\)" + cols, out, re.MULTILINE)
    ref = re.search(r"^reference: simpleaudio in-process" + cols, out, re.MULTILINE)
    if worker is None and re.search(r"^simpleaudio \(worker process\)\s+" + NOT_INSTALLED, out, re.M):
        command = re.search(r"^(\S+) \(worker; command started\)" + cols, out, re.MULTILINE)
        rows = [Row("cue latency p99 (max) ms", NOT_INSTALLED, "-", "-", "each <= 20", "-")]
        if command is not None:
            p99, most = float(command.group(3)), float(command.group(4))
            rows.append(
                Row(
                    f"  {command.group(1)} instead",
                    f"{p99:.2f} ({most:.2f})",
                    "-",
                    "-",
                    "each <= 20",
                    _met(most <= 20),
                )
            )
        return rows
    if worker is None or ref is None:
        raise ValueError("simpleaudio rows not found")
    p99, most = float(worker.group(2)), float(worker.group(3))
    return [
        Row(
            "cue latency p99 (max) ms",
            f"{p99:.2f} ({most:.2f})",
            f"in-process {float(ref.group(2)):.2f}",
            f"{p99 / float(ref.group(2)):.1f}",
            "each <= 20",
            _met(most <= 20),
        )
    ]


def _history(out: str, _: dict[str, Any]) -> list[Row]:
    def cells(label: str) -> list[float]:
        found = re.search(r"^\| " + re.escape(label) + r" \|(.*)\|\s*$", out, re.MULTILINE)
        if found is None:
            raise ValueError(f"row {label!r} not found")
        return [float(c.split()[0]) for c in found.group(1).split("|")]

    sizes = re.search(r"^\| ms: median \(min\) \| ([\d,]+) runs.*\| ([\d,]+) runs", out, re.MULTILINE)
    small, big = (sizes.group(1), sizes.group(2)) if sizes else ("smaller", "larger")
    page = cells("first page: newest 20 runs with phases")
    command = cells("`hiptimer history`")
    version = cells("`hiptimer --version` (start-up alone)")
    return [
        Row(
            f"history first page ms, {big} runs",
            f"{page[1]:.1f}",
            f"{small} runs {page[0]:.1f}",
            f"{page[1] / page[0]:.2f}",
            "flat, ~100 ms",
            _met(page[1] <= 100 and page[1] <= 2 * page[0]),
        ),
        Row(
            f"hiptimer history ms, {big} runs",
            f"{command[1]:.0f}",
            f"--version {version[1]:.0f}",
            f"{command[1] / version[1]:.2f}",
            "about 100 ms",
            _met(command[1] <= 110),
        ),
    ]


READERS: list[tuple[str, Callable[[str, dict[str, Any]], list[Row]]]] = [
    ("timing.py", _timing),
    ("cpu.py", _cpu),
    ("startup.py", _startup),
    ("cue_latency.py", _cue),
    ("history.py", _history),
]


if __name__ == "__main__":
    raise SystemExit(main())
