"""A damaged history file: keep the runs that still read, then move the file aside.

Damage often touches a few pages only (the list of free pages, an index), and every run still
reads. Before a damaged file is moved aside, the runs and phases that can still be read are copied
into a new file, at the damaged file's schema version (the store then brings it up to date as it
does any file); the new file takes the old one's place only after the old one was moved aside, so
at every moment the runs are in a file with a name of its own. Nothing is ever deleted.
"""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime
from pathlib import Path

from hiptimer.store_private import create_private_file
from hiptimer.store_schema import SCHEMA_VERSION, migrate

__all__ = ["copy_readable_runs", "replace_damaged"]


def replace_damaged(path: Path, now: datetime) -> tuple[Path, int]:
    """Copy the runs of the damaged ``path`` that still read to a new file, move ``path`` aside.

    Args:
        path: The damaged history file.
        now: The time that names the moved file.

    Returns:
        Where the damaged file went, and how many runs the new file at ``path`` kept (0: no new
        file; the store starts one as for a first run).

    Raises:
        UnusableError: The damaged file cannot be moved aside.
    """
    from hiptimer.store_open import move_aside

    fresh = path.with_name(f"{path.name}.recovering")
    for leftover in (fresh, Path(f"{fresh}-journal")):  # an earlier attempt that was cut short
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    try:
        kept = copy_readable_runs(path, fresh)
    except (sqlite3.Error, OSError):
        kept = 0
    moved = move_aside(path, "damaged", now)
    if kept:
        try:
            fresh.rename(path)
        except OSError:
            kept = 0
    if not kept:
        with contextlib.suppress(FileNotFoundError):
            fresh.unlink()
    return moved, kept


def copy_readable_runs(source: Path, target: Path) -> int:
    """Copy every run of ``source`` that reads (with the phases that read) into a new ``target``.

    Returns:
        The number of runs copied (0 when none could be read; ``target`` may then exist, empty).
    """
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        version = int(src.execute("PRAGMA user_version").fetchone()[0])
        if not 1 <= version <= SCHEMA_VERSION:
            return 0
        runs = _readable(src, "runs")
        if not runs[1]:
            return 0
        phases = _readable(src, "phases")
    finally:
        src.close()
    create_private_file(target)
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        migrate(dst, to=version)
        kept: set[object] = set()
        dst.execute("BEGIN IMMEDIATE")
        for table, (columns, rows) in (("runs", runs), ("phases", phases)):
            wanted = [c for c in columns if c in _columns(dst, table)]
            at = [columns.index(c) for c in wanted]
            sql = f"INSERT INTO {table} ({', '.join(wanted)}) VALUES ({', '.join('?' * len(wanted))})"
            for row in rows:
                if table == "phases" and row[columns.index("run_id")] not in kept:
                    continue
                try:
                    dst.execute(sql, [row[i] for i in at])
                except sqlite3.Error:
                    continue  # a row garbled by the damage: leave it out
                if table == "runs":
                    kept.add(row[columns.index("id")])
        dst.execute("COMMIT")
        return len(kept)
    finally:
        dst.close()


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]


def _readable(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple[object, ...]]]:
    """The column names of ``table`` and the rows that read, up to the first damaged page."""
    columns: list[str] = []
    rows: list[tuple[object, ...]] = []
    try:
        cursor = conn.execute(f"SELECT * FROM {table} NOT INDEXED")
        columns = [str(d[0]) for d in cursor.description]
        for row in cursor:
            rows.append(tuple(row))
    except sqlite3.DatabaseError:
        if not rows:
            return [], []
    return columns, rows
