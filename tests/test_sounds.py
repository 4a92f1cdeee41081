"""The shipped cue sounds: every one exists, is a valid WAV, is short, and the folder stays small."""

from __future__ import annotations

import importlib.util
import sys
import wave
from pathlib import Path
from types import ModuleType

import pytest

from hiptimer.audio.sounds import SoundBank, read_wav, slug, speech_parts
from hiptimer.core.cues import Cue

ROOT = Path(__file__).resolve().parent.parent
SOUNDS = ROOT / "sounds"
VOICE = SOUNDS / "voice"


def make_sounds() -> ModuleType:
    """tools/make_sounds.py, imported (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("make_sounds", ROOT / "tools" / "make_sounds.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_sounds", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("cue", list(Cue), ids=lambda c: c.value)
def test_every_cue_has_a_short_16_bit_mono_tone(cue: Cue) -> None:
    path = SOUNDS / f"{cue.value}.wav"
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
    clip = read_wav(path)
    assert 0.03 < clip.seconds < 1.5


def test_the_tones_are_all_different() -> None:
    frames = {read_wav(SOUNDS / f"{cue.value}.wav").frames for cue in Cue}
    assert len(frames) == len(Cue)


def test_the_tones_fade_in_and_out_without_a_click() -> None:
    for cue in Cue:
        clip = read_wav(SOUNDS / f"{cue.value}.wav")
        first = int.from_bytes(clip.frames[:2], "little", signed=True)
        last = int.from_bytes(clip.frames[-2:], "little", signed=True)
        assert abs(first) < 200 and abs(last) < 200, cue


def test_every_part_the_built_in_sessions_say_is_recorded_and_short() -> None:
    needed = make_sounds().needed_parts()
    assert {"switch legs", "switch sides", "rest", "go", "last one", "halfway", "session complete"} <= set(
        needed
    )
    assert {"kneeling hip flexor", "left leg", "1 minute", "10 reps", "3 minutes", "sprint"} <= set(needed)
    bank = SoundBank(SOUNDS)
    for part in needed:
        clip = bank.part(part)
        assert clip is not None, part
        assert 0.1 < clip.seconds < 2.5, part


def test_the_set_and_round_words_and_the_rest_warnings_are_recorded() -> None:
    needed = set(make_sounds().needed_parts())
    rounds = {f"repeat {r} of {n}" for n in range(4, 13) for r in range(1, n)}
    rounds |= {f"repeat {r} of {n}" for n in range(10, 16) for r in range(1, n)}
    assert rounds | {"set 1 of 3", "set 2 of 3", "set 3 of 3", "in 10 seconds", "last one"} <= needed
    assert "jog forward" in needed and "jog back" not in needed
    bank = SoundBank(SOUNDS)
    five_of_eight = bank.part("repeat 5 of 8")
    assert five_of_eight is not None
    said_in_two = read_wav(VOICE / "repeat-5.wav").seconds + read_wav(VOICE / "of-8.wav").seconds
    assert five_of_eight.seconds == pytest.approx(said_in_two + 0.03, abs=0.001)


def test_no_voice_file_is_left_over_from_an_older_session() -> None:
    needed = {f"{slug(p)}.wav" for p in make_sounds().needed_recordings()}
    assert {p.name for p in VOICE.glob("*.wav")} == needed


def test_every_phrase_of_every_built_in_session_can_be_spoken_from_the_files() -> None:
    bank = SoundBank(SOUNDS)
    for phrase in make_sounds().session_phrases(ROOT / "sessions"):
        assert bank.phrase(phrase) is not None, phrase
        assert all(bank.part(p) is not None for p in speech_parts(phrase))


def test_the_sounds_folder_stays_under_3_mb() -> None:
    total = sum(p.stat().st_size for p in SOUNDS.rglob("*") if p.is_file())
    assert total < 3 * 1024 * 1024


def test_the_tones_are_remade_byte_for_byte(tmp_path: Path) -> None:
    made = make_sounds().make_tones(tmp_path)
    for path in made:
        assert path.read_bytes() == (SOUNDS / path.name).read_bytes(), path.name
