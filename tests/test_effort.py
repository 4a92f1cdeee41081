"""Easy steps look different from work: an open step is easy unless its file says otherwise."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from tui_kit import FakeClock, follow, make_app, run_screen

from hiptimer.catalog.sessions import load_text
from hiptimer.core.choices import Effort
from hiptimer.core.engine import Event
from hiptimer.core.plan import PhaseKind, compile_plan
from hiptimer.history.schema import plan_from_json, plan_to_json
from hiptimer.tui.app import HiptimerApp
from hiptimer.tui.widgets.state_banner import StateBanner

SESSION = """\
name = "Efforts"

[[steps]]
type = "work"
name = "Sprint"
seconds = 10

[[steps]]
type = "open"
name = "Walk down"

[[steps]]
type = "open"
name = "Carry the bag up"
effort = "hard"

[[steps]]
type = "hold"
name = "Easy stretch"
seconds = 20
effort = "easy"

[[steps]]
type = "rest"
seconds = 30
"""


def test_open_steps_are_easy_and_the_rest_hard_unless_the_file_says_otherwise() -> None:
    loaded = load_text(SESSION, Path("efforts.toml"), default_id="efforts")
    assert loaded.errors == ()
    assert loaded.session is not None
    plan = compile_plan(loaded.session)
    assert [(p.label, p.effort, p.easy) for p in plan.phases] == [
        ("Sprint", Effort.HARD, False),
        ("Walk down", Effort.EASY, True),
        ("Carry the bag up", Effort.HARD, False),
        ("Easy stretch", Effort.EASY, True),
        ("Rest", None, False),
    ]


def test_a_stored_plan_keeps_its_efforts_and_one_stored_before_them_has_easy_open_steps() -> None:
    loaded = load_text(SESSION, Path("efforts.toml"), default_id="efforts")
    assert loaded.session is not None
    plan = compile_plan(loaded.session)
    again = plan_from_json(plan_to_json(plan))
    assert [p.easy for p in again.phases] == [p.easy for p in plan.phases]
    older = plan_to_json(plan).replace('"effort":"easy",', "").replace('"effort":"hard",', "")
    assert '"effort"' not in older.replace('"effort":null', "")
    assert [p.easy for p in plan_from_json(older).phases] == [p.kind is PhaseKind.OPEN for p in plan.phases]


def test_effort_is_easy_or_hard_and_not_a_key_of_a_rest() -> None:
    wrong = load_text(
        SESSION.replace('effort = "hard"', 'effort = "medium"'), Path("bad.toml"), default_id="bad"
    )
    assert wrong.session is None
    (error,) = wrong.errors
    assert "steps[2].effort" in str(error) and "easy" in str(error) and "hard" in str(error)
    on_rest = load_text(SESSION + 'effort = "easy"\n', Path("rest.toml"), default_id="rest")
    assert on_rest.session is None
    assert "steps[4].effort" in str(on_rest.errors[0])


async def test_the_walk_down_shows_an_easy_band_and_the_sprint_a_work_band() -> None:
    clock = FakeClock()
    app = make_app(clock, start="hill-sprints")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot, app)
        screen = run_screen(app)
        screen.send(Event.DONE)  # start now: the sprint
        banner = screen.query_one(StateBanner)
        assert str(banner.content) == "WORK" and banner.has_class("-work")
        await follow(app, clock, clock.now + 10.5)  # the sprint runs out: the walk down
        assert screen.controller.state.phase.label == "Walk down"
        assert str(banner.content) == "EASY" and banner.has_class("-easy")
        assert not banner.has_class("-work")
        await pilot.pause()
        work, easy = (
            app.get_css_variables()["success"],
            str(banner.styles.background.hex).lower(),
        )
        assert easy != work.lower()


async def _settle(pilot: Pilot[None], app: HiptimerApp) -> None:
    await app.workers.wait_for_complete()
    await app.store_worker.drain()
    await pilot.pause()
