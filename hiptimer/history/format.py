"""The stable, documented shapes of exported history: JSON and CSV.

Other tools read these (README.md, "History", documents them), so fields are only ever added,
never renamed or removed; a change that breaks readers bumps :data:`FORMAT_VERSION`.
Times are UTC ISO 8601 text (``2024-05-01T07:30:00.000+00:00``); seconds are numbers rounded to
milliseconds; ``null`` (empty in CSV) means "does not apply" (no rep target on a hold, say).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from hiptimer.history.private import write_private_text
from hiptimer.history.records import RunRecord, SavedPhase
from hiptimer.history.schema import time_text

__all__ = ["CSV_COLUMNS", "FORMAT_NAME", "FORMAT_VERSION", "csv_rows", "history_document", "run_json"]

FORMAT_NAME = "hiptimer-history"
FORMAT_VERSION = 1

CSV_COLUMNS = (
    "run_id",
    "session_id",
    "session_name",
    "run_status",
    "run_started",
    "run_ended",
    "targets",
    "phase_index",
    "label",
    "kind",
    "side",
    "set_index",
    "set_count",
    "round_index",
    "round_count",
    "planned_seconds",
    "actual_seconds",
    "paused_seconds",
    "reps_target",
    "reps_done",
    "outcome",
    "progression",
    "phase_started",
    "phase_ended",
)
"""The CSV header: one row per saved phase (a run with none has one row with empty phase fields)."""

_PHASE_KEYS = tuple(c.removeprefix("phase_") for c in CSV_COLUMNS[CSV_COLUMNS.index("phase_index") :])
"""The phase columns' keys in a phase's JSON object ("phase_started" is the phase's "started")."""


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def _time(value: datetime | None) -> str | None:
    return None if value is None else time_text(value)


def _phase_json(phase: SavedPhase) -> dict[str, Any]:
    r = phase.result
    return {
        "index": r.index,
        "label": r.label,
        "kind": r.kind.value,
        "side": r.side.value if r.side else None,
        "set_index": r.set_index,
        "set_count": r.set_count,
        "round_index": r.round_index,
        "round_count": r.round_count,
        "planned_seconds": _seconds(r.planned_seconds),
        "actual_seconds": _seconds(r.actual_seconds),
        "paused_seconds": _seconds(r.paused_seconds),
        "reps_target": r.reps_target,
        "reps_done": r.reps_done,
        "outcome": r.outcome.value,
        "progression": r.progression,
        "started": _time(phase.started),
        "ended": _time(phase.ended),
    }


def run_json(record: RunRecord, imported_from: str | None = None) -> dict[str, Any]:
    """One run as a JSON object (see README.md, "History").

    Args:
        record: The run.
        imported_from: The name of the watch's activity file, for a run imported from a watch.
    """
    run = record.run
    return {
        "id": run.run_id,
        "session_id": run.session_id,
        "session_name": run.session_name,
        "definition_hash": record.definition_hash,
        "status": run.status.value,
        "started": _time(run.started),
        "ended": _time(run.ended),
        "duration_seconds": _seconds(record.duration_seconds),
        "targets": {k: _number(v) for k, v in sorted(run.targets.items())},
        "phase_count": record.phase_count,
        "phases_done": record.phases_done,
        "reps_done": record.reps_done,
        "reps_target": record.reps_target,
        "phases": [_phase_json(p) for p in record.phases],
        "source": "app" if imported_from is None else "watch",
        "imported_from": imported_from,
    }


def history_document(
    records: Sequence[RunRecord], imported_from: Mapping[int, str] | None = None
) -> dict[str, Any]:
    """The whole ``--json`` document: ``{"format", "version", "runs": [...]}``, runs newest first.

    ``imported_from`` names the activity file of each run imported from a watch, by run id.
    """
    files = imported_from or {}
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "runs": [run_json(r, files.get(r.run.run_id)) for r in records],
    }


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def targets_text(targets: dict[str, float]) -> str:
    """Targets as ``name=value`` pairs joined by ``;`` ("repeats=7")."""
    return ";".join(f"{k}={_number(v)}" for k, v in sorted(targets.items()))


def csv_rows(records: Sequence[RunRecord]) -> Iterator[list[str]]:
    """The CSV rows (without the header), one per saved phase, runs newest first."""
    for record in records:
        run = record.run
        head = [
            str(run.run_id),
            run.session_id,
            run.session_name,
            run.status.value,
            time_text(run.started),
            _time(run.ended) or "",
            targets_text(run.targets),
        ]
        if not record.phases:
            yield head + [""] * (len(CSV_COLUMNS) - len(head))
            continue
        for phase in record.phases:
            p = _phase_json(phase)
            yield head + [_cell(p[key]) for key in _PHASE_KEYS]


def write_json(records: Sequence[RunRecord], path: Path | str) -> int:
    """Write ``records`` to ``path`` in the ``hiptimer history --json`` format; return how many."""
    text = json.dumps(history_document(records), indent=2, ensure_ascii=False)
    write_private_text(path, text + "\n")
    return len(records)
