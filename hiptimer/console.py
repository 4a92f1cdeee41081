"""The ``hiptimer`` console script: it answers ``--version`` and starts the app before loading
the command line.

Everything else goes to :func:`hiptimer.cli.main`. Loading the command line (argparse with its
translations, every command's options) takes longer than Python's own start; a version query
needs none of it (scripts that check the version call it often), and neither does the app started
with no arguments, whose first frame would wait for it.
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
    if not sys.argv[1:]:  # the app at home: there is nothing for the command line to parse
        from hiptimer.tui.launch import run_app

        try:
            return run_app()
        except KeyboardInterrupt:  # Ctrl+C before the app has the terminal, as the command line says
            return 130
    from hiptimer.cli import main as run

    return run()
