"""``hiptimer export SESSION --fit [FILE]`` and ``hiptimer import ACTIVITY.fit``.

Export writes today's plan (progression applied) as a FIT workout. Import reads the activity a
watch recorded, finds its session (the workout name the watch kept, or ``--session``), maps its
laps to the plan's phases and saves the run in the history, marked as imported from a watch; the
same file imported twice adds nothing. Both exit 1 with one clear line on bad input, and import
writes nothing then.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hiptimer.catalog.sessions import Catalog, CatalogEntry
    from hiptimer.core.model import Session
    from hiptimer.core.plan import Plan
    from hiptimer.export.fit_activity import Activity
    from hiptimer.export.program import WorkoutProgram
    from hiptimer.history.store import SqliteStore

__all__ = ["add_export_arguments", "add_import_arguments", "run_export", "run_import"]


class _Hooks(Protocol):
    @property
    def catalog(self) -> Callable[[], Catalog]: ...

    @property
    def targets(self) -> Callable[[Session], Mapping[str, float]]: ...


def _now() -> datetime:
    return datetime.now(UTC)


def _fail(message: str) -> int:
    print(f"hiptimer: {message}", file=sys.stderr)
    return 1


# --- export ------------------------------------------------------------------------------------


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    """``export``'s arguments."""
    parser.add_argument("session", metavar="SESSION", help="a session id, or the path of a .toml file")
    parser.add_argument(
        "--fit",
        nargs="?",
        const="",
        required=True,
        metavar="FILE",
        help="write a FIT workout (for Garmin watches) to FILE "
        "(default: SESSION-DATE.fit in this folder; - for standard output)",
    )


def run_export(args: argparse.Namespace, hooks: _Hooks, *, now: Callable[[], datetime] = _now) -> int:
    """Write the session's plan for today as a FIT workout file."""
    from hiptimer.catalog.sessions import SessionNotFoundError
    from hiptimer.export.fit_workout import MissingLibraryError
    from hiptimer.export.workout_file import export_workout, summary_text

    try:
        entry = hooks.catalog().find(args.session)
    except SessionNotFoundError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        return _fail(exc.message)
    try:
        workout = export_workout(
            entry.session,
            hooks.targets(entry.session),
            created=now(),
            serial_number=secrets.randbelow(2**32 - 2) + 1,
        )
    except MissingLibraryError as exc:
        return _fail(str(exc))
    if args.fit == "-":
        sys.stdout.buffer.write(workout.data)
        sys.stdout.buffer.flush()
        return 0
    target = Path(args.fit or workout.file_name).expanduser()
    if target.is_dir():
        target = target / workout.file_name
    try:
        _write_atomically(target, workout.data)
    except OSError as exc:
        return _fail(f"cannot write {target}: {exc.strerror or exc}")
    print(f"Wrote {target.resolve()}")
    print(f"  {summary_text(workout)}")
    for note in workout.program.notes:
        print(f"  note: {note}")
    print("  Put it on the watch: copy it into GARMIN/NewFiles over USB (see README, 'On a watch').")
    return 0


def _write_atomically(target: Path, data: bytes) -> None:
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


# --- import ------------------------------------------------------------------------------------


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """``import``'s arguments."""
    parser.add_argument("activity", metavar="ACTIVITY", help="a FIT activity file the watch recorded")
    parser.add_argument(
        "--session",
        metavar="ID",
        help="the session it was (default: the one whose name the watch's workout has)",
    )


def run_import(
    args: argparse.Namespace,
    hooks: _Hooks,
    *,
    store: SqliteStore | None = None,
    now: Callable[[], datetime] = _now,
) -> int:
    """Read an activity file and save it as a run in the history."""
    from hiptimer.catalog.sessions import SessionNotFoundError
    from hiptimer.core.results import RunStatus
    from hiptimer.export.fit_activity import ActivityError, read_activity
    from hiptimer.export.fit_workout import MissingLibraryError
    from hiptimer.history.store import HistoryNotWritableError, definition_hash, open_store
    from hiptimer.history.watch import WatchRun, find_import, save_imported_run
    from hiptimer.locations import history_db_path

    path = Path(args.activity).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _fail(f"cannot read {path}: {exc.strerror or exc}")
    try:
        activity = read_activity(data)
    except ActivityError as exc:
        return _fail(f"{path} cannot be imported: {exc}")
    except MissingLibraryError as exc:
        return _fail(str(exc))
    if store is None and history_db_path().exists():
        store, _ = open_store(verify=False)
    if store is not None and (earlier := find_import(store, activity.key)) is not None:
        print(f"{path} was imported before (run {earlier}); nothing added.")
        return 0
    catalog = hooks.catalog()
    try:
        entry = catalog.find(args.session) if args.session else _by_workout_name(catalog, activity)
    except SessionNotFoundError as exc:
        return _fail(f"{path}: {exc.message}")
    session = entry.session
    try:
        plan, program = _plan_run(session, activity, store)
    except ValueError as exc:
        return _fail(f"{path} cannot be imported as {session.id}: {exc}")
    from hiptimer.export.matching import match_activity

    matched = match_activity(plan, program, activity)
    if not matched.phases:
        return _fail(f"{path}: none of its laps is a step of {session.name}; nothing imported")
    # Only now is the history created, if there was none: a refused file leaves no trace.
    if store is None:
        store, _ = open_store()
    if store.in_memory:
        return _fail(f"{path} was not imported: {store.notice or 'the history cannot be written'}")
    run = WatchRun(
        plan=plan,
        definition_hash=definition_hash(session),
        status=matched.status,
        started=matched.started,
        ended=matched.ended,
        phases=matched.phases,
        import_key=activity.key,
        file_name=path.name,
    )
    try:
        run_id = save_imported_run(store, run, now=now())
    except HistoryNotWritableError as exc:
        return _fail(f"{path} was not imported: {exc}")
    if run_id is None:
        print(f"{path} was imported before; nothing added.")
        return 0
    state = "completed" if matched.status is RunStatus.COMPLETED else "partial (stopped early)"
    print(
        f"Imported {path.name} as run {run_id} of {session.name}: {state}, "
        f"{matched.phases_done} of {len(plan.phases)} phases done."
    )
    if matched.extra_laps:
        count = len(matched.extra_laps)
        print(f"  {count} lap{'s' if count != 1 else ''} outside the workout left out.")
    return 0


def _by_workout_name(catalog: Catalog, activity: Activity) -> CatalogEntry:
    from hiptimer.catalog.sessions import SessionNotFoundError
    from hiptimer.export.program import NAME_BYTES, clip

    name = activity.workout_name
    if not name:
        raise SessionNotFoundError(
            "the activity names no workout: say which session it was with --session ID"
        )
    wanted = name.strip().casefold()
    for entry in catalog:
        if clip(entry.session.name, NAME_BYTES).casefold() == wanted or entry.id == wanted:
            return entry
    raise SessionNotFoundError(
        f"no session is called {name!r} (the watch's workout name): say which it was with --session ID"
    )


def _plan_run(session: Session, activity: Activity, store: SqliteStore | None) -> tuple[Plan, WorkoutProgram]:
    """The plan the watch ran: at the targets whose workout has the steps the watch copied.

    Without a copy of the steps in the file, the targets the history gave before the activity (the
    history is ``store``; None when there is none yet).

    Raises:
        ValueError: The watch's steps are not the session's at any target.
    """
    from hiptimer.core.plan import compile_plan
    from hiptimer.core.progression import today_targets
    from hiptimer.export.matching import program_matches
    from hiptimer.export.program import build_program
    from hiptimer.export.workout_file import sport_for
    from hiptimer.history.store import recent_runs

    runs = recent_runs(store, session.id, limit=50) if store is not None else []
    before = [r for r in runs if r.started < activity.start]
    usual = today_targets(session, before).values
    candidates: list[dict[str, float]] = [dict(usual)]
    for name, progression in session.progression.items():
        value = progression.start
        while value <= progression.goal + 1e-9 and len(candidates) < 500:
            candidates.append({**usual, name: value})
            value = round(value + progression.step, 9)
    sport = sport_for(session)
    for targets in candidates:
        plan = compile_plan(session, targets)
        program = build_program(plan, sport)
        if not activity.steps or program_matches(program, activity.steps):
            return plan, program
    raise ValueError(
        f"the watch ran a workout of {len(activity.steps)} steps that is not this session at any of its "
        "targets (was the session file changed since the export?)"
    )
