"""The words and numbers the screens show, as plain functions of the data (easy to test)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.text import Text

from hiptimer.core.model import Schedule, ScheduleWhen
from hiptimer.core.outcomes import Outcome
from hiptimer.core.phase_result import PhaseResult
from hiptimer.core.plan import Phase, PhaseKind, Side
from hiptimer.core.ports import SessionHistory
from hiptimer.core.printable import escape

if TYPE_CHECKING:  # the engine loads with the first run: the home screen uses this module too
    from hiptimer.core.engine import RunState

__all__ = [
    "clock_text",
    "due_text",
    "next_text",
    "outcome_text",
    "plain",
    "planned_text",
    "position_text",
    "readout",
    "side_text",
    "state_word",
    "step_text",
    "when_text",
    "where_text",
]


def plain(cell: str) -> Text:
    """A table cell as written: ``[b]`` in a session's name is shown, not read as markup (a
    DataTable reads strings as markup), and a control character (in a name saved to the history
    before such names were refused) is shown as an escape, never sent to the terminal."""
    return Text(escape(cell))


def clock_text(seconds: float) -> str:
    """Whole seconds as ``m:ss`` (``h:mm:ss`` from an hour)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _ceil(seconds: float) -> int:
    """Seconds left, rounded up: "0:01" shows through the last second, "0:00" only at the end."""
    return max(0, math.ceil(seconds - 1e-6))


def minutes_text(seconds: float, estimate: bool = False) -> str:
    """A session length in words: "~14 min", "45 s"."""
    approx = "~" if estimate else ""
    if seconds < 60:
        return f"{approx}{round(seconds)} s"
    return f"{approx}{round(seconds / 60)} min"


def state_word(state: RunState) -> tuple[str, str]:
    """What the run is doing, in one or two words, and the CSS class that colours it."""
    from hiptimer.core.engine import Status  # late: see the imports above

    status = state.status
    if status is Status.PAUSED:
        return "PAUSED", "paused"
    if status is Status.FINISHED:
        return "DONE", "done"
    if status is Status.ABORTED:
        return "STOPPED", "paused"
    if status in (Status.READY, Status.GET_READY):
        return "GET READY", "get-ready"
    kind = state.phase.kind
    if kind.is_effort and state.phase.easy:
        return "EASY", "easy"
    if kind is PhaseKind.HOLD:
        return "HOLD", "hold"
    if kind is PhaseKind.REST:
        return "REST", "rest"
    if kind is PhaseKind.SWITCH:
        return "SWITCH", "switch"
    return "WORK", "work"


def readout(state: RunState, now: float, *, touch: bool = False) -> tuple[str, str]:
    """The big number and the words under it.

    A timed phase shows the time left; a rep phase the reps against the target; an open phase the
    time since it started. The words name keys in a terminal and buttons to tap on a touch screen
    (``touch``: the app is served to a browser).
    """
    from hiptimer.core.engine import Status  # late: see the imports above

    phase = state.phase
    if state.counting_down or state.status is Status.READY:
        return str(_ceil(state.remaining(now) or 0.0)), "get ready"
    done_word = "tap Done when done" if touch else "enter when done"
    if phase.kind is PhaseKind.REPS:
        done = state.reps_shown(now)
        if phase.pace:
            left = clock_text(_ceil(state.remaining(now) or 0.0))
            return f"{done}/{phase.reps}", f"reps, paced · {left} left"
        if touch:  # (short enough for a phone's 41 columns)
            return f"{done}/{phase.reps}", "reps · tap +1 rep, Done when done"
        return f"{done}/{phase.reps}", f"reps · + to count · {done_word}"
    if phase.seconds is None:
        return clock_text(state.active_seconds(now)), f"elapsed · {done_word}"
    left = clock_text(_ceil(state.remaining(now) or 0.0))
    if phase.min_seconds is not None:
        return left, f"left of {phase.target_text()} · {done_word}"
    return left, f"left of {clock_text(phase.seconds)}"


def side_text(side: Side | None) -> str:
    """The side in capitals with an arrow pointing to it."""
    if side is Side.LEFT:
        return "◀ LEFT LEG"
    if side is Side.RIGHT:
        return "RIGHT LEG ▶"
    return ""


def position_text(state: RunState) -> str:
    """Set, round and step counters: "set 2/3 · round 1/4 · step 12/17"."""
    phase = state.phase
    parts = []
    if phase.set_count > 1:
        parts.append(f"set {phase.set_index}/{phase.set_count}")
    if phase.round_count > 1:
        parts.append(f"round {phase.round_index}/{phase.round_count}")
    parts.append(f"step {phase.index + 1}/{len(state.plan.phases)}")
    return " · ".join(parts)


_ROUND_WORDS = ("block", "rep", "round")
"""What the levels of nested repeat blocks are called, outermost first: the innermost is always
the round; with two levels the outer one is the block, with three the middle one the rep."""


def _round_words(depth: int) -> list[str]:
    if depth <= 0:
        return []
    if depth == 1:
        return ["round"]
    return ["block", *(["level"] * (depth - 3)), *(["rep"] if depth >= 3 else []), "round"]


def where_text(phase: Phase, room: int | None = None) -> str:
    """Which set and which round of every repeat level: "set 2/3 · block 2/3 · rep 3/4 · round 1/2".

    Shortened to fit ``room`` cells: the levels' words go first ("set 2/3 · 2/3›3/4›1/2"), then
    the set's ("2/3 · 2/3›3/4›1/2"). Empty for a phase in no set and no repeat.
    """
    sets = [f"{phase.set_index}/{phase.set_count}"] if phase.set_count > 1 else []
    rounds = [f"{index}/{count}" for index, count in phase.rounds]
    words = _round_words(len(rounds))
    forms = [
        " · ".join([*(f"set {s}" for s in sets), *(f"{w} {r}" for w, r in zip(words, rounds, strict=True))]),
        " · ".join([*(f"set {s}" for s in sets), *(["›".join(rounds)] if rounds else [])]),
        " · ".join([*sets, *(["›".join(rounds)] if rounds else [])]),
    ]
    if room is None:
        return forms[0]
    return next((form for form in forms if len(form) <= room), forms[-1])


def step_text(state: RunState) -> str:
    """Which step of the run: "step 12/17"."""
    return f"step {state.phase.index + 1}/{len(state.plan.phases)}"


def phase_brief(phase: Phase) -> str:
    """A phase in a few words: "Kneeling hip-flexor · RIGHT · 1:00"."""
    parts = [phase.label]
    if phase.side is not None:
        parts.append(phase.side.value.upper())
    parts.append(planned_text(phase.seconds, phase.reps, phase))
    return " · ".join(parts)


def next_text(state: RunState) -> str:
    """What comes after the current phase."""
    following = state.index + 1
    if following >= len(state.plan.phases):
        return "Next: finish"
    return f"Next: {phase_brief(state.plan.phases[following])}"


def planned_text(seconds: float | None, reps: int | None, phase: Phase | None = None) -> str:
    """A phase's target: "1:00", "10 reps", "5-10 s", "open"."""
    if phase is not None and phase.kind is PhaseKind.WORK and phase.min_seconds is not None:
        return phase.target_text()
    if reps is not None:
        return f"{reps} reps"
    if seconds is not None:
        return clock_text(seconds) if seconds >= 60 else f"{seconds:g} s"
    return "open"


_OUTCOME_WORDS = {
    Outcome.COMPLETED: "done",
    Outcome.ENDED_EARLY: "ended early",
    Outcome.SKIPPED: "skipped",
    Outcome.ABORTED: "stopped",
}


def outcome_text(result: PhaseResult) -> str:
    """How a phase ended, in words."""
    return _OUTCOME_WORDS[result.outcome]


_WHEN_WORDS = {
    ScheduleWhen.BEFORE_RUN: "before a run",
    ScheduleWhen.MID_RUN: "during a run",
    ScheduleWhen.NON_RUNNING_DAYS: "rest days",
    ScheduleWhen.ANY: "any time",
}


def when_text(schedule: Schedule) -> str:
    """When a session is meant for, in a few words."""
    return _WHEN_WORDS[schedule.when]


def due_text(schedule: Schedule, history: SessionHistory, targets: dict[str, float]) -> str:
    """What is due: this week's count against the schedule, and today's progression targets."""
    parts = []
    if schedule.per_week is not None:
        parts.append(f"{history.this_week}/{schedule.per_week} this week")
    parts.extend(f"{value:g} {name}" for name, value in targets.items())
    if not parts:
        on_runs = schedule.when in (ScheduleWhen.BEFORE_RUN, ScheduleWhen.MID_RUN)
        parts.append("next run" if on_runs else "any time")
    return ", ".join(parts)
