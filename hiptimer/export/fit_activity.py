"""Read an activity a watch recorded (a FIT activity file) with Garmin's FIT SDK.

Only what an import needs: who made the file and when (its key), the workout name the watch
kept, the workout's steps as the watch copied them, the laps and the strength sets. A file that is
not FIT, is cut short, fails its CRC or is not an activity raises :class:`ActivityError` with a
message that says which, before anything is read from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["Activity", "ActivityError", "Lap", "StepCopy", "StrengthSet", "read_activity"]


class ActivityError(Exception):
    """The file cannot be imported; the message says why (without the file's name)."""


@dataclass(frozen=True, slots=True)
class Lap:
    """One lap: on a watch running a workout, one step done."""

    start: datetime
    elapsed_seconds: float
    """Wall-clock length, pauses included."""
    timer_seconds: float
    """Length with the timer running (pauses left out)."""
    step_index: int | None = None
    """The workout step it ran (its message index), when the watch ran a workout."""

    @property
    def end(self) -> datetime:
        """When the lap ended."""
        return self.start + timedelta(seconds=self.elapsed_seconds)


@dataclass(frozen=True, slots=True)
class StrengthSet:
    """A set of a strength activity: active (with reps, when counted) or rest."""

    start: datetime
    seconds: float
    active: bool
    reps: int | None = None
    step_index: int | None = None


@dataclass(frozen=True, slots=True)
class StepCopy:
    """A workout step as the watch copied it into the activity: how it ends and after what."""

    duration: str
    """FIT's duration type: "time", "open", "reps", "repeat_until_steps_cmplt"..."""
    value: float | None
    """Seconds, reps, or the number of times a repeat runs."""


@dataclass(frozen=True, slots=True)
class Activity:
    """What an import reads from an activity file."""

    key: str
    """The file's maker, product, serial number and time created: the same recording, the same key."""
    start: datetime
    end: datetime
    workout_name: str | None
    steps: tuple[StepCopy, ...]
    laps: tuple[Lap, ...]
    sets: tuple[StrengthSet, ...] = ()


def read_activity(data: bytes) -> Activity:
    """The activity in ``data`` (a whole FIT file).

    Raises:
        ActivityError: Not a FIT file, cut short, a CRC that does not match, decode errors, or not
            an activity (a workout or settings file, say).
        hiptimer.export.fit_workout.MissingLibraryError: garmin-fit-sdk is not installed.
    """
    try:
        from garmin_fit_sdk import Decoder, Stream
    except ImportError as exc:
        from hiptimer.export.fit_workout import MissingLibraryError

        raise MissingLibraryError(
            "reading FIT files needs garmin-fit-sdk: pip install 'hiptimer[fit]'"
        ) from exc

    _check_whole(data)
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    if not decoder.check_integrity():
        raise ActivityError("it fails its CRC check: the file is damaged")
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read()
    if errors:
        raise ActivityError(f"it cannot be decoded: {errors[0]}")
    file_ids = messages.get("file_id_mesgs", [])
    kind = file_ids[0].get("type") if file_ids else None
    if kind != "activity":
        what = f"a FIT {kind} file" if isinstance(kind, str) else "a FIT file of no known type"
        raise ActivityError(f"it is {what}, not an activity a watch recorded")
    return _activity(messages, file_ids[0])


def _check_whole(data: bytes) -> None:
    """Raise if ``data`` is not a FIT file, or is shorter than its header says."""
    if len(data) < 12 or data[8:12] != b".FIT":
        raise ActivityError("it is not a FIT file")
    header_size = data[0]
    data_size = int.from_bytes(data[4:8], "little")
    expected = header_size + data_size + 2
    if len(data) < expected:
        raise ActivityError(f"it is cut short: {len(data)} of its {expected} bytes are there")


def _activity(messages: Mapping[str, Any], file_id: Mapping[str, Any]) -> Activity:
    laps = tuple(
        Lap(
            start=_time(lap.get("start_time")),
            elapsed_seconds=float(lap.get("total_elapsed_time") or 0.0),
            timer_seconds=float(lap.get("total_timer_time") or lap.get("total_elapsed_time") or 0.0),
            step_index=_int(lap.get("wkt_step_index")),
        )
        for lap in messages.get("lap_mesgs", [])
        if lap.get("start_time") is not None
    )
    sets = tuple(
        StrengthSet(
            start=_time(s.get("start_time") or s.get("timestamp")),
            seconds=float(s.get("duration") or 0.0),
            active=s.get("set_type") == "active",
            reps=_int(s.get("repetitions")),
            step_index=_int(s.get("wkt_step_index")),
        )
        for s in messages.get("set_mesgs", [])
        if (s.get("start_time") or s.get("timestamp")) is not None
    )
    sessions = messages.get("session_mesgs", [])
    if not laps and not sets:
        raise ActivityError("it has no laps: there is nothing to match to a session's steps")
    starts = [lap.start for lap in laps] + [s.start for s in sets]
    ends = [lap.end for lap in laps] + [s.start + timedelta(seconds=s.seconds) for s in sets]
    start = _time(sessions[0]["start_time"]) if sessions and sessions[0].get("start_time") else min(starts)
    workouts = messages.get("workout_mesgs", [])
    name = workouts[0].get("wkt_name") if workouts else None
    steps = tuple(_step_copy(step) for step in messages.get("workout_step_mesgs", []))
    created = file_id.get("time_created")
    key = ":".join(
        str(part)
        for part in (
            file_id.get("manufacturer"),
            file_id.get("product"),
            file_id.get("serial_number"),
            _time(created).isoformat() if created is not None else start.isoformat(),
        )
    )
    return Activity(
        key=key,
        start=start,
        end=max(ends),
        workout_name=str(name) if name else None,
        steps=steps,
        laps=laps,
        sets=sets,
    )


def _step_copy(step: Mapping[str, Any]) -> StepCopy:
    duration = str(step.get("duration_type"))
    value: Any
    if duration == "time":
        value = step.get("duration_time")
    elif duration == "reps":
        value = step.get("duration_reps")
    elif duration == "repeat_until_steps_cmplt":
        value = step.get("repeat_steps", step.get("target_value"))
    else:
        value = None
    return StepCopy(duration, float(value) if isinstance(value, int | float) else None)


def _time(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):  # seconds since the FIT epoch, 1989-12-31 UTC
        return datetime(1989, 12, 31, tzinfo=UTC) + timedelta(seconds=float(value))
    raise ActivityError(f"it has a time that cannot be read: {value!r}")


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) else None
