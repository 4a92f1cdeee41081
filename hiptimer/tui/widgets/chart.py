"""A bar chart of a session's progress in the terminal: one bar per run, the goal as a dotted line.

Each bar is as tall as its value (eighth blocks give the top its height), with the value written
above it, so the numbers read without an axis; the dates run along the bottom. A run that was not
completed gets a bar of another colour. The newest runs that fit the width are shown.
"""

from __future__ import annotations

import math
from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from hiptimer.tui.history_data import ChartSeries

__all__ = ["Cell", "ProgressChart", "chart_rows"]

_BLOCKS = " ▁▂▃▄▅▆▇█"
_ROLES = ("bar", "short", "goal", "value", "date", "note")
GOAL_MARK = "┄"

Cell = tuple[str, str]
"""A character and its role: "bar", "short" (a run not completed), "goal", "value", "date", "note", ""."""


def _date_label(series: ChartSeries, index: int) -> str:
    local = series.points[index].started.astimezone()
    return f"{local.day} {local:%b}"


def chart_rows(series: ChartSeries | None, width: int, height: int) -> list[list[Cell]]:
    """The chart as rows of cells, top row first, each ``width`` cells wide.

    The bottom row holds the dates, the rows above it the bars, each with its value just above it
    (the top row is kept for the values when a bar would reach it). Too small a space gives no
    rows; a series without runs gives a one-line note.
    """
    if series is None or width < 4 or height < 1:
        return []
    if not series.points:
        return [_line(f"No runs of {series.session_name} yet.", "note", width)]
    if height < 3:
        latest = series.points[-1]
        return [_line(f"latest: {series.text(latest.value)}", "note", width)]
    labels = [series.text(p.value) for p in series.points]
    bar_width = max(2, *(len(label) for label in labels))
    step = bar_width + 1
    count = max(1, min(len(series.points), (width + 1) // step))
    first = len(series.points) - count
    points = series.points[first:]
    labels = labels[first:]
    rows = [[(" ", "")] * width for _ in range(height)]
    bottom = height - 2
    top = max([p.value for p in points] + [series.goal or 0.0]) or 1.0
    # The bars take every row above the dates, but the tallest needs a row above it for its value:
    # with a goal higher than every bar, that row is free already.
    bar_rows = height - 1
    if math.ceil(round(max(p.value for p in points) / top * bar_rows * 8) / 8) >= bar_rows:
        bar_rows = height - 2
    if series.goal is not None and series.goal > 0:
        goal_units = series.goal / top * bar_rows * 8
        goal_row = bottom - max(0, math.ceil(goal_units / 8 - 1e-9) - 1)
        rows[goal_row] = [(GOAL_MARK, "goal")] * width
    for i, (point, label) in enumerate(zip(points, labels, strict=True)):
        x = i * step
        units = round(max(0.0, point.value) / top * bar_rows * 8)
        if point.value > 0:
            units = max(1, units)
        full, part = divmod(units, 8)
        role = "bar" if point.complete else "short"
        for k in range(full):
            _put(rows[bottom - k], x, _BLOCKS[8] * bar_width, role)
        if part:
            _put(rows[bottom - full], x, _BLOCKS[part] * bar_width, role)
        label_row = bottom - full - (1 if part else 0)
        _put(rows[max(0, label_row)], x, label.center(bar_width), "value")
    _put_dates(rows[height - 1], series, first, count, step)
    return rows


def _put(row: list[Cell], x: int, text: str, role: str) -> None:
    """Write ``text`` from column ``x``; a value's padding leaves what is under it (the goal line)."""
    for offset, char in enumerate(text):
        if 0 <= x + offset < len(row) and not (char == " " and role == "value"):
            row[x + offset] = (char, role)


def _put_dates(row: list[Cell], series: ChartSeries, first: int, count: int, step: int) -> None:
    """Date labels under the bars: each new date, where it fits without touching the last one."""
    free = 0
    previous = ""
    for i in range(count):
        label = _date_label(series, first + i)
        x = i * step
        if label == previous:
            continue
        if x >= free and x + len(label) <= len(row):
            _put(row, x, label, "date")
            free = x + len(label) + 1
            previous = label


def _line(text: str, role: str, width: int) -> list[Cell]:
    return [(c, role) for c in text[:width].ljust(width)]


class ProgressChart(Widget):
    """A session's measure over its runs: bars, their values, the goal line and the dates."""

    DEFAULT_CSS = """
    ProgressChart {
        height: 7;
        width: 1fr;
    }
    ProgressChart > .chart--bar { color: $success; }
    ProgressChart > .chart--short { color: $warning; }
    ProgressChart > .chart--goal { color: $accent; }
    ProgressChart > .chart--value { color: $foreground; text-style: bold; }
    ProgressChart > .chart--date { color: $foreground-muted; }
    ProgressChart > .chart--note { color: $foreground-muted; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"chart--{role}" for role in _ROLES}

    series: reactive[ChartSeries | None] = reactive(None)
    """What to draw; None draws nothing."""

    def render(self) -> Text:
        rows = chart_rows(self.series, self.size.width, self.size.height)
        text = Text(no_wrap=True, overflow="crop", end="")
        styles = {role: self.get_component_rich_style(f"chart--{role}") for role in _ROLES}
        for n, row in enumerate(rows):
            if n:
                text.append("\n")
            for char, role in row:
                text.append(char, styles.get(role))
        return text
