"""Today's targets read only the runs they depend on, and come out as from the ten latest runs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from store_kit import MONDAY, builtin, play

from hiptimer.catalog.sessions import load_text
from hiptimer.core.model import Session
from hiptimer.core.plan import compile_plan
from hiptimer.core.ports import StoredRun
from hiptimer.core.progression import today_targets
from hiptimer.core.results import RunStatus
from hiptimer.history.records import runs_for_targets
from hiptimer.history.store import SqliteStore, recent_runs
from hiptimer.tui.sessions import plan_for_today


class CountingStore(SqliteStore):
    """A history file that counts the runs read with their results."""

    read: int = 0

    def run(self, run_id: int) -> StoredRun | None:
        self.read += 1
        return super().run(run_id)


HILLS_WITH_REST = """
id = "hill-sprints"
name = "Hill sprints"

[progression.repeats]
start = 4
goal = 12

[progression.rest]
start = 120
step = 30
goal = 240

[[steps]]
type = "repeat"
progression = "repeats"

[[steps.steps]]
type = "work"
name = "Sprint uphill"
seconds = 10

[[steps.steps]]
type = "rest"
progression = "rest"
"""


def two_progressions() -> Session:
    """Hill sprints with a second progression, the rest between repeats, as if added later."""
    loaded = load_text(HILLS_WITH_REST, Path("hill-sprints.toml"))
    assert loaded.session is not None, loaded.errors
    return loaded.session


def same_as_from_recent_runs(store: CountingStore, session: Session) -> int:
    """Today's targets from :func:`runs_for_targets` equal those from the ten latest runs; the
    number of runs it read with their results."""
    expected = today_targets(session, recent_runs(store, session.id))
    store.read = 0
    got = today_targets(session, runs_for_targets(store, session.id, session.progression.keys()))
    assert got == expected
    return store.read


def test_hill_targets_read_one_run_whatever_happened_before(tmp_path: Path) -> None:
    hills = builtin("hill-sprints")
    store = CountingStore(tmp_path / "history.sqlite3")
    assert same_as_from_recent_runs(store, hills) == 0
    for day, how in enumerate(["complete", "abort", "complete", "running", "complete", "running"]):
        plan = compile_plan(hills, today_targets(hills, recent_runs(store, hills.id)).values)
        when = MONDAY + timedelta(days=day)
        if how == "complete":
            play(store, hills, plan, started=when)
        elif how == "abort":
            play(store, hills, plan, started=when, abort_at=1)
        else:  # still going on: not what today's targets come from
            play(store, hills, plan, started=when, stop_after=1)
        assert same_as_from_recent_runs(store, hills) == 1


def test_a_progression_added_later_reads_the_runs_of_each(tmp_path: Path) -> None:
    hills = builtin("hill-sprints")
    store = CountingStore(tmp_path / "history.sqlite3")
    play(store, hills, compile_plan(hills), started=MONDAY)
    both = two_progressions()
    assert same_as_from_recent_runs(store, both) == 1  # no run set "rest" yet: only the hill run
    play(store, both, compile_plan(both), started=MONDAY + timedelta(days=1))
    assert same_as_from_recent_runs(store, both) == 1
    assert same_as_from_recent_runs(store, hills) == 1


def test_a_session_without_progression_reads_no_runs_for_its_plan(tmp_path: Path) -> None:
    hips = builtin("pre-run-hips")
    store = CountingStore(tmp_path / "history.sqlite3")
    for day in range(3):
        play(store, hips, started=MONDAY + timedelta(days=day))
    store.read = 0
    assert plan_for_today(hips, store) == compile_plan(hips)
    assert store.read == 0
    assert store.runs(hips.id, limit=10)[0].status is RunStatus.COMPLETED
