"""`hiptimer serve`: "Export to watch" downloads the workout file in the browser (a real Chromium)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from chromium import chromium_path, launch
from garmin_fit_sdk import Decoder, Stream
from test_serve_browser import served, tap_text, wait_for_text

CHROMIUM = chromium_path()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium); CI installs it"
    ),
]


async def _downloaded(folder: Path, timeout: float = 30) -> Path:
    for _ in range(int(timeout * 10)):
        found = [p for p in folder.glob("*.fit") if p.stat().st_size > 0]
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"nothing downloaded into {folder}: {list(folder.iterdir())}")


async def test_w_in_the_served_app_downloads_todays_workout(tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    async with served() as url, launch(CHROMIUM or "", tmp_path / "profile", width=1000, height=700) as page:
        await page.send("Page.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        await page.navigate(url)
        home = await wait_for_text(page, "Hill sprints")
        assert "Export to watch" in home
        await tap_text(page, "Hill sprints")
        await wait_for_text(page, "today: 4 repeats")
        await page.press("w")
        await wait_for_text(page, "is on its way")
        saved = await _downloaded(downloads)
    assert saved.name.endswith(".fit")
    data = bytearray(saved.read_bytes())
    assert Decoder(Stream.from_byte_array(data)).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(data)).read()
    assert errors == []
    assert messages["file_id_mesgs"][0]["type"] == "workout"
    assert saved.name.startswith("hill-sprints-")  # the highlighted session
    assert messages["workout_mesgs"][0]["wkt_name"] == "Hill sprints"
    export_dir = os.environ.get("HIPTIMER_EXPORT_DIR")
    assert export_dir is None or not Path(export_dir).exists()
