"""The app with hostile or changed session files: markup is text, a skipped run is stopped, and a
run whose session changed is never resumed into the new plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Label
from tui_kit import WALL0, FakeClock, make_app, run_screen, until_screen

from hiptimer.catalog.sessions import load_catalog
from hiptimer.core.engine import Event
from hiptimer.core.plan import compile_plan
from hiptimer.core.results import Outcome, PhaseResult, RunStatus
from hiptimer.history.records import definition_hash
from hiptimer.history.store import SqliteStore
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.confirm import ConfirmScreen
from hiptimer.tui.screens.home import HomeScreen
from hiptimer.tui.screens.summary import SummaryScreen


async def settle(pilot: Pilot[None], app: HiptimerApp) -> None:
    await app.workers.wait_for_complete()
    await app.store_worker.drain()
    await pilot.pause()


def session_file(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


MARKUP = """
name = "[/b] Bridges [red]now"
[[steps]]
type = "hold"
name = "[bold]Plank[/bold]"
instructions = "Hold [link=x]it[/link]."
seconds = 5
"""


async def test_markup_in_names_is_shown_as_written_on_home_and_run_screens(tmp_path: Path) -> None:
    session_file(tmp_path / "sessions", "markup.toml", MARKUP)
    catalog = load_catalog(builtin_dir=tmp_path / "none", user_dir=tmp_path / "sessions")
    clock = FakeClock()
    app = make_app(clock, sessions=catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one(DataTable)
        assert "[/b] Bridges [red]now" in [str(cell) for cell in table.get_row_at(0)]
        await pilot.press("enter")
        await settle(pilot, app)
        screen = run_screen(app)
        assert str(screen.query_one("#session", Label).content) == "[/b] Bridges [red]now"
        screen.send(Event.NEXT)
        await pilot.pause()
        assert str(screen.query_one("#phase-name", Label).content).startswith("[bold]Plank[/bold]")


ONE_PHASE = """
name = "One [b]plank[/b]"
[[steps]]
type = "hold"
name = "Plank"
seconds = 30
"""


async def test_a_run_whose_only_phase_was_skipped_is_stopped_on_the_summary_and_in_the_store(
    tmp_path: Path,
) -> None:
    session_file(tmp_path / "sessions", "one.toml", ONE_PHASE)
    catalog = load_catalog(builtin_dir=tmp_path / "none", user_dir=tmp_path / "sessions")
    store = SqliteStore(tmp_path / "history.sqlite3")
    clock = FakeClock()
    app = make_app(clock, store=store, sessions=catalog, start=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        screen = run_screen(app)
        screen.send(Event.NEXT)  # past the get-ready
        screen.send(Event.NEXT)  # the only phase, skipped
        await settle(pilot, app)
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert str(summary.query_one("#summary-title", Label).content) == "One [b]plank[/b]: stopped"
    run = store.run(1)
    assert run is not None
    assert run.status is RunStatus.ABORTED
    assert [r.outcome for r in run.results] == [Outcome.SKIPPED]
    store.close()


FOURTEEN = """
name = "Circuit"
[[steps]]
type = "repeat"
times = 7
[[steps.steps]]
type = "hold"
name = "Plank"
seconds = 10
[[steps.steps]]
type = "hold"
name = "Bridge"
seconds = 10
"""

THREE = """
name = "Circuit"
[[steps]]
type = "repeat"
times = 3
[[steps.steps]]
type = "hold"
name = "Plank"
seconds = 10
"""


def interrupted_at(store: SqliteStore, tmp_path: Path, done: int) -> int:
    """A 14-phase run of the circuit, killed after ``done`` phases."""
    catalog = load_catalog(builtin_dir=tmp_path / "none", user_dir=tmp_path / "sessions")
    session = catalog.ids and catalog.get("circuit")
    assert session
    plan = compile_plan(session.session)
    started = WALL0 - timedelta(hours=1)
    run_id = store.start_run(plan, definition_hash=definition_hash(session.session), started=started)
    for i, phase in enumerate(plan.phases[:done]):
        result = PhaseResult.of(
            phase,
            started_at=i * 10,
            ended_at=i * 10 + 10,
            paused_seconds=0,
            reps_done=None,
            outcome=Outcome.COMPLETED,
        )
        store.save_phase(run_id, result, started=started, ended=started)
    store.end_run(run_id, RunStatus.INTERRUPTED, ended=started + timedelta(minutes=2))
    return run_id


async def test_after_the_session_file_changed_only_a_fresh_start_is_offered_and_the_old_run_stays_interrupted(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "sessions"
    path = session_file(folder, "circuit.toml", FOURTEEN)
    store = SqliteStore(tmp_path / "history.sqlite3")
    old = interrupted_at(store, tmp_path, done=10)
    path.write_text(THREE)  # cut to 3 phases while the run was interrupted
    catalog = load_catalog(builtin_dir=tmp_path / "none", user_dir=folder)
    clock = FakeClock()
    app = make_app(clock, store=store, sessions=catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, app, ConfirmScreen)
        dialog = app.screen
        assert str(dialog.query_one("#confirm-question", Label).content) == "Circuit has changed"
        detail = str(dialog.query_one("#confirm-detail", Label).content)
        assert "10 of 14 steps" in detail and "cannot be resumed" in detail
        assert "Resume" not in [str(b.label) for b in dialog.query(Button)]
        await pilot.press("y")  # start fresh
        await settle(pilot, app)
        screen = run_screen(app)
        assert screen.controller.state.index == 0
        assert len(screen.controller.plan.phases) == 3
    kept = store.run(old)
    assert kept is not None and kept.status is RunStatus.INTERRUPTED
    assert len(kept.results) == 10
    store.close()


async def test_an_unchanged_session_is_still_offered_for_resume(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    session_file(folder, "circuit.toml", FOURTEEN)
    store = SqliteStore(tmp_path / "history.sqlite3")
    interrupted_at(store, tmp_path, done=10)
    catalog = load_catalog(builtin_dir=tmp_path / "none", user_dir=folder)
    app = make_app(FakeClock(), store=store, sessions=catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, app, ConfirmScreen)
        assert str(app.screen.query_one("#confirm-question", Label).content) == "Resume Circuit?"
        await pilot.press("y")
        await settle(pilot, app)
        assert run_screen(app).controller.state.index == 10
    store.close()


BILLION = """
name = "Billion"
[[steps]]
type = "repeat"
times = 1000
[[steps.steps]]
type = "repeat"
times = 1000
[[steps.steps.steps]]
type = "repeat"
times = 1000
[[steps.steps.steps.steps]]
type = "hold"
name = "Plank"
seconds = 1
"""


async def test_a_too_big_file_in_the_sessions_folder_leaves_the_home_list_full(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    session_file(folder, "billion.toml", BILLION)
    session_file(folder, "one.toml", ONE_PHASE)
    catalog = load_catalog(user_dir=folder)
    app = make_app(FakeClock(), sessions=catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        home = app.screen
        assert isinstance(home, HomeScreen)
        ids = [row.entry.id for row in home.rows]
        assert "one" in ids and "pre-run-hips" in ids and "billion" not in ids
        assert any("session file has errors" in str(n.message) for n in app._notifications)


async def test_a_name_saved_with_control_characters_and_markup_is_shown_escaped_in_the_history(
    tmp_path: Path,
) -> None:
    """Runs saved before such names were refused still show, as text, with escapes."""
    folder = tmp_path / "sessions"
    session_file(folder, "one.toml", ONE_PHASE)
    catalog = load_catalog(builtin_dir=tmp_path / "none", user_dir=folder)
    found = catalog.get("one")
    assert found is not None
    plan = replace(compile_plan(found.session), session_name="\x1b[2J[/b]Old name", session_id="gone")
    store = SqliteStore(tmp_path / "history.sqlite3")
    started = WALL0 - timedelta(days=1)
    run_id = store.start_run(plan, definition_hash="old", started=started)
    result = PhaseResult.of(
        replace(plan.phases[0], label="\x1b]0;x\x07[b]Plank"),
        started_at=0,
        ended_at=30,
        paused_seconds=0,
        reps_done=None,
        outcome=Outcome.COMPLETED,
    )
    store.save_phase(run_id, result, started=started, ended=started)
    store.end_run(run_id, RunStatus.COMPLETED, ended=started + timedelta(minutes=1))
    app = make_app(FakeClock(), store=store, sessions=catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("h")
        await settle(pilot, app)
        table = app.screen.query_one("#runs", DataTable)
        shown = " ".join(str(c) for c in table.get_row_at(0))
        assert "\x1b" not in shown
        await pilot.press("enter")
        await settle(pilot, app)
        title = str(app.screen.query_one("#detail-title", Label).content)
        assert title.startswith("\\x1b[2J[/b]Old name · ")
        steps = app.screen.query_one(DataTable)
        assert "\\x1b]0;x\\x07[b]Plank" in [str(cell) for cell in steps.get_row_at(0)]
    store.close()
