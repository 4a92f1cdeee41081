"""Cue latency: from the app's ``player.play(request)`` to the backend having started playback.

For each backend, cues are played one at a time, as a session plays them (a mix of 3-2-1 pips,
rep ticks and phase starts with speech). The worker stamps the moment the backend started
playback (simpleaudio's ``play_buffer`` returned, or the player command was started) against the
``time.monotonic()`` stamp ``play`` put on the request; both clocks are the same system-wide
monotonic clock. Goal: every cue within 20 ms.

The reference is simpleaudio called in this process with no worker, queue or pipe: the floor
the worker's overhead is measured against. Also shown: how long ``play`` itself takes (the time
the app's event loop gives up per cue).

Without simpleaudio (the audio extra did not build: no ALSA headers), its rows say
"simpleaudio: not installed" and the player command is still measured.

By default playback goes to ALSA's null device through a ``file`` plugin (no sound card needed,
nothing heard); ``--device default`` uses the machine's real default device instead.

Usage:
    python bench/cue_latency.py               # 200 cues per backend
    python bench/cue_latency.py --cues 1000
    python bench/cue_latency.py --quick       # 10 cues: keeps the script from rotting
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from hiptimer.audio import WorkerPlayer, make_player
from hiptimer.audio.alsa import silence_alsa
from hiptimer.audio.sounds import SoundBank
from hiptimer.core.cues import Cue, CueRequest

ROOT = Path(__file__).resolve().parent.parent
SOUNDS = ROOT / "sounds"
GOAL_MS = 20.0

MIX = [
    CueRequest(Cue.GO, speech="kneeling hip flexor, left leg, 1 minute"),
    CueRequest(Cue.HALFWAY, speech="halfway"),
    CueRequest(Cue.PIP),
    CueRequest(Cue.PIP),
    CueRequest(Cue.PIP),
    CueRequest(Cue.SWITCH, speech="switch legs"),
    CueRequest(Cue.REP),
    CueRequest(Cue.REST, speech="rest, 3 minutes"),
    CueRequest(Cue.LAST_ONE, speech="last one, sprint, 10 seconds"),
    CueRequest(Cue.DONE, speech="session complete"),
]
"""The cues played, in turn: what a session asks for."""


NOTE = """\
note: simpleaudio then keeps a fixed ~100 ms ALSA buffer (SA_LATENCY_US) before the first
      frame is heard on a real device; the null device has none. A player command is timed
      to its start: it still has to load and open the device. Set audio_offset = 0.1 in
      settings.toml to have cues played that much early (Bluetooth: about 0.2-0.3)."""


NOT_INSTALLED = "simpleaudio: not installed"
"""What the rows that need simpleaudio say when it is not (bench/run_all.py reads it)."""


def has_simpleaudio() -> bool:
    """Whether ``import simpleaudio`` works here (the audio extra is optional: it needs ALSA's
    headers to build)."""
    try:
        import simpleaudio  # noqa: F401
    except ImportError:
        return False
    return True


def null_device(folder: Path) -> None:
    """Point ALSA's default device at the null device through a file plugin (for this process
    and the workers it starts)."""
    system = Path("/usr/share/alsa/alsa.conf")
    conf = folder / "asound.conf"
    conf.write_text(
        f'<{system}>\npcm.!default {{ type file slave.pcm {{ type null }} file "/dev/null" format "raw" }}\n'
    )
    os.environ["ALSA_CONFIG_PATH"] = str(conf)


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p99 and max."""
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99, ordered[-1]


def row(name: str, values_ms: list[float], note: str = "") -> str:
    p50, p99, most = percentiles(values_ms)
    over = sum(v > GOAL_MS for v in values_ms)
    return f"{name:<34} {len(values_ms):>5} {p50:>8.2f} {p99:>8.2f} {most:>8.2f} {over:>6}  {note}"


def measure_player(mode: str, cues: int) -> tuple[str, list[float], list[float]] | str:
    """Latencies (ms) of the first sound of each cue, and the cost of each ``play`` call (ms)."""
    player, notice = make_player(mode, sounds_dir=SOUNDS, user_sounds_dir=SOUNDS / "none")
    try:
        if not isinstance(player, WorkerPlayer) or (mode == "simpleaudio") != (player.name == "simpleaudio"):
            return notice
        latencies, calls = [], []
        for n in range(cues):
            request = MIX[n % len(MIX)]
            player.events.clear()
            before = time.perf_counter()
            player.play(request)
            calls.append((time.perf_counter() - before) * 1000)
            if not player.wait_idle(10):
                return f"{notice}: a cue did not finish"
            started = [e for e in player.events if e.get("event") == "started" and e.get("item") == 0]
            if started:
                latencies.append(float(started[0]["latency"]) * 1000)
        return player.name, latencies, calls
    finally:
        player.close()


def measure_reference(cues: int) -> list[float] | str:
    """simpleaudio's ``play_buffer`` called directly in this process: the floor."""
    try:
        import simpleaudio
    except ImportError:
        return NOT_INSTALLED
    silence_alsa()
    bank = SoundBank(SOUNDS)
    out = []
    for n in range(cues):
        clip = bank.tone(MIX[n % len(MIX)].cue)
        assert clip is not None
        before = time.monotonic()
        try:
            playing = simpleaudio.play_buffer(clip.frames, clip.channels, clip.sampwidth, clip.rate)
        except Exception as exc:
            return f"no device ({exc})"
        out.append((time.monotonic() - before) * 1000)
        playing.wait_done()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=200, help="cues per backend (default 200)")
    parser.add_argument("--quick", action="store_true", help="10 cues per backend")
    parser.add_argument(
        "--device", choices=["null", "default"], default="null", help="ALSA device (default: null)"
    )
    args = parser.parse_args(argv)
    cues = 10 if args.quick else args.cues
    tmp = Path(tempfile.mkdtemp(prefix="hiptimer-bench-"))
    try:
        if args.device == "null" and sys.platform.startswith("linux"):
            null_device(tmp)
        device = "ALSA null device via a file plugin" if args.device == "null" else "the default device"
        print(f"cue latency: {cues} cues per backend to {device}; Python {platform.python_version()}")
        head = ("from play() to playback started", "cues", "p50 ms", "p99 ms", "max ms", ">20ms")
        print(f"{head[0]:<34} {head[1]:>5} {head[2]:>8} {head[3]:>8} {head[4]:>8} {head[5]:>6}")
        calls: list[float] = []
        installed = has_simpleaudio()
        for mode in ("simpleaudio", "command"):
            if mode == "simpleaudio" and not installed:
                print(f"{'simpleaudio (worker process)':<34} {NOT_INSTALLED}")
                continue
            result = measure_player(mode, cues)
            if isinstance(result, str):
                print(f"{mode:<34} not measured: {result}")
                continue
            name, latencies, call_ms = result
            calls += call_ms
            label = (
                f"{name} (worker process)" if name == "simpleaudio" else f"{name} (worker; command started)"
            )
            print(row(label, latencies, "ok" if max(latencies) <= GOAL_MS else "over the 20 ms goal"))
        reference = measure_reference(cues) if installed else NOT_INSTALLED
        if reference == NOT_INSTALLED:
            print(f"{'reference: simpleaudio in-process':<34} {NOT_INSTALLED}")
        elif isinstance(reference, str):
            print(f"{'reference: simpleaudio in-process':<34} not measured: {reference}")
        else:
            print(row("reference: simpleaudio in-process", reference, "play_buffer alone, no worker"))
        if calls:
            p50, p99, most = percentiles(calls)
            print(f"play() call itself, ms: p50 {p50:.3f}  p99 {p99:.3f}  max {most:.3f}  (the app's cost)")
        print(NOTE)
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
