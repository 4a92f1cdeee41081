"""The reference Textual app for the benchmarks: a clock label redrawn once a second, nothing else.

Run: python bench/bare_app.py
"""

from __future__ import annotations

import time

from textual.app import App, ComposeResult
from textual.widgets import Static


class BareApp(App[None]):
    """One Static updated by a one-second interval: what any Textual timer costs at the least."""

    def compose(self) -> ComposeResult:
        yield Static("bare-ready", id="clock")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.query_one("#clock", Static).update(f"bare {time.strftime('%H:%M:%S')}")


if __name__ == "__main__":
    BareApp().run()
