"""The user's settings: voice or tones, mute, the audio offset, the audio backend.

Kept in ``settings.toml`` in the config dir (``HIPTIMER_CONFIG_DIR``, or platformdirs' user config
dir), a small file a person can read and edit::

    voice = true          # speak each phase as it starts; false: tones only
    start_muted = false   # each run starts muted (the m key mutes or unmutes one run)
    audio_offset = 0.0    # seconds to play cues early, for outputs with a delay (Bluetooth: 0.2)
    audio = "auto"        # auto, simpleaudio, command, bell, off (HIPTIMER_AUDIO overrides it)
    continue_minutes = 5.0  # a run interrupted less than this long ago goes on by its clock

The ``m`` key mutes the run under way only; whether a run starts muted is ``start_muted``. The
``mute`` key older versions wrote (when ``m`` was pressed) is read without complaint and ignored,
and dropped the next time the file is written.

Reading never fails: a missing file gives the defaults; a damaged file or a bad value gives the
defaults for what could not be read, plus a message naming the file and the key. Writing replaces
the file atomically, so a crash mid-write never leaves half a file.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["AUDIO_MODES", "MAX_AUDIO_OFFSET", "Settings", "load_settings", "save_settings", "settings_path"]

SETTINGS_FILE = "settings.toml"
AUDIO_MODES = ("auto", "simpleaudio", "command", "bell", "off")
"""Values of ``audio`` (the same as ``HIPTIMER_AUDIO``)."""
MAX_AUDIO_OFFSET = 2.0
"""The largest audio offset accepted, in seconds."""
MAX_CONTINUE_MINUTES = 24 * 60.0
"""The largest ``continue_minutes`` accepted (a day)."""


class Settings(NamedTuple):
    """The user's settings, with their defaults.

    A named tuple: the app reads the settings at every start, and a frozen dataclass costs a
    millisecond to define.
    """

    voice: bool = True
    """Speak each phase as it starts ("kneeling hip flexor, left leg, 1 minute"); False: tones only."""
    start_muted: bool = False
    """Each run starts with its cues muted (the screen says so; ``m`` turns them on for the run)."""
    audio_offset: float = 0.0
    """Seconds to play every cue early, to make up for a slow output (Bluetooth: about 0.2)."""
    audio: str = "auto"
    """Which audio backend to use; ``HIPTIMER_AUDIO`` overrides it."""
    continue_minutes: float = 5.0
    """A run interrupted (tab or terminal closed) less than this many minutes ago goes on by its
    clock at the next start, without a question; an older one is offered for resuming. 0: always ask."""

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some settings changed (``settings.with_changes(mute=True)``)."""
        return self._replace(**changes)


_COMMENTS = {
    "voice": "speak each phase as it starts; false: tones only",
    "start_muted": "each run starts muted; the m key mutes or unmutes the run under way",
    "audio_offset": f"seconds to play cues early for a slow output (Bluetooth: 0.2; 0-{MAX_AUDIO_OFFSET:g})",
    "audio": "auto, simpleaudio, command, bell or off (HIPTIMER_AUDIO overrides it)",
    "continue_minutes": "a run interrupted less than this many minutes ago goes on by its clock (0: ask)",
}


_RETIRED = frozenset({"mute"})
"""Keys older versions wrote, accepted and ignored: ``mute`` was saved by the m key."""


def settings_path() -> Path:
    """The settings file: ``settings.toml`` in the config dir."""
    from hiptimer import locations  # late: locations imports platformdirs

    return locations.config_dir() / SETTINGS_FILE


def _check(key: str, value: Any) -> tuple[Any, str | None]:
    """The value if it is valid for ``key``, else None and what is wrong."""
    if key in ("voice", "start_muted"):
        if isinstance(value, bool):
            return value, None
        return None, "must be true or false"
    if key == "audio_offset":
        number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if number and 0 <= value <= MAX_AUDIO_OFFSET:
            return float(value), None
        return None, f"must be a number of seconds from 0 to {MAX_AUDIO_OFFSET:g}"
    if key == "continue_minutes":
        number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if number and 0 <= value <= MAX_CONTINUE_MINUTES:
            return float(value), None
        return None, f"must be a number of minutes from 0 to {MAX_CONTINUE_MINUTES:g}"
    if key == "audio":
        if isinstance(value, str) and value.strip().lower() in AUDIO_MODES:
            return value.strip().lower(), None
        return None, "must be one of " + ", ".join(AUDIO_MODES)
    return None, "is not a setting (known: " + ", ".join(Settings._fields) + ")"


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """Read the settings; never raises.

    Args:
        path: The file (default: :func:`settings_path`).

    Returns:
        The settings (defaults for anything missing or bad) and None, or a message saying what was
        wrong and that defaults are used for it.
    """
    path = path or settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), None
    except (OSError, UnicodeDecodeError) as exc:
        return Settings(), f"{path}: cannot read the settings ({exc}); using the defaults"
    import tomllib  # only when there is a file to read: the app's start does without it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Settings(), f"{path}: {exc}; using the default settings"
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, raw in data.items():
        if key in _RETIRED:
            continue
        value, problem = _check(key, raw)
        if problem is not None:
            problems.append(f"{key} {problem}")
        else:
            values[key] = value
    message = f"{path}: " + "; ".join(problems) + "; using the default for it" if problems else None
    return Settings(**values), message


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_settings(settings: Settings, path: Path | None = None) -> str | None:
    """Write the settings atomically (a temporary file, then a rename); never raises.

    Args:
        settings: What to write.
        path: The file (default: :func:`settings_path`); its folder is created if needed.

    Returns:
        None when written, else what went wrong (the old file, if any, is untouched).
    """
    path = path or settings_path()
    lines = ["# hiptimer settings: edit freely; the app rewrites this file when you change a setting.", ""]
    for name in Settings._fields:
        lines.append(f"{name} = {_toml_value(getattr(settings, name))}  # {_COMMENTS[name]}")
    text = "\n".join(lines) + "\n"
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        return f"{path}: cannot save the settings ({exc.strerror or exc})"
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return None
