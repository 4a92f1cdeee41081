"""The cue player that plays sound: through a worker process it restarts if the process dies.

A crash in the audio library's C code (simpleaudio 1.0.4 segfaults on Python 3.12+) kills only the
worker (:mod:`hiptimer.audio.worker`); the next cue finds it gone, a new one starts, and the cues
that never started are sent again while they are fresh. The players that need no worker (silent,
recording, terminal bell) are in :mod:`hiptimer.audio.simple`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from hiptimer.core.cues import ClipLengths, CueRequest

__all__ = ["WorkerPlayer"]

READY_TIMEOUT = 10.0
"""Seconds the worker may take to start and find a device."""
MAX_RESTARTS = 5
"""Restarts allowed within :data:`RESTART_WINDOW`; a worker that keeps dying is given up on."""
RESTART_WINDOW = 60.0
RESEND_WITHIN = 1.0
"""After a restart, requests that never started and are younger than this are sent again."""


@dataclass(eq=False)
class _Pending:
    """A request the worker has not finished with."""

    due: float
    request: CueRequest
    voice: bool
    sent_to: int = 0
    """The worker generation it was written to (0: not yet written)."""
    started: bool = False
    """Whether the worker reported a sound of it started."""


class WorkerPlayer:
    """Plays cues in a child process, restarting it if it dies.

    ``play`` stamps the request with ``time.monotonic()`` and hands it to a feeder thread, which
    writes it to the worker's stdin; the worker applies the channel rules
    (:mod:`hiptimer.audio.channel`) and plays. The worker reports each sound's start, with its
    latency from the ``play`` call, and each request's end; :attr:`events` keeps the recent reports.

    Args:
        backend: "auto", "simpleaudio" or "command".
        sounds_dir: The built-in sounds folder.
        user_sounds_dir: The user's sounds folder, searched first.
        commands: Player commands to try, in order.
        voice: Speak phrases (else tones only).
        offset: Seconds the app plays cues early; carried for the app.
        python: The interpreter that runs the worker.
    """

    def __init__(
        self,
        backend: str = "auto",
        *,
        sounds_dir: Path,
        user_sounds_dir: Path | None = None,
        commands: list[str] | None = None,
        voice: bool = True,
        offset: float = 0.0,
        python: str = sys.executable,
    ) -> None:
        from hiptimer.audio.outputs import PLAYER_COMMANDS

        self.name = backend
        self.voice = voice
        self.offset = offset
        """Seconds the app plays cues early (for outputs with a long delay, such as Bluetooth)."""
        self.backend = backend
        self.restarts = 0
        """How many times the worker was restarted after dying."""
        self.failed: str | None = None
        """Why the player went silent for good, if it did."""
        self._sounds_dirs = (sounds_dir, user_sounds_dir)
        self._lengths: ClipLengths | None = None
        self.events: deque[dict[str, Any]] = deque(maxlen=2000)
        """The worker's recent reports (see :mod:`hiptimer.audio.worker`)."""
        self._config = {
            "backend": backend,
            "commands": list(commands if commands is not None else PLAYER_COMMANDS),
            "sounds": str(sounds_dir),
            "user_sounds": str(user_sounds_dir) if user_sounds_dir else None,
        }
        self._python = python
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._pending: dict[int, _Pending] = {}
        self._outbox: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._proc: subprocess.Popen[bytes] | None = None
        self._generation = 0
        self._restart_times: deque[float] = deque()
        self._closed = False
        self._feeder: threading.Thread | None = None
        self._write_lock = threading.RLock()
        """Held while writing to the worker's pipe (and while restarting it)."""
        self._queued = 0
        """Requests handed to the feeder and not yet written; guarded by ``_cond``."""

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> str | None:
        """Start the worker and wait until it has found a device.

        Returns:
            None when playback works (:attr:`name` then says which backend), else why not.
        """
        problem = self._spawn()
        if problem is not None:
            return problem
        self._feeder = threading.Thread(target=self._feed, name="hiptimer-audio-feeder", daemon=True)
        self._feeder.start()
        return None

    @property
    def clip_lengths(self) -> ClipLengths:
        """How long each sound this player plays lasts (read from the files once)."""
        if self._lengths is None:
            from hiptimer.audio.lengths import clip_lengths

            self._lengths = clip_lengths(*self._sounds_dirs)
        return self._lengths

    @property
    def pid(self) -> int | None:
        """The worker's process id (None when not running)."""
        proc = self._proc
        return proc.pid if proc is not None else None

    def _spawn(self) -> str | None:
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
        try:
            proc = subprocess.Popen(
                [self._python, "-m", "hiptimer.audio.worker", json.dumps(self._config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                close_fds=True,
                start_new_session=True,
            )
        except OSError as exc:
            return f"cannot start the audio worker ({exc})"
        assert proc.stdout is not None
        handshake: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self._generation += 1
        reader = threading.Thread(
            target=self._read,
            args=(proc.stdout, self._generation, handshake),
            name="hiptimer-audio-reader",
            daemon=True,
        )
        reader.start()
        try:
            first = handshake.get(timeout=READY_TIMEOUT)
        except queue.Empty:
            first = {"fail": "the audio worker did not start in time"}
        if "ready" not in first:
            _stop_process(proc)
            return str(first.get("fail", "the audio worker stopped"))
        self._proc = proc
        self.name = str(first["ready"])
        # A restarted worker must use what the first one found, not probe afresh.
        self._config["backend"] = "simpleaudio" if self.name == "simpleaudio" else "command"
        if self.name != "simpleaudio":
            self._config["commands"] = [self.name]
        return None

    def close(self) -> None:
        """Stop playback and end the worker (waits at most about a second)."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._pending.clear()
            self._cond.notify_all()
        self._outbox.put(("close",))
        feeder = self._feeder
        if feeder is not None and feeder is not threading.current_thread():
            feeder.join(timeout=2.0)
        locked = self._write_lock.acquire(timeout=1.0)
        try:
            proc = self._proc
            if proc is not None:
                _stop_process(proc)
        finally:
            if locked:
                self._write_lock.release()

    # --- playing -------------------------------------------------------------------------------

    def play(self, request: CueRequest) -> None:
        """Hand ``request`` to the worker and return at once.

        When nothing is waiting and the pipe has room, the request is written straight to the
        worker's pipe (a few microseconds, and no thread to wake); otherwise it goes to the feeder
        thread, which keeps the order, waits for room, and restarts a dead worker.
        """
        try:
            due = time.monotonic()
            if self._closed or self.failed is not None:
                return
            rid = next(self._ids)
            with self._cond:
                self._pending[rid] = _Pending(due, request, self.voice)
                direct = self._queued == 0 and self._write_lock.acquire(blocking=False)
                if not direct:
                    self._queued += 1
            if direct:
                try:
                    written = self._write_now(rid)
                finally:
                    self._write_lock.release()
                if written:
                    return
                with self._cond:
                    self._queued += 1
            self._outbox.put(("play", rid))
        except Exception:  # the app must never see an audio failure
            return

    def _write_now(self, rid: int) -> bool:
        """Write a request without blocking; False if that cannot be done now."""
        proc = self._proc
        if proc is None or proc.stdin is None or proc.poll() is not None:
            return False
        data = self._line(rid)
        if data is None:
            return True
        fd = proc.stdin.fileno()
        # A pipe with PIPE_BUF bytes free takes a shorter write whole, without blocking.
        if len(data) >= select.PIPE_BUF or not select.select([], [fd], [], 0)[1]:
            return False
        try:
            os.write(fd, data)
        except OSError:
            return False
        self._mark_sent(rid)
        return True

    def _line(self, rid: int) -> bytes | None:
        """The request as a protocol line; None if it has ended or this worker already has it."""
        with self._cond:
            pending = self._pending.get(rid)
            if pending is None or pending.sent_to == self._generation:
                return None
        message = {
            "id": rid,
            "due": pending.due,
            "cue": pending.request.cue.value,
            "speech": pending.request.speech,
            "sound": pending.request.sound,
            "tone": pending.request.tone,
            "voice": pending.voice,
        }
        return json.dumps(message).encode() + b"\n"

    def _mark_sent(self, rid: int) -> None:
        with self._cond:
            pending = self._pending.get(rid)
            if pending is not None:
                pending.sent_to = self._generation

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every request so far has ended (for tests and the benchmark).

        Returns:
            True if idle, False if the timeout passed first.
        """
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending or self._closed, timeout=timeout)

    def _feed(self) -> None:
        while True:
            message = self._outbox.get()
            kind = message[0]
            if kind == "close":
                break
            if self.failed is not None:
                continue
            with self._write_lock:
                if kind == "died":
                    if message[1] == self._generation and not self._closed:
                        self._restart()
                else:
                    self._send(message[1])
            if kind == "play":
                with self._cond:
                    self._queued -= 1
        with self._write_lock:
            proc = self._proc
            if proc is not None and proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()

    def _send(self, rid: int) -> None:
        """Write one request to the worker, waiting for room; restart the worker if it is dead."""
        data = self._line(rid)
        if data is None:
            return
        proc = self._proc
        if proc is None or proc.stdin is None or proc.poll() is not None:
            self._restart()  # which sends every request that never started, this one included
            return
        try:
            fd = proc.stdin.fileno()
            while data:
                data = data[os.write(fd, data) :]
        except OSError:
            self._restart()
            return
        self._mark_sent(rid)

    def _restart(self) -> bool:
        """Start a new worker after one died; resend what never started. False if given up."""
        now = time.monotonic()
        while self._restart_times and now - self._restart_times[0] > RESTART_WINDOW:
            self._restart_times.popleft()
        if len(self._restart_times) >= MAX_RESTARTS:
            self._give_up("the audio worker keeps stopping")
            return False
        self._restart_times.append(now)
        old = self._proc
        if old is not None:
            _stop_process(old)
        self._proc = None
        problem = self._spawn()
        self.restarts += 1
        if problem is not None:
            self._give_up(problem)
            return False
        with self._cond:
            # A request the dead worker had started is not played again (it may be what
            # crashed it); one that never started is sent again while it is still fresh.
            resend = sorted(
                rid for rid, p in self._pending.items() if not p.started and now - p.due < RESEND_WITHIN
            )
            for rid in [rid for rid in self._pending if rid not in resend]:
                del self._pending[rid]
            self._cond.notify_all()
        for rid in resend:
            self._send(rid)
        return True

    def _give_up(self, why: str) -> None:
        self.failed = why
        with self._cond:
            self._pending.clear()
            self._cond.notify_all()

    def _read(self, stream: IO[bytes], generation: int, handshake: queue.SimpleQueue[dict[str, Any]]) -> None:
        greeted = False
        for line in _lines(stream):
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if not isinstance(message, dict):
                continue
            if not greeted:
                greeted = True
                handshake.put(message)
                continue
            self.events.append(message)
            event = message.get("event")
            if event == "started":
                with self._cond:
                    pending = self._pending.get(int(message.get("id", 0)))
                    if pending is not None:
                        pending.started = True
            elif event == "end":
                with self._cond:
                    rid = int(message.get("id", 0))
                    self._pending.pop(rid, None)
                    self._cond.notify_all()
        if not greeted:
            handshake.put({"fail": "the audio worker stopped while starting"})
            return
        if not self._closed and generation == self._generation:
            self._outbox.put(("died", generation))


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    """The stream's lines until it ends or breaks; then close it."""
    try:
        yield from stream
    except (OSError, ValueError):
        return
    finally:
        with contextlib.suppress(OSError):
            stream.close()


def _stop_process(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        if proc.stdin is not None:
            proc.stdin.close()
    try:
        proc.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=1.0)
