"""The footer of every screen: the keys that work now, kept current while the app is not focused.

In the terminal the footer is one line drawn by one widget with no children, in the look of
Textual's ``Footer`` (each key highlighted, its description after it; a key the screen disables
for now dimmed; one item per action, as the footer shows the first of an action's keys). Textual's
footer is a scrollable container with a widget per key, which it builds again whenever the keys
change: about 30 ms of the home screen's first frame (116 M instructions, where a line of text
costs 6 M). A click on an item presses its key. When the items do not fit, the footer does not
scroll sideways, as Textual's does, out of sight and out of reach of anyone without a mouse wheel:
it leaves out the items that do not fit, from the end, but always keeps the ``?`` item (the
screen's ``help`` action), whose list names every key, left out or not.

Served to a browser (most likely a phone), each item is a tile a thumb can hit, drawn as a button
is: three rows high (about 63 CSS px on a phone) in rows of up to four, each as wide as its share
of the row. An action the screen also offers as a button (its ``BUTTON_ACTIONS``) is left to the
button, so the footer takes fewer rows. The tiles are Textual's footer items (``FooterKey``),
tappable widgets of their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.screen import Screen
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.widgets._footer import FooterKey

__all__ = ["SERVED_COLUMNS", "SERVED_ROWS", "FooterItem", "KeysFooter"]

SERVED_COLUMNS = 4
"""The most items side by side in the served footer: a quarter of 41 columns is about 95 CSS px."""

SERVED_ROWS = 3
"""The height of each served footer item, in rows: 63 CSS px on a phone, over the 44 a thumb needs."""

DIM = Style(dim=True)
"""A key the screen disables for now, as Textual's footer shows it."""

KEPT_ACTION = "help"
"""The action whose item stays when the terminal's footer is too narrow: the list of every key."""


class FooterItem(NamedTuple):
    """One key in the footer, as Textual's footer shows it."""

    key: str
    """The key pressed when the item is clicked (Textual's name: ``enter``, ``question_mark``)."""
    key_display: str
    """The key as shown: ``⏎``, ``?``."""
    description: str
    action: str
    enabled: bool
    """False when the screen disables the action for now (``check_action`` returned None)."""
    tooltip: str

    @property
    def width(self) -> int:
        """Cells in the terminal's footer: the key with a space each side, the description, a space."""
        return cell_len(self.key_display) + 2 + cell_len(self.description) + 1


def fit(items: Sequence[FooterItem], width: int) -> list[FooterItem]:
    """The items that fit in ``width`` cells: from the start, and the ``help`` item in any case."""
    if sum(item.width for item in items) <= width:
        return list(items)
    kept = [item for item in items if item.action == KEPT_ACTION]
    room = width - sum(item.width for item in kept)
    shown: list[FooterItem] = []
    for item in items:
        if item.action == KEPT_ACTION:
            continue
        if item.width > room:
            break
        shown.append(item)
        room -= item.width
    return shown + kept


class KeysFooter(Widget, can_focus=False, can_focus_children=False):
    """The keys that work now on this screen, following their changes while the app is blurred.

    Textual's footer ignores changes of the keys until the app has the focus again. A terminal
    window in the background, or the page of ``hiptimer serve`` on a phone nobody has touched yet,
    is blurred all along: the footer went on saying "⏎ Start now" through the whole first sprint.

    Served (the app's ``served``), its items are tiles a thumb can hit (see the module's note).
    """

    ALLOW_SELECT = False

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--hover",
    }

    DEFAULT_CSS = f"""
    KeysFooter {{
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        .keys-footer--key {{
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }}
        .keys-footer--description {{
            color: $footer-description-foreground;
            background: $footer-description-background;
        }}
        .keys-footer--hover {{
            background: $block-hover-background;
        }}
    }}
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

    def __init__(self) -> None:
        super().__init__()
        self._shown: list[tuple[int, int, FooterItem]] = []
        """The items drawn last, each with its first and past-the-last cell: what a click hits."""
        self._hover: FooterItem | None = None

    @property
    def served(self) -> bool:
        """Whether the app is shown in a browser by ``hiptimer serve``."""
        return bool(getattr(self.app, "served", False))

    def on_mount(self) -> None:
        self.set_class(self.served, "-served")
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """The screen's keys changed: show them, focused or not."""
        if not (self.is_attached and screen is self.screen):
            return
        if self.served:
            self.call_after_refresh(self.recompose)
        else:
            self.refresh()

    def items(self) -> list[FooterItem]:
        """The screen's keys shown in a footer, the first key of each action, in Textual's order."""
        items: dict[str, FooterItem] = {}
        for _namespace, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in items:
                display = self.app.get_key_display(binding)
                items[binding.action] = FooterItem(
                    binding.key, display, binding.description, binding.action, enabled, tooltip
                )
        return list(items.values())

    # The terminal: one line.

    def render(self) -> RenderResult:
        if self.served:
            return super().render()
        key_style = self.get_component_rich_style("keys-footer--key")
        description_style = self.get_component_rich_style("keys-footer--description")
        # The hover's background over the key's and the description's (component styles do not mix).
        hover = Style(bgcolor=self.get_component_rich_style("keys-footer--hover").bgcolor)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._shown = []
        x = 0
        for item in fit(self.items(), self.size.width):
            under = hover if item == self._hover else Style()
            start = len(line)
            line.append(f" {item.key_display} ", key_style + under)
            line.append(f"{item.description} ", description_style + under)
            if not item.enabled:
                line.stylize(DIM, start, len(line))
            self._shown.append((x, x + item.width, item))
            x += item.width
        return line

    @property
    def shown(self) -> list[FooterItem]:
        """The items the terminal's footer drew last, left to right."""
        return [item for _start, _end, item in self._shown]

    def _item_at(self, x: int) -> FooterItem | None:
        return next((item for start, end, item in self._shown if start <= x < end), None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click on an item presses its key, as on Textual's footer (a dimmed one rings the bell)."""
        item = self._item_at(event.x)
        if item is None or self.served:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover_over(self._item_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._hover_over(None)

    def _hover_over(self, item: FooterItem | None) -> None:
        if item != self._hover and not self.served:
            self._hover = item
            self.tooltip = item.tooltip if item is not None and item.tooltip else None
            self.refresh()

    # Served: a grid of tiles.

    def compose(self) -> Iterator[Widget]:
        """Served, a tile per item, but those the screen shows as buttons; nothing in the terminal."""
        if not self.served:
            return
        # Served only: the terminal's footer draws its own line, without Textual's footer items.
        from textual.widgets._footer import FooterKey

        buttons: frozenset[str] = getattr(self.screen, self.BUTTON_ACTIONS_ATTRIBUTE, frozenset())
        tiles = [
            FooterKey(
                item.key,
                item.key_display,
                item.description,
                item.action,
                disabled=not item.enabled,
                tooltip=item.tooltip,
            )
            for item in self.items()
            if item.action not in buttons
        ]
        for tile in tiles:
            tile.set_reactive(FooterKey.compact, False)  # Textual's footer look: a space each side
        self._served_columns(tiles)
        yield from tiles

    def on_resize(self, event: events.Resize) -> None:
        if self.served:
            from textual.widgets._footer import FooterKey  # served only, as in compose

            self._served_columns(list(self.query(FooterKey)))

    def _served_columns(self, tiles: Sequence[FooterKey]) -> None:
        """As many tiles side by side as fit whole, at most four: a row of tiles, or a few."""
        width = self.app.size.width
        widest = max((len(tile.key_display) + len(tile.description) + 1 for tile in tiles), default=1)
        fitting = max(1, (width + 1) // (widest + 3))  # a column between tiles, a space each side
        self.styles.grid_size_columns = max(1, min(SERVED_COLUMNS, len(tiles), fitting))
