"""bench/cue_record.py still runs (with ``--quick``: 8 s of each built-in); no figure is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_cue_recording_runs_quick(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cue_record.py"), "--quick"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    for session in ("pre-run-hips", "strength-for-speed", "hill-sprints", "backwards-running"):
        assert f"{session}: " in done.stdout
    assert "cues played" in done.stdout and "overlaps:" in done.stdout
    assert done.stderr == ""
