"""Properties: any input gives a session or path:line errors, and any valid session a sound plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hiptimer.catalog.sessions import LoadedFile, load_text
from hiptimer.catalog.tomlpos import key_positions
from hiptimer.core.plan import PhaseKind, compile_plan, oversize
from hiptimer.core.schema import validate_session

PATH = Path("prop.toml")
settings.register_profile("hiptimer", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("hiptimer")


def assert_documented_result(loaded: LoadedFile, text: str) -> None:
    """A session and no errors, or no session and errors that point inside the file."""
    if loaded.session is not None:
        assert loaded.errors == ()
        return
    assert loaded.errors
    lines = text.count("\n") + 1
    for error in loaded.errors:
        assert error.path == PATH
        assert 1 <= error.line <= lines
        assert error.col >= 1
        assert error.field and error.message
        assert str(error).startswith(f"{PATH}:{error.line}:{error.col}: {error.field}: ")


# -- any text ----------------------------------------------------------------------------------

TOMLISH_LINES = [
    "[[steps]]",
    "[[steps.steps]]",
    "[[steps.steps.steps]]",
    "[progression.p]",
    "[schedule]",
    "[cues]",
    "[steps]",
    'id = "x"',
    'name = "A name"',
    'type = "hold"',
    'type = "repeat"',
    'type = "open"',
    'type = "nope"',
    "seconds = 10",
    "seconds = -1",
    'seconds = "10"',
    "times = 2",
    "steps = []",
    'steps = [{type = "rest", seconds = 3}]',
    'progression = "p"',
    "start = 1",
    "goal = 3",
    "sets = 2",
    'sides = "each"',
    "a.b = { c = [1, { d = 2 }] }",
    '"quoted" = true',
    'x = """',
    '"""',
    "x = '''",
    "'''",
    "[[steps]",
    "= =",
    "x = [",
    "]",
    "}",
    "# comment",
    "",
]


@given(st.text(max_size=300))
def test_any_text_loads_or_gives_errors_that_point_into_the_file(text: str) -> None:
    assert_documented_result(load_text(text, PATH, default_id="prop"), text)


@given(st.lists(st.sampled_from(TOMLISH_LINES) | st.text(max_size=12), max_size=30))
def test_any_toml_ish_text_loads_or_gives_errors_that_point_into_the_file(lines: list[str]) -> None:
    text = "\n".join(lines)
    loaded = load_text(text, PATH, default_id="prop")
    assert_documented_result(loaded, text)
    if loaded.session is not None:
        assert len(compile_plan(loaded.session)) > 0


@given(st.text(max_size=200))
def test_the_key_scanner_never_fails(text: str) -> None:
    for line, col in key_positions(text).values():
        assert line >= 1 and col >= 1


# -- valid sessions ----------------------------------------------------------------------------

# Plain text, as a session file allows it: no control characters (nor line or paragraph separators);
# instructions may also have new lines and tabs.
names = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=20
)
paragraphs = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), include_characters="\n\t"),
    max_size=40,
)
times = st.floats(min_value=0.5, max_value=300, allow_nan=False).map(lambda x: round(x, 2))
pauses = st.sampled_from([0, 0, 5, 10.5, 30])
counts = st.integers(min_value=1, max_value=3)


def common(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.just(kind), "name": names},
        optional={"cue": names, "instructions": paragraphs},
    )


def with_sets(kind: str, **numbers: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    extra = st.fixed_dictionaries(
        numbers,
        optional={
            "sets": counts,
            "rest_between_sets": pauses,
            "sides": st.sampled_from(["none", "each", "alternate"]),
            "switch_seconds": pauses,
        },
    )
    return st.builds(lambda a, b: {**a, **b}, common(kind), extra)


@st.composite
def work_step(draw: st.DrawFn) -> dict[str, Any]:
    step = draw(with_sets("work", seconds=times))
    if draw(st.booleans()):
        step["min_seconds"] = round(step["seconds"] * draw(st.floats(0.1, 1)), 2) or step["seconds"]
    return step


simple_steps = st.one_of(
    with_sets("hold", seconds=times),
    with_sets("reps", reps=st.integers(1, 20))
    | st.builds(
        lambda s, p: {**s, "pace": p},
        with_sets("reps", reps=st.integers(1, 20)),
        times.map(lambda t: min(t, 60)),
    ),
    work_step(),
    st.builds(lambda c, s: {**c, "seconds": s}, common("rest"), times),
    with_sets("open", estimate_seconds=times),
)


def repeat_of(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda c, t, r, s: {**c, "times": t, "rest_between": r, "steps": s},
        common("repeat"),
        counts,
        pauses,
        st.lists(children, min_size=1, max_size=3),
    )


steps = st.recursive(simple_steps, repeat_of, max_leaves=6)

NUMBER_KEY = {"hold": "seconds", "work": "seconds", "rest": "seconds", "reps": "reps", "repeat": "times"}


@st.composite
def session_dicts(draw: st.DrawFn) -> dict[str, Any]:
    session: dict[str, Any] = {
        "id": draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)),
        "name": draw(names),
        "get_ready": draw(pauses),
        "schedule": draw(
            st.fixed_dictionaries(
                {"when": st.sampled_from(["before-run", "mid-run", "non-running-days", "any"])},
                optional={"per_week": st.integers(1, 7)},
            )
        ),
        "cues": draw(
            st.fixed_dictionaries({}, optional={"countdown": st.integers(0, 10), "halfway": st.booleans()})
        ),
        "steps": draw(st.lists(steps, min_size=1, max_size=4)),
    }
    step = session["steps"][0]
    key = NUMBER_KEY.get(step["type"])
    if key is not None and draw(st.booleans()):  # the first step's number grows by progression
        del step[key]
        step.pop("min_seconds", None)
        step["progression"] = "p"
        start = draw(st.integers(1, 3))
        session["progression"] = {"p": {"start": start, "step": 1, "goal": start + draw(st.integers(0, 3))}}
    return session


def effort_count(steps: list[dict[str, Any]], progression: dict[str, Any]) -> int:
    """The hold, reps, work and open phases a list of steps should give."""
    total = 0
    for step in steps:
        if step["type"] == "repeat":
            rounds = step.get("times") or progression["p"]["start"]
            total += rounds * effort_count(step["steps"], progression)
        elif step["type"] != "rest":
            total += step.get("sets", 1) * (1 if step.get("sides", "none") == "none" else 2)
    return total


# -- writing a session dict as a TOML file -----------------------------------------------------


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return repr(value)


def toml_step(step: dict[str, Any], header: str) -> list[str]:
    lines = [f"[[{header}]]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in step.items() if k != "steps"]
    for child in step.get("steps", []):
        lines += toml_step(child, f"{header}.steps")
    return lines


def to_toml(session: dict[str, Any]) -> str:
    lines = [f"{k} = {toml_value(v)}" for k, v in session.items() if not isinstance(v, dict | list)]
    for table in ("schedule", "cues"):
        lines += [f"[{table}]"] + [f"{k} = {toml_value(v)}" for k, v in session[table].items()]
    for name, progression in session.get("progression", {}).items():
        lines += [f"[progression.{name}]"] + [f"{k} = {toml_value(v)}" for k, v in progression.items()]
    for step in session["steps"]:
        lines += toml_step(step, "steps")
    return "\n".join(lines) + "\n"


@given(session_dicts())
def test_any_valid_session_compiles_to_a_plan_whose_time_is_the_sum_of_its_phases(
    data: dict[str, Any],
) -> None:
    session = validate_session(data)
    plan = compile_plan(session)
    assert len(plan) > 0
    assert plan.estimated_seconds == sum(p.estimate_seconds for p in plan.phases)
    assert all(p.estimate_seconds > 0 for p in plan.phases)
    assert [p.index for p in plan.phases] == list(range(len(plan)))
    efforts = [p for p in plan.phases if p.kind.is_effort]
    assert len(efforts) == effort_count(data["steps"], data.get("progression", {}))
    # Rests between rounds or sets, and side switches, only ever come between two efforts.
    assert not plan.phases[-1].step_path.endswith((".rest_between", ".rest_between_sets", ".switch_seconds"))
    assert plan.phases[0].kind is not PhaseKind.SWITCH


@given(session_dicts())
def test_any_valid_session_written_as_toml_loads_back_the_same(data: dict[str, Any]) -> None:
    # Nested repeats can multiply past the plan's bounds (24 hours): the loader refuses those, by
    # design, with the place to blame (tests/test_hostile_sessions.py).
    assume(oversize(validate_session(data)) is None)
    text = to_toml(data)
    loaded = load_text(text, PATH)
    assert loaded.errors == ()
    assert loaded.session == validate_session(data)


@st.composite
def session_with_a_typo(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A valid session with one unknown key added to one of its steps; returns the key's field path."""
    data = draw(session_dicts())
    paths: list[tuple[str, dict[str, Any]]] = []

    def collect(steps: list[dict[str, Any]], prefix: str) -> None:
        for i, step in enumerate(steps):
            paths.append((f"{prefix}[{i}]", step))
            collect(step.get("steps", []), f"{prefix}[{i}].steps")

    collect(data["steps"], "steps")
    field, step = draw(st.sampled_from(paths))
    step["zz_typo"] = 1
    return data, f"{field}.zz_typo"


@given(session_with_a_typo())
def test_an_unknown_key_anywhere_is_reported_on_its_own_line(case: tuple[dict[str, Any], str]) -> None:
    data, field = case
    text = to_toml(data)
    loaded = load_text(text, PATH)
    assert loaded.session is None
    (error,) = loaded.errors
    assert error.field == field
    assert text.split("\n")[error.line - 1] == "zz_typo = 1"  # TOML lines end at "\n" only
