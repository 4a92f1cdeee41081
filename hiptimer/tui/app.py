"""The hiptimer app: a home screen of sessions, the run screen, and the summary after a run.

Everything the app touches outside itself is handed in (the clock, the session catalog, the run
store, the cue player), so tests run it with a fake clock and an in-memory store. Only
:mod:`hiptimer.tui.launch` builds the real ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.notifications import Notification, Notify

from hiptimer.core.plan import compile_plan
from hiptimer.core.ports import Clock, RunStore
from hiptimer.tui.parts import AppParts
from hiptimer.tui.screens.home import HomeScreen
from hiptimer.tui.sessions import SessionCatalog, SessionEntry, definition_hash, plan_for_today
from hiptimer.tui.store_worker import StoreWorker

# What only a run or a dialog needs (the run screen, its controller and the engine behind it,
# the yes/no dialog) loads when first used, after the home screen is up.
if TYPE_CHECKING:
    from hiptimer.core.cues import CuePlayer  # the cue vocabulary: loaded with the run screen
    from hiptimer.core.ports import ResumePoint
    from hiptimer.tui.run_control import RunStart
    from hiptimer.tui.screens.run import RunScreen
    from hiptimer.tui.unsaved import UnsavedRuns

_RUN_SCREEN_MODULE = "hiptimer.tui.screens.run"

__all__ = ["HiptimerApp", "default_boottime"]

_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""Signals that end a run as interrupted: a kill, or the terminal closing."""


def default_boottime() -> float:
    """Seconds on a clock that keeps counting while the computer sleeps.

    CLOCK_BOOTTIME where the system has it (Linux); elsewhere the wall clock, which also runs on
    through a sleep (but jumps when it is set).
    """
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        return time.clock_gettime(boottime)
    return time.time()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _fresh_start(entry: SessionEntry, store: RunStore) -> RunStart:
    """A new run of ``entry`` at today's targets (call it on the store thread)."""
    from hiptimer.tui.run_control import RunStart  # late: see the imports above

    return RunStart(plan_for_today(entry.session, store), definition_hash(entry.session))


def _retire(run_id: int, store: RunStore, *, now: datetime) -> None:
    """End an interrupted run as aborted (the runner started fresh), keeping when it stopped."""
    from hiptimer.core.results import RunStatus  # late: see the imports above

    run = store.run(run_id)
    ended = run.ended if run is not None and run.ended is not None else now
    store.end_run(run_id, RunStatus.ABORTED, ended=ended)


def _take_over(run_id: int, store: RunStore, *, at: datetime) -> ResumePoint | None:
    return store.take_over(run_id, at)


NOTICE_SECONDS = 10.0
"""How long a notice that needs reading stays up (history in memory, session files with errors)."""

ROUTINE_NOTICE_SECONDS = 3.0
"""How long a routine notice stays up (which audio output is used)."""

UNTIL_DISMISSED = 24 * 3600.0
"""The timeout of a notice that stays until the app takes it down."""

MUTE_NOTICE_SECONDS = 1.5
"""How long "Cues muted" stays up: the top bar of a run says "muted" all the while anyway."""

SETTLE_SECONDS = 0.1
"""How long after the first frame the history's page check and the cue player's start begin
(unless a run waits for them): the frame is written to the terminal meanwhile."""

EXIT_GRACE_SECONDS = 3.0
"""After a signal, how long the app has to shut down and restore the terminal before it is ended."""


def _is_routine(audio_notice: str) -> bool:
    """Whether the audio notice only names the output ("audio: simpleaudio", "audio: off"), as
    opposed to saying why the cues fall back and the way out ("audio: terminal bell (...)")."""
    return not any(mark in audio_notice for mark in "(,;")


def _end_process_if_stuck(saved: Future[None], code: int) -> None:
    """The last resort after a signal, on a thread of its own.

    When a terminal closes, the kernel sends SIGHUP and then SIGCONT; Textual takes the SIGCONT as
    a return from the background, restarts its output on the dead terminal, and its output thread
    dies, so a later write blocks the app for good. Once the store has the run, the app gets a few
    seconds to exit normally; if it has not, the process ends here, with the same exit code.
    """
    with contextlib.suppress(Exception):
        saved.result(timeout=10)
    time.sleep(EXIT_GRACE_SECONDS)
    os._exit(code)


class _NoPlayerYet:
    """Stands in for the cue player until it is built; no run is given it (runs wait for it)."""

    name = "off"
    offset = 0.0

    def play(self, request: object) -> None:
        """Nothing: no run plays before the player is built."""

    def close(self) -> None:
        """Nothing to let go of."""


class HiptimerApp(AppParts):
    """Guided hip routines for runners.

    Args:
        clock: The monotonic clock every timing decision is measured on.
        catalog: The sessions to offer.
        store: Where runs are saved (only ever called from the store thread).
        player: Plays the cues (None: the one ``audio`` builds).
        start: A session to start at once (``hiptimer run SESSION``); None opens at home.
        boottime: A clock that keeps counting through a sleep (default: CLOCK_BOOTTIME).
        wall_clock: The current date and time, timezone-aware (default: now in UTC).
        muted: Whether each run starts with its cues muted (the ``start_muted`` setting).
        theme: A Textual theme name, such as "textual-dark".
        notices: One-line messages to show once at start (history in memory, settings unreadable).
        audio_notice: Which audio output plays the cues, shown at start: briefly when it is the
            one asked for; when it falls back (the notice says why, in brackets), until the
            get-ready countdown ends or a key is pressed.
        handle_signals: Whether SIGTERM and SIGHUP end a run as interrupted (off in tests).
        served: Whether the app is shown in a browser by ``hiptimer serve`` (most likely on a
            touch screen): the words speak of tapping buttons rather than pressing keys, and
            lists have rows tall enough for a finger.
        continue_minutes: A run interrupted less than this many minutes ago goes on by its clock
            at the next start, without a question (0: always ask; None: the default, 5).
        audio: Builds the cue player and says which output it uses, for an app given no
            ``player``: called on a thread of its own once the first frame is on the screen (it
            may take a few tenths of a second, finding a device); a run waits for it.
        history_check: Checks the history file (on the store thread) once the first frame is on
            the screen, before anything is written to it, and says what to tell the user (a
            damaged file was moved aside) or None; see :meth:`check_history`.
        settled: Called once the first frame is on the screen, when the page check and the
            cue player's start begin (the launcher turns the garbage collector back on).
    """

    CSS_PATH = "app.tcss"
    TITLE = "hiptimer"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        *,
        clock: Clock,
        catalog: SessionCatalog,
        store: RunStore,
        player: CuePlayer | None = None,
        start: SessionEntry | None = None,
        boottime: Clock | None = None,
        wall_clock: Callable[[], datetime] | None = None,
        muted: bool = False,
        theme: str | None = None,
        notices: Sequence[str] = (),
        audio_notice: str | None = None,
        handle_signals: bool = True,
        served: bool = False,
        continue_minutes: float | None = None,
        history_check: Callable[[RunStore], str | None] | None = None,
        audio: Callable[[], tuple[CuePlayer, str]] | None = None,
        settled: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.continue_minutes = continue_minutes
        self.clock = clock
        self.catalog = catalog
        if player is None and audio is None:
            raise ValueError("the app needs a cue player, or a way to build one (audio)")
        self.player: CuePlayer = player if player is not None else _NoPlayerYet()
        """Plays the cues (until ``audio`` has built it, a stand-in no run is given)."""
        self._audio = audio if player is None else None
        self._audio_built: Future[tuple[CuePlayer, str]] | None = None
        self._audio_arrived = asyncio.Event()
        self.boottime = boottime or default_boottime
        self.wall_clock = wall_clock or _utc_now
        self.store_worker = StoreWorker(store, on_error=self._store_failed)
        self.set_reactive(HiptimerApp.muted, muted)
        self.start_muted = muted
        """Whether each run starts muted; ``m`` changes only the run under way."""
        self._start = start
        self._notices = tuple(notices)
        self._audio_notice = audio_notice
        self._audio_toast: Notification | None = None
        self._unsaved: UnsavedRuns | None = None
        self._handle_signals = handle_signals
        self._history_check = history_check
        self._settled = settled
        self._history_checked: asyncio.Task[bool] | None = None
        self._hurry = asyncio.Event()
        self.served = served
        """Whether the app is shown in a browser (``hiptimer serve``), likely on a touch screen."""
        self._signalled = False
        self._store_error_shown = False
        self._resume_offered: set[int] = set()
        self.last_session_id: str | None = start.id if start is not None else None
        """The session run last, which the home screen highlights."""
        if theme is not None:
            self.theme = theme

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, except on a Linux terminal: there one whose input thread sleeps
        until a key comes (see :mod:`hiptimer.tui.driver`)."""
        driver = super().get_driver_class()
        if driver.__name__ == "LinuxDriver" and driver.__module__ == "textual.drivers.linux_driver":
            from hiptimer.tui.driver import QuietLinuxDriver

            return QuietLinuxDriver
        return driver

    @property
    def unsaved(self) -> UnsavedRuns:
        """Runs kept in memory when history cannot be saved: told once, offered for export."""
        if self._unsaved is None:
            from hiptimer.tui.unsaved import UnsavedRuns  # late: first asked for after the first frame

            self._unsaved = UnsavedRuns(self, told=self._notices)
        return self._unsaved

    # -- life cycle --------------------------------------------------------------------------

    def on_mount(self) -> None:
        for notice in self._notices:
            self.notify(notice, timeout=NOTICE_SECONDS)
        self._show_audio_notice(self._audio_notice)
        bad = len({getattr(error, "path", error) for error in self.catalog.errors})
        if bad:
            files = "A session file has" if bad == 1 else f"{bad} session files have"
            self.notify(
                f"{files} errors: `hiptimer check` shows where.", severity="warning", timeout=NOTICE_SECONDS
            )
        if self._handle_signals:
            self._install_signal_handlers()
        self.push_screen(HomeScreen(offer_resume=self._start is None))
        if self._start is not None:
            self.start_session(self._start)

    def _show_audio_notice(self, notice: str | None) -> None:
        if notice and _is_routine(notice):
            self.notify(notice, timeout=ROUTINE_NOTICE_SECONDS, markup=False)
        elif notice:
            # Kept by hand (Textual's notify gives no handle): taken down by end_audio_notice.
            self._audio_toast = Notification(notice, timeout=UNTIL_DISMISSED, markup=False)
            self.post_message(Notify(self._audio_toast))

    def _start_audio(self) -> None:
        """Build the cue player on a thread of its own (once), if the app was given none."""
        make = self._audio
        if make is None or self._audio_built is not None:
            return
        built: Future[tuple[CuePlayer, str]] = Future()
        self._audio_built = built
        loop = asyncio.get_running_loop()

        def build() -> None:
            try:
                built.set_result(make())
            except BaseException as exc:  # handed to the run that waits for the player
                built.set_exception(exc)
            with contextlib.suppress(RuntimeError):  # the app has ended meanwhile
                loop.call_soon_threadsafe(self._audio_built_now, built)

        threading.Thread(target=build, name="hiptimer-start-audio", daemon=True).start()

    def _audio_built_now(self, built: Future[tuple[CuePlayer, str]]) -> None:
        if built.exception() is None:
            self.player, notice = built.result()
            self._show_audio_notice(notice)
        self._audio_arrived.set()

    async def audio_ready(self) -> None:
        """Wait until the cue player is built (starting it now if the first frame has not)."""
        self._start_audio()
        built = self._audio_built
        if built is None:
            return
        await self._audio_arrived.wait()
        built.result()  # a failure to build it reaches the run that needs it

    async def check_history(self, *, now: bool = False) -> bool:
        """Check the history file once, after the first frame; wait for that check.

        The check, and building the cue player, start :data:`SETTLE_SECONDS` after the first
        frame, or at once when a run is waiting for them (``now``).

        Everything that writes to the history (a run, a resume) waits for it first, so a damaged
        file is moved aside before anything is written to it, as when it was checked at opening.

        Returns:
            Whether the user was told something about the file (it was moved aside): what shows
            the history should read it again.
        """
        if now:
            self._hurry.set()
        if self._history_checked is None:
            self._history_checked = asyncio.get_running_loop().create_task(self._check_history_once())
        return await asyncio.shield(self._history_checked)

    async def _check_history_once(self) -> bool:
        check = self._history_check
        painted = asyncio.Event()
        self.call_after_refresh(painted.set)
        await painted.wait()
        # The frame is queued, not yet written (Textual writes on a thread of its own): a moment's
        # wait keeps this work from competing with it for the interpreter.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._hurry.wait(), timeout=SETTLE_SECONDS)
        if self._settled is not None:
            self._settled()
            self._settled = None
        self._start_audio()  # the first frame is up: the cue player's start no longer delays it
        if check is None:
            return False
        notice = await self.store_worker.call(check)
        if notice is None or notice in self._notices:
            return False
        self.unsaved.told(notice)
        self.notify(notice, timeout=NOTICE_SECONDS)
        return True

    async def on_event(self, event: events.Event) -> None:
        # Any key or click takes the start-up audio notice down: it has been seen.
        if self._audio_toast is not None and isinstance(event, (events.Key, events.MouseDown)):
            self.end_audio_notice()
        await super().on_event(event)

    def end_audio_notice(self) -> None:
        """Take down the start-up notice that says why the cues fall back (the run screen calls
        this when the get-ready countdown ends)."""
        toast, self._audio_toast = self._audio_toast, None
        if toast is not None and toast in self._notifications:
            self._unnotify(toast)

    def on_unmount(self) -> None:
        self._remove_signal_handlers()
        run = self.run_screen
        if run is not None:
            run.controller.interrupt()
        self.store_worker.close()
        with contextlib.suppress(Exception):
            self.player.close()
        if self._audio_built is not None:
            with contextlib.suppress(Exception):  # built after all, or still being built
                late, _ = self._audio_built.result(timeout=EXIT_GRACE_SECONDS)
                if late is not self.player:
                    late.close()

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in _SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self._on_signal, sig)

    def _remove_signal_handlers(self) -> None:
        if not self._handle_signals:
            return
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_running_loop()
            for sig in _SIGNALS:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.remove_signal_handler(sig)

    def _on_signal(self, signum: int) -> None:
        if self._signalled:
            return
        self._signalled = True
        saved = self.end_on_signal(signum)
        threading.Thread(
            target=_end_process_if_stuck, args=(saved, 128 + signum), daemon=True, name="hiptimer-exit"
        ).start()

    def end_on_signal(self, signum: int) -> Future[None]:
        """A kill or a closed terminal: end any run as interrupted, and exit quietly.

        The exit code is 128 + the signal number, as a shell reports a process ended by it.

        Returns:
            Done once the store has everything queued before it (the run's end among it).
        """
        run = self.run_screen
        if run is not None:
            run.controller.interrupt()
        try:
            saved = self.store_worker.submit(lambda store: None)
        except RuntimeError:  # the store thread has already finished: nothing left to save
            saved = Future()
            saved.set_result(None)
        self.exit(return_code=128 + signum)
        return saved

    async def interrupt_run(self) -> None:
        """End the run under way (if any) as interrupted, and wait until the store has it."""
        run = self.run_screen
        if run is not None:
            run.controller.interrupt()
        await self.store_worker.drain()

    async def action_quit(self) -> None:
        """Quit; a run under way is kept as interrupted, to resume next time.

        Runs that history could not save (kept in memory) are offered for export first.
        """
        await self.interrupt_run()
        if await self.unsaved.ask_before_quit():
            return  # the answer quits, or not
        self.exit(return_code=0)

    # -- runs --------------------------------------------------------------------------------

    @property
    def run_screen(self) -> RunScreen | None:
        """The run screen, if a run is on the screen stack."""
        if _RUN_SCREEN_MODULE not in sys.modules:
            return None  # no run screen was ever made: its module is loaded by the first run
        from hiptimer.tui.screens.run import RunScreen

        return next((s for s in self.screen_stack if isinstance(s, RunScreen)), None)

    def start_session(self, entry: SessionEntry) -> None:
        """Start a run of ``entry`` with today's targets (offering to resume an interrupted one)."""
        if self.run_screen is None:
            self.run_worker(self._start_session(entry), group="start", exclusive=True)

    async def _start_session(self, entry: SessionEntry) -> None:
        await self.check_history(now=True)
        await self.audio_ready()

        def prepare(store: RunStore) -> tuple[RunStart, ResumePoint | None, ResumePoint | None]:
            return _fresh_start(entry, store), store.resume_point(entry.id), store.running_elsewhere(entry.id)

        fresh, point, live = await self.store_worker.call(prepare)
        if live is not None:
            await self.ask_take_over(live, entry)
            return  # taken over here, or back home: never a second live run of one session
        if point is not None and self.go_on_by_clock(point, entry):
            return
        offer = point is not None and point.run_id not in self._resume_offered
        if offer and point is not None:
            if self._changed_since(point, entry):
                if not await self._offer_fresh_start(point, entry):
                    return
            elif await self.ask_resume(point, entry):
                return
        self._begin(fresh)

    def go_on_by_clock(self, point: ResumePoint, entry: SessionEntry) -> bool:
        """Continue a run interrupted moments ago where its clock says it is now, with no question.

        Returns:
            Whether it did (the interruption was recent and where the run was is known).
        """
        from hiptimer.core.continuation import (  # late: see the imports above
            DEFAULT_CONTINUE_MINUTES,
            is_recent,
        )
        from hiptimer.tui.run_control import RunStart

        live, stopped = point.live, point.interrupted
        if live is None or stopped is None or point.run_id in self._resume_offered:
            return False
        if self._changed_since(point, entry):
            return False  # its steps no longer match the file's: offered a fresh start instead
        minutes = DEFAULT_CONTINUE_MINUTES if self.continue_minutes is None else self.continue_minutes
        if not is_recent(stopped.timestamp(), self.wall_clock().timestamp(), minutes):
            return False
        plan = compile_plan(entry.session, point.targets)
        if live.index >= len(plan.phases):
            return False
        self._resume_offered.add(point.run_id)
        digest = definition_hash(entry.session)
        self._begin(RunStart(plan, digest, first_index=live.index, resume_run_id=point.run_id, live=live))
        return True

    async def ask_take_over(self, live: ResumePoint, entry: SessionEntry) -> bool:
        """The session's run is live in another tab or terminal: take it over here, or go home.

        Must run in a worker (it waits for the dialog).

        Returns:
            Whether the run was taken over.
        """
        from hiptimer.core.continuation import continue_run, where_text  # late: see the imports above
        from hiptimer.tui.run_control import RunStart
        from hiptimer.tui.screens.confirm import ConfirmScreen

        plan = compile_plan(entry.session, live.targets)
        where = ""
        if live.live is not None and live.live.index < len(plan.phases):
            now = self.clock()
            state, _ = continue_run(plan, live.live, now=now, wall_now=self.wall_clock().timestamp())
            if state.running:
                paused = " (paused)" if state.paused_at is not None else ""
                where = f" It is at: {where_text(state, now)}{paused}."
        answer = await self.push_screen_wait(
            ConfirmScreen(
                f"{entry.session.name} is running elsewhere",
                f"This run is open in another browser tab or terminal.{where} Take it over here (the "
                "other one stops), or go back home.",
                yes="Take it over here",
                no="Back home",
            )
        )
        if not answer or self.run_screen is not None:
            return False
        taken = await self.store_worker.call(partial(_take_over, live.run_id, at=self.wall_clock()))
        if taken is None:
            self.notify(f"That run of {entry.session.name} has just ended.", timeout=ROUTINE_NOTICE_SECONDS)
            return False
        self._resume_offered.add(taken.run_id)
        plan = compile_plan(entry.session, taken.targets)
        position = taken.live if taken.live is not None and taken.live.index < len(plan.phases) else None
        first = position.index if position is not None else taken.next_index
        digest = definition_hash(entry.session)
        self._begin(RunStart(plan, digest, first_index=first, resume_run_id=taken.run_id, live=position))
        return True

    async def ask_resume(self, point: ResumePoint, entry: SessionEntry) -> bool:
        """Offer to resume an interrupted run; start it if the runner says yes.

        Must run in a worker (it waits for the dialog). Each run is offered once per app session.
        Starting fresh retires the interrupted run: it ends as aborted, its finished steps kept in
        the history, and is never offered again.

        Returns:
            Whether the run was resumed.
        """
        from hiptimer.tui.run_control import RunStart  # late: see the imports above
        from hiptimer.tui.screens.confirm import ConfirmScreen

        self._resume_offered.add(point.run_id)
        started = point.started.astimezone().strftime("%a %d %b %H:%M")
        question = f"Resume {entry.session.name}?"
        skipped = f", {point.phases_skipped} skipped" if point.phases_skipped else ""
        detail = (
            f"Interrupted run from {started}: {point.phases_done} of {point.phase_count} steps done"
            f"{skipped}. Resume at step {point.next_index + 1}, or start fresh."
        )
        answer = await self.push_screen_wait(ConfirmScreen(question, detail, yes="Resume", no="Start fresh"))
        if not answer:
            await self.store_worker.call(partial(_retire, point.run_id, now=self.wall_clock()))
            return False
        plan = compile_plan(entry.session, point.targets)
        self._begin(
            RunStart(
                plan, definition_hash(entry.session), first_index=point.next_index, resume_run_id=point.run_id
            )
        )
        return True

    @staticmethod
    def _changed_since(point: ResumePoint, entry: SessionEntry) -> bool:
        """Whether the session's file changed since the interrupted run was planned from it."""
        return point.definition_hash != definition_hash(entry.session)

    async def _offer_fresh_start(self, point: ResumePoint, entry: SessionEntry) -> bool:
        """Say that an interrupted run cannot be resumed because its session changed; offer a
        fresh start only. The old run stays in the history as interrupted (its saved steps no
        longer match the file's, so carrying on would mix two plans).

        Must run in a worker (it waits for the dialog). Returns whether to start fresh.
        """
        from hiptimer.tui.screens.confirm import ConfirmScreen  # late: see the imports above

        self._resume_offered.add(point.run_id)
        started = point.started.astimezone().strftime("%a %d %b %H:%M")
        detail = (
            f"The run from {started} was interrupted after {point.phases_done} of {point.phase_count} "
            "steps, but the session's file has changed since, so it cannot be resumed. "
            "It stays in your history as interrupted."
        )
        fresh = await self.push_screen_wait(
            ConfirmScreen(f"{entry.session.name} has changed", detail, yes="Start fresh", no="Not now")
        )
        return fresh

    async def offer_resume(self) -> None:
        """At home: offer the latest interrupted run of any session, once (run it in a worker)."""
        await self.check_history()
        await self.audio_ready()
        point = await self.store_worker.call(lambda store: store.resume_point())
        if point is None or point.run_id in self._resume_offered or self.run_screen is not None:
            return
        entry = self.catalog.get(point.session_id)
        if entry is None:
            return
        if self._changed_since(point, entry):
            if await self._offer_fresh_start(point, entry) and self.run_screen is None:
                self._begin(await self.store_worker.call(lambda store: _fresh_start(entry, store)))
        elif not self.go_on_by_clock(point, entry):
            await self.ask_resume(point, entry)

    def _begin(self, start: RunStart) -> None:
        from hiptimer.tui.run_control import RunController
        from hiptimer.tui.screens.run import RunScreen

        if self.run_screen is not None:
            return
        self.last_session_id = start.plan.session_id
        self.muted = self.start_muted  # a mute lasts for the run it was pressed in
        if self.muted:
            self.notify(
                "Sound is off: runs start muted (start_muted in settings.toml). Press m for sound.",
                timeout=NOTICE_SECONDS,
            )
        controller = RunController(
            start,
            clock=self.clock,
            boottime=self.boottime,
            wall_clock=self.wall_clock,
            player=self.player,
            is_muted=lambda: self.muted,
            worker=self.store_worker,
            on_elsewhere=self._continued_elsewhere,
        )
        self.push_screen(RunScreen(controller))

    def _continued_elsewhere(self) -> None:
        """Another tab or terminal took the run over: stop showing it, and say so."""
        run = self.run_screen
        if run is None:
            return
        run.stop_driving()
        while self.screen is not run and len(self.screen_stack) > 1:
            self.pop_screen()  # a dialog over the run went with it
        if self.screen is run:
            self.pop_screen()
        self.notify(
            f"{run.controller.plan.session_name} continued elsewhere: another tab or terminal took "
            "this run over, and this one stopped. Start the session here to take it back.",
            severity="warning",
            timeout=NOTICE_SECONDS,
        )

    # -- settings and errors -----------------------------------------------------------------

    def toggle_mute(self) -> None:
        """Mute or unmute the cues of the run under way (the next run starts as the settings say)."""
        self.muted = not self.muted
        self.notify("Cues muted" if self.muted else "Cues on", timeout=MUTE_NOTICE_SECONDS)

    def _store_failed(self, error: BaseException) -> None:
        if self._store_error_shown:
            return
        self._store_error_shown = True
        self.notify(
            f"History could not be saved: {error}. The run goes on.",
            severity="error",
            timeout=15,
        )
