"""Run a Textual program and end it the moment a text is written to the terminal.

For counting instructions to a first frame (``bench/startup.py --instructions``): the program runs
under valgrind, which reports its count when the process ends, so the process must end right
after the frame and not idle on. Textual writes every frame through its writer thread; this wraps
that write and leaves with ``os._exit(0)`` once the text has gone out. Several texts (NEEDLE|NEEDLE)
mean a whole screen: it leaves once each of them has been written, in one frame or over several.

Run: python bench/_until_frame.py NEEDLE[|NEEDLE...] (-m MODULE | SCRIPT) [ARGS...]
"""

from __future__ import annotations

import os
import runpy
import sys


def main() -> None:
    needles, *rest = sys.argv[1:]
    waiting = set(needles.split("|"))
    import textual.drivers._writer_thread as writer  # the thread every driver writes frames with

    write = writer.WriterThread.write

    def write_then_leave(self: writer.WriterThread, data: str) -> None:
        write(self, data)
        waiting.difference_update([needle for needle in waiting if needle in data])
        if not waiting:
            os._exit(0)

    writer.WriterThread.write = write_then_leave  # type: ignore[method-assign,assignment]
    if rest[0] == "-m":
        sys.argv = [rest[1], *rest[2:]]
        runpy.run_module(rest[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = rest
        runpy.run_path(rest[0], run_name="__main__")


if __name__ == "__main__":
    main()
