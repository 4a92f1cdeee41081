"""The app around the run: home, resuming an interrupted run, help, signals, small terminals."""

from __future__ import annotations

import signal
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.widgets import DataTable
from textual.widgets._toast import Toast
from tui_kit import WALL0, FakeClock, entry, follow, make_app, run_screen, until_screen, until_shown

from hiptimer.catalog.sessions import load_catalog
from hiptimer.cli import main
from hiptimer.core.engine import Event
from hiptimer.core.plan import compile_plan
from hiptimer.core.ports import MemoryStore, RunStore
from hiptimer.core.results import Outcome, PhaseResult, RunStatus
from hiptimer.history.records import definition_hash
from hiptimer.history.store import SqliteStore
from hiptimer.tui import app as app_module
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.confirm import ConfirmScreen
from hiptimer.tui.screens.home import HomeScreen
from hiptimer.tui.widgets.readout import BigReadout
from hiptimer.tui.widgets.side_badge import SideBadge
from hiptimer.tui.widgets.state_banner import StateBanner


async def settle(pilot: Pilot[None], app: HiptimerApp) -> None:
    await app.workers.wait_for_complete()
    await app.store_worker.drain()
    await pilot.pause()


def interrupted_run(store: RunStore, session_id: str, done: int, started: datetime) -> int:
    """An interrupted run of ``session_id`` with its first ``done`` phases finished."""
    plan = compile_plan(entry(session_id).session)
    run_id = store.start_run(
        plan, definition_hash=definition_hash(entry(session_id).session), started=started
    )
    t = 0.0
    for phase in plan.phases[:done]:
        result = PhaseResult.of(
            phase,
            started_at=t,
            ended_at=t + 5,
            paused_seconds=0,
            reps_done=phase.reps,
            outcome=Outcome.COMPLETED,
        )
        store.save_phase(run_id, result, started=started, ended=started)
        t += 5
    store.end_run(run_id, RunStatus.INTERRUPTED, ended=started + timedelta(minutes=2))
    return run_id


def completed_run(store: MemoryStore, session_id: str, ended: datetime) -> None:
    plan = compile_plan(entry(session_id).session)
    run_id = store.start_run(
        plan,
        definition_hash=definition_hash(entry(session_id).session),
        started=ended - timedelta(minutes=10),
    )
    store.end_run(run_id, RunStatus.COMPLETED, ended=ended)


async def test_home_lists_each_session_with_its_time_schedule_last_run_and_what_is_due() -> None:
    clock = FakeClock()
    store = MemoryStore()
    completed_run(store, "strength-for-speed", WALL0 - timedelta(days=2))
    app = make_app(clock, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(DataTable)
        rows = {
            str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(table.row_count)
        }
        assert set(rows) == {"Pre-run hip routine", "Strength for speed", "Hill sprints", "Running backwards"}
        assert rows["Strength for speed"][2:] == ["rest days", "2 days ago", "1/2 this week"]
        assert rows["Hill sprints"][2:] == ["during a run", "never", "4 repeats"]
        assert rows["Pre-run hip routine"][2:] == ["before a run", "never", "next run"]
        assert rows["Pre-run hip routine"][1].endswith("min")


async def test_an_interrupted_run_is_offered_at_home_and_resumes_at_its_first_unfinished_step() -> None:
    clock = FakeClock()
    store = MemoryStore()
    run_id = interrupted_run(store, "pre-run-hips", done=3, started=WALL0 - timedelta(hours=1))
    app = make_app(clock, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, app, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, app)
        screen = run_screen(app)
        assert screen.controller.state.index == 3
        assert str(screen.query_one(StateBanner).content) == "GET READY"
        assert store.runs()[0].status is RunStatus.RUNNING
        screen.send(Event.DONE)
        screen.send(Event.NEXT)
        await settle(pilot, app)
        run = store.run(run_id)
        assert run is not None
        assert [r.index for r in run.results] == [0, 1, 2, 3]
        assert len(store.runs()) == 1  # the same run, carried on


async def test_start_fresh_retires_the_interrupted_run_and_does_not_ask_again() -> None:
    clock = FakeClock()
    store = MemoryStore()
    interrupted_run(store, "pre-run-hips", done=3, started=WALL0 - timedelta(hours=1))
    app = make_app(clock, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, app, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot, app)
        home = app.screen
        assert isinstance(home, HomeScreen)
        ids = [row.entry.id for row in home.rows]
        await pilot.press(*["down"] * ids.index("pre-run-hips"), "enter")
        await settle(pilot, app)
        assert run_screen(app).controller.state.index == 0
        assert [r.status for r in store.runs()] == [RunStatus.RUNNING, RunStatus.ABORTED]


async def test_a_run_started_fresh_leaves_the_interrupted_one_in_history_never_offered_again(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    path = tmp_path / "history.sqlite3"
    store = SqliteStore(path)
    stopped = WALL0 - timedelta(days=1) + timedelta(minutes=2)
    old = interrupted_run(store, "hill-sprints", done=2, started=WALL0 - timedelta(days=1))
    app = make_app(clock, store=store, start="hill-sprints")
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, app, ConfirmScreen)
        await pilot.press("n")  # start fresh
        await settle(pilot, app)
        screen = run_screen(app)
        assert screen.controller.state.index == 0
        while isinstance(app.screen, type(screen)):  # the whole run, each step said done
            screen.send(Event.DONE)
            await pilot.pause()
        await settle(pilot, app)
    store.close()
    reopened = SqliteStore(path)
    retired = reopened.run(old)
    assert retired is not None
    assert (retired.status, retired.ended) == (RunStatus.ABORTED, stopped)
    assert [r.index for r in retired.results] == [0, 1]  # its finished steps stay in the history
    assert [r.status for r in reopened.runs("hill-sprints")] == [RunStatus.COMPLETED, RunStatus.ABORTED]
    assert reopened.resume_point() is None
    again = make_app(FakeClock(), store=reopened)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot, again)
        assert isinstance(again.screen, HomeScreen)


async def test_the_resume_dialog_counts_steps_done_and_skipped_as_the_history_does(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "history.sqlite3"
    store = SqliteStore(path)
    app = make_app(clock, store=store, start="hill-sprints")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = run_screen(app)
        screen.send(Event.NEXT)  # past the get-ready
        await follow(app, clock, clock.now + 10)  # the sprint, in full
        screen.send(Event.DONE)  # at the bottom of the hill
        screen.send(Event.NEXT)  # the rest skipped
        await settle(pilot, app)
        assert screen.controller.state.index == 3
        app.end_on_signal(signal.SIGTERM)  # killed in the second sprint
    store.close()
    history = SqliteStore(path)
    record = history.records()[0]
    outcomes = [p.result.outcome for p in record.phases]
    assert outcomes == [Outcome.COMPLETED, Outcome.COMPLETED, Outcome.SKIPPED]
    assert (record.phases_done, record.phase_count) == (2, 11)
    again = make_app(FakeClock(), store=history)
    async with again.run_test(size=(80, 24)) as pilot:
        detail = await until_shown(pilot, ConfirmScreen, "#confirm-detail")
        assert "2 of 11 steps done, 1 skipped." in detail
        assert "Resume at step 4" in detail


async def test_run_session_offers_that_sessions_interrupted_run_first() -> None:
    clock = FakeClock()
    store = MemoryStore()
    interrupted_run(store, "hill-sprints", done=2, started=WALL0 - timedelta(days=1))
    app = make_app(clock, store=store, start="hill-sprints")
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, app, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, app)
        assert run_screen(app).controller.state.index == 2


async def test_sigterm_ends_the_run_as_interrupted_keeping_the_finished_steps() -> None:
    clock = FakeClock()
    store = MemoryStore()
    app = make_app(clock, store=store, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = run_screen(app)
        for _ in range(3):
            screen.send(Event.NEXT)  # the get-ready, then two steps skipped
        clock.advance(20)
        app.end_on_signal(signal.SIGTERM)
    assert app.return_code == 128 + signal.SIGTERM
    run = store.run(1)
    assert run is not None and run.status is RunStatus.INTERRUPTED
    assert [r.index for r in run.results] == [0, 1]  # the step under way is done again on resume
    resume = store.resume_point()
    assert resume is not None and resume.next_index == 2


async def test_quitting_in_the_middle_of_a_run_keeps_it_resumable() -> None:
    clock = FakeClock()
    store = MemoryStore()
    app = make_app(clock, store=store, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+q")
    run = store.run(1)
    assert run is not None and run.status is RunStatus.INTERRUPTED


async def test_bad_session_files_and_a_failing_store_are_each_reported_once_and_the_run_goes_on(
    isolated_dirs: Path,
) -> None:
    class BrokenStore(MemoryStore):
        def save_phase(self, *args: object, **kwargs: object) -> None:
            raise OSError("disk full")

    sessions = isolated_dirs / "sessions"
    sessions.mkdir()
    (sessions / "mine.toml").write_text('name = "Mine"\n[[steps]]\ntype = "hold"\nsecnds = 5\n')
    messages: list[Message] = []
    clock = FakeClock()
    app = make_app(clock, store=BrokenStore(), start="pre-run-hips", sessions=load_catalog())
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await settle(pilot, app)
        screen = run_screen(app)
        for _ in range(4):
            screen.send(Event.NEXT)
        await settle(pilot, app)
        assert screen.controller.state.index == 3
    notices = [m.notification.message for m in messages if isinstance(m, Notify)]
    assert notices == [
        "A session file has errors: `hiptimer check` shows where.",
        "History could not be saved: disk full. The run goes on.",
    ]


async def test_the_essentials_stay_on_screen_as_the_terminal_shrinks() -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = run_screen(app)
        screen.send(Event.DONE)
        for width, height in [(80, 24), (50, 16), (40, 12), (100, 30)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            essentials = ["#state", "#phase-name", "#side", "#readout", "#next", "#progress", "#buttons"]
            for selector in essentials:
                region = screen.query_one(selector).region
                assert region.height >= 1, (selector, width, height)
                assert region.bottom <= height - 1 and region.right <= width, (selector, width, height)
            readout = screen.query_one(BigReadout)
            # Figures three lines tall or more: at 40 x 12 too, with one-line buttons.
            assert not readout.plain and readout.digit_rows >= 3, (width, height)
            assert screen.query_one(SideBadge).region.width >= 12
            instructions = screen.query_one("#instructions-box").region.height
            assert instructions >= (3 if height >= 20 else 0)


@pytest.mark.parametrize("size", [(80, 24), (50, 16)])
async def test_notices_are_one_line_each_and_never_cover_the_runs_controls(
    size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A toast's timeout runs on the real clock: on a busy machine the routine ones (3 s, 1.5 s)
    # could be gone before they are looked at. Here they stay; how long they stay is tested below.
    monkeypatch.setattr(app_module, "ROUTINE_NOTICE_SECONDS", 600.0)
    monkeypatch.setattr(app_module, "MUTE_NOTICE_SECONDS", 600.0)
    app = make_app(
        FakeClock(), start="pre-run-hips", notices=["History is read-only."], audio_notice="audio: off"
    )
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot, app)
        screen = run_screen(app)
        await pilot.press("m")
        await pilot.pause()
        toasts = list(screen.query(Toast))
        assert len(toasts) == 3
        controls = [screen.query_one(selector).region for selector in ("#next", "#progress", "#buttons")]
        for toast in toasts:
            assert toast.region.height == 1, toast.region
            assert not any(toast.region.overlaps(control) for control in controls), (toast.region, controls)


async def test_a_notice_to_read_stays_up_and_routine_ones_go_soon() -> None:
    messages: list[Message] = []
    app = make_app(
        FakeClock(), start="pre-run-hips", notices=["History is read-only."], audio_notice="audio: off"
    )
    async with app.run_test(size=(80, 24), message_hook=messages.append, notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("m")
        await pilot.pause()
    timeouts = {m.notification.message: m.notification.timeout for m in messages if isinstance(m, Notify)}
    assert timeouts["History is read-only."] >= 10  # a notice to read stays up
    assert timeouts["audio: off"] <= 3 and timeouts["Cues muted"] <= 2  # routine ones go soon


def test_run_with_an_unknown_session_says_so_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "no-such-session"]) == 1
    assert "no session 'no-such-session' (known: backwards-running," in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["--theme", "no-such-theme"],
        ["run", "pre-run-hips", "--theme", "no-such-theme"],
        ["--theme", "no-such-theme", "run", "no-such-session"],  # the usage error comes first
    ],
)
def test_an_unknown_theme_is_a_usage_error_listing_the_themes(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("hiptimer: no theme 'no-such-theme' (known: ")
    assert "textual-dark" in err and "textual-light" in err
    assert "Traceback" not in err
