"""Where hiptimer keeps the user's files.

Each place is a function, so nothing is looked up or created at import time, and each can be moved
with an environment variable (tests point them all at temporary folders):

* ``HIPTIMER_DATA_DIR``: history (default: platformdirs' user data dir for ``hiptimer``);
* ``HIPTIMER_CONFIG_DIR``: settings, the user's sessions and sounds (default: the user config dir);
* ``HIPTIMER_SESSIONS_DIR``: the user's own session files (default: ``sessions`` in the config dir);
* ``HIPTIMER_CACHE_DIR``: what can be made again, such as session files already checked
  (default: the user cache dir).

None of these functions creates the folder: the code that writes there does.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir", "config_dir", "data_dir", "history_db_path", "user_sessions_dir", "user_sounds_dir"]

APP_NAME = "hiptimer"


def _from_env(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def _platform_dir(kind: str) -> Path:
    """The platform's user folder of ``kind`` (data, config, cache) for hiptimer."""
    import platformdirs  # late: a variable naming the folder needs none of it (tempfile, shutil)

    where = {
        "data": platformdirs.user_data_dir,
        "config": platformdirs.user_config_dir,
        "cache": platformdirs.user_cache_dir,
    }[kind]
    return Path(where(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The folder for history: ``HIPTIMER_DATA_DIR``, or the platform's user data dir."""
    return _from_env("HIPTIMER_DATA_DIR") or _platform_dir("data")


def config_dir() -> Path:
    """The folder for settings: ``HIPTIMER_CONFIG_DIR``, or the platform's user config dir."""
    return _from_env("HIPTIMER_CONFIG_DIR") or _platform_dir("config")


def cache_dir() -> Path:
    """The folder for things that can be made again: ``HIPTIMER_CACHE_DIR``, or the user cache dir."""
    return _from_env("HIPTIMER_CACHE_DIR") or _platform_dir("cache")


def user_sessions_dir() -> Path:
    """The user's own session files: ``HIPTIMER_SESSIONS_DIR``, or ``sessions`` in the config dir."""
    return _from_env("HIPTIMER_SESSIONS_DIR") or config_dir() / "sessions"


def user_sounds_dir() -> Path:
    """The user's own cue sounds: ``sounds`` in the config dir."""
    return config_dir() / "sounds"


def history_db_path() -> Path:
    """The history database: ``history.sqlite3`` in the data dir."""
    return data_dir() / "history.sqlite3"
