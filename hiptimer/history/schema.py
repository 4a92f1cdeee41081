"""The history database's schema, its migrations, and how plans, runs and times are written into it.

The tables, their migrations and the time format are in :mod:`hiptimer.history.layout` (re-exported
here), which opening the file and the history's table use without the runs' classes. The schema
version lives in ``PRAGMA user_version``. A new database is built by running every
migration from version 0, so the path an old file takes is the same path a new file takes, and
every migration runs in every test that opens a store.

Version 1 (the first released schema):

* ``runs``: one row per run: session id and name, a hash of the session definition, started and
  ended (UTC, ISO 8601 text), status, the compiled plan as JSON;
* ``phases``: one row per finished phase, unique on ``(run_id, phase_index)``.

Version 2 adds, to ``runs``: the progression targets as JSON (taken from the plan for
old rows), the number of phases in the plan, the pid of the process running it and a heartbeat
time; to ``phases``: the progression that set the phase's number and wall-clock start and end;
and the indexes the history views use.

Version 3 adds ``watch_imports``: which runs were read from a watch's activity file, with
the key that file is known by (so importing it again adds nothing). A table of its own, so the
runs and phases tables stay as the app writes them.

Version 4 (current) adds, to ``runs``: the owner (one open history in one process: the pid and a
random part) that drives a running run, which another process may take over, and where the run
is on the wall clock (``live_json``, a :class:`~hiptimer.core.live.LivePosition`), so that a
run interrupted moments ago goes on by its clock.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hiptimer.core.choices import PhaseKind, Side, Voice
from hiptimer.core.outcomes import Outcome, RunStatus
from hiptimer.core.phase_result import PhaseResult
from hiptimer.core.ports import StoredRun
from hiptimer.history.layout import (
    MIGRATIONS,
    SCHEMA_VERSION,
    migrate,
    parse_time,
    targets_from_json,
    time_text,
)
from hiptimer.history.records import RunRecord, SavedPhase

if TYPE_CHECKING:  # loaded where a plan is rebuilt or stored: reading runs needs neither
    from hiptimer.core.plan import Phase, Plan

__all__ = [
    "MIGRATIONS",
    "PHASE_COLUMNS",
    "PHASE_PLACES",
    "RUN_COLUMNS",
    "SCHEMA_VERSION",
    "migrate",
    "parse_time",
    "phase_row",
    "plan_from_json",
    "plan_to_json",
    "record_from_row",
    "saved_phase_from_row",
    "stored_run_from_row",
    "targets_from_json",
    "time_text",
]

# --- plans ------------------------------------------------------------------------------------

PLAN_FORMAT = 1
"""The version of the plan JSON stored with each run."""


def plan_to_json(plan: Plan) -> str:
    """The compiled plan as JSON, as stored with each run."""
    doc: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "session_id": plan.session_id,
        "session_name": plan.session_name,
        "get_ready": plan.get_ready,
        "voice": plan.voice.value,
        "targets": dict(plan.targets),
        "phases": [asdict(phase) for phase in plan.phases],
    }
    return json.dumps(doc, separators=(",", ":"), sort_keys=True)


def plan_from_json(text: str) -> Plan:
    """The plan stored by :func:`plan_to_json`."""
    from hiptimer.core.plan import Plan  # late: only a resumed or salvaged run rebuilds its plan

    doc = json.loads(text)
    phases = tuple(_phase(p) for p in doc["phases"])
    targets: Mapping[str, float] = {str(k): float(v) for k, v in doc.get("targets", {}).items()}
    return Plan(
        session_id=doc["session_id"],
        session_name=doc["session_name"],
        get_ready=float(doc["get_ready"]),
        phases=phases,
        targets=targets,
        voice=Voice(doc.get("voice", Voice.SPEECH.value)),
    )


def _phase(doc: dict[str, Any]) -> Phase:
    from hiptimer.core.plan import Phase  # late: see plan_from_json

    fields = dict(doc)
    fields["kind"] = PhaseKind(fields["kind"])
    fields["side"] = Side(fields["side"]) if fields.get("side") else None
    fields["rounds"] = tuple((int(r), int(n)) for r, n in fields.get("rounds", ()))
    known = set(Phase.__dataclass_fields__)
    return Phase(**{k: v for k, v in fields.items() if k in known})


# --- rows -------------------------------------------------------------------------------------

RUN_COLUMNS = (
    "id, session_id, session_name, status, started, ended, targets_json, phase_count, definition_hash"
)
PHASE_COLUMNS = (
    "run_id, phase_index, label, kind, side, set_index, set_count, round_index, round_count, "
    "planned_seconds, actual_seconds, paused_seconds, reps_target, reps_done, outcome, started_at, "
    "ended_at, progression, wall_started, wall_ended"
)


PHASE_PLACES = ", ".join("?" * len(PHASE_COLUMNS.split(",")))
"""One ``?`` per column of :data:`PHASE_COLUMNS`, for an ``INSERT INTO phases``."""


def phase_row(
    run_id: int, result: PhaseResult, started: datetime | None, ended: datetime | None
) -> tuple[object, ...]:
    """The values of a saved phase, in :data:`PHASE_COLUMNS` order (its wall-clock times may be unknown)."""
    return (
        run_id,
        result.index,
        result.label,
        result.kind.value,
        result.side.value if result.side else None,
        result.set_index,
        result.set_count,
        result.round_index,
        result.round_count,
        result.planned_seconds,
        result.actual_seconds,
        result.paused_seconds,
        result.reps_target,
        result.reps_done,
        result.outcome.value,
        result.started_at,
        result.ended_at,
        result.progression,
        time_text(started) if started else None,
        time_text(ended) if ended else None,
    )


def stored_run_from_row(row: sqlite3.Row, results: tuple[PhaseResult, ...] = ()) -> StoredRun:
    """A ``runs`` row (selected with :data:`RUN_COLUMNS`) as a run."""
    return StoredRun(
        run_id=int(row["id"]),
        session_id=str(row["session_id"]),
        session_name=str(row["session_name"]),
        status=RunStatus(row["status"]),
        started=parse_time(row["started"]),
        ended=parse_time(row["ended"]) if row["ended"] else None,
        targets=targets_from_json(row["targets_json"]),
        results=results,
    )


def record_from_row(row: sqlite3.Row, phases: tuple[SavedPhase, ...]) -> RunRecord:
    """A ``runs`` row and its phases as a record."""
    return RunRecord(
        run=stored_run_from_row(row, tuple(p.result for p in phases)),
        phase_count=int(row["phase_count"]),
        definition_hash=str(row["definition_hash"]),
        phases=phases,
    )


_KINDS = {k.value: k for k in PhaseKind}
_SIDES = {s.value: s for s in Side}
_OUTCOMES = {o.value: o for o in Outcome}


def saved_phase_from_row(row: sqlite3.Row | tuple[Any, ...]) -> SavedPhase:
    """A ``phases`` row (selected with :data:`PHASE_COLUMNS`, in that order) as a saved phase."""
    # Unpacked by position: a history page reads hundreds of these, and names cost more.
    (
        _run_id,
        index,
        label,
        kind,
        side,
        set_index,
        set_count,
        round_index,
        round_count,
        planned,
        actual,
        paused,
        reps_target,
        reps_done,
        outcome,
        started_at,
        ended_at,
        progression,
        wall_started,
        wall_ended,
    ) = row
    result = PhaseResult(
        index=int(index),
        label=str(label),
        kind=_KINDS[kind],
        side=_SIDES[side] if side else None,
        set_index=int(set_index),
        set_count=int(set_count),
        round_index=int(round_index),
        round_count=int(round_count),
        planned_seconds=planned,
        actual_seconds=float(actual),
        paused_seconds=float(paused),
        reps_target=reps_target,
        reps_done=reps_done,
        outcome=_OUTCOMES[outcome],
        started_at=float(started_at),
        ended_at=float(ended_at),
        progression=progression,
    )
    started = parse_time(wall_started) if wall_started else None
    ended = parse_time(wall_ended) if wall_ended else None
    return SavedPhase(result, started, ended)
