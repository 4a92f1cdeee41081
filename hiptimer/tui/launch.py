"""Build the app's real parts and run it: the one place that does (``hiptimer`` and ``hiptimer run``).

The monotonic clock, the session catalog, the history file, the cue player and the user's
settings are made here and handed to :class:`~hiptimer.tui.app.HiptimerApp`. At home, the cue
player is built once the first frame is on the screen (the app does it, on a thread of its own);
straight into a session, it starts on a thread of its own while the rest loads. Textual is
imported only once the session has been found, so a typo in ``hiptimer run SESSION`` fails
before loading it. The garbage collector is paused from the start until the first frame is up
(see :func:`_collect_again`).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Generic, TypeVar

from hiptimer.core.printable import escape

if TYPE_CHECKING:
    from textual.app import App

    from hiptimer.catalog.sessions import Catalog
    from hiptimer.core.ports import CuePlayer, RunStore
    from hiptimer.tui.app import HiptimerApp

__all__ = ["SERVED_VARIABLE", "run_app"]

SERVED_VARIABLE = "HIPTIMER_SERVED"
"""Set to "1" by ``hiptimer serve`` for the app it runs in each browser tab."""

T = TypeVar("T")


def run_app(session: str | None = None, *, theme: str | None = None) -> int:
    """Run the app, at home or straight into ``session`` (an id or a path to a .toml file).

    Args:
        session: The session to start, or None for the home screen.
        theme: A Textual theme name (default: Textual's).

    Returns:
        The exit code: 0, 1 for a session that cannot be found or loaded, 2 for an unknown theme
        (a usage error), 128 + N after signal N.
    """
    if theme is not None:
        from textual.theme import BUILTIN_THEMES

        if theme not in BUILTIN_THEMES:
            known = ", ".join(sorted(BUILTIN_THEMES))
            print(f"hiptimer: no theme {theme!r} (known: {known})", file=sys.stderr)
            return 2
    collecting = gc.isenabled()
    gc.disable()  # until the first frame: see _collect_again
    try:
        app = _build_app(session, theme, settled=partial(_collect_again, collecting))
        if app is None:
            return 1
        gc.freeze()  # what loading and building made lives as long as the app
        app.run()
    finally:
        if collecting:
            gc.enable()  # however the app ended (its first frame turns it on before)
    return app.return_code or 0


def _build_app(session: str | None, theme: str | None, *, settled: Callable[[], None]) -> HiptimerApp | None:
    """The app with its real parts, or None (said why) when ``session`` cannot be found."""
    notices: list[str] = []
    settings_note, muted, voice, offset, audio_mode, continue_minutes = _settings()
    if settings_note:
        notices.append(settings_note)
    # The bell player rings the app's own bell, which also reaches a browser under `hiptimer
    # serve`; the app does not exist yet, so the bell looks it up when it rings.
    ring: list[Callable[[], None]] = []
    out: list[Callable[[str], None]] = []
    make_player = partial(
        _player,
        audio_mode,
        voice,
        offset,
        bell=lambda: ring[0]() if ring else None,
        emit=lambda data: out[0](data) if out else None,
    )
    # Starting the cue player's worker process takes a few tenths of a second, mostly waiting for
    # it to find a device. Straight into a session, it starts first and the sessions, the history
    # and Textual load meanwhile; at home, the app starts it after its first frame (nothing plays
    # before a run starts, and a run waits for it).
    audio = _Background(make_player) if session is not None else None
    from hiptimer.catalog.sessions import SessionNotFoundError  # late: made with the collector paused

    catalog = load_catalog()
    start = None
    if session is not None and audio is not None:
        try:
            start = catalog.find(session)
        except SessionNotFoundError as exc:
            print(f"hiptimer: {escape(exc.message)}", file=sys.stderr)
            for error in exc.errors:
                print(f"  {error}", file=sys.stderr)
            audio.result()[0].close()
            return None
    store, store_note = _store()
    if store_note:
        notices.append(store_note)

    from hiptimer.tui.app import HiptimerApp

    player, audio_note = audio.result() if audio is not None else (None, None)

    app = HiptimerApp(
        clock=time.monotonic,
        catalog=catalog,
        store=store,
        player=player,
        start=start,
        muted=muted,
        theme=theme,
        notices=notices,
        audio_notice=audio_note,
        served=os.environ.get(SERVED_VARIABLE) == "1",
        continue_minutes=continue_minutes,
        history_check=_check_pages,
        audio=make_player if player is None else None,
        settled=settled,
    )
    ring.append(app.bell)
    out.append(partial(_write, app))
    return app


def load_catalog() -> Catalog:
    """The sessions (imported when the app is built, while the collector is paused)."""
    from hiptimer.catalog.sessions import load_catalog as load

    return load()


def _collect_again(collecting: bool) -> None:
    """Once the first frame is up: what was made until then is left out of every later garbage
    collection (``gc.freeze``), and the collector runs again (if it ran before ``run_app``).

    Loading Textual, hiptimer's modules and the catalog, building the app and its home screen
    make about 50,000 objects that live as long as the app; the collector went through them over
    a hundred times before the first frame, to find almost nothing. Garbage made later is
    collected as before.
    """
    gc.freeze()
    if collecting:
        gc.enable()


class _Background(Generic[T]):
    """Runs ``work`` on a thread of its own from now; :meth:`result` waits for what it returns."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._outcome: list[T] = []
        self._error: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, name="hiptimer-start-audio", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome.append(self._work())
        except BaseException as exc:  # handed to the caller of result(), as if called there
            self._error.append(exc)

    def result(self) -> T:
        """What ``work`` returned (it raises what ``work`` raised)."""
        self._thread.join()
        if self._error:
            raise self._error[0]
        return self._outcome[0]


def _settings() -> tuple[str | None, bool, bool, float, str | None, float]:
    """The user's settings: a notice if they could not all be read, start muted, voice, offset,
    mode, and how many minutes a run interrupted goes on by its clock."""
    from hiptimer.settings import load_settings

    settings, note = load_settings()
    mode = os.environ.get("HIPTIMER_AUDIO") or settings.audio
    return note, settings.start_muted, settings.voice, settings.audio_offset, mode, settings.continue_minutes


def _store() -> tuple[RunStore, str | None]:
    """The history file (a damaged one moved aside, an unwritable folder kept in memory), and a notice.

    Every page of the file is checked after the app's first frame (:func:`_check_pages`), not
    here: the check grows with the history (27 ms at 1,000 runs, 0.3 s at 10,000).
    """
    from hiptimer.history.store import open_store

    return open_store(verify=False)


def _check_pages(store: RunStore) -> str | None:
    """Check every page of the history file (on the store's thread); what to tell the user."""
    from hiptimer.history.store import SqliteStore

    return store.check_pages() if isinstance(store, SqliteStore) else None


def _player(
    mode: str | None,
    voice: bool,
    offset: float,
    *,
    bell: Callable[[], None],
    emit: Callable[[str], None],
) -> tuple[CuePlayer, str]:
    """The cue player that works here, and the one-line notice saying which it is."""
    from hiptimer.audio import make_player

    return make_player(mode, voice=voice, offset=offset, bell=bell, emit=emit)


def _write(app: App[None], data: str) -> None:
    """Write an escape sequence to the app's output, as ``App.bell`` writes the bell."""
    driver = app._driver
    if driver is not None and not app.is_headless:
        driver.write(data)
