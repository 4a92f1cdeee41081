"""Start-up: hiptimer's commands and first frame vs plain Python, pydantic and a bare Textual app.

Each command runs ``--runs`` times after one warm-up run, the commands taking turns so a busy
moment on the machine hits them alike. Shown: the median wall time, and the median CPU time
(user + system, from the kernel's accounting of the finished child; for a first frame, what the
program had used when the frame was on the screen), which a busy machine disturbs less.
``hiptimer history`` reads a history of 1,000 runs made for the purpose. The user's folders are
found as a user's are (platformdirs, under XDG folders of the run's own), not named by
``HIPTIMER_*_DIR``.

The first frame is the time from spawning the program in an 80 x 24 pty until known texts are on
the screen: the bare Textual app's label; hiptimer's whole home screen (a session's name in the
table, the start button and the keys at the bottom, in one frame or over several).

hiptimer's modules are compiled to bytecode first, and the commands may write it, as a package
installed by pip has it: with ``PYTHONDONTWRITEBYTECODE`` set and an editable install, every
start would compile hiptimer's source again (tens of milliseconds a user never pays).

With ``--instructions`` it also counts the instructions each command (and each first frame) runs,
once each under valgrind's cachegrind (``--cache-sim=no``): a count that does not move with the
machine's load or the CPU's speed, where a busy VM's CPU times swing by a third between identical
runs. A first frame is counted up to the write that puts the known text on the screen
(``bench/_until_frame.py`` ends the program there).

Run: python bench/startup.py [--runs 15] [--json FILE] [--quick] [--instructions]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._pty import cpu_seconds, spawn

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
HISTORY_RUNS = 1000

Needles = tuple[bytes, ...]
"""Texts that are all on the screen once a first frame is whole."""

HOME = (b"Hill sprints", b"Start (enter)", b"Quit")
"""The home screen is whole: a session in the table, the start button, the keys at the bottom."""


@dataclass
class Timing:
    """Seconds of wall time and CPU time, one of each per run."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def wall_ms(self) -> float:
        """Median wall time, ms."""
        return statistics.median(self.wall) * 1000

    @property
    def cpu_ms(self) -> float:
        """Median CPU time, ms (NaN where it is not measured)."""
        return statistics.median(self.cpu) * 1000 if self.cpu else float("nan")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(cmd: list[str], env: dict[str, str], into: Timing | None) -> None:
    """Run ``cmd`` to completion; note its wall and CPU time in ``into``."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, check=False)
    t1, cpu1 = time.perf_counter(), _children_cpu()
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-300:]}")
    if into is not None:
        into.wall.append(t1 - t0)
        into.cpu.append(cpu1 - cpu0)


def first_frame(cmd: list[str], needles: Needles, env: dict[str, str], into: Timing | None) -> None:
    """Spawn ``cmd`` in a pty; note the seconds until every one of ``needles`` is on the screen."""
    proc = spawn(cmd, env=env)
    try:
        seen: float | None = 0.0
        for needle in needles:  # the output is kept: the last one found is when the screen was whole
            seen = proc.wait_for(needle, timeout=30)
            if seen is None:
                raise RuntimeError(f"{' '.join(cmd)} never showed {needle!r}")
        cpu = cpu_seconds(proc.pid)  # what the program used to get there, however busy the machine
    finally:
        proc.stop()
    assert seen is not None
    if into is not None:
        into.wall.append(seen)
        into.cpu.append(cpu)


def compile_bytecode() -> None:
    """Compile hiptimer's modules to bytecode, as installing a wheel does."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "hiptimer")], check=True)


def _history(folder: Path) -> None:
    """A history of :data:`HISTORY_RUNS` runs in ``folder``, as bench/history.py builds it."""
    from bench.history import build

    build(folder / "history.sqlite3", HISTORY_RUNS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (default 15)")
    parser.add_argument("--quick", action="store_true", help="one run each: checks the script runs")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE")
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions under valgrind (needs valgrind)"
    )
    args = parser.parse_args(argv)
    runs = 1 if args.quick else max(1, args.runs)
    py = sys.executable
    hip = str(BIN / "hiptimer")
    builtins = sorted(str(p) for p in (ROOT / "sessions").glob("*.toml"))
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="hiptimer-bench-") as tmp:
        folder = Path(tmp)
        # The user's folders are found as on a user's machine (platformdirs, from the XDG
        # variables), not named by HIPTIMER_*_DIR, which would skip loading platformdirs.
        data, config, cache = folder / "data", folder / "config", folder / "cache"
        (data / "hiptimer").mkdir(parents=True)
        _history(data / "hiptimer")
        env = {
            k: v
            for k, v in os.environ.items()
            if k != "PYTHONDONTWRITEBYTECODE" and not (k.startswith("HIPTIMER_") and k.endswith("_DIR"))
        } | {
            "XDG_DATA_HOME": str(data),
            "XDG_CONFIG_HOME": str(config),
            # The warm-up round fills the cache of checked session files: the figures are those
            # of files checked before, as on every start but the first after an edit.
            "XDG_CACHE_HOME": str(cache),
            "HIPTIMER_AUDIO": "off",
            "TERM": "xterm-256color",
        }
        commands: list[tuple[str, list[str]]] = [
            ("python -c pass", [py, "-c", "pass"]),
            ("python -c 'import pydantic'", [py, "-c", "import pydantic"]),
            # ``import pydantic`` loads its parts lazily; a model class needs these:
            ("python -c 'from pydantic import BaseModel'", [py, "-c", "from pydantic import BaseModel"]),
            ("python -c 'import textual.app'", [py, "-c", "import textual.app"]),
            ("hiptimer --version", [hip, "--version"]),
            ("hiptimer check (4 built-ins)", [hip, "check", *builtins]),
            ("hiptimer show hill-sprints", [hip, "show", "hill-sprints"]),
            ("hiptimer list", [hip, "list"]),
            (f"hiptimer history ({HISTORY_RUNS:,} runs)", [hip, "history"]),
        ]
        frames: list[tuple[str, list[str], Needles, dict[str, str]]] = [
            ("first frame: bare Textual app", [py, str(HERE / "bare_app.py")], (b"bare-ready",), {}),
            ("first frame: hiptimer home", [hip], HOME, {}),
            # As a user starts it: the cue player's worker starts too (and finds a device or not).
            ("first frame: hiptimer home, audio on", [hip], HOME, {"HIPTIMER_AUDIO": "auto"}),
        ]
        timings = {name: Timing() for name, _ in commands} | {name: Timing() for name, *_ in frames}
        for n in range(runs + 1):  # the first round warms the caches and is not counted
            for name, cmd in commands:
                run_once(cmd, env, timings[name] if n else None)
            for name, cmd, needles, env_of_frame in frames:
                first_frame(cmd, needles, env | env_of_frame, timings[name] if n else None)
        counts = count_instructions(commands, frames, env, folder) if args.instructions else {}
    base = timings["python -c pass"]
    print(f"Start-up, median of {runs} run(s); load average at the end: {_load()}")
    print(f"{'command':44} {'wall ms':>8} {'CPU ms':>8} {'wall - python':>14}")
    for name, timing in timings.items():
        extra = timing.wall_ms - base.wall_ms
        cpu = f"{timing.cpu_ms:8.1f}" if timing.cpu else f"{'-':>8}"
        print(f"{name:44} {timing.wall_ms:8.1f} {cpu} {extra:+14.1f}")
    print("Ratios (wall; CPU in brackets) to a reference measured in the same run:")
    pydantic = timings["python -c 'import pydantic'"]
    ratios = [
        ("hiptimer --version", base, "python -c pass"),
        (f"hiptimer history ({HISTORY_RUNS:,} runs)", base, "python -c pass"),
        ("hiptimer check (4 built-ins)", pydantic, "import pydantic"),
        ("hiptimer show hill-sprints", pydantic, "import pydantic"),
        ("hiptimer list", pydantic, "import pydantic"),
    ]
    for name, ref, ref_name in ratios:
        timing = timings[name]
        print(f"  {name} / {ref_name}: {timing.wall_ms / ref.wall_ms:.2f} ({timing.cpu_ms / ref.cpu_ms:.2f})")
    bare = timings["first frame: bare Textual app"]
    for name in ("first frame: hiptimer home", "first frame: hiptimer home, audio on"):
        home = timings[name]
        print(
            f"  {name.removeprefix('first frame: ')} / bare Textual app, first frame: "
            f"{home.wall_ms / bare.wall_ms:.2f} ({home.cpu_ms / bare.cpu_ms:.2f})"
        )
    if counts:
        print_counts(counts)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "runs": runs,
                    "wall_ms": {name: t.wall_ms for name, t in timings.items()},
                    "cpu_ms": {name: t.cpu_ms for name, t in timings.items() if t.cpu},
                    "instructions_millions": counts,
                },
                indent=2,
            )
        )
    return 0


def count_instructions(
    commands: list[tuple[str, list[str]]],
    frames: list[tuple[str, list[str], Needles, dict[str, str]]],
    env: dict[str, str],
    folder: Path,
) -> dict[str, float]:
    """Millions of instructions each command and each first frame runs, under cachegrind."""
    counts: dict[str, float] = {}
    fixed = env | {"PYTHONHASHSEED": "0"}  # the same hashes, so the same work, every time
    for i, (name, cmd) in enumerate(commands):
        out = folder / f"cg-{i}.out"
        subprocess.run([*_CACHEGRIND, f"--cachegrind-out-file={out}", *cmd], env=fixed, capture_output=True)
        counts[name] = _summary(out)
    for i, (name, cmd, needles, env_of_frame) in enumerate(frames):
        out = folder / f"cg-frame-{i}.out"
        script = [*cmd[1:]] if cmd[0] == sys.executable else cmd  # a Python script: run it by path
        proc = spawn(
            [
                *_CACHEGRIND,
                f"--cachegrind-out-file={out}",
                sys.executable,
                str(HERE / "_until_frame.py"),
                "|".join(needle.decode() for needle in needles),
                *script,
            ],
            env=fixed | env_of_frame,
        )
        try:
            deadline = time.monotonic() + 600
            while proc.alive() and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            proc.stop()
        counts[name] = _summary(out)
    return counts


_CACHEGRIND = ["valgrind", "--tool=cachegrind", "--cache-sim=no"]


def _summary(out: Path) -> float:
    """The instruction count cachegrind wrote to ``out``, in millions."""
    for line in out.read_text().splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1]) / 1e6
    raise RuntimeError(f"no summary in {out}")


def print_counts(counts: dict[str, float]) -> None:
    """The instruction counts and the issue's ratios taken from them."""
    print("Instructions (millions, one run each under cachegrind):")
    for name, millions in counts.items():
        print(f"  {name:44} {millions:9.1f}")
    print("Ratios by instructions:")
    pairs = [
        (f"hiptimer history ({HISTORY_RUNS:,} runs)", "python -c pass"),
        ("hiptimer check (4 built-ins)", "python -c 'import pydantic'"),
        ("hiptimer show hill-sprints", "python -c 'import pydantic'"),
        ("hiptimer list", "python -c 'import pydantic'"),
        ("first frame: hiptimer home", "first frame: bare Textual app"),
        ("first frame: hiptimer home, audio on", "first frame: bare Textual app"),
    ]
    for name, ref in pairs:
        print(f"  {name} / {ref}: {counts[name] / counts[ref]:.2f}")


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


if __name__ == "__main__":
    raise SystemExit(main())
