"""A closed tab or terminal costs nothing: the run goes on by its clock, and one app drives it.

The apps run on fake clocks and a real history file in tmp_path. A "kill" is an app that stops
without ending its run (its store closed, as a dead process's is); a "closed terminal" is an app
that exits and ends its run as interrupted. Two apps on one history file are two browser tabs.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from tui_kit import FakeClock, RecordingPlayer, follow, make_app, run_screen, until_screen

from hiptimer.core.cues import Cue
from hiptimer.core.plan import PhaseKind
from hiptimer.core.results import RunStatus
from hiptimer.history.store import SqliteStore
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.confirm import ConfirmScreen
from hiptimer.tui.screens.home import HomeScreen
from hiptimer.tui.screens.run import RunScreen
from hiptimer.tui.widgets.readout import BigReadout

SIZE = (80, 24)


async def settle(pilot: Pilot[None], app: HiptimerApp) -> None:
    await app.workers.wait_for_complete()
    await app.store_worker.drain()
    await pilot.pause()


def history(tmp_path: Path, clock: FakeClock) -> SqliteStore:
    return SqliteStore(tmp_path / "history.sqlite3", clock=clock.wall)


def notices(app: HiptimerApp) -> list[str]:
    return [n.message for n in app._notifications]


async def into_the_first_rest(pilot: Pilot[None], app: HiptimerApp, clock: FakeClock, seconds: float) -> int:
    """Run hill sprints to ``seconds`` into the first rest (pressing done at the bottom of the hill)."""
    screen = run_screen(app)
    plan = screen.controller.plan
    rest = next(p.index for p in plan.phases if p.kind is PhaseKind.REST)
    await follow(app, clock, clock.now + plan.get_ready + 10 + 0.5)  # get ready, the sprint
    assert screen.controller.state.phase.kind is PhaseKind.OPEN
    await pilot.press("enter")  # at the bottom of the hill
    await follow(app, clock, clock.now + seconds)
    assert screen.controller.state.index == rest
    await settle(pilot, app)
    return rest


async def test_a_run_killed_during_a_rest_goes_on_by_its_clock_at_the_next_start(tmp_path: Path) -> None:
    clock = FakeClock()
    first = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, first)
        rest = await into_the_first_rest(pilot, first, clock, 80)  # 1:40 left
        # Killed: the process dies with its run still marked running, where it was last written.
        run_screen(first).controller.interrupted = True
        first.store_worker.store.close()  # type: ignore[attr-defined]
    clock.advance(20)
    player = RecordingPlayer(clock)
    again = make_app(clock, store=history(tmp_path, clock), player=player, start="hill-sprints")
    async with again.run_test(size=SIZE) as pilot:
        await until_screen(pilot, again, RunScreen)
        await settle(pilot, again)
        screen = run_screen(again)
        assert screen.controller.state.index == rest, "no dialog: straight back into the rest"
        assert screen.query_one(BigReadout).value == "1:20"
        assert "Resumed: Rest, 1:20 left" in notices(again)
        spoken = [(r.cue, r.speech) for _, r in player.played]
        assert (Cue.REST, "resumed, rest, 1 minute 20") in spoken
        # ... and it goes on from there: the rest ends 80 s later, the next sprint starts.
        await follow(again, clock, clock.now + 80.5)
        assert screen.controller.state.index == rest + 1
        await settle(pilot, again)
    runs = history(tmp_path, clock).runs()
    assert len(runs) == 1, "the same run, carried on"
    saved = history(tmp_path, clock).run(runs[0].run_id)
    assert saved is not None
    assert [(r.index, r.actual_seconds) for r in saved.results if r.index == rest] == [(rest, 180.0)]


async def test_a_closed_terminal_goes_on_too_and_a_sprint_that_ran_out_meanwhile_has_ended(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    first = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, first)
        plan = run_screen(first).controller.plan
        await follow(first, clock, clock.now + plan.get_ready + 4)  # 4 s into the 10 s sprint
        await settle(pilot, first)
    # The app exited (the terminal closed): the run is interrupted, where it was.
    assert history(tmp_path, clock).runs()[0].status is RunStatus.INTERRUPTED
    clock.advance(60)
    again = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    async with again.run_test(size=SIZE) as pilot:
        await until_screen(pilot, again, RunScreen)
        await settle(pilot, again)
        state = run_screen(again).controller.state
        assert state.phase.kind is PhaseKind.OPEN, "the sprint ended on its own; the walk down waits"
        assert state.active_seconds(clock.now) == 54.0
        assert "Resumed: Walk down" in notices(again)


async def test_at_home_a_run_interrupted_moments_ago_goes_on_without_a_question(tmp_path: Path) -> None:
    clock = FakeClock()
    first = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, first)
        rest = await into_the_first_rest(pilot, first, clock, 30)
    clock.advance(10)
    again = make_app(clock, store=history(tmp_path, clock))  # `hiptimer`, at home
    async with again.run_test(size=SIZE) as pilot:
        await until_screen(pilot, again, RunScreen)
        await settle(pilot, again)
        assert run_screen(again).controller.state.index == rest
        assert run_screen(again).query_one(BigReadout).value == "2:20"


async def test_an_older_interruption_keeps_the_resume_or_start_fresh_question(tmp_path: Path) -> None:
    clock = FakeClock()
    first = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, first)
        await into_the_first_rest(pilot, first, clock, 30)
    clock.advance(5 * 60)
    again = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    async with again.run_test(size=SIZE) as pilot:
        await until_screen(pilot, again, ConfirmScreen)
        assert "Resume Hill sprints?" in str(again.screen.query_one("#confirm-question").render())


async def test_the_minutes_are_a_setting_and_0_always_asks(tmp_path: Path) -> None:
    clock = FakeClock()
    first = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, first)
        await into_the_first_rest(pilot, first, clock, 30)
    clock.advance(5)
    again = make_app(clock, store=history(tmp_path, clock), start="hill-sprints", continue_minutes=0)
    async with again.run_test(size=SIZE) as pilot:
        await until_screen(pilot, again, ConfirmScreen)


async def test_a_sleep_detected_before_the_app_closes_leaves_the_run_paused(tmp_path: Path) -> None:
    clock = FakeClock()
    first = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, first)
        await into_the_first_rest(pilot, first, clock, 30)
        clock.sleep(40)  # the lid closed; on waking, the connection is found dropped
    clock.advance(3)
    again = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    async with again.run_test(size=SIZE) as pilot:
        await until_screen(pilot, again, RunScreen)
        await settle(pilot, again)
        screen = run_screen(again)
        assert screen.controller.state.status.value == "paused"
        assert screen.query_one(BigReadout).value == "2:30", "the rest stopped when the computer slept"
        assert "Resumed (paused): Rest, 2:30 left" in notices(again)


async def test_a_second_tab_takes_the_run_over_and_the_first_says_continued_elsewhere(tmp_path: Path) -> None:
    clock = FakeClock()
    tab1 = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    tab2 = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    async with tab1.run_test(size=SIZE) as pilot1:
        await settle(pilot1, tab1)
        rest = await into_the_first_rest(pilot1, tab1, clock, 80)
        clock.advance(20)
        async with tab2.run_test(size=SIZE) as pilot2:
            await until_screen(pilot2, tab2, ConfirmScreen)
            dialog = tab2.screen
            assert "Hill sprints is running elsewhere" in str(dialog.query_one("#confirm-question").render())
            assert "It is at: Rest, 1:20 left." in str(dialog.query_one("#confirm-detail").render())
            await pilot2.press("y")
            await until_screen(pilot2, tab2, RunScreen)
            await settle(pilot2, tab2)
            assert run_screen(tab2).controller.state.index == rest
            assert run_screen(tab2).query_one(BigReadout).value == "1:20"

            await follow(tab1, clock, clock.now + 2.5)  # its next wakes ask who drives the run
            await settle(pilot1, tab1)
            await until_screen(pilot1, tab1, HomeScreen)
            assert any("continued elsewhere" in n for n in notices(tab1))

            await follow(tab2, clock, clock.now + 78)
            assert run_screen(tab2).controller.state.index == rest + 1
            await settle(pilot2, tab2)
        await settle(pilot1, tab1)
    runs = history(tmp_path, clock).runs()
    assert len(runs) == 1, "never two runs of one session"
    assert runs[0].status is RunStatus.INTERRUPTED, "the second tab closed last, mid-run"


async def test_back_home_leaves_the_run_with_the_other_tab(tmp_path: Path) -> None:
    clock = FakeClock()
    tab1 = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    tab2 = make_app(clock, store=history(tmp_path, clock), start="hill-sprints")
    async with tab1.run_test(size=SIZE) as pilot1:
        await settle(pilot1, tab1)
        await into_the_first_rest(pilot1, tab1, clock, 10)
        async with tab2.run_test(size=SIZE) as pilot2:
            await until_screen(pilot2, tab2, ConfirmScreen)
            await pilot2.press("n")
            await until_screen(pilot2, tab2, HomeScreen)
            await settle(pilot2, tab2)
            assert tab2.run_screen is None
            await follow(tab1, clock, clock.now + 2.5)
            await settle(pilot1, tab1)
            assert isinstance(tab1.screen, RunScreen), "the first tab keeps driving"
    assert len(history(tmp_path, clock).runs()) == 1
