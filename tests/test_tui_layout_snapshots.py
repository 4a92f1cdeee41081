"""SVG snapshots of the run screen at every size a runner meets, in a fixed theme on a fake clock.

A hold, a sprint with three buttons, a rest and a rep step, at 100 x 30, 80 x 24, 50 x 16, a phone
upright (41 x 40, served) and sideways (90 x 18, served). Regenerate after an intended change with
``pytest tests/test_tui_layout_snapshots.py --snapshot-update`` and look at the SVGs first.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from run_states import SERVED, SIZES, STATES, reach
from tui_kit import FakeClock, make_app

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("state", list(STATES))
def test_run_screen(snap_compare: SnapCompare, state: str, size: str) -> None:
    clock = FakeClock()
    app = make_app(clock, start=STATES[state].session, served=size in SERVED)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=reach(STATES[state], clock))
