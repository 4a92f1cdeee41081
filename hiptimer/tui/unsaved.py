"""Runs kept in memory because the history file cannot be written: say so once, offer to save them.

When the data folder is read-only or full, :class:`~hiptimer.history.store.SqliteStore` keeps this
process's runs in memory (``in_memory``) and says why (``notice``). The app then tells the runner
once, at home; after each run (on the summary) and when quitting it offers to write those runs
to a JSON file (the ``hiptimer history --json`` format) in the home folder, or else the current
folder, and says where it went. Stores without these attributes (a plain in-memory store in
tests) never ask.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol, cast

from hiptimer.core.ports import RunStore, StoredRun
from hiptimer.tui.parts import AppParts

__all__ = ["MemoryState", "UnsavedRuns", "export_folders", "export_runs", "memory_state"]


class _Exports(Protocol):
    """A store that can write the runs it keeps in memory (:class:`~hiptimer.history.store.SqliteStore`)."""

    def export_json(self, path: Path | str) -> int: ...

    def memory_runs(self) -> list[StoredRun]: ...


class MemoryState:
    """What the store says about keeping runs in memory.

    A plain class: the app loads this module before its first frame, and a frozen dataclass
    costs a millisecond to define.
    """

    __slots__ = ("in_memory", "notice", "runs")

    def __init__(
        self, in_memory: bool, notice: str | None, runs: tuple[tuple[int, str, str], ...] = ()
    ) -> None:
        self.in_memory = in_memory
        self.notice = notice
        self.runs = runs
        """Each run held in memory: id, status and end (changes when a run does)."""

    @property
    def count(self) -> int:
        """How many runs are held in memory."""
        return len(self.runs)


def memory_state(store: RunStore) -> MemoryState:
    """Whether ``store`` keeps runs in memory only, its notice, and those runs. Store thread only."""
    in_memory = bool(getattr(store, "in_memory", False))
    notice = getattr(store, "notice", None)
    notice = notice if isinstance(notice, str) and notice else None
    if not in_memory or not callable(getattr(store, "memory_runs", None)):
        return MemoryState(in_memory, notice)
    runs = tuple(
        (r.run_id, r.status.value, r.ended.isoformat() if r.ended else "")
        for r in cast("_Exports", store).memory_runs()
    )
    return MemoryState(True, notice, runs)


def export_folders() -> list[Path]:
    """Where an export goes: the home folder, else the current folder."""
    folders = []
    with contextlib.suppress(RuntimeError, KeyError):  # no home folder known
        folders.append(Path.home())
    with contextlib.suppress(OSError):  # the current folder was removed
        folders.append(Path.cwd())
    return folders


def export_name(now: datetime) -> str:
    """The export's file name, from the local time: ``hiptimer-history-20250514-073000.json``."""
    return f"hiptimer-history-{now.astimezone():%Y%m%d-%H%M%S}.json"


def _free(path: Path) -> Path:
    """``path``, or ``name-2.json``, ``name-3.json``... if it is taken."""
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def proposed_path(now: datetime, folders: Sequence[Path]) -> Path | None:
    """Where an export made now would go: the first folder that can be written."""
    for folder in folders:
        if folder.is_dir() and os.access(folder, os.W_OK):
            return _free(folder / export_name(now))
    return None


def export_runs(store: RunStore, now: datetime, folders: Sequence[Path]) -> tuple[Path, int]:
    """Write the runs held in memory to a new file in the first folder that takes it. Store thread only.

    Returns:
        The file written and the number of runs in it.

    Raises:
        OSError: No folder could take the file (the last error, with a message that names them).
    """
    export = cast("_Exports", store).export_json
    failure: OSError | None = None
    for folder in folders:
        path = _free(folder / export_name(now))
        try:
            return path, export(path)
        except OSError as exc:
            failure = exc
    tried = ", ".join(str(f) for f in folders) or "no folder"
    why = f" ({failure.strerror or failure})" if failure is not None else ""
    raise OSError(f"could not write the runs to {tried}{why}")


class UnsavedRuns:
    """Tells the runner once that history is kept in memory, and offers to save those runs.

    Args:
        app: The app (its store worker, wall clock and screens).
        told: Notices already shown (the app shows the ones it was started with).
        folders: Where exports go (default: :func:`export_folders`).
    """

    def __init__(
        self,
        app: AppParts,
        *,
        told: Iterable[str] = (),
        folders: Callable[[], list[Path]] = export_folders,
    ) -> None:
        self._app = app
        self._told = [t for t in told if t]
        self._folders = folders
        self._saved: tuple[tuple[int, str, str], ...] = ()
        self._asking = False

    def _unsaved(self, state: MemoryState) -> bool:
        return state.in_memory and state.count > 0 and state.runs != self._saved

    def _new_part(self, notice: str | None) -> str | None:
        """What of ``notice`` has not been shown yet (the store adds to its notice)."""
        if notice is None:
            return None
        for old in self._told:
            if notice == old:
                return None
            if notice.startswith(old):
                notice = notice[len(old) :].strip()
        return notice or None

    def told(self, notice: str) -> None:
        """``notice`` (the store's) has been shown by the app: :meth:`tell` says only what is new."""
        self._told.append(notice)

    async def tell(self) -> None:
        """Show the store's notice if it says something new (call it at home)."""
        state = await self._app.store_worker.call(memory_state)
        new = self._new_part(state.notice)
        if state.notice is not None and new is not None:
            self._told.append(state.notice)
            self._app.notify(new, severity="warning" if state.in_memory else "information", timeout=20)

    def offer_after_run(self) -> None:
        """On the summary: if runs are kept in memory and not saved yet, offer to save them."""
        self._app.run_worker(self._offer_after_run(), group="unsaved-runs")

    async def _offer_after_run(self) -> None:
        state = await self._app.store_worker.call(memory_state)
        if not self._unsaved(state) or self._asking:
            return
        now = self._app.wall_clock()
        path = proposed_path(now, self._folders())
        where = f" to {path}" if path is not None else ""
        self._asking = True
        from hiptimer.tui.screens.save_runs import SaveRunsScreen  # late: rarely needed, not at start

        answer = await self._app.push_screen_wait(
            SaveRunsScreen(
                "History cannot be saved",
                f"{_held(state.count)} Save {'it' if state.count == 1 else 'them'}{where}?",
                yes="Save",
                no="Not now",
            )
        )
        self._asking = False
        if answer:
            await self._save(state, now)

    async def _save(self, state: MemoryState, now: datetime) -> tuple[Path, int] | None:
        """Export the runs held in memory; say where they went, or why they could not be saved.

        ``now`` names the file: the time the question was asked, so the file is the one it named.
        """
        app = self._app
        folders = self._folders()
        try:
            path, count = await app.store_worker.call(lambda store: export_runs(store, now, folders))
        except OSError as exc:
            app.notify(f"The runs were not saved: {exc}.", severity="error", timeout=20)
            return None
        self._saved = state.runs
        app.notify(
            f"Saved {_runs(count)} to {path}. When the history can be written again,"
            f" `hiptimer history --import {path}` adds {'it' if count == 1 else 'them'} to it.",
            timeout=30,
        )
        return path, count

    async def ask_before_quit(self) -> bool:
        """When quitting with runs kept only in memory and not saved, ask whether to save them.

        The answer finishes the quit (save, then exit; or exit), or cancels it (escape).

        Returns:
            Whether the question was asked: the app must not exit now. Quitting again while it
            is asked quits without asking.
        """
        if self._asking:
            return False
        state = await self._app.store_worker.call(memory_state)
        if not self._unsaved(state):
            return False
        self._asking = True
        now = self._app.wall_clock()
        path = proposed_path(now, self._folders())
        where = f" to {path}" if path is not None else ""
        runs = _runs(state.count)
        them = "it" if state.count == 1 else "them"
        from hiptimer.tui.screens.save_runs import SaveRunsScreen  # late: rarely needed, not at start

        self._app.push_screen(
            SaveRunsScreen(
                f"Save {runs} before quitting?",
                f"{_held(state.count)} Save {them}{where}? (escape: keep hiptimer open)",
                yes="Save and quit",
                no="Quit without saving",
            ),
            lambda answer: self._quit_answered(state, now, answer),
        )
        return True

    def _quit_answered(self, state: MemoryState, now: datetime, answer: bool | None) -> None:
        self._asking = False
        if answer is None:
            return
        if not answer:
            self._app.exit(return_code=0)
            return

        async def save_and_quit() -> None:
            saved = await self._save(state, now)
            if saved is not None:
                path, count = saved
                self._app.exit(
                    return_code=0,
                    message=f"hiptimer: saved {_runs(count)} to {path}"
                    f" (hiptimer history --import {path} adds them to the history later)",
                )

        self._app.run_worker(save_and_quit(), group="unsaved-runs")


def _runs(count: int) -> str:
    return "1 run" if count == 1 else f"{count} runs"


def _held(count: int) -> str:
    """Why the runs need saving, in one sentence."""
    runs = "The run" if count == 1 else f"The {count} runs"
    verb = "is" if count == 1 else "are"
    return (
        f"The history file cannot be written. {runs} done since hiptimer started {verb} kept in"
        " memory only, and lost when it closes."
    )
