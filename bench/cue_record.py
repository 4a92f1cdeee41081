"""Record every cue of a whole built-in routine in real time, and check that none is cut or dropped.

The routine runs on the real monotonic clock through the engine and the real playback worker
(``WorkerPlayer``, the ``command`` backend), with a logging player command in place of ``aplay``:
it writes when each sound started and ended, and plays it by sleeping for the WAV's length, as a
real player holds the channel. (It is a Python script: its start-up, some 20 ms and more on a
busy machine, comes on top of each sound, which a real player's does not: run it on a quiet
machine.) The runner is simulated as ``hiptimer show --cues`` assumes: a
step that lasts until *done* is ended at its estimate (or when its words have been said).

Checked, from the log and the worker's reports:

* no sound starts while another plays, unless the earlier one is a rep tick;
* no cue is late, dropped or stopped (the worker reports each);
* every planned cue was heard, each within ``--tolerance`` of its planned moment.

Usage:
    python bench/cue_record.py pre-run-hips           # the whole routine: about 9 minutes
    python bench/cue_record.py --all                  # the four built-ins side by side
    python bench/cue_record.py --quick                # the first 8 s of each: keeps the script from rotting
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

from hiptimer.audio import WorkerPlayer
from hiptimer.audio.lengths import clip_lengths
from hiptimer.core.cue_timeline import plan_cues, run_timeline
from hiptimer.core.engine import Event, new_run, step
from hiptimer.core.plan import compile_plan
from hiptimer.core.results import PlayCue
from hiptimer.core.schema import validate_session

ROOT = Path(__file__).resolve().parent.parent
SOUNDS = ROOT / "sounds"
BUILT_INS = ("pre-run-hips", "strength-for-speed", "hill-sprints", "backwards-running")

LOGGING_PLAYER = """\
#!{python} -S
import json, sys, time, wave
start = time.monotonic()
with wave.open(sys.argv[-1], "rb") as w:
    seconds = w.getnframes() / w.getframerate()
time.sleep(seconds)
with open({log!r}, "a") as log:
    log.write(json.dumps([start, time.monotonic(), seconds, sys.argv[-1]]) + "\\n")
"""


def record(session_id: str, seconds: float | None, tolerance: float, folder: Path) -> dict[str, Any]:
    """Run ``session_id`` in real time; return what was heard and what went wrong."""
    path = ROOT / "sessions" / f"{session_id}.toml"
    session = validate_session({"id": session_id, **tomllib.loads(path.read_text())})
    plan = compile_plan(session)
    lengths = clip_lengths(SOUNDS)
    planned = run_timeline(plan, plan_cues(plan, lengths))

    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True)
    log = folder / "heard.jsonl"
    player_cmd = bin_dir / "aplay"
    player_cmd.write_text(LOGGING_PLAYER.format(python=sys.executable, log=str(log)))
    player_cmd.chmod(0o755)
    player = WorkerPlayer(
        "command", sounds_dir=SOUNDS, user_sounds_dir=folder / "none", commands=[str(player_cmd)]
    )
    problem = player.start()
    if problem:
        raise SystemExit(f"cue_record: {problem}")

    played: list[tuple[float, Any]] = []
    state = new_run(plan, lengths=lengths)
    start = time.monotonic()
    state, effects = step(state, Event.START, start)

    def carry(effects: tuple[Any, ...]) -> None:
        for effect in effects:
            if isinstance(effect, PlayCue):
                player.play(effect.request)
                played.append((time.monotonic() - start, effect.request))

    carry(effects)
    limit = start + seconds if seconds is not None else None
    while not state.over:
        now = time.monotonic()
        if limit is not None and now >= limit:
            break
        wake = state.next_wakeup(now)
        phase = state.phase
        press = None
        if not phase.timed and not state.counting_down:
            said = max((c.end for c in planned if c.phase == state.index), default=0.0)
            first = min((c.at for c in planned if c.phase == state.index), default=0.0)
            press = state.started_at + max(phase.estimate_seconds, said - first)
        moments = [m for m in (wake, press, limit) if m is not None]
        time.sleep(max(0.0, min(moments) - time.monotonic()))
        now = time.monotonic()
        if press is not None and now >= press:
            state, effects = step(state, Event.DONE, now)
        else:
            state, effects = step(state, Event.TICK, now)
        carry(effects)
    player.wait_idle(15)
    player.close()

    heard = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    heard = sorted(h for h in heard if h[0] >= start)  # not the worker's probe before the run
    overlaps = []
    for before, after in itertools.pairwise(heard):
        tick = Path(before[3]).name == "rep.wav"
        if after[0] < before[1] - 0.005 and not tick:
            overlaps.append((round(before[0] - start, 3), Path(before[3]).name, round(after[0] - start, 3)))
    bad = [e for e in player.events if e.get("event") in ("late", "dropped", "stopped", "failed", "error")]
    elapsed = played[-1][0] if played else 0.0
    expected = [c for c in planned if c.at <= elapsed + 1e-6]
    offsets = []
    for cue, (at, request) in zip(expected, played, strict=False):
        if cue.request != request:
            bad.append({"event": "unexpected", "planned": repr(cue.request), "played": repr(request)})
            break
        offsets.append(abs(at - cue.at))
    late = [o for o in offsets if o > tolerance]
    sounds = sum(1 for _, r in played for n in (r.tone, bool(r.speech)) if n)
    return {
        "session": session_id,
        "seconds": round(time.monotonic() - start, 1),
        "cues_planned": len(expected),
        "cues_played": len(played),
        "sounds_heard": len(heard),
        "sounds_expected": sounds,
        "overlaps": overlaps,
        "problems": bad,
        "worst_offset_ms": round(1000 * max(offsets, default=0.0), 1),
        "late_cues": len(late),
        "ok": not overlaps and not bad and not late and len(played) == len(expected) and len(heard) == sounds,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sessions", nargs="*", help="built-in session ids")
    parser.add_argument("--all", action="store_true", help="all four built-ins, side by side")
    parser.add_argument("--quick", action="store_true", help="the first 8 s of each only")
    parser.add_argument("--seconds", type=float, help="stop each after this many seconds")
    parser.add_argument("--tolerance", type=float, default=0.05, help="seconds a cue may be off plan")
    args = parser.parse_args(argv)
    chosen = list(BUILT_INS) if args.all or not args.sessions else args.sessions
    seconds = 8.0 if args.quick else args.seconds
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="hiptimer-cue-record-") as tmp:

        def one(session_id: str) -> None:
            results[session_id] = record(session_id, seconds, args.tolerance, Path(tmp) / session_id)

        threads = [threading.Thread(target=one, args=(s,)) for s in chosen]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for session_id in chosen:
        r = results[session_id]
        verdict = "ok" if r["ok"] else "PROBLEMS"
        print(f"{session_id}: {verdict} after {r['seconds']} s")
        print(f"  cues played {r['cues_played']} of {r['cues_planned']} planned;", end=" ")
        print(f"sounds heard {r['sounds_heard']} of {r['sounds_expected']}")
        print(f"  worst offset from plan {r['worst_offset_ms']} ms;", end=" ")
        print(f"cues off by more than {args.tolerance * 1000:g} ms: {r['late_cues']}")
        print(f"  overlaps: {r['overlaps'] or 'none'}; late/dropped/stopped: {r['problems'] or 'none'}")
    return 0 if all(r["ok"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
