"""The run screen laid out by size: a clock that fills what the needed lines leave, every button
labelled and tall enough for a thumb, every repeat level named, and words for keys or taps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from run_states import SERVED, SIZES, STATES, settle
from textual.widgets import Button, DataTable, Label
from tui_kit import FakeClock, make_app, run_screen

from hiptimer.catalog.sessions import Catalog, CatalogEntry, Source, load_text
from hiptimer.core.plan import Phase, PhaseKind
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.text import where_text
from hiptimer.tui.widgets.big_digits import DigitSize, fitting_size, text_width
from hiptimer.tui.widgets.readout import BigReadout
from hiptimer.tui.widgets.state_banner import StateBanner

BLOCKS = set("▀▄█")

LEAST_CLOCK_ROWS = {"laptop": 9, "terminal": 6, "small": 3, "phone": 3, "phone-sideways": 3}
"""The issue's floor at each size: the figures at least this many lines tall."""


def clock_rows(app: HiptimerApp) -> tuple[int, int]:
    """The lines and columns the clock's figures take on the screen, read from what it draws."""
    readout = run_screen(app).query_one(BigReadout)
    drawn = [readout.render_line(y).text for y in range(readout.size.height)]
    inked = [line for line in drawn if BLOCKS & set(line)]
    left = min(len(line) - len(line.lstrip()) for line in inked)
    right = max(len(line.rstrip()) for line in inked)
    return len(inked), right - left


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("state", ["hold", "sprint", "rest", "reps"])
async def test_the_clock_takes_the_room_the_needed_lines_leave(state: str, size: str) -> None:
    clock = FakeClock()
    reached = STATES[state]
    app = make_app(clock, start=reached.session, served=size in SERVED)
    width, height = SIZES[size]
    async with app.run_test(size=(width, height)) as pilot:
        await settle(app, pilot)
        await reached.reach(app, clock, pilot)
        await pilot.pause()
        screen = run_screen(app)
        readout = screen.query_one(BigReadout)
        assert readout.value == reached.value
        rows, columns = clock_rows(app)
        assert rows == readout.digit_rows >= LEAST_CLOCK_ROWS[size], (rows, size)
        assert columns == text_width(reached.value, rows)
        # The largest that fit: one line taller would not fit the clock's room, in width or height.
        room_rows = readout.size.height - 1
        assert rows == room_rows or text_width(reached.value, rows + 1) > width - 2
        assert fitting_size(reached.value, width - 2, room_rows) == rows
        if size == "phone":  # as wide as 41 columns allow
            assert columns > width - 2 - DigitSize.of(rows + 1).width
        # Every line a runner needs is on the screen, below the clock or above it.
        needed = ["#top", "#state", "#what", "#progress", "#next", "#buttons"]
        for selector in needed:
            region = screen.query_one(selector).region
            assert region.height >= 1 and region.bottom <= height - 1, (selector, region)
            assert not region.overlaps(readout.region), selector


async def test_the_clock_is_drawn_again_for_the_new_size_when_the_terminal_resizes() -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await STATES["hold"].reach(app, clock, pilot)
        await pilot.pause()
        before = clock_rows(app)[0]
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert clock_rows(app)[0] > before >= 6
        await pilot.resize_terminal(50, 16)
        await pilot.pause()
        assert 3 <= clock_rows(app)[0] < before


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("state", ["sprint", "reps"])
async def test_every_button_shows_its_whole_label_and_is_three_lines_tall(state: str, size: str) -> None:
    clock = FakeClock()
    reached = STATES[state]
    app = make_app(clock, start=reached.session, served=size in SERVED)
    width, height = SIZES[size]
    async with app.run_test(size=(width, height)) as pilot:
        await settle(app, pilot)
        await reached.reach(app, clock, pilot)
        await pilot.pause()
        buttons = [b for b in run_screen(app).query(Button) if b.display]
        expected = {"sprint": ["Pause", "Done", "Skip"], "reps": ["Pause", "Done", "+1 rep", "Skip"]}
        assert [str(b.label) for b in buttons] == expected[state]
        for button in buttons:
            region = button.region
            assert region.height == 3 and region.right <= width, (button.label, region)
            drawn = "".join(button.render_line(y).text for y in range(region.height))
            assert str(button.label) in drawn, (button.label, drawn)


NESTED = """\
name = "Nested"

[[steps]]
type = "repeat"
name = "Block"
times = 3

[[steps.steps]]
type = "repeat"
name = "Rep"
times = 4

[[steps.steps.steps]]
type = "repeat"
name = "Round"
times = 2

[[steps.steps.steps.steps]]
type = "hold"
name = "Plank"
seconds = 20
sets = 2
"""


@pytest.mark.parametrize(
    ("width", "height", "shown"),
    [
        (100, 30, "set 1/2 · block 1/3 · rep 1/4 · round 1/2"),
        (50, 16, "set 1/2 · block 1/3 · rep 1/4 · round 1/2"),  # "Plank" leaves room for all
        (41, 40, "set 1/2 · 1/3›1/4›1/2"),
    ],
)
async def test_a_three_deep_repeat_shows_every_level_shortened_when_narrow(
    width: int, height: int, shown: str
) -> None:
    loaded = load_text(NESTED, Path("nested.toml"), default_id="nested")
    assert loaded.session is not None
    entry = CatalogEntry(loaded.session, Path("nested.toml"), Source.PATH)
    clock = FakeClock()
    app = make_app(clock, sessions=Catalog((entry,)))
    async with app.run_test(size=(width, height)) as pilot:
        await settle(app, pilot)
        app.start_session(entry)
        await settle(app, pilot)
        where = run_screen(app).query_one("#where", Label)
        assert str(where.content) == shown
        assert where.region.right <= width


@pytest.mark.parametrize("served", [False, True])
async def test_the_words_speak_of_keys_in_a_terminal_and_of_tapping_when_served(served: bool) -> None:
    clock = FakeClock()
    app = make_app(clock, start="hill-sprints", served=served)
    async with app.run_test(size=(41, 40)) as pilot:
        await settle(app, pilot)
        await STATES["sprint"].reach(app, clock, pilot)
        await pilot.pause()
        caption = run_screen(app).query_one(BigReadout).caption
        assert caption == (
            "left of 5-10 s · tap Done when done" if served else "left of 5-10 s · enter when done"
        )
        await pilot.press("space")
        await pilot.pause()
        banner = str(run_screen(app).query_one(StateBanner).content)
        assert banner == ("PAUSED: tap Resume" if served else "PAUSED: space to resume")


def test_the_levels_lose_their_words_first_then_the_sets_as_the_room_shrinks() -> None:
    phase = Phase(
        index=0,
        kind=PhaseKind.HOLD,
        label="Plank",
        instructions="",
        speech="",
        seconds=20,
        estimate_seconds=20,
        set_index=2,
        set_count=3,
        rounds=((2, 3), (3, 4), (1, 2)),
    )
    assert where_text(phase) == "set 2/3 · block 2/3 · rep 3/4 · round 1/2"
    assert where_text(phase, 41) == "set 2/3 · block 2/3 · rep 3/4 · round 1/2"
    assert where_text(phase, 30) == "set 2/3 · 2/3›3/4›1/2"
    assert where_text(phase, 18) == "2/3 · 2/3›3/4›1/2"
    assert where_text(phase, 5) == "2/3 · 2/3›3/4›1/2"  # the shortest form, at worst cut at the edge
    assert where_text(replace(phase, rounds=((1, 4),), set_count=1)) == "round 1/4"
    assert where_text(replace(phase, rounds=((1, 2), (3, 4)), set_count=1)) == "block 1/2 · round 3/4"
    assert where_text(replace(phase, rounds=(), set_count=1)) == ""


@pytest.mark.parametrize("served", [False, True])
async def test_home_rows_are_tall_enough_to_tap_when_served(served: bool) -> None:
    app = make_app(FakeClock(), served=served)
    async with app.run_test(size=(41, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        heights = {row.height for row in table.rows.values()}
        assert heights == ({3} if served else {1})  # three lines: about 63 CSS px on a phone
        start = app.screen.query_one("#start-button", Button)
        assert str(start.label) == ("Start" if served else "Start (enter)")
