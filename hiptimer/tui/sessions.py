"""What the app needs from the session catalog, and how it turns a session into today's plan.

The app depends only on the small protocols here; :class:`hiptimer.catalog.sessions.Catalog` satisfies them.
:func:`todays_targets` is the one place the app asks for today's progression targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from hiptimer.core.model import Session
from hiptimer.core.plan import Plan, compile_plan
from hiptimer.core.ports import RunStore, StoredRun
from hiptimer.core.progression import today_targets
from hiptimer.history.records import definition_hash, runs_for_targets

__all__ = ["SessionCatalog", "SessionEntry", "definition_hash", "plan_for_today", "todays_targets"]


class SessionEntry(Protocol):
    """A loaded session and where it came from."""

    @property
    def id(self) -> str:
        """The session's id."""

    @property
    def session(self) -> Session:
        """The validated session."""

    @property
    def source(self) -> str:
        """Where it came from: "builtin", "user" or "path"."""


class SessionCatalog(Protocol):
    """The sessions that loaded, and the files that did not."""

    @property
    def entries(self) -> Sequence[SessionEntry]:
        """Every session that loaded, in the order to list them."""

    @property
    def errors(self) -> Sequence[object]:
        """One printable problem per file that did not load."""

    def get(self, session_id: str) -> SessionEntry | None:
        """The session with this id, or None."""


def todays_targets(session: Session, runs: Sequence[StoredRun]) -> dict[str, float]:
    """Today's value of each progression of ``session``, from its past ``runs`` with their results."""
    if not session.progression:
        return {}
    return today_targets(session, runs).values


def plan_for_today(session: Session, store: RunStore) -> Plan:
    """The session compiled with today's targets (reads the store: call it on the store thread)."""
    if not session.progression:  # nothing in the history changes its plan
        return compile_plan(session)
    runs = runs_for_targets(store, session.id, session.progression.keys())
    return compile_plan(session, todays_targets(session, runs))
