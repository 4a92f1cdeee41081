"""``python -m hiptimer``: the same as the ``hiptimer`` command."""

from hiptimer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
