"""The session file schema: what a session file may say, and what it may not."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from hiptimer.core import schema
from hiptimer.core.model import HoldStep, RepeatStep, Session, Sides, WorkStep
from hiptimer.core.schema import validate_session


def validate(*steps: dict[str, Any], **extra: Any) -> Session:
    return validate_session({"id": "t", "name": "T", "steps": list(steps), **extra})


def errors_of(*steps: dict[str, Any], **extra: Any) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        validate(*steps, **extra)
    return [dict(e) for e in caught.value.errors()]


HOLD = {"type": "hold", "name": "Hold", "seconds": 30}


def test_a_minimal_session_gets_the_documented_defaults() -> None:
    session = validate(HOLD)
    assert session.get_ready == 5
    assert session.schedule.when == "any" and session.schedule.per_week is None
    assert (session.cues.countdown, session.cues.halfway, session.cues.voice) == (3, True, "speech")
    step = session.steps[0]
    assert isinstance(step, HoldStep)
    assert (step.sets, step.sides, step.rest_between_sets, step.switch_seconds) == (1, Sides.NONE, 0, 5)


def test_a_sprint_of_5_to_10_seconds_is_seconds_10_with_min_seconds_5() -> None:
    step = validate({"type": "work", "name": "Sprint", "seconds": 10, "min_seconds": 5}).steps[0]
    assert isinstance(step, WorkStep)
    assert (step.min_seconds, step.seconds) == (5, 10)


def test_a_range_the_wrong_way_round_points_at_min_seconds() -> None:
    (error,) = errors_of({"type": "work", "name": "Sprint", "seconds": 5, "min_seconds": 10})
    assert error["msg"] == "min_seconds (10) is more than seconds (5)"
    assert error["ctx"]["at"] == ("min_seconds",)


def test_repeats_that_grow_from_4_to_12_are_a_progression() -> None:
    session = validate(
        {"type": "repeat", "progression": "repeats", "steps": [HOLD]},
        progression={"repeats": {"start": 4, "step": 1, "goal": 12}},
    )
    block = session.steps[0]
    assert isinstance(block, RepeatStep) and block.times is None
    assert session.progression["repeats"].goal == 12


@pytest.mark.parametrize(
    ("key", "value"),
    [("seconds", "30"), ("seconds", True), ("sets", 2.0), ("sets", "2")],
)
def test_numbers_must_be_numbers_not_strings_or_booleans(key: str, value: object) -> None:
    (error,) = errors_of({**HOLD, key: value})
    assert error["loc"] == ("steps", 0, "hold", key)


def test_switches_must_be_true_or_false() -> None:
    (error,) = errors_of(HOLD, cues={"halfway": "yes"})
    assert error["loc"] == ("cues", "halfway")


def test_a_whole_number_is_fine_where_a_fraction_may_be_given() -> None:
    assert validate({**HOLD, "seconds": 2.5}).steps[0].seconds == 2.5  # type: ignore[union-attr]


def test_a_step_needs_its_number_or_a_progression_but_not_both() -> None:
    (neither,) = errors_of({"type": "hold", "name": "Hold"})
    assert neither["msg"].startswith("give either seconds or progression")
    assert neither["ctx"]["at"] == ()
    (both,) = errors_of({**HOLD, "progression": "p"}, progression={"p": {"start": 1, "goal": 2}})
    assert both["msg"] == "give either seconds or progression, not both"
    assert both["ctx"]["at"] == ("progression",)


def test_a_progression_counting_reps_must_be_whole_numbers() -> None:
    (error,) = errors_of(
        {"type": "reps", "name": "Squats", "progression": "p"},
        progression={"p": {"start": 4.5, "goal": 8}},
    )
    assert "must be whole numbers" in error["msg"]
    assert error["ctx"]["at"] == ("progression", "p")


def test_an_undefined_progression_names_the_step_that_uses_it() -> None:
    (error,) = errors_of(
        {"type": "repeat", "times": 2, "steps": [{**HOLD, "seconds": None, "progression": "x"}]}
    )
    assert error["msg"].startswith("step 'Hold' uses progression 'x', which is not defined")
    assert error["ctx"]["at"] == ("steps", 0, "steps", 0, "progression")


def test_an_unused_progression_is_an_error() -> None:
    (error,) = errors_of(HOLD, progression={"spare": {"start": 1, "goal": 2}})
    assert error["msg"].startswith("progression 'spare' is defined but no step uses it")


def test_a_goal_below_the_start_points_at_the_goal() -> None:
    (error,) = errors_of(
        {**HOLD, "seconds": None, "progression": "p"}, progression={"p": {"start": 5, "goal": 3}}
    )
    assert (error["loc"], error["ctx"]["at"]) == (("progression", "p"), ("goal",))


def test_the_json_schema_forbids_unknown_keys_and_knows_every_step_type() -> None:
    found = schema.Session.model_json_schema()
    assert found["additionalProperties"] is False
    assert {"HoldStep", "RepsStep", "WorkStep", "RestStep", "OpenStep", "RepeatStep"} <= set(found["$defs"])
