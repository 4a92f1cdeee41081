"""Where each key of a TOML document is set: a line scanner for error messages.

tomllib returns plain dicts and lists, with no positions. To say "line 14: steps[2].seconds" for a
schema error, :func:`key_positions` reads the text once more and records the line and column of
every key, table header and array element, under the same path pydantic uses for its errors:
``("steps", 2, "seconds")``.

It understands what session files use: ``[table]`` and ``[[array.of.tables]]`` headers (nested
ones such as ``[[steps.steps]]`` count per parent element), dotted and quoted keys, inline tables,
arrays (also across lines), and every string form, so that text inside a string is never taken
for a key. It is meant for documents tomllib has accepted; on anything else it still returns
(possibly incomplete) positions and never raises.
"""

from __future__ import annotations

from bisect import bisect_right

__all__ = ["Key", "Position", "key_positions", "position_of"]

Key = tuple[str | int, ...]
"""A path into the document: table names, keys and array indexes."""

Position = tuple[int, int]
"""(line, column), both counted from 1."""

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}#\r\n")


def key_positions(text: str) -> dict[Key, Position]:
    """The position of every key, table and array element in a TOML document.

    Args:
        text: The document.

    Returns:
        For each path, where it is first set: a key's first character, a table header's ``[``,
        an array element's first character.
    """
    return _Scanner(text).run()


def position_of(positions: dict[Key, Position], key: Key) -> Position:
    """Where ``key`` is set, or else its nearest ancestor that has a position, or else (1, 1)."""
    for end in range(len(key), 0, -1):
        found = positions.get(key[:end])
        if found is not None:
            return found
    return (1, 1)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line_starts = [0] + [n + 1 for n, c in enumerate(text) if c == "\n"]
        self.positions: dict[Key, Position] = {}
        self.array_tables: dict[Key, int] = {}
        """How many ``[[path]]`` headers have been seen for each array of tables."""

    # -- characters ------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> str:
        j = self.i + ahead
        return self.text[j] if j < len(self.text) else ""

    def at_end(self) -> bool:
        return self.i >= len(self.text)

    def here(self) -> Position:
        line = bisect_right(self.line_starts, self.i)
        return line, self.i - self.line_starts[line - 1] + 1

    def skip_blanks(self) -> None:
        while self.peek() in (" ", "\t"):
            self.i += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            while not self.at_end() and self.peek() != "\n":
                self.i += 1

    def skip_space(self) -> None:
        """Blanks, comments and newlines (inside arrays, and between statements)."""
        while not self.at_end():
            self.skip_blanks()
            self.skip_comment()
            if self.peek() in ("\n", "\r"):
                self.i += 1
            else:
                return

    def skip_line(self) -> None:
        while not self.at_end() and self.peek() != "\n":
            self.i += 1

    def record(self, key: Key, where: Position, *, first_only: bool = False) -> None:
        if first_only:
            self.positions.setdefault(key, where)
        else:
            self.positions[key] = where

    # -- statements ------------------------------------------------------------------------------

    def run(self) -> dict[Key, Position]:
        table: Key = ()
        while True:
            self.skip_space()
            if self.at_end():
                return self.positions
            start = self.i
            if self.peek() == "[":
                table = self.header()
            elif self.pair(table) is None:
                self.skip_line()
            if self.i == start:  # not TOML we understand: move on rather than loop
                self.skip_line()
                if self.i == start:
                    self.i += 1

    def header(self) -> Key:
        where = self.here()
        is_array = self.peek(1) == "["
        self.i += 2 if is_array else 1
        self.skip_blanks()
        names = self.key()
        self.skip_blanks()
        self.i += 2 if is_array else 1  # the closing bracket(s)
        if not names:
            self.skip_line()
            return ()
        path: Key = ()
        for name in names[:-1]:
            path = (*path, name)
            self.record(path, where, first_only=True)
            if path in self.array_tables:
                path = (*path, self.array_tables[path] - 1)
        path = (*path, names[-1])
        if is_array:
            count = self.array_tables.get(path, 0)
            self.array_tables[path] = count + 1
            self.record(path, where, first_only=True)
            path = (*path, count)
        self.record(path, where)
        return path

    def pair(self, table: Key) -> Key | None:
        """``key = value`` (the key may be dotted) inside ``table``; returns the key's path."""
        where = self.here()
        names = self.key()
        if not names:
            return None
        for end in range(1, len(names)):
            self.record((*table, *names[:end]), where, first_only=True)
        path = (*table, *names)
        self.record(path, where)
        self.skip_blanks()
        if self.peek() != "=":
            return None
        self.i += 1
        self.skip_blanks()
        self.value(path)
        return path

    def key(self) -> tuple[str, ...]:
        """A possibly dotted key: ``a``, ``a.b``, ``"quoted key".c``."""
        names: list[str] = []
        while True:
            self.skip_blanks()
            c = self.peek()
            if c in ('"', "'"):
                names.append(self.quoted_key(c))
            elif c in _BARE:
                start = self.i
                while self.peek() in _BARE and not self.at_end():
                    self.i += 1
                names.append(self.text[start : self.i])
            else:
                return tuple(names)
            self.skip_blanks()
            if self.peek() != ".":
                return tuple(names)
            self.i += 1

    def quoted_key(self, quote: str) -> str:
        self.i += 1
        out: list[str] = []
        while not self.at_end() and self.peek() not in (quote, "\n"):
            if quote == '"' and self.peek() == "\\":
                out.append(self.escape())
                continue
            out.append(self.peek())
            self.i += 1
        self.i += 1
        return "".join(out)

    def escape(self) -> str:
        """A backslash escape in a basic string, as the character it stands for."""
        letter = self.peek(1)
        width = {"u": 4, "U": 8}.get(letter, 0)
        digits = self.text[self.i + 2 : self.i + 2 + width]
        self.i += 2 + width
        if width:
            try:
                return chr(int(digits, 16))
            except ValueError:
                return ""
        return _ESCAPES.get(letter, letter)

    # -- values ----------------------------------------------------------------------------------

    def value(self, path: Key) -> None:
        c = self.peek()
        if c == "{":
            self.inline_table(path)
        elif c == "[":
            self.array(path)
        elif c in ('"', "'"):
            self.string(c)
        else:
            while not self.at_end() and self.peek() not in _SCALAR_END:
                self.i += 1

    def inline_table(self, path: Key) -> None:
        self.i += 1
        while not self.at_end():
            self.skip_space()
            if self.peek() == "}":
                self.i += 1
                return
            if self.peek() == ",":
                self.i += 1
                continue
            start = self.i
            self.pair(path)
            if self.i == start:
                self.i += 1

    def array(self, path: Key) -> None:
        self.i += 1
        index = 0
        while not self.at_end():
            self.skip_space()
            c = self.peek()
            if c == "]":
                self.i += 1
                return
            if c == ",":
                self.i += 1
                index += 1
                continue
            start = self.i
            self.record((*path, index), self.here())
            self.value((*path, index))
            if self.i == start:
                self.i += 1

    def string(self, quote: str) -> None:
        triple = quote * 3
        if self.text.startswith(triple, self.i):
            self.i += 3
            while not self.at_end():
                if quote == '"' and self.peek() == "\\":
                    self.i += 2
                elif self.text.startswith(triple, self.i):
                    self.i += 3
                    while self.peek() == quote:  # up to two quotes may end the content
                        self.i += 1
                    return
                else:
                    self.i += 1
            return
        self.i += 1
        while not self.at_end() and self.peek() != "\n":
            c = self.peek()
            if quote == '"' and c == "\\":
                self.i += 2
                continue
            self.i += 1
            if c == quote:
                return


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\"}
