"""Runs imported from a watch's activity file: how they are written, and how they are told apart.

An imported run is written like a run of the app (one ``runs`` row, one ``phases`` row per phase
the watch recorded), in one transaction with a ``watch_imports`` row that marks it and holds the
activity file's key: the same file imported again finds its key and adds nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from hiptimer.core.results import RunStatus
from hiptimer.history.records import SavedPhase
from hiptimer.history.schema import PHASE_COLUMNS, PHASE_PLACES, phase_row, plan_to_json, time_text
from hiptimer.history.store import SqliteStore

if TYPE_CHECKING:  # an annotation: ``hiptimer history`` marks watch runs without the plan's compiler
    from hiptimer.core.plan import Plan

__all__ = ["WatchImport", "WatchRun", "find_import", "save_imported_run", "watch_imports"]


@dataclass(frozen=True, slots=True)
class WatchRun:
    """A run read from an activity file, ready to be saved."""

    plan: Plan
    definition_hash: str
    status: RunStatus
    started: datetime
    ended: datetime
    phases: tuple[SavedPhase, ...]
    import_key: str
    """What the file is known by (its maker, serial number and time created)."""
    file_name: str


@dataclass(frozen=True, slots=True)
class WatchImport:
    """The mark of an imported run."""

    run_id: int
    import_key: str
    file_name: str
    imported: str
    """When it was imported (UTC ISO 8601 text)."""


def save_imported_run(store: SqliteStore, run: WatchRun, *, now: datetime) -> int | None:
    """Save ``run`` and its mark in one transaction; return its id, or None if the file was imported before.

    Raises:
        hiptimer.history.store.HistoryNotWritableError: The history file cannot be written; nothing was.
    """

    def write(conn: sqlite3.Connection) -> int | None:
        if _find(conn, run.import_key) is not None:
            return None
        cur = conn.execute(
            "INSERT INTO runs (session_id, session_name, definition_hash, started, ended, status,"
            " plan_json, targets_json, phase_count, pid, heartbeat)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            (
                run.plan.session_id,
                run.plan.session_name,
                run.definition_hash,
                time_text(run.started),
                time_text(run.ended),
                run.status.value,
                plan_to_json(run.plan),
                json.dumps(dict(run.plan.targets), sort_keys=True),
                len(run.plan.phases),
                time_text(run.ended),
            ),
        )
        run_id = int(cur.lastrowid or 0)
        conn.executemany(
            f"INSERT INTO phases ({PHASE_COLUMNS}) VALUES ({PHASE_PLACES})",
            [phase_row(run_id, p.result, p.started, p.ended) for p in run.phases],
        )
        conn.execute(
            "INSERT INTO watch_imports (run_id, import_key, file_name, imported) VALUES (?, ?, ?, ?)",
            (run_id, run.import_key, run.file_name, time_text(now)),
        )
        return run_id

    return store.write_file(write)


def find_import(store: SqliteStore, import_key: str) -> int | None:
    """The id of the run imported from the file with this key, if it was imported."""
    return store.read_file(lambda conn: _find(conn, import_key), None)


def watch_imports(store: SqliteStore, run_ids: Sequence[int]) -> dict[int, WatchImport]:
    """The marks of those of ``run_ids`` that were imported from a watch."""

    def read(conn: sqlite3.Connection) -> dict[int, WatchImport]:
        out: dict[int, WatchImport] = {}
        for start in range(0, len(run_ids), 500):
            chunk = list(run_ids[start : start + 500])
            try:
                rows = conn.execute(
                    "SELECT run_id, import_key, file_name, imported FROM watch_imports"
                    f" WHERE run_id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            except sqlite3.OperationalError:
                return {}  # a read-only file of an older version has no such table, and no imports
            for row in rows:
                out[int(row[0])] = WatchImport(int(row[0]), str(row[1]), str(row[2]), str(row[3]))
        return out

    return store.read_file(read, {}) if run_ids else {}


def _find(conn: sqlite3.Connection, import_key: str) -> int | None:
    try:
        row = conn.execute("SELECT run_id FROM watch_imports WHERE import_key = ?", (import_key,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return int(row[0]) if row is not None else None
