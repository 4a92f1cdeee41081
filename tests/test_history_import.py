"""``hiptimer history --import FILE``: runs the app could not save come back from their export."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from store_kit import MONDAY, FullDisk, builtin, play

from hiptimer import locations
from hiptimer.cli import main
from hiptimer.core.plan import compile_plan
from hiptimer.core.progression import today_targets
from hiptimer.core.results import RunStatus
from hiptimer.history import opening as store_open
from hiptimer.history.store import open_store, recent_runs

HILLS = "hill-sprints"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def full_disk_connect(where: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(where, isolation_level=None, check_same_thread=False, factory=FullDisk)
    conn.row_factory = sqlite3.Row
    return conn


def a_run_finished_after_the_disk_filled(export: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> int:
    """Hills at 12 repeats: the disk fills after 3 phases; the run goes on in memory and is exported.

    With ``monkeypatch``, the disk is still full when the run ends; without, it has room again.
    """
    real_connect = store_open._connect
    store, _ = open_store(locations.history_db_path())
    session = builtin(HILLS)
    plan = compile_plan(session, {"repeats": 12})
    filled: list[bool] = []

    def fill_after_three(effect: object) -> None:
        conn = store._state.conn
        if not filled and conn is not None and conn.execute("SELECT count(*) FROM phases").fetchone()[0] == 3:
            conn.close()  # from here on, the disk has no room
            store._state.conn = full_disk_connect(store.path)
            if monkeypatch is not None:
                monkeypatch.setattr("hiptimer.history.opening._connect", full_disk_connect)
            filled.append(True)

    play(store, session, plan, started=MONDAY, on_effect=fill_after_three)
    assert store.in_memory and filled
    assert store.export_json(export) == 1
    store.close()
    if monkeypatch is not None:
        monkeypatch.setattr("hiptimer.history.opening._connect", real_connect)  # room again, later
    return len(plan)


def test_a_run_that_ends_when_the_disk_has_room_again_is_stored_as_it_ended(tmp_path: Path) -> None:
    phases = a_run_finished_after_the_disk_filled(tmp_path / "export.json")
    store, _ = open_store(locations.history_db_path())
    [record] = store.records()
    assert record.run.status is RunStatus.COMPLETED
    assert [p.result.index for p in record.phases] == list(range(phases))
    assert store.resume_point(HILLS) is None
    store.close()


def test_a_run_saved_in_part_is_brought_up_to_date_by_importing_its_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "hiptimer-history-20240506-073000.json"
    phases = a_run_finished_after_the_disk_filled(export, monkeypatch)

    store, _ = open_store(locations.history_db_path())
    [record] = store.records()
    assert (record.run.status, len(record.phases)) == (RunStatus.INTERRUPTED, 3)  # what the file kept
    assert store.resume_point(HILLS) is not None
    store.close()

    code, out, err = run(capsys, "history", "--import", str(export))
    assert (code, err) == (0, "")
    assert out == f"Imported {export}: 0 runs added, 1 run brought up to date.\n"

    store, _ = open_store(locations.history_db_path())
    [record] = store.records()
    assert record.run.status is RunStatus.COMPLETED
    assert [p.result.index for p in record.phases] == list(range(phases))
    assert store.resume_point(HILLS) is None, "a finished run is never offered for resume"
    assert today_targets(builtin(HILLS), recent_runs(store, HILLS)).values["repeats"] == 12
    store.close()

    code, out, err = run(capsys, "history", "--import", str(export))
    assert (code, out) == (0, f"Imported {export}: 0 runs added, 1 run already in the history.\n")


def test_runs_from_another_history_are_added_once_and_read_back_the_same(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "other" / "history.sqlite3"
    store, _ = open_store(other)
    hills, hips = builtin(HILLS), builtin("pre-run-hips")
    play(store, hills, started=MONDAY)
    play(store, hips, started=MONDAY + timedelta(days=1), abort_at=3)
    play(store, hills, compile_plan(hills, {"repeats": 5}), started=MONDAY + timedelta(days=2), stop_after=4)
    store.close()
    export = tmp_path / "export.json"
    store, _ = open_store(other)
    from hiptimer.history.format import history_document

    export.write_text(json.dumps(history_document(store.records())))
    before = history_document(store.records())
    store.close()

    for added in ("3 runs added", "0 runs added, 3 runs already in the history"):
        code, out, err = run(capsys, "history", "--import", str(export))
        assert (code, err) == (0, "") and out == f"Imported {export}: {added}.\n"

    code, out, _ = run(capsys, "history", "--json")
    after = json.loads(out)
    assert without_ids(after) == without_ids(before)


def without_ids(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "id"} for r in doc["runs"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", ":1:2: not JSON"),
        ('{"format": "something-else"}', ": format: not a hiptimer history export"),
        ('{"format": "hiptimer-history", "version": 9, "runs": []}', ": version: 9 is not a version"),
        (
            '{"format": "hiptimer-history", "version": 1, "runs": [{"started": "yesterday"}]}',
            ': runs[0].started: "yesterday" is not a time',
        ),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_with_where_and_why(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    code, out, err = run(capsys, "history", "--import", str(bad))
    assert (code, out) == (1, "")
    assert err.startswith(f"hiptimer: {bad}") and message in err and "Traceback" not in err
    assert not locations.history_db_path().exists()


def test_import_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "history", "--help")
    assert code == 0 and "--import FILE" in out and "not added twice" in out
