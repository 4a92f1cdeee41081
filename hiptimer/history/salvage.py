"""A damaged history file: keep the runs that still read, then move the file aside.

Damage often touches a few pages only (the list of free pages, an index), and every run still
reads. Before a damaged file is moved aside, the runs and phases that can still be read are copied
into a new file, at the damaged file's schema version (the store then brings it up to date as it
does any file); the new file takes the old one's place only after the old one was moved aside, so
at every moment the runs are in a file with a name of its own. Nothing is ever deleted.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from hiptimer.core.choices import PhaseKind, Side
from hiptimer.core.results import Outcome
from hiptimer.history.private import create_private_file
from hiptimer.history.schema import SCHEMA_VERSION, migrate, parse_time, plan_from_json

__all__ = ["copy_readable_runs"]


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
        run_columns, runs = _readable_runs(src)
        if not runs:
            return 0
        phase_columns, phases = _readable_phases(src, [row[run_columns.index("id")] for row in runs])
    finally:
        src.close()
    create_private_file(target)
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        migrate(dst, to=version)
        kept: set[object] = set()
        dst.execute("BEGIN IMMEDIATE")
        for table, columns, rows in (("runs", run_columns, runs), ("phases", phase_columns, phases)):
            wanted = [c for c in columns if c in _columns(dst, table)]
            at = [columns.index(c) for c in wanted]
            sql = f"INSERT INTO {table} ({', '.join(wanted)}) VALUES ({', '.join('?' * len(wanted))})"
            for row in rows:
                values = dict(zip(columns, row, strict=True))
                if table == "phases" and (values["run_id"] not in kept or not _sound_phase(values)):
                    continue
                if table == "runs" and not _sound_run(values):
                    continue
                try:
                    dst.execute(sql, [row[i] for i in at])
                except sqlite3.Error:
                    continue  # a row garbled by the damage: leave it out
                if table == "runs":
                    kept.add(values["id"])
        dst.execute("COMMIT")
        return len(kept)
    finally:
        dst.close()


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]


Rows = list[tuple[object, ...]]


def _scan(conn: sqlite3.Connection, sql: str, args: tuple[object, ...] = ()) -> tuple[list[str], Rows, bool]:
    """Column names, the rows that read up to the first damaged page, and whether all did."""
    columns: list[str] = []
    rows: Rows = []
    try:
        cursor = conn.execute(sql, args)
        columns = [str(d[0]) for d in cursor.description]
        for row in cursor:
            rows.append(tuple(row))
    except sqlite3.DatabaseError:
        return columns, rows, False
    return columns, rows, True


def _readable_runs(conn: sqlite3.Connection) -> tuple[list[str], Rows]:
    """The runs that read: one scan, or, past a damaged page, each run looked up by its id."""
    columns, rows, whole = _scan(conn, "SELECT * FROM runs")
    if whole:
        return columns, rows
    columns = _columns(conn, "runs")
    try:
        last = int(conn.execute("SELECT max(id) FROM runs").fetchone()[0] or 0)
    except sqlite3.DatabaseError:
        return columns, rows
    found = {row[columns.index("id")]: row for row in rows}
    for run_id in range(1, last + 1):
        if run_id not in found:
            _, one, _ = _scan(conn, "SELECT * FROM runs WHERE id = ?", (run_id,))
            if one:
                found[run_id] = one[0]
    return columns, [found[k] for k in sorted(found, key=lambda k: int(str(k)))]


def _readable_phases(conn: sqlite3.Connection, run_ids: list[object]) -> tuple[list[str], Rows]:
    """The phases that read: one scan, or, past a damaged page, each run's phases by the index."""
    columns, rows, whole = _scan(conn, "SELECT * FROM phases")
    if whole:
        return columns, rows
    columns = _columns(conn, "phases")
    at_run, at_index = columns.index("run_id"), columns.index("phase_index")
    found = {(row[at_run], row[at_index]): row for row in rows}
    for run_id in run_ids:
        _, more, _ = _scan(conn, "SELECT * FROM phases WHERE run_id = ?", (run_id,))
        for row in more:
            found.setdefault((row[at_run], row[at_index]), row)
    return columns, list(found.values())


_KINDS = frozenset(k.value for k in PhaseKind)
_SIDES = frozenset(s.value for s in Side)
_OUTCOMES = frozenset(o.value for o in Outcome)


def _sound_run(values: dict[str, object]) -> bool:
    """Whether a run row reads as a run (damage can garble a row that still parses)."""
    try:
        parse_time(str(values["started"]))
        if values.get("ended") is not None:
            parse_time(str(values["ended"]))
        plan_from_json(str(values["plan_json"]))
        if "targets_json" in values:
            json.loads(str(values["targets_json"]))
    except (ValueError, TypeError, KeyError, AttributeError):
        return False
    return True


def _sound_phase(values: dict[str, object]) -> bool:
    """Whether a phase row reads as a phase."""
    return (
        values.get("kind") in _KINDS
        and values.get("outcome") in _OUTCOMES
        and (values.get("side") is None or values.get("side") in _SIDES)
    )
