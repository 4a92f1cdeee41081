"""What the ``hiptimer history`` table shows of each run, read from the file in one query.

The table shows what a run's phases add up to (phases done, reps), not the phases themselves, so
the sums come from SQLite rather than from every phase's result; and they are read without the
store and the runs' dataclasses, whose imports cost the command more than Python's own start
(BENCHMARKS.md, "Start-up"). The file is read as the store reads it for a reading command
(:func:`~hiptimer.history.opening.open_read_only`): never written, moved or changed, and a run
left running by a process that is gone is shown as it will end (:mod:`hiptimer.history.liveness`).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from hiptimer.core.outcomes import Outcome, RunStatus
from hiptimer.history.layout import parse_time, run_filter, targets_from_json
from hiptimer.history.liveness import STALE_COLUMNS, stale_end
from hiptimer.history.opening import UnusableError, is_damage, open_read_only

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing on the history command's path
if TYPE_CHECKING:  # a record is turned into a line only where records were read anyway
    from hiptimer.history.records import RunRecord

__all__ = ["RunLine", "read_table"]

_DONE = tuple(outcome.value for outcome in Outcome if outcome.done)
"""The outcomes of a phase done in full, as stored (what :attr:`Outcome.done` counts)."""


class RunLine:
    """One run as the table shows it (the sums of :class:`~hiptimer.history.records.RunRecord`).

    A plain class: a page has twenty, and a dataclass's import costs more than reading them.
    """

    __slots__ = (
        "ended",
        "phase_count",
        "phases_done",
        "reps_done",
        "reps_target",
        "run_id",
        "session_id",
        "started",
        "status",
        "targets",
    )

    def __init__(
        self,
        run_id: int,
        session_id: str,
        status: RunStatus,
        started: datetime,
        ended: datetime | None,
        targets: dict[str, float],
        phase_count: int,
        phases_done: int,
        reps_done: int,
        reps_target: int,
    ) -> None:
        self.run_id = run_id
        self.session_id = session_id
        self.status = status
        self.started = started
        self.ended = ended
        self.targets = targets
        self.phase_count = phase_count
        """Phases in the run's plan."""
        self.phases_done = phases_done
        """Phases completed (or ended early inside their range)."""
        self.reps_done = reps_done
        """Reps counted over all rep phases."""
        self.reps_target = reps_target
        """Reps planned over the rep phases reached."""

    @classmethod
    def of_record(cls, record: RunRecord) -> RunLine:
        """The line of a run read with its phases."""
        run = record.run
        return cls(
            run.run_id,
            run.session_id,
            run.status,
            run.started,
            run.ended,
            dict(run.targets),
            record.phase_count,
            record.phases_done,
            record.reps_done,
            record.reps_target,
        )

    @property
    def duration_seconds(self) -> float | None:
        """Wall-clock seconds from start to end; None while running."""
        if self.ended is None:
            return None
        return max(0.0, (self.ended - self.started).total_seconds())


def read_table(
    path: Path, *, session_id: str | None = None, since: datetime | None = None, limit: int | None = None
) -> tuple[list[RunLine], dict[int, str]]:
    """The newest runs in the history file ``path``, and the activity file of each imported from a watch.

    Args:
        path: The history file (it exists).
        session_id: Only runs of this session.
        since: Only runs started at or after this moment.
        limit: At most this many runs (None: all).

    Returns:
        The runs, newest first, and the watch's file name by run id.

    Raises:
        UnusableError: The file cannot be read (damaged, not SQLite, a newer hiptimer's); the
            message says why, in the user's words. The file is left as it is.
    """
    history = open_read_only(path, verify=False)
    if history is None:
        return [], {}
    try:
        lines = _lines(history.conn, session_id, since, limit)
        return lines, _watch_files(history.conn, [line.run_id for line in lines])
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        raise UnusableError(f"it is damaged ({exc})") from exc
    finally:
        history.close()


def _lines(
    conn: sqlite3.Connection, session_id: str | None, since: datetime | None, limit: int | None
) -> list[RunLine]:
    where, chosen = run_filter(session_id, since)
    args: list[object] = [*_DONE, *chosen, -1 if limit is None else limit]
    done = ", ".join("?" * len(_DONE))
    rows = conn.execute(
        "SELECT r.id, r.session_id, r.status, r.started, r.ended, r.targets_json, r.phase_count,"
        f" coalesce(sum(p.outcome IN ({done})), 0), coalesce(sum(p.reps_done), 0),"
        " coalesce(sum(p.reps_target), 0)"
        " FROM (SELECT id, session_id, status, started, ended, targets_json, phase_count FROM runs"
        f"  {where} ORDER BY started DESC, id DESC LIMIT ?) AS r"
        " LEFT JOIN phases AS p ON p.run_id = r.id"
        " GROUP BY r.id ORDER BY r.started DESC, r.id DESC",
        args,
    ).fetchall()
    lines = [
        RunLine(
            int(row[0]),
            str(row[1]),
            RunStatus(row[2]),
            parse_time(row[3]),
            parse_time(row[4]) if row[4] else None,
            targets_from_json(row[5]),
            int(row[6]),
            int(row[7]),
            int(row[8]),
            int(row[9]),
        )
        for row in rows
    ]
    _show_stale_ends(conn, [line for line in lines if line.status is RunStatus.RUNNING])
    return lines


def _show_stale_ends(conn: sqlite3.Connection, running: list[RunLine]) -> None:
    """Show the runs left running by a process that is gone as they will end (nothing is written)."""
    if not running:
        return
    by_id = {line.run_id: line for line in running}
    marks = ", ".join("?" * len(by_id))
    now = datetime.now(UTC)
    for row in conn.execute(f"SELECT {STALE_COLUMNS} FROM runs WHERE id IN ({marks})", list(by_id)):
        end = stale_end(row, now)
        if end is not None:
            line = by_id[int(row["id"])]
            line.status, line.ended = end[0], parse_time(end[1])


def _watch_files(conn: sqlite3.Connection, run_ids: list[int]) -> dict[int, str]:
    """The activity file of each of ``run_ids`` imported from a watch (see :mod:`hiptimer.history.watch`)."""
    out: dict[int, str] = {}
    for start in range(0, len(run_ids), 500):
        chunk = run_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        try:
            rows = conn.execute(
                f"SELECT run_id, file_name FROM watch_imports WHERE run_id IN ({marks})", chunk
            ).fetchall()
        except sqlite3.OperationalError:
            return {}  # a file of an older version has no such table, and no imports
        out.update((int(row[0]), str(row[1])) for row in rows)
    return out
