"""The playback worker's loop, driven in-process with a fake output that plays until told to stop.

Nothing here sleeps: each test waits (with a timeout) for the event it expects from the worker.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hiptimer.audio.outputs import Handle
from hiptimer.audio.sounds import Clip, SoundBank
from hiptimer.audio.speech import SpeechEngine, find_speech_engine
from hiptimer.audio.worker import Worker

SOUNDS = Path(__file__).resolve().parent.parent / "sounds"


class FakeHandle:
    def __init__(self, clip: Clip, held: bool) -> None:
        self.clip = clip
        self.playing = held
        self.stopped = False

    def is_playing(self) -> bool:
        return self.playing

    def stop(self) -> None:
        self.playing = False
        self.stopped = True


class FakeOutput:
    """Tones (clips read from a file) end at once; composed or spoken phrases play until stopped."""

    name = "fake"

    def __init__(self) -> None:
        self.handles: list[FakeHandle] = []

    def probe(self) -> str | None:
        return None

    def start(self, clip: Clip) -> Handle:
        handle = FakeHandle(clip, held=clip.path is None)
        self.handles.append(handle)
        return handle


class Events:
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.cond = threading.Condition()

    def __call__(self, message: dict[str, Any]) -> None:
        with self.cond:
            self.seen.append(message)
            self.cond.notify_all()

    def wait_for(self, predicate: Callable[[list[dict[str, Any]]], bool]) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: predicate(self.seen), timeout=10), self.seen

    def wait_event(self, rid: int, item: int | None, event: str) -> None:
        self.wait_for(lambda seen: any(self.matches(m, rid, item, event) for m in seen))

    @staticmethod
    def matches(m: dict[str, Any], rid: int, item: int | None, event: str) -> bool:
        return m.get("id") == rid and m.get("item") == item and m.get("event") == event

    def outcomes(self) -> list[tuple[int, int | None, str]]:
        with self.cond:
            return [(m["id"], m.get("item"), m["event"]) for m in self.seen]


Running = tuple[Worker, FakeOutput, Events]


def run_worker(engine: SpeechEngine | None = None, user: Path | None = None) -> Iterator[Running]:
    output, events = FakeOutput(), Events()
    worker = Worker(output, SoundBank(SOUNDS, user), engine, events)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        yield worker, output, events
    finally:
        worker.close()
        thread.join(timeout=5)
        assert not thread.is_alive()


@pytest.fixture
def running() -> Iterator[Running]:
    yield from run_worker()


def request(rid: int, cue: str, ago: float = 0.0, **more: Any) -> dict[str, Any]:
    return {"id": rid, "due": time.monotonic() - ago, "cue": cue, "voice": True, **more}


def test_a_phase_start_plays_its_tone_then_says_its_phrase(running: Running) -> None:
    worker, output, events = running
    worker.submit(request(1, "go", speech="kneeling hip flexor, left leg, 1 minute"))
    events.wait_event(1, 1, "started")
    output.handles[-1].playing = False
    events.wait_event(1, None, "end")
    assert events.outcomes() == [
        (1, 0, "started"),
        (1, 0, "played"),
        (1, 1, "started"),
        (1, 1, "played"),
        (1, None, "end"),
    ]
    tone, phrase = (h.clip for h in output.handles)
    assert tone.path == SOUNDS / "go.wav"
    assert phrase == SoundBank(SOUNDS).phrase("kneeling hip flexor, left leg, 1 minute")
    assert all(m["latency"] >= 0 for m in events.seen if m["event"] == "started")


def test_the_first_pip_stops_a_long_get_ready_phrase_and_plays_on_time(running: Running) -> None:
    worker, output, events = running
    # Due 0.35 s ago, so the pip below comes more than the grace window later.
    phrase = "get ready, kneeling hip flexor"
    worker.submit(request(1, "get-ready", ago=0.35, speech=phrase))
    events.wait_event(1, 1, "started")
    worker.submit(request(2, "pip"))
    events.wait_event(2, 0, "played")
    assert next(h for h in output.handles if h.clip.path is None).stopped
    assert events.outcomes().index((1, 1, "stopped")) < events.outcomes().index((2, 0, "started"))


def test_voice_off_plays_the_tone_alone(running: Running) -> None:
    worker, output, events = running
    worker.submit(request(1, "rest", speech="rest, 10 seconds", voice=False))
    events.wait_event(1, None, "end")
    assert [h.clip.path for h in output.handles] == [SOUNDS / "rest.wav"]


def test_a_steps_custom_sound_replaces_the_tone(tmp_path: Path) -> None:
    with wave.open(str(tmp_path / "gong.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"\x01\x02" * 2000)
    for worker, output, events in run_worker(user=tmp_path):
        worker.submit(request(1, "go", sound="gong.wav"))
        worker.submit(request(2, "go", sound="../../etc/passwd.wav"))
        events.wait_event(2, None, "end")
        assert [h.clip.path for h in output.handles] == [tmp_path / "gong.wav", SOUNDS / "go.wav"]


def test_a_request_the_worker_cannot_read_just_ends(running: Running) -> None:
    worker, output, events = running
    worker.submit({"id": 5, "due": "soon", "cue": "go"})
    worker.submit({"id": 6, "due": time.monotonic(), "cue": "no-such-cue"})
    events.wait_event(6, None, "end")
    assert events.outcomes() == [(5, None, "end"), (6, None, "end")]
    assert output.handles == []


def fake_program(folder: Path, name: str, body: str) -> Path:
    """A script standing in for a real program: ``body`` runs with ``args`` and ``log``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        "args = sys.argv[1:]\n"
        f"log = open({str(folder / (name + '.log'))!r}, 'a')\n"
        "log.write(json.dumps(args) + '\\n')\n"
        "log.close()\n" + body
    )
    path.chmod(0o755)
    return path


FAKE_ESPEAK = """
import io, wave
with open(sys.argv[0] + ".stdin", "a") as said:
    said.write(sys.stdin.read())
out = io.BytesIO()
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
    w.writeframes(b"\\x07\\x00" * 2205)
sys.stdout.buffer.write(out.getvalue())
"""


def test_a_users_own_phrase_is_spoken_by_the_speech_engine(tmp_path: Path) -> None:
    fake_program(tmp_path, "espeak-ng", FAKE_ESPEAK)
    engine = find_speech_engine(str(tmp_path))
    assert engine == SpeechEngine("espeak-ng", str(tmp_path / "espeak-ng"))
    for worker, output, events in run_worker(engine):
        worker.submit(request(1, "go", speech="hamstring curls, left leg, 45 seconds"))
        events.wait_event(1, 1, "started")
        output.handles[-1].playing = False
        events.wait_event(1, None, "end")
        assert output.handles[1].clip.frames == b"\x07\x00" * 2205
    args = json.loads((tmp_path / "espeak-ng.log").read_text())
    assert "--stdout" in args and "--stdin" in args
    assert (tmp_path / "espeak-ng.stdin").read_text() == "hamstring curls, left leg, 45 seconds"


def test_without_a_speech_engine_an_unrecorded_phrase_falls_back_to_the_tone(running: Running) -> None:
    worker, output, events = running
    worker.submit(request(1, "go", speech="hamstring curls, left leg, 45 seconds"))
    events.wait_event(1, None, "end")
    assert [h.clip.path for h in output.handles] == [SOUNDS / "go.wav"]


def test_an_engine_that_speaks_by_itself_is_started_and_stopped_like_a_sound(tmp_path: Path) -> None:
    fake_program(tmp_path, "spd-say", "")
    engine = find_speech_engine(str(tmp_path))
    assert engine is not None and not engine.renders
    for worker, _, events in run_worker(engine):
        worker.submit(request(1, "rest", speech="stretch it out"))
        events.wait_event(1, None, "end")
        assert (1, 1, "played") in events.outcomes()
    assert json.loads((tmp_path / "spd-say.log").read_text()) == ["--wait", "--", "stretch it out"]


def test_a_failing_speech_engine_is_a_failed_phrase_not_a_crash(tmp_path: Path) -> None:
    fake_program(tmp_path, "espeak-ng", "sys.exit(3)\n")
    for worker, _, events in run_worker(find_speech_engine(str(tmp_path))):
        worker.submit(request(1, "go", speech="something new"))
        events.wait_event(1, None, "end")
        assert events.outcomes() == [(1, 0, "started"), (1, 0, "played"), (1, 1, "failed"), (1, None, "end")]
