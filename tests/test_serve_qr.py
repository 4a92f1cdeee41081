"""The QR code that `hiptimer serve` prints, so a phone can open the page with its camera."""

from __future__ import annotations

import pytest

from hiptimer.qr import ErrorCorrection, QrCode, encode, render_half_blocks

# "hiptimer", byte mode, version 1, level M, mask 0, as drawn by a reference encoder.
HIPTIMER_1M_MASK0 = (
    "#######.......#######",
    "#.....#.##.##.#.....#",
    "#.###.#..#.#..#.###.#",
    "#.###.#..#.##.#.###.#",
    "#.###.#.#####.#.###.#",
    "#.....#...##..#.....#",
    "#######.#.#.#.#######",
    ".....................",
    "#.#.#.#...#.#...#..#.",
    "#..##...#.##.#..#####",
    "....#.###..#...######",
    ".#.###.###.###.....#.",
    ".##...#.##.#..####...",
    "........#.#...####.##",
    "#######..##.#..##.###",
    "#.....#.......#....#.",
    "#.###.#.###.#.##.#...",
    "#.###.#..#.#.#.##..#.",
    "#.###.#.####.####.#.#",
    "#.....#...####.....#.",
    "#######.####.##....##",
)


def drawn(code: QrCode) -> tuple[str, ...]:
    return tuple("".join("#" if dark else "." for dark in row) for row in code.modules)


def format_bits(code: QrCode) -> int:
    """The 15 format bits as read from the copy around the top-left finder, unmasked."""
    m = code.modules
    cells = [(8, i) for i in range(6)] + [(8, 7), (8, 8), (7, 8)] + [(14 - i, 8) for i in range(9, 15)]
    return sum(m[y][x] << i for i, (x, y) in enumerate(cells)) ^ 0x5412


def bch_remainder(value: int) -> int:
    for shift in range(4, -1, -1):
        if value & (1 << (shift + 10)):
            value ^= 0x537 << shift
    return value


def test_a_short_text_matches_the_reference_encoder_module_for_module() -> None:
    code = encode("hiptimer", ErrorCorrection.MEDIUM, mask=0)
    assert (code.version, code.size) == (1, 21)
    assert drawn(code) == HIPTIMER_1M_MASK0


@pytest.mark.parametrize(
    ("length", "level", "version"),
    [
        (14, ErrorCorrection.MEDIUM, 1),
        (15, ErrorCorrection.MEDIUM, 2),
        (17, ErrorCorrection.LOW, 1),
        (7, ErrorCorrection.HIGH, 1),
        (213, ErrorCorrection.MEDIUM, 10),
        (214, ErrorCorrection.MEDIUM, 11),
        (2953, ErrorCorrection.LOW, 40),
    ],
)
def test_the_smallest_version_that_holds_the_data_is_chosen(
    length: int, level: ErrorCorrection, version: int
) -> None:
    assert encode(b"a" * length, level).version == version


def test_data_too_long_for_any_version_is_refused() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        encode(b"a" * 2954, ErrorCorrection.LOW)


def test_a_served_address_has_finders_timing_and_valid_format_bits() -> None:
    url = "http://192.168.1.23:8000/?token=Zq3v9Xk2bN0cR7pW4yHfLa"
    code = encode(url)
    size = code.size
    assert code.version == 4  # 71 bytes at level M: 33 x 33 modules, fits a terminal
    finder = ("#######", "#.....#", "#.###.#", "#.###.#", "#.###.#", "#.....#", "#######")
    rows = drawn(code)
    for x0, y0 in ((0, 0), (size - 7, 0), (0, size - 7)):
        assert tuple(row[x0 : x0 + 7] for row in rows[y0 : y0 + 7]) == finder
    timing = "".join("#" if i % 2 == 0 else "." for i in range(8, size - 8))
    assert rows[6][8 : size - 8] == timing
    assert "".join(row[6] for row in rows[8 : size - 8]) == timing
    assert code.modules[size - 8][8], "the dark module"
    bits = format_bits(code)
    assert bch_remainder(bits) == 0
    assert bits >> 10 == (ErrorCorrection.MEDIUM.format_bits << 3 | code.mask)


def test_half_blocks_draw_two_module_rows_per_line_and_read_back_the_same() -> None:
    code = encode("hiptimer")
    text = render_half_blocks(code, border=2, color=False)
    lines = text.splitlines()
    width = code.size + 4
    assert len(lines) == (width + 1) // 2
    assert all(len(line) == width for line in lines)
    halves = {" ": (False, False), "▄": (False, True), "▀": (True, False), "█": (True, True)}
    light_rows: list[list[bool]] = []
    for line in lines:
        tops, bottoms = zip(*(halves[ch] for ch in line), strict=True)
        light_rows += [list(tops), list(bottoms)]
    # Without colour the glyphs paint the light modules: invert to get the code back.
    dark = [[not light for light in row[2:-2]] for row in light_rows[2 : 2 + code.size]]
    assert dark == [list(row) for row in code.modules]


def test_coloured_half_blocks_paint_black_on_white_on_any_terminal() -> None:
    text = render_half_blocks(encode("hiptimer"))
    for line in text.splitlines():
        assert line.startswith("\x1b[30;107m")
        assert line.endswith("\x1b[0m")
