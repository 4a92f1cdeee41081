"""A run's steps in a table, planned against done: in full, or in four columns on a narrow terminal.

The summary after a run and a past run's detail show the same table. It is narrow when its screen
is narrower than :data:`NARROW_WIDTH`; the table sees to that itself, on its own resize, which comes
once the screen's layout has given it its new width (a screen's resize handler runs before that
layout, when the table still has the width it is leaving). Narrow, the table fits its width: a long
step name is shortened in the middle, keeping its set and side ("Kneeling hip-… 1/3 L"), rather
than scrolling sideways. Each column is given its width as it is filled, so a frame painted before
the table is next idle (when a DataTable measures new rows) shows every cell whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.reactive import var
from textual.widgets import DataTable

from hiptimer.tui.text import plain

__all__ = ["COLUMNS", "NARROW_COLUMNS", "NARROW_WIDTH", "StepsTable", "fit_step", "narrow_cells"]

COLUMNS = ("#", "Step", "Side", "Planned", "Actual", "Reps", "Result")
"""The columns in full; each row gives a cell for each."""
NARROW_COLUMNS = ("Step", "Result", "Done", "Planned")
"""The columns on a narrow terminal (see :func:`narrow_cells`)."""

NARROW_WIDTH = 72
"""Below this many columns: the step with its side, how it ended, what was done, what was planned."""


def narrow_cells(cells: tuple[str, ...]) -> tuple[str, ...]:
    """A row for a narrow terminal: side as L or R after the step, reps or time as "Done"."""
    _, label, side, planned, actual, reps, result = cells
    step = f"{label} {side[:1].upper()}" if side else label
    return step, result, reps or actual, planned


_STEP_TAIL = re.compile(r"(?: \d+/\d+)?(?: [LR])?$")
"""The end of a narrow step cell that is never shortened: the set ("1/3") and the side ("L")."""


def fit_step(step: str, width: int) -> str:
    """``step`` in at most ``width`` characters, shortened in the middle, its set and side kept."""
    if len(step) <= width:
        return step
    tail = _STEP_TAIL.search(step)
    end = tail.group() if tail is not None else ""
    keep = width - len(end) - 1
    if keep < 1:
        return step[: max(width - 1, 0)] + "…"
    return step[: len(step) - len(end)][:keep].rstrip() + "…" + end


class StepsTable(DataTable[Text]):
    """One row per step, with the cells of :data:`COLUMNS`; narrow, those of :data:`NARROW_COLUMNS`.

    Args:
        id: The widget's id.
    """

    narrow: var[bool] = var(False, init=False)
    """Whether the four narrow columns show rather than all seven (set from the screen's width)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._steps: list[tuple[str, ...]] = []
        self._fitted_to = 0
        """The width the narrow columns were last fitted to."""

    def show_steps(self, rows: Sequence[tuple[str, ...]]) -> None:
        """Show ``rows`` (each in :data:`COLUMNS` order, its first cell unique), keeping the cursor."""
        self._steps = list(rows)
        self._fill()

    def on_mount(self) -> None:
        self.set_reactive(StepsTable.narrow, self.screen.size.width < NARROW_WIDTH)

    def on_resize(self, event: events.Resize) -> None:
        # The screen's layout is done: its width and the table's own are the ones to fit.
        narrow = self.screen.size.width < NARROW_WIDTH
        if narrow != self.narrow or (narrow and self.size.width != self._fitted_to):
            self.set_reactive(StepsTable.narrow, narrow)
            self._fill()

    def _fill(self) -> None:
        if self.narrow and not self.size.width:
            return  # not laid out yet: its first resize fills it, for the width it gets
        row = self.cursor_row
        self.clear(columns=True)
        titles = NARROW_COLUMNS if self.narrow else COLUMNS
        rows = [narrow_cells(cells) for cells in self._steps] if self.narrow else self._steps
        if self.narrow:
            self._fitted_to = self.size.width
            width = self._step_width(rows)
            rows = [(fit_step(step, width), *rest) for step, *rest in rows]
        cells = [[plain(cell) for cell in row_cells] for row_cells in rows]
        for index, title in enumerate(titles):
            self.add_column(title, width=max([cell_len(title), *(cell[index].cell_len for cell in cells)]))
        for key, row_cells in zip((row_cells[0] for row_cells in self._steps), cells, strict=True):
            self.add_row(*row_cells, key=key)
        if self.row_count:
            self.move_cursor(row=min(max(row, 0), self.row_count - 1))

    def _step_width(self, rows: Sequence[tuple[str, ...]]) -> int:
        """Room for the step column once the others have theirs (and a vertical scrollbar its own)."""
        room = self.size.width - self.styles.scrollbar_size_vertical
        for index, title in enumerate(NARROW_COLUMNS):
            room -= 2 * self.cell_padding
            if index:
                room -= max([len(title), *(len(cells[index]) for cells in rows)])
        return max(room, len(NARROW_COLUMNS[0]) + 4)
