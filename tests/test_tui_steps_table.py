"""The summary's table of steps on a resize: fitted once, to the width the table gets, and drawn whole.

Seen under load on a phone: the summary was redrawn with its Step column cut to the width of its
title ("Walk" for "Walk down") a moment after it was drawn in full. The screen's resize handler ran
before the screen's layout, so the table was filled for the width it was leaving, then again for its
new width when its own resize came; and each fill left the columns as wide as their titles until
the table was next idle, so a frame painted in between showed the steps cut.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from tui_kit import FakeClock, make_app, run_screen

from hiptimer.core.engine import Event
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.run import RunScreen
from hiptimer.tui.screens.summary import SummaryScreen
from hiptimer.tui.widgets.steps_table import StepsTable


async def settle(pilot: Pilot[None], app: HiptimerApp) -> None:
    await app.workers.wait_for_complete()
    await app.store_worker.drain()
    await pilot.pause()


async def to_summary(pilot: Pilot[None], app: HiptimerApp) -> StepsTable:
    """Say every step of the run done; the summary's table."""
    await settle(pilot, app)
    screen = run_screen(app)
    while isinstance(app.screen, RunScreen):
        screen.send(Event.DONE)
        await pilot.pause()
    await settle(pilot, app)
    assert isinstance(app.screen, SummaryScreen)
    return app.screen.query_one(StepsTable)


def cut_cells(table: StepsTable) -> list[str]:
    """The cells the table would draw cut short now, its columns as wide as they are now."""
    cut = []
    for index, column in enumerate(table.ordered_columns):
        room = column.get_render_width(table) - 2 * table.cell_padding
        for row in range(table.row_count):
            cell = str(table.get_row_at(row)[index])
            if cell_len(cell) > room:
                cut.append(cell)
    return cut


@pytest.mark.parametrize("sizes", [[(41, 40)], [(60, 40), (41, 40)], [(41, 40), (100, 30), (41, 40)]])
async def test_a_resize_fills_the_table_once_for_its_new_width_and_every_frame_shows_whole_cells(
    monkeypatch: pytest.MonkeyPatch, sizes: list[tuple[int, int]]
) -> None:
    app = make_app(FakeClock(), start="hill-sprints")
    async with app.run_test(size=(100, 30)) as pilot:
        table = await to_summary(pilot, app)
        fills: list[tuple[int, int, list[str]]] = []
        fill = StepsTable._fill

        def watched(self: StepsTable) -> None:
            fill(self)
            # The width it was filled for, the one the screen gives it (a margin each side), and
            # what a frame painted now would show cut.
            fills.append((self.size.width, self.screen.size.width - 2, cut_cells(self)))

        monkeypatch.setattr(StepsTable, "_fill", watched)
        for width, height in sizes:
            await pilot.resize_terminal(width, height)
        await settle(pilot, app)
        assert fills, "the table was never refilled"
        assert all(width == room for width, room, _ in fills), fills  # never for a stale width
        assert all(cut == [] for _, _, cut in fills), fills
        assert fills[-1][0] == table.size.width
        steps = [str(table.get_row_at(row)[0]) for row in range(table.row_count)]
        assert "Walk down" in steps and cut_cells(table) == []
