"""Whether a run marked ``running`` is still driven by a live app, and how it ends if not.

See :mod:`hiptimer.history.recovery` for the rules (a pid and a heartbeat per run). Kept apart
from the store, which ends such runs when it opens the file, so that ``hiptimer history`` can
show them as they will end while it only reads the file, without the store's classes.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime

from hiptimer.core.outcomes import RunStatus
from hiptimer.history.layout import parse_time

__all__ = [
    "HEARTBEAT_SECONDS",
    "OPEN_OWNERS",
    "STALE_AFTER_SECONDS",
    "STALE_COLUMNS",
    "held_elsewhere",
    "stale_end",
]

HEARTBEAT_SECONDS = 15.0
"""The app touches an open run at least this often (see :meth:`SqliteStore.touch_run`)."""

STALE_AFTER_SECONDS = 120.0
"""A running run whose heartbeat is older than this is not held by anyone, whatever its pid."""

OPEN_OWNERS: set[object] = set()
"""The owners of the stores open in this process (another one's run is held while it is open)."""

STALE_COLUMNS = (
    "id, pid, owner, heartbeat, started, phase_count,"
    " (SELECT count(*) FROM phases WHERE run_id = runs.id) AS saved,"
    " (SELECT outcome FROM phases WHERE run_id = runs.id ORDER BY phase_index DESC LIMIT 1) AS last"
)
"""What :func:`stale_end` reads of a ``runs`` row (``SELECT {STALE_COLUMNS} FROM runs ...``)."""


def stale_end(row: sqlite3.Row, now: datetime, *, mine: str = "") -> tuple[RunStatus, str] | None:
    """How a run left ``running`` ends, and when (stored time text); None while an app holds it.

    Such a run ends ``interrupted`` (and can be resumed), unless every phase was saved and only
    its end was lost: then it ended with its last phase, ``completed`` (or ``aborted``, if that
    phase was).

    Args:
        row: The run, selected with :data:`STALE_COLUMNS`.
        now: The wall clock's time.
        mine: The owner of the store asking (its own runs are not held elsewhere).
    """
    beat = parse_time(row["heartbeat"] or row["started"])
    if held_elsewhere(row["pid"], beat, now, owner=row["owner"], mine=mine):
        return None
    status = RunStatus.INTERRUPTED
    if row["saved"] >= row["phase_count"] > 0:
        status = RunStatus.ABORTED if row["last"] == "aborted" else RunStatus.COMPLETED
    return status, str(row["heartbeat"] or row["started"])


def held_elsewhere(
    pid: object, heartbeat: datetime, now: datetime, *, owner: object = None, mine: str = ""
) -> bool:
    """Whether a live app other than this store holds a run with this pid, heartbeat and owner.

    Another store in this same process (two apps on one history, as in tests) holds it while its
    heartbeat is fresh.
    """
    if owner is not None and owner == mine:
        return False
    if (now - heartbeat).total_seconds() > STALE_AFTER_SECONDS:
        return False
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        return owner in OPEN_OWNERS
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    except OSError:
        return False
    return True
