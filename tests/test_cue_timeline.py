"""The cue timeline: on the one audio channel no clip starts while another plays (unless the earlier
one is a tick), every paced rep has its tick, and the words that matter are said.

Checked over every built-in routine at every progression value with the shipped clips' lengths,
and over generated sessions with generated lengths (hypothesis).
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from typing import Any

import pytest
from engine_kit import LENGTHS, SESSIONS, T0, FakeRun, builtin_plan, plan_of
from hypothesis import given
from hypothesis import strategies as st
from test_engine_properties import PROPERTY_SETTINGS, plans

from hiptimer.core.cue_timeline import (
    MARGIN_SECONDS,
    CuePlan,
    ScheduledCue,
    collisions,
    plan_cues,
    run_timeline,
)
from hiptimer.core.cues import ClipLengths, Cue
from hiptimer.core.engine import Event
from hiptimer.core.plan import PhaseKind, Plan, compile_plan
from hiptimer.core.results import PlayCue
from hiptimer.core.schema import validate_session


def _variants() -> list[tuple[str, dict[str, float]]]:
    """Every built-in at every value of its progressions."""
    out: list[tuple[str, dict[str, float]]] = []
    for path in sorted(SESSIONS.glob("*.toml")):
        session = validate_session({"id": path.stem, **tomllib.loads(path.read_text())})
        out.append((path.stem, {}))
        for name, p in session.progression.items():
            value = p.start
            while value <= p.goal:
                out.append((path.stem, {name: value}))
                value += p.step
    return out


VARIANTS = _variants()


def _ticks_ok(plan: Plan, cues: CuePlan) -> None:
    """Every paced rep has its tick (the first rep's is the start cue), and no pip among them."""
    for phase, phase_cues in zip(plan.phases, cues.phases, strict=True):
        if not (phase.pace and phase.reps and phase.pace_ticks):
            continue
        assert phase_cues.start is not None and phase_cues.cold_start is not None, phase.label
        ticks = [c.at for c in phase_cues.timeline if c.request.cue is Cue.REP]
        assert ticks == pytest.approx([n * phase.pace for n in range(1, phase.reps)]), phase.label
        assert not any(c.request.cue is Cue.PIP for c in phase_cues.timeline), phase.label


def _no_collision(timeline: list[ScheduledCue]) -> None:
    clashes = [
        f"{a.request.cue}:{a.request.speech!r} at {a.at:.2f}-{a.end:.2f} cut by "
        f"{b.request.cue}:{b.request.speech!r} at {b.at:.2f}"
        for a, b in collisions(timeline)
    ]
    assert clashes == []


@pytest.mark.parametrize(("session_id", "targets"), VARIANTS, ids=[f"{s}-{t}" for s, t in VARIANTS])
def test_no_cue_of_a_built_in_cuts_or_drops_another(session_id: str, targets: dict[str, float]) -> None:
    plan = builtin_plan(session_id, targets)
    cues = plan_cues(plan, LENGTHS)
    _no_collision(run_timeline(plan, cues))
    _ticks_ok(plan, cues)
    # Every phase starts with a sound a runner hears.
    assert all(p.start is not None for p in cues.phases)


def _said(plan: Plan) -> list[str]:
    return [c.request.speech or "" for c in run_timeline(plan, plan_cues(plan, LENGTHS))]


def test_the_set_and_the_side_are_said_on_every_hip_flexor_hold() -> None:
    said = _said(builtin_plan("pre-run-hips"))
    for side in ("left", "right"):
        for n in (1, 2, 3):
            assert f"kneeling hip flexor, set {n} of 3, {side} leg, 1 minute" in said


def test_every_side_of_the_pre_run_routine_is_said() -> None:
    said = ", ".join(_said(builtin_plan("pre-run-hips")))
    assert "knee to chest bridge, left leg" in said
    assert "knee to chest bridge, right leg" in said
    assert "leg swings, left leg" in said
    # After "switch legs" the same move goes on: the side is what is new.
    assert "right leg" in said.split("leg swings, left leg", 1)[1]


@pytest.mark.parametrize(("session_id", "rounds"), [("hill-sprints", 8), ("backwards-running", 12)])
def test_each_round_is_said_and_the_last_is_last_one(session_id: str, rounds: int) -> None:
    said = _said(builtin_plan(session_id, {"repeats": rounds}))
    for r in range(1, rounds):
        assert any(s.startswith(f"repeat {r} of {rounds}, ") for s in said), r
    assert sum(s.startswith("last one, ") for s in said) == 1


def test_work_after_a_three_minute_rest_is_announced_ten_seconds_ahead_of_the_pips() -> None:
    plan = builtin_plan("hill-sprints", {"repeats": 5})
    cues = plan_cues(plan, LENGTHS)
    rests = [i for i, p in enumerate(plan.phases) if p.kind is PhaseKind.REST]
    assert len(rests) == 4
    for i in rests:
        timeline = cues.phases[i].timeline
        warning = [c for c in timeline if c.request.cue is Cue.SOON]
        assert [(c.at, c.request.speech) for c in warning] == [(170, "sprint, in 10 seconds")]
        pips = [c.at for c in timeline if c.request.cue is Cue.PIP]
        assert pips == [177, 178, 179]
        assert 170 + LENGTHS.request(warning[0].request) + MARGIN_SECONDS <= 177


def test_a_short_rest_gets_no_warning() -> None:
    plan = builtin_plan("strength-for-speed")
    assert not any(c.request.cue is Cue.SOON for pc in plan_cues(plan, LENGTHS).phases for c in pc.timeline)


def test_each_kind_starts_with_its_own_tone() -> None:
    tones: dict[str, Cue] = {}
    for session_id in ("pre-run-hips", "hill-sprints", "backwards-running"):
        plan = builtin_plan(session_id)
        for phase, pc in zip(plan.phases, plan_cues(plan, LENGTHS).phases, strict=True):
            if pc.cold_start is not None and not phase.last_round:
                tones.setdefault(phase.label, pc.cold_start.cue)
    assert tones["Sprint uphill"] is Cue.WORK
    assert tones["Run backwards"] is Cue.WORK
    assert tones["Walk down"] is Cue.EASY
    assert tones["Jog forward"] is Cue.EASY
    assert tones["Kneeling hip-flexor"] is Cue.HOLD
    assert tones["Rest"] is Cue.REST
    assert tones["Switch legs"] is Cue.SWITCH
    assert tones["Marching bridge"] is Cue.GO


def test_the_engine_plays_exactly_the_planned_timeline() -> None:
    """A hands-free routine, run on the fake clock: every cue at its planned moment, nothing else."""
    plan = builtin_plan("pre-run-hips")
    run = FakeRun(plan)
    run.send(Event.START, 0)
    run.sleep_until(700)
    played = [(round(e.at - T0, 6), e.request) for e in run.effects if isinstance(e, PlayCue)]
    planned = [(round(c.at, 6), c.request) for c in run_timeline(plan, plan_cues(plan, LENGTHS))]
    assert played == planned


def test_a_phase_entered_by_a_key_says_the_words_planned_early_in_the_phase_before() -> None:
    plan = builtin_plan("pre-run-hips")
    run = FakeRun(plan)
    run.send(Event.START, 0)
    run.sleep_until(80)  # into the marching bridge (70-90 s)
    run.take()
    run.send(Event.NEXT, 81)  # skip it: the "leg swings, left leg" said at 88 s was never heard
    run.sleep_until(84)
    lines = run.take()
    # The next move is said as it starts, as much as fits before its first tick at 83 s.
    assert lines[:4] == [
        "81 end #3 skipped 11s reps 5/10",
        "81 start #4 Swinging drill left",
        "81 cue go 'leg swings'",
        "83 cue rep",
    ]


def test_the_get_ready_words_end_before_the_first_pip() -> None:
    for session_id, _ in VARIANTS:
        plan = builtin_plan(session_id)
        cues = plan_cues(plan, LENGTHS)
        start = cues.get_ready.start
        assert start is not None
        first_pip = min(c.at for c in cues.get_ready.timeline)
        assert LENGTHS.request(start) + MARGIN_SECONDS <= first_pip


# --- generated sessions ---------------------------------------------------------------------------

clip_seconds = st.integers(1, 48).map(lambda k: k / 40)  # 25 ms to 1.2 s
blip_seconds = st.integers(1, 8).map(lambda k: k / 40)  # a pip or a tick: 25 to 200 ms
lengths = st.builds(
    ClipLengths,
    tones=st.fixed_dictionaries(
        {cue.value: blip_seconds if cue in (Cue.PIP, Cue.REP) else clip_seconds for cue in Cue}
    ),
    parts=st.dictionaries(
        st.sampled_from(["hold", "work", "reps", "rest", "open", "left-leg"]), clip_seconds
    ),
)


def _long_rest_session(work_seconds: float, rest: float, times: int) -> dict[str, Any]:
    return {
        "id": "long-rest",
        "name": "Long rest",
        "steps": [
            {
                "type": "repeat",
                "times": times,
                "rest_between": rest,
                "steps": [{"type": "work", "name": "Dash", "seconds": work_seconds}],
            }
        ],
    }


def _all_cold(cues: CuePlan) -> CuePlan:
    """The cues as heard when every phase is started by a key: no words said early before it."""
    phases = tuple(
        replace(
            pc,
            start=pc.cold_start,
            timeline=tuple(c for c in pc.timeline if c.request.tone),
        )
        for pc in cues.phases
    )
    ready = replace(cues.get_ready, timeline=tuple(c for c in cues.get_ready.timeline if c.request.tone))
    return replace(cues, phases=phases, get_ready=ready)


@PROPERTY_SETTINGS
@given(plans(), lengths)
def test_generated_sessions_never_collide_and_every_paced_rep_ticks(plan: Plan, clips: ClipLengths) -> None:
    cues = plan_cues(plan, clips)
    _no_collision(run_timeline(plan, cues))
    _ticks_ok(plan, cues)
    # Started by a key instead of by the clock, each phase says its words itself: still no clash.
    _no_collision(run_timeline(plan, _all_cold(cues)))


@PROPERTY_SETTINGS
@given(
    st.integers(4, 120).map(lambda k: k / 4),
    st.integers(60, 400),
    st.integers(2, 5),
    lengths,
)
def test_work_after_any_long_rest_is_warned_of(
    work: float, rest: int, times: int, clips: ClipLengths
) -> None:
    plan = plan_of(_long_rest_session(work, rest, times))
    cues = plan_cues(plan, clips)
    _no_collision(run_timeline(plan, cues))
    for phase, pc in zip(plan.phases, cues.phases, strict=True):
        if phase.kind is PhaseKind.REST:
            assert [c.at for c in pc.timeline if c.request.cue is Cue.SOON] == [rest - 10]


def test_tones_only_sessions_plan_no_words() -> None:
    session = {
        "id": "tones",
        "name": "Tones",
        "cues": {"voice": "tones"},
        "steps": [{"type": "reps", "name": "Swings", "reps": 5, "pace": 1, "sides": "each"}],
    }
    plan = compile_plan(validate_session(session))
    cues = plan_cues(plan, LENGTHS)
    _no_collision(run_timeline(plan, cues))
    _ticks_ok(plan, cues)


@pytest.mark.parametrize(("session_id", "targets"), VARIANTS, ids=[f"{s}-{t}" for s, t in VARIANTS])
def test_every_planned_cue_of_a_built_in_plays_from_the_shipped_files(
    session_id: str, targets: dict[str, float]
) -> None:
    """No built-in word needs a speech engine, in the terminal or on the phone."""
    from engine_kit import SOUNDS

    from hiptimer.audio.page import cue_message
    from hiptimer.audio.sounds import SoundBank

    bank = SoundBank(SOUNDS)
    plan = builtin_plan(session_id, targets)
    for cue in run_timeline(plan, plan_cues(plan, LENGTHS)):
        request = cue.request
        assert bank.tone(request.cue) is not None
        if request.speech:
            phrase = bank.phrase(request.speech)
            assert phrase is not None, request.speech
            assert phrase.seconds == pytest.approx(LENGTHS.phrase(request.speech), abs=0.002)
        assert cue_message(request, LENGTHS)["say"] is None, request.speech
