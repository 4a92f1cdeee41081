"""What loading one session file gives: a session, or what is wrong with the file.

Kept apart from the loading itself so that both the quick path (a file already checked, from
:mod:`hiptimer.catalog.cache`) and the full check (:mod:`hiptimer.catalog.validation`) can name it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from hiptimer.core.printable import escape

if TYPE_CHECKING:
    from pathlib import Path

    from hiptimer.catalog.tomlpos import Position
    from hiptimer.core.model import Session

__all__ = ["LoadError", "LoadedFile", "failed"]

# Named tuples, not frozen dataclasses: these are defined on every start, and a frozen dataclass
# costs about a millisecond to define (its methods are compiled then).


class LoadError(NamedTuple):
    """One thing wrong with one session file.

    Attributes:
        path: The file.
        line: The line the problem is on, from 1.
        col: The column, from 1.
        field: The key's path in the file, such as ``steps[2].seconds`` (``toml`` for syntax
            errors, ``file`` when the file cannot be read).
        message: What is wrong, in words.
    """

    path: Path
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        """One line; whatever came from the file (a key, a value, even the file's name) is escaped,
        so an error message can neither break its line nor send the terminal a control sequence."""
        return escape(f"{self.path}:{self.line}:{self.col}: {self.field}: {self.message}")


class LoadedFile(NamedTuple):
    """The outcome of loading one file: a session, or the reasons there is none."""

    path: Path
    session: Session | None
    errors: tuple[LoadError, ...] = ()
    id_position: Position = (1, 1)
    """Where the file sets its id (line 1 when the id comes from the file name)."""


def failed(path: Path, *errors: LoadError) -> LoadedFile:
    """The outcome of a file that did not load, for these reasons."""
    return LoadedFile(path, None, errors)
