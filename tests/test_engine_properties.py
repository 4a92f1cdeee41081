"""Properties of the engine over generated sessions and event sequences (hypothesis).

Times are multiples of 1/8 s from T0 = 1000, so every sum is exact in floating point and the
end-time property can be checked with ``==``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from engine_kit import T0, shown
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hiptimer.core.engine import Event, RunState, Status, new_run, step
from hiptimer.core.plan import Plan, compile_plan
from hiptimer.core.results import (
    Effect,
    PhaseFinished,
    PhaseResult,
    PhaseStarted,
    PlayCue,
    RunFinished,
    RunStatus,
)
from hiptimer.core.schema import validate_session

MAX_PHASES = 80

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,  # a loaded machine must not make these flaky
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# --- generated sessions ------------------------------------------------------------------------

seconds = st.one_of(
    st.integers(1, 80).map(lambda k: k / 4),  # 0.25 s to 20 s
    st.sampled_from([30.0, 32.5, 45.25]),  # long enough for a halfway cue
)
pause = st.integers(0, 24).map(lambda k: k / 4)  # 0 to 6 s
sets_and_sides: dict[str, st.SearchStrategy[Any]] = {
    "sets": st.integers(1, 3),
    "sides": st.sampled_from(["none", "each", "alternate"]),
    "rest_between_sets": pause,
    "switch_seconds": pause,
}


def _step(kind: str, required: dict[str, st.SearchStrategy[Any]], **optional: st.SearchStrategy[Any]) -> Any:
    return st.fixed_dictionaries(
        {"type": st.just(kind), "name": st.just(kind.title()), **required},
        optional=optional,
    )


holds = _step("hold", {"seconds": seconds}, **sets_and_sides)
counted_reps = _step("reps", {"reps": st.integers(1, 6)}, **sets_and_sides)
paced_reps = _step(
    "reps", {"reps": st.integers(1, 6), "pace": st.integers(1, 12).map(lambda k: k / 4)}, **sets_and_sides
)
work = _step("work", {"seconds": seconds}, **sets_and_sides)
rests = _step("rest", {"seconds": seconds})
opens = _step("open", {}, estimate_seconds=seconds, **sets_and_sides)
leaves = st.one_of(holds, counted_reps, paced_reps, work, rests, opens)
steps = st.recursive(
    leaves,
    lambda inner: st.fixed_dictionaries(
        {
            "type": st.just("repeat"),
            "times": st.integers(1, 3),
            "steps": st.lists(inner, min_size=1, max_size=3),
        },
        optional={"rest_between": pause},
    ),
    max_leaves=5,
)
sessions = st.fixed_dictionaries(
    {
        "id": st.just("generated"),
        "name": st.just("Generated"),
        "get_ready": st.sampled_from([0.0, 0.5, 2.0, 5.0, 10.0]),
        "cues": st.fixed_dictionaries(
            {"countdown": st.integers(0, 3), "halfway": st.booleans(), "pace": st.booleans()}
        ),
        "steps": st.lists(steps, min_size=1, max_size=3),
    }
)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """A compiled plan of a generated session of at most :data:`MAX_PHASES` phases."""
    plan = compile_plan(validate_session(draw(sessions)))
    assume(len(plan.phases) <= MAX_PHASES)
    return plan


def test_the_generator_makes_every_kind_of_plan() -> None:
    """The strategies are worth something only if they reach every kind of phase and cue."""
    seen_kinds: set[str] = set()
    seen: set[str] = set()

    @given(plans())
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
    def collect(plan: Plan) -> None:
        for p in plan.phases:
            seen_kinds.add(p.kind.value)
            if p.counted:
                seen.add("counted")
            if p.pace:
                seen.add("paced")
            if p.halfway:
                seen.add("halfway")
            if p.countdown:
                seen.add("countdown")
            if p.last_round:
                seen.add("last-round")
            if p.side is not None:
                seen.add("side")

    collect()
    assert seen_kinds == {"hold", "reps", "work", "rest", "open", "switch"}
    assert seen == {"counted", "paced", "halfway", "countdown", "last-round", "side"}


# --- any events at any times -------------------------------------------------------------------

events = st.sampled_from(
    [Event.TICK] * 4 + [Event.DONE] * 3 + [Event.REP] * 3 + [e for e in Event if e is not Event.TICK]
)
deltas = st.one_of(
    st.integers(0, 24).map(lambda k: k / 8),  # 0 to 3 s
    st.integers(0, 120).map(float),  # up to 2 minutes: a late tick, a long pause
)


@dataclass
class Watch:
    """Checks the stream of effects of one run as it comes."""

    plan: Plan
    last_time: float = -math.inf
    open_entry: int | None = None
    """The phase entered and not yet finished."""
    latest: dict[int, PhaseResult] = field(default_factory=dict)
    run_finished: list[RunFinished] = field(default_factory=list)

    def see(self, state: RunState, effects: tuple[Effect, ...], now: float) -> None:
        for effect in effects:
            assert not self.run_finished, "an effect after the run finished"
            at = effect.result.ended_at if isinstance(effect, PhaseFinished) else effect.at
            assert self.last_time <= at <= now, "effects go back in time or come from the future"
            self.last_time = at
            if isinstance(effect, PhaseStarted):
                assert 0 <= effect.index < len(self.plan.phases)
                self.open_entry = effect.index
            elif isinstance(effect, PhaseFinished):
                result = effect.result
                assert self.open_entry == result.index, "a result for a phase not under way"
                self.open_entry = None
                assert result.actual_seconds >= 0 and result.paused_seconds >= 0
                assert math.isclose(
                    result.ended_at - result.started_at,
                    result.actual_seconds + result.paused_seconds,
                    abs_tol=1e-9,
                )
                self.latest[result.index] = result
            elif isinstance(effect, RunFinished):
                self.run_finished.append(effect)
                indices = [r.index for r in effect.results]
                assert indices == sorted(set(indices)), "one result per phase, in phase order"
                assert {r.index: r for r in effect.results} == self.latest
        self.check_state(state, now)

    def check_state(self, state: RunState, now: float) -> None:
        assert state.first_index <= state.index < len(self.plan.phases)
        assert state.over is bool(self.run_finished)
        if state.over:
            assert state.ended_at == self.run_finished[0].at
            expected = RunStatus.COMPLETED if state.status is Status.FINISHED else RunStatus.ABORTED
            moves = [r for r in self.run_finished[0].results if r.kind.is_effort]
            if moves and state.first_index == 0 and not any(r.outcome.done for r in moves):
                expected = RunStatus.ABORTED  # reached the end with every move skipped
            assert self.run_finished[0].status is expected
        remaining = state.remaining(now)
        assert remaining is None or remaining >= 0
        assert 0 <= state.progress(now) <= 1
        assert state.seconds_left(now) >= 0
        wake = state.next_wakeup(now)
        assert wake is None or wake >= now
        assert (wake is None) is (state.status not in (Status.GET_READY, Status.ACTIVE))
        assert 0 <= state.reps_shown(now) <= max(state.phase.reps or 0, state.reps)


@PROPERTY_SETTINGS
@given(plan=plans(), script=st.lists(st.tuples(events, deltas), max_size=60), first=st.integers(0, 200))
def test_any_events_at_any_times_keep_the_run_consistent(
    plan: Plan, script: list[tuple[Event, float]], first: int
) -> None:
    """Never raises; index in range; one result per phase entry; the run finishes at most once."""
    state = new_run(plan, first_index=first % len(plan.phases))
    watch = Watch(plan)
    now = T0
    state, effects = step(state, Event.START, now)
    watch.see(state, effects, now)
    for event, delta in script:
        now += delta
        state, effects = step(state, event, now)
        watch.see(state, effects, now)
    assert len(watch.run_finished) <= 1
    if state.over:
        assert state.results == watch.run_finished[0].results
    else:
        assert {r.index: r for r in state.results} == watch.latest


@PROPERTY_SETTINGS
@given(plan=plans(), script=st.lists(st.tuples(events, deltas), max_size=40))
def test_the_same_events_at_the_same_times_give_the_same_effects(
    plan: Plan, script: list[tuple[Event, float]]
) -> None:
    def replay() -> tuple[RunState, list[Effect]]:
        state, out = new_run(plan), list[Effect]()
        now = T0
        state, effects = step(state, Event.START, now)
        out.extend(effects)
        for event, delta in script:
            now += delta
            state, effects = step(state, event, now)
            out.extend(effects)
        return state, out

    assert replay() == replay()


# --- no pauses, no skips: the run ends exactly on plan -----------------------------------------


@st.composite
def runner_script(draw: st.DrawFn, plan: Plan) -> tuple[list[tuple[float, Event]], list[float], float]:
    """Presses for the untimed phases of ``plan`` at exact times, plus ticks at any moments.

    Returns the events as (time, event) in time order, the planned start of each phase, and the
    planned end of the run.
    """
    starts: list[float] = []
    presses: list[tuple[float, Event]] = []
    at = T0 + plan.get_ready
    for phase in plan.phases:
        starts.append(at)
        if phase.seconds is not None:
            at += phase.seconds
            continue
        took = draw(st.integers(0, 160)) / 8  # 0 to 20 s
        if phase.counted and phase.reps is not None and draw(st.booleans()):
            # Counted by presses: all but the last half-way through, the last one ends the phase.
            presses += [(at + took / 2, Event.REP)] * (phase.reps - 1) + [(at + took, Event.REP)]
        else:
            extra = draw(st.integers(0, max(0, (phase.reps or 1) - 1)))
            presses += [(at + took / 2, Event.REP)] * extra + [(at + took, Event.DONE)]
        at += took
    end = at
    ticks = draw(st.lists(st.integers(0, int((end - T0 + 5) * 8)).map(lambda k: T0 + k / 8), max_size=40))
    script = sorted([(t, Event.TICK) for t in ticks] + presses, key=lambda item: item[0])
    script.append((end + 1, Event.TICK))
    return script, starts, end


@PROPERTY_SETTINGS
@given(data=st.data(), plan=plans())
def test_with_no_pauses_or_skips_the_run_ends_exactly_on_plan(data: st.DataObject, plan: Plan) -> None:
    """End = start + get-ready + timed phases + the open and counted phases' real durations."""
    script, starts, end = data.draw(runner_script(plan))
    state, effects = step(new_run(plan), Event.START, T0)
    out = list(effects)
    for at, event in script:
        state, effects = step(state, event, at)
        out.extend(effects)
    assert [e.at for e in out if isinstance(e, PhaseStarted)] == starts
    finished = [e for e in out if isinstance(e, RunFinished)]
    assert len(finished) == 1
    assert finished[0].status is RunStatus.COMPLETED
    assert finished[0].at == end
    assert state.status is Status.FINISHED and state.ended_at == end
    results = finished[0].results
    assert [r.index for r in results] == list(range(len(plan.phases)))
    assert all(r.paused_seconds == 0 for r in results)
    for phase, result in zip(plan.phases, results, strict=True):
        if phase.seconds is not None:
            assert result.actual_seconds == phase.seconds
        if phase.pace:
            assert result.reps_done == phase.reps


# --- waking only when asked --------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), plan=plans())
def test_waking_only_when_asked_misses_nothing(data: st.DataObject, plan: Plan) -> None:
    """Asleep until ``next_wakeup``: nothing shown changes in between, and no cue comes late."""
    state, _ = step(new_run(plan), Event.START, T0)
    now = T0
    press_at: float | None = None
    entered: tuple[int, float] | None = None
    for _ in range(5000):
        if state.over:
            break
        entry = (state.index, state.started_at)
        if state.status is Status.ACTIVE and state.phase.seconds is None and entry != entered:
            entered = entry
            press_at = state.started_at + data.draw(st.integers(0, 80)) / 8
        wake = state.next_wakeup(now)
        assert wake is not None
        target = wake if press_at is None else min(wake, press_at)
        seen = shown(state, now)
        for fraction in (0.25, 0.5, 0.75):
            between = now + (target - now) * fraction
            if now < between < target:
                assert shown(state, between) == seen
                assert step(state, Event.TICK, between)[1] == ()
        event = Event.TICK
        if press_at is not None and target == press_at:
            event, press_at = Event.DONE, None
        now = target
        state, effects = step(state, event, now)
        if event is Event.TICK:
            for effect in effects:
                if isinstance(effect, PlayCue | PhaseStarted):
                    assert effect.at == now, "a cue or a phase change came after it was due"
    assert state.status is Status.FINISHED
