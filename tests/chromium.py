"""Drive Debian's headless Chromium over the DevTools protocol, for the ``hiptimer serve`` tests.

A small client on aiohttp's websocket (aiohttp comes with textual-serve): launch the system
browser with a throw-away profile, open one page, evaluate JavaScript, press keys, tap, take
screenshots, and record every request the page makes. Never downloads a browser.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

__all__ = ["Page", "chromium_path", "launch"]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--autoplay-policy=no-user-gesture-required",
    # No name resolves except loopback's: a page that needs the internet shows it at once.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--remote-debugging-port=0",
)

# Key name -> (code, Windows virtual key code, text) for Input.dispatchKeyEvent.
_KEYS: dict[str, tuple[str, int, str]] = {
    "Enter": ("Enter", 13, "\r"),
    "Escape": ("Escape", 27, ""),
    "Tab": ("Tab", 9, "\t"),
    "ArrowDown": ("ArrowDown", 40, ""),
    "ArrowUp": ("ArrowUp", 38, ""),
    " ": ("Space", 32, " "),
}


def chromium_path() -> str | None:
    """The system Chromium, or None if it is not installed."""
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


@dataclass
class Page:
    """One browser tab, attached over the DevTools protocol."""

    socket: aiohttp.ClientWebSocketResponse
    requests: list[str] = field(default_factory=list)
    """Every URL the page asked for, in order."""
    failed: list[str] = field(default_factory=list)
    """Requests that failed to load, with the reason."""
    console: list[str] = field(default_factory=list)
    """Console messages and uncaught exceptions."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _pending: dict[int, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _listeners: list[Callable[[str, dict[str, Any]], None]] = field(default_factory=list)
    _request_urls: dict[str, str] = field(default_factory=dict)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result."""
        call_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[call_id] = future
        await self.socket.send_str(json.dumps({"id": call_id, "method": method, "params": params}))
        return await asyncio.wait_for(future, 30)

    async def pump(self) -> None:
        """Read the socket: results to their callers, events to the records and listeners."""
        async for message in self.socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if "id" in data:
                future = self._pending.pop(data["id"])
                if "error" in data:
                    future.set_exception(RuntimeError(f"DevTools: {data['error']}"))
                else:
                    future.set_result(data.get("result", {}))
                continue
            method, params = data.get("method", ""), data.get("params", {})
            self._record(method, params)
            for listener in list(self._listeners):
                listener(method, params)
        for future in self._pending.values():
            future.set_exception(ConnectionError("the browser went away"))

    def _record(self, method: str, params: dict[str, Any]) -> None:
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            self.requests.append(url)
            self._request_urls[params["requestId"]] = url
        elif method == "Network.webSocketCreated":
            self.requests.append(params["url"])
        elif method == "Network.loadingFailed":
            url = self._request_urls.get(params["requestId"], "?")
            reason = f"{params.get('errorText')} {params.get('blockedReason', '')}".strip()
            self.failed.append(f"{url}: {reason}")
        elif method == "Runtime.consoleAPICalled":
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.console.append(f"{params['type']}: {args}")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            description = details.get("exception", {}).get("description", details["text"])
            self.console.append(f"exception: {description}")

    async def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page (awaiting a promise) and return its value."""
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, *, timeout: float = 20, what: str = "") -> Any:
        """Poll ``expression`` until it is truthy; return its value.

        Raises:
            TimeoutError: It was not truthy within ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if loop.time() > deadline:
                raise TimeoutError(f"timed out waiting for {what or expression}")
            await asyncio.sleep(0.05)

    async def navigate(self, url: str) -> None:
        """Open ``url`` and wait for its load event."""
        loaded = asyncio.get_running_loop().create_future()

        def on_event(method: str, params: dict[str, Any]) -> None:
            if method == "Page.loadEventFired" and not loaded.done():
                loaded.set_result(None)

        self._listeners.append(on_event)
        try:
            await self.send("Page.navigate", url=url)
            await asyncio.wait_for(loaded, 30)
        finally:
            self._listeners.remove(on_event)

    async def press(self, key: str) -> None:
        """Press and release one key, as typed on a keyboard ("s", "Enter", " ")."""
        if key in _KEYS:
            code, virtual, text = _KEYS[key]
        else:
            code, virtual, text = f"Key{key.upper()}", ord(key.upper()), key
        common = {"key": key, "code": code, "windowsVirtualKeyCode": virtual}
        await self.send("Input.dispatchKeyEvent", type="keyDown", text=text, **common)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **common)

    async def tap(self, x: float, y: float) -> None:
        """Click (a tap, for the app) at page coordinates ``x``, ``y``."""
        for kind in ("mousePressed", "mouseReleased"):
            await self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    async def touch(self, x: float, y: float) -> None:
        """Tap with a finger at page coordinates ``x``, ``y`` (the page must emulate touch)."""
        await self.send("Input.dispatchTouchEvent", type="touchStart", touchPoints=[{"x": x, "y": y}])
        await self.send("Input.dispatchTouchEvent", type="touchEnd", touchPoints=[])

    async def screenshot(self, path: Path) -> Path:
        """Save a PNG of the visible page to ``path``."""
        result = await self.send("Page.captureScreenshot", format="png")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(result["data"]))
        return path


@contextlib.asynccontextmanager
async def launch(
    executable: str,
    profile: Path,
    *,
    width: int = 1000,
    height: int = 700,
    scale: int = 1,
    sound_needs_a_tap: bool = False,
) -> AsyncIterator[Page]:
    """Start headless Chromium with a fresh profile in ``profile`` and attach to its tab.

    The page gets a device pixel ratio of ``scale``, set on the browser itself
    (``--force-device-scale-factor``), so that xterm.js sizes its canvas for it as on a real
    phone: with a ratio emulated over DevTools alone, headless Chromium sizes the canvas for 1 and
    the screenshot shows the terminal at ``scale`` times its size.

    Args:
        executable: The browser.
        profile: An empty folder for the browser's profile (``--user-data-dir``).
        width: The page's width in CSS pixels.
        height: The page's height in CSS pixels.
        scale: Device pixels per CSS pixel (a phone: 3).
        sound_needs_a_tap: Keep the browser's own rule that a page plays sound only after the
            user has tapped or typed in it (as on a phone), instead of letting it play at once.
    """
    flags = [f for f in FLAGS if not (sound_needs_a_tap and f.startswith("--autoplay-policy="))]
    process = await asyncio.create_subprocess_exec(
        executable,
        *flags,
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        f"--force-device-scale-factor={scale}",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        port = await _devtools_port(profile, process)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json()
            url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
            async with http.ws_connect(url, max_msg_size=0) as socket:
                page = Page(socket)
                pump = asyncio.create_task(page.pump())
                try:
                    for domain in ("Page", "Runtime", "Network"):
                        await page.send(f"{domain}.enable")
                    await page.send(
                        "Emulation.setDeviceMetricsOverride",
                        width=width,
                        height=height,
                        deviceScaleFactor=scale,
                        mobile=False,
                    )
                    yield page
                finally:
                    pump.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await pump
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _devtools_port(profile: Path, process: asyncio.subprocess.Process) -> int:
    """The port Chromium chose, from the DevToolsActivePort file it writes in its profile."""
    marker = profile / "DevToolsActivePort"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while loop.time() < deadline:
        if process.returncode is not None:
            raise RuntimeError(f"chromium exited with {process.returncode} before it was ready")
        with contextlib.suppress(FileNotFoundError, ValueError, IndexError):
            return int(marker.read_text().splitlines()[0])
        await asyncio.sleep(0.05)
    raise TimeoutError("chromium did not open its DevTools port")
