"""Session files already checked are not checked again, and a changed file always is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hiptimer import locations
from hiptimer.catalog import cache, sessions
from hiptimer.catalog.sessions import LoadedFile, load_file
from hiptimer.cli import main
from hiptimer.resources import sounds_dir

PLANK = """
    name = "Plank"
    [[steps]]
    type = "hold"
    name = "Plank"
    seconds = 30
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def entries() -> list[Path]:
    folder = locations.cache_dir() / "checked-sessions"
    return sorted(folder.glob("*.pickle")) if folder.exists() else []


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files that went through the full validation, in order."""
    seen: list[Path] = []
    real = sessions.load_text

    def counting(text: str, path: Path, *, default_id: str | None = None) -> LoadedFile:
        seen.append(path)
        return real(text, path, default_id=default_id)

    monkeypatch.setattr(sessions, "load_text", counting)
    return seen


def test_an_unchanged_file_is_validated_once_and_then_comes_from_the_cache(
    tmp_path: Path, validations: list[Path]
) -> None:
    path = write(tmp_path / "plank.toml", PLANK)
    first = load_file(path)
    second = load_file(path)
    assert validations == [path]
    assert first.session is not None and second.session == first.session
    assert second.errors == () and second.id_position == first.id_position
    assert len(entries()) == 1


def test_the_cache_lives_where_hiptimer_cache_dir_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIPTIMER_CACHE_DIR", str(tmp_path / "elsewhere"))
    load_file(write(tmp_path / "plank.toml", PLANK))
    assert [p.parent.parent for p in entries()] == [tmp_path / "elsewhere"]


def test_an_edit_that_breaks_a_cached_file_gives_the_error(tmp_path: Path, validations: list[Path]) -> None:
    path = write(tmp_path / "plank.toml", PLANK)
    assert load_file(path).session is not None
    write(path, PLANK.replace("seconds = 30", "seconds = -30"))
    loaded = load_file(path)
    assert loaded.session is None
    assert [str(e) for e in loaded.errors] == [
        f"{path}:5:1: steps[0].seconds: Input should be greater than 0 (got -30)"
    ]
    assert validations == [path, path]


def test_an_edit_that_keeps_a_file_valid_gives_the_new_session(tmp_path: Path) -> None:
    path = write(tmp_path / "plank.toml", PLANK)
    assert load_file(path).session is not None
    write(path, PLANK.replace("seconds = 30", "seconds = 45"))
    session = load_file(path).session
    assert session is not None and session.steps[0].seconds == 45  # type: ignore[union-attr]


def test_the_same_bytes_under_another_name_get_that_names_id(tmp_path: Path) -> None:
    load_file(write(tmp_path / "plank.toml", PLANK))
    other = load_file(write(tmp_path / "side-plank.toml", PLANK))
    assert other.session is not None and other.session.id == "side-plank"


def test_check_reports_an_edit_that_broke_a_file_it_passed_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "plank.toml", PLANK)
    assert main(["check", str(path)]) == 0
    write(path, PLANK.replace('type = "hold"', 'type = "hodl"'))
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    assert f"{path}:3:1: steps[0].type: unknown step type 'hodl'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a pickle at all", b"\x80\x05\x95\xff\xff\xff\xff", b"\x80\x05K\x01."],
    ids=["empty", "text", "cut short", "another value"],
)
def test_a_damaged_cache_entry_is_ignored_and_made_again(
    tmp_path: Path, validations: list[Path], damage: bytes
) -> None:
    path = write(tmp_path / "plank.toml", PLANK)
    expected = load_file(path).session
    (entry,) = entries()
    entry.write_bytes(damage)
    assert load_file(path).session == expected
    assert load_file(path).session == expected
    assert validations == [path, path]  # checked again once, then the rebuilt entry served


def test_an_entry_moved_to_another_key_is_ignored(tmp_path: Path, validations: list[Path]) -> None:
    first = write(tmp_path / "plank.toml", PLANK)
    load_file(first)
    (entry,) = entries()
    second = write(tmp_path / "other.toml", PLANK.replace("Plank", "Other"))
    shutil.copy(entry, entry.parent / (cache.cache_key(second.read_bytes(), "other") + ".pickle"))
    session = load_file(second).session
    assert session is not None and session.name == "Other"
    assert validations == [first, second]


def test_an_unusable_cache_folder_is_never_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HIPTIMER_CACHE_DIR", str(blocker))
    path = write(tmp_path / "plank.toml", PLANK)
    assert load_file(path).session is not None
    assert load_file(path).session is not None


def test_an_unreadable_cache_entry_is_checked_again(tmp_path: Path, validations: list[Path]) -> None:
    path = write(tmp_path / "plank.toml", PLANK)
    load_file(path)
    (entry,) = entries()
    entry.unlink()
    entry.mkdir()  # reading it fails like a file without permission does, even as root
    assert load_file(path).session is not None
    assert validations == [path, path]


def test_the_key_includes_the_hiptimer_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.cache_key(b"same bytes", "plank")
    monkeypatch.setattr(cache, "__version__", "99.0")
    monkeypatch.setattr(cache, "_fingerprint", [])
    assert cache.cache_key(b"same bytes", "plank") != before


def test_the_key_includes_the_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.cache_key(b"same bytes", "plank")
    copy = tmp_path / "hiptimer"
    shutil.copytree(Path(cache.__file__).resolve().parent.parent, copy)
    model = copy / "core" / "schema.py"
    model.write_text(model.read_text().replace("le=1000", "le=2000"))
    monkeypatch.setattr(cache, "__file__", str(copy / "catalog" / "cache.py"))
    monkeypatch.setattr(cache, "_fingerprint", [])
    assert cache.cache_key(b"same bytes", "plank") != before


def test_an_entry_made_by_another_version_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, validations: list[Path]
) -> None:
    path = write(tmp_path / "plank.toml", PLANK)
    load_file(path)
    monkeypatch.setattr(cache, "__version__", "99.0")
    monkeypatch.setattr(cache, "_fingerprint", [])
    load_file(path)
    assert validations == [path, path]
    assert len(entries()) == 2


def test_a_session_that_plays_a_sound_file_is_validated_every_time(
    tmp_path: Path, validations: list[Path]
) -> None:
    user_sounds = locations.user_sounds_dir()
    user_sounds.mkdir(parents=True)
    shutil.copy(sounds_dir() / "go.wav", user_sounds / "whistle.wav")
    path = write(tmp_path / "whistle.toml", PLANK + '    sound = "whistle.wav"\n')
    assert load_file(path).session is not None
    (user_sounds / "whistle.wav").unlink()
    loaded = load_file(path)
    assert loaded.session is None and "whistle.wav" in str(loaded.errors[0])
    assert entries() == []


def test_old_entries_beyond_the_limit_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEEP_ENTRIES", 3)
    path = tmp_path / "plank.toml"
    for seconds in range(10, 16):
        write(path, PLANK.replace("seconds = 30", f"seconds = {seconds}"))
        load_file(path)
    assert len(entries()) == 3
    session = load_file(path).session
    assert session is not None and session.steps[0].seconds == 15  # type: ignore[union-attr]


def test_an_entry_others_may_write_is_not_read(tmp_path: Path, validations: list[Path]) -> None:
    path = write(tmp_path / "plank.toml", PLANK)
    load_file(path)
    (entry,) = entries()
    assert entry.stat().st_mode & 0o077 == 0  # written private
    entry.chmod(0o666)
    assert load_file(path).session is not None
    assert validations == [path, path]
    (rebuilt,) = entries()
    assert rebuilt.stat().st_mode & 0o077 == 0


def test_the_key_includes_the_pydantic_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.cache_key(b"same bytes", "plank")
    monkeypatch.setattr(cache, "pydantic_version", lambda: b"VERSION = '99.0'\n")
    monkeypatch.setattr(cache, "_fingerprint", [])
    assert cache.cache_key(b"same bytes", "plank") != before


def test_the_pydantic_version_is_read_from_the_installed_pydantic_without_importing_it() -> None:
    probe = (
        "import sys; from hiptimer.catalog import cache; found = cache.pydantic_version(); "
        "print(found.decode(), 'pydantic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    import pydantic

    assert f"VERSION = '{pydantic.VERSION}'" in done.stdout
    assert done.stdout.rstrip().endswith("False")


def test_a_file_edited_between_two_runs_is_checked_again(tmp_path: Path) -> None:
    """Each run is its own interpreter, as for a user: the second finds the first's cache entry,
    and an edit that keeps the file's size and modification time is still seen."""
    path = write(tmp_path / "plank.toml", PLANK)

    def hiptimer(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "hiptimer", *argv], capture_output=True, text=True, check=False, timeout=60
        )

    assert hiptimer("check", str(path)).stdout.startswith(f"ok: {path} (1 phases, 0:30)")
    assert len(entries()) == 1
    stamp = path.stat()
    write(path, PLANK.replace("seconds = 30", "seconds = 31"))
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert "0:31" in hiptimer("show", str(path)).stdout
    write(path, PLANK.replace("seconds = 30", "seconds = -3"))
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    broken = hiptimer("check", str(path))
    assert broken.returncode == 1
    assert f"{path}:5:1: steps[0].seconds: Input should be greater than 0 (got -3)" in broken.stderr
