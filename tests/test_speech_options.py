"""A phrase from a session file reaches a speech engine as text, never as one of its options.

A cue such as ``-w/some/file`` once made espeak-ng write audio over that file. Each engine is
tried with such a phrase: the real espeak-ng where it is installed, and a stand-in script that
records its arguments and stdin for every engine (the real ones are missing on most machines).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from hiptimer.audio.speech import SpeechEngine


def hostile(tmp_path: Path) -> tuple[str, Path]:
    """A cue that is an option to most engines ("write the audio to this file"), and that file."""
    target = tmp_path / "victim.wav"
    return f"-w{target}", target


RECORDER = """#!{python}
import io, json, sys, wave
said = sys.stdin.read() if not sys.stdin.isatty() else ""
with open({log!r}, "w") as log:
    json.dump({{"argv": sys.argv[1:], "stdin": said}}, log)
out = io.BytesIO()
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
    w.writeframes(b"\\x01\\x00" * 2205)
args = sys.argv[1:]
if "-o" in args:  # say writes its WAV to the file after -o
    open(args[args.index("-o") + 1], "wb").write(out.getvalue())
else:
    sys.stdout.buffer.write(out.getvalue())
"""


def recorder(tmp_path: Path, name: str) -> tuple[SpeechEngine, Path]:
    """A stand-in for ``name`` that records how it was called, and where it records that."""
    log = tmp_path / f"{name}.json"
    program = tmp_path / "bin" / name
    program.parent.mkdir(exist_ok=True)
    program.write_text(RECORDER.format(python=sys.executable, log=str(log)))
    program.chmod(0o755)
    return SpeechEngine(name, str(program)), log


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_real_espeak_ng_speaks_a_cue_that_looks_like_an_option_and_writes_no_file(tmp_path: Path) -> None:
    cue, target = hostile(tmp_path)
    engine = SpeechEngine("espeak-ng", str(shutil.which("espeak-ng")))
    clip = engine.render(cue)
    assert not target.exists()
    assert clip is not None
    seconds = len(clip.frames) / (clip.sampwidth * clip.channels * clip.rate)
    assert seconds > 0.5  # the path read aloud, not an empty clip


@pytest.mark.parametrize("name", ["espeak-ng", "espeak"])
def test_espeak_gets_the_phrase_on_stdin_not_among_its_options(tmp_path: Path, name: str) -> None:
    cue, target = hostile(tmp_path)
    engine, log = recorder(tmp_path, name)
    assert engine.render(cue) is not None
    called = json.loads(log.read_text())
    assert called["stdin"] == cue
    assert cue not in called["argv"] and "--stdin" in called["argv"]
    assert not target.exists()


def test_say_reads_the_phrase_from_stdin(tmp_path: Path) -> None:
    cue, target = hostile(tmp_path)
    engine, log = recorder(tmp_path, "say")
    assert engine.render(cue) is not None
    called = json.loads(log.read_text())
    assert called["stdin"] == cue
    assert cue not in called["argv"] and called["argv"][-2:] == ["-f", "-"]
    assert not target.exists()


def test_spd_say_gets_the_phrase_after_the_end_of_its_options(tmp_path: Path) -> None:
    cue, _ = hostile(tmp_path)
    engine, _ = recorder(tmp_path, "spd-say")
    argv = engine.speak_argv(cue)
    assert argv[1:] == ["--wait", "--", cue]
