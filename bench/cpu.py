"""CPU and memory while a 60 s hold runs: hiptimer vs termdown vs a bare Textual app.

Each program runs in its own 80 x 24 pseudo-terminal whose output is drained as fast as it comes,
with a fresh, empty history folder (so hiptimer goes straight into the hold, with no offer to
resume an earlier run). The window starts once the program shows its countdown and its start-up
notices have gone; CPU (user + system, every thread of every process of the program, read to the
nanosecond from the kernel's per-process CPU clock) and memory are read from /proc over it.

hiptimer runs three times: with audio off, with the audio this machine picks by default, and
with the simpleaudio playback worker writing to ALSA's null device (what a machine with a sound
card runs: one more process). Programs take turns, round after round, so a busy moment on the
machine hits them alike; the median of the rounds is shown.

With ``--before DIR`` hiptimer also runs from another checkout of its code (``git worktree add DIR
COMMIT``; DIR goes first on ``PYTHONPATH``, with this environment's packages), in the same turns:
a change's cost measured side by side with the code before it.

Run: python bench/cpu.py [--seconds 45] [--rounds 1] [--only KEY] [--before DIR] [--json FILE] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._pty import Usage, measure_cpu

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
GOAL_RATIO = 0.5
"""hiptimer's CPU during a hold, at most this share of termdown's."""

HOLD_SESSION = """\
id = "bench-hold"
name = "Benchmark hold"
get_ready = 0

[[steps]]
type = "hold"
name = "Benchmark hold"
seconds = {seconds}
"""

READY_HIPTIMER = b"left of"
"""Under the big digits of a running hold ("left of 1:00"): the run screen is up and counting."""

NOTICE_SECONDS = 11.0
"""hiptimer shows its start-up notice (audio: ...) for 10 s; every program's window starts this
long after its first frame, so start-up and the notice are left out alike."""


@dataclass(frozen=True)
class Program:
    """One program to measure."""

    key: str
    name: str
    argv: list[str]
    ready: bytes | None
    env: Callable[[Path], dict[str, str]]


def _hiptimer_env(
    audio: str | None, alsa_conf: Path | None = None, code: Path | None = None
) -> Callable[[Path], dict[str, str]]:
    def env(folder: Path) -> dict[str, str]:
        out = os.environ | {
            "HIPTIMER_DATA_DIR": str(folder / "data"),
            "HIPTIMER_CONFIG_DIR": str(folder / "config"),
            "HIPTIMER_SESSIONS_DIR": str(folder / "sessions"),
            "TERM": "xterm-256color",
        }
        out.pop("HIPTIMER_AUDIO", None)
        if audio is not None:
            out["HIPTIMER_AUDIO"] = audio
        if alsa_conf is not None:
            out["ALSA_CONFIG_PATH"] = str(alsa_conf)
        if code is not None:
            out["PYTHONPATH"] = os.pathsep.join([str(code), *filter(None, [os.environ.get("PYTHONPATH")])])
        return out

    return env


def _plain_env(folder: Path) -> dict[str, str]:
    return os.environ | {"TERM": "xterm-256color"}


def null_alsa(folder: Path) -> Path | None:
    """An ALSA configuration whose default device is the null device, or None off Linux/ALSA."""
    system = Path("/usr/share/alsa/alsa.conf")
    if not system.exists():
        return None
    conf = folder / "asound.conf"
    conf.write_text(
        f'<{system}>\npcm.!default {{ type file slave.pcm {{ type null }} file "/dev/null" format "raw" }}\n'
    )
    return conf


NOT_INSTALLED = "simpleaudio: not installed"
"""Said for the simpleaudio worker's figures when the audio extra is not installed."""


def skipped() -> dict[str, str]:
    """The programs this machine cannot measure, and why (bench/run_all.py shows the reason)."""
    return {} if _has_simpleaudio() else {"hiptimer-worker": NOT_INSTALLED}


def programs(session: Path, hold: int, folder: Path, before: Path | None = None) -> list[Program]:
    """hiptimer in its audio set-ups (and from ``before``), the bare Textual app and termdown."""
    hiptimer = [str(BIN / "hiptimer"), "run", str(session)]
    out = [
        Program("hiptimer", "hiptimer, audio off", hiptimer, READY_HIPTIMER, _hiptimer_env("off")),
        Program("hiptimer-default", "hiptimer, default audio", hiptimer, READY_HIPTIMER, _hiptimer_env(None)),
    ]
    alsa = null_alsa(folder)
    if alsa is not None and _has_simpleaudio():
        out.append(
            Program(
                "hiptimer-worker",
                "hiptimer, simpleaudio worker",
                hiptimer,
                READY_HIPTIMER,
                _hiptimer_env("simpleaudio", alsa),
            )
        )
    if before is not None:
        out.append(
            Program(
                "hiptimer-before",
                f"hiptimer from {before.name}, audio off",
                hiptimer,
                READY_HIPTIMER,
                _hiptimer_env("off", code=before),
            )
        )
    out.append(
        Program(
            "bare",
            "bare Textual app, 1 redraw/s",
            [sys.executable, str(HERE / "bare_app.py")],
            b"bare",
            _plain_env,
        )
    )
    termdown = shutil.which("termdown", path=str(BIN)) or shutil.which("termdown")
    if termdown:
        out.append(Program("termdown", f"termdown {hold}", [termdown, str(hold)], b"\x1b[", _plain_env))
    return out


def _has_simpleaudio() -> bool:
    """Whether ``import simpleaudio`` works (the audio extra needs ALSA's headers to build)."""
    try:
        import simpleaudio  # noqa: F401
    except ImportError:
        return False
    return True


def _audio_notice(screen: bytes) -> str:
    """The backend hiptimer said it uses ("audio: simpleaudio"), from its output."""
    text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", screen).decode("utf-8", "replace")
    found = re.search(r"audio: ([a-z][a-z ]*)", text)  # up to the first comma: "no device"
    return found.group(1).strip() if found else "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=45.0, help="measuring window (default 45)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every program, in turn (default 1)")
    parser.add_argument("--quick", action="store_true", help="a 1 s window: checks the script runs")
    parser.add_argument(
        "--only",
        action="append",
        metavar="KEY",
        help="measure only these (hiptimer, hiptimer-default, hiptimer-worker, hiptimer-before, bare, "
        "termdown); "
        "may be repeated",
    )
    parser.add_argument(
        "--before",
        type=Path,
        metavar="DIR",
        help="also run hiptimer from the checkout in DIR (the code before a change), audio off",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args(argv)
    window = 1.0 if args.quick else args.seconds
    rounds = 1 if args.quick else max(1, args.rounds)
    warmup = 0.5 if args.quick else NOTICE_SECONDS
    hold = max(60, int(warmup + window + 4))
    load_before = _load()

    with tempfile.TemporaryDirectory(prefix="hiptimer-bench-") as tmp:
        base = Path(tmp)
        session = base / "bench-hold.toml"
        session.write_text(HOLD_SESSION.format(seconds=hold))
        progs = programs(session, hold, base, args.before.resolve() if args.before else None)
        if args.quick:  # one hiptimer set-up is enough to know the script works
            progs = [p for p in progs if p.key in ("hiptimer", "hiptimer-before", "bare", "termdown")]
        if args.only:
            progs = [p for p in progs if p.key in args.only]
        results: dict[str, list[Usage]] = {p.key: [] for p in progs}
        for n in range(rounds):
            for prog in progs:
                folder = base / f"{prog.key}-{n}"
                folder.mkdir()
                try:
                    usage = measure_cpu(
                        prog.argv, seconds=window, warmup=warmup, ready=prog.ready, env=prog.env(folder)
                    )
                except (RuntimeError, OSError) as err:
                    print(f"{prog.name}: could not measure ({err})", file=sys.stderr)
                    continue
                results[prog.key].append(usage)

    print(
        f"CPU and memory while a {hold} s hold runs: a {window:g} s window from {warmup:g} s after the "
        f"first frame, 80x24 pty, median of {rounds} round(s)"
    )
    print(f"load average: {load_before} at the start, {_load()} at the end")
    head = ("program", "CPU s/min", "% core", "children", "RSS MiB", "PSS MiB", "procs")
    print(f"{head[0]:44} {head[1]:>9} {head[2]:>7} {head[3]:>9} {head[4]:>8} {head[5]:>8} {head[6]:>5}")
    figures: dict[str, dict[str, float | str | None]] = {}
    for prog in progs:
        got = results[prog.key]
        if not got:
            continue
        per_min = statistics.median(u.cpu_per_minute for u in got)
        children = statistics.median(u.cpu_per_minute - u.main_cpu_per_minute for u in got)
        rss = statistics.median(u.rss_kib for u in got) / 1024
        pss_all = [u.pss_kib for u in got if u.pss_kib is not None]
        pss = statistics.median(pss_all) / 1024 if pss_all else None
        notice = _audio_notice(got[-1].shown) if prog.key.startswith("hiptimer") else None
        name = prog.name + (
            f" ({notice})" if notice and prog.key not in ("hiptimer", "hiptimer-before") else ""
        )
        spread = min(u.cpu_per_minute for u in got), max(u.cpu_per_minute for u in got)
        figures[prog.key] = {
            "name": name,
            "cpu_s_per_min": per_min,
            "children_cpu_s_per_min": children,
            "rss_mib": rss,
            "pss_mib": pss,
            "min": spread[0],
            "max": spread[1],
        }
        pss_text = f"{pss:8.1f}" if pss is not None else f"{'n/a':>8}"
        print(
            f"{name:44} {per_min:9.3f} {per_min / 60 * 100:6.2f}% {children:9.3f} {rss:8.1f} {pss_text} "
            f"{max(u.processes for u in got):5d}"
            + (f"  [{spread[0]:.3f}-{spread[1]:.3f}]" if len(got) > 1 else "")
        )
    missing = {} if args.quick or (args.only and "hiptimer-worker" not in args.only) else skipped()
    for key, why in missing.items():
        print(f"{'hiptimer, simpleaudio worker':44} {why}  ({key} not measured)")
    termdown = figures.get("termdown")
    if termdown:
        for key in ("hiptimer", "hiptimer-default", "hiptimer-worker", "hiptimer-before", "bare"):
            if key in figures and float(termdown["cpu_s_per_min"] or 0) > 0:
                ratio = float(figures[key]["cpu_s_per_min"] or 0) / float(termdown["cpu_s_per_min"] or 1)
                met = "met" if ratio <= GOAL_RATIO else "not met"
                goal = f" (goal <= {GOAL_RATIO}: {met})" if key.startswith("hiptimer") else ""
                print(f"{key} / termdown, CPU: {ratio:.2f}{goal}")
        for key in ("hiptimer", "hiptimer-worker", "bare"):
            if key in figures:
                ratio = float(figures[key]["rss_mib"] or 0) / float(termdown["rss_mib"] or 1)
                print(f"{key} / termdown, resident memory: {ratio:.2f}")
    else:
        print("termdown not measured: pip install termdown (make bench does)")
    if "hiptimer" in figures and "hiptimer-before" in figures:
        now, then = (float(figures[k]["cpu_s_per_min"] or 0) for k in ("hiptimer", "hiptimer-before"))
        if then > 0:
            print(f"hiptimer / hiptimer from {args.before}, CPU: {now / then:.2f}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"window_s": window, "rounds": rounds, "programs": figures, "skipped": missing}, indent=2
            )
        )
    return 0


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


if __name__ == "__main__":
    raise SystemExit(main())
