"""The run's state in colour and in words, across the top of the run screen."""

from __future__ import annotations

from textual.widgets import Static

from hiptimer.tui.widgets.quiet import set_text

__all__ = ["StateBanner"]

_STATES = ("get-ready", "work", "easy", "hold", "rest", "switch", "paused", "done")


class StateBanner(Static):
    """GET READY / WORK / EASY / HOLD / REST / SWITCH / PAUSED / DONE, on the state's colour.

    Easy steps (the walk back down) are teal, apart from the green of hard work and the blue of
    rest, in every theme: the band must tell them apart from across a room.
    """

    DEFAULT_CSS = """
    StateBanner {
        width: 1fr;
        height: 1;
        content-align: center middle;
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    StateBanner.-get-ready { background: $warning; color: auto; }
    StateBanner.-work { background: $success; color: auto; }
    StateBanner.-easy { background: #22a6b3; color: auto; }
    StateBanner.-hold { background: $success; color: auto; }
    StateBanner.-rest { background: $primary; color: auto; }
    StateBanner.-switch { background: $accent; color: auto; }
    StateBanner.-paused { background: $error; color: auto; }
    StateBanner.-done { background: $success; color: auto; }
    """

    def show_state(self, word: str, state: str, note: str = "") -> None:
        """Show ``word`` (and a note after it) coloured for ``state``, one of the run states."""
        for name in _STATES:
            self.set_class(name == state, f"-{name}")
        set_text(self, f"{word}: {note}" if note else word)
