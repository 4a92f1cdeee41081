"""``hiptimer history``: past runs as a table, or as JSON or CSV for other tools.

The table is for people (local times, newest first, the latest :data:`TABLE_LIMIT` runs unless
``--limit`` says otherwise), read by :mod:`hiptimer.history.table` without the store. ``--json``
and ``--csv`` are for tools: UTC times, every run unless ``--limit`` is given, in the formats
:mod:`hiptimer.history.format` defines and README.md documents.

Also here: what ``hiptimer list`` and ``hiptimer show`` read from the history (last done, due,
today's targets and why), behind :class:`HistoryLookup`, which opens the history only if it exists.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from hiptimer.core.printable import escape, table_lines

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing on the history command's path
if TYPE_CHECKING:  # imported where they are used: every command builds the parser with this module
    from typing import TextIO

    from hiptimer.core.model import Session
    from hiptimer.core.ports import SessionHistory
    from hiptimer.core.progression import TodayTargets
    from hiptimer.history.store import HistorySource, RunRecord, SqliteStore
    from hiptimer.history.table import RunLine

__all__ = [
    "TABLE_LIMIT",
    "HistoryLookup",
    "add_arguments",
    "parse_since",
    "render_table",
    "run_history",
]

TABLE_LIMIT = 20
"""Runs the table shows unless ``--limit`` says otherwise."""


def parse_since(text: str) -> datetime:
    """``--since``: a local date (``2024-05-01``) or date and time (``2024-05-01T07:30``).

    Raises:
        argparse.ArgumentTypeError: Not a date; argparse turns it into a usage error (exit 2).
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}: use YYYY-MM-DD (such as 2024-05-01) or YYYY-MM-DDTHH:MM"
        ) from None
    return moment.astimezone() if moment.tzinfo is None else moment


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid count {text!r}: use a whole number of 1 or more")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``history``'s options to its subparser."""
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument(
        "--json", dest="format", action="store_const", const="json", help="JSON for other tools (see README)"
    )
    shape.add_argument(
        "--csv", dest="format", action="store_const", const="csv", help="CSV, one row per phase (see README)"
    )
    parser.set_defaults(format="table")
    parser.add_argument(
        "--import",
        dest="import_file",
        metavar="FILE",
        type=Path,
        help="add the runs in FILE (a --json export, such as the one the app offers when it cannot"
        " save) to the history; runs already there are not added twice",
    )
    parser.add_argument("--session", metavar="ID", help="only runs of this session")
    parser.add_argument(
        "--since", metavar="DATE", type=parse_since, help="only runs started on or after DATE (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--limit",
        metavar="N",
        type=_positive,
        help=f"at most N runs, newest first (default: {TABLE_LIMIT} in the table, all in --json/--csv)",
    )


def run_history(
    args: argparse.Namespace,
    *,
    source: HistorySource | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print the history as ``args`` asks.

    Args:
        args: Parsed options (see :func:`add_arguments`).
        source: Where runs come from (default: the history file; a missing one means no runs).
        out: Where the output goes (default: stdout).
        err: Where notices go (default: stderr).

    Returns:
        The exit code: 0, or 1 when the history file cannot be read (the reason is on ``err``).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    if getattr(args, "import_file", None) is not None:
        return _import(args, out, err)
    limit: int | None = args.limit
    if limit is None and args.format == "table":
        limit = TABLE_LIMIT
    if source is None and args.format == "table":
        assert limit is not None
        return _table_from_file(args, limit, out, err)
    # Late: the table of the file above reads without the store and the runs' classes.
    from hiptimer.history.format import CSV_COLUMNS, csv_rows, history_document
    from hiptimer.history.store import SqliteStore
    from hiptimer.history.table import RunLine

    if source is None:
        source = _open_history(err)
    # One more than asked tells the table whether there are more to page through.
    fetch = None if limit is None else limit + (1 if args.format == "table" else 0)
    records = source.records(args.session, since=args.since, limit=fetch) if source is not None else []
    if isinstance(source, SqliteStore) and source.unreadable:
        # An empty list would say "no runs": the runs are there, they cannot be read.
        err.write(f"hiptimer: {source.unreadable}\n")
        return 1
    if isinstance(source, SqliteStore) and source.notice:
        err.write(f"hiptimer: {source.notice}\n")
    watch = _watch_files(source, records)
    if args.format == "json":
        out.write(json.dumps(history_document(records, watch), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        import csv

        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(records))
    else:
        assert limit is not None
        _write_table([RunLine.of_record(r) for r in records], watch, limit, args.session, out)
    return 0


def _table_from_file(args: argparse.Namespace, limit: int, out: TextIO, err: TextIO) -> int:
    """The table, read from the history file by :mod:`hiptimer.history.table` (without the store)."""
    from hiptimer.history.opening import UnusableError
    from hiptimer.history.table import read_table
    from hiptimer.locations import history_db_path

    path = history_db_path()
    lines: list[RunLine] = []
    watch: dict[int, str] = {}
    if path.exists():
        try:
            # One more than asked tells the table whether there are more to page through.
            lines, watch = read_table(path, session_id=args.session, since=args.since, limit=limit + 1)
        except UnusableError as why:
            # An empty table would say "no runs": the runs are there, they cannot be read.
            err.write(f"hiptimer: the history file {path} cannot be read: {why}\n")
            return 1
    _write_table(lines, watch, limit, args.session, out)
    return 0


def _write_table(
    lines: Sequence[RunLine], watch: Mapping[int, str], limit: int, session_id: str | None, out: TextIO
) -> None:
    out.write(render_table(lines[:limit], session_id=session_id, watch=watch) + "\n")
    if len(lines) > limit:
        out.write(f"(the {limit} latest runs; --limit N shows more, --since DATE earlier ones)\n")


def _import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``history --import FILE``: add the runs of an export; say what was added."""
    from hiptimer.history.importer import UnreadableExportError, read_export
    from hiptimer.history.opening import UnusableError
    from hiptimer.history.store import open_store
    from hiptimer.locations import history_db_path

    others = [
        flag
        for flag, given in (
            ("--json/--csv", args.format != "table"),
            ("--session", args.session is not None),
            ("--since", args.since is not None),
            ("--limit", args.limit is not None),
        )
        if given
    ]
    if others:
        err.write(f"hiptimer history: error: --import takes no {', '.join(others)}\n")
        return 2
    path: Path = args.import_file
    try:
        runs = read_export(path)
    except UnreadableExportError as exc:
        err.write(f"hiptimer: {exc}\n")
        return 1
    store, notice = open_store(history_db_path())
    try:
        if notice and not store.in_memory:
            err.write(f"hiptimer: {notice}\n")
        try:
            done = store.import_runs(runs)
        except UnusableError as exc:
            err.write(f"hiptimer: nothing imported: {exc}\n")
            return 1
    finally:
        store.close()
    parts = [f"{_runs(done.added)} added"]
    if done.updated:
        parts.append(f"{_runs(done.updated)} brought up to date")
    if done.unchanged:
        parts.append(f"{_runs(done.unchanged)} already in the history")
    out.write(f"Imported {path}: {', '.join(parts)}.\n")
    return 0


def _runs(count: int) -> str:
    return "1 run" if count == 1 else f"{count} runs"


def _watch_files(source: HistorySource | None, records: Sequence[RunRecord]) -> dict[int, str]:
    """The activity file of each run imported from a watch, by run id."""
    from hiptimer.history.store import SqliteStore
    from hiptimer.history.watch import watch_imports

    if not isinstance(source, SqliteStore):
        return {}
    marks = watch_imports(source, [r.run.run_id for r in records])
    return {run_id: mark.file_name for run_id, mark in marks.items()}


def _open_history(err: TextIO) -> SqliteStore | None:
    from hiptimer.history.store import open_store
    from hiptimer.locations import history_db_path

    path = history_db_path()
    if not path.exists():
        return None
    # No full check of every page here (the app does that when it starts): reading the newest runs
    # must not cost more as the history grows. Damage in a page read is still found and reported.
    # Only read: a reading command never writes, moves or changes the file (nor ends its runs).
    store, _ = open_store(path, verify=False, reading=True)
    return store


# --- the table ---------------------------------------------------------------------------------


def render_table(
    lines: Sequence[RunLine], *, session_id: str | None = None, watch: Mapping[int, str] | None = None
) -> str:
    """Runs as a table for people: date (local), session, status, phases, targets and reps, time.

    A run imported from a watch (its id in ``watch``) says so after its status.
    """
    if not lines:
        return f"No runs of {escape(session_id)} yet." if session_id else "No runs yet."
    rows = [("DATE", "SESSION", "STATUS", "PHASES", "TARGETS / REPS", "TIME")]
    for line in lines:
        rows.append(
            (
                line.started.astimezone().strftime("%Y-%m-%d %H:%M"),
                line.session_id,
                line.status.value + (" (watch)" if watch and line.run_id in watch else ""),
                f"{line.phases_done}/{line.phase_count}",
                _summary(line),
                _duration(line.duration_seconds),
            )
        )
    return "\n".join(table_lines(rows))  # escaped, padded by display width


def _summary(line: RunLine) -> str:
    parts = [f"{name} {value:g}" for name, value in sorted(line.targets.items())]
    if line.reps_target:
        parts.append(f"reps {line.reps_done}/{line.reps_target}")
    return ", ".join(parts) or "-"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --- what list and show read -------------------------------------------------------------------


class HistoryLookup:
    """Last done, due and today's targets for the command line, read from the history file.

    The file is opened on first use, and only if it exists: listing sessions never creates it.

    Args:
        path: The history file (default: the one in the data folder).
        now: The time "this week" and "3 days ago" are counted from (default: now).
    """

    def __init__(self, path: Path | None = None, *, now: datetime | None = None) -> None:
        self._path = path
        self._now = now
        self._store: SqliteStore | None = None
        self._opened = False
        self._histories: dict[str, SessionHistory] = {}
        self._today: dict[str, TodayTargets] = {}
        self._told: str | None = None

    def _open(self) -> SqliteStore | None:
        if not self._opened:
            self._opened = True
            if self._path is None:
                from hiptimer.locations import history_db_path

                self._path = history_db_path()
            if self._path.exists():
                from hiptimer.history.store import open_store

                self._store, _ = open_store(self._path, verify=False, reading=True)
        return self._store

    def _tell(self) -> None:
        """Say on stderr what happened to the history file, once."""
        notice = self._store.notice if self._store is not None else None
        if notice and notice != self._told:
            self._told = notice
            print(f"hiptimer: {notice}", file=sys.stderr)

    def now(self) -> datetime:
        """The time the lookup counts from."""
        if self._now is None:
            self._now = datetime.now().astimezone()
        return self._now

    def history(self, session_id: str) -> SessionHistory:
        """Last done and runs this week of one session."""
        from hiptimer.core.ports import SessionHistory

        if session_id not in self._histories:
            store = self._open()
            found = store.session_history([session_id], now=self.now()) if store is not None else {}
            self._histories[session_id] = found.get(session_id, SessionHistory())
            self._tell()
        return self._histories[session_id]

    def last_done(self, session: Session, *, never: str = "never") -> str:
        """ "today", "3 days ago", or ``never`` if it was never completed."""
        from hiptimer.core.progression import last_done_text

        last = self.history(session.id).last_done
        return never if last is None else last_done_text(last, self.now())

    def due(self, session: Session) -> str:
        """ "1/2 this week", "before your next run"."""
        from hiptimer.core.progression import due_text

        return due_text(session.schedule, self.history(session.id))

    def today(self, session: Session) -> TodayTargets:
        """Today's targets of ``session`` and why."""
        from hiptimer.core.progression import today_targets
        from hiptimer.history.records import runs_for_targets

        if session.id not in self._today:
            store = self._open()
            runs = (
                runs_for_targets(store, session.id, session.progression.keys())
                if store is not None and session.progression
                else []
            )
            self._today[session.id] = today_targets(session, runs)
            self._tell()
        return self._today[session.id]

    def targets(self, session: Session) -> Mapping[str, float]:
        """Today's targets of ``session`` (the values only)."""
        return self.today(session).values

    def reasons(self, session: Session) -> Mapping[str, str]:
        """Why each progression of ``session`` is where it is today."""
        return {t.name: t.reason for t in self.today(session)}
