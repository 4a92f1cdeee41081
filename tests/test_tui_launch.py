"""Starting the app: the cue player starts while the sessions load, not after them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from hiptimer.audio import NullPlayer
from hiptimer.catalog.sessions import Catalog, load_catalog
from hiptimer.core.cues import CuePlayer
from hiptimer.tui import launch


class ClosingPlayer(NullPlayer):
    closed = False

    def close(self) -> None:
        self.closed = True


def test_the_cue_player_starts_while_the_sessions_load_and_stops_after_a_typo(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog_loading = threading.Event()
    player = ClosingPlayer("off")
    started_on: list[str] = []

    def slow_player(
        mode: str | None,
        voice: bool,
        offset: float,
        *,
        bell: Callable[[], None],
        emit: Callable[[str], None],
    ) -> tuple[CuePlayer, str]:
        started_on.append(threading.current_thread().name)
        # Finishes only once the sessions are loading: were it started after them, this would
        # wait out its timeout and the test would fail.
        assert catalog_loading.wait(timeout=30)
        return player, "audio: off"

    def loading_catalog() -> Catalog:
        catalog_loading.set()
        return load_catalog()

    monkeypatch.setattr(launch, "_player", slow_player)
    monkeypatch.setattr(launch, "load_catalog", loading_catalog)
    assert launch.run_app("no-such-session") == 1
    assert "no session 'no-such-session'" in capsys.readouterr().err
    assert started_on == ["hiptimer-start-audio"]
    assert player.closed  # the worker a typo started is not left running


def test_a_failure_starting_the_player_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(
        mode: str | None,
        voice: bool,
        offset: float,
        *,
        bell: Callable[[], None],
        emit: Callable[[str], None],
    ) -> tuple[CuePlayer, str]:
        raise OSError("no audio at all")

    monkeypatch.setattr(launch, "_player", broken)
    with pytest.raises(OSError, match="no audio at all"):
        launch.run_app(str(Path("no-such-file.toml")))
