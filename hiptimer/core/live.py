"""Where a run is, in terms that survive the process that drove it (stored with the run).

Kept apart from :mod:`hiptimer.core.continuation` (which steps the engine) so that the history store
can read and write it without importing the engine and the session model.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

__all__ = ["LivePosition"]


@dataclass(frozen=True, slots=True)
class LivePosition:
    """Where a run is, in terms that survive the process: wall-clock seconds since the epoch.

    Attributes:
        index: The current phase (the first one during the get-ready countdown).
        phase_started: When the current phase (or the countdown) started.
        paused: Seconds paused since then, not counting a pause going on.
        paused_at: When the pause going on began; None while running.
        counting_down: In the get-ready countdown.
        reps: Reps counted in the current phase.
    """

    index: int
    phase_started: float
    paused: float = 0.0
    paused_at: float | None = None
    counting_down: bool = False
    reps: int = 0

    def to_json(self) -> str:
        """The position as a small JSON object (stored with the run)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> LivePosition | None:
        """A position read back; None for nothing, or for anything that is not a valid position."""
        if not text:
            return None
        try:
            doc = json.loads(text)
            position = cls(
                index=_whole(doc["index"]),
                phase_started=_number(doc["phase_started"]),
                paused=_number(doc.get("paused", 0.0)),
                paused_at=None if doc.get("paused_at") is None else _number(doc["paused_at"]),
                counting_down=bool(doc.get("counting_down", False)),
                reps=_whole(doc.get("reps", 0)),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        return position


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"not a number: {value!r}")
    if value < 0:
        raise ValueError(f"negative: {value!r}")
    return float(value)


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"not a whole number: {value!r}")
    return value
