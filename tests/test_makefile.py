"""The Makefile's install stamp: a fresh clone without ALSA's headers installs without simpleaudio,
and a later ``make run`` brings simpleaudio in once the headers are there.

Each test runs the real Makefile with real make in a copy of the project's top (Makefile and
pyproject.toml); ``.venv/bin/python`` there is a small script standing in for the virtualenv's
Python: its pip "builds" the audio extra only when the fake ALSA headers exist, and it logs every
call. ``HAVE_ALSA`` (a make argument) points the header check at that fake header file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")

FAKE_PYTHON = """\
#!/bin/sh
# Stands in for .venv/bin/python: logs each call; pip builds simpleaudio only with the headers.
here=$(cd "$(dirname "$0")/../.." && pwd)
echo "$*" >> "$here/calls.log"
case "$*" in
  "-m pip install --quiet -e .[audio,dev]")
    [ -f "$here/asoundlib.h" ] && [ ! -f "$here/no-compiler" ] && touch "$here/.venv/simpleaudio" ;;
  "-m pip install --quiet -e .[dev]") exit 0 ;;
  "-c import simpleaudio") [ -f "$here/.venv/simpleaudio" ] ;;
  "-m pytest -q"*) exit 0 ;;
  *) echo "unexpected: $*" >&2; exit 9 ;;
esac
"""


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A copy of the Makefile and pyproject.toml, with the stand-in Python installed in .venv."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    hiptimer = python.parent / "hiptimer"
    hiptimer.write_text('#!/bin/sh\necho "hiptimer $*" >> "$(dirname "$0")/../../calls.log"\n')
    hiptimer.chmod(0o755)
    return tmp_path


def make(clone: Path, target: str = "test") -> str:
    """Run ``make TARGET`` in ``clone`` (headers: its asoundlib.h); return what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    done = subprocess.run(
        ["make", "--no-print-directory", "-s", target, "HAVE_ALSA=test -f asoundlib.h"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unexpected" not in done.stderr, done.stderr
    return done.stdout


def installs(clone: Path) -> list[str]:
    """The pip installs the stand-in Python was asked for, in order."""
    log = clone / "calls.log"
    lines = log.read_text().splitlines() if log.exists() else []
    return [line.split()[-1] for line in lines if "pip install" in line]


def stamp(clone: Path) -> str:
    return (clone / ".venv" / ".installed").read_text().strip()


def test_installing_the_headers_later_brings_simpleaudio_in_at_the_next_make(clone: Path) -> None:
    first = make(clone)
    assert "installed without simpleaudio" in first and "libasound2-dev" in first
    assert installs(clone) == [".[audio,dev]", ".[dev]"]
    assert stamp(clone) == "audio=no alsa=no"

    assert make(clone) == ""  # nothing changed: no install tried, nothing said
    assert installs(clone) == [".[audio,dev]", ".[dev]"]

    (clone / "asoundlib.h").touch()  # apt-get install libasound2-dev
    said = make(clone)
    assert said.splitlines() == [
        "hiptimer: ALSA headers found: installed simpleaudio, cues now play through it"
    ]
    assert installs(clone)[-1] == ".[audio,dev]"
    assert (clone / ".venv" / "simpleaudio").exists()
    assert stamp(clone) == "audio=yes"

    assert make(clone) == ""  # once is enough
    assert len(installs(clone)) == 3


def test_a_fresh_clone_with_the_headers_installs_simpleaudio_at_once(clone: Path) -> None:
    (clone / "asoundlib.h").touch()
    assert make(clone).splitlines() == ["hiptimer: installed with audio (simpleaudio)"]
    assert installs(clone) == [".[audio,dev]"]
    assert stamp(clone) == "audio=yes"


def test_when_simpleaudio_fails_to_build_even_with_the_headers_it_is_not_tried_at_every_make(
    clone: Path,
) -> None:
    make(clone)
    (clone / "asoundlib.h").touch()
    (clone / "no-compiler").touch()
    said = make(clone)
    assert "ALSA headers found, but simpleaudio did not build" in said
    assert stamp(clone) == "audio=no alsa=yes"
    assert make(clone) == ""
    assert installs(clone) == [".[audio,dev]", ".[dev]", ".[audio,dev]"]


def test_a_stamp_from_before_the_record_is_retried_too(clone: Path) -> None:
    """A checkout installed by an older Makefile has an empty stamp and may lack simpleaudio."""
    (clone / ".venv" / ".installed").touch()
    (clone / "asoundlib.h").touch()
    assert "installed simpleaudio" in make(clone, "run")
    assert stamp(clone) == "audio=yes"
    assert (clone / "calls.log").read_text().splitlines()[-1] == "hiptimer "  # and then it starts
