"""The playback channel: which sound plays next, and what gives way.

All cues share one channel, so sounds never pile up on top of each other. A cue request becomes one
or two *items*: its tone (or the session's custom sound), then, when the voice is on, its phrase.
The rules, in the runner's interest (the 3-2-1 must be on time; words about a phase that is over
are noise):

1. **One at a time, in order.** Items play one after another in the order they arrived.
2. **Newer speech and pips win.** When a request arrives that carries a phrase, or a pip, any phrase
   from a request more than :data:`GRACE_SECONDS` older is dropped if it is still waiting, and
   stopped if it is playing. Requests within the grace window of each other (say a phase start and
   a cue due at the same moment) are one moment and simply queue.
3. **Late is wrong.** An item that could only start more than :data:`LATE_TONE_SECONDS` (tones) or
   :data:`LATE_PHRASE_SECONDS` (phrases) after it was due is dropped instead of played.
4. **Tones are never cut.** A playing tone always ends (tones are well under a second).

The cues themselves are planned so that none starts while another plays
(:mod:`hiptimer.core.cue_timeline`, from the clips' lengths); these rules are the safety net for what
no plan knows: a runner pressing *done* while a phrase is still being said, a phrase from a speech
engine longer than its estimate. Then the phrase stops at the next pip or phrase, and the pips
sound clean and on time.

Pure: no threads, no clock (times are arguments), no audio. The worker drives it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from hiptimer.core.cues import Cue

__all__ = ["GRACE_SECONDS", "LATE_PHRASE_SECONDS", "LATE_TONE_SECONDS", "Channel", "Item"]

GRACE_SECONDS = 0.3
"""Requests this close together are one moment: none of them supersedes another."""
LATE_TONE_SECONDS = 1.0
"""A tone this late is dropped: a pip a second late would be misleading."""
LATE_PHRASE_SECONDS = 4.0
"""A phrase this late is dropped."""


@dataclass(eq=False)
class Item:
    """One sound of one request, waiting for the channel.

    Attributes:
        request_id: The request it belongs to.
        index: The item's place in its request (0: the tone, 1: the phrase).
        cue: The request's cue.
        due: When the request was made (monotonic seconds, the caller's clock).
        phrase: True for speech, False for a tone or custom sound.
        after: Seconds the request's earlier items take: the item is due that much later.
        sound: What to play (the worker's business: a clip or a speech command).
    """

    request_id: int
    cue: Cue
    due: float
    index: int = 0
    phrase: bool = False
    after: float = 0.0
    sound: object = field(default=None, repr=False)

    def late_by(self, now: float) -> float:
        """Seconds past the moment this item should have started."""
        return now - (self.due + self.after)


class Channel:
    """The queue and the rules above.

    Args:
        grace: See :data:`GRACE_SECONDS`.
        late_tone: See :data:`LATE_TONE_SECONDS`.
        late_phrase: See :data:`LATE_PHRASE_SECONDS`.
    """

    def __init__(
        self,
        grace: float = GRACE_SECONDS,
        late_tone: float = LATE_TONE_SECONDS,
        late_phrase: float = LATE_PHRASE_SECONDS,
    ) -> None:
        self.grace = grace
        self.late_tone = late_tone
        self.late_phrase = late_phrase
        self.waiting: deque[Item] = deque()
        self.playing: Item | None = None
        self.stop_playing = False
        """Set when the playing item must stop now (rule 2); the worker obeys and calls finish()."""

    def submit(self, items: Sequence[Item]) -> list[Item]:
        """Queue one request's items (rule 1), applying rule 2.

        Returns:
            The waiting items dropped to make way.
        """
        if not items:
            return []
        newest = items[0].due
        supersedes = items[0].cue is Cue.PIP or any(i.phrase for i in items)
        dropped: list[Item] = []
        if supersedes:
            stale = [i for i in self.waiting if i.phrase and newest - i.due > self.grace]
            if stale:
                dropped = stale
                self.waiting = deque(i for i in self.waiting if i not in stale)
            playing = self.playing
            if playing is not None and playing.phrase and newest - playing.due > self.grace:
                self.stop_playing = True
        self.waiting.extend(items)
        return dropped

    def take(self, now: float) -> tuple[Item | None, list[Item]]:
        """The next item to play now, if the channel is free (rule 3 drops the late ones).

        Returns:
            The item (now marked playing) or None, and the items dropped as too late.
        """
        late: list[Item] = []
        if self.playing is not None:
            return None, late
        while self.waiting:
            item = self.waiting.popleft()
            limit = self.late_phrase if item.phrase else self.late_tone
            if item.late_by(now) > limit:
                late.append(item)
                continue
            self.playing = item
            self.stop_playing = False
            return item, late
        return None, late

    def finish(self) -> Item | None:
        """The playing item has ended (or was stopped): free the channel.

        Returns:
            The item that was playing.
        """
        item, self.playing, self.stop_playing = self.playing, None, False
        return item

    def clear(self) -> list[Item]:
        """Drop everything waiting (closing down)."""
        dropped = list(self.waiting)
        self.waiting.clear()
        return dropped

    @property
    def idle(self) -> bool:
        """Nothing playing and nothing waiting."""
        return self.playing is None and not self.waiting
