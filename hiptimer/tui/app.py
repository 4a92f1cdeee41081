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
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from functools import partial
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.reactive import var

from hiptimer.plan import compile_plan
from hiptimer.ports import Clock, CuePlayer, ResumePoint, RunStore
from hiptimer.results import RunStatus
from hiptimer.tui.run_control import RunController, RunStart
from hiptimer.tui.screens.confirm import ConfirmScreen
from hiptimer.tui.screens.home import HomeScreen
from hiptimer.tui.screens.run import RunScreen
from hiptimer.tui.sessions import SessionCatalog, SessionEntry, definition_hash, plan_for_today
from hiptimer.tui.store_worker import StoreWorker
from hiptimer.tui.unsaved import UnsavedRuns

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


def _retire(run_id: int, store: RunStore, *, now: datetime) -> None:
    """End an interrupted run as aborted (the runner started fresh), keeping when it stopped."""
    run = store.run(run_id)
    ended = run.ended if run is not None and run.ended is not None else now
    store.end_run(run_id, RunStatus.ABORTED, ended=ended)


NOTICE_SECONDS = 10.0
"""How long a notice that needs reading stays up (history in memory, session files with errors)."""

ROUTINE_NOTICE_SECONDS = 3.0
"""How long a routine notice stays up (which audio output is used)."""

MUTE_NOTICE_SECONDS = 1.5
"""How long "Cues muted" stays up: the top bar of a run says "muted" all the while anyway."""

EXIT_GRACE_SECONDS = 3.0
"""After a signal, how long the app has to shut down and restore the terminal before it is ended."""


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


class HiptimerApp(App[None]):
    """Guided hip routines for runners.

    Args:
        clock: The monotonic clock every timing decision is measured on.
        catalog: The sessions to offer.
        store: Where runs are saved (only ever called from the store thread).
        player: Plays the cues.
        start: A session to start at once (``hiptimer run SESSION``); None opens at home.
        boottime: A clock that keeps counting through a sleep (default: CLOCK_BOOTTIME).
        wall_clock: The current date and time, timezone-aware (default: now in UTC).
        muted: Whether each run starts with its cues muted (the ``start_muted`` setting).
        theme: A Textual theme name, such as "textual-dark".
        notices: One-line messages to show once at start (history in memory, settings unreadable).
        audio_notice: Which audio output plays the cues, shown briefly at start.
        handle_signals: Whether SIGTERM and SIGHUP end a run as interrupted (off in tests).
    """

    CSS_PATH = "app.tcss"
    TITLE = "hiptimer"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    muted: var[bool] = var(False)
    """Whether cues are silenced (the screen still shows everything)."""

    def __init__(
        self,
        *,
        clock: Clock,
        catalog: SessionCatalog,
        store: RunStore,
        player: CuePlayer,
        start: SessionEntry | None = None,
        boottime: Clock | None = None,
        wall_clock: Callable[[], datetime] | None = None,
        muted: bool = False,
        theme: str | None = None,
        notices: Sequence[str] = (),
        audio_notice: str | None = None,
        handle_signals: bool = True,
    ) -> None:
        super().__init__()
        self.clock = clock
        self.catalog = catalog
        self.player = player
        self.boottime = boottime or default_boottime
        self.wall_clock = wall_clock or _utc_now
        self.store_worker = StoreWorker(store, on_error=self._store_failed)
        self.set_reactive(HiptimerApp.muted, muted)
        self.start_muted = muted
        """Whether each run starts muted; ``m`` changes only the run under way."""
        self._start = start
        self._notices = tuple(notices)
        self._audio_notice = audio_notice
        self.unsaved = UnsavedRuns(self, told=self._notices)
        """Runs kept in memory when history cannot be saved: told once, offered for export."""
        self._handle_signals = handle_signals
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

    # -- life cycle --------------------------------------------------------------------------

    def on_mount(self) -> None:
        for notice in self._notices:
            self.notify(notice, timeout=NOTICE_SECONDS)
        if self._audio_notice:
            self.notify(self._audio_notice, timeout=ROUTINE_NOTICE_SECONDS)
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

    def on_unmount(self) -> None:
        self._remove_signal_handlers()
        run = self.run_screen
        if run is not None:
            run.controller.interrupt()
        self.store_worker.close()
        with contextlib.suppress(Exception):
            self.player.close()

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
        return next((s for s in self.screen_stack if isinstance(s, RunScreen)), None)

    def start_session(self, entry: SessionEntry) -> None:
        """Start a run of ``entry`` with today's targets (offering to resume an interrupted one)."""
        if self.run_screen is None:
            self.run_worker(self._start_session(entry), group="start", exclusive=True)

    async def _start_session(self, entry: SessionEntry) -> None:
        def prepare(store: RunStore) -> tuple[RunStart, ResumePoint | None]:
            plan = plan_for_today(entry.session, store)
            return RunStart(plan, definition_hash(entry.session)), store.resume_point(entry.id)

        fresh, point = await self.store_worker.call(prepare)
        offer = point is not None and point.run_id not in self._resume_offered
        if offer and point is not None and await self.ask_resume(point, entry):
            return
        self._begin(fresh)

    async def ask_resume(self, point: ResumePoint, entry: SessionEntry) -> bool:
        """Offer to resume an interrupted run; start it if the runner says yes.

        Must run in a worker (it waits for the dialog). Each run is offered once per app session.
        Starting fresh retires the interrupted run: it ends as aborted, its finished steps kept in
        the history, and is never offered again.

        Returns:
            Whether the run was resumed.
        """
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

    async def offer_resume(self) -> None:
        """At home: offer the latest interrupted run of any session, once (run it in a worker)."""
        point = await self.store_worker.call(lambda store: store.resume_point())
        if point is None or point.run_id in self._resume_offered or self.run_screen is not None:
            return
        entry = self.catalog.get(point.session_id)
        if entry is not None:
            await self.ask_resume(point, entry)

    def _begin(self, start: RunStart) -> None:
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
        )
        self.push_screen(RunScreen(controller))

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
