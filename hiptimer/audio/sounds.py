"""Cue sounds on disk: the tones, the pre-rendered speech, and the custom sounds a session names.

Layout of a sounds folder (the built-in ``sounds/`` and the user's, ``sounds`` in the config dir)::

    <cue>.wav            one tone per cue, named after ``Cue`` values ("go.wav", "pip.wav")
    voice/<slug>.wav     one spoken part per file ("voice/left-leg.wav", "voice/1-minute.wav")
    anything-else.wav    custom step sounds a session may name (``sound = "gong.wav"``)

A phrase such as ``"kneeling hip flexor, left leg, 1 minute"`` is spoken by playing its parts'
files one after the other with a short gap, so the folder holds each part once instead of every
combination. The user's folder is searched before the built-in one, so a user may re-record a part.

Standard library only: this module is loaded by the playback worker, which must start fast.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from hiptimer.core.cues import PART_GAP_SECONDS, WORD_GAP_SECONDS, Cue, part_files, slug, speech_parts

__all__ = [
    "MAX_CUSTOM_SECONDS",
    "PART_GAP_SECONDS",
    "VOICE_DIR",
    "Clip",
    "SoundBank",
    "SoundError",
    "WavError",
    "clip_from_wav_bytes",
    "compose",
    "read_wav",
    "resolve_sound",
    "slug",
    "sound_problem",
    "speech_parts",
    "validate_wav",
]

VOICE_DIR = "voice"
"""The sub-folder of pre-rendered speech parts."""
MAX_CUSTOM_SECONDS = 10.0
"""The longest custom step sound accepted: a cue, not a song."""
MAX_CUSTOM_BYTES = 4 * 1024 * 1024
"""The largest custom step sound file accepted."""
SUPPORTED_RATES = (8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000)
"""Sample rates every backend plays (simpleaudio's list, which is the narrowest)."""


class WavError(ValueError):
    """A file is not a WAV hiptimer can play."""


class SoundError(ValueError):
    """A session names a sound that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Clip:
    """Sound ready to play: 16- or 8-bit PCM frames and their format.

    Attributes:
        frames: The raw frames, little-endian, channels interleaved.
        channels: 1 (mono) or 2 (stereo).
        sampwidth: Bytes per sample (1 or 2).
        rate: Frames per second.
        path: The file the clip is exactly (so a player command can be handed the file); None for a
            composed or synthesized clip.
    """

    frames: bytes
    channels: int
    sampwidth: int
    rate: int
    path: Path | None = None

    @property
    def frame_count(self) -> int:
        """The number of frames."""
        return len(self.frames) // (self.channels * self.sampwidth)

    @property
    def seconds(self) -> float:
        """How long the clip plays."""
        return self.frame_count / self.rate

    @property
    def format(self) -> tuple[int, int, int]:
        """``(channels, sampwidth, rate)``: clips of one format can be joined."""
        return (self.channels, self.sampwidth, self.rate)

    def wav_bytes(self) -> bytes:
        """The clip as a complete WAV file."""
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(self.channels)
            w.setsampwidth(self.sampwidth)
            w.setframerate(self.rate)
            w.writeframes(self.frames)
        return out.getvalue()


def _clip_from_reader(w: wave.Wave_read, path: Path | None, where: str) -> Clip:
    channels, sampwidth, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
    if channels not in (1, 2):
        raise WavError(f"{where}: {channels} channels; use mono or stereo")
    if sampwidth not in (1, 2):
        raise WavError(f"{where}: {8 * sampwidth}-bit samples; use 16-bit (or 8-bit) PCM")
    if rate not in SUPPORTED_RATES:
        raise WavError(f"{where}: sample rate {rate} Hz; use one of 22050, 44100, 48000 Hz")
    # Streamed WAVs (espeak-ng --stdout) carry a huge placeholder length: read what is there.
    frames = w.readframes(w.getnframes())
    frames = frames[: len(frames) - len(frames) % (channels * sampwidth)]
    if not frames:
        raise WavError(f"{where}: no sound in the file")
    return Clip(frames, channels, sampwidth, rate, path)


def read_wav(path: Path) -> Clip:
    """Read a WAV file hiptimer can play.

    Args:
        path: The file.

    Raises:
        WavError: The file cannot be read or is not 8/16-bit PCM, mono or stereo, at a common rate.
    """
    try:
        with wave.open(str(path), "rb") as w:
            return _clip_from_reader(w, path, str(path))
    except WavError:
        raise
    except (OSError, EOFError, wave.Error) as exc:
        raise WavError(f"{path}: not a WAV file hiptimer can play ({exc})") from None


def clip_from_wav_bytes(data: bytes, where: str = "speech") -> Clip:
    """Read a WAV held in memory (a speech engine's output).

    Raises:
        WavError: The bytes are not a playable WAV.
    """
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            return _clip_from_reader(w, None, where)
    except WavError:
        raise
    except (EOFError, wave.Error) as exc:
        raise WavError(f"{where}: not a WAV ({exc})") from None


def validate_wav(path: Path) -> str | None:
    """Check that a custom cue sound is a short WAV hiptimer can play.

    Args:
        path: The file.

    Returns:
        None when the file is fine, else what is wrong, naming the file.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"{path}: cannot read the file ({exc.strerror or exc})"
    if size > MAX_CUSTOM_BYTES:
        most = MAX_CUSTOM_BYTES // 2**20
        return f"{path}: {size / 2**20:.1f} MB is too big for a cue sound (at most {most} MB)"
    try:
        clip = read_wav(path)
    except WavError as exc:
        return str(exc)
    if clip.seconds > MAX_CUSTOM_SECONDS:
        return f"{path}: {clip.seconds:.1f} s is too long for a cue sound (at most {MAX_CUSTOM_SECONDS:g} s)"
    return None


def resolve_sound(name: str, sounds_dir: Path | None = None, user_sounds_dir: Path | None = None) -> Path:
    """Find the file a session's ``sound = "..."`` names.

    Only files inside the user's sounds folder or the built-in one are accepted, so a session file
    cannot make hiptimer read ``../../secrets.wav``. The user's folder is searched first.

    Args:
        name: The name from the session file: a relative path ending in ``.wav``, such as
            ``"gong.wav"`` or ``"mine/gong.wav"``.
        sounds_dir: The built-in sounds folder (default: the one shipped with hiptimer).
        user_sounds_dir: The user's sounds folder (default: ``sounds`` in the config dir).

    Returns:
        The file's path (not yet checked to be a valid WAV: see :func:`validate_wav`).

    Raises:
        SoundError: The name escapes the folders, is not a ``.wav``, or no such file exists.
    """
    problem = _name_problem(name)
    if problem:
        raise SoundError(problem)
    folders = _folders(sounds_dir, user_sounds_dir)
    for folder in folders:
        candidate = folder / name
        try:
            real = candidate.resolve()
            inside = real.is_relative_to(folder.resolve())
        except (OSError, RuntimeError):
            continue
        if not inside:
            raise SoundError(f"sound {name!r} links outside {folder}; copy the file into the folder")
        if real.is_file():
            return candidate
    where = " or ".join(str(f) for f in folders)
    raise SoundError(f"sound {name!r} not found in {where}")


def sound_problem(
    name: str, sounds_dir: Path | None = None, user_sounds_dir: Path | None = None
) -> str | None:
    """What is wrong with a session's custom sound, or None if it is usable.

    :func:`resolve_sound` and :func:`validate_wav` in one call, for session validation.
    """
    try:
        path = resolve_sound(name, sounds_dir, user_sounds_dir)
    except SoundError as exc:
        return str(exc)
    return validate_wav(path)


def _name_problem(name: str) -> str | None:
    if not name.strip():
        return "sound name is empty"
    if "\\" in name or PureWindowsPath(name).drive or PurePosixPath(name).is_absolute():
        return f"sound {name!r} must be a file name inside the sounds folder, not a path"
    # Split by hand: PurePosixPath drops "." parts, so "./mine.wav" would pass as "mine.wav".
    parts = name.split("/")
    if any(p in ("..", ".") for p in parts):
        return f"sound {name!r} must not contain '..' or '.': only files inside the sounds folder are used"
    if not name.lower().endswith(".wav"):
        return f"sound {name!r} must be a .wav file"
    return None


def _folders(sounds_dir: Path | None, user_sounds_dir: Path | None) -> list[Path]:
    if sounds_dir is None or user_sounds_dir is None:
        from hiptimer import locations, resources  # late: locations imports platformdirs

        sounds_dir = sounds_dir or resources.sounds_dir()
        user_sounds_dir = user_sounds_dir or locations.user_sounds_dir()
    return [user_sounds_dir, sounds_dir]


def compose(clips: Sequence[Clip], gap_seconds: float = PART_GAP_SECONDS) -> Clip | None:
    """Join clips of one format with a short silence between them.

    Returns:
        The joined clip, or None if there are none or their formats differ.
    """
    if not clips or any(c.format != clips[0].format for c in clips):
        return None
    if len(clips) == 1:
        return clips[0]
    first = clips[0]
    frame = first.channels * first.sampwidth
    silence_byte = b"\x80" if first.sampwidth == 1 else b"\x00"
    gap = silence_byte * (round(gap_seconds * first.rate) * frame)
    return Clip(gap.join(c.frames for c in clips), first.channels, first.sampwidth, first.rate)


class SoundBank:
    """Loads and caches the clips a cue needs.

    Args:
        sounds_dir: The built-in sounds folder.
        user_sounds_dir: The user's sounds folder, searched first (None: none).
    """

    def __init__(self, sounds_dir: Path, user_sounds_dir: Path | None = None) -> None:
        self.sounds_dir = sounds_dir
        self.user_sounds_dir = user_sounds_dir
        self._cache: dict[Path, Clip | None] = {}

    def _folders(self) -> Iterable[Path]:
        if self.user_sounds_dir is not None:
            yield self.user_sounds_dir
        yield self.sounds_dir

    def _load(self, path: Path) -> Clip | None:
        if path not in self._cache:
            try:
                self._cache[path] = read_wav(path)
            except WavError:
                self._cache[path] = None
        return self._cache[path]

    def _first(self, relative: str) -> Clip | None:
        for folder in self._folders():
            path = folder / relative
            if path.is_file():
                return self._load(path)
        return None

    def tone(self, cue: Cue) -> Clip | None:
        """The tone of a cue, or None if its file is missing or unreadable."""
        return self._first(f"{cue.value}.wav")

    def custom(self, name: str) -> Clip | None:
        """A session's custom sound, or None if it is not a usable file inside the folders."""
        user = self.user_sounds_dir or self.sounds_dir
        try:
            path = resolve_sound(name, self.sounds_dir, user)
        except SoundError:
            return None
        if validate_wav(path) is not None:
            return None
        return self._load(path)

    def has_part(self, stem: str) -> bool:
        """Whether a recording of the part with this slug exists."""
        return any((folder / VOICE_DIR / f"{stem}.wav").is_file() for folder in self._folders())

    def part_paths(self, text: str) -> list[Path] | None:
        """The recordings that say one part (see :func:`hiptimer.core.cues.part_files`), or None."""
        stems = part_files(text, self.has_part)
        if stems is None:
            return None
        paths: list[Path] = []
        for stem in stems:
            for folder in self._folders():
                path = folder / VOICE_DIR / f"{stem}.wav"
                if path.is_file():
                    paths.append(path)
                    break
        return paths

    def part(self, text: str) -> Clip | None:
        """The pre-rendered recording of one spoken part (runs of its words joined), or None."""
        paths = self.part_paths(text)
        if not paths:
            return None
        clips = [self._load(p) for p in paths]
        if any(c is None for c in clips):
            return None
        return compose([c for c in clips if c is not None], WORD_GAP_SECONDS)

    def phrase(self, speech: str) -> Clip | None:
        """The phrase composed from its parts' recordings; None unless every part has one."""
        clips: list[Clip] = []
        for text in speech_parts(speech):
            clip = self.part(text)
            if clip is None:
                return None
            clips.append(clip)
        return compose(clips)

    def preload(self) -> None:
        """Read every tone and built-in spoken part now (under 1 MB), so no cue waits for the disk."""
        for cue in Cue:
            self.tone(cue)
        for path in sorted((self.sounds_dir / VOICE_DIR).glob("*.wav")):
            self._load(path)
