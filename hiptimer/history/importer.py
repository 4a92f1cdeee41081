"""``hiptimer history --import FILE``: read runs back from a ``--json`` export.

The app offers to export runs it could not save (a full disk, a read-only folder); this brings
them into the history once it can be written again. A run is known by its session, its start
time and its session's definition hash: importing a file twice adds nothing, and a run already in
the history that the export knows more of (the file kept 3 of its 14 phases before the disk
filled; the export holds all 14 and its end) is brought up to what the export says. A run the
history knows as much of, or more, is left as it is.

Runs from another machine's export come in whole. Their plan is not in the export: it is rebuilt
from the phases that were saved, which is all the history views and progression read (a resumed
run follows the session file as it is today).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from hiptimer.core.plan import Phase, PhaseKind, Plan, Side
from hiptimer.core.results import Outcome, PhaseResult, RunStatus
from hiptimer.history.format import FORMAT_NAME, FORMAT_VERSION
from hiptimer.history.records import RunRecord, SavedPhase
from hiptimer.history.schema import (
    PHASE_COLUMNS,
    PHASE_PLACES,
    parse_time,
    phase_row,
    plan_to_json,
    time_text,
)

__all__ = [
    "ImportResult",
    "ImportedRun",
    "UnreadableExportError",
    "imported_from",
    "read_export",
    "write_own_run",
    "write_runs",
]

T = TypeVar("T")


class UnreadableExportError(ValueError):
    """The file is not a readable export; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class ImportedRun:
    """One run read from an export."""

    session_id: str
    session_name: str
    definition_hash: str
    status: RunStatus
    started: datetime
    ended: datetime | None
    targets: dict[str, float]
    phase_count: int
    phases: tuple[SavedPhase, ...]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did."""

    added: int = 0
    """Runs that were not in the history."""
    updated: int = 0
    """Runs in the history that the export knew more of."""
    unchanged: int = 0
    """Runs the history already knew as well."""


# --- reading the file ------------------------------------------------------------------------------


def read_export(path: Path) -> list[ImportedRun]:
    """The runs in an export written by ``hiptimer history --json`` or the app.

    Raises:
        UnreadableExportError: The file cannot be read or is not such an export (the message says where).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror.lower() if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UnreadableExportError(f"{path}: cannot be read ({why})") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableExportError(f"{path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise UnreadableExportError(
            f'{path}: format: not a hiptimer history export (no "format": "{FORMAT_NAME}")'
        )
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= FORMAT_VERSION:
        raise UnreadableExportError(
            f"{path}: version: {json.dumps(version)} is not a version this hiptimer reads "
            f"(1 to {FORMAT_VERSION}); a newer hiptimer may read it"
        )
    runs = doc.get("runs")
    if not isinstance(runs, list):
        raise UnreadableExportError(f"{path}: runs: must be a list")
    return [_run(path, f"runs[{i}]", r) for i, r in enumerate(runs)]


def _field(path: Path, where: str, doc: Any, key: str, convert: Callable[[Any], T], what: str) -> T:
    if not isinstance(doc, dict) or key not in doc:
        raise UnreadableExportError(f"{path}: {where}.{key}: missing")
    try:
        return convert(doc[key])
    except (TypeError, ValueError, KeyError):
        shown = json.dumps(doc[key], ensure_ascii=True)[:60]
        raise UnreadableExportError(f"{path}: {where}.{key}: {shown} is not {what}") from None


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.isprintable():
        raise ValueError(value)
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1_000_000:
        raise ValueError(value)
    return value


def _maybe(convert: Callable[[Any], T]) -> Callable[[Any], T | None]:
    return lambda value: None if value is None else convert(value)


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(value)
    return float(value)


def _moment(value: Any) -> datetime:
    moment = parse_time(_text(value))
    return moment.astimezone(UTC)


def _targets(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ValueError(value)
    out = {}
    for k, v in value.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValueError(v)
        out[_text(k)] = float(v)
    return out


def _run(path: Path, where: str, doc: Any) -> ImportedRun:
    def get(key: str, convert: Callable[[Any], T], what: str) -> T:
        return _field(path, where, doc, key, convert, what)

    started = get("started", _moment, "a time (ISO 8601)")
    phases_doc = get("phases", lambda v: v if isinstance(v, list) else [][0], "a list")
    phases = tuple(_phase(path, f"{where}.phases[{i}]", p, started) for i, p in enumerate(phases_doc))
    if len({p.result.index for p in phases}) != len(phases):
        raise UnreadableExportError(f"{path}: {where}.phases: a phase index appears twice")
    phase_count = get("phase_count", _count, "a whole number")
    if any(p.result.index >= phase_count for p in phases):
        raise UnreadableExportError(
            f"{path}: {where}.phases: a phase index is past phase_count ({phase_count})"
        )
    return ImportedRun(
        session_id=get("session_id", _text, "a session id"),
        session_name=get("session_name", _text, "a name"),
        definition_hash=get("definition_hash", _text, "a hash"),
        status=get("status", RunStatus, f"one of {', '.join(s.value for s in RunStatus)}"),
        started=started,
        ended=get("ended", _maybe(_moment), "a time (ISO 8601) or null"),
        targets=get("targets", _targets, "an object of numbers"),
        phase_count=phase_count,
        phases=phases,
    )


def _phase(path: Path, where: str, doc: Any, run_started: datetime) -> SavedPhase:
    def get(key: str, convert: Callable[[Any], T], what: str) -> T:
        return _field(path, where, doc, key, convert, what)

    started = get("started", _maybe(_moment), "a time (ISO 8601) or null")
    ended = get("ended", _maybe(_moment), "a time (ISO 8601) or null")
    actual = get("actual_seconds", _seconds, "a number of seconds")
    offset = max(0.0, (started - run_started).total_seconds()) if started is not None else 0.0
    result = PhaseResult(
        index=get("index", _count, "a whole number"),
        label=get("label", _text, "a name"),
        kind=get("kind", PhaseKind, f"one of {', '.join(k.value for k in PhaseKind)}"),
        side=get("side", _maybe(Side), "left, right or null"),
        set_index=get("set_index", _count, "a whole number"),
        set_count=get("set_count", _count, "a whole number"),
        round_index=get("round_index", _count, "a whole number"),
        round_count=get("round_count", _count, "a whole number"),
        planned_seconds=get("planned_seconds", _maybe(_seconds), "a number of seconds or null"),
        actual_seconds=actual,
        paused_seconds=get("paused_seconds", _seconds, "a number of seconds"),
        reps_target=get("reps_target", _maybe(_count), "a whole number or null"),
        reps_done=get("reps_done", _maybe(_count), "a whole number or null"),
        outcome=get("outcome", Outcome, f"one of {', '.join(o.value for o in Outcome)}"),
        started_at=offset,
        ended_at=offset + actual,
        progression=get("progression", _maybe(_text), "a progression name or null"),
    )
    return SavedPhase(result, started, ended)


# --- writing them -------------------------------------------------------------------------------


def write_runs(conn: sqlite3.Connection, runs: Sequence[ImportedRun]) -> ImportResult:
    """Add or bring up to date ``runs`` in the history; call inside one transaction."""
    added = updated = unchanged = 0
    for run in runs:
        row = conn.execute(
            "SELECT id, status FROM runs WHERE session_id = ? AND started = ? AND definition_hash = ?",
            (run.session_id, time_text(run.started), run.definition_hash),
        ).fetchone()
        if row is None:
            _insert(conn, run)
            added += 1
        elif _bring_up_to_date(conn, int(row[0]), RunStatus(row[1]), run):
            updated += 1
        else:
            unchanged += 1
    return ImportResult(added, updated, unchanged)


def write_own_run(conn: sqlite3.Connection, run_id: int, run: ImportedRun) -> None:
    """Save the phases of run ``run_id`` the file lacks, and its status and end, as ``run`` has them.

    For the process that holds the run (its writes failed for a while); call inside a transaction.
    """
    have = {int(r[0]) for r in conn.execute("SELECT phase_index FROM phases WHERE run_id = ?", (run_id,))}
    if conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
        return  # started after the writes failed: the export keeps it
    _add_phases(conn, run_id, [p for p in run.phases if p.result.index not in have])
    conn.execute(
        "UPDATE runs SET status = ?, ended = ?, heartbeat = ? WHERE id = ?",
        (
            run.status.value,
            time_text(run.ended) if run.ended else None,
            time_text(run.ended or run.started),
            run_id,
        ),
    )


def imported_from(record: RunRecord) -> ImportedRun:
    """A run as held in memory, in the shape an import writes."""
    run = record.run
    return ImportedRun(
        session_id=run.session_id,
        session_name=run.session_name,
        definition_hash=record.definition_hash,
        status=run.status,
        started=run.started,
        ended=run.ended,
        targets=dict(run.targets),
        phase_count=record.phase_count,
        phases=record.phases,
    )


def _status(run: ImportedRun) -> RunStatus:
    # Nobody holds an imported run: one the export saw running ended where the export ends.
    return RunStatus.INTERRUPTED if run.status is RunStatus.RUNNING else run.status


def _insert(conn: sqlite3.Connection, run: ImportedRun) -> None:
    cur = conn.execute(
        "INSERT INTO runs (session_id, session_name, definition_hash, started, ended, status, plan_json,"
        " targets_json, phase_count, pid, heartbeat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
        (
            run.session_id,
            run.session_name,
            run.definition_hash,
            time_text(run.started),
            time_text(run.ended) if run.ended else None,
            _status(run).value,
            plan_to_json(_plan(run)),
            json.dumps(run.targets, sort_keys=True),
            run.phase_count,
            time_text(run.ended or run.started),
        ),
    )
    _add_phases(conn, int(cur.lastrowid or 0), run.phases)


def _bring_up_to_date(conn: sqlite3.Connection, run_id: int, status: RunStatus, run: ImportedRun) -> bool:
    """Add the phases the history lacks and the export's end, if the export knows more."""
    if status is RunStatus.RUNNING:
        return False  # a live process holds it (or will end it when hiptimer next starts)
    have = {int(r[0]) for r in conn.execute("SELECT phase_index FROM phases WHERE run_id = ?", (run_id,))}
    missing = [p for p in run.phases if p.result.index not in have]
    ends = status is RunStatus.INTERRUPTED and run.status in (RunStatus.COMPLETED, RunStatus.ABORTED)
    if not missing and not ends:
        return False
    _add_phases(conn, run_id, missing)
    if ends or status is RunStatus.INTERRUPTED:
        conn.execute(
            "UPDATE runs SET status = ?, ended = ?, heartbeat = ? WHERE id = ?",
            (
                _status(run).value,
                time_text(run.ended) if run.ended else None,
                time_text(run.ended or run.started),
                run_id,
            ),
        )
    return True


def _add_phases(conn: sqlite3.Connection, run_id: int, phases: Sequence[SavedPhase]) -> None:
    conn.executemany(
        f"INSERT INTO phases ({PHASE_COLUMNS}) VALUES ({PHASE_PLACES})",
        [phase_row(run_id, p.result, p.started, p.ended) for p in phases],
    )


def _plan(run: ImportedRun) -> Plan:
    """The run's plan as far as the export tells it: the saved phases, in order."""
    phases = tuple(
        Phase(
            index=p.result.index,
            kind=p.result.kind,
            label=p.result.label,
            instructions="",
            speech="",
            seconds=p.result.planned_seconds,
            estimate_seconds=p.result.planned_seconds or p.result.actual_seconds,
            side=p.result.side,
            set_index=p.result.set_index,
            set_count=p.result.set_count,
            rounds=((p.result.round_index, p.result.round_count),) if p.result.round_count > 1 else (),
            reps=p.result.reps_target,
            progression=p.result.progression,
        )
        for p in sorted(run.phases, key=lambda p: p.result.index)
    )
    return Plan(run.session_id, run.session_name, 0.0, phases, dict(run.targets))
