"""``hiptimer show SESSION --cues``: every cue of today's plan, when it plays and what it says.

One line per cue, in the order heard, with fixed columns so that tests and scripts can read it:

    TIME      UNTIL     PHASE                CHANNEL  TONE       WORDS
    0:00.00   0:01.73   get ready            cues     get-ready  "get ready, sprint"
    0:07.00   0:07.10   get ready            cues     pip        -

TIME and UNTIL are minutes:seconds from the start of the run (the get-ready countdown's start),
to the hundredth; after a step that lasts until *done* they are estimates, marked ``~``. TONE is
the tone played first (a cue name, whose file is ``sounds/<name>.wav``, or a session's own sound),
``-`` for words alone; WORDS is the phrase said after it. All cues share one channel, so a line
never starts before the one above it has ended, unless that one is a tick.
"""

from __future__ import annotations

from collections.abc import Sequence

from hiptimer.core.cue_timeline import ScheduledCue, plan_cues, run_timeline
from hiptimer.core.cues import ClipLengths
from hiptimer.core.plan import Plan

__all__ = ["cue_lines", "default_lengths"]

CHANNEL = "cues"
"""The one playback channel every cue plays on."""


def default_lengths() -> ClipLengths:
    """The lengths of the sounds the app plays: the built-in ones, with the user's in their place."""
    from hiptimer import locations, resources
    from hiptimer.audio.lengths import clip_lengths

    return clip_lengths(resources.sounds_dir(), locations.user_sounds_dir())


def _time(seconds: float, estimate: bool) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{'~' if estimate else ''}{int(minutes)}:{secs:05.2f}"


def _phase_name(plan: Plan, index: int) -> str:
    if index < 0:
        return "get ready"
    if index >= len(plan.phases):
        return "end"
    phase = plan.phases[index]
    side = f" ({phase.side.value})" if phase.side is not None else ""
    return f"{index + 1}. {phase.label}{side}"


def _tone(cue: ScheduledCue) -> str:
    request = cue.request
    if not request.tone:
        return "-"
    return request.sound or request.cue.value


def cue_lines(plan: Plan, lengths: ClipLengths | None = None, *, voice: bool = True) -> list[str]:
    """The cue listing of ``plan``: a header line, then one line per cue.

    Args:
        plan: Today's plan.
        lengths: The clips' lengths (default: estimates).
        voice: Whether words are said (the settings' ``voice``); False lists tones alone.
    """
    timeline = run_timeline(plan, plan_cues(plan, lengths))
    estimate_from = _first_untimed_end(plan, timeline)
    rows: list[Sequence[str]] = [("TIME", "UNTIL", "PHASE", "CHANNEL", "TONE", "WORDS")]
    for cue in timeline:
        estimate = estimate_from is not None and cue.at > estimate_from + 1e-9
        words = cue.request.speech if voice and cue.request.speech else None
        rows.append(
            (
                _time(cue.at, estimate),
                _time(cue.end, estimate),
                _phase_name(plan, cue.phase),
                CHANNEL,
                _tone(cue),
                f'"{words}"' if words else "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def _first_untimed_end(plan: Plan, timeline: Sequence[ScheduledCue]) -> float | None:
    """When the first step that lasts until *done* starts: later times are estimates."""
    for index, phase in enumerate(plan.phases):
        if not phase.timed:
            starts = [c.at for c in timeline if c.phase == index]
            return min(starts) if starts else None
    return None
