"""The app's "Export to watch": saved in a terminal, handed to the browser when served."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, cast

import pytest
from garmin_fit_sdk import Decoder, Stream
from textual.pilot import Pilot
from textual.widgets import DataTable
from tui_kit import WALL0, FakeClock, make_app

from hiptimer.tui.app import HiptimerApp


async def _highlight(pilot: Pilot[None], app: HiptimerApp, session_id: str) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    table = app.screen.query_one(DataTable)
    ids = [str(row.value) for row in table.rows]
    table.move_cursor(row=ids.index(session_id))
    await pilot.pause()


def _messages(data: bytes) -> dict[str, list[dict[str, Any]]]:
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return cast("dict[str, list[dict[str, Any]]]", messages)


async def test_w_on_home_saves_todays_hill_sprints_as_a_workout_and_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIPTIMER_EXPORT_DIR", str(tmp_path / "downloads"))
    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await _highlight(pilot, app, "hill-sprints")
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        saved = tmp_path / "downloads" / f"hill-sprints-{WALL0.astimezone():%Y-%m-%d}.fit"
        messages = _messages(saved.read_bytes())
        assert messages["workout_mesgs"][0]["wkt_name"] == "Hill sprints"
        assert messages["file_id_mesgs"][0]["time_created"] == WALL0
        told = [n.message for n in app._notifications]
        assert any(str(saved) in text and "GARMIN/NewFiles" in text for text in told)


async def test_served_app_hands_the_workout_to_the_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIPTIMER_EXPORT_DIR", str(tmp_path / "downloads"))
    monkeypatch.setattr(HiptimerApp, "is_web", property(lambda self: True))
    delivered: list[tuple[bytes, dict[str, Any]]] = []

    def deliver(self: HiptimerApp, file: io.BytesIO, **options: Any) -> str:
        delivered.append((file.getvalue(), options))
        return "key"

    monkeypatch.setattr(HiptimerApp, "deliver_binary", deliver)
    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await _highlight(pilot, app, "strength-for-speed")
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
    ((data, options),) = delivered
    assert options["save_filename"].startswith("strength-for-speed-")
    assert options["mime_type"] == "application/vnd.ant.fit"
    assert _messages(data)["workout_mesgs"][0]["wkt_name"] == "Strength for speed"
    assert not (tmp_path / "downloads").exists()  # nothing saved on the server's disk
