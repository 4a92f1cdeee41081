"""Real-clock timing of the run engine on asyncio, next to a naive ``sleep(1)``-per-tick loop.

The engine is driven the way the app drives it: an asyncio loop sleeps until
``state.next_wakeup(now)`` (``loop.call_at``), then steps ``TICK`` with ``time.monotonic()``;
the runner's *done* presses on open steps are scripted events at set times. A naive timer runs in
the same loop at the same time: it sleeps one displayed second per tick and decrements a counter,
so every tick's overhead adds to its drift.

Measured, in milliseconds:

* phase boundaries: when the effect of a deadline-driven phase change was emitted, against the
  phase's planned deadline (the run's start, or the last *done* press, plus the planned seconds
  since). Boundaries made by a *done* press are the press itself and are not counted;
* cues: when a timed cue was emitted, against when it was due;
* wakes: how late each wake-up came against the moment asked for;
* the naive loop's drift at each boundary, against the same planned deadlines.

Scenarios: the hill-sprint session scaled down (every time divided by ``--factor``; the naive loop
ticks once per scaled second, so it makes as many ticks as in the real session), and a long
session of ``--minutes`` real minutes whose error is also reported by quarter, to show that it
does not grow with the length of the session.

Usage:
    python bench/timing.py               # hill x4 at 1/10 speed, then 5 real minutes (~6.5 min)
    python bench/timing.py --minutes 45  # the long run at 45 minutes
    python bench/timing.py --quick       # a few seconds: keeps the script from rotting
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import sys
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from hiptimer.core.cues import Cue
from hiptimer.core.engine import Event, new_run, step
from hiptimer.core.plan import Phase, Plan, compile_plan
from hiptimer.core.results import Effect, Outcome, PhaseFinished, PhaseStarted, PlayCue, RunFinished
from hiptimer.core.schema import validate_session

SESSIONS = Path(__file__).resolve().parent.parent / "sessions"

TIMED_CUES = (Cue.PIP, Cue.HALFWAY, Cue.REP)
"""Cues due at a set time inside a phase (the others come with a phase change)."""

GOAL_P99_MS = 5.0
GOAL_MAX_MS = 15.0

WALK_DOWN_SECONDS = (38.0, 45.0, 41.0, 50.0)
"""Scripted walk-down times of the hill session, in real (unscaled) seconds, used in turn."""

EARLY_SPRINT = (2, 7.0)
"""The runner stops the sprint of this round (from 1) after this many real seconds."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """A plan to run in real time, with the runner's scripted presses."""

    name: str
    plan: Plan
    done_after: dict[int, float]
    """Phase index -> seconds after the phase starts when the runner presses done."""
    tick: float
    """The naive loop's tick: one displayed second, in real seconds."""


@dataclass(slots=True)
class Record:
    """What one loop measured, in seconds (positive: late)."""

    boundaries: list[tuple[float, float]] = field(default_factory=list)
    """(planned seconds since the run's start, error) for each deadline-driven boundary."""
    cues: list[float] = field(default_factory=list)
    wakes: list[float] = field(default_factory=list)
    engine_arithmetic: list[float] = field(default_factory=list)
    """The engine's own boundary time against the planned deadline (0 when nothing accumulates)."""


# --- scenarios ---------------------------------------------------------------------------------


def scale_plan(plan: Plan, factor: float) -> Plan:
    """``plan`` with every time divided by ``factor``; pips only where a phase still lasts 5 s."""
    if factor == 1:
        return plan

    def scaled(phase: Phase) -> Phase:
        seconds = phase.seconds / factor if phase.seconds is not None else None
        countdown = 0 if seconds is None or seconds < 5 else min(phase.countdown, int(seconds) - 1)
        return replace(
            phase,
            seconds=seconds,
            estimate_seconds=phase.estimate_seconds / factor,
            min_seconds=phase.min_seconds / factor if phase.min_seconds is not None else None,
            pace=phase.pace / factor if phase.pace is not None else None,
            countdown=countdown,
        )

    return replace(
        plan,
        get_ready=plan.get_ready / factor,
        phases=tuple(scaled(p) for p in plan.phases),
    )


def hill_scenario(repeats: int, factor: float) -> Scenario:
    """The built-in hill-sprint session with ``repeats`` repeats, every time divided by ``factor``."""
    with (SESSIONS / "hill-sprints.toml").open("rb") as f:
        session = validate_session(tomllib.load(f))
    plan = scale_plan(compile_plan(session, {"repeats": repeats}), factor)
    done_after: dict[int, float] = {}
    walks = 0
    for phase in plan.phases:
        if phase.seconds is None:
            done_after[phase.index] = WALK_DOWN_SECONDS[walks % len(WALK_DOWN_SECONDS)] / factor
            walks += 1
        elif phase.min_seconds is not None and phase.round_index == EARLY_SPRINT[0]:
            done_after[phase.index] = EARLY_SPRINT[1] / factor
    return Scenario(f"hill x{repeats} /{factor:g}", plan, done_after, tick=1 / factor)


def long_scenario(minutes: float, factor: float = 1.0) -> Scenario:
    """A session of ``minutes`` in one-minute rounds of six timed phases (holds, work, rests)."""
    rounds = max(1, round(minutes))
    session = validate_session(
        {
            "id": "bench-long",
            "name": "Long timed session",
            "get_ready": 5,
            "steps": [
                {
                    "type": "repeat",
                    "times": rounds,
                    "steps": [
                        {"type": "hold", "name": "Hold", "seconds": 30},
                        {"type": "rest", "seconds": 5},
                        {"type": "work", "name": "Work", "seconds": 10},
                        {"type": "rest", "seconds": 5},
                        {"type": "work", "name": "Work", "seconds": 5},
                        {"type": "rest", "seconds": 5},
                    ],
                }
            ],
        }
    )
    plan = scale_plan(compile_plan(session), factor)
    label = f"long {rounds} min" + (f" /{factor:g}" if factor != 1 else "")
    return Scenario(label, plan, {}, tick=1 / factor)


# --- the two loops -----------------------------------------------------------------------------


async def sleep_until(target: float) -> None:
    """Sleep until ``target`` on the loop's clock (``time.monotonic``), as the app does."""
    loop = asyncio.get_running_loop()
    if target <= loop.time():
        return
    woken: asyncio.Future[None] = loop.create_future()
    handle = loop.call_at(target, woken.set_result, None)
    try:
        await woken
    finally:
        handle.cancel()


async def drive_engine(scenario: Scenario) -> Record:
    """Run ``scenario`` through the engine on the real clock; measure its boundaries and cues."""
    plan, clock, record = scenario.plan, time.monotonic, Record()
    start = clock()
    state, effects = step(new_run(plan), Event.START, start)
    planned_next = start + plan.get_ready  # the planned time of the next deadline-driven boundary
    by_deadline = plan.get_ready > 0
    press_at: float | None = None

    def absorb(effects: Sequence[Effect], emitted: float) -> None:
        nonlocal planned_next, by_deadline, press_at
        for effect in effects:
            if isinstance(effect, PlayCue):
                if effect.request.cue in TIMED_CUES:  # phase-start cues are boundaries
                    record.cues.append(emitted - effect.at)
            elif isinstance(effect, PhaseStarted):
                if by_deadline:
                    record.boundaries.append((planned_next - start, emitted - planned_next))
                    record.engine_arithmetic.append(effect.at - planned_next)
                else:
                    planned_next = effect.at
                phase = plan.phases[effect.index]
                press = scenario.done_after.get(effect.index)
                press_at = None if press is None else planned_next + press
                by_deadline = press is None and phase.seconds is not None
                if by_deadline:
                    assert phase.seconds is not None
                    planned_next += phase.seconds
            elif isinstance(effect, PhaseFinished):
                result = effect.result
                if not (result.planned_seconds is not None and result.outcome is Outcome.COMPLETED):
                    by_deadline, planned_next = False, result.ended_at
            elif isinstance(effect, RunFinished) and by_deadline:
                record.boundaries.append((planned_next - start, emitted - planned_next))
                record.engine_arithmetic.append(effect.at - planned_next)

    absorb(effects, clock())
    while not state.over:
        wake = state.next_wakeup(clock())
        moments = [m for m in (wake, press_at) if m is not None]
        if not moments:
            raise RuntimeError(f"{scenario.name}: phase {state.index} waits for a press nobody scripted")
        target = min(moments)
        await sleep_until(target)
        now = clock()
        record.wakes.append(now - target)
        event = Event.TICK
        if press_at is not None and now >= press_at:
            event, press_at = Event.DONE, None
        state, effects = step(state, event, now)
        absorb(effects, clock())
    return record


async def drive_naive(scenario: Scenario) -> Record:
    """The foil: ``sleep(tick)`` per displayed second and a counter, no deadlines."""
    plan, clock, record = scenario.plan, time.monotonic, Record()
    start = clock()
    planned = start

    async def count_down(seconds: float) -> None:
        left = round(seconds / scenario.tick)
        while left > 0:
            await asyncio.sleep(scenario.tick)
            left -= 1

    if plan.get_ready > 0:
        await count_down(plan.get_ready)
        planned += plan.get_ready
        record.boundaries.append((planned - start, clock() - planned))
    for phase in plan.phases:
        press = scenario.done_after.get(phase.index)
        if press is not None:
            await asyncio.sleep(press)  # the runner presses done this long after the phase showed
            planned = clock()
            continue
        assert phase.seconds is not None
        await count_down(phase.seconds)
        planned += phase.seconds
        record.boundaries.append((planned - start, clock() - planned))
    return record


async def run_side_by_side(scenario: Scenario) -> tuple[Record, Record]:
    """The engine and the naive loop on the same event loop, at the same time."""
    engine, naive = await asyncio.gather(drive_engine(scenario), drive_naive(scenario))
    return engine, naive


# --- report ------------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile of ``values`` (nan when empty)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def row(scenario: str, loop: str, measure: str, values: Sequence[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{scenario:<20} {loop:<7} {measure:<17} {len(ms):>5} "
        f"{percentile(ms, 50):>9.3f} {percentile(ms, 99):>9.3f} {max(ms, default=math.nan):>9.3f}"
    )


HEADER = f"{'scenario':<20} {'loop':<7} {'measure':<17} {'n':>5} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}"


def report(scenario: Scenario, engine: Record, naive: Record) -> list[str]:
    name = scenario.name
    arithmetic = max((abs(x) for x in engine.engine_arithmetic), default=0.0)
    return [
        row(name, "engine", "phase boundaries", [e for _, e in engine.boundaries]),
        row("", "engine", "cues", engine.cues),
        row("", "engine", "wakes", engine.wakes),
        row("", "naive", "phase boundaries", [e for _, e in naive.boundaries]),
        f"{'':<20} (engine's own boundary times vs plan: max |diff| {arithmetic * 1000:.6f} ms)",
    ]


def quarters(scenario: Scenario, engine: Record, naive: Record) -> list[str]:
    total = scenario.plan.get_ready + sum(p.seconds or 0.0 for p in scenario.plan.phases)
    lines = [
        f"{scenario.name}: boundary error by quarter of the session (ms)",
        f"{'quarter':<9} {'n':>3} {'engine p50':>11} {'engine max':>11} {'naive p50':>10} {'naive max':>10}",
    ]
    for q in range(4):

        def in_q(at: float, q: int = q) -> bool:
            return min(3, int(4 * at / total)) == q if total > 0 else q == 0

        e = [err * 1000 for at, err in engine.boundaries if in_q(at)]
        n = [err * 1000 for at, err in naive.boundaries if in_q(at)]
        lines.append(
            f"Q{q + 1:<8} {len(e):>3} {percentile(e, 50):>11.3f} {max(e, default=math.nan):>11.3f} "
            f"{percentile(n, 50):>10.3f} {max(n, default=math.nan):>10.3f}"
        )
    return lines


def verdict(records: Sequence[Record]) -> str:
    errors = [e * 1000 for r in records for _, e in r.boundaries]
    p99, worst = percentile(errors, 99), max(errors, default=math.nan)
    met = p99 <= GOAL_P99_MS and worst <= GOAL_MAX_MS
    return (
        f"engine phase boundaries, all scenarios: n={len(errors)} p99 {p99:.3f} ms, max {worst:.3f} ms; "
        f"goal p99 <= {GOAL_P99_MS:g} ms, max <= {GOAL_MAX_MS:g} ms: {'met' if met else 'NOT met'}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="tiny input, a few seconds in all")
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the long run (default 5)")
    parser.add_argument("--factor", type=float, default=10.0, help="hill session speed-up (default 10)")
    parser.add_argument("--repeats", type=int, default=4, help="hill repeats (default 4)")
    args = parser.parse_args(argv)
    if args.factor <= 0 or args.minutes <= 0 or args.repeats < 1:
        parser.error("--factor and --minutes must be positive, --repeats at least 1")
    if args.quick:
        scenarios = [hill_scenario(2, 200.0), long_scenario(1, 40.0)]
    else:
        scenarios = [hill_scenario(args.repeats, args.factor), long_scenario(args.minutes)]

    print(
        f"hiptimer timing bench: Python {platform.python_version()}, {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
    )
    load_at_start = _load()
    print("error = emitted - planned (positive: late)")
    print()
    print(HEADER)
    results: list[tuple[Scenario, Record, Record]] = []
    for scenario in scenarios:
        engine, naive = asyncio.run(run_side_by_side(scenario))
        results.append((scenario, engine, naive))
        print("\n".join(report(scenario, engine, naive)), flush=True)
    print()
    long_run = results[-1]
    print("\n".join(quarters(*long_run)))
    print()
    print(verdict([engine for _, engine, _ in results]))
    print(f"load average at start {load_at_start}, at end {_load()} (other work on the machine)")
    return 0


def _load() -> str:
    """The 1, 5 and 15 minute load averages, where the system has them."""
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


if __name__ == "__main__":
    sys.exit(main())
