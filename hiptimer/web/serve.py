"""``hiptimer serve``: the app in a browser tab, on this computer or a phone on the home network.

textual-serve runs a fresh ``hiptimer`` process for every browser tab that connects and streams
its screen to the page (xterm.js). This module wraps it with what a phone on a home network
needs:

* an access token: listening on anything but loopback needs one. It rides in the first URL
  (``?token=...``, also shown as a QR code); the server answers it with a cookie that the page's
  assets and its websocket then carry. Anything else gets HTTP 403.
* a page that works offline: textual-serve's own page pulls a font from the internet; ours uses
  the copy of Roboto Mono that textual-serve ships, and a Content-Security-Policy that allows
  nothing but this server.
* sound on the phone: the served app sends each cue to the page as an escape sequence naming
  the clips to play (``HIPTIMER_AUDIO=web``, :mod:`hiptimer.audio.page`); the page fetches those
  WAVs from ``/sounds/`` once each and plays them with Web Audio, with a buzz by kind where the
  phone can vibrate. The terminal bell (rung by anything else) is a short beep. The computer
  running the server stays silent.
* a screen that stays on: a phone that locks drops the connection (the run goes on by its clock
  all the same, see :mod:`hiptimer.core.continuation`). The page holds a Screen Wake Lock where the
  browser allows one, and otherwise plays a tiny muted video (:mod:`hiptimer.web.video`).

textual-serve and aiohttp come with the ``web`` extra; the command line imports this module only
for ``hiptimer serve``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import html
import ipaddress
import os
import secrets
import shlex
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from aiohttp import web
from textual_serve.server import Server
from yarl import URL

from hiptimer.web.qr import qr_text
from hiptimer.web.video import awake_video

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ServeConfig",
    "app_command",
    "build_app",
    "is_loopback",
    "new_token",
    "run",
    "served_environment",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TOKEN_PARAMETER = "token"
AWAKE_VIDEO_PATH = "/hiptimer/awake.mp4"
"""The muted video the page loops to keep the screen on where no wake lock is allowed."""

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """What ``hiptimer serve`` was asked for.

    Attributes:
        host: The address to listen on.
        port: The port to listen on (0: any free port).
        token: The access token every request must carry, or None for none (loopback only).
        command: The shell command that starts the app for each browser tab.
        title: The page's title.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    command: str = ""
    title: str = "hiptimer"

    def __post_init__(self) -> None:
        if self.token is None and not is_loopback(self.host):
            raise ValueError(f"listening on {self.host} needs an access token")

    @property
    def cookie_name(self) -> str:
        """The cookie that carries the token (per port: cookies are shared across ports)."""
        return f"hiptimer_token_{self.port}"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this computer only ("localhost", 127.0.0.0/8, ::1)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def new_token() -> str:
    """A fresh random access token, safe to put in a URL."""
    return secrets.token_urlsafe(16)


# The app for one tab, in a session of its own: it has no controlling terminal, so nothing it does
# reaches the terminal the server runs in (no bell rung there), and Ctrl+C there stops the server
# alone, which then tells each app to quit.
_DETACHED_MAIN = """\
import contextlib, os, sys
with contextlib.suppress(AttributeError, OSError):
    os.setsid()
from hiptimer.cli import main
sys.exit(main(sys.argv[1:]))
"""


def app_command(session: str | None = None, python: str = sys.executable) -> str:
    """The shell command that starts the app for one browser tab.

    Args:
        session: Go straight into this session (an id or a path), else the home screen.
        python: The interpreter to run hiptimer with (default: this one).
    """
    return shlex.join([python, "-c", _DETACHED_MAIN, *(("run", session) if session else ())])


def served_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for the served app: cues play in the page (``web``) unless audio is off,
    and ``HIPTIMER_SERVED=1`` tells the app it is in a browser (its words speak of tapping).

    The app's own players would sound on the computer running the server, not on the phone.
    """
    env = dict(environ)
    env["HIPTIMER_SERVED"] = "1"
    if env.get("HIPTIMER_AUDIO", "").strip().lower() != "off":
        env["HIPTIMER_AUDIO"] = "web"
    return env


def public_host(host: str) -> str:
    """The address to put in the URL: for 0.0.0.0 or ::, this computer's address on the network."""
    try:
        wildcard = ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        wildcard = host == ""
    if not wildcard:
        return host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: picks the outgoing interface, sends nothing
            address = str(probe.getsockname()[0])
        except OSError:
            address = ""
    return address if address and not is_loopback(address) else socket.gethostname()


def page_url(host: str, port: int, token: str | None) -> str:
    """The address to open in the browser."""
    shown = public_host(host)
    if ":" in shown:  # IPv6
        shown = f"[{shown.strip('[]')}]"
    url = URL.build(scheme="http", host=shown, port=port, path="/", encoded=True)
    return str(url.with_query({TOKEN_PARAMETER: token}) if token else url)


# -- the web application -------------------------------------------------------------------------


def build_app(
    config: ServeConfig,
    *,
    log: Callable[[str], None] = print,
    sounds: tuple[Path, Path | None] | None = None,
) -> web.Application:
    """The aiohttp application: the page, its assets, the cue sounds, and one app process per websocket.

    Args:
        config: What to serve and how to guard it.
        log: Where one-line notices go (a tab connected, a request refused).
        sounds: The built-in and the user's sounds folders (default: the app's own).

    Returns:
        The application, ready for an aiohttp runner.
    """
    server = Server(config.command, host=config.host, port=config.port, title=config.title)
    sessions: set[asyncio.Task[object]] = set()

    async def index(request: web.Request) -> web.StreamResponse:
        nonce = secrets.token_urlsafe(12)
        font_size = _int_query(request, "fontsize", 16, 6, 64)
        text = (
            _PAGE.replace("{{nonce}}", nonce)
            .replace("{{title}}", html.escape(config.title))
            .replace("{{font_size}}", str(font_size))
            .replace("{{awake_video}}", AWAKE_VIDEO_PATH)
        )
        response = web.Response(text=text, content_type="text/html")
        response.headers["Content-Security-Policy"] = _CSP.replace("{{nonce}}", nonce)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def websocket(request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is not None and not _same_origin(origin, request.url):
            log(f"refused a websocket from another site ({origin})")
            raise web.HTTPForbidden(text="hiptimer: websocket from another site refused\n")
        task = asyncio.current_task()
        assert task is not None
        sessions.add(task)
        log(f"browser connected from {request.remote}")
        try:
            return await server.handle_websocket(request)
        finally:
            sessions.discard(task)
            log(f"browser disconnected ({request.remote})")

    async def close_sessions(app: web.Application) -> None:
        for task in sessions:
            task.cancel()  # the handler closes its websocket and tells its app to quit
        if sessions:
            await asyncio.wait(set(sessions), timeout=5)
        # textual-serve leaves each app process's pipes to the garbage collector: let it close
        # them while the event loop still runs, not after (which prints errors on the way out).
        gc.collect()

    script: list[bytes] = []

    async def textual_js(request: web.Request) -> web.StreamResponse:
        if not script:
            script.append(_exposed_terminal((server.statics_path / "js" / "textual.js").read_bytes()))
        return web.Response(body=script[0], content_type="text/javascript")

    async def video(request: web.Request) -> web.StreamResponse:
        response = web.Response(body=awake_video(), content_type="video/mp4")
        response.headers["Cache-Control"] = "max-age=86400"
        return response

    app = web.Application(middlewares=[_guard(config, log)])
    app.add_routes(_sound_routes(sounds))
    app.add_routes(
        [
            web.get("/", index),
            web.get(AWAKE_VIDEO_PATH, video),
            web.get("/static/js/textual.js", textual_js),
            web.get("/ws", websocket),
            web.get("/download/{key}", server.handle_download),
            web.static("/static", server.statics_path),
        ]
    )
    app.on_shutdown.append(close_sessions)
    return app


def _sound_routes(sounds: tuple[Path, Path | None] | None) -> list[web.RouteDef]:
    """``/sounds/index.json`` (every clip the page may play) and ``/sounds/NAME.wav`` (one clip).

    The user's folder is searched before the built-in one, as the terminal's player does; only
    ``.wav`` files inside the two folders are served (:func:`hiptimer.audio.resolve_sound`).
    """
    from hiptimer.audio.sounds import VOICE_DIR, resolve_sound

    def folders() -> tuple[Path, Path]:
        if sounds is not None and sounds[1] is not None:
            return sounds[0], sounds[1]
        from hiptimer import locations, resources

        return (sounds[0] if sounds else resources.sounds_dir()), locations.user_sounds_dir()

    async def index(request: web.Request) -> web.StreamResponse:
        builtin, user = folders()
        names: set[str] = set()
        for folder in (builtin, user):
            for pattern in ("*.wav", f"{VOICE_DIR}/*.wav"):
                names.update(p.relative_to(folder).as_posix() for p in folder.glob(pattern))
        response = web.json_response(sorted(names))
        response.headers["Cache-Control"] = "no-store"
        return response

    async def clip(request: web.Request) -> web.StreamResponse:
        builtin, user = folders()
        try:
            path = resolve_sound(request.match_info["name"], builtin, user)
        except ValueError:
            raise web.HTTPNotFound(text="hiptimer: no such sound\n") from None
        response = web.FileResponse(path, headers={"Content-Type": "audio/wav"})
        response.headers["Cache-Control"] = "private, max-age=3600"
        return response

    return [web.get("/sounds/index.json", index), web.get(r"/sounds/{name:.+\.wav}", clip)]


def _guard(config: ServeConfig, log: Callable[[str], None]) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Middleware: the token (when one is set), and the Host check that stops DNS rebinding."""
    token = config.token
    local_names = {"localhost", "127.0.0.1", "::1", config.host.strip("[]").lower()}

    @web.middleware
    async def guard(request: web.Request, handler: _Handler) -> web.StreamResponse:
        if token is None:
            # Loopback without a token: only accept requests addressed to this computer by name, so
            # a web page whose host name is made to point at 127.0.0.1 cannot reach the app.
            if (request.url.host or "").strip("[]").lower() not in local_names:
                log(f"refused a request for host {request.host!r}")
                raise web.HTTPForbidden(text="hiptimer: unknown host name\n")
            return await _with_headers(await handler(request))
        given = request.query.get(TOKEN_PARAMETER, "")
        from_query = _same(given, token)
        if not (from_query or _same(request.cookies.get(config.cookie_name, ""), token)):
            log(f"refused a request without the token from {request.remote} ({request.path})")
            raise web.HTTPForbidden(
                text="hiptimer: this page needs the access token. Open the full address that "
                "`hiptimer serve` printed (it ends in ?token=...).\n"
            )
        response = await _with_headers(await handler(request))
        if from_query and not response.prepared:
            response.set_cookie(config.cookie_name, token, httponly=True, samesite="Strict", path="/")
        return response

    return guard


async def _with_headers(response: web.StreamResponse) -> web.StreamResponse:
    if not response.prepared:
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _exposed_terminal(script: bytes) -> bytes:
    """textual.js with its xterm.js terminal kept as ``window.hiptimerTerminal``.

    The page's tests read the screen from the terminal's buffer (the terminal draws on a canvas,
    so the text is not in the DOM). If a future textual.js is built differently, it is served as
    it is and only that hook is missing.
    """
    return script.replace(
        b"this.terminal.open(e),", b"this.terminal.open(e),window.hiptimerTerminal=this.terminal,", 1
    )


def _same(given: str, token: str) -> bool:
    return bool(given) and secrets.compare_digest(given.encode(), token.encode())


def _same_origin(origin: str, own: URL) -> bool:
    """Whether a websocket's ``Origin`` is the page's own: same scheme, host and port.

    A page on another port of the same computer is another site (another program may serve it).
    ``Origin: null`` (a sandboxed or file page) and anything unparseable are never the same.
    """
    try:
        theirs = URL(origin)
    except ValueError:
        return False
    if not theirs.is_absolute() or theirs.host is None or own.host is None:
        return False
    return (theirs.scheme.lower(), theirs.host.lower(), theirs.port) == (
        own.scheme.lower(),
        own.host.lower(),
        own.port,
    )


def _int_query(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(request.query.get(name, default))))
    except ValueError:
        return default


# -- running -------------------------------------------------------------------------------------


def run(config: ServeConfig, *, out: TextIO | None = None) -> int:
    """Serve until Ctrl+C or SIGTERM.

    Prints the address to open (and, when a phone can reach it, a QR code of it).

    Args:
        config: What to serve.
        out: Where the address and notices go (default: stdout).

    Returns:
        The exit code: 0 after a clean stop, 1 if the address cannot be listened on.
    """
    stream = out or sys.stdout

    def say(line: str) -> None:
        print(line, file=stream, flush=True)

    os.environ.update(served_environment(os.environ))  # inherited by every app process
    try:
        color = stream.isatty() and "NO_COLOR" not in os.environ
        asyncio.run(_serve(config, say, color=color))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(
            f"hiptimer: cannot listen on {config.host}:{config.port}: {reason}"
            + (" (another program uses that port: try --port)" if "in use" in reason else ""),
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        pass
    say("hiptimer: stopped serving")
    return 0


async def _serve(config: ServeConfig, say: Callable[[str], None], *, color: bool) -> None:
    runner = web.AppRunner(build_app(config, log=lambda line: say(f"  {line}")), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, config.host, config.port)
        await site.start()
        port = int(runner.addresses[0][1])
        _announce(config, port, say, color=color)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows
                loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


def _announce(config: ServeConfig, port: int, say: Callable[[str], None], *, color: bool) -> None:
    url = page_url(config.host, port, config.token)
    say(f"hiptimer: serving the app at {url}")
    if is_loopback(config.host):
        say("Only this computer can open it. For a phone on the same network: hiptimer serve --host 0.0.0.0")
    else:
        say("Open it on a phone on the same network, or point the phone's camera at this code:")
        say("")
        say(qr_text(url, color=color))
        say("")
        say("Anyone with this address can use hiptimer here: start sessions and read your history.")
    say("Press Ctrl+C to stop.")


# -- the page ------------------------------------------------------------------------------------

_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{{nonce}}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

# textual-serve's page, made to work offline (a local font instead of a font service), fitted to
# a phone (viewport), and listening for the terminal bell. textual.js reads the websocket address
# from data-session-websocket-url when the page has loaded: the script below it fills it in from
# the page's own address, so the page works under any host name or address the phone used.
_PAGE = """<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1, interactive-widget=resizes-content" />
    <meta name="referrer" content="no-referrer" />
    <title>{{title}}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/static/css/xterm.css" />
    <style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
        font-weight: 100 700;
        font-style: normal;
      }
      @font-face {
        font-family: "Roboto Mono";
        src: url("/static/fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype");
        font-weight: 100 700;
        font-style: italic;
      }
      html, body { margin: 0; padding: 0; background: #0c181f; overflow: hidden; }
      .dialog-container {
        position: absolute; width: 100vw; height: 100vh; display: flex;
        align-items: center; justify-content: center; z-index: 10;
      }
      .intro {
        max-width: 90vw; padding: 32px 48px; font: 16px "Roboto Mono", menlo, monospace;
        text-align: center; color: rgba(255, 255, 255, 0.95); background-color: #12232d;
        display: flex; flex-direction: column; align-items: center; gap: 16px;
      }
      body.-first-byte .intro-dialog { display: none; }
      body .textual-terminal { opacity: 0; transition: opacity 0.3s ease-out; }
      body.-first-byte .textual-terminal { opacity: 1; }
      button {
        padding: 16px 32px; min-height: 48px; background-color: #5e0ba7; color: #fff; border: none;
        font: 16px "Roboto Mono", menlo, monospace; cursor: pointer;
      }
      button:hover { background: #ac5af4; }
      .closed-dialog { display: none; }
      body.-closed .closed-dialog { display: flex; }
      body.-closed .intro-dialog { display: none; }
      #start { display: none; }
      #start.-delay { display: block; }
      .awake-video {
        position: fixed; right: 0; bottom: 0; width: 1px; height: 1px; opacity: 0.01; pointer-events: none;
      }
      .awake-note {
        position: fixed; left: 0; right: 0; top: 0; z-index: 20; padding: 6px 10px; cursor: pointer;
        font: 13px "Roboto Mono", menlo, monospace; color: #fff; background: #7a3d00;
      }
    </style>
    <script nonce="{{nonce}}">
      // --- sound: the app's cues and the terminal bell, played on this device ------------------
      // The served app writes each cue as ESC ] 7791 ; hiptimer-cue ; {json} BEL into its output
      // (hiptimer/audio/page.py): the clips to play, each at its second. This script takes those
      // out of the websocket's data, fetches each WAV from /sounds/ once, and plays them with Web
      // Audio; a bell (BEL outside an escape string) is a short beep. A browser plays sound only
      // after a tap or a key: the first touchend, click or key press unlocks it (touchstart and
      // pointerdown do not count as activation on phones), and until then a "Tap for sound" label
      // says so. Each kind of cue buzzes its own pattern where the phone can vibrate.
      (() => {
        const bell = { rung: 0, played: 0, audio: "locked" };
        const cues = { received: [], started: [], vibrated: [] };
        window.hiptimerBell = bell;
        window.hiptimerCues = cues;
        const Context = window.AudioContext || window.webkitAudioContext;
        let context = null;
        let hint = null;
        const showHint = () => {
          if (hint) hint.hidden = bell.audio === "running" || bell.audio === "unsupported";
        };
        document.addEventListener("DOMContentLoaded", () => {
          hint = document.createElement("div");
          hint.id = "sound-hint";
          hint.textContent = "Tap for sound";
          hint.setAttribute("role", "status");
          hint.style.cssText = "position:fixed;top:0;right:0;z-index:20;padding:8px 14px;" +
            "background:#5e0ba7;color:#fff;font:15px 'Roboto Mono',monospace;pointer-events:none;";
          document.body.appendChild(hint);
          showHint();
        });
        // Every WAV is fetched once (all of them as the page loads) and decoded once unlocked.
        const fetched = new Map();
        const decoded = new Map();
        const fetchClip = (path) => {
          if (!fetched.has(path)) {
            fetched.set(path, fetch("/sounds/" + path, { credentials: "same-origin" })
              .then((r) => (r.ok ? r.arrayBuffer() : null)).catch(() => null));
          }
          return fetched.get(path);
        };
        const clip = (path) => {
          if (!decoded.has(path)) {
            decoded.set(path, fetchClip(path)
              .then((data) => (data ? context.decodeAudioData(data) : null)).catch(() => null));
          }
          return decoded.get(path);
        };
        fetch("/sounds/index.json", { credentials: "same-origin" })
          .then((r) => (r.ok ? r.json() : [])).then((paths) => paths.forEach(fetchClip))
          .catch(() => {});
        const unlock = () => {
          if (!Context) { bell.audio = "unsupported"; showHint(); return; }
          if (!context) {
            context = new Context();
            context.onstatechange = () => { bell.audio = context.state; showHint(); };
            for (const path of fetched.keys()) clip(path);
          }
          if (context.state !== "running") context.resume().catch(() => {});
          // A silent sound started inside the tap is what some phones need to open the output.
          const silence = context.createBufferSource();
          silence.buffer = context.createBuffer(1, 1, 22050);
          silence.connect(context.destination);
          silence.start(0);
          bell.audio = context.state;
          showHint();
        };
        for (const type of ["touchend", "click", "keydown"]) {
          window.addEventListener(type, unlock, { capture: true, passive: true });
        }
        const VIBRATE = {
          "get-ready": [100, 100, 100], go: [150], work: [250, 80, 250], hold: [500], easy: [80],
          rest: [60, 60, 60], switch: [100, 50, 100, 50, 100], pip: [40], rep: [15],
          halfway: [60, 120, 60], "last-one": [250, 80, 250, 80, 250], done: [600],
          soon: [50, 50, 50, 50, 50],
        };
        const vibrate = (cue) => {
          const pattern = VIBRATE[cue];
          const active = navigator.userActivation && navigator.userActivation.hasBeenActive;
          if (pattern && navigator.vibrate && active) {
            navigator.vibrate(pattern);
            cues.vibrated.push(cue);
          }
        };
        let playing = [];
        const play = (message) => {
          cues.received.push(message.cue);
          vibrate(message.cue);
          if (!context || context.state !== "running") return;
          // A new cue stops words still going from an earlier one (the runner moved on); a rep
          // tick stops nothing.
          if (message.cue !== "rep") {
            for (const source of playing) { try { source.stop(); } catch (e) { /* ended */ } }
            playing = [];
          }
          const start = context.currentTime + 0.02;
          for (const [path, at] of message.clips) {
            clip(path).then((buffer) => {
              if (!buffer) return;
              const source = context.createBufferSource();
              source.buffer = buffer;
              source.connect(context.destination);
              source.onended = () => { playing = playing.filter((s) => s !== source); };
              source.start(Math.max(context.currentTime, start + at));
              playing.push(source);
              cues.started.push(path);
            });
          }
          if (message.say && window.speechSynthesis && window.SpeechSynthesisUtterance) {
            window.speechSynthesis.speak(new SpeechSynthesisUtterance(message.say));
          }
        };
        let last = -1;
        const beep = () => {
          bell.rung += 1;
          vibrate("pip");
          if (!context || context.state !== "running") return;
          const now = context.currentTime;
          if (now - last < 0.09) return;  // a burst of bells is one beep
          last = now;
          const tone = context.createOscillator();
          const gain = context.createGain();
          tone.type = "sine";
          tone.frequency.value = 880;
          gain.gain.setValueAtTime(0.0001, now);
          gain.gain.exponentialRampToValueAtTime(0.5, now + 0.01);
          gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.2);
          tone.connect(gain).connect(context.destination);
          tone.start(now);
          tone.stop(now + 0.22);
          bell.played += 1;
        };
        const PREFIX = "7791;hiptimer-cue;";
        const osc = (text) => {
          if (!text.startsWith(PREFIX)) return;
          try { play(JSON.parse(text.slice(PREFIX.length))); } catch (e) { /* not ours */ }
        };
        // BEL (7) outside escape strings is the bell; inside OSC/DCS/APC/PM/SOS it ends the string.
        // An OSC string's bytes are kept (up to 8 KB) to find the cues in.
        let state = 0;  // 0 text, 1 after ESC, 2 inside a string, 3 ESC inside a string
        let payload = null;
        const end = () => {
          if (payload) osc(String.fromCharCode(...payload));
          payload = null;
          state = 0;
        };
        const scan = (bytes) => {
          for (const b of bytes) {
            if (state === 0) { if (b === 7) beep(); else if (b === 27) state = 1; }
            else if (state === 1) {
              if ([0x5d, 0x50, 0x5f, 0x5e, 0x58].includes(b)) { state = 2; payload = b === 0x5d ? [] : null; }
              else state = b === 27 ? 1 : 0;
            }
            else if (state === 2) {
              if (b === 7) end();
              else if (b === 27) state = 3;
              else if (payload) { if (payload.length < 8192) payload.push(b); else payload = null; }
            }
            else if (b === 0x5c) end();
            else state = b === 27 ? 3 : 2;
          }
        };
        const Native = window.WebSocket;
        window.WebSocket = class extends Native {
          constructor(...args) {
            super(...args);
            this.addEventListener("message", (event) => {
              if (event.data instanceof ArrayBuffer) scan(new Uint8Array(event.data));
            });
          }
        };
      })();
      // --- end of sound ------------------------------------------------------------------------
    </script>
    <script src="/static/js/textual.js"></script>
  </head>
  <body>
    <div class="dialog-container intro-dialog">
      <div class="intro"><div>{{title}}</div>
        <button type="button" id="start">Start</button>
      </div>
    </div>
    <div class="dialog-container closed-dialog">
      <div class="intro">
        <div>The app has closed.</div>
        <button type="button" id="restart">Start again</button>
      </div>
    </div>
    <div id="terminal" class="textual-terminal" data-font-size="{{font_size}}"></div>
    <div id="awake-note" class="awake-note" role="status" hidden></div>
    <script nonce="{{nonce}}">
      const terminal = document.getElementById("terminal");
      const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      terminal.dataset.sessionWebsocketUrl = `${scheme}//${window.location.host}/ws`;
      // On a touch screen, a tap on a button should not open the on-screen keyboard over half the
      // app: the main actions are buttons. ?keyboard=1 keeps it (for the keys without a button).
      const params = new URLSearchParams(window.location.search);
      if (window.matchMedia("(pointer: coarse)").matches && params.get("keyboard") !== "1") {
        window.addEventListener("load", () => setTimeout(() => {
          const input = document.querySelector(".xterm-helper-textarea");
          if (input) input.setAttribute("inputmode", "none");
        }));
      }
      const again = () => {
        const url = new URL(window.location.href);
        url.searchParams.delete("delay");
        window.location.href = url.pathname + url.search;
      };
      document.getElementById("start").addEventListener("click", again);
      document.getElementById("restart").addEventListener("click", again);
    </script>
    <script nonce="{{nonce}}">
      // Keep the screen on. A phone that locks its screen drops the connection (the run goes on by
      // its clock, but the runner cannot see it). The Screen Wake Lock where the browser allows it
      // (secure contexts: https, or this computer's own address), asked for again each time the
      // page comes back into view, since the browser lets go of it when the page is hidden.
      // Elsewhere (plain HTTP on the home network), a muted, looping inline video, started by the
      // first tap, as NoSleep-style libraries do: a phone does not dim while a video plays. If
      // neither works, a line at the top says so.
      (() => {
        const awake = { how: "none", on: false, asked: 0, tapped: false, problem: "" };
        window.hiptimerAwake = awake;
        const note = document.getElementById("awake-note");
        note.addEventListener("click", () => { note.hidden = true; });
        let lock = null;
        let video = null;
        const byLock = async () => {
          if (!window.isSecureContext || !("wakeLock" in navigator)) return false;
          try {
            awake.asked += 1;
            lock = await navigator.wakeLock.request("screen");
            lock.addEventListener("release", () => { if (awake.how === "wake-lock") awake.on = false; });
            awake.how = "wake-lock";
            return true;
          } catch (error) {
            awake.problem = String(error);
            return false;
          }
        };
        const byVideo = async () => {
          if (!awake.tapped) return false;  // a browser starts a video only after a touch
          if (!video) {
            video = document.createElement("video");
            video.className = "awake-video";
            video.muted = true;
            video.loop = true;
            video.playsInline = true;
            video.setAttribute("muted", "");
            video.setAttribute("playsinline", "");
            video.setAttribute("aria-hidden", "true");
            video.src = "{{awake_video}}";
            document.body.appendChild(video);
          }
          try {
            awake.asked += 1;
            await video.play();
            awake.how = "video";
            return true;
          } catch (error) {
            awake.problem = String(error);
            return false;
          }
        };
        const holding = () => awake.on && (awake.how === "video" ? !video.paused : !lock.released);
        const keepOn = async () => {
          if (document.visibilityState !== "visible" || holding()) return;
          awake.on = (await byLock()) || (await byVideo());
          if (awake.on) {
            note.hidden = true;
          } else if (awake.tapped) {
            note.textContent = "This browser may let the screen turn off: set a longer screen timeout " +
              "while you train, or the connection drops when the phone locks (the run goes on). Tap to hide.";
            note.hidden = false;
          }
        };
        const tapped = () => {
          if (awake.tapped) return;
          awake.tapped = true;
          keepOn();
        };
        for (const type of ["pointerdown", "touchend", "click", "keydown"]) {
          window.addEventListener(type, tapped, { capture: true, passive: true });
        }
        document.addEventListener("visibilitychange", keepOn);
      })();
    </script>
  </body>
</html>
"""
