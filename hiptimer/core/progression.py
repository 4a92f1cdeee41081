"""Today's targets from past runs, and when a session is due. Pure: time and history are arguments.

The rule, for each ``[progression.NAME]`` of a session:

* it starts at ``start`` the first time (no earlier run used it);
* after a run that was completed and did every round (or set) that the progression sets in full,
  at its target, it grows by ``step``;
* after any other run (stopped, interrupted, a round skipped or cut short) it holds;
* it never passes ``goal``.

The base is the latest run that used the progression, and the target that run used (stored with
it), so a skipped week does not reset progress, and a run that was cut short does not lose it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from hiptimer.core.model import (
    Progression,
    RepeatStep,
    RepsStep,
    Schedule,
    ScheduleWhen,
    Session,
    Step,
)
from hiptimer.core.outcomes import RunStatus
from hiptimer.core.phase_result import PhaseResult
from hiptimer.core.plan import Phase, PhaseKind, compile_plan, format_seconds
from hiptimer.core.ports import SessionHistory, StoredRun

__all__ = [
    "TodayTarget",
    "TodayTargets",
    "due_text",
    "is_due",
    "last_done_text",
    "today_targets",
]


# A named tuple and a plain class, not frozen dataclasses: the home screen loads this module
# before its first frame, and a frozen dataclass costs a millisecond to define.


class TodayTarget(NamedTuple):
    """One progression's value today, and why."""

    name: str
    value: float
    reason: str
    """One line: "last run completed 7 repeats -> 8 today"."""
    previous: float | None = None
    """The target the latest run used; None the first time."""
    goal: float = 0.0


class TodayTargets:
    """Each progression of a session at today's value, in the order the session lists them."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[TodayTarget, ...] = ()) -> None:
        self.items = items

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TodayTargets) and self.items == other.items

    def __hash__(self) -> int:
        return hash(self.items)

    def __repr__(self) -> str:
        return f"TodayTargets(items={self.items!r})"

    @property
    def values(self) -> dict[str, float]:
        """The targets to compile today's plan with."""
        return {t.name: t.value for t in self.items}

    def __getitem__(self, name: str) -> TodayTarget:
        for target in self.items:
            if target.name == name:
                return target
        raise KeyError(name)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[TodayTarget]:
        return iter(self.items)

    def reason(self) -> str:
        """Every progression's reason on one line ("repeats: last run completed ...")."""
        if len(self.items) == 1:
            return self.items[0].reason
        return "; ".join(f"{t.name}: {t.reason}" for t in self.items)


def today_targets(session: Session, runs: Sequence[StoredRun]) -> TodayTargets:
    """Today's value of each progression of ``session``, from its past ``runs`` (any order).

    Runs of other sessions and runs still going on are ignored. Runs need their results (see
    :func:`hiptimer.history.store.recent_runs`).
    """
    past = sorted(
        (r for r in runs if r.session_id == session.id and r.status is not RunStatus.RUNNING),
        key=lambda r: (r.started, r.run_id),
        reverse=True,
    )
    items = []
    for name, progression in session.progression.items():
        latest = next((r for r in past if name in r.targets), None)
        items.append(_target(session, name, progression, latest))
    return TodayTargets(tuple(items))


def _target(session: Session, name: str, p: Progression, latest: StoredRun | None) -> TodayTarget:
    users = [
        (path, depth, step)
        for path, depth, step in _steps(session.steps, "steps", 0)
        if step.progression == name
    ]
    counted = any(isinstance(step, RepeatStep | RepsStep) for _, _, step in users)
    show = _count_text if counted else format_seconds
    if latest is None:
        return TodayTarget(name, p.start, f"first time: start at {show(p.start)}", None, p.goal)
    used = min(max(latest.targets[name], p.start), p.goal)
    done, total, unit = _units_done(session, latest, name, users)
    amount = f"{show(used)} {_noun(name)}" if counted else show(used)
    if latest.status is RunStatus.COMPLETED and done == total:
        if used >= p.goal:
            return TodayTarget(name, p.goal, f"at goal {show(p.goal)}", used, p.goal)
        value = min(round(used + p.step, 9), p.goal)
        return TodayTarget(name, value, f"last run completed {amount} -> {show(value)} today", used, p.goal)
    how = {
        RunStatus.ABORTED: "stopped after",
        RunStatus.INTERRUPTED: "was interrupted after",
        RunStatus.COMPLETED: "did",
    }.get(latest.status, "stopped after")
    tail = " in full" if latest.status is RunStatus.COMPLETED else ""
    reason = f"last run {how} {done} of {total} {unit}{tail}: staying at {show(used)}"
    return TodayTarget(name, used, reason, used, p.goal)


def _units_done(
    session: Session, run: StoredRun, name: str, users: list[tuple[str, int, Step]]
) -> tuple[int, int, str]:
    """How many of the rounds (or sets) that ``name`` sets the run did in full, of how many."""
    plan = compile_plan(session, run.targets)
    results = {r.index: r for r in run.results}
    groups: dict[tuple[object, ...], bool] = {}
    unit = "sets"
    for path, depth, step in users:
        if isinstance(step, RepeatStep):
            unit = _noun(name)
        for phase in plan.phases:
            key = _group(phase, path, depth, step)
            if key is None:
                continue
            ok = groups.get(key, True) and _at_target(phase, results.get(phase.index))
            groups[key] = ok
    return sum(groups.values()), len(groups), unit


def _group(phase: Phase, path: str, depth: int, step: Step) -> tuple[object, ...] | None:
    """The round (of a repeat block) or set a phase counts towards, or None if outside the scope."""
    if isinstance(step, RepeatStep):
        if not phase.step_path.startswith(f"{path}.steps[") or not phase.kind.is_effort:
            return None
        return (path, *phase.rounds[: depth + 1])
    if phase.step_path != path:
        return None
    return (path, phase.index)


def _at_target(phase: Phase, result: PhaseResult | None) -> bool:
    if result is None or not result.outcome.done:
        return False
    if phase.kind is PhaseKind.REPS and result.reps_target is not None:
        return (result.reps_done or 0) >= result.reps_target
    return True


def _steps(steps: Sequence[Step], path: str, depth: int) -> Iterator[tuple[str, int, Step]]:
    """Every step with its path as the plan writes it (``steps[0].steps[1]``) and its nesting depth."""
    for i, step in enumerate(steps):
        here = f"{path}[{i}]"
        yield here, depth, step
        if isinstance(step, RepeatStep):
            yield from _steps(step.steps, f"{here}.steps", depth + 1)


def _count_text(value: float) -> str:
    return f"{value:g}"


def _noun(name: str) -> str:
    return name.replace("-", " ").replace("_", " ")


# --- when a session is due ---------------------------------------------------------------------

_WHEN_TEXT: Mapping[ScheduleWhen, str] = {
    ScheduleWhen.BEFORE_RUN: "before your next run",
    ScheduleWhen.MID_RUN: "during your next run",
    ScheduleWhen.NON_RUNNING_DAYS: "on a day you don't run",
    ScheduleWhen.ANY: "any time",
}


def due_text(schedule: Schedule, history: SessionHistory) -> str:
    """When the session is due, in a few words: "1/2 this week", "before your next run"."""
    if schedule.per_week is not None:
        return f"{history.this_week}/{schedule.per_week} this week"
    return _WHEN_TEXT[schedule.when]


def is_due(schedule: Schedule, history: SessionHistory) -> bool:
    """Whether the session still has a run to do this week (always, without a weekly target)."""
    return schedule.per_week is None or history.this_week < schedule.per_week


def last_done_text(last: datetime | None, now: datetime) -> str:
    """When a session was last completed, in the user's local days: "today", "3 days ago", "never"."""
    if last is None:
        return "never"
    days = (now.astimezone().date() - last.astimezone().date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    return last.astimezone().strftime("%Y-%m-%d")
