"""Files that ship with hiptimer: the built-in sessions and the cue sounds.

In an installed wheel they sit inside the package, at ``hiptimer/_data/sessions`` and
``hiptimer/_data/sounds`` (pyproject.toml's force-include copies them there). In a checkout or an
editable install there is no ``_data``: the files are read from the repository's top-level
``sessions/`` and ``sounds/`` folders, where they are edited.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["builtin_sessions_dir", "sounds_dir"]


def _shipped(name: str) -> Path:
    package = Path(__file__).resolve().parent
    installed = package / "_data" / name
    if installed.is_dir():
        return installed
    return package.parent / name


def builtin_sessions_dir() -> Path:
    """The folder of the built-in session files."""
    return _shipped("sessions")


def sounds_dir() -> Path:
    """The folder of the built-in cue sounds."""
    return _shipped("sounds")
