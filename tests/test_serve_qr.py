"""The QR code that `hiptimer serve` prints, so a phone can open the page with its camera."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import segno

from hiptimer.web.qr import qr_text

URL = "http://192.168.1.23:8000/?token=Zq3v9Xk2bN0cR7pW4yHfLa"
HALVES = {" ": (False, False), "▄": (False, True), "▀": (True, False), "█": (True, True)}


def read_back(text: str, *, color: bool) -> list[list[bool]]:
    """The dark modules of a drawn code, border included, from its half-block lines."""
    rows: list[list[bool]] = []
    for line in text.splitlines():
        if color:
            line = line.removeprefix("\x1b[30;107m").removesuffix("\x1b[0m")
        tops, bottoms = zip(*(HALVES[ch] for ch in line), strict=True)
        rows += [list(tops), list(bottoms)]
    # Without colour the glyphs paint the light modules.
    return rows if color else [[not painted for painted in row] for row in rows]


@pytest.mark.parametrize("color", [True, False])
def test_the_drawn_code_is_segnos_module_for_module(color: bool) -> None:
    expected = [[bool(m) for m in row] for row in segno.make(URL, error="m").matrix_iter(border=2)]
    drawn = read_back(qr_text(URL, color=color), color=color)
    assert drawn[: len(expected)] == expected
    assert len(drawn) == len(expected) + 1  # an odd height: the last line's lower half is empty


def test_a_served_address_fits_a_terminal() -> None:
    lines = qr_text(URL, color=False).splitlines()
    assert len(lines) <= 20  # 33 modules (version 4) and a border, two module rows a line
    assert {len(line) for line in lines} == {37}


def test_coloured_half_blocks_paint_black_on_white_on_any_terminal() -> None:
    for line in qr_text(URL).splitlines():
        assert line.startswith("\x1b[30;107m")
        assert line.endswith("\x1b[0m")


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) is not installed")
@pytest.mark.parametrize("color", [True, False])
def test_a_phone_camera_reads_the_address_from_the_terminal(tmp_path: Path, color: bool) -> None:
    """What the terminal shows, turned into an image pixel for pixel, scans back to the address."""
    modules = read_back(qr_text(URL, color=color), color=color)
    scale, quiet = 8, 4
    width = len(modules[0]) + 2 * quiet
    rows = [[False] * width] * quiet + [[False] * quiet + r + [False] * quiet for r in modules]
    rows += [[False] * width] * quiet
    pixels = bytearray()
    for row in rows:
        line = bytes(0 if dark else 255 for dark in row for _ in range(scale))
        pixels += line * scale
    image = tmp_path / "code.pgm"
    image.write_bytes(b"P5 %d %d 255\n" % (width * scale, len(rows) * scale) + bytes(pixels))
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, timeout=60, check=True
    )
    assert scanned.stdout.strip() == URL
