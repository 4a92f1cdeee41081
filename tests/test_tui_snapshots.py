"""SVG snapshots of the main screens at 80 x 24 in a fixed theme, on a fake clock and fixed data.

Regenerate after an intended change with ``pytest tests/test_tui_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from textual.pilot import Pilot
from tui_kit import WALL0, FakeClock, entry, follow, make_app, run_screen

from hiptimer.core.engine import Event
from hiptimer.core.plan import compile_plan
from hiptimer.core.ports import MemoryStore
from hiptimer.tui.app import HiptimerApp

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
PHONE = (41, 40)
"""The cells a phone held upright gives the served app."""
HIP_FLEXOR_LEFT_1 = 7


async def settle(app: HiptimerApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await app.store_worker.drain()
    await pilot.pause()


def at_hold(clock: FakeClock, *, pause: bool) -> Callable[[Pilot[None]], Awaitable[None]]:
    """23 s into the first left hip-flexor hold (paused there, if asked)."""

    async def before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, HiptimerApp)
        await settle(app, pilot)
        screen = run_screen(app)
        screen.send(Event.DONE)
        for _ in range(HIP_FLEXOR_LEFT_1):
            screen.send(Event.NEXT)
        await follow(app, clock, clock.now + 23.2)
        if pause:
            await pilot.press("space")
        await pilot.pause()

    return before


@pytest.mark.parametrize("served", [False, True], ids=["terminal", "phone"])
def test_home(snap_compare: SnapCompare, served: bool) -> None:
    clock = FakeClock()
    store = MemoryStore()
    plan = compile_plan(entry("strength-for-speed").session)
    run_id = store.start_run(plan, definition_hash="x", started=WALL0 - timedelta(days=2))
    from hiptimer.core.results import RunStatus

    store.end_run(run_id, RunStatus.COMPLETED, ended=WALL0 - timedelta(days=2, minutes=-8))
    app = make_app(clock, store=store, served=served)

    async def before(pilot: Pilot[None]) -> None:
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=PHONE if served else SIZE, run_before=before)


def test_running_hold(snap_compare: SnapCompare) -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips")
    assert snap_compare(app, terminal_size=SIZE, run_before=at_hold(clock, pause=False))


def test_paused(snap_compare: SnapCompare) -> None:
    clock = FakeClock()
    app = make_app(clock, start="pre-run-hips")
    assert snap_compare(app, terminal_size=SIZE, run_before=at_hold(clock, pause=True))


def test_rep_step(snap_compare: SnapCompare) -> None:
    clock = FakeClock()
    app = make_app(clock, start="strength-for-speed")  # mountain climbers first: counted reps

    async def before(pilot: Pilot[None]) -> None:
        await settle(app, pilot)
        await follow(app, clock, clock.now + 10)  # get ready
        screen = run_screen(app)
        for _ in range(7):
            screen.send(Event.REP)
        await follow(app, clock, clock.now + 21.5)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


@pytest.mark.parametrize("served", [False, True], ids=["terminal", "phone"])
def test_summary(snap_compare: SnapCompare, served: bool) -> None:
    clock = FakeClock()
    app = make_app(clock, start="hill-sprints", served=served)

    async def before(pilot: Pilot[None]) -> None:
        await settle(app, pilot)
        screen = run_screen(app)
        await follow(app, clock, clock.now + 10 + 7)  # get ready, then a sprint ended early at 7 s
        screen.send(Event.DONE)
        await follow(app, clock, clock.now + 41)  # the walk down
        screen.send(Event.DONE)
        await follow(app, clock, clock.now + 95)
        screen.send(Event.NEXT)  # the rest cut short
        await follow(app, clock, clock.now + 10)
        await pilot.press("q", "y")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=PHONE if served else SIZE, run_before=before)
