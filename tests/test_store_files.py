"""The history file over time and when things go wrong.

Migrations from every earlier schema, files moved aside, and a folder that cannot be written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from store_kit import MONDAY, builtin, corrupt, play

from hiptimer.catalog.sessions import load_text
from hiptimer.core.model import Session
from hiptimer.core.plan import compile_plan
from hiptimer.core.results import RunStatus
from hiptimer.history.schema import SCHEMA_VERSION, migrate, plan_to_json
from hiptimer.history.store import SqliteStore, open_store

NOW = datetime(2024, 5, 6, 9, 30, 15, tzinfo=UTC)
STAMP = NOW.astimezone().strftime("%Y%m%dT%H%M%S")

# The version 1 schema exactly as hiptimer 0.1 created it. Frozen here, on purpose: the test must
# keep proving that a file of that shape is carried forward, whatever the migrations become.
V1_SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    session_name TEXT NOT NULL,
    definition_hash TEXT NOT NULL,
    started TEXT NOT NULL,
    ended TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'aborted', 'interrupted')),
    plan_json TEXT NOT NULL
);
CREATE TABLE phases (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    phase_index INTEGER NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    side TEXT,
    set_index INTEGER NOT NULL,
    set_count INTEGER NOT NULL,
    round_index INTEGER NOT NULL,
    round_count INTEGER NOT NULL,
    planned_seconds REAL,
    actual_seconds REAL NOT NULL,
    paused_seconds REAL NOT NULL,
    reps_target INTEGER,
    reps_done INTEGER,
    outcome TEXT NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL NOT NULL,
    UNIQUE (run_id, phase_index)
);
CREATE INDEX runs_session ON runs (session_id);
PRAGMA user_version = 1;
"""

PLANK = """
name = "Plank"
[progression.hold]
start = 30
step = 5
goal = 60
[[steps]]
type = "hold"
name = "Plank"
progression = "hold"
sets = 2
rest_between_sets = 10
"""


def plank() -> Session:
    loaded = load_text(PLANK, Path("plank.toml"), default_id="plank")
    assert loaded.session is not None
    return loaded.session


def make_v1_file(path: Path) -> None:
    """A version 1 history: a completed plank run at 35 s, and an interrupted one after one phase."""
    session = plank()
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    for run_id, status, saved in ((1, "completed", None), (2, "interrupted", 1)):
        plan = compile_plan(session, {"hold": 35})
        started = MONDAY + timedelta(days=run_id)
        conn.execute(
            "INSERT INTO runs VALUES (?, 'plank', 'Plank', 'abc', ?, ?, ?, ?)",
            (
                run_id,
                started.isoformat(timespec="milliseconds"),
                started.isoformat(),
                status,
                plan_to_json(plan),
            ),
        )
        for p in plan.phases[:saved]:
            conn.execute(
                "INSERT INTO phases VALUES"
                " (?, ?, ?, ?, NULL, ?, ?, 1, 1, ?, ?, 0, NULL, NULL, 'completed', 0, 1)",
                (run_id, p.index, p.label, p.kind.value, p.set_index, p.set_count, p.seconds, p.seconds),
            )
    conn.commit()
    conn.close()


# --- migrations ----------------------------------------------------------------------------------


def test_a_version_1_file_is_migrated_and_keeps_every_run(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_v1_file(path)
    store, notice = open_store(path)
    assert notice is None
    conn = store._state.conn
    assert conn is not None
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    indexes = {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    }
    assert indexes == {"runs_started", "runs_session_started", "runs_status"}
    completed = store.run(1)
    assert completed is not None and completed.status is RunStatus.COMPLETED
    assert completed.targets == {"hold": 35}  # taken from the stored plan
    assert [r.progression for r in completed.results] == ["hold", None, "hold"]
    point = store.resume_point("plank")
    assert point is not None and (point.run_id, point.next_index, point.phase_count) == (2, 1, 3)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_targets_from_a_migrated_file_drive_progression(tmp_path: Path) -> None:
    from hiptimer.core.progression import today_targets
    from hiptimer.history.store import recent_runs

    path = tmp_path / "history.sqlite3"
    make_v1_file(path)
    store, _ = open_store(path)
    today = today_targets(plank(), recent_runs(store, "plank"))
    # The latest run (interrupted) used 35 s: hold there.
    assert today["hold"].value == 35
    assert today["hold"].reason == "last run was interrupted after 1 of 2 sets: staying at 35 s"


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_a_file_at_any_earlier_version_reaches_the_current_one(tmp_path: Path, version: int) -> None:
    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, to=version)
    conn.close()
    store, notice = open_store(path)
    assert notice is None
    played = play(store, builtin("hill-sprints"))
    assert store.run(played.run_id) is not None
    assert store._state.conn is not None
    assert store._state.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


# --- bad files -----------------------------------------------------------------------------------


def open_at_noon(path: Path) -> SqliteStore:
    store = SqliteStore(path, clock=lambda: NOW)
    store.open()
    return store


def assert_fresh_and_usable(store: SqliteStore) -> None:
    assert not store.in_memory
    assert store.runs() == []
    played = play(store, builtin("hill-sprints"))
    assert store.run(played.run_id) is not None


def assert_kept_and_usable(store: SqliteStore) -> None:
    """The runs that still read (about half of the 40 :func:`corrupt` scribbles over) are kept, all readable.

    How many read depends on which pages the scribbles hit, so on the schema's layout: the notice
    must say the number kept, and that is most of the runs on undamaged pages.
    """
    assert not store.in_memory
    kept = store.records()
    assert 10 <= len(kept) < 40 and {r.run.session_id for r in kept} == {"hill-sprints"}
    assert store.notice is not None and f"The {len(kept)} runs that still read were kept" in store.notice
    played = play(store, builtin("hill-sprints"))
    assert store.run(played.run_id) is not None
    assert len(store.records()) == len(kept) + 1


def test_a_file_that_is_not_sqlite_is_moved_aside_and_a_new_history_starts(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_text("my shopping list\n")
    store = open_at_noon(path)
    moved = tmp_path / f"history.sqlite3.damaged-{STAMP}"
    assert moved.read_text() == "my shopping list\n"
    assert store.notice is not None
    assert str(moved) in store.notice and "not an SQLite database" in store.notice
    assert_fresh_and_usable(store)


def test_a_damaged_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    corrupt(path)
    damaged = path.read_bytes()
    store = open_at_noon(path)
    moved = tmp_path / f"history.sqlite3.damaged-{STAMP}"
    assert moved.read_bytes() == damaged
    assert store.notice is not None and str(moved) in store.notice and "damaged" in store.notice
    assert_kept_and_usable(store)


def test_damage_found_by_a_read_moves_the_file_aside_then(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    corrupt(path)
    store = SqliteStore(path, clock=lambda: NOW, verify=False)
    store.open()
    assert store.notice is None  # not looked at every page
    read = store.records(limit=50)  # the read met the damage: the runs that read are kept
    assert 10 <= len(read) < 40
    moved = tmp_path / f"history.sqlite3.damaged-{STAMP}"
    assert moved.exists()
    assert store.notice is not None and str(moved) in store.notice and "damaged" in store.notice
    assert_kept_and_usable(store)


@pytest.fixture
def newer_file(tmp_path: Path) -> Iterator[Path]:
    """A history written by a newer hiptimer, still open there (so its -wal and -shm exist)."""
    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE future (x)")
    conn.execute("INSERT INTO future VALUES ('kept')")
    conn.execute("PRAGMA user_version = 99")
    yield path
    conn.close()


def test_a_file_from_a_newer_hiptimer_is_moved_aside_with_its_wal_and_shm(newer_file: Path) -> None:
    folder = newer_file.parent
    assert {p.name for p in folder.iterdir()} >= {"history.sqlite3-wal", "history.sqlite3-shm"}
    store = open_at_noon(newer_file)
    moved = folder / f"history.sqlite3.newer-{STAMP}"
    assert (folder / f"{moved.name}-wal").exists() and (folder / f"{moved.name}-shm").exists()
    assert store.notice is not None and str(moved) in store.notice and "newer hiptimer" in store.notice
    old = sqlite3.connect(moved)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 99
    assert old.execute("SELECT x FROM future").fetchall() == [("kept",)]
    assert_fresh_and_usable(store)


def test_two_bad_files_in_the_same_second_both_survive(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_text("one")
    open_at_noon(path).close()
    path.unlink()
    path.write_text("two")
    open_at_noon(path).close()
    assert (tmp_path / f"history.sqlite3.damaged-{STAMP}").read_text() == "one"
    assert (tmp_path / f"history.sqlite3.damaged-{STAMP}-2").read_text() == "two"


# --- a folder that cannot be written -------------------------------------------------------------


def test_a_data_folder_that_cannot_be_created_keeps_results_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    store, notice = open_store(blocker / "history.sqlite3")
    assert store.in_memory
    assert notice is not None and "cannot create the history folder" in notice and "kept in memory" in notice
    played = play(store, builtin("hill-sprints"))
    run = store.run(played.run_id)
    assert run is not None and run.status is RunStatus.COMPLETED
    export = tmp_path / "export.json"
    assert store.export_json(export) == 1
    doc = json.loads(export.read_text())
    assert doc["runs"][0]["status"] == "completed"
    assert len(doc["runs"][0]["phases"]) == len(compile_plan(builtin("hill-sprints")))


def test_a_read_only_data_folder_keeps_results_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests may run as root, who can write anywhere: pretend the folder is read-only.
    monkeypatch.setattr("hiptimer.history.opening.os.access", lambda path, mode: False)
    store, notice = open_store(tmp_path / "history.sqlite3")
    assert store.in_memory
    assert notice is not None and f"{tmp_path} is read-only" in notice
    assert not (tmp_path / "history.sqlite3").exists()
    play(store, builtin("pre-run-hips"))
    assert len(store.runs()) == 1
    point_free = store.resume_point()
    assert point_free is None


def test_a_disk_that_fills_up_mid_run_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store, _ = open_store(path)
    session = builtin("hill-sprints")
    play(store, session, started=MONDAY - timedelta(days=1))
    conn = store._state.conn
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow: the disk is full
    plan = compile_plan(session, {"repeats": 12})
    played = play(store, session, plan)
    assert store.in_memory
    assert store.notice is not None and "the disk is full" in store.notice
    run = store.run(played.run_id)
    assert run is not None and run.status is RunStatus.COMPLETED
    assert [r.index for r in run.results] == list(range(len(plan)))
    export = tmp_path / "export.json"
    assert store.export_json(export) == 2  # this process's runs: both are in the export
    doc = json.loads(export.read_text())
    assert [len(r["phases"]) for r in doc["runs"]] == [len(plan), len(compile_plan(session))]


# --- private files -------------------------------------------------------------------------------


def test_the_history_its_wal_and_shm_and_exports_are_private(tmp_path: Path) -> None:
    import stat

    folder = tmp_path / "new" / "data"
    store, _ = open_store(folder / "history.sqlite3")
    store.start_run(compile_plan(builtin("hill-sprints")), definition_hash="x", started=NOW)

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
    for name in ("history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"):
        assert mode(folder / name) == 0o600, name
    export = tmp_path / "export.json"
    store.export_json(export)
    assert mode(export) == 0o600
    store.close()


def damage_the_free_page_list(path: Path) -> None:
    """Free some pages (a dropped table), then point the list of free pages at nonsense."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("CREATE TABLE scratch (x BLOB)")
        conn.executemany("INSERT INTO scratch VALUES (?)", [(b"\0" * 3000,) for _ in range(20)])
        conn.execute("DROP TABLE scratch")
    conn.close()
    data = bytearray(path.read_bytes())
    assert int.from_bytes(data[36:40], "big") > 0, "there are free pages"
    pages = len(data) // 4096
    data[32:36] = (pages + 1000).to_bytes(4, "big")  # the first free-list page: past the end
    path.write_bytes(bytes(data))


def test_damage_to_the_free_page_list_alone_keeps_every_run(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = SqliteStore(path, clock=lambda: NOW)
    session = builtin("hill-sprints")
    for day, repeats in enumerate((4, 5, 6)):
        play(
            store, session, compile_plan(session, {"repeats": repeats}), started=MONDAY + timedelta(days=day)
        )
    store.close()
    damage_the_free_page_list(path)

    store, notice = open_store(path)
    assert notice is not None
    assert "The 3 runs that still read were kept in a new history file" in notice
    moved = next(tmp_path.glob("history.sqlite3.damaged-*"))
    assert notice.endswith(f"the old file was moved to {moved}.")
    assert moved.is_file(), "the damaged file is kept"
    runs = store.records()
    assert [r.run.targets["repeats"] for r in runs] == [6, 5, 4]
    assert all(r.run.status is RunStatus.COMPLETED and r.phases_done == r.phase_count for r in runs)
    # Progression carries on from where it was, not from the start.
    from hiptimer.core.progression import today_targets
    from hiptimer.history.store import recent_runs

    assert today_targets(session, recent_runs(store, session.id)).values["repeats"] == 7
    assert sqlite3.connect(path).execute("PRAGMA quick_check").fetchone()[0] == "ok"
    store.close()
