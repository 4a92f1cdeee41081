"""The core stays pure: each core module imports, in a fresh interpreter, none of the edges.

The engine and its data must run anywhere (tests, a benchmark, a web page) without a terminal,
an event loop, a database or a sound device; this test keeps it that way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CORE = sorted(p.stem for p in (Path(__file__).parents[1] / "hiptimer" / "core").glob("[!_]*.py"))
"""Every module of hiptimer/core (progression: today's targets from history, a pure function)."""

EDGES = ["textual", "rich", "sqlite3", "_sqlite3", "simpleaudio", "platformdirs", "asyncio"]
"""What the core must never import, directly or through anything it imports."""

_PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in set(sys.argv[2:]))))
"""


@pytest.fixture(scope="module")
def imported() -> dict[str, list[str]]:
    """For each core module, the edge modules present after importing it alone (all run at once)."""
    probes = {
        name: subprocess.Popen(
            [sys.executable, "-I", "-c", _PROBE, f"hiptimer.core.{name}", *EDGES],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in CORE
    }
    found: dict[str, list[str]] = {}
    for name, probe in probes.items():
        out, err = probe.communicate(timeout=60)
        assert probe.returncode == 0, f"importing hiptimer.core.{name} failed:\n{err}"
        found[name] = json.loads(out)
    return found


@pytest.mark.parametrize("module", CORE)
def test_a_core_module_imports_no_edge(module: str, imported: dict[str, list[str]]) -> None:
    assert imported[module] == [], f"hiptimer.core.{module} pulls in {imported[module]}"
