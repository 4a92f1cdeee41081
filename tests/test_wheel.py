"""An installed wheel (not the checkout) still finds the built-in sessions and the cue sounds."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pydantic
import pytest

REPO = Path(__file__).resolve().parent.parent


def run(*argv: str | Path, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_an_installed_wheel_finds_the_builtin_sessions_and_sounds(tmp_path: Path) -> None:
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--quiet",
        "-w",
        tmp_path / "dist",
        REPO,
        cwd=tmp_path,
    )
    (wheel,) = (tmp_path / "dist").glob("hiptimer-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "hiptimer/_data/sessions/hill-sprints.toml" in names
    for dependency in ("textual", "pydantic", "platformdirs"):
        assert f"Requires-Dist: {dependency}" in metadata

    # A fresh virtualenv, with the wheel installed by its own pip. The dependencies are taken from
    # this test environment through a .pth file, so the test needs no network and stays quick.
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    purelib = Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip()
    )
    (purelib / "test_dependencies.pth").write_text(f"{Path(pydantic.__file__).parent.parent}\n")
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=tmp_path)

    where = run(
        python,
        "-c",
        "import hiptimer, hiptimer.resources as r; "
        "print(hiptimer.__file__); print(r.builtin_sessions_dir()); print(r.sounds_dir())",
        cwd=tmp_path,
    ).splitlines()
    assert [Path(line).is_relative_to(purelib) for line in where] == [True, True, True]
    shipped = sorted(p.name for p in (REPO / "sounds").iterdir())
    assert sorted(p.name for p in Path(where[2]).iterdir()) == shipped

    listing = run(target / "bin" / "hiptimer", "list", cwd=tmp_path)
    ids = [line.split()[0] for line in listing.splitlines()[1:]]
    assert ids == ["backwards-running", "hill-sprints", "pre-run-hips", "strength-for-speed"]
    shown = run(target / "bin" / "hiptimer", "show", "hill-sprints", cwd=tmp_path)
    assert "round 4/4" in shown and "_data/sessions/hill-sprints.toml" in shown
