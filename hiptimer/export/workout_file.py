"""A session's plan for today as a FIT workout file: what ``hiptimer export`` and the app's "Export to
watch" both make.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hiptimer.core.model import ScheduleWhen, Session
from hiptimer.core.plan import Plan, compile_plan
from hiptimer.export.fit_workout import workout_bytes
from hiptimer.export.program import WorkoutProgram, WorkoutSport, build_program

__all__ = ["ExportedWorkout", "export_workout", "exports_dir", "sport_for", "summary_text"]


@dataclass(frozen=True, slots=True)
class ExportedWorkout:
    """A workout file, and what it was made from."""

    data: bytes
    file_name: str
    """A name to save it under: ``hill-sprints-2024-05-01.fit``."""
    plan: Plan
    program: WorkoutProgram


def sport_for(session: Session) -> WorkoutSport:
    """Running for what is done during a run (hill sprints), strength training for the rest."""
    return WorkoutSport.RUNNING if session.schedule.when is ScheduleWhen.MID_RUN else WorkoutSport.STRENGTH


def export_workout(
    session: Session, targets: Mapping[str, float], *, created: datetime, serial_number: int
) -> ExportedWorkout:
    """``session`` at ``targets`` as a FIT workout file made at ``created``.

    Raises:
        hiptimer.export.fit_workout.MissingLibraryError: fit-tool is not installed.
    """
    plan = compile_plan(session, targets)
    program = build_program(plan, sport_for(session))
    data = workout_bytes(program, serial_number=serial_number, created=created)
    name = f"{session.id}-{created.astimezone():%Y-%m-%d}.fit"
    return ExportedWorkout(data, name, plan, program)


def summary_text(workout: ExportedWorkout) -> str:
    """What was exported, in a line: "Hill sprints: 6 repeats, 6 watch steps (23 phases)"."""
    plan = workout.plan
    targets = ", ".join(f"{v:g} {re.sub(r'[-_]', ' ', k)}" for k, v in plan.targets.items())
    return (
        f"{plan.session_name}: {targets + ', ' if targets else ''}{len(workout.program.steps)} watch steps "
        f"({len(plan.phases)} phases)"
    )


def exports_dir() -> Path:
    """Where the app saves workout files: ``HIPTIMER_EXPORT_DIR``, or the user's downloads folder."""
    value = os.environ.get("HIPTIMER_EXPORT_DIR", "").strip()
    if value:
        return Path(value).expanduser()
    import platformdirs

    return Path(platformdirs.user_downloads_dir())
