"""`hiptimer serve` in a real browser: a closed tab costs nothing, and the screen is kept on.

Debian's headless Chromium, driven over the DevTools protocol (see ``chromium.py``). The tab is
closed during a rest and opened again: the rest goes on with the time gone by taken off. The page
asks for a Screen Wake Lock after the first tap, or plays its muted video where the browser has
no wake lock, and says so when neither works.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from pathlib import Path

import pytest
from chromium import Page, chromium_path, launch
from test_serve_browser import PHONE_HEIGHT, PHONE_WIDTH, TINY_SESSION, screen, served, wait_for_text

CHROMIUM = chromium_path()
ARTIFACTS = Path(__file__).parent / "artifacts"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium); CI installs it"
    ),
]

REST_SESSION = """\
id = "browser-rest"
name = "Browser rest"
get_ready = 1

[[steps]]
type = "rest"
seconds = 600

[[steps]]
type = "open"
name = "Walk back"
estimate_seconds = 30
"""

LEFT = re.compile(r"(\d+):(\d\d) left")


def add_session(name: str, text: str) -> None:
    sessions = Path(os.environ["HIPTIMER_SESSIONS_DIR"])
    sessions.mkdir(parents=True, exist_ok=True)
    (sessions / f"{name}.toml").write_text(text)


async def seconds_left(page: Page) -> int:
    """The "m:ss left" under the clock, in seconds."""
    found = LEFT.search(await wait_for_text(page, " left"))
    assert found, await screen(page)
    return int(found[1]) * 60 + int(found[2])


async def run_status(timeout: float = 20) -> str:
    """The latest run's status in the history file, once it is no longer running."""
    path = Path(os.environ["HIPTIMER_DATA_DIR"]) / "history.sqlite3"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    status = "none"
    while loop.time() < deadline:
        if path.exists():
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                row = conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
            except sqlite3.Error:
                row = None
            finally:
                conn.close()
            status = row[0] if row else "none"
            if status not in ("none", "running"):
                return status
        await asyncio.sleep(0.1)
    return status


async def test_a_tab_closed_during_a_rest_and_opened_again_goes_on_with_the_time_gone_by(
    tmp_path: Path,
) -> None:
    add_session("browser-rest", REST_SESSION)
    loop = asyncio.get_running_loop()
    async with (
        served("--session", "browser-rest") as url,
        launch(CHROMIUM or "", tmp_path / "profile", width=PHONE_WIDTH, height=PHONE_HEIGHT) as page,
    ):
        await page.navigate(url)
        await wait_for_text(page, "REST")
        before, seen = await seconds_left(page), loop.time()
        assert 600 < before <= 630

        await page.navigate("about:blank")  # the tab is closed: its app quits
        assert await run_status() == "interrupted"
        await asyncio.sleep(3)  # the rest goes on meanwhile

        await page.navigate(url)
        shown = await wait_for_text(page, "Resumed: Rest")
        assert "Resume Browser rest?" not in shown, "no question: the run went on by itself"
        after, now = await seconds_left(page), loop.time()
        await page.screenshot(ARTIFACTS / "serve-resumed.png")
        gone = now - seen
        assert gone >= 3
        assert abs((before - after) - gone) <= 2.5, (before, after, gone)


async def test_the_page_asks_for_a_wake_lock_after_the_first_tap(tmp_path: Path) -> None:
    add_session("browser-check", TINY_SESSION)
    async with (
        served() as url,
        launch(CHROMIUM or "", tmp_path / "profile", width=PHONE_WIDTH, height=PHONE_HEIGHT) as page,
    ):
        await page.navigate(url)
        await wait_for_text(page, "Browser check")
        before = await page.evaluate("({...hiptimerAwake})")
        assert (before["asked"], before["on"]) == (0, False)
        await page.tap(PHONE_WIDTH / 2, PHONE_HEIGHT - 10)
        awake = await page.wait_for("hiptimerAwake.on && hiptimerAwake", what="the wake lock")
        assert awake["how"] == "wake-lock", awake
        assert await page.evaluate("document.getElementById('awake-note').hidden")


async def test_without_a_wake_lock_the_first_tap_starts_the_muted_video(tmp_path: Path) -> None:
    add_session("browser-check", TINY_SESSION)
    async with (
        served() as url,
        launch(CHROMIUM or "", tmp_path / "profile", width=PHONE_WIDTH, height=PHONE_HEIGHT) as page,
    ):
        # As on a phone over plain HTTP: no secure context, so no navigator.wakeLock.
        await page.send(
            "Page.addScriptToEvaluateOnNewDocument", source="delete Navigator.prototype.wakeLock;"
        )
        await page.navigate(url)
        await wait_for_text(page, "Browser check")
        assert await page.evaluate("document.querySelector('video') === null"), "no video before a tap"
        await page.tap(PHONE_WIDTH / 2, PHONE_HEIGHT - 10)
        awake = await page.wait_for("hiptimerAwake.on && hiptimerAwake", what="the video")
        assert awake["how"] == "video", awake
        video = await page.wait_for(
            "(() => { const v = document.querySelector('video.awake-video');"
            " return v && !v.paused && v.currentTime > 0 && [v.muted, v.loop, v.videoWidth]; })()",
            what="the video playing",
        )
        assert video == [True, True, 16]
        assert any(u.endswith("/hiptimer/awake.mp4") for u in page.requests), page.requests
        assert not page.failed, page.failed


async def test_when_neither_works_the_page_says_so(tmp_path: Path) -> None:
    add_session("browser-check", TINY_SESSION)
    async with (
        served() as url,
        launch(CHROMIUM or "", tmp_path / "profile", width=PHONE_WIDTH, height=PHONE_HEIGHT) as page,
    ):
        await page.send(
            "Page.addScriptToEvaluateOnNewDocument",
            source="delete Navigator.prototype.wakeLock;"
            "HTMLMediaElement.prototype.play = () =>"
            " Promise.reject(new DOMException('no', 'NotAllowedError'));",
        )
        await page.navigate(url)
        await wait_for_text(page, "Browser check")
        await page.tap(PHONE_WIDTH / 2, PHONE_HEIGHT - 10)
        note = await page.wait_for(
            "(() => { const n = document.getElementById('awake-note');"
            " return !n.hidden && n.textContent; })()",
            what="the note",
        )
        assert "screen" in note
        await page.screenshot(ARTIFACTS / "serve-awake-note.png")
        await page.tap(PHONE_WIDTH / 2, 10)  # a tap on the note hides it
        assert await page.wait_for("document.getElementById('awake-note').hidden")
