"""The user's audio settings: voice or tones, starting muted and the audio offset are remembered."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hiptimer.settings import Settings, load_settings, save_settings, settings_path


def test_with_no_file_the_defaults_are_used_quietly() -> None:
    assert load_settings() == (Settings(), None)
    assert Settings() == Settings(voice=True, start_muted=False, audio_offset=0.0, audio="auto")


def test_with_no_file_no_toml_reader_is_loaded(isolated_dirs: Path) -> None:
    """The app's start reads no settings file on most machines: it does without tomllib."""
    code = (
        "import sys; from hiptimer.settings import load_settings as l; l(); print('tomllib' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert done.stdout.strip() == "False"
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("start_muted = true\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert done.stdout.strip() == "True"


def test_the_file_lives_in_the_config_dir(isolated_dirs: Path) -> None:
    assert settings_path() == isolated_dirs / "config" / "settings.toml"


def test_start_muted_voice_and_offset_are_remembered() -> None:
    changed = Settings().with_changes(start_muted=True, voice=False, audio_offset=0.25, audio="bell")
    assert save_settings(changed) is None
    assert load_settings() == (changed, None)
    text = settings_path().read_text()
    assert "start_muted = true" in text and "audio_offset = 0.25" in text and "# " in text


def test_saving_replaces_the_file_whole_and_leaves_no_temporary_file() -> None:
    save_settings(Settings(start_muted=True))
    save_settings(Settings(start_muted=False))
    assert load_settings()[0].start_muted is False
    assert sorted(p.name for p in settings_path().parent.iterdir()) == ["settings.toml"]


def test_a_damaged_file_gives_the_defaults_and_a_message_naming_the_line() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("start_muted = true\nvoice = \n")
    settings, message = load_settings()
    assert settings == Settings()
    assert message is not None and str(path) in message and "line 2" in message


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('start_muted = "yes"', "start_muted must be true or false"),
        ("audio_offset = -1", "audio_offset must be a number of seconds from 0 to 2"),
        ("audio_offset = 9", "from 0 to 2"),
        ('audio = "loud"', "audio must be one of auto, simpleaudio, command, bell, off"),
        ("volume = 3", "volume is not a setting"),
        ("continue_minutes = -1", "continue_minutes must be a number of minutes from 0 to 1440"),
        ('continue_minutes = "5"', "from 0 to 1440"),
    ],
)
def test_a_bad_value_keeps_the_rest_and_says_which_key(line: str, says: str) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(f"voice = false\n{line}\n")
    settings, message = load_settings()
    assert settings.voice is False
    assert message is not None and says in message and str(path) in message


def test_an_unreadable_file_gives_the_defaults(tmp_path: Path) -> None:
    folder = tmp_path / "settings.toml"
    folder.mkdir()
    settings, message = load_settings(folder)
    assert settings == Settings()
    assert message is not None and "cannot read" in message


def test_a_failed_save_says_why_keeps_the_old_file_and_cleans_up(monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(Settings(start_muted=True))

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    message = save_settings(Settings(start_muted=False))
    assert message is not None and "cannot save" in message and "No space left" in message
    assert load_settings()[0].start_muted is True
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.toml"]


def test_a_save_that_cannot_create_the_folder_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    message = save_settings(Settings(), blocker / "settings.toml")
    assert message is not None and "cannot save" in message


def test_the_mute_key_older_versions_saved_is_ignored_and_dropped_on_the_next_save() -> None:
    """Older versions saved the m key as `mute`, so one press silenced every later run."""
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("mute = true\nvoice = false\n")
    settings, message = load_settings()
    assert message is None
    assert settings == Settings(voice=False, start_muted=False)
    assert save_settings(settings) is None
    assert "mute = " not in path.read_text().replace("start_muted = ", "")


def test_how_long_a_run_goes_on_by_its_clock_is_a_setting() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    assert Settings().continue_minutes == 5.0
    path.write_text("continue_minutes = 2\n")
    settings, message = load_settings()
    assert (settings.continue_minutes, message) == (2.0, None)
    save_settings(settings.with_changes(continue_minutes=0.0))
    assert "continue_minutes = 0.0" in path.read_text()
    assert load_settings()[0].continue_minutes == 0.0
