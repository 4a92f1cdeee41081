"""The footer of every screen: the keys that work now, kept current while the app is not focused."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["KeysFooter"]


class KeysFooter(Footer):
    """Textual's footer, except that it follows changes of the keys while the app is blurred.

    Textual's footer ignores them until the app has the focus again. A terminal window in the
    background, or the page of ``hiptimer serve`` on a phone nobody has touched yet, is blurred
    all along: the footer went on saying "⏎ Start now" through the whole first sprint.
    """

    def bindings_changed(self, screen: Screen[object]) -> None:
        """The screen's keys changed: show them, focused or not."""
        self._bindings_ready = True
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.recompose)
