"""Match a recorded activity's laps to a plan's phases. Pure: the activity is data, time is in it.

A watch running a workout records one lap per step it ran, with the step's index. The watch steps
run the plan's phases in order (:meth:`WorkoutProgram.executed`), so each lap finds its phase by
walking the plan forward to the next phase of that step: phases passed over were skipped, laps
that match nothing (the run home after the workout ended, a lap from before it) are extra. Laps
without step indexes (an activity recorded without the workout) are taken in order.

A phase's outcome follows the app's rules: a timed phase that ran its time (to within
:data:`TOLERANCE_SECONDS`) is completed; a sprint ended early by lap is ended-early; any other
timed phase cut short was skipped, or aborted if the activity stopped in it. Open phases are
completed. Counted reps take the reps of the strength sets in their lap, or the target when the
watch counted none (lap pressed: the set was done). The run is completed when its last phase was
reached, and aborted (a partial run) when the activity stopped before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hiptimer.core.plan import Phase, PhaseKind, Plan
from hiptimer.core.results import Outcome, PhaseResult, RunStatus
from hiptimer.export.fit_activity import Activity, Lap, StepCopy
from hiptimer.export.program import Duration, WorkoutProgram
from hiptimer.history.records import SavedPhase

__all__ = ["TOLERANCE_SECONDS", "MatchedRun", "match_activity", "program_matches"]

TOLERANCE_SECONDS = 1.0
"""A timed phase this close to its planned time counts as done in full (watches round laps)."""


@dataclass(frozen=True, slots=True)
class MatchedRun:
    """An activity's laps as a run of a plan."""

    status: RunStatus
    started: datetime
    ended: datetime
    phases: tuple[SavedPhase, ...]
    """A result for each phase reached, in order (phases after a stop have none)."""
    extra_laps: tuple[Lap, ...] = ()
    """Laps that match no phase."""

    @property
    def phases_done(self) -> int:
        """Phases done in full (completed or ended early)."""
        return sum(1 for p in self.phases if p.result.outcome.done)


def program_matches(program: WorkoutProgram, copies: Sequence[StepCopy]) -> bool:
    """Whether the steps a watch copied into an activity are those of ``program``."""
    if len(copies) != len(program.steps):
        return False
    for step, copy in zip(program.steps, copies, strict=True):
        expected: tuple[str, float | None]
        if step.duration is Duration.TIME:
            expected = ("time", step.seconds)
        elif step.duration is Duration.REPS:
            expected = ("reps", step.reps)
        elif step.duration is Duration.REPEAT:
            expected = ("repeat_until_steps_cmplt", step.times)
        else:
            expected = ("open", None)
        if copy.duration != expected[0]:
            return False
        if expected[1] is not None and (copy.value is None or abs(copy.value - expected[1]) > 0.01):
            return False
    return True


def match_activity(plan: Plan, program: WorkoutProgram, activity: Activity) -> MatchedRun:
    """The run ``activity`` recorded, as results of ``plan``'s phases (``program`` is plan as watch steps)."""
    executed = program.executed()
    laps = list(activity.laps)
    pairs, extra = (
        _pair(executed, laps)
        if any(lap.step_index is not None for lap in laps)
        else _in_order(laps, len(plan.phases))
    )
    last = max(pairs, default=-1)
    reached_end = last == len(plan.phases) - 1
    saved: list[SavedPhase] = []
    for index in range(last + 1):
        phase = plan.phases[index]
        lap = pairs.get(index)
        if lap is None:
            saved.append(_missing(phase, activity.start, _previous_end(saved, activity.start)))
            continue
        stopped_here = index == last and not reached_end
        reps = _reps(activity, lap)
        saved.append(_result(phase, lap, activity.start, stopped_here, reps))
    if not saved:
        return MatchedRun(RunStatus.ABORTED, activity.start, activity.end, (), tuple(extra))
    status = RunStatus.COMPLETED if reached_end else RunStatus.ABORTED
    started = min(lap.start for lap in pairs.values())
    ended = max(lap.end for lap in pairs.values())
    return MatchedRun(status, started, ended, tuple(saved), tuple(extra))


def _pair(executed: Sequence[int], laps: Iterable[Lap]) -> tuple[dict[int, Lap], list[Lap]]:
    """Each lap with a step index to the next phase run by that step; the rest are extra."""
    pairs: dict[int, Lap] = {}
    extra: list[Lap] = []
    at = 0
    for lap in laps:
        found = next((i for i in range(at, len(executed)) if executed[i] == lap.step_index), None)
        if found is None:
            extra.append(lap)
            continue
        pairs[found] = lap
        at = found + 1
    return pairs, extra


def _in_order(laps: Sequence[Lap], count: int) -> tuple[dict[int, Lap], list[Lap]]:
    return dict(enumerate(laps[:count])), list(laps[count:])


def _reps(activity: Activity, lap: Lap) -> int | None:
    """The reps of the active strength sets recorded during ``lap`` (None if none were counted)."""
    counted = [
        s.reps
        for s in activity.sets
        if s.active and s.reps is not None and lap.start <= s.start < lap.end + timedelta(seconds=0.5)
    ]
    return sum(counted) if counted else None


def _result(phase: Phase, lap: Lap, origin: datetime, stopped_here: bool, reps: int | None) -> SavedPhase:
    seconds = lap.timer_seconds
    if phase.seconds is not None and seconds < phase.seconds - TOLERANCE_SECONDS:
        if stopped_here:
            outcome = Outcome.ABORTED
        elif phase.kind is PhaseKind.WORK:
            outcome = Outcome.ENDED_EARLY
        else:
            outcome = Outcome.SKIPPED
    else:
        outcome = Outcome.COMPLETED
    reps_done: int | None = None
    if phase.kind is PhaseKind.REPS:
        reps_done = reps if reps is not None else (phase.reps if outcome is Outcome.COMPLETED else 0)
    started_at = (lap.start - origin).total_seconds()
    ended_at = started_at + lap.elapsed_seconds
    result = PhaseResult.of(
        phase,
        started_at=started_at,
        ended_at=ended_at,
        paused_seconds=max(0.0, lap.elapsed_seconds - seconds),
        reps_done=reps_done,
        outcome=outcome,
    )
    return SavedPhase(result, lap.start, lap.end)


def _missing(phase: Phase, origin: datetime, at: datetime) -> SavedPhase:
    """A phase the watch passed over (no lap): skipped, at the time the previous one ended."""
    offset = (at - origin).total_seconds()
    result = PhaseResult.of(
        phase,
        started_at=offset,
        ended_at=offset,
        paused_seconds=0.0,
        reps_done=0 if phase.kind is PhaseKind.REPS else None,
        outcome=Outcome.SKIPPED,
    )
    return SavedPhase(result, at, at)


def _previous_end(saved: Sequence[SavedPhase], default: datetime) -> datetime:
    return saved[-1].ended or default if saved else default
