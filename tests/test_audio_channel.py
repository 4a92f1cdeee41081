"""The playback channel's rules: speech never piles up over the 3-2-1 pips."""

from __future__ import annotations

from hiptimer.audio.channel import GRACE_SECONDS, LATE_TONE_SECONDS, Channel, Item
from hiptimer.core.cues import Cue

T = 100.0


def start(cue: Cue, due: float, rid: int, phrase_after: float | None = 0.4) -> list[Item]:
    """A phase start: its tone, then its phrase (None: a tone alone)."""
    items = [Item(rid, cue, due)]
    if phrase_after is not None:
        items.append(Item(rid, cue, due, index=1, phrase=True, after=phrase_after))
    return items


def pip(due: float, rid: int) -> list[Item]:
    return [Item(rid, Cue.PIP, due)]


def play_next(channel: Channel, now: float) -> Item:
    item, late = channel.take(now)
    assert late == []
    assert item is not None
    return item


def test_a_phase_start_plays_its_tone_then_its_phrase_in_order() -> None:
    channel = Channel()
    channel.submit(start(Cue.GO, T, 1))
    tone = play_next(channel, T)
    assert (tone.request_id, tone.phrase) == (1, False)
    assert channel.take(T) == (None, [])  # one at a time
    channel.finish()
    phrase = play_next(channel, T + 0.4)
    assert phrase.phrase
    channel.finish()
    assert channel.idle


def test_a_pip_stops_a_phrase_that_runs_into_the_countdown() -> None:
    channel = Channel()
    channel.submit(start(Cue.GET_READY, T, 1))
    play_next(channel, T)
    channel.finish()
    play_next(channel, T + 0.4)  # the long get-ready phrase is playing
    assert channel.submit(pip(T + 2.0, 2)) == []
    assert channel.stop_playing  # the worker stops the phrase now
    channel.finish()
    assert play_next(channel, T + 2.0).cue is Cue.PIP


def test_a_waiting_phrase_is_dropped_when_a_pip_comes() -> None:
    channel = Channel()
    channel.submit(pip(T, 1))
    play_next(channel, T)  # a pip is playing: the next phrase waits behind it
    channel.submit(start(Cue.REST, T + 0.5, 2))
    dropped = channel.submit(pip(T + 1.0, 3))
    assert [(i.request_id, i.phrase) for i in dropped] == [(2, True)]
    assert not channel.stop_playing  # tones are never cut
    channel.finish()
    assert play_next(channel, T + 1.0).cue is Cue.REST
    channel.finish()
    assert play_next(channel, T + 1.1).cue is Cue.PIP


def test_a_newer_phase_start_replaces_the_phrase_of_the_one_before() -> None:
    channel = Channel()
    channel.submit(start(Cue.SWITCH, T, 1))
    play_next(channel, T)
    channel.finish()
    play_next(channel, T + 0.4)  # "switch legs" playing
    channel.submit(start(Cue.GO, T + 1.0, 2))
    assert channel.stop_playing
    channel.finish()
    tone = play_next(channel, T + 1.0)
    assert (tone.cue, tone.phrase) == (Cue.GO, False)


def test_cues_due_at_the_same_moment_queue_instead_of_cutting_each_other() -> None:
    channel = Channel()
    channel.submit(start(Cue.GO, T, 1))
    play_next(channel, T)
    channel.finish()
    play_next(channel, T + 0.4)
    assert channel.submit(start(Cue.HALFWAY, T + GRACE_SECONDS / 2, 2)) == []
    assert not channel.stop_playing
    channel.finish()
    assert play_next(channel, T + 1.0).cue is Cue.HALFWAY


def test_a_tone_that_could_only_start_late_is_dropped() -> None:
    channel = Channel()
    channel.submit(pip(T, 1))
    channel.submit(pip(T + 1.0, 2))
    first = play_next(channel, T)
    channel.finish()
    item, late = channel.take(T + 1.0 + LATE_TONE_SECONDS + 0.5)
    assert first.request_id == 1
    assert item is None
    assert [i.request_id for i in late] == [2]


def test_a_phrase_is_due_after_its_own_tone() -> None:
    channel = Channel()
    channel.submit(start(Cue.GO, T, 1, phrase_after=0.5))
    play_next(channel, T)
    channel.finish()
    phrase = play_next(channel, T + 0.5 + LATE_TONE_SECONDS + 0.1)  # within a phrase's limit
    assert phrase.phrase
    assert abs(phrase.late_by(T + 0.6) - 0.1) < 1e-9


def test_closing_drops_everything_waiting() -> None:
    channel = Channel()
    channel.submit(start(Cue.GO, T, 1))
    channel.submit(pip(T + 0.1, 2))
    assert len(channel.clear()) == 3
    assert channel.idle
