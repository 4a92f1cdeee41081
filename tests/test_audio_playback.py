"""Real playback: the cue player, its worker process and each backend, end to end.

simpleaudio plays through ALSA's ``file`` plugin, configured per test (``ALSA_CONFIG_PATH``), which
appends every frame played to a file instead of a sound card; the null device behind it does not
keep real time, so a whole session's cues play in a moment. Player commands are stand-in scripts
on a ``PATH`` of their own. Nothing here reaches a real speaker.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from hiptimer.audio import NullPlayer, WorkerPlayer, make_player
from hiptimer.audio import choose as choose_module
from hiptimer.audio import player as player_module
from hiptimer.audio.sounds import SoundBank
from hiptimer.core.cues import Cue, CueRequest
from hiptimer.core.engine import Event, new_run, step
from hiptimer.core.plan import compile_plan
from hiptimer.core.results import PlayCue
from hiptimer.core.schema import validate_session

ROOT = Path(__file__).resolve().parent.parent
SOUNDS = ROOT / "sounds"
SYSTEM_ALSA_CONF = Path("/usr/share/alsa/alsa.conf")

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not SYSTEM_ALSA_CONF.is_file(), reason="needs ALSA (Linux)"
)

TINY_SESSION = {
    "id": "tiny",
    "name": "Two hill sprints",
    "get_ready": 5,
    "steps": [
        {
            "type": "repeat",
            "times": 2,
            "steps": [{"type": "work", "name": "Sprint uphill", "cue": "sprint", "seconds": 10}],
        }
    ],
}


def session_cues(session: dict[str, object]) -> list[CueRequest]:
    """Every cue the engine asks for in a whole run of ``session``, in order."""
    plan = compile_plan(validate_session(session))
    now = 1000.0
    state, effects = step(new_run(plan), Event.START, now)
    cues = [e.request for e in effects if isinstance(e, PlayCue)]
    while not state.over:
        now += 0.25
        state, effects = step(state, Event.TICK, now)
        cues += [e.request for e in effects if isinstance(e, PlayCue)]
    return cues


def expected_frames(requests: list[CueRequest], voice: bool = True) -> bytes:
    """What playing ``requests`` one after another must write: each tone, then each phrase."""
    bank = SoundBank(SOUNDS)
    out = b""
    for r in requests:
        if r.tone:
            tone = bank.tone(r.cue)
            assert tone is not None
            out += tone.frames
        if voice and r.speech:
            phrase = bank.phrase(r.speech)
            assert phrase is not None, r.speech
            out += phrase.frames
    return out


def alsa_config(folder: Path, pcm: str) -> Path:
    conf = folder / "asound.conf"
    conf.write_text(f"<{SYSTEM_ALSA_CONF}>\npcm.!default {pcm}\n")
    return conf


@pytest.fixture
def empty_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH with no player command and no speech engine on it."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


@pytest.fixture
def alsa_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_path: Path) -> Path:
    """ALSA's default device appends the frames played to the returned file."""
    pytest.importorskip("simpleaudio")
    played = tmp_path / "played.raw"
    played.write_bytes(b"")
    # A pipe to `cat >>` appends; a plain file would be rewritten from the start at every open.
    cat = shutil.which("cat", path="/usr/bin:/bin") or "cat"
    sink = f"{shlex.quote(cat)} >> {shlex.quote(str(played))}"
    pcm = f'{{ type file slave.pcm {{ type null }} file "|{sink}" format "raw" }}'
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(alsa_config(tmp_path, pcm)))
    return played


@pytest.fixture
def no_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_path: Path) -> None:
    """ALSA's default device is a sound card that does not exist (libasound complains aloud)."""
    pytest.importorskip("simpleaudio")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(alsa_config(tmp_path, '{ type hw card "nosuchcard" }')))


@pytest.fixture
def fake_aplay(empty_path: Path, tmp_path: Path) -> Path:
    """An ``aplay`` on PATH that appends each file's frames to the returned file and logs its args."""
    played = tmp_path / "aplay.raw"
    script = empty_path / "aplay"
    script.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(f"""
        import json, sys, wave
        with open({str(tmp_path / "aplay.log")!r}, "a") as log:
            log.write(json.dumps(sys.argv[1:]) + "\\n")
        with wave.open(sys.argv[-1], "rb") as w, open({str(played)!r}, "ab") as out:
            out.write(w.readframes(w.getnframes()))
        """)
    )
    script.chmod(0o755)
    return played


@pytest.fixture
def players() -> Iterator[list[object]]:
    """Players to close at the end of the test, whatever happens."""
    made: list[object] = []
    yield made
    for p in made:
        close = getattr(p, "close", None)
        if close is not None:
            close()


def worker_player(players: list[object], mode: str, voice: bool = True) -> tuple[WorkerPlayer, str]:
    player, notice = make_player(mode, sounds_dir=SOUNDS, user_sounds_dir=SOUNDS / "none", voice=voice)
    players.append(player)
    assert isinstance(player, WorkerPlayer), notice
    return player, notice


def play_in_turn(player: WorkerPlayer, requests: list[CueRequest]) -> None:
    """Play each request once the one before has finished, as cues seconds apart would."""
    for r in requests:
        player.play(r)
        assert player.wait_idle(10)


def played_outcomes(player: WorkerPlayer) -> set[str]:
    return {str(e["event"]) for e in player.events if "item" in e and e["event"] != "started"}


def test_a_whole_session_plays_the_right_cues_in_order_through_simpleaudio(
    alsa_file: Path, players: list[object], capfd: pytest.CaptureFixture[str]
) -> None:
    cues = session_cues(TINY_SESSION)
    countdown = [Cue.PIP] * 3
    assert [c.cue for c in cues] == [
        Cue.GET_READY,
        *countdown,
        Cue.WORK,
        *countdown,
        Cue.LAST_ONE,
        *countdown,
        Cue.DONE,
    ]
    player, notice = worker_player(players, "simpleaudio")
    assert notice == "audio: simpleaudio"
    play_in_turn(player, cues)
    player.close()
    assert alsa_file.read_bytes() == expected_frames(cues)
    assert played_outcomes(player) == {"played"}
    assert capfd.readouterr() == ("", "")


def test_tones_only_when_the_voice_is_off(alsa_file: Path, players: list[object]) -> None:
    player, _ = worker_player(players, "simpleaudio", voice=False)
    cues = [CueRequest(Cue.SWITCH, speech="switch legs"), CueRequest(Cue.HALFWAY, speech="halfway")]
    play_in_turn(player, cues)
    player.voice = True
    play_in_turn(player, cues[:1])
    player.close()
    assert alsa_file.read_bytes() == expected_frames(cues, voice=False) + expected_frames(cues[:1])


def test_a_crash_in_the_audio_library_does_not_stop_the_session(
    alsa_file: Path, players: list[object], capfd: pytest.CaptureFixture[str]
) -> None:
    player, _ = worker_player(players, "simpleaudio")
    first = [CueRequest(Cue.PIP)]
    play_in_turn(player, first)
    crashed = player.pid
    assert crashed is not None
    os.kill(crashed, signal.SIGSEGV)  # what simpleaudio 1.0.4 does on Python 3.12+
    after = [CueRequest(Cue.GO, speech="sprint, 10 seconds"), CueRequest(Cue.PIP)]
    play_in_turn(player, after)  # the first of these finds the worker dead and restarts it
    assert player.restarts == 1 and player.pid not in (None, crashed)
    assert player.failed is None
    player.close()
    assert alsa_file.read_bytes() == expected_frames(first + after)
    assert capfd.readouterr() == ("", "")


def test_a_worker_that_keeps_crashing_is_given_up_on_quietly(
    alsa_file: Path, players: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(player_module, "MAX_RESTARTS", 1)
    player, _ = worker_player(players, "simpleaudio")
    for _ in range(2):
        pid = player.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        player.play(CueRequest(Cue.PIP))
        assert player.wait_idle(10)
    assert player.failed == "the audio worker keeps stopping"
    player.play(CueRequest(Cue.DONE))  # silent now, and still never raises
    assert player.wait_idle(1)


def test_command_backend_hands_each_sound_to_the_player_command(
    fake_aplay: Path, players: list[object], tmp_path: Path
) -> None:
    player, notice = worker_player(players, "command")
    assert notice == "audio: aplay"
    cues = [CueRequest(Cue.GO, speech="sprint, 10 seconds"), CueRequest(Cue.PIP)]
    play_in_turn(player, cues)
    player.close()
    probe = b"\x00\x00" * 441  # the 20 ms of silence played to see whether the command works
    assert fake_aplay.read_bytes() == probe + expected_frames(cues)
    calls = [line for line in (tmp_path / "aplay.log").read_text().splitlines()]
    assert len(calls) == 4 and all('"-q"' in c for c in calls)
    assert str(SOUNDS / "go.wav") in calls[1] and str(SOUNDS / "pip.wav") in calls[3]


def test_auto_uses_simpleaudio_when_a_device_opens(
    alsa_file: Path, fake_aplay: Path, players: list[object]
) -> None:
    _, notice = worker_player(players, "auto")
    assert notice == "audio: simpleaudio"


def test_auto_falls_back_to_a_player_command_without_a_device(
    no_device: None, fake_aplay: Path, players: list[object], capfd: pytest.CaptureFixture[str]
) -> None:
    player, notice = worker_player(players, "auto")
    assert notice == "audio: aplay"
    play_in_turn(player, [CueRequest(Cue.PIP)])
    assert capfd.readouterr() == ("", "")


def test_without_simpleaudio_installed_a_player_command_is_used(
    fake_aplay: Path, players: list[object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "simpleaudio.py").write_text("raise ImportError('simpleaudio is not installed here')\n")
    monkeypatch.setenv("PYTHONPATH", str(shadow))
    _, notice = worker_player(players, "simpleaudio")
    assert notice.startswith("audio: aplay (simpleaudio is not installed: ")


@pytest.fixture
def no_simpleaudio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``import simpleaudio`` fails, here and in the worker, as where the audio extra did not build."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "simpleaudio.py").write_text("raise ImportError('No module named simpleaudio')\n")
    monkeypatch.setenv("PYTHONPATH", str(shadow))
    monkeypatch.setattr(choose_module, "_simpleaudio_installed", lambda: False)


@pytest.mark.parametrize(
    ("headers", "clone", "way_out"),
    [
        (False, True, "apt-get install libasound2-dev, then make run"),
        (True, True, "make run"),
        (False, False, "apt-get install libasound2-dev, then pip install 'hiptimer[audio]'"),
    ],
    ids=["no-headers", "headers", "installed-from-a-wheel"],
)
def test_without_simpleaudio_the_bell_notice_names_the_reason_and_the_way_out(
    no_simpleaudio: None,
    empty_path: Path,
    players: list[object],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    headers: bool,
    clone: bool,
    way_out: str,
) -> None:
    header = tmp_path / "asoundlib.h"
    if headers:
        header.touch()
    monkeypatch.setattr(choose_module, "ALSA_HEADER", header)
    if not clone:
        monkeypatch.setattr(choose_module, "CLONE_MAKEFILE", tmp_path / "site-packages" / "Makefile")
    player, notice = make_player(
        "auto", sounds_dir=SOUNDS, user_sounds_dir=SOUNDS / "none", bell=lambda: None
    )
    players.append(player)
    assert (player.name, notice) == (
        "bell",
        f"audio: terminal bell (simpleaudio is not installed: {way_out})",
    )


def test_without_simpleaudio_a_player_command_plays_and_the_notice_still_says_why(
    no_simpleaudio: None, fake_aplay: Path, players: list[object]
) -> None:
    _, notice = worker_player(players, "auto")
    assert notice.startswith("audio: aplay (simpleaudio is not installed: ")
    assert notice.endswith("make run)")


def test_no_device_and_no_command_rings_the_terminal_bell_and_prints_nothing(
    no_device: None, players: list[object], capfd: pytest.CaptureFixture[str]
) -> None:
    rings: list[str] = []
    player, notice = make_player("auto", sounds_dir=SOUNDS, bell=lambda: rings.append("\a"))
    players.append(player)
    assert (player.name, notice) == (
        "bell",
        "audio: terminal bell (simpleaudio: no sound device (No such device))",
    )
    for request in session_cues(TINY_SESSION):
        player.play(request)
    assert len(rings) == 13
    assert capfd.readouterr() == ("", "")


def test_with_no_audio_at_all_the_session_still_runs_silently(
    no_device: None, players: list[object], monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(choose_module, "tty_bell", lambda: None)
    player, notice = make_player(None, sounds_dir=SOUNDS)
    players.append(player)
    assert isinstance(player, NullPlayer)
    assert notice == "audio: visual cues only (simpleaudio: no sound device (No such device))"
    for request in session_cues(TINY_SESSION):
        player.play(request)
    player.close()
    assert capfd.readouterr() == ("", "")


def test_the_bell_asked_for_without_a_terminal_is_silent_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(choose_module, "tty_bell", lambda: None)
    player, notice = make_player("bell")
    assert isinstance(player, NullPlayer)
    assert notice == "audio: no terminal for the bell, visual cues only"


def test_a_bell_that_fails_is_not_the_apps_problem() -> None:
    def broken() -> None:
        raise OSError("no terminal")

    player, notice = make_player("bell", bell=broken)
    assert notice == "audio: terminal bell"
    player.play(CueRequest(Cue.GO))


@pytest.mark.parametrize(
    ("value", "name", "notice"),
    [
        ("off", "off", "audio: off"),
        ("OFF ", "off", "audio: off"),
        ("bell", "bell", "audio: terminal bell"),
        ("loud", "bell", "HIPTIMER_AUDIO='loud' is not one of auto"),
    ],
)
def test_hiptimer_audio_chooses_the_backend(
    no_device: None,
    monkeypatch: pytest.MonkeyPatch,
    players: list[object],
    value: str,
    name: str,
    notice: str,
) -> None:
    monkeypatch.setenv("HIPTIMER_AUDIO", value)
    player, said = make_player(bell=lambda: None, offset=0.2)
    players.append(player)
    assert player.name == name and notice in said
    assert player.offset == 0.2  # type: ignore[attr-defined]


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )


def test_libasound_errors_are_silenced_in_the_playing_process(no_device: None) -> None:
    pytest.importorskip("simpleaudio")
    play = textwrap.dedent("""
        import simpleaudio
        try:
            simpleaudio.play_buffer(b"\\0\\0" * 100, 1, 2, 22050)
        except Exception as exc:
            print(type(exc).__name__)
    """)
    env = {"ALSA_CONFIG_PATH": os.environ["ALSA_CONFIG_PATH"]}
    loud = run_python(play, env)
    assert "ALSA lib" in loud.stderr  # what would land on the Textual screen
    quiet = run_python("from hiptimer.audio.alsa import silence_alsa\nassert silence_alsa()\n" + play, env)
    assert (quiet.stdout, quiet.stderr) == ("SimpleaudioError\n", "")
