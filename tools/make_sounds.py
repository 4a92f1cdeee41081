"""Make hiptimer's cue sounds: the tones and the pre-rendered speech in sounds/.

    python tools/make_sounds.py            # remake everything (needs espeak-ng and sox)
    python tools/make_sounds.py --tones    # remake the tones only (standard library only)
    python tools/make_sounds.py --list     # print the spoken parts the sessions need

Tones are synthesized here from sine partials with a soft attack and a fade-out: 16-bit mono,
22050 Hz, one per cue, each distinct in pitch and rhythm. Speech is rendered by espeak-ng, trimmed
of silence, normalized and downsampled to 16 kHz by sox (without dither, so reruns give the same
bytes). Only this script needs espeak-ng and sox; hiptimer plays the committed files.

A phrase is stored as its parts ("kneeling hip flexor", "left leg", "1 minute"), which the player
joins at run time: the parts come from the key phrases below and from every phrase the cue planner
may say for every built-in session, at every progression value from start to goal. A count such as
"repeat 5 of 8" or "set 2 of 3" is stored in two runs of words ("repeat 5", "of 8"), so a dozen
files say every round of every length. Voice files no session needs are removed.
"""

from __future__ import annotations

import argparse
import math
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import tomllib
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hiptimer.audio.sounds import VOICE_DIR, slug, speech_parts  # noqa: E402
from hiptimer.core.cue_timeline import all_phrases  # noqa: E402
from hiptimer.core.cues import Cue  # noqa: E402
from hiptimer.core.model import Session  # noqa: E402
from hiptimer.core.plan import compile_plan  # noqa: E402
from hiptimer.core.schema import validate_session  # noqa: E402

RATE = 22050
"""Tone sample rate."""
VOICE_RATE = 16000
"""Speech sample rate: plenty for a voice, and a third smaller than 22050 Hz."""
PEAK = 0.55
"""Every tone peaks here (about -5 dBFS): clear without clipping, and all equally loud."""
ESPEAK_ARGS = ["-v", "en-us", "-s", "160", "-p", "45"]
"""espeak-ng voice: American English, a calm pace."""

KEY_PHRASES = (
    "get ready",
    "go",
    "rest",
    "switch legs",
    "switch sides",
    "halfway",
    "last one",
    "session complete",
)
"""Said on their own or as the first part of a longer phrase."""


@dataclass(frozen=True)
class Note:
    """One note of a tone: starts at ``at`` seconds, sounds for ``length`` seconds."""

    at: float
    freq: float
    length: float
    gain: float = 1.0
    decay: float = 5.0
    """How fast the note dies away (1/s): high for a tick, low for a bell."""


C5, D5, E5, FS5, G5, A5, B5, C6, E6 = 523.25, 587.33, 659.25, 739.99, 783.99, 880.0, 987.77, 1046.5, 1318.5

TONES: dict[Cue, list[Note]] = {
    # Two soft, level notes: "get into position".
    Cue.GET_READY: [Note(0.0, C5, 0.22, 0.8), Note(0.28, C5, 0.26, 0.8)],
    # A bright rising fifth: "start now" (reps).
    Cue.GO: [Note(0.0, E5, 0.12), Note(0.1, B5, 0.32, decay=6.0)],
    # Two quick high notes and a higher one: "go hard" (a sprint).
    Cue.WORK: [Note(0.0, A5, 0.07), Note(0.09, A5, 0.07), Note(0.18, E6, 0.3, decay=5.0)],
    # One long, steady note: "hold still".
    Cue.HOLD: [Note(0.0, G5, 0.55, 0.9, decay=1.5)],
    # A soft, low rising third: "easy now" (walk down, jog back).
    Cue.EASY: [Note(0.0, C5, 0.18, 0.7, decay=3.0), Note(0.2, E5, 0.32, 0.7, decay=3.0)],
    # A gentle falling pair, lower and slower: "ease off".
    Cue.REST: [Note(0.0, G5, 0.2, 0.8, decay=3.0), Note(0.18, C5, 0.42, 0.8, decay=3.0)],
    # A quick back-and-forth: "other leg".
    Cue.SWITCH: [Note(0.0, A5, 0.1), Note(0.11, E5, 0.1), Note(0.22, A5, 0.1), Note(0.33, E5, 0.2)],
    # One short high blip, for the 3-2-1.
    Cue.PIP: [Note(0.0, C6, 0.1, decay=8.0)],
    # Two even notes in the middle of the range: "halfway".
    Cue.HALFWAY: [Note(0.0, FS5, 0.14), Note(0.18, FS5, 0.24)],
    # A very short, quiet tick for paced reps.
    Cue.REP: [Note(0.0, E6, 0.05, 0.7, decay=40.0)],
    # A rising triad: "last round".
    Cue.LAST_ONE: [Note(0.0, D5, 0.1), Note(0.1, FS5, 0.1), Note(0.2, A5, 0.32, decay=4.0)],
    # Three soft, even knocks: "get ready, work is coming".
    Cue.SOON: [
        Note(0.0, D5, 0.09, decay=7.0),
        Note(0.14, D5, 0.09, decay=7.0),
        Note(0.28, D5, 0.09, decay=7.0),
    ],
    # An arpeggio up to a held chord: "all done".
    Cue.DONE: [
        Note(0.0, C5, 0.14),
        Note(0.12, E5, 0.14),
        Note(0.24, G5, 0.14),
        Note(0.36, C6, 0.7, decay=3.0),
        Note(0.36, G5, 0.7, 0.5, decay=3.0),
        Note(0.36, E5, 0.7, 0.4, decay=3.0),
    ],
}

PARTIALS = ((1.0, 1.0), (2.0, 0.28), (3.0, 0.08))
"""(multiple of the note's frequency, relative level): a little warmth over a pure sine."""
ATTACK = 0.01
RELEASE = 0.03


def render_tone(notes: list[Note]) -> list[float]:
    """Mix a tone's notes into samples in -1..1, peaking at :data:`PEAK`."""
    total = max(n.at + n.length for n in notes)
    out = [0.0] * round(total * RATE)
    for note in notes:
        start, count = round(note.at * RATE), round(note.length * RATE)
        attack, release = round(ATTACK * RATE), round(RELEASE * RATE)
        for i in range(count):
            t = i / RATE
            env = math.exp(-note.decay * t)
            if i < attack:
                env *= math.sin(0.5 * math.pi * i / attack)
            if i >= count - release:
                env *= 0.5 * (1 + math.cos(math.pi * (i - (count - release)) / release))
            value = sum(level * math.sin(2 * math.pi * note.freq * k * t) for k, level in PARTIALS)
            if start + i < len(out):
                out[start + i] += note.gain * env * value
    peak = max(abs(v) for v in out) or 1.0
    return [PEAK * v / peak for v in out]


def write_wav(path: Path, samples: list[float], rate: int = RATE) -> None:
    """Write mono 16-bit samples."""
    frames = b"".join(struct.pack("<h", round(max(-1.0, min(1.0, s)) * 32767)) for s in samples)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)


def make_tones(out: Path) -> list[Path]:
    """Write one tone per cue into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for cue, notes in TONES.items():
        path = out / f"{cue.value}.wav"
        write_wav(path, render_tone(notes))
        written.append(path)
    return written


def _load_session(path: Path) -> Session:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.setdefault("id", path.stem)
    return validate_session(data)


def _progression_values(start: float, step: float, goal: float) -> Iterator[float]:
    value = start
    while value <= goal + 1e-9:
        yield value
        value += step


def session_phrases(sessions_dir: Path) -> list[str]:
    """Every phrase the built-in sessions may say, at every progression value, as the cues say it."""
    phrases: list[str] = []
    for path in sorted(sessions_dir.glob("*.toml")):
        session = _load_session(path)
        variants: list[dict[str, float]] = [{}]
        for name, progression in session.progression.items():
            variants += [
                {name: v} for v in _progression_values(progression.start, progression.step, progression.goal)
            ]
        for targets in variants:
            plan = compile_plan(session, targets)
            if plan.phases:
                phrases += all_phrases(plan)
    return list(dict.fromkeys(phrases))


def needed_parts(sessions_dir: Path = ROOT / "sessions") -> list[str]:
    """The distinct spoken parts: the key phrases and every part of every session's phrases."""
    parts: dict[str, str] = {}
    for phrase in [*KEY_PHRASES, *session_phrases(sessions_dir)]:
        for part in speech_parts(phrase):
            parts.setdefault(slug(part), part)
    return sorted(parts.values(), key=slug)


_COUNT = re.compile(r"^(repeat|set) (\d+) of (\d+)$")


def recordings(part: str) -> list[str]:
    """The runs of words recorded for a part: ``"repeat 5 of 8"`` -> ``["repeat 5", "of 8"]``."""
    if match := _COUNT.match(part):
        word, n, of = match.groups()
        return [f"{word} {n}", f"of {of}"]
    return [part]


COUNTS = (
    *(f"repeat {n}" for n in range(1, 20)),
    *(f"set {n}" for n in range(1, 10)),
    *(f"of {n}" for n in range(2, 21)),
)
"""Runs of words for the rounds and sets of a user's own sessions too: up to 20 rounds, 9 sets."""


def needed_recordings(sessions_dir: Path = ROOT / "sessions") -> list[str]:
    """The distinct recordings that say every needed part, and every count up to :data:`COUNTS`."""
    found: dict[str, str] = {slug(text): text for text in COUNTS}
    for part in needed_parts(sessions_dir):
        for text in recordings(part):
            found.setdefault(slug(text), text)
    return sorted(found.values(), key=slug)


def render_part(text: str, path: Path, espeak: str, sox: str) -> None:
    """Speak one part into ``path``: espeak-ng, then trim, normalize and downsample with sox."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        # "--" ends the options: a part is always spoken, never read as one.
        subprocess.run([espeak, *ESPEAK_ARGS, "-w", str(raw), "--", text], check=True)
        # Trim silence from the start, reverse, trim the (former) end and fade it out, reverse
        # back, fade in. Each fade is a fade-in, so sox needs no length, which it lacks by then.
        effects = ["silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%"]
        effects += ["fade", "t", "0.02", "reverse", "fade", "t", "0.005", "norm", "-2"]
        convert = ["-r", str(VOICE_RATE), "-b", "16", "-c", "1"]
        subprocess.run([sox, "-D", str(raw), *convert, str(path), *effects], check=True)


def make_voice(out: Path) -> list[Path]:
    """Render every needed part into ``out/voice`` and remove parts no longer needed."""
    espeak, sox = shutil.which("espeak-ng"), shutil.which("sox")
    if not espeak or not sox:
        missing = " and ".join(n for n, p in (("espeak-ng", espeak), ("sox", sox)) if not p)
        raise SystemExit(f"make_sounds: {missing} not found (Debian/Ubuntu: apt-get install espeak-ng sox)")
    folder = out / VOICE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for text in needed_recordings():
        path = folder / f"{slug(text)}.wav"
        render_part(text, path, espeak, sox)
        written.append(path)
    for stale in set(folder.glob("*.wav")) - set(written):
        stale.unlink()
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description="Make hiptimer's cue sounds.")
    parser.add_argument("--out", type=Path, default=ROOT / "sounds", help="sounds folder (default: sounds/)")
    parser.add_argument("--tones", action="store_true", help="make the tones only")
    parser.add_argument("--list", action="store_true", help="print the spoken parts needed and exit")
    args = parser.parse_args(argv)
    if args.list:
        for part in needed_recordings():
            print(f"{slug(part)}.wav\t{part}")
        return 0
    files = make_tones(args.out)
    if not args.tones:
        files += make_voice(args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*.wav"))
    print(f"make_sounds: {len(files)} files written; sounds/ holds {size / 1024:.0f} KiB of WAV")
    return 0


if __name__ == "__main__":
    sys.exit(main())
