"""`hiptimer serve` on a phone's screen: 390 x 844 CSS pixels drawn at 3 device pixels each.

A real 3x canvas (``--force-device-scale-factor=3``): the terminal is drawn as a phone draws it.
Every button and every item of the footer, on every screen (a run, the stop dialog, the summary,
home, history, a run's detail), must be a target a thumb can hit, at least 44 x 44 CSS pixels, and
lie wholly inside the page. Screenshots land in tests/artifacts/.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from chromium import Page, chromium_path, launch
from test_serve_browser import ARTIFACTS, screen, served, tap_text, wait_for_text

CHROMIUM = chromium_path()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium); CI installs it"
    ),
]

PHONE = (390, 844)
"""CSS pixels of a phone held upright (an iPhone 12 to 15)."""

THUMB = 44
"""The least width and height of a touch target, in CSS pixels (Apple's guideline; Android: 48 dp)."""

RUN_BUTTONS = ("Pause", "Resume", "Start now", "Done", "+1 rep", "Skip")

# Each screen's footer items as a phone shows them (key and description): the actions that have a
# button are left to it there.
RUN_FOOTER = ["b Back", "m Mute", "q Stop", "? Keys"]
SUMMARY_FOOTER = ["q Quit"]
HOME_FOOTER = ["h History", "w Export to watch", "? Keys", "q Quit"]
HISTORY_FOOTER = ["⏎ Details", "n Older", "p Newer", "s Session", "esc Back", "? Keys"]
DETAIL_FOOTER = ["esc Back", "? Keys"]

GEOMETRY = """(() => {
  const r = document.querySelector(".xterm-screen").getBoundingClientRect();
  const t = window.hiptimerTerminal;
  const canvas = document.querySelector(".xterm-screen canvas");
  return {left: r.left, top: r.top, cell_w: r.width / t.cols, cell_h: r.height / t.rows,
          cols: t.cols, rows: t.rows, vw: window.innerWidth, vh: window.innerHeight,
          ratio: window.devicePixelRatio, canvas: canvas ? canvas.width / r.width : 0};
})()"""


def button_boxes(lines: list[str], labels: Sequence[str]) -> dict[str, tuple[int, int, int, int]]:
    """Each button's box in cells (column, row, width, height), found from what the terminal shows.

    A button (and, served, a footer item) is drawn with a tall border: a run of ``▔`` above its
    label and of ``▁`` below it.
    """
    boxes: dict[str, tuple[int, int, int, int]] = {}
    for row, line in enumerate(lines):
        for label in labels:
            column = line.find(label)
            if column < 0 or row == 0 or row + 1 >= len(lines):
                continue
            above, below = lines[row - 1], lines[row + 1]
            if column >= len(above) or above[column] != "▔":
                continue
            left = column
            while left > 0 and above[left - 1] == "▔":
                left -= 1
            right = column
            while right + 1 < len(above) and above[right + 1] == "▔":
                right += 1
            assert below[left : right + 1] == "▁" * (right + 1 - left), (label, below)
            boxes[label] = (left, row - 1, right + 1 - left, 3)
    return boxes


async def check_buttons(
    page: Page, expected: list[str], name: str, footer: list[str], labels: Sequence[str] = RUN_BUTTONS
) -> str:
    """Every expected button (of ``labels``) and every item of the footer is on screen, 44 x 44
    CSS px or more, inside the viewport; the footer's items side by side on its last rows."""
    shown = await wait_for_text(page, *footer) if footer else await screen(page)
    lines = shown.splitlines()
    boxes = button_boxes(lines, [*labels, *footer])
    assert sorted(boxes) == sorted([*expected, *footer]), shown
    if footer:  # the footer ends the screen
        assert max(boxes[item][1] for item in footer) + 3 == len(lines), shown
    geometry = await page.evaluate(GEOMETRY)
    await page.screenshot(ARTIFACTS / f"serve-phone-{name}.png")
    for label, (column, row, width, height) in boxes.items():
        left = geometry["left"] + column * geometry["cell_w"]
        top = geometry["top"] + row * geometry["cell_h"]
        css_width, css_height = width * geometry["cell_w"], height * geometry["cell_h"]
        assert css_width >= THUMB and css_height >= THUMB, (label, css_width, css_height)
        assert left >= 0 and top >= 0, (label, left, top)
        assert left + css_width <= geometry["vw"] and top + css_height <= geometry["vh"], (label, geometry)
    return shown


async def test_on_a_phone_every_button_is_a_thumb_sized_target_inside_the_page(tmp_path: Path) -> None:
    async with (
        served("--session", "strength-for-speed") as url,
        launch(CHROMIUM or "", tmp_path / "profile", width=PHONE[0], height=PHONE[1], scale=3) as page,
    ):
        await page.send("Emulation.setTouchEmulationEnabled", enabled=True, maxTouchPoints=5)
        await page.navigate(url)
        get_ready = await wait_for_text(page, "Start now")
        geometry = await page.evaluate(GEOMETRY)
        assert geometry["ratio"] == 3 and geometry["canvas"] == pytest.approx(3, rel=0.05), geometry
        assert (geometry["cols"], geometry["rows"]) == (41, 40), geometry
        assert "Mountain climbers" in get_ready
        await check_buttons(page, ["Pause", "Start now", "Skip"], "get-ready", RUN_FOOTER)

        await tap_text(page, "Start now")
        await wait_for_text(page, "tap +1 rep, Done when done")  # the words speak of tapping, not of keys
        reps = await wait_for_text(page, "+1 rep", *RUN_FOOTER)  # Done is left to its button
        assert "Start now" not in reps, reps
        await check_buttons(page, ["Pause", "Done", "+1 rep", "Skip"], "reps", RUN_FOOTER)

        await tap_text(page, "Pause")
        await wait_for_text(page, "tap Resume")
        await check_buttons(page, ["Resume", "Done", "+1 rep", "Skip"], "paused", RUN_FOOTER)

        await tap_text(page, "q Stop")  # the footer's items are taps too
        await wait_for_text(page, "(y)", "(n)")
        await check_buttons(page, ["(y)", "(n)"], "stop-dialog", [], labels=["(y)", "(n)"])
        await tap_text(page, "(y)")
        await wait_for_text(page, "stopped", "Back to home")
        await check_buttons(page, ["Back to home"], "summary", SUMMARY_FOOTER, labels=["Back to home"])
        await tap_text(page, "Back to home")
        await wait_for_text(page, "Start", "History")
        await check_buttons(page, ["Start"], "home", HOME_FOOTER, labels=["Start"])
        await tap_text(page, "h History")
        await wait_for_text(page, "Details")
        await check_buttons(page, [], "history", HISTORY_FOOTER, labels=[])
        await tap_text(page, "⏎ Details")
        await wait_for_text(page, "esc Back", "Planned")
        await check_buttons(page, [], "detail", DETAIL_FOOTER, labels=[])
        await tap_text(page, "? Keys")  # the list of keys, closed by a tap: a phone has no escape key
        await wait_for_text(page, "Keys in a run's detail", "Close")
        await check_buttons(page, ["Close"], "keys", [], labels=["Close"])
        await tap_text(page, "Close")
        await wait_for_text(page, "Keys in a run's detail", gone=True)
    assert (Path(os.environ["HIPTIMER_DATA_DIR"]) / "history.sqlite3").is_file()
