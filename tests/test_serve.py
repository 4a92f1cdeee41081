"""`hiptimer serve`: who may open the served app, and what the page needs to load."""

from __future__ import annotations

import asyncio
import gc
import os
import re
import shlex
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from hiptimer import cli
from hiptimer.web import serve
from hiptimer.web.serve import ServeConfig, build_app

TOKEN = "s3cret-token-for-tests"
NOT_AN_APP = shlex.join([sys.executable, "-c", "pass"])


async def client_for(
    config: ServeConfig, log: Callable[[str], None] = lambda line: None
) -> TestClient[aiohttp.web.Request, aiohttp.web.Application]:
    # Browsers keep cookies from IP-address hosts; aiohttp's jar does so only when told.
    client = TestClient(
        TestServer(build_app(config, log=log), host="127.0.0.1"),
        cookie_jar=aiohttp.CookieJar(unsafe=True),
    )
    await client.start_server()
    return client


@pytest.fixture
async def guarded() -> AsyncIterator[TestClient[aiohttp.web.Request, aiohttp.web.Application]]:
    client = await client_for(ServeConfig("0.0.0.0", 8000, TOKEN, NOT_AN_APP))
    yield client
    await client.close()


@pytest.fixture
async def local() -> AsyncIterator[TestClient[aiohttp.web.Request, aiohttp.web.Application]]:
    client = await client_for(ServeConfig("127.0.0.1", 8000, None, NOT_AN_APP))
    yield client
    await client.close()


# -- the token ---------------------------------------------------------------------------------


async def test_a_request_without_the_token_is_refused(
    guarded: TestClient[aiohttp.web.Request, aiohttp.web.Application],
) -> None:
    for path in ("/", "/static/js/textual.js", "/static/css/xterm.css", "/download/x", "/sounds/go.wav"):
        response = await guarded.get(path)
        assert response.status == 403, path
        assert "access token" in await response.text()


async def test_a_wrong_token_is_refused(
    guarded: TestClient[aiohttp.web.Request, aiohttp.web.Application],
) -> None:
    assert (await guarded.get("/", params={"token": "nearly-" + TOKEN})).status == 403
    assert (await guarded.get("/", params={"token": ""})).status == 403


async def test_the_websocket_without_the_token_is_refused(
    guarded: TestClient[aiohttp.web.Request, aiohttp.web.Application],
) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await guarded.ws_connect("/ws")
    assert refused.value.status == 403


async def test_the_token_opens_the_page_and_its_cookie_lets_the_assets_and_websocket_through() -> None:
    ended = asyncio.Event()
    guarded = await client_for(
        ServeConfig("0.0.0.0", 8000, TOKEN, NOT_AN_APP),
        log=lambda line: ended.set() if "disconnected" in line else None,
    )
    try:
        await open_page_assets_and_websocket(guarded)
        await asyncio.wait_for(ended.wait(), 30)
        # textual-serve leaves the app process's transport to the garbage collector: collect it
        # while this test's event loop still runs, or closing it complains later.
        gc.collect()
    finally:
        await guarded.close()


async def open_page_assets_and_websocket(
    guarded: TestClient[aiohttp.web.Request, aiohttp.web.Application],
) -> None:
    page = await guarded.get("/", params={"token": TOKEN})
    assert page.status == 200
    cookie = page.cookies["hiptimer_token_8000"]
    assert cookie.value == TOKEN
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    # The page's own requests carry no token in the URL, only the cookie.
    assert (await guarded.get("/static/js/textual.js")).status == 200
    assert (await guarded.get("/static/css/xterm.css")).status == 200
    socket = await guarded.ws_connect("/ws", headers={"Origin": str(guarded.make_url("/"))})
    await socket.close()


async def test_a_websocket_opened_by_another_site_is_refused(
    local: TestClient[aiohttp.web.Request, aiohttp.web.Application],
) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await local.ws_connect("/ws", headers={"Origin": "http://evil.example"})
    assert refused.value.status == 403


async def test_without_a_token_only_requests_addressed_to_this_computer_are_served(
    local: TestClient[aiohttp.web.Request, aiohttp.web.Application],
) -> None:
    assert (await local.get("/")).status == 200
    assert (await local.get("/", headers={"Host": f"localhost:{local.port}"})).status == 200
    # A site whose name was pointed at 127.0.0.1 (DNS rebinding) is not this computer.
    assert (await local.get("/", headers={"Host": f"rebound.example:{local.port}"})).status == 403


def test_listening_beyond_this_computer_without_a_token_is_not_allowed() -> None:
    with pytest.raises(ValueError, match="needs an access token"):
        ServeConfig("0.0.0.0", 8000, None, NOT_AN_APP)
    assert ServeConfig("::1", 8000, None, NOT_AN_APP).token is None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("laptop.local", False),
    ],
)
def test_which_addresses_count_as_this_computer_only(host: str, loopback: bool) -> None:
    assert serve.is_loopback(host) is loopback


def test_tokens_are_random_and_url_safe() -> None:
    tokens = {serve.new_token() for _ in range(20)}
    assert len(tokens) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{20,}", token) for token in tokens)


# -- the page ----------------------------------------------------------------------------------


async def test_the_page_loads_nothing_from_the_internet(
    local: TestClient[aiohttp.web.Request, aiohttp.web.Application],
) -> None:
    response = await local.get("/")
    text = await response.text()
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.IGNORECASE), "an outside address"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "connect-src 'self'" in policy
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', text) + re.findall(
        r'url\("(/static/[^"]+)"\)', text
    ):
        assert (await local.get(asset)).status == 200, asset


async def test_the_page_exposes_its_terminal_for_the_browser_tests(
    local: TestClient[aiohttp.web.Request, aiohttp.web.Application],
) -> None:
    script = await (await local.get("/static/js/textual.js")).text()
    assert "window.hiptimerTerminal=this.terminal" in script


async def test_the_font_size_can_be_chosen_in_the_address(
    local: TestClient[aiohttp.web.Request, aiohttp.web.Application],
) -> None:
    assert 'data-font-size="12"' in await (await local.get("/", params={"fontsize": "12"})).text()
    assert 'data-font-size="16"' in await (await local.get("/", params={"fontsize": "big"})).text()
    assert 'data-font-size="64"' in await (await local.get("/", params={"fontsize": "900"})).text()


# -- what the served app gets ------------------------------------------------------------------


def test_the_served_app_plays_its_cues_in_the_page_instead_of_on_the_server() -> None:
    assert serve.served_environment({})["HIPTIMER_AUDIO"] == "web"
    assert serve.served_environment({"HIPTIMER_AUDIO": "simpleaudio"})["HIPTIMER_AUDIO"] == "web"
    assert serve.served_environment({"HIPTIMER_AUDIO": "off"})["HIPTIMER_AUDIO"] == "off"
    assert serve.served_environment({"HIPTIMER_DATA_DIR": "/x"})["HIPTIMER_DATA_DIR"] == "/x"


def test_each_tab_runs_hiptimer_with_this_python_away_from_the_servers_terminal() -> None:
    argv = shlex.split(serve.app_command())
    assert argv[:2] == [sys.executable, "-c"]
    assert "os.setsid()" in argv[2]
    assert shlex.split(serve.app_command("hill sprints.toml"))[3:] == ["run", "hill sprints.toml"]
    shown = subprocess.run([*argv, "--version"], capture_output=True, text=True, check=True)
    assert shown.stdout.startswith("hiptimer ")
    session = subprocess.run(
        [*argv[:2], argv[2].replace("from hiptimer.cli import main", "main = lambda a: print(os.getsid(0))")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(session.stdout) != os.getsid(0), "the app leads a session of its own"


def test_the_printed_address_carries_the_token_and_never_the_wildcard() -> None:
    assert serve.page_url("127.0.0.1", 8000, None) == "http://127.0.0.1:8000/"
    assert serve.page_url("192.168.1.20", 8080, "abc") == "http://192.168.1.20:8080/?token=abc"
    assert serve.page_url("::1", 8000, None) == "http://[::1]:8000/"
    shown = serve.page_url("0.0.0.0", 8000, "abc")
    assert "0.0.0.0" not in shown
    assert shown.endswith(":8000/?token=abc")


# -- the command -------------------------------------------------------------------------------


def test_without_the_web_extra_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "textual_serve" else real(name, *a)
    )
    assert cli.main(["serve"]) == 1
    assert "pip install 'hiptimer[web]'" in capsys.readouterr().err


def test_an_unknown_session_is_refused_before_serving(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--session", "no-such-session"]) == 1
    assert "no-such-session" in capsys.readouterr().err


def test_a_bad_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--port", "70000"]) == 2
    assert "not a port number" in capsys.readouterr().err


def run_serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hiptimer", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serving_to_the_network_prints_the_address_with_a_token_and_a_qr_code() -> None:
    server = run_serve("--host", "0.0.0.0", "--port", "0")
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        match = re.search(r"(http://\S+:(\d+)/\?token=([A-Za-z0-9_-]+))", first)
        assert match, first
        lines = [server.stdout.readline() for _ in range(4)]
        assert any("▀" in line or "▄" in line for line in lines), lines
        with socket.create_connection(("127.0.0.1", int(match[2]))) as connection:
            connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert connection.recv(64).startswith(b"HTTP/1.1 403")
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert "stopped serving" in out


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = run_serve("--port", str(taken.getsockname()[1]))
        _, err = server.communicate(timeout=30)
    assert server.returncode == 1
    assert "cannot listen on 127.0.0.1" in err
    assert "Traceback" not in err


def test_the_served_app_knows_it_is_in_a_browser_and_the_terminal_app_does_not() -> None:
    from hiptimer.tui.launch import SERVED_VARIABLE

    assert serve.served_environment({})[SERVED_VARIABLE] == "1"
    assert serve.served_environment({"HIPTIMER_AUDIO": "off"})[SERVED_VARIABLE] == "1"
    assert SERVED_VARIABLE not in os.environ  # the tests' own app runs as in a terminal


# -- the cue sounds ------------------------------------------------------------------------------

SOUNDS = Path(__file__).resolve().parent.parent / "sounds"


async def test_the_page_gets_the_cue_sounds_with_the_token_and_nothing_outside_them(tmp_path: Path) -> None:
    user = tmp_path / "user-sounds"
    (user / "voice").mkdir(parents=True)
    (user / "voice" / "left-leg.wav").write_bytes((SOUNDS / "voice" / "right-leg.wav").read_bytes())
    (tmp_path / "secret.wav").write_bytes(b"RIFF")
    client = TestClient(
        TestServer(build_app(ServeConfig("0.0.0.0", 8000, TOKEN, NOT_AN_APP), sounds=(SOUNDS, user))),
        cookie_jar=aiohttp.CookieJar(unsafe=True),
    )
    await client.start_server()
    try:
        assert (await client.get("/sounds/index.json")).status == 403
        assert (await client.get("/", params={"token": TOKEN})).status == 200
        index = await (await client.get("/sounds/index.json")).json()
        assert {"go.wav", "work.wav", "voice/repeat-5.wav", "voice/of-8.wav"} <= set(index)
        tone = await client.get("/sounds/work.wav")
        assert tone.status == 200 and tone.headers["Content-Type"] == "audio/wav"
        assert await tone.read() == (SOUNDS / "work.wav").read_bytes()
        # The user's recording is served in place of the built-in one, as the terminal plays it.
        mine = await client.get("/sounds/voice/left-leg.wav")
        assert await mine.read() == (SOUNDS / "voice" / "right-leg.wav").read_bytes()
        for bad in ("/sounds/../secret.wav", "/sounds/%2e%2e/secret.wav", "/sounds/nothing.wav"):
            assert (await client.get(bad)).status in (403, 404), bad
    finally:
        await client.close()


async def test_a_websocket_from_another_port_or_scheme_of_this_computer_is_refused(
    local: TestClient[aiohttp.web.Request, aiohttp.web.Application],
) -> None:
    own = local.make_url("/")
    other_port = own.with_port(own.port + 1 if own.port and own.port < 65535 else 1)
    for origin in (str(other_port), str(own.with_scheme("https")), "null", "http://127.0.0.1"):
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await local.ws_connect("/ws", headers={"Origin": origin})
        assert refused.value.status == 403, origin
