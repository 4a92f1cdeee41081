"""A compositor that, for a partial repaint, asks only the widgets in the repainted band for lines.

For a repaint of part of the screen, Textual's compositor asks every widget whose clip (for a
widget at the top of the screen, the whole screen) meets the band for all its lines, even when the
widget itself lies elsewhere: every second of a run, the run screen's head, instructions, buttons
and footer were drawn (from their caches) and thrown away, because only the clock's lines go out.
:class:`BandCompositor` skips a widget whose visible part does not meet the band. What goes out is
the same: a skipped widget has no cell inside the band, and only cells inside it are sent. Of a
widget that does reach into it, only the band's lines are asked for (the screen's background was
drawn top to bottom as well).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

__all__ = ["BandCompositor"]


class BandCompositor(Compositor):
    """Textual's compositor, drawing only the widgets, and their lines, in a partial repaint."""

    def _get_renders(self, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        for widget, (region, clip) in list(self.visible_widgets.items()):
            visible = region.intersection(clip)
            top, bottom = max(visible.y, crop.y), min(visible.bottom, crop.bottom)
            if bottom <= top or not crop.overlaps(visible):
                continue
            # The widget's visible part on the band's lines alone: where its strips go.
            band = Region(visible.x, top, visible.width, bottom - top)
            yield band, band, widget.render_lines(band.translate(-region.offset))
