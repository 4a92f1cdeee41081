"""History files are private: folders 0700 and files 0600 when hiptimer creates them.

A workout history is personal. SQLite creates a database's ``-wal`` and ``-shm`` files with the
permissions of the database file, so creating the (empty) file 0600 before SQLite opens it makes
all three private. Exports of the history are created 0600 too. Files and folders that already
exist are left as their owner set them.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["FILE_MODE", "FOLDER_MODE", "create_private_file", "make_private_folder", "write_private_text"]

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents, each one 0700; an existing folder is left alone.

    Raises:
        OSError: A folder cannot be created.
    """
    missing: list[Path] = []
    for where in (folder, *folder.parents):
        if where.is_dir():
            break
        missing.append(where)
    for where in reversed(missing):
        try:
            where.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            if not where.is_dir():
                raise
            continue
        os.chmod(where, FOLDER_MODE)  # mkdir's mode is cut by the umask; 0700 is what is meant


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and 0600 if it does not exist yet (an existing file is left alone)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def write_private_text(path: Path | str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``, creating it 0600; an existing file is replaced in place."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
