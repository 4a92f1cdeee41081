"""Keep libasound quiet, and ask it whether a playback device opens.

libasound prints its errors ("ALSA lib confmisc.c:855:(parse_card) cannot find card '0'") straight
to the process's stderr, which in the app is the Textual screen. :func:`silence_alsa` installs an
error handler that drops them; it must run in the process that plays (the playback worker does it
first thing). Linux only; elsewhere these functions do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from typing import Any

__all__ = ["default_device_problem", "silence_alsa"]

_ERROR_HANDLER = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
"""``snd_lib_error_handler_t``; the variadic tail is never read, so it is left out."""


def _ignore(file: bytes | None, line: int, function: bytes | None, err: int, fmt: bytes | None) -> None:
    return None


_state: dict[str, Any] = {}
"""The loaded library and the installed handler (kept referenced so it is never freed)."""


def _libasound() -> Any | None:
    if "lib" not in _state:
        lib = None
        if sys.platform.startswith("linux"):
            for name in ("libasound.so.2", ctypes.util.find_library("asound")):
                if not name:
                    continue
                try:
                    lib = ctypes.CDLL(name)
                    break
                except OSError:
                    continue
        _state["lib"] = lib
    return _state["lib"]


def silence_alsa() -> bool:
    """Stop libasound printing errors in this process.

    Returns:
        True if libasound is present and now silent; False where there is no libasound.
    """
    if "handler" in _state:
        return True
    lib = _libasound()
    if lib is None:
        return False
    handler = _ERROR_HANDLER(_ignore)
    try:
        lib.snd_lib_error_set_handler(handler)
    except (AttributeError, OSError):
        return False
    _state["handler"] = handler
    return True


def default_device_problem() -> str | None:
    """Open and close ALSA's default playback device, without playing anything.

    Returns:
        None if it opens (or this is not Linux), else libasound's reason.
    """
    lib = _libasound()
    if lib is None:
        return None if not sys.platform.startswith("linux") else "libasound.so.2 not found"
    silence_alsa()
    handle = ctypes.c_void_p()
    playback, nonblock = 0, 1
    try:
        lib.snd_strerror.restype = ctypes.c_char_p
        rc = lib.snd_pcm_open(ctypes.byref(handle), b"default", playback, nonblock)
        if rc < 0:
            reason = lib.snd_strerror(rc)
            return f"no sound device ({reason.decode(errors='replace') if reason else rc})"
        lib.snd_pcm_close(handle)
    except (AttributeError, OSError) as exc:
        return f"libasound: {exc}"
    return None
