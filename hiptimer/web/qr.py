"""The page's address as a QR code in the terminal, so a phone can open it with its camera.

segno encodes it; this module only draws segno's modules with Unicode half blocks, two rows of
modules per line of text, which keeps the code half as tall as one character per module.
"""

from __future__ import annotations

import segno

__all__ = ["qr_text"]


def qr_text(data: str, *, border: int = 2, color: bool = True) -> str:
    """Draw ``data`` as a QR code (error correction level M) in half blocks.

    Args:
        data: What the code holds (the page's address).
        border: The quiet zone around the code, in modules (the standard asks for 4; 2 scans
            fine from a screen and keeps the code small).
        color: Paint black on white with ANSI colours, so the code reads the same on dark and
            light terminals. Without colour, dark modules are drawn as spaces and light ones as
            blocks, which suits the usual light-on-dark terminal.

    Returns:
        Lines joined by newlines, without a trailing newline.
    """
    code = segno.make(data, error="m", micro=False, boost_error=False)
    # What each glyph paints: the dark modules on a white background, else the light ones.
    painted = [[bool(m) == color for m in row] for row in code.matrix_iter(border=border)]
    if len(painted) % 2:
        painted.append([False] * len(painted[0]))  # below the last row: nothing to paint
    lines = []
    for top_row, bottom_row in zip(painted[::2], painted[1::2], strict=True):
        line = "".join(" ▄▀█"[(top << 1) | bottom] for top, bottom in zip(top_row, bottom_row, strict=True))
        lines.append(f"\x1b[30;107m{line}\x1b[0m" if color else line)
    return "\n".join(lines)
