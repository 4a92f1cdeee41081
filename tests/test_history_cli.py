"""``hiptimer history`` and what ``list`` and ``show`` read from the history.

The history is a real file in the test's data folder, filled by runs played through the engine.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import timedelta

import pytest
from store_kit import MONDAY, builtin, corrupt, play

from hiptimer import locations
from hiptimer.cli import main
from hiptimer.core.plan import compile_plan
from hiptimer.core.results import RunStatus
from hiptimer.history.command import TABLE_LIMIT, HistoryLookup
from hiptimer.history.format import CSV_COLUMNS
from hiptimer.history.layout import time_text
from hiptimer.history.store import SqliteStore, open_store
from hiptimer.history.table import RunLine, read_table


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def history() -> SqliteStore:
    """Three runs: hills completed on Monday, hips stopped on Tuesday, hills interrupted on Wednesday."""
    store = SqliteStore(locations.history_db_path())
    hills, hips = builtin("hill-sprints"), builtin("pre-run-hips")
    play(store, hills, started=MONDAY)
    play(store, hips, started=MONDAY + timedelta(days=1), abort_at=3)
    played = play(
        store, hills, compile_plan(hills, {"repeats": 5}), started=MONDAY + timedelta(days=2), stop_after=4
    )
    store.end_run(played.run_id, RunStatus.INTERRUPTED, ended=MONDAY + timedelta(days=2, minutes=3))
    store.close()
    return store


def local(days: int) -> str:
    return (MONDAY + timedelta(days=days)).astimezone().strftime("%Y-%m-%d %H:%M")


def test_the_table_lists_runs_newest_first(capsys: pytest.CaptureFixture[str], history: SqliteStore) -> None:
    code, out, err = run(capsys, "history")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["DATE", "SESSION", "STATUS", "PHASES", "TARGETS", "/", "REPS", "TIME"]
    assert lines[1].startswith(local(2)) and "hill-sprints" in lines[1] and "interrupted" in lines[1]
    assert "4/14" in lines[1] and "repeats 5" in lines[1] and lines[1].endswith("3:00")
    assert lines[2].startswith(local(1)) and "pre-run-hips" in lines[2] and "aborted" in lines[2]
    assert "3/18" in lines[2] and "reps 20/30" in lines[2]  # two bridges done, stopped in the third
    assert lines[3].startswith(local(0)) and "completed" in lines[3] and "11/11" in lines[3]
    assert len(lines) == 4


def _shown(line: RunLine) -> dict[str, object]:
    return {name: getattr(line, name) for name in RunLine.__slots__}


def test_the_table_adds_up_the_runs_as_the_store_reads_them(history: SqliteStore) -> None:
    """The table's sums come from SQLite, not from each phase's result: they must be the same."""
    path = locations.history_db_path()
    store, _ = open_store(path, verify=False, reading=True)
    try:
        records = store.records()
    finally:
        store.close()
    lines, watch = read_table(path)
    assert len(lines) == 3 and watch == {}
    assert [_shown(line) for line in lines] == [_shown(RunLine.of_record(r)) for r in records]
    assert [(line.phases_done, line.reps_done, line.reps_target) for line in lines] == [
        (4, 0, 0),
        (3, 20, 30),
        (11, 0, 0),
    ]


def test_a_run_left_running_by_a_process_that_is_gone_shows_as_it_will_end(
    capsys: pytest.CaptureFixture[str], history: SqliteStore
) -> None:
    """The table only reads: the run is shown interrupted at its last heartbeat, the file unchanged."""
    path = locations.history_db_path()
    beat = MONDAY + timedelta(days=2, minutes=2)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE runs SET status = 'running', ended = NULL, pid = NULL, heartbeat = ?"
            " WHERE id = (SELECT max(id) FROM runs)",
            (time_text(beat),),
        )
    conn.close()
    before = path.read_bytes()
    code, out, err = run(capsys, "history")
    assert (code, err) == (0, "")
    newest = out.splitlines()[1]
    assert "interrupted" in newest and newest.endswith("2:00")
    assert json.loads(run(capsys, "history", "--json")[1])["runs"][0]["status"] == "interrupted"
    assert path.read_bytes() == before


def test_session_since_and_limit_narrow_the_table(
    capsys: pytest.CaptureFixture[str], history: SqliteStore
) -> None:
    out = run(capsys, "history", "--session", "hill-sprints")[1]
    assert [line.split()[2] for line in out.splitlines()[1:]] == ["hill-sprints", "hill-sprints"]
    out = run(capsys, "history", "--since", (MONDAY + timedelta(days=1)).astimezone().strftime("%Y-%m-%d"))[1]
    assert len(out.splitlines()) == 3
    out = run(capsys, "history", "--limit", "1")[1]
    lines = out.splitlines()
    assert len(lines) == 3 and "interrupted" in lines[1]
    assert lines[2] == "(the 1 latest runs; --limit N shows more, --since DATE earlier ones)"
    assert run(capsys, "history", "--session", "nope")[1] == "No runs of nope yet.\n"


def test_json_is_a_stable_documented_structure(
    capsys: pytest.CaptureFixture[str], history: SqliteStore
) -> None:
    code, out, _ = run(capsys, "history", "--json")
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["format", "version", "runs"]
    assert (doc["format"], doc["version"]) == ("hiptimer-history", 1)
    runs = doc["runs"]
    assert [r["status"] for r in runs] == ["interrupted", "aborted", "completed"]
    assert list(runs[0]) == [
        "id",
        "session_id",
        "session_name",
        "definition_hash",
        "status",
        "started",
        "ended",
        "duration_seconds",
        "targets",
        "phase_count",
        "phases_done",
        "reps_done",
        "reps_target",
        "phases",
        "source",
        "imported_from",
    ]
    assert (runs[0]["source"], runs[0]["imported_from"]) == ("app", None)
    assert list(runs[0]["phases"][0]) == [
        "index",
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
        "started",
        "ended",
    ]
    hills = runs[2]
    assert hills["started"] == "2024-05-06T07:00:00.000+00:00"
    assert hills["targets"] == {"repeats": 4} and hills["phase_count"] == len(hills["phases"]) == 11
    sprint = hills["phases"][0]
    assert (sprint["label"], sprint["kind"], sprint["planned_seconds"], sprint["outcome"]) == (
        "Sprint uphill",
        "work",
        10,
        "completed",
    )
    assert sprint["started"] == "2024-05-06T07:00:10.000+00:00"  # after 10 s to get ready


def test_csv_has_one_row_per_phase_under_a_header(
    capsys: pytest.CaptureFixture[str], history: SqliteStore
) -> None:
    out = run(capsys, "history", "--csv")[1]
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(csv.DictReader(io.StringIO(out)).fieldnames or ()) == CSV_COLUMNS
    assert len(rows) == 4 + 4 + 11  # every saved phase of the three runs
    first = rows[0]
    assert (first["session_id"], first["run_status"], first["targets"], first["phase_index"]) == (
        "hill-sprints",
        "interrupted",
        "repeats=5",
        "0",
    )
    assert (
        rows[-1]["label"] == "Walk down"
        and rows[-1]["reps_target"] == ""
        and rows[-1]["outcome"] == "completed"
    )


def test_a_run_with_no_phase_saved_still_has_a_csv_row(capsys: pytest.CaptureFixture[str]) -> None:
    store = SqliteStore(locations.history_db_path())
    play(store, builtin("hill-sprints"), stop_after=0)
    store.close()
    rows = list(csv.DictReader(io.StringIO(run(capsys, "history", "--csv")[1])))
    assert len(rows) == 1 and rows[0]["run_status"] == "interrupted" and rows[0]["phase_index"] == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--since", "last tuesday"], "argument --since: invalid date 'last tuesday': use YYYY-MM-DD"),
        (["--since", "2024-13-01"], "argument --since: invalid date '2024-13-01'"),
        (["--limit", "0"], "argument --limit: invalid count '0'"),
        (["--json", "--csv"], "argument --csv: not allowed with argument --json"),
    ],
)
def test_bad_options_are_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "history", *argv)
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err


def test_no_history_yet_creates_no_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "history") == (0, "No runs yet.\n", "")
    assert json.loads(run(capsys, "history", "--json")[1])["runs"] == []
    assert run(capsys, "history", "--csv")[1] == ",".join(CSV_COLUMNS) + "\n"
    run(capsys, "list")
    run(capsys, "show", "hill-sprints")
    assert not locations.history_db_path().exists()


@pytest.mark.parametrize("shape", ["table", "--json", "--csv"])
def test_a_history_that_is_not_a_database_exits_1_says_why_and_is_left_alone(
    capsys: pytest.CaptureFixture[str], shape: str
) -> None:
    path = locations.history_db_path()
    path.parent.mkdir(parents=True)
    path.write_text("not a database")
    code, out, err = run(capsys, "history", *([] if shape == "table" else [shape]))
    assert (code, out) == (1, ""), "an empty list would say there are no runs"
    assert err == f"hiptimer: the history file {path} cannot be read: it is not an SQLite database\n"
    assert [p.name for p in path.parent.iterdir()] == ["history.sqlite3"]
    assert path.read_text() == "not a database"


def test_damage_met_while_reading_exits_1_and_the_file_is_left_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = locations.history_db_path()
    path.parent.mkdir(parents=True)
    corrupt(path)
    before = path.read_bytes()
    code, out, err = run(capsys, "history", "--json")
    assert (code, out) == (1, "")
    assert err.startswith(f"hiptimer: the history file {path} cannot be read: it is damaged (")
    assert "Traceback" not in err
    assert not [
        p for p in path.parent.iterdir() if "-damaged" in p.name or ".newer" in p.name or ".damaged" in p.name
    ]
    assert path.read_bytes() == before


def test_list_and_show_never_move_a_damaged_or_newer_history(capsys: pytest.CaptureFixture[str]) -> None:
    path = locations.history_db_path()
    path.parent.mkdir(parents=True)
    corrupt(path)
    before = path.read_bytes()
    for argv in (["list"], ["show", "hill-sprints"]):
        code, out, err = run(capsys, *argv)
        assert code == 0 and "Hill sprints" in out
        assert f"The history file {path} cannot be read" in err
    assert not [
        p for p in path.parent.iterdir() if "-damaged" in p.name or ".newer" in p.name or ".damaged" in p.name
    ]
    assert path.read_bytes() == before
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = path.read_bytes()
    for argv in (["history"], ["list"], ["show", "hill-sprints"]):
        code, out, err = run(capsys, *argv)
        assert "a newer hiptimer wrote it (schema 99" in err
    assert not [
        p for p in path.parent.iterdir() if "-damaged" in p.name or ".newer" in p.name or ".damaged" in p.name
    ]
    assert path.read_bytes() == before


def test_the_table_shows_the_latest_twenty_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    store = SqliteStore(locations.history_db_path())
    hips = builtin("pre-run-hips")
    for i in range(TABLE_LIMIT + 2):
        play(store, hips, started=MONDAY + timedelta(hours=i), stop_after=1)
    store.close()
    lines = run(capsys, "history")[1].splitlines()
    assert len(lines) == 1 + TABLE_LIMIT + 1
    assert len(json.loads(run(capsys, "history", "--json")[1])["runs"]) == TABLE_LIMIT + 2


# --- list and show -------------------------------------------------------------------------------


def test_show_says_todays_target_and_why(capsys: pytest.CaptureFixture[str], history: SqliteStore) -> None:
    out = run(capsys, "show", "hill-sprints")[1]
    assert "Today: repeats = 5 (starts at 4, +1 after each full run, goal 12)" in out
    assert "  why: last run was interrupted after 1 of 5 repeats: staying at 5" in out
    assert "round 5/5" in out


def test_list_shows_last_done_and_due_from_history(
    capsys: pytest.CaptureFixture[str], history: SqliteStore
) -> None:
    out = run(capsys, "list")[1]
    hills = next(line for line in out.splitlines() if line.startswith("hill-sprints"))
    done = (MONDAY + timedelta(days=2)).astimezone().strftime("%Y-%m-%d")
    assert done not in hills  # the interrupted run does not count as done
    assert MONDAY.astimezone().strftime("%Y-%m-%d") in hills and "during your next run" in hills
    assert "~16:35" in hills  # planned at today's 5 repeats
    hips = next(line for line in out.splitlines() if line.startswith("pre-run-hips"))
    assert hips.split()[-6] == "-"  # only an aborted run: never done


def test_history_lookup_counts_this_week_from_the_time_given() -> None:
    store = SqliteStore(locations.history_db_path())
    strength = builtin("strength-for-speed")
    play(store, strength, started=MONDAY + timedelta(days=1))
    store.close()
    lookup = HistoryLookup(now=MONDAY + timedelta(days=3))
    assert lookup.due(strength) == "1/2 this week"
    assert lookup.last_done(strength) == "2 days ago"
    assert lookup.last_done(builtin("hill-sprints")) == "never"
    assert HistoryLookup(now=MONDAY + timedelta(days=8)).due(strength) == "0/2 this week"
