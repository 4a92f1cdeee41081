"""The run screen: where the runner is, in a form that reads from two metres away.

The screen decides nothing about timing. It sends the runner's keys to the engine (through the
:class:`~hiptimer.tui.run_control.RunController`), draws the state that comes back, and sleeps until
the moment the engine names as the next change: one timer at a time, re-armed after every wake.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, Footer, Label, ProgressBar, Static

from hiptimer.engine import Event, Status
from hiptimer.plan import PhaseKind, Side
from hiptimer.tui.run_control import RunController
from hiptimer.tui.screens.base import HiptimerScreen
from hiptimer.tui.screens.confirm import ConfirmScreen
from hiptimer.tui.screens.summary import SummaryScreen
from hiptimer.tui.text import clock_text, next_text, position_text, readout, state_word
from hiptimer.tui.widgets.quiet import set_text
from hiptimer.tui.widgets.readout import BigReadout
from hiptimer.tui.widgets.side_badge import SideBadge
from hiptimer.tui.widgets.state_banner import StateBanner

__all__ = ["RunScreen"]

MIN_WAKE_DELAY = 0.005
"""Never sleep less than this: a wake that comes a hair early re-arms instead of spinning."""

HEARTBEAT_SECONDS = 10.0
"""How often the store hears that the run is still open (it counts a silent run as abandoned)."""

PROGRESS_STEPS = 1000
"""The progress bar's resolution."""

_STATE_CLASSES = ("get-ready", "work", "hold", "rest", "switch", "paused", "done")


class ActionButton(Button, can_focus=False):
    """A button for the mouse that never takes the focus, so space and enter stay run keys."""


class RunProgress(ProgressBar):
    """Textual's progress bar without its time estimate, which the run screen does not show.

    ``ProgressBar`` keeps a timer of its own that wakes it once a second to refresh the estimate,
    and samples the progress for it on every update. Here the screen sets the progress at its own
    wakes, and nothing else runs between them.
    """

    def _on_mount(self, event: events.Mount) -> None:
        # Handled here, and no further: ProgressBar.on_mount would start the estimate's timer.
        event.prevent_default()

    def _watch_progress(self, progress: float) -> None:
        """The bar and percentage follow the progress by themselves; there is no estimate to sample."""


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

    def __init__(self, controller: RunController) -> None:
        super().__init__()
        self.controller = controller
        self._timer: Timer | None = None
        self.armed_for: float | None = None
        """The monotonic time of the next wake-up, or None while only a key can change anything."""
        self._shown: tuple[Status, int] | None = None
        self._finished = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Label(self.controller.plan.session_name, id="session")
            yield Label("", id="position")
        yield StateBanner(id="state")
        with Horizontal(id="what"):
            yield Label("", id="phase-name")
            yield SideBadge(id="side")
        yield BigReadout(id="readout")
        with Vertical(id="instructions-box"):
            yield Static("", id="instructions", markup=False)
        yield Label("", id="next")
        with Horizontal(id="progress-row"):
            yield RunProgress(total=PROGRESS_STEPS, show_eta=False, id="progress")
            yield Label("", id="left")
        with Horizontal(id="buttons"):
            yield ActionButton("Pause", id="pause-button", variant="primary")
            yield ActionButton("Done", id="done-button", variant="success")
            yield ActionButton("+1 rep", id="rep-button", variant="success")
            yield ActionButton("Skip", id="skip-button")
        yield Footer()

    def on_mount(self) -> None:
        self.controller.start()
        self._after_step()
        self.set_interval(HEARTBEAT_SECONDS, self.controller.heartbeat, name="run-heartbeat")

    def on_unmount(self) -> None:
        self._disarm()
        # Leaving the screen any other way than the end of the run (the app closing) keeps the
        # run resumable.
        self.controller.interrupt()

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        self.set_class(height < 24, "-short")
        self.set_class(height < 20, "-shorter")
        self.set_class(height < 14 or width < 40, "-tiny")
        self.query_one(BigReadout).set_class(height < 14 or width < 40, "-plain")

    # -- waking ------------------------------------------------------------------------------

    async def wake(self) -> None:
        """Wake now, as the timer would: tests call this after moving their fake clock."""
        self._on_timer()

    def _on_timer(self) -> None:
        self._timer = None
        self.controller.tick()
        self._after_step()

    def _arm(self) -> None:
        self._disarm()
        wake_at = self.controller.next_wakeup()
        if wake_at is None:
            return
        delay = max(MIN_WAKE_DELAY, wake_at - self.controller.now())
        self.armed_for = wake_at
        self._timer = self.set_timer(delay, self._on_timer, name="run-wake")

    def _disarm(self) -> None:
        self.armed_for = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def send(self, event: Event) -> None:
        """Apply ``event`` to the run now, and show the result (what each key does)."""
        self.controller.send(event)
        self._after_step()

    def _after_step(self) -> None:
        self._draw()
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
        state = self.controller.state
        now = self.controller.now()
        phase = state.phase
        word, css = state_word(state)
        note = ""
        if state.status is Status.PAUSED:
            note = "the computer slept" if self.controller.slept else "space to resume"
        self.query_one(StateBanner).show_state(word, css, note)
        readout_widget = self.query_one(BigReadout)
        for name in _STATE_CLASSES:
            readout_widget.set_class(name == css, f"-{name}")
        set_text(self.query_one("#phase-name", Label), phase.label)
        self._draw_side()
        readout_widget.show(*readout(state, now))
        position = position_text(state)
        if self.hiptimer.muted:
            position = f"muted · {position}"
        set_text(self.query_one("#position", Label), position)
        set_text(self.query_one("#instructions", Static), phase.instructions)
        set_text(self.query_one("#next", Label), next_text(state))
        self.query_one(RunProgress).progress = round(state.progress(now) * PROGRESS_STEPS)
        approx = "~" if state.plan.is_estimate else ""
        set_text(
            self.query_one("#left", Label), f"{approx}{clock_text(state.seconds_left(now) + 0.999)} left"
        )
        self._draw_buttons()
        shown = (state.status, state.index)
        if shown != self._shown:
            self._shown = shown
            self.refresh_bindings()

    def _draw_side(self) -> None:
        state = self.controller.state
        phase = state.phase
        badge = self.query_one(SideBadge)
        following = state.plan.phases[phase.index + 1] if phase.index + 1 < len(state.plan.phases) else None
        between = phase.kind in (PhaseKind.SWITCH, PhaseKind.REST)
        if between and following is not None and following.side and following.side is not phase.side:
            badge.show_side(following.side, upcoming=True)
            return
        side: Side | None = phase.side
        badge.show_side(side)

    def _draw_buttons(self) -> None:
        state = self.controller.state
        pause = self.query_one("#pause-button", ActionButton)
        pause.label = "Resume" if state.status is Status.PAUSED else "Pause"
        done = self.query_one("#done-button", ActionButton)
        can_done, can_start = self.check_action("done", ()), self.check_action("start_now", ())
        done.display = can_done is not False or can_start is not False
        done.disabled = not (can_done or can_start)
        done.label = "Start now" if state.counting_down else "Done"
        rep = self.query_one("#rep-button", ActionButton)
        rep.display = self.check_action("rep", ()) is not False
        rep.disabled = not self.check_action("rep", ())

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
