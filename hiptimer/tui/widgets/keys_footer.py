"""The footer of every screen: the keys that work now, kept current while the app is not focused.

Served to a browser (most likely a phone), each item is a tile a thumb can hit, drawn as a button
is: three rows high (about 63 CSS px on a phone) in rows of up to four, each as wide as its share
of the row, where the terminal's footer is one row that scrolls sideways out of reach. An action
the screen also offers as a button (its ``BUTTON_ACTIONS``) is left to the button, so the footer
takes fewer rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["SERVED_COLUMNS", "SERVED_ROWS", "KeysFooter"]

SERVED_COLUMNS = 4
"""The most items side by side in the served footer: a quarter of 41 columns is about 95 CSS px."""

SERVED_ROWS = 3
"""The height of each served footer item, in rows: 63 CSS px on a phone, over the 44 a thumb needs."""


class KeysFooter(Footer):
    """Textual's footer, except that it follows changes of the keys while the app is blurred.

    Textual's footer ignores them until the app has the focus again. A terminal window in the
    background, or the page of ``hiptimer serve`` on a phone nobody has touched yet, is blurred
    all along: the footer went on saying "⏎ Start now" through the whole first sprint.

    Served (the app's ``served``), its items are tiles a thumb can hit (see the module's note).
    """

    DEFAULT_CSS = f"""
    KeysFooter.-served {{
        layout: grid;
        grid-size: {SERVED_COLUMNS};
        grid-rows: {SERVED_ROWS};
        grid-gutter: 0 1;
        height: auto;
        max-height: {3 * SERVED_ROWS};
        background: $background;
    }}
    KeysFooter.-served FooterKey {{
        width: 1fr;
        height: {SERVED_ROWS};
        margin: 0;
        content-align: center middle;
        text-overflow: ellipsis;
        background: $panel;
        border-top: tall $panel-lighten-2;
        border-bottom: tall $panel-darken-2;
    }}
    """

    BUTTON_ACTIONS_ATTRIBUTE: ClassVar[str] = "BUTTON_ACTIONS"
    """The screen's attribute naming the actions it shows as buttons (a set of action names)."""

    @property
    def served(self) -> bool:
        """Whether the app is shown in a browser by ``hiptimer serve``."""
        return bool(getattr(self.app, "served", False))

    def on_mount(self) -> None:
        self.set_class(self.served, "-served")

    def compose(self) -> Iterator[Widget]:
        """Textual's items; served, without those the screen shows as buttons."""
        if not self.served:
            yield from super().compose()
            return
        buttons: frozenset[str] = getattr(self.screen, self.BUTTON_ACTIONS_ATTRIBUTE, frozenset())
        items = [
            item for item in super().compose() if not (isinstance(item, FooterKey) and item.action in buttons)
        ]
        self._served_columns(items)
        yield from items

    def on_resize(self, event: events.Resize) -> None:
        if self.served:
            self._served_columns(list(self.query(FooterKey)))

    def _served_columns(self, items: Sequence[Widget]) -> None:
        """As many items side by side as fit whole, at most four: a row of tiles, or a few."""
        width = self.app.size.width
        keys = [item for item in items if isinstance(item, FooterKey)]
        widest = max((len(key.key_display) + len(key.description) + 1 for key in keys), default=1)
        fit = max(1, (width + 1) // (widest + 3))  # a column between tiles, a space each side
        self.styles.grid_size_columns = max(1, min(SERVED_COLUMNS, len(items), fit))

    def bindings_changed(self, screen: Screen[object]) -> None:
        """The screen's keys changed: show them, focused or not."""
        self._bindings_ready = True
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.recompose)
