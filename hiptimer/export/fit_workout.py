"""Write a :class:`~hiptimer.export.program.WorkoutProgram` as a FIT workout file, with fit-tool.

fit-tool (the ``fit`` extra) encodes the messages and the file's CRC; this module only says which
messages: a file id (type workout, a new serial number and time created for each export), the
workout, and its steps.
"""

from __future__ import annotations

from datetime import datetime

from hiptimer.export.program import Duration, Intensity, WorkoutProgram, WorkoutSport, WorkoutStep

__all__ = ["FIT_MIME_TYPE", "MissingLibraryError", "workout_bytes"]

FIT_MIME_TYPE = "application/vnd.ant.fit"


class MissingLibraryError(Exception):
    """A FIT library is not installed; the message says how to get it."""


def workout_bytes(program: WorkoutProgram, *, serial_number: int, created: datetime) -> bytes:
    """The FIT workout file of ``program``.

    Args:
        program: The workout.
        serial_number: A number that tells this export from every other (1 to 2**32 - 2).
        created: When the file was made (timezone-aware).

    Raises:
        MissingLibraryError: fit-tool is not installed.
    """
    try:
        from fit_tool.fit_file_builder import FitFileBuilder
        from fit_tool.profile.messages.file_id_message import FileIdMessage
        from fit_tool.profile.messages.workout_message import WorkoutMessage
        from fit_tool.profile.profile_type import FileType, Manufacturer, Sport, SubSport
    except ImportError as exc:
        raise MissingLibraryError("writing FIT files needs fit-tool: pip install 'hiptimer[fit]'") from exc

    file_id = FileIdMessage()
    file_id.type = FileType.WORKOUT
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.serial_number = serial_number
    file_id.time_created = round(created.timestamp() * 1000)

    workout = WorkoutMessage()
    workout.workout_name = program.name
    if program.sport is WorkoutSport.RUNNING:
        workout.sport, workout.sub_sport = Sport.RUNNING, SubSport.GENERIC
    else:
        workout.sport, workout.sub_sport = Sport.TRAINING, SubSport.STRENGTH_TRAINING
    workout.num_valid_steps = len(program.steps)

    builder = FitFileBuilder(auto_define=True, min_string_size=16)
    builder.add(file_id)
    builder.add(workout)
    builder.add_all([_step_message(step) for step in program.steps])
    data: bytes = builder.build().to_bytes()
    return data


def _step_message(step: WorkoutStep) -> object:
    from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage
    from fit_tool.profile.profile_type import Intensity as FitIntensity
    from fit_tool.profile.profile_type import WorkoutStepDuration, WorkoutStepTarget

    message = WorkoutStepMessage()
    message.message_index = step.index
    message.workout_step_name = step.name
    # The duration type first: the value's meaning (seconds, reps, a step index) depends on it.
    if step.duration is Duration.REPEAT:
        message.duration_type = WorkoutStepDuration.REPEAT_UNTIL_STEPS_CMPLT
        message.duration_step = step.repeat_from
        message.target_repeat_steps = step.times
        return message
    message.target_type = WorkoutStepTarget.OPEN
    if step.duration is Duration.TIME:
        message.duration_type = WorkoutStepDuration.TIME
        message.duration_time = step.seconds
    elif step.duration is Duration.REPS:
        message.duration_type = WorkoutStepDuration.REPS
        message.duration_reps = step.reps
    else:
        message.duration_type = WorkoutStepDuration.OPEN
    message.intensity = FitIntensity.REST if step.intensity is Intensity.REST else FitIntensity.ACTIVE
    if step.notes:
        message.notes = step.notes
    return message
