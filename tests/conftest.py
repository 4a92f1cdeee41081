"""Shared test set-up: keep the user's real config, sessions and history out of every test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point hiptimer's data, config and sessions folders at fresh temporary folders.

    Returns:
        The temporary root; ``data``, ``config`` and ``sessions`` are below it (not created).
    """
    root = tmp_path_factory.mktemp("hiptimer-home")
    monkeypatch.setenv("HIPTIMER_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("HIPTIMER_CONFIG_DIR", str(root / "config"))
    monkeypatch.setenv("HIPTIMER_SESSIONS_DIR", str(root / "sessions"))
    monkeypatch.setenv("HIPTIMER_CACHE_DIR", str(root / "cache"))
    return root
