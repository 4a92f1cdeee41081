"""The parts of the app that its screens and helpers use, declared apart from the app itself.

Screens reach the app through ``self.app``; typing it as :class:`AppParts` (which
:class:`~hiptimer.tui.app.HiptimerApp` is) lets them use the hiptimer-specific parts without
importing app.py, which imports every screen: the dependencies point one way, from the app to its
screens.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from textual.app import App
from textual.reactive import var

from hiptimer.tui.sessions import SessionCatalog, SessionEntry
from hiptimer.tui.store_worker import StoreWorker

__all__ = ["AppParts", "UnsavedOffers"]


class UnsavedOffers(Protocol):
    """Offers to save the runs kept in memory (:class:`~hiptimer.tui.unsaved.UnsavedRuns`)."""

    def told(self, notice: str) -> None:
        """The store's ``notice`` has been shown: :meth:`tell` says only what is new."""

    async def tell(self) -> None:
        """Say once, at home, that runs are kept in memory and why."""

    def offer_after_run(self) -> None:
        """After a run, offer to write the runs kept in memory to a file."""

    async def ask_before_quit(self) -> bool:
        """When quitting with unsaved runs, ask whether to save them; whether the answer quits."""


class AppParts(App[None]):
    """What the hiptimer app offers its screens, beyond a Textual app's own."""

    muted: var[bool] = var(False)
    """Whether cues are silenced (the screen still shows everything)."""

    catalog: SessionCatalog
    """The sessions to offer."""

    store_worker: StoreWorker
    """Runs every call on the run store on the store's own thread."""

    wall_clock: Callable[[], datetime]
    """The current date and time, timezone-aware."""

    @property
    def unsaved(self) -> UnsavedOffers:
        """Runs kept in memory when the history cannot be saved (the app makes them)."""
        raise NotImplementedError

    served: bool
    """Whether the app is shown in a browser by ``hiptimer serve``: its words speak of tapping."""

    last_session_id: str | None
    """The session run last, which the home screen highlights."""

    def start_session(self, entry: SessionEntry) -> None:
        """Start a run of ``entry`` with today's targets (offering to resume an interrupted one)."""
        raise NotImplementedError

    async def check_history(self) -> bool:
        """Check the history file once, after the first frame; whether the user was told of it."""
        raise NotImplementedError

    async def offer_resume(self) -> None:
        """At home: offer the latest interrupted run of any session, once (run it in a worker)."""
        raise NotImplementedError

    def end_audio_notice(self) -> None:
        """Take down the start-up notice that says why sound falls back (the get-ready is over)."""
        raise NotImplementedError

    def toggle_mute(self) -> None:
        """Mute or unmute the cues."""
        raise NotImplementedError
