"""Crash safety, for real: a process running a session is killed with SIGKILL at random moments.

Each run happens in its own process, which plays a long hill session through the real engine into
a real history file, saving each finished phase the way the app does, and prints ``saved N`` after
each commit. The test kills it with SIGKILL at a random point (after a random number of saves,
plus up to 2 ms more so the kill lands inside SQLite's work too, not only between commits), then
checks that:

* the file passes ``PRAGMA integrity_check``;
* every phase the process reported as saved is in it;
* reopening the history finds the run interrupted, and the resume point is its first unfinished
  phase.

To keep this quick, the processes are forked from one parent that imported everything once (a
"zygote", this file run as a script); it reaps each killed process and says so, so the test never
looks at the file while a dead process could still be taken for a live one. Every kill adds a run
to the same file, so recovery is also checked with earlier killed runs around.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from hiptimer.core.model import Session
from hiptimer.core.plan import Plan
from hiptimer.core.results import RunStatus
from hiptimer.history.store import SqliteStore

KILLS = 60
SESSION = "hill-sprints"


# --- the child -----------------------------------------------------------------------------------


def say(line: str) -> None:
    """One line to the test, in one write, so a kill never leaves half of it."""
    os.write(1, f"{line}\n".encode())


def zygote() -> None:
    """Import everything once, then fork a child for each ``go DB SEED`` line on stdin."""
    from store_kit import builtin

    from hiptimer.core.plan import compile_plan

    session = builtin(SESSION)
    plan = compile_plan(session, {"repeats": 12})
    for line in sys.stdin:
        _, db, seed = line.split()
        pid = os.fork()
        if pid == 0:
            try:
                child(db, int(seed), session, plan)
            finally:
                os._exit(0)
        say(f"forked {pid}")
        _, status = os.waitpid(pid, 0)
        say(f"reaped {pid} {os.waitstatus_to_exitcode(status)}")


def child(db: str, seed: int, session: Session, plan: Plan) -> None:
    """Play ``plan`` into ``db``, saving and reporting every phase, with random redos and pauses."""
    from datetime import UTC, datetime, timedelta

    from hiptimer.core.engine import Event, new_run, step
    from hiptimer.core.results import PhaseFinished, RunFinished
    from hiptimer.history.store import definition_hash

    rng = random.Random(seed)
    store = SqliteStore(db)
    store.open()
    say("ready")
    start = datetime.now(UTC)
    run_id = store.start_run(plan, definition_hash=definition_hash(session), started=start)
    say(f"started {run_id}")

    def wall(t: float) -> datetime:
        return start + timedelta(seconds=t)

    now = 0.0
    state, _ = step(new_run(plan), Event.START, now)
    while not state.over:
        deadline = state.deadline()
        roll = rng.random()
        if state.counting_down:
            assert deadline is not None
            now, event = deadline, Event.TICK
        elif roll < 0.05:
            now, event = now + 0.5, Event.BACK  # redo: the phase is saved again, replacing it
        elif roll < 0.10:
            now, event = now + 1.0, Event.NEXT
        elif roll < 0.15:
            state, _ = step(state, Event.PAUSE, now + 1.0)
            store.touch_run(run_id, wall(now + 1.0))
            now, event = now + 6.0, Event.RESUME
        elif deadline is not None:
            now, event = deadline, Event.TICK
        else:
            now, event = now + rng.uniform(20, 40), Event.DONE
        state, effects = step(state, event, now)
        for effect in effects:
            if isinstance(effect, PhaseFinished):
                r = effect.result
                store.save_phase(run_id, r, started=wall(r.started_at), ended=wall(r.ended_at))
                say(f"saved {r.index}")
            elif isinstance(effect, RunFinished):
                store.end_run(run_id, effect.status, ended=wall(effect.at))
                say("ended")


# --- the test ------------------------------------------------------------------------------------


@dataclass
class Kill:
    """What a child said before it was killed."""

    run_id: int | None = None
    saved: list[int] = field(default_factory=list)
    ended: bool = False
    exit_code: int | None = None


def kill_child(zygote: subprocess.Popen[str], db: Path, seed: int, rng: random.Random) -> Kill:
    """Fork a child, SIGKILL it after a random number of saves (-1: before its run starts)."""
    after = rng.choice([-1, 0, *range(1, 31)])
    stdin, stdout = _pipes(zygote)
    stdin.write(f"go {db} {seed}\n")
    stdin.flush()
    seen = Kill()
    pid: int | None = None
    kill_now = killed = False
    for line in stdout:
        word, _, value = line.strip().partition(" ")
        if word == "forked":
            pid = int(value)
        elif word == "started":
            seen.run_id = int(value)
        elif word == "saved":
            seen.saved.append(int(value))  # also lines read after the kill: those were committed
        elif word == "ended":
            seen.ended = True
        elif word == "reaped":
            seen.exit_code = int(value.split()[1])
            break
        if not killed and (
            (word == "ready" and after == -1)
            or (word in ("started", "saved") and len(seen.saved) >= after >= 0)
        ):
            kill_now = True
        if kill_now and not killed and pid is not None:
            time.sleep(rng.uniform(0, 0.002))
            # The child may have finished its run and been reaped already: then nothing to kill.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            killed = True
    assert seen.exit_code == -signal.SIGKILL or (seen.ended and seen.exit_code == 0), seen
    return seen


def _pipes(proc: subprocess.Popen[str]) -> tuple[IO[str], IO[str]]:
    assert proc.stdin is not None and proc.stdout is not None
    return proc.stdin, proc.stdout


def check_after(db: Path, seen: Kill) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        if seen.run_id is not None:
            on_disk = {
                i for (i,) in conn.execute("SELECT phase_index FROM phases WHERE run_id = ?", (seen.run_id,))
            }
            missing = set(seen.saved) - on_disk
            assert not missing, f"phases reported saved but not on disk: {sorted(missing)}"
    finally:
        conn.close()
    store = SqliteStore(db)
    try:
        assert all(r.status is not RunStatus.RUNNING for r in store.runs(limit=1000))
        if seen.run_id is None or seen.ended:
            return
        run = store.run(seen.run_id)
        assert run is not None
        done = {r.index for r in run.results}
        if run.status is RunStatus.COMPLETED:  # killed after its end was saved, before it said so
            assert done == set(range(len(run.results))) and len(done) == 35
            return
        assert run.status is RunStatus.INTERRUPTED
        point = store.resume_point(SESSION)
        assert point is not None and point.run_id == seen.run_id
        assert point.next_index == min(set(range(point.phase_count)) - done)
        assert point.next_index not in seen.saved
        assert point.targets == {"repeats": 12}
    finally:
        store.close()


def test_sigkill_at_random_moments_loses_no_saved_phase_and_leaves_the_run_resumable(tmp_path: Path) -> None:
    rng = random.Random(20240506)
    db = tmp_path / "history.sqlite3"
    zygote = subprocess.Popen(
        [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
    )
    kills: list[Kill] = []
    try:
        for seed in range(KILLS):
            kills.append(kill_child(zygote, db, seed, rng))
            check_after(db, kills[-1])
    finally:
        _pipes(zygote)[0].close()
        zygote.wait(timeout=60)
        assert zygote.returncode == 0
    assert sum(1 for k in kills if k.exit_code == -signal.SIGKILL) >= 50


if __name__ == "__main__":
    zygote()
