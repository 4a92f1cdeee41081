"""A history file for the app's history tests: eight weeks of a runner's routines, played for real.

Every run goes through the real engine into a real :class:`~hiptimer.history.store.SqliteStore` (see
:func:`store_kit.play`), with today's targets from the history before it, so the hill sprints
grow a repeat after each run done in full. The week: pre-run hips on Monday, Wednesday and
Saturday; strength on Tuesday and Friday; hill sprints on Wednesday and running backwards on
Saturday, after the pre-run routine. Every seventh run is stopped halfway (and the third week's
hill sprints), every eleventh has a step skipped. The last run starts just before
``tui_kit.WALL0`` (Wednesday 14 May 2025, 07:30 UTC).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store_kit import builtin, play

from hiptimer.core.plan import compile_plan
from hiptimer.core.progression import today_targets
from hiptimer.history.store import SqliteStore, recent_runs

FIRST_MONDAY = datetime(2025, 3, 17, 6, 30, tzinfo=UTC)
"""The first day of the history (runs start at 06:30, a second one an hour later)."""

UNTIL = datetime(2025, 5, 14, 7, 30, tzinfo=UTC)
"""No run starts at or after this (``tui_kit.WALL0``)."""

WEEK: dict[int, tuple[str, ...]] = {
    0: ("pre-run-hips",),
    1: ("strength-for-speed",),
    2: ("pre-run-hips", "hill-sprints"),
    4: ("strength-for-speed",),
    5: ("pre-run-hips", "backwards-running"),
}
"""Weekday -> the sessions run that day, in order."""


def fill(store: SqliteStore, *, first: datetime = FIRST_MONDAY, until: datetime = UNTIL) -> int:
    """Play the weeks from ``first`` up to ``until`` into ``store``; return how many runs."""
    sessions = {sid: builtin(sid) for ids in WEEK.values() for sid in ids}
    count = 0
    week = 0
    while first + timedelta(weeks=week) < until:
        for weekday, ids in WEEK.items():
            for hour, sid in enumerate(ids):
                started = first + timedelta(weeks=week, days=weekday, hours=hour)
                if started >= until:
                    continue
                session = sessions[sid]
                plan = compile_plan(session, today_targets(session, recent_runs(store, sid)).values)
                count += 1
                if count % 7 == 3 or (sid == "hill-sprints" and week == 2):
                    play(store, session, plan, started=started, abort_at=len(plan.phases) // 2)
                elif count % 11 == 5:
                    play(store, session, plan, started=started, skip={len(plan.phases) - 2})
                else:
                    play(store, session, plan, started=started)
        week += 1
    return count


_BUILT: dict[str, Path] = {}


def history_file(folder: Path, cache: Path) -> Path:
    """A copy of the history file in ``folder`` (built once into ``cache``, then copied)."""
    built = _BUILT.get("file")
    if built is None or not built.exists():
        built = cache / "history.sqlite3"
        store = SqliteStore(built)
        fill(store)
        store.close()  # the last connection checkpoints the WAL into the file
        _BUILT["file"] = built
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "history.sqlite3"
    shutil.copyfile(built, path)
    return path
