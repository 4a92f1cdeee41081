"""The run screen's states that the layout tests and snapshots show, reached on a fake clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from textual.pilot import Pilot
from tui_kit import FakeClock, follow, run_screen

from hiptimer.core.engine import Event
from hiptimer.tui.app import HiptimerApp

HIP_FLEXOR_LEFT_1 = 7
"""In the pre-run routine: bridges (L, switch, R), marching bridge, swings (L, switch, R), then the holds."""


async def settle(app: HiptimerApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await app.store_worker.drain()
    await pilot.pause()


@dataclass(frozen=True)
class RunState:
    """A moment of a run: the session, and how to get there from its start."""

    session: str
    reach: Callable[[HiptimerApp, FakeClock, Pilot[None]], Awaitable[None]]
    value: str
    """The big number at that moment."""


async def _hold(app: HiptimerApp, clock: FakeClock, pilot: Pilot[None]) -> None:
    """23 s into the first left hip-flexor hold (set 1/3)."""
    screen = run_screen(app)
    screen.send(Event.DONE)
    for _ in range(HIP_FLEXOR_LEFT_1):
        screen.send(Event.NEXT)
    await follow(app, clock, clock.now + 23.2)


async def _sprint(app: HiptimerApp, clock: FakeClock, pilot: Pilot[None]) -> None:
    """3 s into the first hill sprint: Pause, Done and Skip show."""
    await follow(app, clock, clock.now + 10 + 3.2)


async def _rest(app: HiptimerApp, clock: FakeClock, pilot: Pilot[None]) -> None:
    """A minute into the 3 min rest after the first hill repeat."""
    screen = run_screen(app)
    await follow(app, clock, clock.now + 10 + 7)
    screen.send(Event.DONE)  # the sprint, ended early
    await follow(app, clock, clock.now + 41)
    screen.send(Event.DONE)  # the walk down
    await follow(app, clock, clock.now + 60.2)


async def _reps(app: HiptimerApp, clock: FakeClock, pilot: Pilot[None]) -> None:
    """7 of 10 mountain climbers counted: Pause, Done, +1 rep and Skip show."""
    await follow(app, clock, clock.now + 10)
    screen = run_screen(app)
    for _ in range(7):
        screen.send(Event.REP)
    await follow(app, clock, clock.now + 21.5)


STATES = {
    "hold": RunState("pre-run-hips", _hold, "0:37"),
    "sprint": RunState("hill-sprints", _sprint, "0:07"),
    "rest": RunState("hill-sprints", _rest, "2:00"),
    "reps": RunState("strength-for-speed", _reps, "7/10"),
}

SIZES = {
    "laptop": (100, 30),
    "terminal": (80, 24),
    "small": (50, 16),
    "phone": (41, 40),
    "phone-sideways": (90, 18),
}
"""The sizes a runner meets: a laptop's terminal, the classic one, a small split, and a phone's
390 x 844 CSS pixels served to a browser (41 x 40 cells; turned sideways, about 90 x 18)."""

SERVED = {"phone", "phone-sideways"}
"""The sizes that are a browser on a phone: the app is served there, and speaks of tapping."""


def reach(state: RunState, clock: FakeClock) -> Callable[[Pilot[None]], Awaitable[None]]:
    """A ``run_before`` for the snapshot fixture: wait for the app, then go to ``state``."""

    async def before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, HiptimerApp)
        await settle(app, pilot)
        await state.reach(app, clock, pilot)
        await pilot.pause()

    return before
