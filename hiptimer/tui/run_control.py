"""One run as the app drives it: engine state, the effects carried out, and real-life interrupts.

The controller owns no timer and draws nothing; the run screen asks it what to show and when to
wake. It reads the clocks it was given (never ``time`` directly), steps the engine, plays the cues
it asks for, and queues the results on the store's thread.

Sleep: the monotonic clock stops while the computer is suspended, the boot-time clock does not.
When the boot-time clock has gone more than :data:`SLEEP_JUMP_SECONDS` further than the monotonic
clock since the last reading, the computer slept in between, and the run is paused at that last
reading: the moment it was last known to be awake.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta

from hiptimer.core.continuation import LivePosition, continue_run, position_of, resumed_cue, resumed_text
from hiptimer.core.cues import ClipLengths, CueRequest
from hiptimer.core.engine import Event, RunState, Status, new_run, step
from hiptimer.core.plan import Plan
from hiptimer.core.ports import Clock, CuePlayer, RunStore
from hiptimer.core.results import Effect, PhaseFinished, PlayCue, RunFinished, RunStatus
from hiptimer.tui.store_worker import StoreWorker

__all__ = ["HOLD_CHECK_SECONDS", "SLEEP_JUMP_SECONDS", "RunController", "RunStart"]

HOLD_CHECK_SECONDS = 2.0
"""How often a running run asks the store whether another tab or terminal took it over: at the
first wake this long after the last check (a paused run has no wakes; its heartbeat asks)."""

SLEEP_JUMP_SECONDS = 2.0
"""How far the boot-time clock may run ahead of the monotonic clock before it counts as a sleep."""

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunStart:
    """How a run begins: fresh, resuming an interrupted run at its first unfinished phase, or going
    on by the clock from where a run was (``live``: interrupted moments ago, or taken over)."""

    plan: Plan
    definition_hash: str
    first_index: int = 0
    resume_run_id: int | None = None
    live: LivePosition | None = None


class RunController:
    """Drives one run of a plan.

    Args:
        start: The plan, and where to begin.
        clock: The monotonic clock.
        boottime: A clock that keeps counting while the computer sleeps.
        wall_clock: The current date and time (timezone-aware), for the stored start and end.
        player: Plays cues.
        is_muted: Whether cues are muted right now.
        worker: Queues store calls on the store's thread.
        on_elsewhere: Called (on the event loop) when another app has taken the run over.
    """

    def __init__(
        self,
        start: RunStart,
        *,
        clock: Clock,
        boottime: Clock,
        wall_clock: Callable[[], datetime],
        player: CuePlayer,
        is_muted: Callable[[], bool],
        worker: StoreWorker,
        on_elsewhere: Callable[[], None] | None = None,
    ) -> None:
        self.start_info = start
        # The cues are planned from the lengths of the clips this player plays, when it knows them.
        lengths = getattr(player, "clip_lengths", None)
        self.state: RunState = new_run(
            start.plan,
            first_index=start.first_index,
            lengths=lengths if isinstance(lengths, ClipLengths) else None,
        )
        self.slept = False
        """Whether the current pause was made by a sleep rather than the runner."""
        self.interrupted = False
        self.elsewhere = False
        """Whether another app took the run over: this one no longer drives or saves it."""
        self.resumed: str | None = None
        """What to tell the runner when the run went on by its clock ("Resumed: Rest, 1:20 left")."""
        self._on_elsewhere = on_elsewhere
        self._published: LivePosition | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._clock = clock
        self._boottime = boottime
        self._wall_clock = wall_clock
        self._player = player
        self._is_muted = is_muted
        self._worker = worker
        self._run_id: Future[int] | None = None
        self._wall0 = wall_clock()
        self._mono0 = 0.0
        self._last_mono = 0.0
        self._last_boot = 0.0
        self._last_check = 0.0
        self._offset = max(0.0, float(getattr(player, "offset", 0.0) or 0.0))
        """Seconds to play cues early, for audio outputs with a delay (the player carries it)."""
        self._played_early: set[tuple[float, CueRequest]] = set()

    @property
    def plan(self) -> Plan:
        """The plan being run."""
        return self.state.plan

    def now(self) -> float:
        """The monotonic clock's reading."""
        return self._clock()

    def wall(self, mono: float) -> datetime:
        """The date and time of a monotonic reading, from the offset taken at the start."""
        return self._wall0 + timedelta(seconds=mono - self._mono0)

    def start(self) -> tuple[Effect, ...]:
        """Record the run in the store and start it (the get-ready countdown, if any)."""
        now = self._clock()
        self._mono0 = now
        self._wall0 = self._wall_clock()
        self._last_mono, self._last_boot = now, self._boottime()
        self._last_check = now
        with contextlib.suppress(RuntimeError):
            self._loop = asyncio.get_running_loop()
        info = self.start_info
        if info.resume_run_id is not None:
            self._run_id = self._worker.submit(_reopen(info.resume_run_id))
        else:
            plan, digest, started = self.plan, info.definition_hash, self._wall0
            self._run_id = self._worker.submit(
                lambda store: store.start_run(plan, definition_hash=digest, started=started)
            )
        if info.live is not None:
            return self._go_on(info.live, now)
        return self._step(Event.START, now)

    def _go_on(self, live: LivePosition, now: float) -> tuple[Effect, ...]:
        """Pick the run up where its clock says it is now; say so in words and speech."""
        self.state, effects = continue_run(
            self.plan,
            live,
            now=now,
            wall_now=self._wall0.timestamp(),
            first_index=live.index,
            lengths=self.state.cue_plan.lengths,
        )
        for effect in effects:
            self._carry_out(effect)
        if self.state.running:
            self.resumed = resumed_text(self.state, now)
            self._play(PlayCue(resumed_cue(self.state, now), now))
        self._publish()
        return effects

    def send(self, event: Event) -> tuple[Effect, ...]:
        """Apply ``event`` now and carry out its effects.

        If the computer slept since the last reading, the run is paused at that reading instead
        and ``event`` is dropped (a key pressed on waking should not act on a stale screen).
        """
        if self.elsewhere:
            return ()
        now, boot = self._clock(), self._boottime()
        slept = self._slept_since_last(now, boot)
        last = self._last_mono
        self._last_mono, self._last_boot = now, boot
        if slept:
            effects = self._step(Event.PAUSE, last)
            self.slept = self.state.status is Status.PAUSED
            # The wall clock ran on through the sleep: dates from here on are taken afresh.
            self._mono0, self._wall0 = now, self._wall_clock()
            return effects + self._step(Event.TICK, now)
        return self._step(event, now)

    def tick(self) -> tuple[Effect, ...]:
        """A wake-up: play what is due, end what has ended; now and then, check who drives the run."""
        effects = self.send(Event.TICK)
        if self._last_mono - self._last_check >= HOLD_CHECK_SECONDS:
            self.check_held()
        return effects

    def next_wakeup(self) -> float | None:
        """When the screen should wake next (monotonic), or None to wait for a key.

        With an audio offset, a wake that will play a cue comes that much early, so the cue can
        be started ahead of its moment (see :meth:`_play_ahead`).
        """
        now = self._clock()
        wake = self.state.next_wakeup(now)
        if wake is None or self._offset <= 0:
            return wake
        _, effects = step(self.state, Event.TICK, wake)
        if any(isinstance(e, PlayCue) and _cue_key(e) not in self._played_early for e in effects):
            return max(now, wake - self._offset)
        return wake

    def heartbeat(self) -> None:
        """Tell the store the run is still held by this process (while it is open, paused or not),
        and where it is; find out if another app took it over."""
        self._touch(self.position())

    def check_held(self) -> None:
        """Ask the store whether this app still drives the run (a read; cheap enough to do often)."""
        self._last_check = self._last_mono
        run_id = self._run_id
        if run_id is None or not self.state.running or self.interrupted:
            return
        self._watch(self._worker.submit(lambda store: store.holds_run(run_id.result())))

    def position(self) -> LivePosition | None:
        """Where the run is, on the wall clock (None once it has ended)."""
        return position_of(self.state, lambda mono: self.wall(mono).timestamp())

    def interrupt(self) -> None:
        """End the run as interrupted (terminal closed, app killed): finished phases stay saved.

        Where the run was is saved with it: started again within a few minutes, it goes on by its
        clock; later, a resume starts the phase under way again from the beginning. A sleep of
        the computer since the last reading pauses it first, at that reading, as :meth:`send` does.
        """
        if not self.state.running or self.interrupted or self._run_id is None:
            return
        now, boot = self._clock(), self._boottime()
        if self._slept_since_last(now, boot):
            self.state, _ = step(self.state, Event.PAUSE, self._last_mono)
            self.slept = True
            self._mono0, self._wall0 = now, self._wall_clock()
        self.interrupted = True
        ended = self.wall(now)
        self._queue_end(RunStatus.INTERRUPTED, ended, self.position())

    def _publish(self) -> None:
        """Write where the run is when that changed (a phase began, a pause, a rep)."""
        position = self.position()
        if position is not None and position != self._published:
            self._touch(position)

    def _touch(self, position: LivePosition | None) -> None:
        run_id = self._run_id
        if run_id is None or not self.state.running or self.interrupted:
            return
        self._published = position
        at = self._wall_clock()
        self._watch(self._worker.submit(lambda store: store.touch_run(run_id.result(), at, position)))

    def _watch(self, held: Future[bool]) -> None:
        """When the store says the run is no longer ours, stop driving it (on the event loop)."""

        def done(future: Future[bool]) -> None:
            if future.cancelled() or future.exception() is not None or future.result() is not False:
                return
            loop = self._loop
            if loop is not None:
                with contextlib.suppress(RuntimeError):  # the loop has closed: the app is gone
                    loop.call_soon_threadsafe(self._taken_elsewhere)

        held.add_done_callback(done)

    def _taken_elsewhere(self) -> None:
        if self.elsewhere or not self.state.running:
            return
        self.elsewhere = True
        self.interrupted = True  # nothing more is saved from here: the run is driven elsewhere
        if self._on_elsewhere is not None:
            self._on_elsewhere()

    def _slept_since_last(self, now: float, boot: float) -> bool:
        if not self.state.running:
            return False
        jump = (boot - self._last_boot) - (now - self._last_mono)
        return jump > SLEEP_JUMP_SECONDS and self.state.status is not Status.PAUSED

    def _step(self, event: Event, now: float) -> tuple[Effect, ...]:
        self.state, effects = step(self.state, event, now)
        for effect in effects:
            self._carry_out(effect)
        if self.state.status is not Status.PAUSED:
            self.slept = False
        if self._offset > 0:
            self._play_ahead(now)
        self._publish()
        return effects

    def _play_ahead(self, now: float) -> None:
        """Start the cues due within the audio offset now, so they are heard on their moment.

        The engine is pure, so looking ahead is stepping a copy of the state; the real step later
        emits the same cues, and those already played are not played again.
        """
        self._played_early = {k for k in self._played_early if k[0] > now - 2 * self._offset - 1}
        if self.state.status not in (Status.GET_READY, Status.ACTIVE):
            return
        _, effects = step(self.state, Event.TICK, now + self._offset)
        for effect in effects:
            if isinstance(effect, PlayCue) and effect.at > now:
                key = _cue_key(effect)
                if key not in self._played_early:
                    self._played_early.add(key)
                    self._play(effect)

    def _play(self, effect: PlayCue) -> None:
        if self._is_muted():
            return
        try:
            self._player.play(effect.request)
        except Exception:  # a player must not raise; if one does, the run goes on
            log.exception("cue player failed")

    def _carry_out(self, effect: Effect) -> None:
        if isinstance(effect, PlayCue):
            key = _cue_key(effect)
            if key in self._played_early:
                self._played_early.discard(key)
            else:
                self._play(effect)
        elif isinstance(effect, PhaseFinished):
            self._queue_save(effect)
        elif isinstance(effect, RunFinished):
            self._queue_end(effect.status, self.wall(effect.at))

    def _queue_save(self, effect: PhaseFinished) -> None:
        run_id = self._run_id
        if run_id is None or self.elsewhere:
            return
        result = effect.result
        started, ended = self.wall(result.started_at), self.wall(result.ended_at)
        self._worker.submit(
            lambda store: store.save_phase(run_id.result(), result, started=started, ended=ended)
        )

    def _queue_end(self, status: RunStatus, ended: datetime, live: LivePosition | None = None) -> None:
        run_id = self._run_id
        if run_id is None or self.elsewhere:
            return
        self._worker.submit(lambda store: store.end_run(run_id.result(), status, ended=ended, live=live))


def _cue_key(effect: PlayCue) -> tuple[float, CueRequest]:
    return (round(effect.at, 6), effect.request)


def _reopen(run_id: int) -> Callable[[RunStore], int]:
    def call(store: RunStore) -> int:
        store.reopen_run(run_id)
        return run_id

    return call
