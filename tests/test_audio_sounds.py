"""Custom step sounds, WAV checks and phrase composition."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from hiptimer.audio import SoundError, resolve_sound, sound_problem, validate_wav
from hiptimer.audio.sounds import PART_GAP_SECONDS, Clip, SoundBank, compose, read_wav, slug, speech_parts
from hiptimer.core.cues import Cue

SOUNDS = Path(__file__).resolve().parent.parent / "sounds"


def write_wav(path: Path, seconds: float = 0.2, rate: int = 22050, channels: int = 1, width: int = 2) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(b"\x10" * (round(seconds * rate) * channels * width))
    return path


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    builtin, user = tmp_path / "builtin", tmp_path / "user"
    write_wav(builtin / "gong.wav")
    write_wav(user / "mine" / "ding.wav")
    return builtin, user


def test_a_custom_sound_is_found_in_the_users_folder_first(folders: tuple[Path, Path]) -> None:
    builtin, user = folders
    assert resolve_sound("gong.wav", builtin, user) == builtin / "gong.wav"
    assert resolve_sound("mine/ding.wav", builtin, user) == user / "mine" / "ding.wav"
    write_wav(user / "gong.wav")
    assert resolve_sound("gong.wav", builtin, user) == user / "gong.wav"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("../secret.wav", "'..'"),
        ("mine/../../secret.wav", "'..'"),
        ("/etc/passwd.wav", "not a path"),
        ("C:\\sounds\\x.wav", "not a path"),
        ("gong.mp3", "must be a .wav"),
        ("missing.wav", "not found"),
        ("  ", "empty"),
    ],
)
def test_a_sound_outside_the_folders_or_missing_is_refused(
    folders: tuple[Path, Path], name: str, says: str
) -> None:
    builtin, user = folders
    with pytest.raises(SoundError, match=says):
        resolve_sound(name, builtin, user)
    assert says in (sound_problem(name, builtin, user) or "")


def test_a_link_that_leads_out_of_the_folder_is_refused(tmp_path: Path, folders: tuple[Path, Path]) -> None:
    builtin, user = folders
    outside = write_wav(tmp_path / "elsewhere" / "x.wav")
    (user / "sneaky.wav").symlink_to(outside)
    with pytest.raises(SoundError, match="outside"):
        resolve_sound("sneaky.wav", builtin, user)


def test_valid_wavs_pass_and_bad_ones_say_why(tmp_path: Path) -> None:
    assert validate_wav(write_wav(tmp_path / "ok.wav")) is None
    assert validate_wav(write_wav(tmp_path / "stereo8.wav", channels=2, width=1, rate=44100)) is None
    (tmp_path / "text.wav").write_text("not a wav")
    problems = {
        "text.wav": "not a WAV file",
        "long.wav": "too long",
        "rate.wav": "sample rate 12345",
        "deep.wav": "24-bit",
        "empty.wav": "no sound",
        "absent.wav": "cannot read",
    }
    write_wav(tmp_path / "long.wav", seconds=11, rate=8000)
    write_wav(tmp_path / "rate.wav", rate=12345)
    write_wav(tmp_path / "deep.wav", width=3)
    write_wav(tmp_path / "empty.wav", seconds=0)
    for name, says in problems.items():
        problem = validate_wav(tmp_path / name)
        assert problem is not None and says in problem and name in problem, (name, problem)


def test_sound_problem_checks_the_file_too(folders: tuple[Path, Path]) -> None:
    builtin, user = folders
    (user / "broken.wav").write_bytes(b"RIFF0000WAVE")
    assert sound_problem("gong.wav", builtin, user) is None
    assert "not a WAV" in (sound_problem("broken.wav", builtin, user) or "")


def test_the_default_folders_are_the_shipped_sounds_and_the_users_config() -> None:
    assert resolve_sound("go.wav") == SOUNDS / "go.wav"


def test_parts_and_slugs() -> None:
    assert speech_parts("kneeling hip flexor, left leg, 1 minute") == [
        "kneeling hip flexor",
        "left leg",
        "1 minute",
    ]
    assert slug("Kneeling hip-flexor") == "kneeling-hip-flexor"
    assert slug("last one!") == "last-one"


def test_a_phrase_is_its_parts_joined_by_short_silences() -> None:
    bank = SoundBank(SOUNDS)
    left, leg = bank.part("left leg"), bank.part("1 minute")
    assert left is not None and leg is not None
    phrase = bank.phrase("left leg, 1 minute")
    assert phrase is not None
    gap = round(PART_GAP_SECONDS * left.rate) * 2
    assert phrase.frames == left.frames + b"\x00" * gap + leg.frames
    assert bank.phrase("left leg, a part nobody recorded") is None


def test_clips_of_different_formats_are_not_joined() -> None:
    a = Clip(b"\x00\x00", 1, 2, 16000)
    b = Clip(b"\x00\x00", 1, 2, 22050)
    assert compose([a, b]) is None
    assert compose([]) is None
    assert compose([a]) is a


def test_the_users_recording_of_a_part_replaces_the_built_in_one(tmp_path: Path) -> None:
    mine = write_wav(tmp_path / "voice" / "left-leg.wav", rate=16000)
    bank = SoundBank(SOUNDS, tmp_path)
    assert bank.part("left leg") == read_wav(mine)
    assert bank.tone(Cue.GO) == read_wav(SOUNDS / "go.wav")


def test_a_custom_sound_that_is_bad_gives_none_so_the_tone_plays(tmp_path: Path) -> None:
    (tmp_path / "bad.wav").write_text("nope")
    bank = SoundBank(SOUNDS, tmp_path)
    assert bank.custom("bad.wav") is None
    assert bank.custom("../go.wav") is None
    assert bank.custom("go.wav") == read_wav(SOUNDS / "go.wav")
