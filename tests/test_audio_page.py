"""The served app's cue player: each cue becomes an escape sequence naming the clips the page plays."""

from __future__ import annotations

import json
from pathlib import Path

from hiptimer.audio import make_player
from hiptimer.audio.lengths import clip_lengths
from hiptimer.audio.page import PagePlayer, cue_message
from hiptimer.core.cues import Cue, CueRequest

SOUNDS = Path(__file__).resolve().parent.parent / "sounds"
LENGTHS = clip_lengths(SOUNDS)


def test_a_cue_names_its_tone_then_each_recorded_part_at_its_second() -> None:
    message = cue_message(CueRequest(Cue.WORK, speech="repeat 5 of 8, sprint, 10 seconds"), LENGTHS)
    paths = [path for path, _ in message["clips"]]
    assert message["cue"] == "work" and message["say"] is None
    assert paths == [
        "work.wav",
        "voice/repeat-5.wav",
        "voice/of-8.wav",
        "voice/sprint.wav",
        "voice/10-seconds.wav",
    ]
    starts = [at for _, at in message["clips"]]
    assert starts[0] == 0 and starts[1] == round(LENGTHS.tone(Cue.WORK), 3)
    assert starts == sorted(starts)
    # One part's runs of words follow each other closely; parts have a longer gap between them.
    assert starts[2] - starts[1] == round(LENGTHS.parts["repeat-5"] + LENGTHS.word_gap, 3)


def test_words_alone_and_words_with_no_recording() -> None:
    alone = cue_message(CueRequest(Cue.GO, speech="leg swings, left leg", tone=False), LENGTHS)
    assert alone["cue"] == "say"
    assert [p for p, _ in alone["clips"]] == ["voice/leg-swings.wav", "voice/left-leg.wav"]
    assert alone["clips"][0][1] == 0
    mine = cue_message(CueRequest(Cue.HOLD, speech="pigeon pose, 1 minute"), LENGTHS)
    assert [p for p, _ in mine["clips"]] == ["hold.wav"]
    assert mine["say"] == "pigeon pose, 1 minute"
    tones_only = cue_message(CueRequest(Cue.HOLD, speech="halfway"), LENGTHS, voice=False)
    assert tones_only["clips"] == [["hold.wav", 0.0]] and tones_only["say"] is None


def test_the_player_writes_one_osc_sequence_per_cue() -> None:
    written: list[str] = []
    player, notice = make_player(
        "web", sounds_dir=SOUNDS, user_sounds_dir=SOUNDS / "none", emit=written.append
    )
    assert isinstance(player, PagePlayer)
    assert notice == "audio: in the browser (tap the page for sound)"
    player.play(CueRequest(Cue.PIP))
    player.play(CueRequest(Cue.REST, speech="rest, 3 minutes"))
    assert len(written) == 2
    for sequence in written:
        assert sequence.startswith("\x1b]7791;hiptimer-cue;") and sequence.endswith("\x07")
        body = sequence[len("\x1b]7791;hiptimer-cue;") : -1]
        assert all(32 <= ord(c) < 127 for c in body)
    assert json.loads(written[1][len("\x1b]7791;hiptimer-cue;") : -1])["clips"][1][0] == "voice/rest.wav"


def test_a_player_that_cannot_write_is_not_the_apps_problem() -> None:
    def broken(data: str) -> None:
        raise OSError("gone")

    PagePlayer(broken, sounds_dir=SOUNDS).play(CueRequest(Cue.DONE, speech="session complete"))


def test_without_an_app_to_write_to_web_falls_back_to_the_bell() -> None:
    rings: list[str] = []
    player, notice = make_player("web", sounds_dir=SOUNDS, bell=lambda: rings.append("\a"))
    assert notice == "audio: terminal bell"
    player.play(CueRequest(Cue.PIP))
    assert rings == ["\a"]
