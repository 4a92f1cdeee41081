"""Run a command in a pseudo-terminal of a fixed size and read its CPU time and memory from /proc.

Shared by the benchmarks that compare hiptimer with other terminal programs under the same
conditions: an 80 x 24 terminal whose output is read (and thrown away) as fast as it comes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class PtyProcess:
    """A process on the slave side of a pty; its output is drained by a thread."""

    pid: int
    fd: int
    output: bytearray = field(default_factory=bytearray)
    first_output_at: float | None = None
    started_at: float = 0.0
    _reader: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def _drain(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            if self.first_output_at is None:
                self.first_output_at = time.monotonic()
            self.output.extend(chunk[-4096:] if len(self.output) > 1 << 20 else chunk)

    def wait_for(self, needle: bytes, timeout: float) -> float | None:
        """Seconds from start until ``needle`` appears in the output, or None on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.output:
                return time.monotonic() - self.started_at
            time.sleep(0.002)
        return None

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def stop(self) -> None:
        """Terminate the process (and its group) and stop reading."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                break
            for _ in range(50):
                done, _ = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    break
                time.sleep(0.02)
            else:
                continue
            break
        self._stop.set()
        if self._reader is not None:
            self._reader.join(timeout=1)
        with contextlib.suppress(OSError):
            os.close(self.fd)


def spawn(
    argv: Sequence[str], *, cols: int = 80, rows: int = 24, env: dict[str, str] | None = None
) -> PtyProcess:
    """Start ``argv`` in a new pty of ``cols`` x ``rows`` and session; drain its output."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(argv[0], list(argv), env if env is not None else os.environ.copy())
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = PtyProcess(pid=pid, fd=fd, started_at=time.monotonic())
    proc._reader = threading.Thread(target=proc._drain, daemon=True)
    proc._reader.start()
    return proc


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out.extend(int(c) for c in (task / "children").read_text().split())
    return out


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    seen = [pid]
    for p in seen:
        seen.extend(c for c in _children(p) if c not in seen)
    return seen


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its live descendants (and their reaped children)."""
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime are fields 14-17 (1-based); after the ")" split, index 11-14.
        total += sum(int(x) for x in fields[11:15])
    return total / CLOCK_TICKS


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, in KiB."""
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/statm").read_text().split()
        except OSError:
            continue
        total += int(fields[1]) * PAGE_KIB
    return total


def measure_cpu(
    argv: Sequence[str],
    *,
    seconds: float,
    warmup: float = 2.0,
    ready: bytes | None = None,
    env: dict[str, str] | None = None,
    after_start: Callable[[PtyProcess], None] | None = None,
) -> tuple[float, int]:
    """CPU seconds per minute over ``seconds`` after start-up, and peak RSS (KiB) seen meanwhile."""
    proc = spawn(argv, env=env)
    try:
        if ready is not None and proc.wait_for(ready, timeout=30) is None:
            raise RuntimeError(f"{argv[0]} never showed {ready!r}")
        time.sleep(warmup)
        if after_start is not None:
            after_start(proc)
        cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
        peak = 0
        while time.monotonic() - t0 < seconds:
            time.sleep(min(0.5, seconds))
            peak = max(peak, rss_kib(proc.pid))
        cpu1, t1 = cpu_seconds(proc.pid), time.monotonic()
        return (cpu1 - cpu0) / (t1 - t0) * 60, peak
    finally:
        proc.stop()
