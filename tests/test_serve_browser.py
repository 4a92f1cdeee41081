"""`hiptimer serve` in a real browser: Debian's headless Chromium, driven over the DevTools protocol.

The story: a runner opens the served address on a phone-sized screen, sees the home screen,
taps the session, starts it, presses done on the open step, and sees the summary. Screenshots
land in tests/artifacts/. The page must load nothing from outside this computer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from chromium import Page, chromium_path, launch

CHROMIUM = chromium_path()
ARTIFACTS = Path(__file__).parent / "artifacts"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium); CI installs it"
    ),
]

# The terminal draws on a canvas; the page keeps xterm.js's terminal where its buffer can be read.
SCREEN = """(() => {
  const terminal = window.hiptimerTerminal;
  if (!terminal) return "";
  const buffer = terminal.buffer.active, lines = [];
  for (let y = 0; y < terminal.rows; y++) lines.push(buffer.getLine(y).translateToString(true));
  return lines.join("\\n");
})()"""

TINY_SESSION = """\
id = "browser-check"
name = "Browser check"
description = "A two-step session for the browser test."
get_ready = 1

[schedule]
when = "any"

[[steps]]
type = "work"
name = "Hold steady"
seconds = 1

[[steps]]
type = "open"
name = "Walk back"
estimate_seconds = 30
instructions = "Press done at the bottom of the hill."
"""

PHONE_WIDTH, PHONE_HEIGHT = 412, 860  # CSS pixels, a common phone held upright


async def screen(page: Page) -> str:
    return str(await page.evaluate(SCREEN))


async def wait_for_text(page: Page, *texts: str, gone: bool = False, timeout: float = 30) -> str:
    """Wait until every one of ``texts`` is on the terminal's screen at once (or, with ``gone``,
    none is); return the screen.

    Wait for the content a test checks, not for a title: the app draws a screen's title first
    and its tables a moment later, which a busy machine stretches to seconds.
    """
    test = " && ".join(f"{'!' if gone else ''}screen.includes({json.dumps(text)})" for text in texts)
    try:
        # The screen that passed the test, read once: a second read could catch a later frame.
        shown = await page.wait_for(f"(screen => ({test}) && screen)({SCREEN})", timeout=timeout)
    except TimeoutError:
        raise AssertionError(
            f"{texts!r} {'still' if gone else 'not all'} on screen:\n{await screen(page)}"
        ) from None
    return str(shown)


async def tap_text(page: Page, text: str) -> None:
    """Tap (with a finger) the middle of the first place ``text`` is shown on the terminal."""
    lines = (await screen(page)).splitlines()
    row = next(i for i, line in enumerate(lines) if text in line)
    column = lines[row].index(text) + len(text) / 2
    box = await page.evaluate(
        """(() => { const r = document.querySelector(".xterm-screen").getBoundingClientRect();
        return [r.left, r.top, r.width / hiptimerTerminal.cols, r.height / hiptimerTerminal.rows]; })()"""
    )
    left, top, cell_width, cell_height = box
    await page.touch(left + column * cell_width, top + (row + 0.5) * cell_height)


@contextlib.asynccontextmanager
async def served(*args: str) -> AsyncIterator[str]:
    """Run ``hiptimer serve --port 0 ARGS`` and yield the address it prints."""
    async with serving(sys.executable, "-m", "hiptimer", "serve", "--port", "0", *args) as url:
        yield url


@contextlib.asynccontextmanager
async def serving(*argv: str) -> AsyncIterator[str]:
    """Run a server command line; yield the address it prints first; stop it as Ctrl+C would."""
    server = await asyncio.create_subprocess_exec(
        *argv,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert server.stdout is not None
    try:
        first = (await asyncio.wait_for(server.stdout.readline(), 30)).decode()
        match = re.search(r"http://\S+", first)
        assert match, f"no address in {first!r}"
        yield match[0]
    finally:
        with contextlib.suppress(ProcessLookupError):
            server.terminate()
        out, err = await asyncio.wait_for(server.communicate(), 30)
    assert server.returncode == 0, err.decode()
    assert b"stopped serving" in out


def assert_stayed_on_this_computer(page: Page, port: str) -> None:
    local = re.compile(rf"^(https?|wss?)://127\.0\.0\.1:{port}/")
    outside = [url for url in page.requests if not local.match(url) and not url.startswith("data:")]
    assert not outside, f"the page asked for {outside}"
    assert not page.failed, page.failed
    assert not [line for line in page.console if line.startswith(("exception", "error"))], page.console


async def test_a_phone_opens_the_app_taps_a_session_runs_it_and_presses_done(tmp_path: Path) -> None:
    sessions = Path(os.environ["HIPTIMER_SESSIONS_DIR"])
    sessions.mkdir(parents=True, exist_ok=True)
    (sessions / "browser-check.toml").write_text(TINY_SESSION)
    async with (
        served("--token") as url,
        launch(CHROMIUM or "", tmp_path / "profile", width=PHONE_WIDTH, height=PHONE_HEIGHT) as page,
    ):
        port = url.split(":")[2].split("/")[0]
        await page.navigate(url.split("?")[0])
        assert "access token" in await page.evaluate("document.body.innerText"), "opened without the token"

        await page.send("Emulation.setTouchEmulationEnabled", enabled=True, maxTouchPoints=5)
        await page.navigate(url)
        await wait_for_text(page, "Browser check", "Hill sprints")  # the user's session among the built-ins
        await page.screenshot(ARTIFACTS / "serve-home.png")

        await tap_text(page, "Browser check")
        await wait_for_text(page, "A two-step session for the browser test.")
        keyboard = await page.evaluate("document.activeElement.getAttribute('inputmode')")
        assert keyboard == "none", "a tap opens no on-screen keyboard over the app"
        await page.press("Enter")
        await wait_for_text(page, "Hold steady")
        await wait_for_text(page, "Walk back", "Press done at the bottom of the hill.")  # the open step
        await page.screenshot(ARTIFACTS / "serve-run.png")

        await page.press("Enter")  # done: the open step ends, and with it the session
        await wait_for_text(page, "Press done at the bottom of the hill.", gone=True)
        # The summary's title comes first, its table of steps a moment later: wait for the steps.
        summary = await wait_for_text(page, "Browser check: complete", "Hold steady", "Walk back")
        await page.screenshot(ARTIFACTS / "serve-summary.png")
        steps = [line for line in summary.splitlines() if "Hold steady" in line or "Walk back" in line]
        assert len(steps) == 2, f"the summary lists the steps, one a line:\n{summary}"
        assert_stayed_on_this_computer(page, port)
    assert (Path(os.environ["HIPTIMER_DATA_DIR"]) / "history.sqlite3").is_file(), "the run was saved"


BELL_APP = """
from textual.app import App
from textual.widgets import Static

class Bell(App[None]):
    BINDINGS = [("b", "ring", "Ring")]

    def compose(self):
        yield Static("Press b to ring", id="text")

    def action_ring(self):
        self.bell()
        self.query_one("#text", Static).update("Rang the bell")

Bell().run()
"""


async def test_the_terminal_bell_becomes_a_beep_in_the_page(tmp_path: Path) -> None:
    app = tmp_path / "bell_app.py"
    app.write_text(BELL_APP)
    serve_it = (
        "import shlex, sys\n"
        "from hiptimer.web.serve import ServeConfig, run\n"
        f"sys.exit(run(ServeConfig('127.0.0.1', 0, None, shlex.join([sys.executable, {str(app)!r}]))))\n"
    )
    async with (
        serving(sys.executable, "-c", serve_it) as url,
        launch(CHROMIUM or "", tmp_path / "profile", width=PHONE_WIDTH, height=PHONE_HEIGHT) as page,
    ):
        await page.navigate(url)
        await wait_for_text(page, "Press b to ring")
        assert await page.evaluate("hiptimerBell.rung") == 0
        await page.evaluate("hiptimerTerminal.focus()")
        await page.press("b")  # a key press also lets the page play sound
        await wait_for_text(page, "Rang the bell")
        bell = await page.wait_for("hiptimerBell.rung > 0 && hiptimerBell", what="the bell")
        assert bell["audio"] == "running"
        assert bell["played"] == 1


CUES_SESSION = """\
id = "browser-cues"
name = "Browser cues"
description = "A short session whose every cue the phone must play."
get_ready = 5

[[steps]]
type = "hold"
name = "Toe-touches"
cue = "toe touches"
seconds = 10

[[steps]]
type = "open"
name = "Walk down"
cue = "walk down"
estimate_seconds = 10
"""

# Installed before the page's scripts: records which fetched file each started sound came from.
AUDIO_PROBE = """(() => {
  const urls = new WeakMap();
  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await nativeFetch(input, init);
    const path = new URL(typeof input === "string" ? input : input.url, location.href).pathname;
    const read = response.arrayBuffer.bind(response);
    response.arrayBuffer = async () => { const data = await read(); urls.set(data, path); return data; };
    return response;
  };
  window.audioProbe = { contexts: 0, started: [] };
  const Native = window.AudioContext;
  window.AudioContext = class extends Native {
    constructor(...args) { super(...args); window.audioProbe.contexts += 1; }
    decodeAudioData(data, ...rest) {
      const path = urls.get(data);
      return super.decodeAudioData(data, ...rest).then((buffer) => {
        buffer.probePath = path;
        return buffer;
      });
    }
    createBufferSource() {
      const source = super.createBufferSource();
      const context = this;
      const start = source.start.bind(source);
      source.start = (...args) => {
        if (source.buffer && source.buffer.probePath) {
          window.audioProbe.started.push([source.buffer.probePath.replace("/sounds/", ""), context.state]);
        }
        return start(...args);
      };
      return source;
    }
  };
})();"""


def expected_clips() -> list[str]:
    """Every clip of a whole run of CUES_SESSION, in order, as the app plans and sends them."""
    import tomllib

    from hiptimer.audio.lengths import clip_lengths
    from hiptimer.audio.page import cue_message
    from hiptimer.core.cue_timeline import plan_cues, run_timeline
    from hiptimer.core.plan import compile_plan
    from hiptimer.core.schema import validate_session

    sounds = Path(__file__).resolve().parent.parent / "sounds"
    lengths = clip_lengths(sounds)
    plan = compile_plan(validate_session(tomllib.loads(CUES_SESSION)))
    clips: list[str] = []
    for cue in run_timeline(plan, plan_cues(plan, lengths)):
        clips += [path for path, _ in cue_message(cue.request, lengths)["clips"]]
    return clips


async def test_after_one_touch_tap_every_cue_plays_its_clips_on_the_phone(tmp_path: Path) -> None:
    sessions = Path(os.environ["HIPTIMER_SESSIONS_DIR"])
    sessions.mkdir(parents=True, exist_ok=True)
    (sessions / "browser-cues.toml").write_text(CUES_SESSION)
    expected = expected_clips()
    assert "voice/toe-touches.wav" in expected and "hold.wav" in expected and "easy.wav" in expected
    async with (
        served() as url,
        launch(
            CHROMIUM or "",
            tmp_path / "profile",
            width=PHONE_WIDTH,
            height=PHONE_HEIGHT,
            sound_needs_a_tap=True,
        ) as page,
    ):
        await page.send("Page.addScriptToEvaluateOnNewDocument", source=AUDIO_PROBE)
        await page.send("Emulation.setTouchEmulationEnabled", enabled=True, maxTouchPoints=5)
        await page.navigate(url)
        await wait_for_text(page, "Browser cues")
        hint = "(h => (h.hidden ? '' : h.textContent))(document.getElementById('sound-hint'))"
        assert await page.evaluate(hint) == "Tap for sound"
        assert await page.evaluate("hiptimerBell.audio") == "locked"

        # A finger down is not yet a tap: the browser does not let it start sound.
        lines = (await screen(page)).splitlines()
        row = next(i for i, line in enumerate(lines) if "Browser cues" in line)
        left, top, cell_width, cell_height = await page.evaluate(
            """(() => { const r = document.querySelector(".xterm-screen").getBoundingClientRect();
            return [r.left, r.top, r.width / hiptimerTerminal.cols, r.height / hiptimerTerminal.rows]; })()"""
        )
        x = left + (lines[row].index("Browser cues") + 6) * cell_width
        y = top + (row + 0.5) * cell_height
        await page.send("Input.dispatchTouchEvent", type="touchStart", touchPoints=[{"x": x, "y": y}])
        await asyncio.sleep(0.3)
        assert await page.evaluate("hiptimerBell.audio") == "locked"
        await page.send("Input.dispatchTouchEvent", type="touchEnd", touchPoints=[])
        await page.wait_for("hiptimerBell.audio === 'running'", what="sound unlocked by the tap")
        assert await page.evaluate(hint) == ""

        await wait_for_text(page, "A short session whose every cue")
        await page.press("Enter")  # start it
        await wait_for_text(page, "Walk down", timeout=40)
        before_done = expected.index("easy.wav") + 1
        await page.wait_for(
            f"audioProbe.started.length >= {before_done + 1}", timeout=40, what="the walk-down's clips"
        )
        await page.press("Enter")  # done: the open step ends, and with it the session
        await page.wait_for(f"audioProbe.started.length >= {len(expected)}", timeout=20, what="every clip")
        await asyncio.sleep(0.5)
        started = await page.evaluate("audioProbe.started")
        assert [path for path, _ in started] == expected
        assert {state for _, state in started} == {"running"}
        assert await page.evaluate("audioProbe.contexts") == 1
        received = await page.evaluate("hiptimerCues.received")
        assert received[:2] == ["get-ready", "pip"] and "hold" in received and received[-1] == "done"
        assert await page.evaluate("hiptimerBell.rung") == 0, "cues come as clips, not as the bell"
        fetched = [u for u in page.requests if "/sounds/" in u and u.endswith(".wav")]
        assert len(fetched) == len(set(fetched)), "each sound is fetched once"


OTHER_SITE = """<!doctype html><title>another site</title><script>
window.attempts = {};
for (const [name, url] of Object.entries(TARGETS)) {
  const socket = new WebSocket(url);
  socket.onopen = () => { window.attempts[name] = "open"; };
  socket.onmessage = () => { window.attempts[name] = "received"; };
  socket.onclose = () => { window.attempts[name] ??= "refused"; };
}
</script>"""


@contextlib.asynccontextmanager
async def other_site(targets: dict[str, str]) -> AsyncIterator[str]:
    """A page on another port of this computer that opens websockets to ``targets``."""
    from aiohttp import web

    page = OTHER_SITE.replace("TARGETS", json.dumps(targets))

    async def index(request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    app = web.Application()
    app.add_routes([web.get("/", index)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        yield f"http://127.0.0.1:{port}/"
    finally:
        await runner.cleanup()


async def test_a_page_on_another_port_cannot_open_the_apps_websocket(tmp_path: Path) -> None:
    async with (
        served() as open_url,
        served("--token") as token_url,
        launch(CHROMIUM or "", tmp_path / "profile") as page,
    ):
        # The runner opened the token server once: the browser holds its cookie, which a page on
        # another port of the same computer would send along too (same site, another origin).
        await page.navigate(token_url)
        await wait_for_text(page, "Hill sprints")
        targets = {
            "no token": open_url.split("?")[0].replace("http://", "ws://") + "ws",
            "token": token_url.split("?")[0].replace("http://", "ws://") + "ws",
        }
        async with other_site(targets) as elsewhere:
            await page.navigate(elsewhere)
            attempts = await page.wait_for(
                "Object.keys(window.attempts).length == 2 && window.attempts", what="both websockets"
            )
    assert attempts == {"no token": "refused", "token": "refused"}
