"""Every call to the run store goes through one background thread.

SQLite writes can take milliseconds (synchronous=FULL waits for the disk), so they never run on the
event loop. One thread means the calls run in the order they were made (a phase is saved after its
run was started, the run ends after its last phase) and that the store is only ever used from that
thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from hiptimer.core.ports import RunStore

__all__ = ["StoreWorker"]

T = TypeVar("T")

log = logging.getLogger(__name__)


class StoreWorker:
    """Runs store calls in order on a single background thread.

    Args:
        store: The run store; only this worker's thread touches it.
        on_error: Called on the event loop's thread with each failed write (fire-and-forget
            calls only; awaited calls raise to their caller instead).
    """

    def __init__(self, store: RunStore, on_error: Callable[[BaseException], None] | None = None) -> None:
        self.store = store
        self.on_error = on_error
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hiptimer-store")
        self._closed = False

    def submit(self, call: Callable[[RunStore], T]) -> Future[T]:
        """Queue ``call(store)``; do not wait for it. A failure is passed to ``on_error``."""
        future = self._executor.submit(call, self.store)
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        future.add_done_callback(lambda done: self._check(done, loop))
        return future

    def queue(self, call: Callable[[RunStore], T]) -> Future[T]:
        """Queue ``call(store)`` and hand back its future: the caller waits for it (or not) and
        deals with its failure (``on_error`` is not told)."""
        return self._executor.submit(call, self.store)

    async def call(self, call: Callable[[RunStore], T]) -> T:
        """Run ``call(store)`` after everything queued before it, and return its result."""
        return await asyncio.wrap_future(self._executor.submit(call, self.store))

    async def drain(self) -> None:
        """Wait until everything queued so far is done."""
        await self.call(lambda store: None)

    def close(self) -> None:
        """Finish the queued calls, then stop the thread (blocks; for shutdown)."""
        if not self._closed:
            self._closed = True
            self._executor.shutdown(wait=True)

    def _check(self, done: Future[T], loop: asyncio.AbstractEventLoop | None) -> None:
        error = done.exception()
        if error is None:
            return
        log.error("history store call failed: %s", error)
        handler = self.on_error
        if handler is None or loop is None:
            return
        # A closed loop means the app is gone: nobody left to tell.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(handler, error)
