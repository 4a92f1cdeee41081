"""The footer lists the keys that work now, whether or not the app has the focus.

A terminal (or the browser page of ``hiptimer serve``) tells the app when it loses the focus; the
footer must still follow the run: a phone on the floor is watched, not touched.
"""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Static
from textual.widgets._footer import FooterKey
from tui_kit import FakeClock, follow, make_app, run_screen

from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.help import HelpScreen
from hiptimer.tui.screens.history import HistoryScreen
from hiptimer.tui.screens.home import HomeScreen
from hiptimer.tui.widgets.keys_footer import KeysFooter


async def settle(pilot: Pilot[None], app: HiptimerApp) -> None:
    await app.workers.wait_for_complete()
    await app.store_worker.drain()
    await pilot.pause()


def footer_keys(app: HiptimerApp) -> list[str]:
    """The descriptions the footer shows: its tiles served, the items of its line in the terminal."""
    if app.served:
        return [key.description for key in app.screen.query(FooterKey)]
    return [item.description for item in app.screen.query_one(KeysFooter).shown]


def footer_line(app: HiptimerApp) -> str:
    """The footer's line as drawn in the terminal."""
    return app.screen.query_one(KeysFooter).render_line(0).text


async def click_footer(pilot: Pilot[None], app: HiptimerApp, words: str) -> None:
    """Click the middle of ``words`` in the terminal's footer."""
    line = footer_line(app)
    assert words in line, line
    await pilot.click(KeysFooter, offset=(line.index(words) + len(words) // 2, 0))
    await pilot.pause()


async def test_the_footer_follows_the_run_from_get_ready_to_the_sprint_without_the_focus() -> None:
    clock = FakeClock()
    app = make_app(clock, start="hill-sprints")  # as `hiptimer serve --session hill-sprints` opens
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = run_screen(app)
        assert "Start now" in footer_keys(app)
        app.post_message(events.AppBlur())  # the page (or terminal window) is not focused
        await pilot.pause()
        await follow(app, clock, clock.now + 10.5)  # get ready runs out: the sprint starts
        await pilot.pause()
        await pilot.pause()
        assert screen.controller.state.phase.label == "Sprint uphill"
        keys = footer_keys(app)
        assert "Done" in keys and "Start now" not in keys, keys
        assert "⏎ Done" in footer_line(app) and "Start now" not in footer_line(app)


async def test_the_terminal_footer_is_one_widget_drawing_the_keys_of_the_screen() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen)
        footer = app.screen.query_one(KeysFooter)
        assert not footer.children
        assert footer_line(app).split() == [
            "⏎",
            "Start",
            "h",
            "History",
            "w",
            "Export",
            "to",
            "watch",
            "?",
            "Keys",
            "q",
            "Quit",
        ]


async def test_a_click_on_a_key_in_the_footer_presses_it() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await click_footer(pilot, app, "h History")
        await settle(pilot, app)
        assert isinstance(app.screen, HistoryScreen)
        await click_footer(pilot, app, "esc Back")
        assert isinstance(app.screen, HomeScreen)


async def test_a_key_under_the_pointer_is_highlighted_and_says_what_it_does() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        footer = app.screen.query_one(KeysFooter)
        line = footer_line(app)
        await pilot.hover(KeysFooter, offset=(line.index("History"), 0))
        await pilot.pause()
        assert footer.tooltip == "past runs and progress"
        hovered = {segment.style for segment in footer.render_line(0) if "History" in segment.text}
        await pilot.hover(KeysFooter, offset=(line.index("Quit"), 0))
        await pilot.pause()
        assert footer.tooltip is None  # "q Quit" has none
        plain = {segment.style for segment in footer.render_line(0) if "History" in segment.text}
        assert hovered != plain, (hovered, plain)


async def test_a_narrow_footer_leaves_out_the_keys_that_do_not_fit_but_keeps_the_list_of_keys() -> None:
    clock = FakeClock()
    app = make_app(clock, start="hill-sprints")
    async with app.run_test(size=(50, 16)) as pilot:
        await settle(pilot, app)
        run = run_screen(app)
        assert footer_keys(app) == ["Pause", "Start now", "Skip", "Back", "Keys"]
        await click_footer(pilot, app, "? Keys")
        shown = app.screen
        assert isinstance(shown, HelpScreen)
        keys = str(shown.query_one("#keys", Static).content)
        assert "mute or unmute the cues" in keys and "stop the run" in keys, keys  # left out, listed
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is run


async def test_served_on_a_phone_each_footer_item_is_a_tile_and_the_terminal_keeps_its_row() -> None:
    # A phone upright gives the served app 41 x 40 cells of about 9.5 x 21 CSS px: a tile a thumb
    # can hit (44 x 44 px) is 5 columns by 3 rows or more.
    for served in (True, False):
        app = make_app(FakeClock(), start="strength-for-speed", served=served)
        async with app.run_test(size=(41, 40)) as pilot:
            await settle(pilot, app)
            await pilot.pause()
            keys = list(app.screen.query(FooterKey))
            if served:  # what has a button is left to it; the rest are tiles, all in sight
                assert [key.description for key in keys] == ["Back", "Mute", "Stop", "Keys"]
                for key in keys:
                    region = key.region
                    assert region.width >= 5 and region.height >= 3, (key.description, region)
                    assert region.right <= 41 and region.bottom == 40, (key.description, region)
            else:  # the terminal's footer: one row, the keys that fit and the list of them all
                assert footer_keys(app) == ["Pause", "Start now", "Keys"]
                footer = app.screen.query_one(KeysFooter)
                assert footer.region.height == 1 and footer.region.bottom == 40, footer.region


async def test_served_the_list_of_keys_closes_with_a_tap() -> None:
    app = make_app(FakeClock(), start="strength-for-speed", served=True)
    async with app.run_test(size=(41, 40)) as pilot:
        await settle(pilot, app)
        run = app.screen
        keys = [key for key in app.screen.query(FooterKey) if key.description == "Keys"]
        await pilot.click(keys[0])
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        close = app.screen.query_one("#close-button", Button)
        assert close.region.height >= 3
        await pilot.click(close)
        await pilot.pause()
        assert app.screen is run
