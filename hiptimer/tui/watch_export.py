"""The app's "Export to watch": today's plan of a session as a FIT workout file.

In a terminal the file is saved in the downloads folder (``HIPTIMER_EXPORT_DIR`` moves it) and
the app says where; in the served app it is handed to the browser (Textual's ``deliver_binary``),
so a phone can pass it on to Garmin Connect. The file is made on a worker thread: the FIT library
loads on first use.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from textual.app import App

from hiptimer.core.model import Session

__all__ = ["export_to_watch"]

NOTICE_SECONDS = 12.0
"""Long enough to read where the file went."""


def export_to_watch(app: App[object], session: Session, targets: Mapping[str, float], now: datetime) -> None:
    """Make the workout file of ``session`` at ``targets`` and save or deliver it (off the event loop)."""

    def make() -> None:
        try:
            deliver()
        except Exception as exc:  # a worker's error must reach the runner, not vanish with the thread
            app.call_from_thread(
                app.notify, f"Could not export the workout: {exc}", title="Export to watch", severity="error"
            )

    def deliver() -> None:
        from hiptimer.export.fit_workout import FIT_MIME_TYPE, MissingLibraryError
        from hiptimer.export.workout_file import export_workout, exports_dir

        try:
            workout = export_workout(
                session, targets, created=now, serial_number=secrets.randbelow(2**32 - 2) + 1
            )
        except MissingLibraryError as exc:
            app.call_from_thread(app.notify, str(exc), title="Export to watch", severity="error")
            return
        if app.is_web:
            app.call_from_thread(
                app.deliver_binary,
                io.BytesIO(workout.data),
                save_filename=workout.file_name,
                mime_type=FIT_MIME_TYPE,
            )
            message = f"{workout.file_name} is on its way to your browser: open it with Garmin Connect."
        else:
            folder = exports_dir()
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path = _save(folder / workout.file_name, workout.data)
            except OSError as exc:
                app.call_from_thread(
                    app.notify,
                    f"Could not save the workout in {folder}: {exc.strerror or exc}",
                    title="Export to watch",
                    severity="error",
                )
                return
            message = f"Saved {path}. Copy it into GARMIN/NewFiles on the watch (USB)."
        app.call_from_thread(app.notify, message, title="Export to watch", timeout=NOTICE_SECONDS)

    app.run_worker(make, thread=True, group="export-to-watch", exit_on_error=False)


def _save(path: Path, data: bytes) -> Path:
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path
