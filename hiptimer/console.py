"""The ``hiptimer`` console script: it answers ``--version`` before loading anything else.

Everything else goes to :func:`hiptimer.cli.main`. Loading the command line (argparse, the
dataclasses, every command's options) takes longer than Python's own start; a version query
needs none of it, and scripts that check the version call it often.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> int:
    """Run the ``hiptimer`` command with ``sys.argv``; the exit code."""
    if sys.argv[1:] == ["--version"]:
        from hiptimer import __version__

        print(f"hiptimer {__version__}")
        return 0
    from hiptimer.cli import main as run

    return run()
