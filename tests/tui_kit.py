"""Shared parts for the app's tests: a fake clock, a recording cue player, and the app built on them."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from hiptimer.catalog.sessions import Catalog, CatalogEntry, load_catalog
from hiptimer.core.cues import Cue, CueRequest
from hiptimer.core.ports import MemoryStore, RunStore
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.screens.run import RunScreen

T0 = 1000.0
"""Where the fake monotonic clock starts."""

WALL0 = datetime(2025, 5, 14, 7, 30, tzinfo=UTC)
"""The fake wall clock at ``T0`` (a Wednesday morning)."""

THEME = "textual-dark"


class FakeClock:
    """A monotonic clock, a boot-time clock and a wall clock that move only when told to.

    ``advance`` moves all three; ``sleep`` moves the boot-time and wall clocks only, as a suspend
    does to a real machine (the monotonic clock stops while it sleeps).
    """

    def __init__(self, start: float = T0) -> None:
        self.now = start
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.now

    def boottime(self) -> float:
        return 50_000.0 + self.now + self.slept

    def wall(self) -> datetime:
        return WALL0 + timedelta(seconds=self.now - T0 + self.slept)

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.slept += seconds


class RecordingPlayer:
    """A cue player that remembers what it was asked to play, and when (on the fake clock)."""

    name = "recording"

    def __init__(self, clock: FakeClock, offset: float = 0.0) -> None:
        self.clock = clock
        self.offset = offset
        self.played: list[tuple[float, CueRequest]] = []
        self.closed = False

    def play(self, request: CueRequest) -> None:
        self.played.append((self.clock.now, request))

    def close(self) -> None:
        self.closed = True

    @property
    def cues(self) -> list[Cue]:
        """The cues played, in order."""
        return [request.cue for _, request in self.played]

    def since(self, moment: float) -> list[tuple[float, CueRequest]]:
        """What was played at or after ``moment``."""
        return [(at, r) for at, r in self.played if at >= moment]


_CATALOG: list[Catalog] = []


def catalog() -> Catalog:
    """The built-in sessions (the tests' user folder is empty); loaded once, it is immutable."""
    if not _CATALOG:
        _CATALOG.append(load_catalog())
    return _CATALOG[0]


def entry(session_id: str) -> CatalogEntry:
    """A built-in session."""
    found = catalog().get(session_id)
    assert found is not None
    return found


def make_app(
    clock: FakeClock,
    *,
    store: RunStore | None = None,
    player: RecordingPlayer | None = None,
    start: str | None = None,
    sessions: Catalog | None = None,
    **options: Any,
) -> HiptimerApp:
    """The app on fake clocks, an in-memory store (unless given) and a recording player."""
    return HiptimerApp(
        clock=clock.monotonic,
        catalog=sessions if sessions is not None else catalog(),
        store=store if store is not None else MemoryStore(),
        player=player if player is not None else RecordingPlayer(clock),
        start=entry(start) if start is not None else None,
        boottime=clock.boottime,
        wall_clock=clock.wall,
        theme=THEME,
        handle_signals=False,
        **options,
    )


def run_screen(app: HiptimerApp) -> RunScreen:
    """The run screen, which must be the screen shown."""
    screen = app.screen
    assert isinstance(screen, RunScreen), f"expected the run screen, got {screen!r}"
    return screen


async def follow(app: HiptimerApp, clock: FakeClock, until: float) -> None:
    """Let fake time pass up to ``until``, waking the run screen exactly when it asks to be woken.

    This is what the real timer does; the screen's own wake-ups are followed, so a test sees every
    cue and phase change at its moment.
    """
    while isinstance(app.screen, RunScreen):
        screen = app.screen
        wake = screen.armed_for
        if wake is None or wake > until:
            break
        clock.now = max(clock.now, wake)
        await screen.wake()
    clock.now = max(clock.now, until)
    if isinstance(app.screen, RunScreen):
        await app.screen.wake()


async def until_screen(
    pilot: Pilot[Any], app: HiptimerApp, kind: type[Screen[Any]], timeout: float = 20.0
) -> None:
    """Pause until a screen of ``kind`` is on top with its widgets mounted.

    A screen is on top a moment before its widgets are composed and mounted (a busy machine
    stretches that moment), so a query right after seeing it on top could find nothing. Bounded in
    real seconds, not in pauses: a busy machine makes each pause longer.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = app.screen
        if isinstance(screen, kind) and screen.is_mounted:
            return
        await pilot.pause(0.01)
    raise AssertionError(f"{kind.__name__} never showed; on top: {app.screen!r}")


async def until_shown(
    pilot: Pilot[Any], kind: type[Screen[Any]], selector: str, *texts: str, timeout: float = 20.0
) -> str:
    """Pause until a screen of ``kind`` is on top and the widgets ``selector`` picks show something
    (every one of ``texts``, when given); return what they show, joined by spaces.

    Wait for the content a test checks, not only for its screen: a screen is on top a moment
    before its widgets are mounted and filled, and a busy machine stretches that moment. The
    ``timeout`` (real seconds) only bounds a test that would otherwise hang.
    """
    deadline = time.monotonic() + timeout
    shown = ""
    while True:
        screen = pilot.app.screen
        if isinstance(screen, kind):
            shown = " ".join(str(widget.render()) for widget in screen.query(selector)).strip()
            if shown and all(text in shown for text in texts):
                return shown
        if time.monotonic() > deadline:
            wanted = f"{texts!r} in {selector}" if texts else selector
            raise AssertionError(
                f"{kind.__name__} never showed {wanted}; on top: {screen!r}, showing {shown!r}"
            )
        await pilot.pause(0.01)
