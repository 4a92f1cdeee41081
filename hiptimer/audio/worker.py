"""The playback worker: a child process that owns the audio device.

``python -m hiptimer.audio.worker CONFIG_JSON`` picks an output (simpleaudio, or a player command
such as ``aplay``), says which on its first line, then reads cue requests as JSON lines on stdin
and reports what happened as JSON lines on stdout. It exits when stdin closes.

Playing in a child keeps the app safe from the audio library: a crash in its C code (simpleaudio
1.0.4 segfaults on Python 3.12+) kills only the worker, which the player then restarts. The worker
silences libasound and sends its stderr to /dev/null, so nothing it does reaches the terminal.

Protocol (one JSON object per line):

* parent -> worker: ``{"id": 7, "due": 1234.5, "cue": "go", "speech": "...", "sound": null,
  "voice": true}``; ``due`` is the caller's ``time.monotonic()`` when ``play`` was called.
* worker -> parent: ``{"ready": "simpleaudio"}`` or ``{"fail": "why"}`` first; then per item
  ``{"id": 7, "item": 0, "event": "started", "latency": 0.002, "what": "tone:go"}`` and
  ``{"id": 7, "item": 0, "event": "played"}`` (or stopped, dropped, late, failed); and once per
  request ``{"id": 7, "event": "end"}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from hiptimer.audio.alsa import silence_alsa
from hiptimer.audio.channel import Channel, Item
from hiptimer.audio.outputs import PLAYER_COMMANDS, Handle, Output, ProcessHandle, choose_output
from hiptimer.audio.sounds import Clip, SoundBank
from hiptimer.audio.speech import SpeechEngine, find_speech_engine
from hiptimer.core.cues import Cue

__all__ = ["SpeakCommand", "Worker", "main"]

POLL_SECONDS = 0.01
"""How often a playing sound is checked for its end (a new request wakes the loop at once)."""
SPEECH_CACHE = 64
"""Synthesized phrases kept in memory."""


@dataclass(frozen=True, slots=True)
class SpeakCommand:
    """A phrase spoken by a program that plays it itself (spd-say)."""

    argv: list[str]


class Worker:
    """Turns requests into items, runs the channel, and plays.

    Args:
        output: Where sounds play.
        bank: The cue sounds.
        engine: A speech engine for phrases without recordings, or None.
        send: Reports one event to the parent.
    """

    def __init__(
        self,
        output: Output,
        bank: SoundBank,
        engine: SpeechEngine | None,
        send: Callable[[dict[str, Any]], None],
    ) -> None:
        self.output = output
        self.bank = bank
        self.engine = engine
        self.send = send
        self.channel = Channel()
        self.cond = threading.Condition()
        self.closing = False
        self._left: dict[int, int] = {}
        self._synth = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hiptimer-speech")
        self._speech: dict[str, Clip | None] = {}

    # --- requests ------------------------------------------------------------------------------

    def items_for(self, request: dict[str, Any]) -> list[Item]:
        """The items of one request: its tone or custom sound, then its phrase when voiced."""
        rid, due, cue = int(request["id"]), float(request["due"]), Cue(request["cue"])
        items: list[Item] = []
        first: Clip | None = None
        if request.get("tone", True) is not False:
            first = self.bank.custom(request["sound"]) if request.get("sound") else None
            first = first or self.bank.tone(cue)
        if first is not None:
            items.append(Item(rid, cue, due, index=0, sound=first))
        speech = request.get("speech")
        if speech and request.get("voice", True):
            after = first.seconds if first is not None else 0.0
            phrase: object = self.bank.phrase(speech)
            if phrase is None and self.engine is not None:
                if self.engine.renders:
                    phrase = self._synth.submit(self._render, speech)
                else:
                    phrase = SpeakCommand(self.engine.speak_argv(speech))
            if phrase is not None:
                items.append(Item(rid, cue, due, index=len(items), phrase=True, after=after, sound=phrase))
        return items

    def _render(self, text: str) -> Clip | None:
        if text not in self._speech:
            if len(self._speech) >= SPEECH_CACHE:
                self._speech.pop(next(iter(self._speech)))
            assert self.engine is not None
            self._speech[text] = self.engine.render(text)
        return self._speech[text]

    def submit(self, request: dict[str, Any]) -> None:
        """Queue a request (called from the reader thread)."""
        try:
            items = self.items_for(request)
        except (KeyError, TypeError, ValueError):
            items = []
        rid = int(request.get("id", 0))
        if not items:
            self.send({"id": rid, "event": "end"})
            return
        with self.cond:
            self._left[rid] = len(items)
            dropped = self.channel.submit(items)
            self.cond.notify_all()
        for item in dropped:
            self._ended(item, "dropped")

    def close(self) -> None:
        """Stop the current sound, drop the rest, and let :meth:`run` return."""
        with self.cond:
            self.closing = True
            self.cond.notify_all()
        self._synth.shutdown(wait=False, cancel_futures=True)

    # --- playback ------------------------------------------------------------------------------

    def _ended(self, item: Item, outcome: str) -> None:
        self.send({"id": item.request_id, "item": item.index, "event": outcome})
        with self.cond:
            left = self._left.get(item.request_id, 1) - 1
            if left > 0:
                self._left[item.request_id] = left
                return
            self._left.pop(item.request_id, None)
        self.send({"id": item.request_id, "event": "end"})

    def run(self) -> None:
        """Play items until :meth:`close`."""
        while True:
            with self.cond:
                while True:
                    item, late = self.channel.take(time.monotonic())
                    if item is not None or self.closing or late:
                        break
                    self.cond.wait()
            for stale in late:
                self._ended(stale, "late")
            if item is None:
                if self.closing:
                    break
                continue
            outcome = self._play(item)
            with self.cond:
                self.channel.finish()
            self._ended(item, outcome)
        with self.cond:
            dropped = self.channel.clear()
        for item in dropped:
            self._ended(item, "dropped")

    def _must_stop(self) -> bool:
        return self.channel.stop_playing or self.closing

    def _play(self, item: Item) -> str:
        n, sound = item.index, item.sound
        if isinstance(sound, Future):
            with self.cond:
                while not sound.done():
                    if self._must_stop():
                        return "stopped"
                    self.cond.wait(POLL_SECONDS)
            try:
                sound = sound.result()
            except Exception:
                sound = None
            if sound is None:
                return "failed"
        try:
            handle: Handle
            if isinstance(sound, SpeakCommand):
                handle = ProcessHandle(sound.argv)
                what = "speech:" + sound.argv[-1]
            elif isinstance(sound, Clip):
                handle = self.output.start(sound)
                name = sound.path.name if sound.path else "composed"
                what = ("phrase:" if item.phrase else "tone:") + name
            else:
                return "failed"
        except Exception as exc:
            self.send({"id": item.request_id, "item": n, "event": "error", "error": str(exc)[:200]})
            return "failed"
        started = time.monotonic()
        self.send(
            {
                "id": item.request_id,
                "item": n,
                "event": "started",
                "latency": started - item.due,
                "what": what,
            }
        )
        with self.cond:
            while handle.is_playing():
                if self._must_stop():
                    handle.stop()
                    return "stopped"
                self.cond.wait(POLL_SECONDS)
        return "played"


def _sender(stream: BinaryIO) -> Callable[[dict[str, Any]], None]:
    lock = threading.Lock()

    def send(message: dict[str, Any]) -> None:
        data = (json.dumps(message) + "\n").encode()
        with lock, contextlib.suppress(OSError, ValueError):
            stream.write(data)
            stream.flush()

    return send


def main(argv: list[str] | None = None) -> int:
    """Run the worker; see the module docstring."""
    args = sys.argv[1:] if argv is None else argv
    config: dict[str, Any] = json.loads(args[0]) if args else {}
    with contextlib.suppress(ValueError, OSError):
        # The app handles Ctrl-C; the worker ends when the app closes its stdin.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform != "win32":
        import resource

        with contextlib.suppress(ValueError, OSError):
            # If the audio library crashes, leave no core file in the user's folder.
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # The protocol gets a private copy of stdout; fd 1 then points at stderr (/dev/null), so a
    # library that prints cannot garble the protocol.
    proto = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    send = _sender(proto)
    silence_alsa()

    sounds = Path(config.get("sounds", "."))
    user_sounds = Path(config["user_sounds"]) if config.get("user_sounds") else None
    bank = SoundBank(sounds, user_sounds)
    bank.preload()
    scratch = Path(tempfile.mkdtemp(prefix="hiptimer-audio-"))
    try:
        commands = list(config.get("commands", list(PLAYER_COMMANDS)))
        output, detail = choose_output(str(config.get("backend", "auto")), commands, scratch)
        if output is None:
            send({"fail": detail})
            return 1
        engine = find_speech_engine() if config.get("speech_engine", True) else None
        worker = Worker(output, bank, engine, send)
        send({"ready": detail, "speech_engine": engine.name if engine else None})

        def read() -> None:
            for line in sys.stdin.buffer:
                try:
                    request = json.loads(line)
                except ValueError:
                    continue
                if isinstance(request, dict):
                    worker.submit(request)
            worker.close()

        threading.Thread(target=read, name="hiptimer-audio-reader", daemon=True).start()
        worker.run()
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
