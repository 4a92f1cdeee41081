"""`hiptimer serve` on a phone's screen: 390 x 844 CSS pixels drawn at 3 device pixels each.

A real 3x canvas (``--force-device-scale-factor=3``): the terminal is drawn as a phone draws it.
Every button the run screen shows must be a target a thumb can hit, at least 44 x 44 CSS pixels,
and lie wholly inside the page. Screenshots land in tests/artifacts/.
"""

from __future__ import annotations

import os
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

BUTTON_LABELS = ("Pause", "Resume", "Start now", "Done", "+1 rep", "Skip")

GEOMETRY = """(() => {
  const r = document.querySelector(".xterm-screen").getBoundingClientRect();
  const t = window.hiptimerTerminal;
  const canvas = document.querySelector(".xterm-screen canvas");
  return {left: r.left, top: r.top, cell_w: r.width / t.cols, cell_h: r.height / t.rows,
          cols: t.cols, rows: t.rows, vw: window.innerWidth, vh: window.innerHeight,
          ratio: window.devicePixelRatio, canvas: canvas ? canvas.width / r.width : 0};
})()"""


def button_boxes(lines: list[str]) -> dict[str, tuple[int, int, int, int]]:
    """Each button's box in cells (column, row, width, height), found from what the terminal shows.

    A button is drawn with a tall border: a run of ``▔`` above its label and of ``▁`` below it.
    """
    boxes: dict[str, tuple[int, int, int, int]] = {}
    for row, line in enumerate(lines):
        for label in BUTTON_LABELS:
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


async def check_buttons(page: Page, expected: list[str], name: str) -> str:
    """Every expected button is on screen, 44 x 44 CSS px or more, inside the viewport."""
    shown = await screen(page)
    lines = shown.splitlines()
    boxes = button_boxes(lines)
    assert sorted(boxes) == sorted(expected), shown
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
        await check_buttons(page, ["Pause", "Start now", "Skip"], "get-ready")

        await tap_text(page, "Start now")
        await wait_for_text(page, "tap +1 rep, Done when done")  # the words speak of tapping, not of keys
        reps = await wait_for_text(page, "⏎ Done")  # the footer follows, untouched page or not
        assert "Start now" not in reps, reps
        await check_buttons(page, ["Pause", "Done", "+1 rep", "Skip"], "reps")

        await tap_text(page, "Pause")
        await wait_for_text(page, "tap Resume")
        await check_buttons(page, ["Resume", "Done", "+1 rep", "Skip"], "paused")
    assert (Path(os.environ["HIPTIMER_DATA_DIR"]) / "history.sqlite3").is_file()
