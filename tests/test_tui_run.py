"""The run screen, driven as a runner would: keys, a fake clock that only moves when told, a real engine.

Time passes with :func:`tui_kit.follow`, which wakes the screen exactly when the screen asked to
be woken, as the real timer would; no test waits on real time.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Static
from tui_kit import T0, FakeClock, RecordingPlayer, entry, follow, make_app, run_screen

from hiptimer.core.cues import Cue
from hiptimer.core.engine import Event, Status
from hiptimer.core.ports import MemoryStore
from hiptimer.core.results import Outcome, RunStatus
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.confirm import ConfirmScreen
from hiptimer.tui.screens.help import HelpScreen
from hiptimer.tui.screens.home import HomeScreen
from hiptimer.tui.screens.run import RunScreen
from hiptimer.tui.screens.summary import SummaryScreen
from hiptimer.tui.widgets.readout import BigReadout
from hiptimer.tui.widgets.side_badge import SideBadge
from hiptimer.tui.widgets.state_banner import StateBanner

HIP_FLEXOR_LEFT_1 = 7
"""In the pre-run routine: bridges (L, switch, R), marching bridge, swings (L, switch, R), then the holds."""


async def settle(pilot: Pilot[None], app: HiptimerApp) -> None:
    """Let the app's background work (store reads and writes) finish and the screen update."""
    await app.workers.wait_for_complete()
    await app.store_worker.drain()
    await pilot.pause()


def banner(app: HiptimerApp) -> str:
    return str(app.screen.query_one(StateBanner).content)


def big(app: HiptimerApp) -> str:
    return app.screen.query_one(BigReadout).value


def side(app: HiptimerApp) -> str:
    return str(app.screen.query_one(SideBadge).content)


def label(app: HiptimerApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def started(pilot: Pilot[None], app: HiptimerApp, skips: int = 0) -> RunScreen:
    """The run screen after the get-ready countdown was cut short with enter, then ``skips`` steps on.

    The skips are sent as the ``n`` key sends them, without the key press itself (a press costs a
    tenth of a second in Pilot, and the skip key has its own test).
    """
    await settle(pilot, app)
    screen = run_screen(app)
    await pilot.press("enter")
    for _ in range(skips):
        screen.send(Event.NEXT)
    await pilot.pause()
    return screen


async def test_a_session_starts_from_home_with_enter_and_counts_down() -> None:
    clock = FakeClock()
    app = make_app(clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        home = app.screen
        assert isinstance(home, HomeScreen)
        ids = [row.entry.id for row in home.rows]
        await pilot.press(*["down"] * ids.index("pre-run-hips"), "enter")
        await settle(pilot, app)
        screen = run_screen(app)
        assert banner(app) == "GET READY"
        assert big(app) == "5"
        assert label(app, "#phase-name") == "Knee-to-chest bridge"
        await follow(app, clock, T0 + 2.5)
        assert big(app) == "3"
        await follow(app, clock, T0 + 5)
        assert banner(app) == "WORK"
        assert big(app) == "0/10"
        assert side(app) == "◀ LEFT LEG"
        assert screen.controller.state.status is Status.ACTIVE


async def test_the_hip_flexor_holds_switch_sides_with_a_switch_cue() -> None:
    clock = FakeClock()
    player = RecordingPlayer(clock)
    app = make_app(clock, player=player, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot, app, skips=HIP_FLEXOR_LEFT_1)
        assert screen.controller.state.index == HIP_FLEXOR_LEFT_1
        assert (banner(app), label(app, "#phase-name"), side(app)) == (
            "HOLD",
            "Kneeling hip-flexor",
            "◀ LEFT LEG",
        )
        assert big(app) == "1:00"
        assert "set 1/3" in label(app, "#where")
        begin = clock.now
        await follow(app, clock, begin + 30)
        assert big(app) == "0:30"
        # Three left holds with rests between: 60 + 10 + 60 + 10 + 60 s, then the switch.
        await follow(app, clock, begin + 200)
        assert (banner(app), label(app, "#phase-name")) == ("SWITCH", "Switch legs")
        assert side(app) == "to RIGHT LEG ▶"
        await follow(app, clock, begin + 210)
        assert (banner(app), side(app), big(app)) == ("HOLD", "RIGHT LEG ▶", "1:00")
        assert "set 1/3" in label(app, "#where")
        heard = [(round(at - begin, 3), request.cue) for at, request in player.since(begin + 0.5)]
        # The first hold: halfway, 3-2-1, then rest.
        assert heard[:5] == [
            (30, Cue.HALFWAY),
            (57, Cue.PIP),
            (58, Cue.PIP),
            (59, Cue.PIP),
            (60, Cue.REST),
        ]
        # The last left hold ends in 3-2-1 and "switch legs"; the switch ends in 3-2-1 and the hold's
        # tone, which says the set and the side.
        at_switch = heard.index((200, Cue.SWITCH))
        assert heard[at_switch - 3 : at_switch] == [(197, Cue.PIP), (198, Cue.PIP), (199, Cue.PIP)]
        assert heard[at_switch + 1 :] == [(207, Cue.PIP), (208, Cue.PIP), (209, Cue.PIP), (210, Cue.HOLD)]
        go = player.played[-1][1]
        assert go.speech == "kneeling hip flexor, set 1 of 3, right leg, 1 minute"
        assert dict(player.played)[begin + 200].speech == "switch legs"


async def test_the_screen_sleeps_until_the_next_change_and_space_pauses_without_losing_time() -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot, app, skips=HIP_FLEXOR_LEFT_1)
        begin = clock.now
        assert screen.armed_for == begin + 1  # the next whole second of the digits
        clock.advance(0.4)
        await screen.wake()  # an early wake re-arms for the same moment
        assert screen.armed_for == begin + 1
        await follow(app, clock, begin + 10)
        assert big(app) == "0:50"
        await pilot.press("space")
        assert banner(app) == "PAUSED: space to resume"
        assert screen.armed_for is None  # nothing to wake for while paused
        clock.advance(120)
        await screen.wake()
        assert big(app) == "0:50"
        assert screen.controller.state.status is Status.PAUSED
        await pilot.press("space")
        assert banner(app) == "HOLD"
        await follow(app, clock, clock.now + 20)
        assert big(app) == "0:30"
        await follow(app, clock, begin + 120 + 56.5)
        assert screen.armed_for == begin + 120 + 57  # the first pip and the next second coincide


async def test_n_skips_and_b_restarts_the_step_or_goes_back_one_at_its_start() -> None:
    clock = FakeClock()
    store = MemoryStore()
    app = make_app(clock, store=store, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot, app)
        await pilot.press("n")
        assert label(app, "#phase-name") == "Switch legs"
        await settle(pilot, app)
        run = store.run(1)
        assert run is not None and run.status is RunStatus.RUNNING
        assert [(r.index, r.outcome) for r in run.results] == [(0, Outcome.SKIPPED)]
        await follow(app, clock, clock.now + 3)
        assert big(app) == "0:02"
        await pilot.press("b")
        assert (screen.controller.state.index, big(app)) == (1, "0:05")
        await pilot.press("b")
        assert screen.controller.state.index == 0


async def test_counted_reps_go_up_with_r_and_plus_down_with_minus_and_end_at_the_target() -> None:
    clock = FakeClock()
    store = MemoryStore()
    app = make_app(clock, store=store, start="strength-for-speed")  # mountain climbers first, counted
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot, app)
        assert (label(app, "#phase-name"), big(app)) == ("Mountain climbers", "0/10")
        await pilot.press(*["r"] * 8, "plus")
        assert big(app) == "9/10"
        await pilot.press("minus")
        assert big(app) == "8/10"
        await pilot.click("#rep-button")
        assert big(app) == "9/10"
        clock.advance(33)
        await pilot.press("r")
        assert label(app, "#phase-name") == "Rest"
        assert screen.controller.state.index == 1
        await settle(pilot, app)
        run = store.run(1)
        assert run is not None
        (climbers,) = run.results
        assert (climbers.reps_done, climbers.reps_target, climbers.outcome) == (10, 10, Outcome.COMPLETED)
        assert climbers.actual_seconds == 33


async def test_an_open_step_shows_the_time_since_it_started_and_ends_with_enter() -> None:
    clock = FakeClock()
    store = MemoryStore()
    app = make_app(clock, store=store, start="hill-sprints")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot, app)
        assert (banner(app), label(app, "#phase-name"), big(app)) == ("WORK", "Sprint uphill", "0:10")
        await follow(app, clock, clock.now + 10)
        assert (label(app, "#phase-name"), big(app)) == ("Walk down", "0:00")
        assert "elapsed" in app.screen.query_one(BigReadout).caption
        await follow(app, clock, clock.now + 37.5)
        assert big(app) == "0:37"
        await pilot.press("enter")
        assert (banner(app), label(app, "#phase-name"), big(app)) == ("REST", "Rest", "3:00")
        await settle(pilot, app)
        run = store.run(1)
        assert run is not None
        walk = run.results[-1]
        assert (walk.label, walk.outcome, walk.actual_seconds) == ("Walk down", Outcome.COMPLETED, 37.5)
        assert screen.controller.state.index == 2


async def test_q_asks_first_and_a_stopped_run_keeps_what_was_done() -> None:
    clock = FakeClock()
    store = MemoryStore()
    app = make_app(clock, store=store, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app, skips=2)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert run_screen(app).controller.state.running
        await pilot.press("q")
        await pilot.press("y")
        await settle(pilot, app)
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert "stopped" in str(summary.query_one("#summary-title", Label).content)
        run = store.run(1)
        assert run is not None and run.status is RunStatus.ABORTED
        assert [r.outcome for r in run.results] == [Outcome.SKIPPED, Outcome.SKIPPED, Outcome.ABORTED]
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)


async def test_a_whole_session_ends_in_the_summary_with_planned_against_actual() -> None:
    clock = FakeClock()
    store = MemoryStore()
    player = RecordingPlayer(clock)
    app = make_app(clock, store=store, player=player, start="strength-for-speed")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        for _ in range(5):  # four counted moves (one on each leg) with rests and a switch between
            await follow(app, clock, clock.now + 30)
            await pilot.press("enter")
        await follow(app, clock, clock.now + 500)
        await settle(pilot, app)
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert str(summary.query_one("#summary-title", Label).content) == "Strength for speed: complete"
        run = store.run(1)
        assert run is not None and run.status is RunStatus.COMPLETED
        assert player.cues[-1] is Cue.DONE


async def test_the_summary_fits_a_small_terminal_as_the_run_detail_does() -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips")
    async with app.run_test(size=(50, 16)) as pilot:
        await settle(pilot, app)
        screen = run_screen(app)
        while isinstance(app.screen, RunScreen):  # each step said done
            screen.send(Event.DONE)
            await pilot.pause()
        await settle(pilot, app)
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        table = summary.query_one("#summary-table", DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["Step", "Result", "Done", "Planned"]
        assert table.max_scroll_x == 0  # every column in sight, no scrolling sideways
        steps = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert any("…" in step for step in steps)  # long names shortened...
        for step, result in zip(steps, summary.state.results, strict=True):
            assert step[:4] == result.label[:4]
            if result.side is not None:  # ...keeping the side
                assert step.endswith(f" {result.side.value[0].upper()}")
        assert table.region.height >= 6 and table.region.bottom <= 16
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert len(table.columns) == 7


async def test_m_mutes_this_run_only_and_question_mark_lists_the_keys() -> None:
    clock = FakeClock()
    player = RecordingPlayer(clock)
    app = make_app(clock, player=player, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app, skips=HIP_FLEXOR_LEFT_1)
        await pilot.press("m")
        heard = len(player.played)
        await follow(app, clock, clock.now + 70)
        assert len(player.played) == heard
        assert label(app, "#position").startswith("sound off")
        await pilot.press("m")
        await follow(app, clock, clock.now + 60)
        assert len(player.played) > heard
        await settle(pilot, app)
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = str(help_screen.query_one("#keys", Static).content)
        for line in (
            "space  pause or resume",
            "r / +  count one rep",
            "m      mute or unmute",
            "q      stop the run",
        ):
            assert line in keys
        await pilot.press("escape")
        run_screen(app)


async def test_a_mute_lasts_for_the_run_it_was_pressed_in() -> None:
    clock = FakeClock()
    player = RecordingPlayer(clock)
    app = make_app(clock, player=player, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app, skips=2)
        await pilot.press("m")
        assert app.muted
        await pilot.press("q")
        await pilot.press("y")
        await settle(pilot, app)
        await pilot.press("enter")  # the summary, then home
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen)
        heard = len(player.played)
        app.start_session(entry("hill-sprints"))
        await settle(pilot, app)
        run_screen(app)
        assert not app.muted
        assert not label(app, "#position").startswith("sound off")
        await follow(app, clock, clock.now + 11)
        assert len(player.played) > heard


async def test_a_run_that_starts_muted_says_so_in_words() -> None:
    clock = FakeClock()
    player = RecordingPlayer(clock)
    app = make_app(clock, player=player, start="hill-sprints", muted=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, app)
        screen = run_screen(app)
        assert label(app, "#position").startswith("sound off")
        said = " ".join(str(n.message) for n in app._notifications)
        assert "Sound is off: runs start muted (start_muted in settings.toml). Press m for sound." in said
        await follow(app, clock, clock.now + 30)
        assert player.played == []
        await pilot.press("m")
        assert not app.muted and screen.controller.state.running


async def test_a_sleeping_computer_pauses_the_run_where_it_slept() -> None:
    clock = FakeClock()
    store = MemoryStore()
    player = RecordingPlayer(clock)
    app = make_app(clock, store=store, player=player, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot, app, skips=HIP_FLEXOR_LEFT_1)
        await follow(app, clock, clock.now + 20)
        assert big(app) == "0:40"
        clock.sleep(1.5)  # a busy machine's jitter is not a sleep
        clock.advance(1)
        await screen.wake()
        assert (banner(app), big(app)) == ("HOLD", "0:39")
        heard = len(player.played)
        clock.sleep(3600)  # the lid closes: the monotonic clock stops, the boot-time clock does not
        clock.advance(0.5)  # the first wake after the lid opens
        await screen.wake()
        assert banner(app) == "PAUSED: the computer slept"
        assert big(app) == "0:39"
        assert screen.controller.state.paused_at == T0 + 21  # the last moment it was seen awake
        assert len(player.played) == heard
        await pilot.press("space")
        assert banner(app) == "HOLD"
        await follow(app, clock, clock.now + 39)
        assert label(app, "#phase-name") == "Rest"


async def test_an_audio_offset_starts_each_cue_that_much_early() -> None:
    clock = FakeClock()
    player = RecordingPlayer(clock, offset=0.25)
    app = make_app(clock, player=player, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app, skips=HIP_FLEXOR_LEFT_1)
        begin = clock.now
        await follow(app, clock, begin + 61)
        heard = [(round(at - begin, 3), request.cue) for at, request in player.since(begin + 0.001)]
        assert heard == [
            (29.75, Cue.HALFWAY),
            (56.75, Cue.PIP),
            (57.75, Cue.PIP),
            (58.75, Cue.PIP),
            (59.75, Cue.REST),
        ]
