"""Audio cues: the player the app calls, its backends, and the sound files.

May import the core, settings, locations and resources; knows no screen, history or web page.

Use :func:`make_player` once at start-up; it returns a :class:`CuePlayer` and a one-line notice.
The player's ``play`` returns at once and never raises; sound is made in a child process (see
:mod:`hiptimer.audio.worker`) under the channel rules of :mod:`hiptimer.audio.channel`, which keep
speech from piling up over the 3-2-1 pips.

For session validation: :func:`resolve_sound` finds a custom step sound (only inside the sounds
folders) and :func:`validate_wav` says what is wrong with a file; :func:`sound_problem` does both.

``player.offset``: seconds the app plays every cue early. simpleaudio's output adds a fixed delay
of about 0.1 s on top of the worker's few milliseconds, and Bluetooth outputs add 0.1-0.3 s more;
the user sets ``audio_offset`` in the settings file (:mod:`hiptimer.settings`) to match, and the
app schedules cues that much before their moment.
"""

from __future__ import annotations

from hiptimer.audio.choose import MODES, make_player
from hiptimer.audio.player import WorkerPlayer
from hiptimer.audio.simple import BellPlayer, CuePlayer, NullPlayer, RecordingPlayer
from hiptimer.audio.sounds import SoundError, resolve_sound, sound_problem, validate_wav

__all__ = [
    "MODES",
    "BellPlayer",
    "CuePlayer",
    "NullPlayer",
    "RecordingPlayer",
    "SoundError",
    "WorkerPlayer",
    "make_player",
    "resolve_sound",
    "sound_problem",
    "validate_wav",
]
