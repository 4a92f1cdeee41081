"""`hiptimer show SESSION --cues`: every cue of today's plan, when, what it plays, and on which channel."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from hiptimer.cli import main

LINE = re.compile(r"^(~?\d+:\d\d\.\d\d) +(~?\d+:\d\d\.\d\d) +(.+?) +cues +(\S+) +(\".*\"|-)$")


def show_cues(capsys: pytest.CaptureFixture[str], session: str) -> list[str]:
    assert main(["show", session, "--cues"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out.splitlines()


def test_show_cues_lists_every_cue_with_its_time_tone_and_words(capsys: pytest.CaptureFixture[str]) -> None:
    lines = show_cues(capsys, "hill-sprints")
    assert lines[0] == "Hill sprints  (hill-sprints: repeats = 4): every cue, in order"
    assert lines[1].split() == ["TIME", "UNTIL", "PHASE", "CHANNEL", "TONE", "WORDS"]
    rows = [LINE.match(line) for line in lines[2:]]
    assert all(rows), [line for line, row in zip(lines[2:], rows, strict=True) if not row]
    cells = [row.groups() for row in rows if row]
    assert cells[0] == ("0:00.00", "0:01.73", "get ready", "get-ready", '"get ready, sprint"')
    assert cells[1][:4] == ("0:07.00", "0:07.10", "get ready", "pip")
    assert cells[4][2:] == ("1. Sprint uphill", "work", '"repeat 1 of 4, sprint, 10 seconds"')
    # After the first walk down (until done) the times are estimates.
    assert cells[8][2:] == ("2. Walk down", "easy", '"walk down"') and not cells[8][0].startswith("~")
    assert cells[9][0].startswith("~") and cells[9][3] == "rest"
    warning = [c for c in cells if c[3] == "soon"]
    assert [c[4] for c in warning] == ['"sprint, in 10 seconds"'] * 3
    assert cells[-1][2:] == ("end", "done", '"session complete"')


def _seconds(text: str) -> float:
    minutes, seconds = text.lstrip("~").split(":")
    return 60 * int(minutes) + float(seconds)


@pytest.mark.parametrize(
    "session", ["pre-run-hips", "strength-for-speed", "hill-sprints", "backwards-running"]
)
def test_show_cues_never_starts_a_cue_before_the_one_above_has_ended(
    capsys: pytest.CaptureFixture[str], session: str
) -> None:
    rows = [m.groups() for m in map(LINE.match, show_cues(capsys, session)[2:]) if m]
    for above, below in itertools.pairwise(rows):
        if above[3] != "rep":
            assert _seconds(below[0]) >= _seconds(above[1]), (above, below)


def test_show_cues_of_the_pre_run_routine_says_words_early_where_a_start_has_no_room(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = show_cues(capsys, "pre-run-hips")
    said_early = [line for line in lines if " -  " in line and "leg swings, left leg" in line]
    assert len(said_early) == 1 and "3. Knee-to-chest bridge (right)" not in said_early[0]
    assert "4. Marching bridge" in said_early[0]


def test_show_cues_is_the_same_every_time(capsys: pytest.CaptureFixture[str]) -> None:
    assert show_cues(capsys, "pre-run-hips") == show_cues(capsys, "pre-run-hips")


def test_show_cues_with_the_voice_off_lists_tones_alone(capsys: pytest.CaptureFixture[str]) -> None:
    from hiptimer.settings import Settings, save_settings

    save_settings(Settings(voice=False))
    lines = show_cues(capsys, "hill-sprints")[2:]
    assert all(line.rstrip().endswith(" -") for line in lines)


def test_show_cues_of_a_session_file_uses_a_speech_engine_estimate_for_new_words(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "pigeon.toml"
    path.write_text('name = "Pigeon"\n[[steps]]\ntype = "hold"\nname = "Pigeon pose"\nseconds = 45\n')
    lines = show_cues(capsys, str(path))
    assert any('"Pigeon pose, 45 seconds"' in line for line in lines)
