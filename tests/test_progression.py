"""Progression over weeks: one more repeat after every run done in full, never past the goal.

The runs are played through the real engine into a real history file, and today's targets are
read back from it, the way ``hiptimer show`` and the app get them.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_kit import MONDAY, builtin, play, round_starts

from hiptimer.catalog.sessions import load_text
from hiptimer.core.model import Schedule, ScheduleWhen, Session
from hiptimer.core.plan import compile_plan
from hiptimer.core.ports import MemoryStore, RunStore, SessionHistory
from hiptimer.core.progression import due_text, is_due, last_done_text, today_targets
from hiptimer.core.results import RunStatus
from hiptimer.history.store import SqliteStore, recent_runs


def play_today(
    store: RunStore, session: Session, how: str, when: datetime, *, name: str = "repeats"
) -> tuple[float, str]:
    """Play one run of ``session`` at today's target, the way ``how`` says; return (target, reason)."""
    today = today_targets(session, recent_runs(store, session.id))
    plan = compile_plan(session, today.values)
    rounds = round_starts(plan)
    if how == "complete":
        play(store, session, plan, started=when)
    elif how == "abort-late":  # stopped in the last round
        play(store, session, plan, started=when, abort_at=rounds[-1])
    elif how == "abort-first":
        play(store, session, plan, started=when, abort_at=0)
    elif how == "skip-one":  # finished, but one repeat skipped
        play(store, session, plan, started=when, skip={rounds[len(rounds) // 2]})
    elif how == "interrupted":  # the process died after two rounds, then came back
        played = play(store, session, plan, started=when, stop_after=rounds[2])
        store.end_run(played.run_id, RunStatus.INTERRUPTED, ended=when + timedelta(minutes=5))
    else:
        raise AssertionError(how)
    return today[name].value, today[name].reason


def test_the_first_hill_session_starts_at_four_repeats() -> None:
    today = today_targets(builtin("hill-sprints"), [])
    assert today.values == {"repeats": 4}
    assert today["repeats"].reason == "first time: start at 4"


def test_hill_repeats_grow_from_4_to_12_over_weeks_and_hold_after_a_cut_short_run(tmp_path: Path) -> None:
    hills = builtin("hill-sprints")
    store = SqliteStore(tmp_path / "history.sqlite3")
    plan = [
        "complete",  # 4 -> 5
        "complete",  # 5 -> 6
        "abort-late",  # 6: stopped in the last round
        "complete",  # 6 -> 7
        "skip-one",  # 7: one sprint skipped
        "interrupted",  # 7: the laptop died
        "complete",  # 7 -> 8
        "abort-first",  # 8
        *["complete"] * 6,  # 8 -> 12, then stays
    ]
    seen = [play_today(store, hills, how, MONDAY + timedelta(days=3 * i)) for i, how in enumerate(plan)]
    assert [value for value, _ in seen] == [4, 5, 6, 6, 7, 7, 7, 8, 8, 9, 10, 11, 12, 12]
    reasons = [reason for _, reason in seen]
    assert reasons[0] == "first time: start at 4"
    assert reasons[1] == "last run completed 4 repeats -> 5 today"
    assert reasons[3] == "last run stopped after 5 of 6 repeats: staying at 6"
    assert reasons[5] == "last run did 6 of 7 repeats in full: staying at 7"
    assert reasons[6] == "last run was interrupted after 2 of 7 repeats: staying at 7"
    assert reasons[8] == "last run stopped after 0 of 8 repeats: staying at 8"
    assert reasons[12] == "last run completed 11 repeats -> 12 today"
    assert reasons[13] == "at goal 12"
    after = today_targets(hills, recent_runs(store, "hill-sprints"))
    assert (after["repeats"].value, after["repeats"].reason) == (12, "at goal 12")


def test_running_backwards_grows_from_10_to_15_and_stops_there() -> None:
    backwards = builtin("backwards-running")
    store = MemoryStore()
    plan = ["complete", "abort-late", "complete", "complete", "skip-one", *["complete"] * 5]
    seen = [
        play_today(store, backwards, how, MONDAY + timedelta(days=2 * i))[0] for i, how in enumerate(plan)
    ]
    assert seen == [10, 11, 11, 12, 13, 13, 14, 15, 15, 15]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(["complete", "abort-late", "abort-first", "skip-one", "interrupted"]), max_size=16
    )
)
def test_repeats_never_pass_the_goal_and_grow_only_after_a_full_run(runs: list[str]) -> None:
    hills = builtin("hill-sprints")
    store = MemoryStore()
    values = [play_today(store, hills, how, MONDAY + timedelta(days=i))[0] for i, how in enumerate(runs)]
    values.append(today_targets(hills, recent_runs(store, "hill-sprints"))["repeats"].value)
    assert values[0] == 4
    for before, how, after in zip(values, runs, values[1:], strict=False):
        assert 4 <= after <= 12
        assert after == (min(before + 1, 12) if how == "complete" else before)


def test_a_skipped_week_does_not_reset_progress(tmp_path: Path) -> None:
    hills = builtin("hill-sprints")
    store = SqliteStore(tmp_path / "history.sqlite3")
    for week in range(3):
        play_today(store, hills, "complete", MONDAY + timedelta(weeks=week))
    later = today_targets(hills, recent_runs(store, "hill-sprints"))
    assert later.values == {"repeats": 7}


def test_a_sprint_ended_early_inside_its_range_still_counts_as_done() -> None:
    hills = builtin("hill-sprints")
    store = MemoryStore()
    plan = compile_plan(hills)
    sprints = [p.index for p in plan.phases if p.kind.value == "work"]
    # "skip" on a work phase would be next; done inside 5-10 s ends it early, which counts.
    from hiptimer.core.engine import Event, new_run, step

    state, _ = step(new_run(plan), Event.START, 0.0)
    run_id = store.start_run(plan, definition_hash="x", started=MONDAY)
    now = plan.get_ready
    state, effects = step(state, Event.TICK, now)
    while not state.over:
        if state.index in sprints:
            now += 6
            state, effects = step(state, Event.DONE, now)
        elif state.deadline() is not None:
            deadline = state.deadline()
            assert deadline is not None
            now = deadline
            state, effects = step(state, Event.TICK, now)
        else:
            now += 40
            state, effects = step(state, Event.DONE, now)
        for effect in effects:
            result = getattr(effect, "result", None)
            if result is not None:
                store.save_phase(run_id, result, started=MONDAY, ended=MONDAY)
    store.end_run(run_id, RunStatus.COMPLETED, ended=MONDAY + timedelta(minutes=20))
    run = store.run(run_id)
    assert run is not None
    assert {r.outcome.value for r in run.results if r.index in sprints} == {"ended-early"}
    assert today_targets(hills, [run]).values == {"repeats": 5}


SQUATS = """
name = "Squats"
[progression.reps]
start = 10
step = 2
goal = 14
[[steps]]
type = "reps"
name = "Squats"
progression = "reps"
sets = 3
rest_between_sets = 30
"""


def squats() -> Session:
    loaded = load_text(SQUATS, Path("squats.toml"), default_id="squats")
    assert loaded.session is not None
    return loaded.session


def test_a_set_with_fewer_reps_than_the_target_holds_the_reps() -> None:
    session = squats()
    store = MemoryStore()
    play(store, session, started=MONDAY)
    today = today_targets(session, recent_runs(store, "squats"))
    assert (today["reps"].value, today["reps"].reason) == (12, "last run completed 10 reps -> 12 today")
    plan = compile_plan(session, today.values)
    play(store, session, plan, started=MONDAY + timedelta(days=1), short_reps={2})
    today = today_targets(session, recent_runs(store, "squats"))
    assert (today["reps"].value, today["reps"].reason) == (
        12,
        "last run did 2 of 3 sets in full: staying at 12",
    )


def test_a_goal_lowered_in_the_file_caps_what_history_earned() -> None:
    hills = builtin("hill-sprints")
    store = MemoryStore()
    play(store, hills, compile_plan(hills, {"repeats": 11}))
    lowered = replace(hills, progression={"repeats": replace(hills.progression["repeats"], goal=8.0)})
    today = today_targets(lowered, recent_runs(store, "hill-sprints"))
    assert (today["repeats"].value, today["repeats"].reason) == (8, "at goal 8")


def test_runs_still_going_on_and_other_sessions_runs_are_ignored() -> None:
    hills = builtin("hill-sprints")
    store = MemoryStore()
    play(store, hills, started=MONDAY)
    play(store, builtin("backwards-running"), started=MONDAY + timedelta(days=1))
    play(store, hills, compile_plan(hills, {"repeats": 9}), started=MONDAY + timedelta(days=2), stop_after=3)
    runs = [r for r in (store.run(s.run_id) for s in store.runs()) if r is not None]
    assert today_targets(hills, runs).values == {"repeats": 5}


def test_a_session_without_progressions_has_no_targets() -> None:
    assert len(today_targets(builtin("pre-run-hips"), [])) == 0


# --- due -----------------------------------------------------------------------------------------


def test_strength_twice_a_week_says_how_many_are_done_this_week() -> None:
    schedule = builtin("strength-for-speed").schedule
    assert due_text(schedule, SessionHistory(None, 1)) == "1/2 this week"
    assert is_due(schedule, SessionHistory(None, 1))
    assert due_text(schedule, SessionHistory(None, 2)) == "2/2 this week"
    assert not is_due(schedule, SessionHistory(None, 2))


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (ScheduleWhen.BEFORE_RUN, "before your next run"),
        (ScheduleWhen.MID_RUN, "during your next run"),
        (ScheduleWhen.NON_RUNNING_DAYS, "on a day you don't run"),
        (ScheduleWhen.ANY, "any time"),
    ],
)
def test_sessions_without_a_weekly_target_say_when_they_fit(when: ScheduleWhen, text: str) -> None:
    assert due_text(Schedule(when=when), SessionHistory()) == text
    assert is_due(Schedule(when=when), SessionHistory(None, 5))


def test_last_done_counts_local_days() -> None:
    now = datetime(2024, 5, 10, 12, 0).astimezone()
    assert last_done_text(None, now) == "never"
    assert last_done_text(now - timedelta(hours=1), now) == "today"
    assert last_done_text(now - timedelta(days=1), now) == "yesterday"
    assert last_done_text(now - timedelta(days=3), now) == "3 days ago"
    long_ago = (now - timedelta(days=30)).astimezone(UTC)
    assert last_done_text(long_ago, now) == long_ago.astimezone().strftime("%Y-%m-%d")


def test_progression_is_pure() -> None:
    code = (
        "import sys, hiptimer.core.progression\n"
        "bad = {'sqlite3', 'textual', 'platformdirs', 'asyncio'} & set(sys.modules)\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
