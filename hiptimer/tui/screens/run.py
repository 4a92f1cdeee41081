"""The run screen: where the runner is, in a form that reads from two metres away.

The screen decides nothing about timing. It sends the runner's keys to the engine (through the
:class:`~hiptimer.tui.run_control.RunController`), draws the state that comes back, and sleeps until
the moment the engine names as the next change: one timer at a time, re-armed after every wake.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import ClassVar, NamedTuple

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Button, Label, Static
from textual.widgets._toast import ToastRack

from hiptimer.core.engine import Event, RunState, Status
from hiptimer.core.plan import PhaseKind, Side
from hiptimer.tui.band_compositor import BandCompositor
from hiptimer.tui.run_control import RunController
from hiptimer.tui.screens.base import HiptimerScreen
from hiptimer.tui.screens.confirm import ConfirmScreen
from hiptimer.tui.screens.summary import SummaryScreen
from hiptimer.tui.text import clock_text, next_text, readout, state_word, step_text, where_text
from hiptimer.tui.widgets.big_digits import fitting_size
from hiptimer.tui.widgets.keys_footer import SERVED_ROWS, KeysFooter
from hiptimer.tui.widgets.progress_line import ProgressLine
from hiptimer.tui.widgets.quiet import set_text
from hiptimer.tui.widgets.readout import BigReadout
from hiptimer.tui.widgets.side_badge import SideBadge
from hiptimer.tui.widgets.state_banner import StateBanner

__all__ = ["RunScreen"]

MIN_WAKE_DELAY = 0.005
"""Never sleep less than this: a wake that comes a hair early re-arms instead of spinning."""

HEARTBEAT_SECONDS = 10.0
"""How often the store hears that the run is still open (it counts a silent run as abandoned)."""

RESUMED_NOTICE_SECONDS = 6.0
"""How long "Resumed: Rest, 1:20 left" stays up after a run went on by its clock."""

NARROW_WIDTH = 60
"""Below this many columns the buttons share the row evenly and the side badge drops "LEG"."""

_SIDE_WIDTH = {True: 12, False: 17}
"""The side badge's width, narrow or not (app.tcss sets it)."""

# The lines a runner needs, apart from the clock and the instructions, at each height (app.tcss
# sets them): the top bar, the state band, the move's band, the progress line, the next step, the
# buttons and the footer. The clock gets the rest, less the instructions' share.
_NEEDED_LINES = {
    "tall": 1 + 3 + 3 + 1 + 1 + 3 + 1,
    "-short": 1 + 1 + 3 + 1 + 1 + 3 + 1,
    "-shorter": 1 + 1 + 1 + 1 + 1 + 3 + 1,
}
_INSTRUCTION_LINES = {"tall": (3, 8), "-short": (3, 6), "-shorter": (0, 0)}
"""The instructions' fewest and most lines at each height: they get what the clock cannot use."""

_STATE_CLASSES = ("get-ready", "work", "easy", "hold", "rest", "switch", "paused", "done")


class ActionButton(Button, can_focus=False):
    """A button for the mouse that never takes the focus, so space and enter stay run keys."""


class _View(NamedTuple):
    """Everything the run screen shows apart from the clock: it changes with the run's steps and
    the runner's keys, not with time, so most wakes leave it as it is."""

    word: str
    css: str
    note: str
    phase_name: str
    where: str
    side: Side | None
    side_upcoming: bool
    side_short: bool
    position: str
    instructions: str
    next_step: str
    pause_label: str
    done_shown: bool
    done_enabled: bool
    done_label: str
    rep_shown: bool
    rep_enabled: bool
    keys: tuple[Status, int]


class RunScreen(HiptimerScreen):
    """One run, from the get-ready countdown to the summary.

    Args:
        controller: The run to show and drive.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "pause", "Pause", id="run.pause", tooltip="pause or resume"),
        Binding("space", "resume", "Resume", id="run.resume", tooltip="resume"),
        Binding("enter", "start_now", "Start now", id="run.start_now", tooltip="start now (get ready)"),
        Binding("enter", "done", "Done", id="run.done", tooltip="done: end an open or rep step and go on"),
        Binding("r,plus", "rep", "+1 rep", id="run.rep", tooltip="count one rep"),
        Binding("minus", "undo_rep", "-1 rep", id="run.undo_rep", show=False, tooltip="take back a rep"),
        Binding("n", "skip", "Skip", id="run.skip", tooltip="skip the rest of this step"),
        Binding(
            "b", "back", "Back", id="run.back", tooltip="restart this step (in its first 2 s: go back one)"
        ),
        Binding("m", "mute", "Mute", id="run.mute", tooltip="mute or unmute the cues"),
        Binding("q", "abort", "Stop", id="run.abort", tooltip="stop the run (steps done so far are kept)"),
        Binding("question_mark", "help", "Keys", id="run.help", tooltip="this list of keys"),
    ]

    KEYS_TITLE = "Keys during a run"

    # A glance from the floor must find the state, the side and the number, so those keep their
    # size as the terminal shrinks; the instructions give way first. (Here rather than in
    # app.tcss: read when a run is first shown, not before the home screen's first frame.)
    DEFAULT_CSS = """
    /* By height: tall (28 rows or more), -short (under 28), -shorter (under 20), -tiny (under
       14, or under 40 columns). The clock (#readout) takes what the other lines leave: this
       module counts these heights to give the instructions only what the clock cannot use. */

    RunScreen #head { height: auto; }
    RunScreen #top {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    RunScreen #session { width: 1fr; text-style: bold; }
    RunScreen #position { width: auto; }

    RunScreen #state { height: 3; }
    RunScreen.-short #state { height: 1; }

    /* The move, its set or round, and the side: a bold band across the screen. */
    RunScreen #what {
        height: 3;
        padding: 0 1;
        background: $boost;
    }
    RunScreen #phase-name {
        width: 1fr;
        height: 1fr;
        content-align: left middle;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    RunScreen #where {
        width: auto;
        height: 1fr;
        margin: 0 1;
        content-align: right middle;
        text-style: bold;
    }
    RunScreen.-narrow SideBadge { width: 12; }
    RunScreen.-shorter #what,
    RunScreen.-shorter SideBadge { height: 1; }

    #readout.-get-ready { color: $warning; }
    #readout.-work { color: $success; }
    #readout.-easy { color: #22a6b3; }
    #readout.-hold { color: $success; }
    #readout.-rest { color: $primary; }
    #readout.-switch { color: $accent; }
    #readout.-paused { color: $error; }

    RunScreen #progress {
        height: 1;
        padding: 0 1;
    }
    RunScreen #lower { height: auto; }

    /* The instructions: as many lines as the clock leaves them (run.py sets the height). */
    RunScreen #instructions-box {
        height: 3;
        margin: 0 2;
        overflow: hidden hidden;
    }
    RunScreen.-short #instructions-box { margin: 0 1; }
    RunScreen #instructions { width: 1fr; }

    RunScreen #next {
        width: 1fr;
        padding: 0 1;
        color: $foreground-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }

    /* Buttons big enough for a thumb: three lines tall (about 60 px on a phone), sharing the row. */
    RunScreen #buttons {
        height: 3;
        padding: 0 1;
    }
    RunScreen #buttons Button {
        width: 1fr;
        min-width: 0;
        max-width: 24;
        margin-right: 1;
    }
    RunScreen #buttons Button#skip-button { margin-right: 0; }
    RunScreen.-narrow #buttons Button { max-width: 100%; }
    RunScreen.-tiny #buttons { height: 1; }
    RunScreen.-tiny #buttons Button {
        height: 1;
        border: none;
    }
    """

    BUTTON_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"pause", "resume", "start_now", "done", "rep", "skip"}
    )
    """The actions with a button (served, the footer leaves them to it)."""

    def __init__(self, controller: RunController) -> None:
        super().__init__()
        # Each second repaints the clock's lines alone: only the widgets under them are drawn.
        self._compositor = BandCompositor()
        self.controller = controller
        self._wake: asyncio.TimerHandle | None = None
        self.armed_for: float | None = None
        """The monotonic time of the next wake-up, or None while only a key can change anything."""
        self._view: _View | None = None
        self._view_key: tuple[object, ...] = ()
        self._finished = False
        self._readout = BigReadout(id="readout")
        self._progress = ProgressLine(id="progress")

    def compose(self) -> ComposeResult:
        with Vertical(id="head"):
            with Horizontal(id="top"):
                yield Label(self.controller.plan.session_name, id="session", markup=False)
                yield Label("", id="position")
            yield StateBanner(id="state")
            with Horizontal(id="what"):
                yield Label("", id="phase-name", markup=False)
                yield Label("", id="where", markup=False)
                yield SideBadge(id="side")
        # The clock: the only lines that change from one second to the next, next to each other
        # and outside any container, so a repaint touches nothing else.
        yield self._readout
        yield self._progress
        with Vertical(id="lower"):
            with Vertical(id="instructions-box"):
                yield Static("", id="instructions", markup=False)
            yield Label("", id="next", markup=False)
            with Horizontal(id="buttons"):
                yield ActionButton("Pause", id="pause-button", variant="primary")
                yield ActionButton("Done", id="done-button", variant="success")
                yield ActionButton("+1 rep", id="rep-button", variant="success")
                yield ActionButton("Skip", id="skip-button")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.controller.start()
        self._after_step()
        if self.controller.resumed and self.controller.state.running:
            self.notify(self.controller.resumed, timeout=RESUMED_NOTICE_SECONDS)
        self.set_interval(HEARTBEAT_SECONDS, self.controller.heartbeat, name="run-heartbeat")

    def on_unmount(self) -> None:
        self._disarm()
        # Leaving the screen any other way than the end of the run (the app closing) keeps the
        # run resumable.
        self.controller.interrupt()

    def on_resize(self, event: events.Resize) -> None:
        """Lay the screen out for its size: the clock gets what the needed lines leave."""
        if self._finished or not self.is_mounted:
            return
        with contextlib.suppress(NoMatches):  # the screen is going away (the run just ended)
            self._lay_out(*event.size)

    def _lay_out(self, width: int, height: int) -> None:
        self.set_class(height < 28, "-short")
        self.set_class(height < 20, "-shorter")
        self.set_class(height < 14 or width < 40, "-tiny")
        self.set_class(width < NARROW_WIDTH, "-narrow")
        for button in self.query(ActionButton):  # labels fill narrow buttons (CSS cannot say 0)
            button.styles.line_pad = 0 if width < NARROW_WIDTH else 1
        size = "-shorter" if height < 20 else "-short" if height < 28 else "tall"
        # Served, the footer is one row of tiles (back, mute, stop, keys: the rest are buttons).
        footer = SERVED_ROWS - 1 if self.hiptimer.served else 0
        left = height - _NEEDED_LINES[size] - footer
        fewest, most = _INSTRUCTION_LINES[size]
        # The tallest figures a clock of minutes and seconds can have at this width: lines past
        # them would stay blank, so the instructions take them (a tall, narrow phone).
        clock = (fitting_size("0:00", width - 2, max(0, left - 1)) or 1) + 1
        lines = min(most, max(fewest, left - clock), max(0, left - 4))
        box = self.query_one("#instructions-box")
        box.styles.height = lines
        box.display = lines > 0
        # Notices, one line each, rise from above the next step: over the instructions, or, with
        # none shown, over the foot of the clock (never over the progress line or the buttons).
        below = 1 + footer + (1 if width < 40 or height < 14 else 3) + 1 + (0 if lines else 1)
        self.query_one(ToastRack).styles.margin = (0, 0, below, 0)
        if self._view is not None:
            self._view = None
            self._draw()

    # -- waking ------------------------------------------------------------------------------

    async def wake(self) -> None:
        """Wake now, as the timer would: tests call this after moving their fake clock."""
        self._on_wake()

    def _on_wake(self) -> None:
        # The step re-arms (or disarms) the wake, cancelling one still pending when a test wakes.
        try:
            self.controller.tick()
            self._after_step()
        except Exception as error:  # a bug: Textual ends the app and shows it, as for a handler
            self.app._handle_exception(error)

    def _arm(self) -> None:
        """Sleep until the engine's next moment, on the event loop's own timer.

        (A Textual timer would start a task for every wake and reach the screen through its message
        queue: several times the work of the wake itself, every second of a run.)
        """
        self._disarm()
        wake_at = self.controller.next_wakeup()
        if wake_at is None:
            return
        delay = max(MIN_WAKE_DELAY, wake_at - self.controller.now())
        self.armed_for = wake_at
        self._wake = asyncio.get_running_loop().call_later(delay, self._on_wake)

    def stop_driving(self) -> None:
        """Another app drives the run now: no more wakes, no more cues, nothing saved from here."""
        self._disarm()
        self._finished = True

    def _disarm(self) -> None:
        self.armed_for = None
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None

    def send(self, event: Event) -> None:
        """Apply ``event`` to the run now, and show the result (what each key does)."""
        self.controller.send(event)
        self._after_step()

    def _after_step(self) -> None:
        self._draw()
        if self.controller.state.status is not Status.GET_READY:
            self.hiptimer.end_audio_notice()  # the countdown is over: the run has the screen
        if self.controller.state.over:
            self._disarm()
            self._finish()
        else:
            self._arm()

    def _finish(self) -> None:
        if self._finished or self.controller.interrupted:
            return
        self._finished = True
        # A dialog left open over the screen goes away with the run it was about.
        while len(self.app.screen_stack) > 1 and self.app.screen is not self:
            self.app.pop_screen()
        self.app.switch_screen(SummaryScreen(self.controller.state))

    # -- drawing -----------------------------------------------------------------------------

    def _draw(self) -> None:
        """Show the run as it is now: the clock always, the rest only when it changed."""
        state = self.controller.state
        now = self.controller.now()
        # What the view shows changes with these alone; a wake that changes none of them (most
        # wakes: a second of a hold) leaves it as it is without working it out again.
        key = (state.status, state.index, state.counting_down, self.controller.slept, self.hiptimer.muted)
        view = self._view if key == self._view_key and self._view is not None else self._view_of(state)
        self._view_key = key
        if view != self._view:
            keys_changed = self._view is None or view.keys != self._view.keys
            self._view = view
            self._draw_view(view, keys_changed)
        self._readout.show(*readout(state, now, touch=self.hiptimer.served))
        approx = "~" if state.plan.is_estimate else ""
        self._progress.show(
            state.progress(now), f"{approx}{clock_text(state.seconds_left(now) + 0.999)} left"
        )

    def _view_of(self, state: RunState) -> _View:
        word, css = state_word(state)
        note = ""
        if state.status is Status.PAUSED:
            resume = "tap Resume" if self.hiptimer.served else "space to resume"
            note = "the computer slept" if self.controller.slept else resume
        phase = state.phase
        side, upcoming = phase.side, False
        following = state.plan.phases[phase.index + 1] if phase.index + 1 < len(state.plan.phases) else None
        between = phase.kind in (PhaseKind.SWITCH, PhaseKind.REST)
        if between and following is not None and following.side and following.side is not phase.side:
            side, upcoming = following.side, True
        position = step_text(state)
        if self.hiptimer.muted:
            position = f"sound off (m) · {position}"
        can_done, can_start = self.check_action("done", ()), self.check_action("start_now", ())
        can_rep = self.check_action("rep", ())
        width = self.size.width
        short_side = width < NARROW_WIDTH
        side_room = _SIDE_WIDTH[short_side] + 1 if side is not None else 0
        room = width - 4 - side_room - min(len(phase.label), max(12, width // 3))
        return _View(
            word=word,
            css=css,
            note=note,
            phase_name=phase.label,
            where=where_text(phase, room),
            side=side,
            side_upcoming=upcoming,
            side_short=short_side,
            position=position,
            instructions=phase.instructions,
            next_step=next_text(state),
            pause_label="Resume" if state.status is Status.PAUSED else "Pause",
            done_shown=can_done is not False or can_start is not False,
            done_enabled=bool(can_done or can_start),
            done_label="Start now" if state.counting_down else "Done",
            rep_shown=can_rep is not False,
            rep_enabled=bool(can_rep),
            keys=(state.status, state.index),
        )

    def _draw_view(self, view: _View, keys_changed: bool) -> None:
        self.query_one(StateBanner).show_state(view.word, view.css, view.note)
        for name in _STATE_CLASSES:
            self._readout.set_class(name == view.css, f"-{name}")
        set_text(self.query_one("#phase-name", Label), view.phase_name)
        set_text(self.query_one("#where", Label), view.where)
        self.query_one(SideBadge).show_side(view.side, upcoming=view.side_upcoming, short=view.side_short)
        set_text(self.query_one("#position", Label), view.position)
        set_text(self.query_one("#instructions", Static), view.instructions)
        set_text(self.query_one("#next", Label), view.next_step)
        self.query_one("#pause-button", ActionButton).label = view.pause_label
        done = self.query_one("#done-button", ActionButton)
        done.display = view.done_shown
        done.disabled = not view.done_enabled
        done.label = view.done_label
        rep = self.query_one("#rep-button", ActionButton)
        rep.display = view.rep_shown
        rep.disabled = not view.rep_enabled
        if keys_changed:
            self.refresh_bindings()

    # -- keys and buttons --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which keys apply now: False hides a key, None shows it greyed out."""
        state = self.controller.state
        if state.over:
            return action in ("help", "mute")
        status = state.status
        phase = state.phase
        active = status is Status.ACTIVE
        if action == "pause":
            return status is not Status.PAUSED
        if action == "resume":
            return status is Status.PAUSED
        if action == "start_now":
            return status is Status.GET_READY or (None if state.counting_down else False)
        if action == "done":
            if state.counting_down or not (phase.counted or phase.kind in (PhaseKind.OPEN, PhaseKind.WORK)):
                return False
            return active or None
        if action in ("rep", "undo_rep"):
            if state.counting_down or not phase.counted:
                return False
            return active or (None if action == "rep" else True)
        return True

    def action_pause(self) -> None:
        """Pause the run."""
        self.send(Event.PAUSE)

    def action_resume(self) -> None:
        """Resume a paused run."""
        self.send(Event.RESUME)

    def action_start_now(self) -> None:
        """End the get-ready countdown now."""
        self.send(Event.DONE)

    def action_done(self) -> None:
        """End an open, work or rep step."""
        self.send(Event.DONE)

    def action_rep(self) -> None:
        """Count one rep."""
        self.send(Event.REP)

    def action_undo_rep(self) -> None:
        """Take back one rep."""
        self.send(Event.UNDO_REP)

    def action_skip(self) -> None:
        """Skip the rest of the step."""
        self.send(Event.NEXT)

    def action_back(self) -> None:
        """Restart the step, or go to the one before."""
        self.send(Event.BACK)

    def action_mute(self) -> None:
        """Silence or restore the cues."""
        self.hiptimer.toggle_mute()
        self._draw()

    def keys_listed(self) -> list[Binding]:
        """The keys the list shows: pause and resume share one line."""
        return self.BINDINGS_LIST

    def action_abort(self) -> None:
        """Ask, then stop the run; the steps done so far stay in the history."""
        if not self.controller.state.running:
            return

        def answered(stop: bool | None) -> None:
            if stop and self.controller.state.running:
                self.send(Event.ABORT)

        self.app.push_screen(
            ConfirmScreen(
                "Stop this run?",
                "The steps done so far are kept in your history.",
                yes="Stop",
                no="Keep going",
            ),
            answered,
        )

    @on(Button.Pressed, "#pause-button")
    def _pause_pressed(self) -> None:
        self.send(Event.TOGGLE_PAUSE)

    @on(Button.Pressed, "#done-button")
    def _done_pressed(self) -> None:
        self.send(Event.DONE)

    @on(Button.Pressed, "#rep-button")
    def _rep_pressed(self) -> None:
        self.send(Event.REP)

    @on(Button.Pressed, "#skip-button")
    def _skip_pressed(self) -> None:
        self.send(Event.NEXT)

    BINDINGS_LIST: ClassVar[list[Binding]] = [
        b for b in BINDINGS if isinstance(b, Binding) and b.id != "run.resume"
    ]
    """The keys as the help screen lists them (pause and resume share space)."""
