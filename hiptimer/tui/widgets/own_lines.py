"""Hand the compositor a widget's own lines, without Textual's styling pass over each one.

Every frame, Textual asks each widget that reaches into the repainted band for its lines, and runs
each line the widget draws through its styles cache: the widget's background colours looked up
through its ancestors, then border, padding, outline, tint and opacity worked out line by line.
For a widget that has none of those and draws full-width lines in its own colours (the run
screen's clock and progress line, repainted every second of a run), that pass changes nothing
but costs about as much as drawing the line. :class:`OwnLines` skips it: the lines the widget
draws go out as they are, through the app's line filters alone (no colour, dimmed when the app
is in the background), and the styles cache takes over again as soon as the widget's styles
ask for any of what it does.
"""

from __future__ import annotations

from textual.color import Color
from textual.geometry import Region, Spacing
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["OwnLines"]

_NO_SPACING = Spacing(0, 0, 0, 0)


class OwnLines(Widget):
    """A widget whose :meth:`line_at` gives finished lines as wide as the widget.

    Subclasses call ``super().notify_style_update()`` when they override it.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._plain_background: Color | None = None
        """The background line filters blend with, while the styles ask for nothing the lines
        do not already show; None: not worked out yet, or the styles cache is needed."""
        self._plain_known = False

    def notify_style_update(self) -> None:
        """The styles changed: work out again whether the lines can go out as they are."""
        super().notify_style_update()
        self._plain_known = False

    def _plain(self) -> Color | None:
        if not self._plain_known:
            self._plain_known = True
            self._plain_background = self._background_if_plain()
        return self._plain_background

    def _background_if_plain(self) -> Color | None:
        styles = self.styles
        decorated = (
            any(edge for edge, _ in styles.border)
            or any(edge for edge, _ in styles.outline)
            or styles.padding != _NO_SPACING
            or styles.tint.a > 0
            or styles.text_opacity != 1.0
            or self.opacity != 1.0
            or (styles.has_rule("hatch") and styles.hatch != "none")
            or self._border_title is not None
            or self._border_subtitle is not None
            or self.BLANK
        )
        if decorated:
            return None
        return self.background_colors[1]

    def line_at(self, y: int, width: int, height: int) -> Strip:
        """Line ``y`` of the widget, ``width`` cells wide; the widget is ``height`` lines tall."""
        raise NotImplementedError

    def render_line(self, y: int) -> Strip:
        """Line ``y`` (what the styles cache asks for)."""
        width, height = self.size
        return self.line_at(y, width, height)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines of ``crop``: the widget's own, through the app's line filters."""
        background = self._plain()
        width, height = self.size
        if background is None or crop.right > width:
            return super().render_lines(crop)
        filters = self.app.get_line_filters()
        line_at = self.line_at
        strips = []
        for y in crop.line_range:
            strip = line_at(y, width, height)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips
