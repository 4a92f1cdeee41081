"""The yes/no dialogs show the user's words as they are: a session name is never read as markup."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Label

from hiptimer.tui.screens.confirm import ConfirmScreen


async def test_a_session_name_with_brackets_is_shown_as_written() -> None:
    app: App[None] = App()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ConfirmScreen("Resume Hills [bold]x4[/]?", "Interrupted run [old plan]."))
        await pilot.pause()
        shown = [str(label.render()) for label in app.screen.query(Label)]
        assert "Resume Hills [bold]x4[/]?" in shown
        assert "Interrupted run [old plan]." in shown
