"""Activity files made the way a watch records them, for the import tests.

A Garmin watch that runs a workout writes an activity file with: a file id of type activity (its
maker, product, serial number and time created), timer start and stop events, a copy of the
workout and its steps, one lap per step it ran (with the step's index), strength sets for a
strength workout, a session and an activity message. These are written here with fit-tool, the
workout steps copied from the file ``hiptimer export`` wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from fit_tool.fit_file import FitFile
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.event_message import EventMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.lap_message import LapMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.messages.set_message import SetMessage
from fit_tool.profile.messages.workout_message import WorkoutMessage
from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage
from fit_tool.profile.profile_type import (
    Activity,
    Event,
    EventType,
    FileType,
    LapTrigger,
    Manufacturer,
    SetType,
    Sport,
)

__all__ = ["LapSpec", "SetSpec", "recorded_activity"]


@dataclass(frozen=True, slots=True)
class LapSpec:
    """One lap: the workout step it ran (None outside the workout) and how long it lasted."""

    step: int | None
    seconds: float


@dataclass(frozen=True, slots=True)
class SetSpec:
    """A strength set within a lap: its reps (active) or a rest set."""

    step: int | None
    seconds: float
    reps: int | None = None
    active: bool = True


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def recorded_activity(
    workout: bytes,
    laps: Sequence[LapSpec],
    *,
    start: datetime,
    serial_number: int = 3_456_789_012,
    sets: Sequence[tuple[int, SetSpec]] = (),
    sport: Sport = Sport.RUNNING,
    with_workout: bool = True,
) -> bytes:
    """An activity file of ``laps`` run from ``start``, with a copy of the workout in ``workout``.

    Args:
        workout: The workout file the watch ran (its workout and steps are copied in).
        laps: The laps, in order, back to back.
        start: When the timer started.
        serial_number: The watch's serial number.
        sets: Strength sets, each as (index of the lap it falls in, the set), back to back in the lap.
        sport: The session's sport.
        with_workout: Whether the watch ran the workout (False: a plain activity, laps pressed by hand).
    """
    builder = FitFileBuilder(auto_define=True, min_string_size=16)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.product = 3113
    file_id.serial_number = serial_number
    file_id.time_created = _ms(start)
    builder.add(file_id)

    begin = EventMessage()
    begin.event = Event.TIMER
    begin.event_type = EventType.START
    begin.timestamp = _ms(start)
    builder.add(begin)

    for record in FitFile.from_bytes(workout).records if with_workout else ():
        if isinstance(record.message, WorkoutMessage | WorkoutStepMessage):
            builder.add(record.message)

    at = start
    set_index = 0
    for index, spec in enumerate(laps):
        lap = LapMessage()
        lap.message_index = index
        lap.event = Event.LAP
        lap.event_type = EventType.STOP
        lap.start_time = _ms(at)
        lap.timestamp = _ms(at + timedelta(seconds=spec.seconds))
        lap.total_elapsed_time = spec.seconds
        lap.total_timer_time = spec.seconds
        lap.lap_trigger = LapTrigger.MANUAL
        if spec.step is not None:
            lap.workout_step_index = spec.step
        set_at = at
        for lap_index, strength in sets:
            if lap_index != index:
                continue
            message = SetMessage()
            message.message_index = set_index
            set_index += 1
            message.start_time = _ms(set_at)
            message.timestamp = _ms(set_at + timedelta(seconds=strength.seconds))
            message.duration = strength.seconds
            message.set_type = SetType.ACTIVE.value if strength.active else SetType.REST.value
            if strength.reps is not None:
                message.repetitions = strength.reps
            if strength.step is not None:
                message.workout_step_index = strength.step
            builder.add(message)
            set_at += timedelta(seconds=strength.seconds)
        builder.add(lap)
        at += timedelta(seconds=spec.seconds)

    stop = EventMessage()
    stop.event = Event.TIMER
    stop.event_type = EventType.STOP_ALL
    stop.timestamp = _ms(at)
    builder.add(stop)

    total = (at - start).total_seconds()
    session = SessionMessage()
    session.message_index = 0
    session.timestamp = _ms(at)
    session.start_time = _ms(start)
    session.total_elapsed_time = total
    session.total_timer_time = total
    session.sport = sport
    session.first_lap_index = 0
    session.num_laps = len(laps)
    session.event = Event.SESSION
    session.event_type = EventType.STOP
    builder.add(session)

    activity = ActivityMessage()
    activity.timestamp = _ms(at)
    activity.total_timer_time = total
    activity.num_sessions = 1
    activity.type = Activity.MANUAL
    activity.event = Event.ACTIVITY
    activity.event_type = EventType.STOP
    builder.add(activity)
    data: bytes = builder.build().to_bytes()
    return data
