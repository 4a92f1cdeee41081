"""The footer lists the keys that work now, whether or not the app has the focus.

A terminal (or the browser page of ``hiptimer serve``) tells the app when it loses the focus; the
footer must still follow the run: a phone on the floor is watched, not touched.
"""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot
from textual.widgets import Button
from textual.widgets._footer import FooterKey
from tui_kit import FakeClock, follow, make_app, run_screen

from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.help import HelpScreen


async def settle(pilot: Pilot[None], app: HiptimerApp) -> None:
    await app.workers.wait_for_complete()
    await app.store_worker.drain()
    await pilot.pause()


def footer_keys(app: HiptimerApp) -> list[str]:
    return [key.description for key in app.screen.query(FooterKey)]


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
            else:  # the terminal's footer: one row, every key
                assert {"Pause", "Start now", "Skip", "Back", "Keys"} <= set(footer_keys(app))
                assert {key.region.height for key in keys} == {1}


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
