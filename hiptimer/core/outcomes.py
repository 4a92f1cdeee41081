"""How a phase and a run ended: the words the history stores.

They live apart from :mod:`hiptimer.core.results` (which re-exports them) so that ``hiptimer
history`` can read the history's table without loading the results' dataclasses.

This module is part of the pure core: it imports nothing but the standard library.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Outcome", "RunStatus"]


class Outcome(StrEnum):
    """How a phase ended."""

    COMPLETED = "completed"
    """Ran its full time, reached its rep target, or the runner said done on an open step."""
    ENDED_EARLY = "ended-early"
    """A work interval ended by *done* before its planned time (inside a "5-10 s" range, say)."""
    SKIPPED = "skipped"
    """The runner skipped the rest of it."""
    ABORTED = "aborted"
    """The run was stopped during it."""

    @property
    def done(self) -> bool:
        """Whether the phase counts as done in full (for progression)."""
        return self in (Outcome.COMPLETED, Outcome.ENDED_EARLY)


class RunStatus(StrEnum):
    """How a run ended (``running`` while it goes on)."""

    RUNNING = "running"
    COMPLETED = "completed"
    ABORTED = "aborted"
    INTERRUPTED = "interrupted"
