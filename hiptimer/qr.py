"""A small QR code encoder (byte mode, versions 1-40) and a terminal renderer.

``hiptimer serve`` prints the page's address as a QR code so a phone can open it by pointing its
camera at the laptop's terminal. The encoder follows ISO/IEC 18004: the data goes in one byte-mode
segment, Reed-Solomon error correction over GF(256), the eight masks are tried and the one with
the lowest penalty is kept (a caller may pin one). Pure Python, no dependencies.

Example:
    >>> code = encode("https://example.org")
    >>> code.version, code.size
    (2, 25)
    >>> print(render_half_blocks(code))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

__all__ = ["ErrorCorrection", "QrCode", "encode", "render_half_blocks"]


class ErrorCorrection(Enum):
    """How much of the code can be damaged and still read: about 7, 15, 25 and 30 percent."""

    LOW = ("L", 1)
    MEDIUM = ("M", 0)
    QUARTILE = ("Q", 3)
    HIGH = ("H", 2)

    @property
    def format_bits(self) -> int:
        """The two bits that name the level in the format information."""
        return self.value[1]

    @property
    def index(self) -> int:
        """The row of this level in the capacity tables."""
        return "LMQH".index(self.value[0])


# Per version (index 1-40; index 0 unused) and level (rows L, M, Q, H): the error correction
# codewords in each block, and the number of blocks. ISO/IEC 18004, table 9.
# fmt: off
_ECC_PER_BLOCK: tuple[tuple[int, ...], ...] = (
    (-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),  # noqa: E501
    (-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28),  # noqa: E501
    (-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),  # noqa: E501
    (-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),  # noqa: E501
)
_BLOCKS: tuple[tuple[int, ...], ...] = (
    (-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25),  # noqa: E501
    (-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49),  # noqa: E501
    (-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68),  # noqa: E501
    (-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81),  # noqa: E501
)
# fmt: on

MIN_VERSION = 1
MAX_VERSION = 40


@dataclass(frozen=True, slots=True)
class QrCode:
    """A finished QR code.

    Attributes:
        version: 1-40; the code is ``17 + 4 * version`` modules wide.
        error_correction: The error correction level.
        mask: The data mask used, 0-7.
        modules: Rows of modules, top to bottom; True is dark.
    """

    version: int
    error_correction: ErrorCorrection
    mask: int
    modules: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        """The width (and height) in modules, without the quiet zone."""
        return len(self.modules)


def encode(
    data: str | bytes,
    error_correction: ErrorCorrection = ErrorCorrection.MEDIUM,
    *,
    mask: int | None = None,
    min_version: int = MIN_VERSION,
) -> QrCode:
    """Encode ``data`` in byte mode in the smallest version that holds it.

    Args:
        data: The text (encoded as UTF-8) or bytes.
        error_correction: The error correction level.
        mask: Force this mask (0-7) instead of picking the one with the lowest penalty.
        min_version: The smallest version to consider.

    Returns:
        The QR code.

    Raises:
        ValueError: The data does not fit in version 40, or ``mask`` is not 0-7.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if mask is not None and not 0 <= mask <= 7:
        raise ValueError(f"mask must be 0-7, not {mask}")
    for version in range(max(min_version, MIN_VERSION), MAX_VERSION + 1):
        count_bits = 8 if version <= 9 else 16
        capacity = _data_codewords(version, error_correction) * 8
        if 4 + count_bits + len(payload) * 8 <= capacity and len(payload) < (1 << count_bits):
            break
    else:
        raise ValueError(f"{len(payload)} bytes do not fit in a QR code at level {error_correction.name}")

    codewords = _add_error_correction(
        _data_bits(payload, version, error_correction), version, error_correction
    )
    matrix = _Matrix(version)
    matrix.draw_function_patterns()
    matrix.draw_codewords(codewords)
    if mask is None:
        mask = min(range(8), key=lambda m: _penalty(matrix.masked(m, error_correction)))
    modules = matrix.masked(mask, error_correction)
    return QrCode(version, error_correction, mask, tuple(tuple(row) for row in modules))


def render_half_blocks(code: QrCode, *, border: int = 2, color: bool = True) -> str:
    """Draw the code with Unicode half blocks: two rows of modules per line of text.

    Args:
        code: The QR code.
        border: The quiet zone around the code, in modules (the standard asks for 4; 2 scans
            fine from a screen and keeps the code small).
        color: Paint black on white with ANSI colours, so the code reads the same on dark and
            light terminals. Without colour, dark modules are drawn as spaces and light ones as
            blocks, which suits the usual light-on-dark terminal.

    Returns:
        Lines joined by newlines, without a trailing newline.
    """
    size = code.size + 2 * border

    def dark(x: int, y: int) -> bool:
        x, y = x - border, y - border
        return 0 <= x < code.size and 0 <= y < code.size and code.modules[y][x]

    lines = []
    for y in range(0, size, 2):
        chars = []
        for x in range(size):
            top, bottom = dark(x, y), y + 1 < size and dark(x, y + 1)
            if not color:
                # The glyph paints the light modules (the row below the last is empty).
                top, bottom = not top, (not bottom) and y + 1 < size
            chars.append(" ▄▀█"[(top << 1) | bottom])
        line = "".join(chars)
        lines.append(f"\x1b[30;107m{line}\x1b[0m" if color else line)
    return "\n".join(lines)


def _raw_data_modules(version: int) -> int:
    """Modules left for data and error correction once the function patterns are drawn."""
    result = (16 * version + 128) * version + 64
    if version >= 2:
        alignments = version // 7 + 2
        result -= (25 * alignments - 10) * alignments - 55
        if version >= 7:
            result -= 36
    return result


def _data_codewords(version: int, level: ErrorCorrection) -> int:
    return (
        _raw_data_modules(version) // 8 - _ECC_PER_BLOCK[level.index][version] * _BLOCKS[level.index][version]
    )


def _data_bits(payload: bytes, version: int, level: ErrorCorrection) -> list[int]:
    """The data codewords: mode, count, bytes, terminator and padding."""
    bits: list[int] = []

    def put(value: int, length: int) -> None:
        bits.extend((value >> i) & 1 for i in reversed(range(length)))

    put(0b0100, 4)
    put(len(payload), 8 if version <= 9 else 16)
    for byte in payload:
        put(byte, 8)
    capacity = _data_codewords(version, level) * 8
    put(0, min(4, capacity - len(bits)))
    put(0, -len(bits) % 8)
    pad = 0xEC
    while len(bits) < capacity:
        put(pad, 8)
        pad ^= 0xEC ^ 0x11
    return [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8)]


def _gf_multiply(x: int, y: int) -> int:
    """Multiply in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1."""
    z = 0
    for i in reversed(range(8)):
        z = (z << 1) ^ ((z >> 7) * 0x11D)
        z ^= ((y >> i) & 1) * x
    return z


def _rs_divisor(degree: int) -> list[int]:
    """The Reed-Solomon generator polynomial's coefficients, highest power first (leading 1 left out)."""
    result = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            result[j] = _gf_multiply(result[j], root)
            if j + 1 < degree:
                result[j] ^= result[j + 1]
        root = _gf_multiply(root, 0x02)
    return result


def _rs_remainder(data: Sequence[int], divisor: Sequence[int]) -> list[int]:
    result = [0] * len(divisor)
    for byte in data:
        factor = byte ^ result.pop(0)
        result.append(0)
        for i, coefficient in enumerate(divisor):
            result[i] ^= _gf_multiply(coefficient, factor)
    return result


def _add_error_correction(data: list[int], version: int, level: ErrorCorrection) -> list[int]:
    """Split the data into blocks, add each block's error correction, and interleave."""
    blocks_total = _BLOCKS[level.index][version]
    ecc_length = _ECC_PER_BLOCK[level.index][version]
    raw_codewords = _raw_data_modules(version) // 8
    short_blocks = blocks_total - raw_codewords % blocks_total
    short_length = raw_codewords // blocks_total
    divisor = _rs_divisor(ecc_length)
    blocks: list[list[int]] = []
    start = 0
    for i in range(blocks_total):
        length = short_length - ecc_length + (0 if i < short_blocks else 1)
        chunk = data[start : start + length]
        start += length
        ecc = _rs_remainder(chunk, divisor)
        if i < short_blocks:
            chunk = [*chunk, 0]  # a placeholder, skipped when interleaving
        blocks.append(chunk + ecc)
    result = []
    for i in range(len(blocks[0])):
        for j, block in enumerate(blocks):
            if i != short_length - ecc_length or j >= short_blocks:
                result.append(block[i])
    return result


_MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda x, y: (x + y) % 2 == 0,
    lambda x, y: y % 2 == 0,
    lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0,
    lambda x, y: (x // 3 + y // 2) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0,
    lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
)


class _Matrix:
    """The module grid while it is being drawn, with a note of which modules are not data."""

    def __init__(self, version: int) -> None:
        self.version = version
        self.size = 17 + 4 * version
        self.modules = [[False] * self.size for _ in range(self.size)]
        self.reserved = [[False] * self.size for _ in range(self.size)]

    def set_function(self, x: int, y: int, dark: bool) -> None:
        self.modules[y][x] = dark
        self.reserved[y][x] = True

    def alignment_positions(self) -> list[int]:
        if self.version == 1:
            return []
        count = self.version // 7 + 2
        step = (self.version * 8 + count * 3 + 5) // (count * 4 - 4) * 2
        return [6, *reversed([self.size - 7 - i * step for i in range(count - 1)])]

    def draw_function_patterns(self) -> None:
        size = self.size
        for i in range(size):
            self.set_function(6, i, i % 2 == 0)
            self.set_function(i, 6, i % 2 == 0)
        for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):
            for dy in range(-4, 5):
                for dx in range(-4, 5):
                    x, y = cx + dx, cy + dy
                    if 0 <= x < size and 0 <= y < size:
                        self.set_function(x, y, max(abs(dx), abs(dy)) not in (2, 4))
        positions = self.alignment_positions()
        last = len(positions) - 1
        for i, cx in enumerate(positions):
            for j, cy in enumerate(positions):
                if (i, j) in ((0, 0), (0, last), (last, 0)):
                    continue  # under a finder pattern
                for dy in range(-2, 3):
                    for dx in range(-2, 3):
                        self.set_function(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1)
        self.draw_format_bits(0, ErrorCorrection.MEDIUM)  # reserve the area; drawn for real later
        if self.version >= 7:
            remainder = self.version
            for _ in range(12):
                remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
            bits = self.version << 12 | remainder
            for i in range(18):
                bit = (bits >> i) & 1 == 1
                a, b = size - 11 + i % 3, i // 3
                self.set_function(a, b, bit)
                self.set_function(b, a, bit)

    def draw_format_bits(self, mask: int, level: ErrorCorrection) -> None:
        data = level.format_bits << 3 | mask
        remainder = data
        for _ in range(10):
            remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
        bits = (data << 10 | remainder) ^ 0x5412

        def bit(i: int) -> bool:
            return (bits >> i) & 1 == 1

        size = self.size
        for i in range(6):
            self.set_function(8, i, bit(i))
        self.set_function(8, 7, bit(6))
        self.set_function(8, 8, bit(7))
        self.set_function(7, 8, bit(8))
        for i in range(9, 15):
            self.set_function(14 - i, 8, bit(i))
        for i in range(8):
            self.set_function(size - 1 - i, 8, bit(i))
        for i in range(8, 15):
            self.set_function(8, size - 15 + i, bit(i))
        self.set_function(8, size - 8, True)  # the dark module

    def draw_codewords(self, codewords: Sequence[int]) -> None:
        """Lay the codewords in the two-column zigzag, bottom right first, skipping reserved modules."""
        total = len(codewords) * 8
        i = 0
        right = self.size - 1
        while right >= 1:
            if right == 6:
                right = 5  # the vertical timing pattern
            upward = (right + 1) & 2 == 0
            for vertical in range(self.size):
                y = self.size - 1 - vertical if upward else vertical
                for x in (right, right - 1):
                    if not self.reserved[y][x] and i < total:
                        self.modules[y][x] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1
                        i += 1
            right -= 2
        # Any modules left over (the remainder bits) stay light.

    def masked(self, mask: int, level: ErrorCorrection) -> list[list[bool]]:
        """A copy of the grid with ``mask`` applied to the data and the format bits drawn."""
        test = _MASKS[mask]
        copy = _Matrix(self.version)
        copy.reserved = self.reserved
        copy.modules = [
            [dark ^ (not self.reserved[y][x] and test(x, y)) for x, dark in enumerate(row)]
            for y, row in enumerate(self.modules)
        ]
        copy.draw_format_bits(mask, level)
        return copy.modules


_FINDER_LIKE = ((1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0), (0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1))


def _penalty(modules: list[list[bool]]) -> int:
    """The mask penalty of ISO/IEC 18004 section 7.8.3: runs, boxes, finder look-alikes, balance."""
    size = len(modules)
    score = 0
    lines = [[int(d) for d in row] for row in modules]
    lines += [list(column) for column in zip(*lines, strict=True)]
    for line in lines:
        run_colour, run = line[0], 1
        for module in line[1:]:
            if module == run_colour:
                run += 1
            else:
                score += (run - 2) if run >= 5 else 0
                run_colour, run = module, 1
        score += (run - 2) if run >= 5 else 0
        padded = (0, 0, 0, 0, *line, 0, 0, 0, 0)
        for start in range(len(padded) - 10):
            if tuple(padded[start : start + 11]) in _FINDER_LIKE:
                score += 40
    for y in range(size - 1):
        for x in range(size - 1):
            colour = modules[y][x]
            if colour == modules[y][x + 1] == modules[y + 1][x] == modules[y + 1][x + 1]:
                score += 3
    dark = sum(map(sum, modules))
    total = size * size
    # 10 points for each full 5 % step away from half dark (the total is odd: never exactly half).
    score += ((abs(dark * 20 - total * 10) + total - 1) // total - 1) * 10
    return score
