"""What the history screens read from the store and the words they show, without Textual.

The loaders run on the store thread (through :class:`~hiptimer.tui.store_worker.StoreWorker`) and
read one page at a time: the newest :data:`PAGE_SIZE` runs with their phases, at most
:data:`CHART_RUNS` runs of one session for its chart. Neither cost grows with the history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import cast

from hiptimer.core.model import RepeatStep, RepsStep, Schedule, Session, Step
from hiptimer.core.plan import Phase, PhaseKind, Plan, compile_plan
from hiptimer.core.ports import RunStore, SessionHistory, StoredRun
from hiptimer.core.results import Outcome, PhaseResult, RunStatus
from hiptimer.history.records import HistorySource, RunRecord, SavedPhase
from hiptimer.tui.text import clock_text, outcome_text, planned_text, when_text

__all__ = [
    "CHART_RUNS",
    "PAGE_SIZE",
    "ChartPoint",
    "ChartSeries",
    "DateStyle",
    "HistoryPage",
    "RunDetail",
    "chart_series",
    "date_text",
    "detail_rows",
    "load_chart",
    "load_page",
    "load_plan",
    "result_cells",
    "run_cells",
    "status_text",
    "totals_text",
    "value_text",
    "week_text",
]

PAGE_SIZE = 20
"""Runs per page of the history screen."""

CHART_RUNS = 60
"""The most runs a session's chart reads (more than a wide terminal shows)."""


def _records(store: RunStore, session_id: str | None, limit: int, offset: int) -> list[RunRecord]:
    """Runs newest first with their phases, from any :class:`~hiptimer.core.ports.RunStore`.

    A store that reads them in one go (a :class:`~hiptimer.history.records.HistorySource`) does.
    """
    reader = getattr(store, "records", None)
    if callable(reader):
        return cast("HistorySource", store).records(session_id, limit=limit, offset=offset)
    out = []
    for summary in store.runs(session_id, limit=limit, offset=offset):
        run = store.run(summary.run_id) or summary
        phases = tuple(SavedPhase(r, None, None) for r in run.results)
        out.append(RunRecord(run, len(run.results), "", phases))
    return out


# --- the list of runs ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """One page of runs, newest first."""

    records: tuple[RunRecord, ...]
    offset: int
    """How many newer runs come before this page."""
    more: bool
    """Whether older runs follow."""
    week: dict[str, SessionHistory]
    """Last done and runs this week, by session id."""
    in_memory: bool = False
    """Whether the store keeps runs in memory only (this process's runs, not saved)."""
    now: datetime | None = None
    """When the page was read (which year goes without saying in its dates)."""

    @property
    def range_text(self) -> str:
        """Which runs these are: "runs 21-40"."""
        if not self.records:
            return "no runs"
        first, last = self.offset + 1, self.offset + len(self.records)
        return f"run {first}" if first == last else f"runs {first}-{last}"


def load_page(
    store: RunStore,
    session_id: str | None,
    *,
    offset: int,
    session_ids: Sequence[str],
    now: datetime,
    size: int = PAGE_SIZE,
) -> HistoryPage:
    """Read one page (one run more than shown, to know whether there is a next page).

    Call it on the store thread.
    """
    records = _records(store, session_id, size + 1, max(0, offset))
    week = store.session_history(list(session_ids), now=now)
    in_memory = bool(getattr(store, "in_memory", False))
    return HistoryPage(tuple(records[:size]), max(0, offset), len(records) > size, week, in_memory, now)


_STATUS_WORDS = {
    RunStatus.COMPLETED: "done",
    RunStatus.ABORTED: "stopped",
    RunStatus.INTERRUPTED: "interrupted",
    RunStatus.RUNNING: "running",
}


def status_text(status: RunStatus) -> str:
    """How a run ended, in words: "done", "stopped", "interrupted", "running"."""
    return _STATUS_WORDS[status]


class DateStyle(StrEnum):
    """How much of a run's start the history table shows (less on a narrow terminal)."""

    FULL = "full"
    """2025-05-13 07:30"""
    SHORT = "short"
    """13 May 07:30 (13 May 2024 in another year than now)"""
    DAY = "day"
    """13 May (May 2024 in another year than now)"""


def date_text(moment: datetime, style: DateStyle = DateStyle.FULL, *, now: datetime | None = None) -> str:
    """A run's start in local time, in ``style``; ``now`` says which year goes without saying."""
    local = moment.astimezone()
    this_year = now is None or local.year == now.astimezone().year
    if style is DateStyle.SHORT:
        return f"{local.day} {local:%b %H:%M}" if this_year else f"{local.day} {local:%b %Y}"
    if style is DateStyle.DAY:
        return f"{local.day} {local:%b}" if this_year else f"{local:%b %Y}"
    return f"{local:%Y-%m-%d %H:%M}"


def _targets_and_reps(record: RunRecord) -> str:
    parts = [f"{value:g} {name}" for name, value in sorted(record.run.targets.items())]
    if record.reps_target:
        parts.append(f"reps {record.reps_done}/{record.reps_target}")
    return ", ".join(parts)


def run_cells(
    record: RunRecord, *, dates: DateStyle = DateStyle.FULL, now: datetime | None = None
) -> dict[str, str]:
    """The history table's cells for one run, by column key.

    Keys: ``date``, ``session``, ``status``, ``steps`` (done/total), ``time``, ``what`` (targets
    and reps).
    """
    seconds = record.duration_seconds
    return {
        "date": date_text(record.run.started, dates, now=now),
        "session": record.run.session_name,
        "status": status_text(record.run.status),
        "steps": f"{record.phases_done}/{record.phase_count}",
        "time": "-" if seconds is None else clock_text(seconds + 0.5),
        "what": _targets_and_reps(record) or "-",
    }


def totals_text(record: RunRecord) -> str:
    """One line about a whole run: "done · 28:10 · 27 of 27 steps done · 7 repeats · reps 40/40"."""
    cells = run_cells(record)
    parts = [cells["status"]]
    if cells["time"] != "-":
        parts.append(cells["time"])
    parts.append(f"{record.phases_done} of {record.phase_count} steps done")
    skipped = sum(1 for p in record.phases if p.result.outcome is Outcome.SKIPPED)
    if skipped:
        parts.append(f"{skipped} skipped")
    paused = sum(p.result.paused_seconds for p in record.phases)
    if paused >= 1:
        parts.append(f"paused {clock_text(paused + 0.5)}")
    if cells["what"] != "-":
        parts.append(cells["what"])
    return " · ".join(parts)


# --- one run ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunDetail:
    """A run with its phases, and the plan it followed when the store still has it."""

    record: RunRecord
    plan: Plan | None = None


def load_plan(store: RunStore, run_id: int) -> Plan | None:
    """The plan a run followed, if the store keeps plans (the history file does). Store thread only."""
    plan_of = getattr(store, "stored_plan", None)
    if not callable(plan_of):
        return None
    return cast("Callable[[int], Plan | None]", plan_of)(run_id)


def _step_label(source: Phase | PhaseResult) -> str:
    if source.set_count > 1:
        return f"{source.label} {source.set_index}/{source.set_count}"
    return source.label


def result_cells(result: PhaseResult, phase: Phase | None = None) -> tuple[str, ...]:
    """A step's cells, as the summary and a run's detail show them: "#", step, side, planned,
    actual, reps and how it ended (``phase``, when known, gives a range such as "5-10 s")."""
    reps = ""
    if result.reps_done is not None:
        reps = f"{result.reps_done}" + (f"/{result.reps_target}" if result.reps_target else "")
    return (
        str(result.index + 1),
        _step_label(result),
        result.side.value if result.side else "",
        planned_text(result.planned_seconds, result.reps_target, phase),
        clock_text(result.actual_seconds + 0.5),
        reps,
        outcome_text(result),
    )


def _phase_cells(index: int, result: PhaseResult | None, phase: Phase | None) -> tuple[str, ...]:
    if result is not None:
        return result_cells(result, phase)
    assert phase is not None
    return (
        str(index + 1),
        _step_label(phase),
        phase.side.value if phase.side else "",
        planned_text(phase.seconds, phase.reps, phase),
        "-",
        "",
        "not reached",
    )


def detail_rows(detail: RunDetail) -> list[tuple[str, ...]]:
    """The detail table's rows: each phase planned against actual, reps, and how it ended.

    With the run's plan, the phases it never reached are listed too ("not reached").
    """
    results = {p.result.index: p.result for p in detail.record.phases}
    phases = {p.index: p for p in detail.plan.phases} if detail.plan is not None else {}
    indexes = sorted(set(results) | set(phases))
    return [_phase_cells(i, results.get(i), phases.get(i)) for i in indexes]


# --- this week and the chart --------------------------------------------------------------------


def week_text(schedule: Schedule, history: SessionHistory, *, brief: bool = False) -> str:
    """This week against the schedule: "1/2 this week", or "3 runs this week · before a run".

    ``brief`` leaves out when the session is meant for.
    """
    if schedule.per_week is not None:
        return f"{history.this_week}/{schedule.per_week} this week"
    runs = "1 run" if history.this_week == 1 else f"{history.this_week} runs"
    return f"{runs} this week" if brief else f"{runs} this week · {when_text(schedule)}"


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One run on the chart."""

    started: datetime
    value: float
    complete: bool
    """Whether the run was completed (a stopped or interrupted run is drawn differently)."""


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """A session's measure over its runs, oldest first."""

    session_name: str
    measure: str
    """What the bars are: "repeats", "hold time", "reps"."""
    seconds: bool
    """Whether values are seconds (shown as 1:30) rather than counts."""
    points: tuple[ChartPoint, ...]
    goal: float | None = None
    goal_name: str = "goal"
    """What the goal line is: "goal" for a progression, "planned" for a fixed session."""

    def text(self, value: float) -> str:
        """A value as the chart labels it."""
        return value_text(value, seconds=self.seconds)


def value_text(value: float, *, seconds: bool) -> str:
    """A count as "7", seconds as "45" below a minute and "6:00" from one."""
    if not seconds:
        return f"{value:g}"
    if value < 60:
        return f"{round(value)}"
    return clock_text(value + 0.5)


def _walk(steps: Sequence[Step]) -> Iterator[Step]:
    for step in steps:
        yield step
        if isinstance(step, RepeatStep):
            yield from _walk(step.steps)


def _counted(session: Session, name: str) -> bool:
    """Whether a progression counts (repeats, reps) rather than times (a hold's seconds)."""
    return any(isinstance(s, RepeatStep | RepsStep) and s.progression == name for s in _walk(session.steps))


def chart_series(session: Session | None, session_id: str, runs: Sequence[StoredRun]) -> ChartSeries:
    """What to chart for a session, from its runs (newest first, as the store gives them).

    A session with a progression charts its first progression's target per run, with the goal.
    A session without one charts what a run did against the plan: hold time, or reps done, whichever
    takes more of the session's time, else steps done. ``runs`` need their results only in that second case.
    Runs still going on are left out.
    """
    name = session.name if session is not None else (runs[0].session_name if runs else session_id)
    done = [r for r in reversed(runs) if r.status is not RunStatus.RUNNING]

    def point(run: StoredRun, value: float) -> ChartPoint:
        return ChartPoint(run.started, value, run.status is RunStatus.COMPLETED)

    progression = next(iter(session.progression), None) if session is not None else None
    if progression is None and session is None:
        progression = next((k for r in runs for k in sorted(r.targets)), None)
    if progression is not None:
        points = tuple(point(r, r.targets[progression]) for r in done if progression in r.targets)
        goal = session.progression[progression].goal if session is not None else None
        seconds = session is not None and not _counted(session, progression)
        measure = progression.replace("-", " ").replace("_", " ")
        return ChartSeries(name, measure, seconds, points, goal)
    plan = compile_plan(session) if session is not None else None
    phases = plan.phases if plan is not None else ()
    rep_phases = [p for p in phases if p.kind is PhaseKind.REPS]
    hold_phases = [p for p in phases if p.kind is PhaseKind.HOLD]
    planned_reps = sum(p.reps or 0 for p in rep_phases)
    planned_hold = sum(p.seconds or 0.0 for p in hold_phases)
    # Chart what most of the session's time goes to: the holds of the pre-run routine, the reps
    # of strength work.
    rep_time = sum(p.estimate_seconds for p in rep_phases)
    if planned_hold and planned_hold >= rep_time:
        held = tuple(
            point(r, sum(x.actual_seconds for x in r.results if x.kind is PhaseKind.HOLD)) for r in done
        )
        return ChartSeries(name, "hold time", True, held, planned_hold, "planned")
    if planned_reps:
        points = tuple(point(r, sum(x.reps_done or 0 for x in r.results)) for r in done)
        return ChartSeries(name, "reps", False, points, planned_reps, "planned")
    steps = tuple(point(r, sum(1 for x in r.results if x.outcome.done)) for r in done)
    return ChartSeries(name, "steps done", False, steps, float(len(phases)) if phases else None, "planned")


def _needs_results(session: Session | None) -> bool:
    return session is None or not session.progression


def load_chart(
    store: RunStore, session: Session | None, session_id: str, *, limit: int = CHART_RUNS
) -> ChartSeries:
    """Read the newest ``limit`` runs of a session and chart them. Store thread only.

    A session with a progression needs only the runs' targets (one query); one without needs
    their results too.
    """
    if not _needs_results(session):
        runs = store.runs(session_id, limit=limit)
    else:
        runs = [r.run for r in _records(store, session_id, limit, 0)]
    return chart_series(session, session_id, runs)
