"""What the history screens show, as plain data: the chart's bars, what each session charts, the
week's count against the schedule, dates, and how the table fits the terminal's width."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from store_kit import MONDAY, builtin, play

from hiptimer.core.model import Schedule, ScheduleWhen
from hiptimer.core.plan import compile_plan
from hiptimer.core.ports import MemoryStore, SessionHistory
from hiptimer.core.results import RunStatus
from hiptimer.history.store import SqliteStore
from hiptimer.tui.history_data import (
    ChartPoint,
    ChartSeries,
    DateStyle,
    chart_series,
    date_text,
    load_chart,
    load_page,
    run_cells,
    value_text,
    week_text,
)
from hiptimer.tui.screens.history import table_layout
from hiptimer.tui.widgets.chart import chart_rows
from hiptimer.tui.widgets.steps_table import fit_step

DAY = timedelta(days=1)


def series(values: list[float], *, goal: float | None = 12, stopped: tuple[int, ...] = ()) -> ChartSeries:
    points = tuple(ChartPoint(MONDAY + i * 7 * DAY, v, i not in stopped) for i, v in enumerate(values))
    return ChartSeries("Hill sprints", "repeats", False, points, goal)


def drawn(s: ChartSeries | None, width: int, height: int) -> list[str]:
    return ["".join(char for char, _ in row) for row in chart_rows(s, width, height)]


def roles(s: ChartSeries, width: int, height: int) -> list[str]:
    return ["".join(role[:1] or "." for _, role in row) for row in chart_rows(s, width, height)]


# --- the chart ------------------------------------------------------------------------------------


def test_a_bar_per_run_as_tall_as_its_value_with_the_value_above_and_the_goal_line() -> None:
    rows = drawn(series([4, 8, 12]), 12, 6)
    assert rows == [
        "      12    ",  # the tallest bar reaches the top bar row: its value goes above the bars
        "┄┄┄8┄┄██┄┄┄┄",  # the goal line, through the bar that reached it
        "4  ▅▅ ██    ",  # eighth blocks give each bar's top its height
        "▃▃ ██ ██    ",
        "██ ██ ██    ",
        "6 May 20 May",  # the dates that fit
    ]


def test_a_run_not_completed_gets_a_bar_of_its_own_colour() -> None:
    marks = roles(series([4, 5, 5], stopped=(1,)), 9, 5)
    bar_rows = [row for row in marks if "b" in row or "s" in row]
    assert all(row[3:5] in ("ss", "..", "gg") for row in bar_rows)
    assert any(row[0:2] == "bb" for row in bar_rows)


def test_the_newest_runs_that_fit_are_shown() -> None:
    rows = drawn(series([float(v) for v in range(1, 13)]), 9, 6)  # room for three bars of 2 + gap
    values = [v for row in rows[:-1] for v in row.replace("┄", " ").split() if v.isdigit()]
    assert sorted(values, key=int) == ["10", "11", "12"]


def test_dates_are_written_where_they_fit_without_touching() -> None:
    s = series([4, 5, 6, 7, 8])
    dates = drawn(s, 15, 5)[-1]
    assert dates.startswith("6 May")
    assert "20 May" in dates and "13 May" not in dates  # too close to the first one


def test_seconds_are_charted_as_minutes_and_seconds_with_wider_bars() -> None:
    points = tuple(ChartPoint(MONDAY + i * DAY, v, True) for i, v in enumerate([360.0, 61.0, 45.0]))
    s = ChartSeries("Pre-run hip routine", "hold time", True, points, 360.0, "planned")
    rows = drawn(s, 20, 6)
    assert rows[0].split()[0] == "6:00"
    assert "1:01" in " ".join(rows) and "45" in " ".join(rows)
    assert "████" in rows[-2]


def test_no_runs_is_a_note_and_a_tiny_space_gives_the_latest_value() -> None:
    assert drawn(series([]), 30, 5) == ["No runs of Hill sprints yet.  "]
    assert drawn(series([4, 5]), 30, 2) == ["latest: 5".ljust(30)]
    assert drawn(None, 30, 5) == []


@pytest.mark.parametrize(
    ("value", "seconds", "text"),
    [(7, False, "7"), (2.5, False, "2.5"), (45, True, "45"), (360, True, "6:00")],
)
def test_values_read_as_counts_or_times(value: float, seconds: bool, text: str) -> None:
    assert value_text(value, seconds=seconds) == text


# --- what each session charts -------------------------------------------------------------------


def test_a_session_with_a_progression_charts_its_target_run_by_run_towards_its_goal() -> None:
    store = MemoryStore()
    session = builtin("hill-sprints")
    for week, repeats in enumerate([4, 5, 6]):
        play(store, session, compile_plan(session, {"repeats": repeats}), started=MONDAY + week * 7 * DAY)
    s = load_chart(store, session, "hill-sprints")
    assert (s.measure, s.goal, s.seconds) == ("repeats", 12, False)
    assert [p.value for p in s.points] == [4, 5, 6]  # oldest first
    assert all(p.complete for p in s.points)


def test_the_pre_run_routine_charts_hold_time_and_strength_charts_reps() -> None:
    store = MemoryStore()
    hips, strength = builtin("pre-run-hips"), builtin("strength-for-speed")
    play(store, hips, started=MONDAY)
    play(store, hips, started=MONDAY + DAY, abort_at=9)
    play(store, strength, started=MONDAY + 2 * DAY)
    s = load_chart(store, hips, "pre-run-hips")
    assert (s.measure, s.seconds, s.goal, s.goal_name) == ("hold time", True, 360, "planned")
    assert [round(p.value) for p in s.points] == [360, 61]  # one hold, and a second of the next
    assert [p.complete for p in s.points] == [True, False]
    s = load_chart(store, strength, "strength-for-speed")
    assert (s.measure, s.goal) == ("reps", 50)
    assert [p.value for p in s.points] == [50]


def test_a_session_no_longer_in_the_catalog_charts_the_targets_its_runs_used() -> None:
    store = MemoryStore()
    session = builtin("hill-sprints")
    play(store, session, compile_plan(session, {"repeats": 5}), started=MONDAY)
    s = chart_series(None, "hill-sprints", store.runs("hill-sprints"))
    assert (s.session_name, s.measure, s.goal) == ("Hill sprints", "repeats", None)
    assert [p.value for p in s.points] == [5]


def test_a_run_still_going_on_is_not_charted() -> None:
    store = MemoryStore()
    session = builtin("hill-sprints")
    play(store, session, started=MONDAY)
    play(store, session, started=MONDAY + DAY, stop_after=2)  # still running
    s = load_chart(store, session, "hill-sprints")
    assert len(s.points) == 1


# --- this week, dates, the table ----------------------------------------------------------------


def test_this_week_against_the_schedule() -> None:
    twice = Schedule(when=ScheduleWhen.NON_RUNNING_DAYS, per_week=2)
    before = Schedule(when=ScheduleWhen.BEFORE_RUN)
    assert week_text(twice, SessionHistory(None, 1)) == "1/2 this week"
    assert week_text(before, SessionHistory(None, 3)) == "3 runs this week · before a run"
    assert week_text(before, SessionHistory(None, 1), brief=True) == "1 run this week"


def test_dates_in_three_lengths_with_the_year_only_when_it_is_not_this_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    try:
        moment = datetime(2025, 5, 13, 6, 30, tzinfo=UTC)
        now = datetime(2025, 5, 14, tzinfo=UTC)
        last_year = datetime(2026, 1, 2, tzinfo=UTC)
        assert date_text(moment) == "2025-05-13 06:30"
        assert date_text(moment, DateStyle.SHORT, now=now) == "13 May 06:30"
        assert date_text(moment, DateStyle.SHORT, now=last_year) == "13 May 2025"
        assert date_text(moment, DateStyle.DAY, now=now) == "13 May"
        assert date_text(moment, DateStyle.DAY, now=last_year) == "May 2025"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_table_drops_columns_as_the_terminal_narrows(tmp_path: object) -> None:
    store = MemoryStore()
    play(store, builtin("pre-run-hips"), started=MONDAY)
    play(store, builtin("hill-sprints"), started=MONDAY + DAY)
    page = load_page(store, None, offset=0, session_ids=["hill-sprints"], now=MONDAY + DAY)
    records = page.records
    assert table_layout(records, 100, one_session=False)[1] == (
        "date",
        "session",
        "status",
        "steps",
        "time",
        "what",
    )
    assert table_layout(records, 100, one_session=False)[0] is DateStyle.FULL
    assert table_layout(records, 80, one_session=False)[0] is DateStyle.SHORT
    assert table_layout(records, 50, one_session=False) == (
        DateStyle.DAY,
        ("date", "session", "status", "steps"),
    )
    assert table_layout(records, 30, one_session=False) == (DateStyle.DAY, ("date", "session", "status"))
    assert "session" not in table_layout(records, 100, one_session=True)[1]


def test_a_page_reads_one_run_more_than_it_shows_to_know_if_there_are_older_ones(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    store = SqliteStore(tmp_path / "history.sqlite3")
    session = builtin("backwards-running")
    for day in range(5):
        play(store, session, started=MONDAY + day * DAY)
    first = load_page(store, None, offset=0, session_ids=[session.id], now=MONDAY + 5 * DAY, size=2)
    assert [r.run.started for r in first.records] == [MONDAY + 4 * DAY, MONDAY + 3 * DAY]
    assert first.more and first.range_text == "runs 1-2"
    last = load_page(store, None, offset=4, session_ids=[session.id], now=MONDAY + 5 * DAY, size=2)
    assert not last.more and last.range_text == "run 5"
    assert last.week[session.id].this_week == 5
    cells = run_cells(first.records[0])
    assert (cells["status"], cells["steps"], cells["what"]) == ("done", "20/20", "10 repeats")
    assert RunStatus.COMPLETED is first.records[0].run.status


@pytest.mark.parametrize(
    ("step", "width", "shown"),
    [
        ("Kneeling hip-flexor 1/3 L", 25, "Kneeling hip-flexor 1/3 L"),
        ("Kneeling hip-flexor 1/3 L", 20, "Kneeling hip-… 1/3 L"),
        ("Knee-to-chest bridge R", 15, "Knee-to-ches… R"),
        ("Marching bridge", 10, "Marching…"),
        ("Kneeling hip-flexor 1/3 L", 6, "Kneel…"),
    ],
)
def test_a_long_step_is_shortened_in_the_middle_keeping_its_set_and_side(
    step: str, width: int, shown: str
) -> None:
    assert fit_step(step, width) == shown
    assert len(fit_step(step, width)) <= width
