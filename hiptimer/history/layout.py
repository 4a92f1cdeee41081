"""The history file's layout: its tables, their versions and migrations, and how times are written.

Kept apart from :mod:`hiptimer.history.schema` (which re-exports all of it, and turns rows into
runs) so that opening the file and reading the history's table load none of the runs' classes.
See :mod:`hiptimer.history.schema` for what each version adds.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "migrate",
    "parse_time",
    "run_filter",
    "targets_from_json",
    "time_text",
]

_V1 = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    session_name TEXT NOT NULL,
    definition_hash TEXT NOT NULL,
    started TEXT NOT NULL,
    ended TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'aborted', 'interrupted')),
    plan_json TEXT NOT NULL
);
CREATE TABLE phases (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    phase_index INTEGER NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    side TEXT,
    set_index INTEGER NOT NULL,
    set_count INTEGER NOT NULL,
    round_index INTEGER NOT NULL,
    round_count INTEGER NOT NULL,
    planned_seconds REAL,
    actual_seconds REAL NOT NULL,
    paused_seconds REAL NOT NULL,
    reps_target INTEGER,
    reps_done INTEGER,
    outcome TEXT NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL NOT NULL,
    UNIQUE (run_id, phase_index)
);
CREATE INDEX runs_session ON runs (session_id);
"""

_V2 = """
ALTER TABLE runs ADD COLUMN targets_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE runs ADD COLUMN phase_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN heartbeat TEXT;
ALTER TABLE phases ADD COLUMN progression TEXT;
ALTER TABLE phases ADD COLUMN wall_started TEXT;
ALTER TABLE phases ADD COLUMN wall_ended TEXT;
UPDATE runs SET
    targets_json = coalesce(json(json_extract(plan_json, '$.targets')), '{}'),
    phase_count = coalesce(json_array_length(plan_json, '$.phases'), 0),
    heartbeat = coalesce(ended, started);
UPDATE phases SET progression = (
    SELECT json_extract(r.plan_json, '$.phases[' || phases.phase_index || '].progression')
    FROM runs AS r WHERE r.id = phases.run_id
);
DROP INDEX runs_session;
-- Newest first, for everything and for one session; `id` breaks ties between equal start times.
CREATE INDEX runs_started ON runs (started, id);
CREATE INDEX runs_session_started ON runs (session_id, started, id);
-- Runs left running by a process that is gone are looked up at every start.
CREATE INDEX runs_status ON runs (status);
"""

_V3 = """
CREATE TABLE watch_imports (
    run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    -- The file's maker, serial number and time created: the same recording has the same key.
    import_key TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    imported TEXT NOT NULL
);
"""

_V4 = """
ALTER TABLE runs ADD COLUMN owner TEXT;
ALTER TABLE runs ADD COLUMN live_json TEXT;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4)
"""``MIGRATIONS[n]`` takes a database from version ``n`` to ``n + 1``."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The version this hiptimer writes."""


def migrate(conn: sqlite3.Connection, *, to: int = SCHEMA_VERSION) -> int:
    """Bring the database up to version ``to``, one committed transaction per version.

    Args:
        conn: A connection in autocommit mode (``isolation_level=None``).
        to: The version to stop at (tests build old files with it).

    Returns:
        The version the database had before.
    """
    before = int(conn.execute("PRAGMA user_version").fetchone()[0])
    for version in range(before, to):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return before


def _statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


# --- times ------------------------------------------------------------------------------------


def time_text(moment: datetime) -> str:
    """A moment as fixed-width UTC ISO 8601 text, so text order is time order.

    A naive ``datetime`` is taken as local time (as :meth:`datetime.astimezone` does).
    """
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def run_filter(session_id: str | None, since: datetime | None) -> tuple[str, list[object]]:
    """The ``WHERE`` clause (or nothing) choosing runs of one session and/or since a moment, with
    its arguments: what every list of runs filters by."""
    clauses: list[str] = []
    args: list[object] = []
    if session_id is not None:
        clauses.append("session_id = ?")
        args.append(session_id)
    if since is not None:
        clauses.append("started >= ?")
        args.append(time_text(since))
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), args


def parse_time(text: str) -> datetime:
    """The aware UTC ``datetime`` of a stored time."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def targets_from_json(text: str | None) -> dict[str, float]:
    """The targets stored as JSON text."""
    if not text:
        return {}
    doc = json.loads(text)
    return {str(k): float(v) for k, v in doc.items()} if isinstance(doc, dict) else {}
