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
    returncode: int | None = None
    """The exit status once the process has ended (and been reaped)."""
    _reader: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    KEEP = 1 << 18
    """Output kept for :meth:`wait_for` and error messages: the last 256 KiB."""

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
            self.output.extend(chunk)
            if len(self.output) > 2 * self.KEEP:
                del self.output[: -self.KEEP]

    def wait_for(self, needle: bytes, timeout: float) -> float | None:
        """Seconds from start until ``needle`` appears in the output, or None on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.output:
                return time.monotonic() - self.started_at
            time.sleep(0.002)
        return None

    def send(self, data: bytes) -> None:
        """Type ``data`` into the terminal."""
        os.write(self.fd, data)

    def alive(self) -> bool:
        """Whether the process is still running (reaps it if it has ended)."""
        if self.returncode is None:
            try:
                done, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                done, status = self.pid, 0
            if done:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode is None

    def stop(self) -> None:
        """Terminate the process (and its group) and stop reading."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, sig)
            for _ in range(100):
                if not self.alive():
                    break
                time.sleep(0.02)
            if not self.alive():
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
    if pid == 0:  # child: the size is set before the program starts, so its first frame fits
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        try:
            os.execvpe(argv[0], list(argv), env if env is not None else os.environ.copy())
        finally:
            os._exit(127)  # exec failed: never run the parent's code in the child
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


def _cpu_clock(pid: int) -> float | None:
    """CPU seconds (user + system) of every thread of ``pid``, alive or ended, to the nanosecond.

    Read through the process's CPU-time clock (``clock_gettime`` on the id Linux derives from the
    pid), which the scheduler keeps exactly; ``/proc/PID/stat`` counts whole 10 ms ticks, and with
    tick-based accounting a program that wakes for a millisecond once a second may be charged a
    whole tick or nothing, depending on when the tick lands.
    """
    try:
        return time.clock_gettime((~pid << 3) | 2)  # CPUCLOCK_SCHED of the whole thread group
    except OSError:
        return None


def _stat_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime, stime, cutime, cstime are fields 14-17 (1-based); after the ")" split, index 11-14.
    return sum(int(x) for x in fields[11:15]) / CLOCK_TICKS


def cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and its live descendants, at the best resolution the system gives."""
    total = 0.0
    for p in tree(pid):
        value = _cpu_clock(p)
        if value is None:
            value = _stat_cpu(p)
        total += value or 0.0
    return total


class CpuMeter:
    """CPU seconds used by a process tree since :meth:`start`, sampled as it goes.

    A process that starts during the window counts from zero; one that ends counts up to its last
    sample (sample often enough, such as twice a second, and little is lost).
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}

    def _read(self) -> dict[int, float]:
        out: dict[int, float] = {}
        for p in tree(self.pid):
            value = _cpu_clock(p)
            if value is None:
                value = _stat_cpu(p)
            if value is not None:
                out[p] = value
        return out

    def start(self) -> None:
        """Begin the window now."""
        self._first = self._read()
        self._last = dict(self._first)

    def sample(self) -> None:
        """Take a reading (call during the window; the last one ends it)."""
        for p, value in self._read().items():
            self._first.setdefault(p, 0.0)
            self._last[p] = value

    @property
    def seconds(self) -> float:
        """CPU seconds used in the window so far."""
        return sum(self._last[p] - self._first.get(p, 0.0) for p in self._last)

    @property
    def main_seconds(self) -> float:
        """CPU seconds of the first process alone (not its children)."""
        return self._last.get(self.pid, 0.0) - self._first.get(self.pid, 0.0)

    @property
    def processes(self) -> int:
        """How many processes took part."""
        return len(self._last)


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, in KiB (shared pages counted in each)."""
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/statm").read_text().split()
        except OSError:
            continue
        total += int(fields[1]) * PAGE_KIB
    return total


def pss_kib(pid: int) -> int | None:
    """Proportional set size of ``pid`` and its descendants (shared pages split), in KiB."""
    total = 0
    for p in tree(pid):
        try:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            return None
        for line in text.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
                break
    return total


@dataclass(frozen=True)
class Usage:
    """What a program used over the measuring window."""

    cpu_per_minute: float
    """CPU seconds per minute of wall time, all its processes together."""
    main_cpu_per_minute: float
    """The same, of the program's own process alone (its children left out)."""
    rss_kib: int
    """Peak resident memory of all its processes (shared pages counted in each)."""
    pss_kib: int | None
    """Peak proportional set size (shared pages split between the processes that map them)."""
    processes: int
    """How many processes it ran."""
    shown: bytes
    """What it wrote until the window began (its start-up screens and notices)."""


def measure_cpu(
    argv: Sequence[str],
    *,
    seconds: float,
    warmup: float = 2.0,
    ready: bytes | None = None,
    env: dict[str, str] | None = None,
    after_start: Callable[[PtyProcess], None] | None = None,
) -> Usage:
    """CPU per minute over ``seconds`` after ``ready`` shows plus ``warmup``, and peak memory.

    Raises:
        RuntimeError: ``ready`` never showed, or the program ended before the window did.
    """
    proc = spawn(argv, env=env)
    try:
        if ready is not None and proc.wait_for(ready, timeout=30) is None:
            raise RuntimeError(f"{argv[0]} never showed {ready!r}; it showed {_tail(proc.output)!r}")
        time.sleep(warmup)
        if after_start is not None:
            after_start(proc)
        shown = bytes(proc.output)
        meter = CpuMeter(proc.pid)
        meter.start()
        t0 = time.monotonic()
        rss, pss = 0, 0
        while time.monotonic() - t0 < seconds:
            time.sleep(min(0.5, max(0.0, seconds - (time.monotonic() - t0))))
            meter.sample()
            rss = max(rss, rss_kib(proc.pid))
            p = pss_kib(proc.pid)
            pss = max(pss, p or 0)
            if not proc.alive():
                raise RuntimeError(f"{argv[0]} ended before the window did: {_tail(proc.output)!r}")
        elapsed = time.monotonic() - t0
        return Usage(
            cpu_per_minute=meter.seconds / elapsed * 60,
            main_cpu_per_minute=meter.main_seconds / elapsed * 60,
            rss_kib=rss,
            pss_kib=pss or None,
            processes=meter.processes,
            shown=shown,
        )
    finally:
        proc.stop()


def _tail(output: bytearray) -> str:
    return output[-300:].decode("utf-8", "replace")
