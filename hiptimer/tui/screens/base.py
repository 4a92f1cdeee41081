"""What every full screen of the app has: the app's own parts at hand, and its keys listed on ``?``."""

from __future__ import annotations

from typing import ClassVar, cast

from textual.binding import Binding
from textual.screen import Screen

from hiptimer.tui.parts import AppParts

__all__ = ["HiptimerScreen"]


class HiptimerScreen(Screen[None]):
    """A full screen of hiptimer (home, a run, history, a run's detail)."""

    KEYS_TITLE: ClassVar[str] = "Keys"
    """The title of the list of keys that ``?`` shows."""

    @property
    def hiptimer(self) -> AppParts:
        """The app, with its hiptimer-specific parts."""
        return cast(AppParts, self.app)

    def keys_listed(self) -> list[Binding]:
        """The keys the list shows: each of the screen's bindings."""
        return [b for b in self.BINDINGS if isinstance(b, Binding)]

    def action_help(self) -> None:
        """Show the keys."""
        from hiptimer.tui.screens.help import HelpScreen  # late: asked for with ?, not at start

        self.app.push_screen(HelpScreen(self.KEYS_TITLE, self.keys_listed()))
