"""Loading session files: where they come from, and errors that point at the offending line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hiptimer import locations
from hiptimer.catalog.sessions import (
    Catalog,
    LoadError,
    SessionNotFoundError,
    Source,
    load_catalog,
    load_file,
)
from hiptimer.catalog.tomlpos import key_positions, position_of
from hiptimer.resources import builtin_sessions_dir, sounds_dir

BUILTIN_IDS = ("backwards-running", "hill-sprints", "pre-run-hips", "strength-for-speed")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def only_error(path: Path) -> str:
    loaded = load_file(path)
    assert loaded.session is None
    assert len(loaded.errors) == 1, [str(e) for e in loaded.errors]
    return str(loaded.errors[0])


# -- one file ----------------------------------------------------------------------------------


def test_a_valid_file_loads_and_its_id_defaults_to_the_file_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "easy-holds.toml",
        """
        name = "Easy holds"
        [[steps]]
        type = "hold"
        name = "Plank"
        seconds = 30
        """,
    )
    loaded = load_file(path)
    assert loaded.errors == ()
    assert loaded.session is not None and loaded.session.id == "easy-holds"


def test_an_unknown_key_names_file_line_and_field_and_suggests_the_right_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "typo.toml",
        """
        name = "Typo"

        [[steps]]
        type = "hold"
        name = "Plank"
        secnds = 30
        """,
    )
    assert only_error(path).startswith(
        f"{path}:6:1: steps[0].secnds: unknown key 'secnds' (did you mean 'seconds'? allowed here: cue, "
    )


def test_a_step_without_its_number_points_at_the_step_header(tmp_path: Path) -> None:
    path = write(tmp_path, "bare.toml", 'name = "Bare"\n\n[[steps]]\ntype = "hold"\nname = "Plank"\n')
    assert (
        only_error(path)
        == f"{path}:3:1: steps[0]: give either seconds or progression (the name of a progression)"
    )


def test_a_wrong_type_points_at_its_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "wrong.toml",
        """
        name = "Wrong"
        [[steps]]
        type = "hold"
        name = "Plank"
        seconds = "ten"
        """,
    )
    assert only_error(path) == f"{path}:5:1: steps[0].seconds: Input should be a valid number (got 'ten')"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2.5", "Input should be a valid integer (got 2.5)"),
        ("0", "Input should be greater than or equal to 1 (got 0)"),
        ('"10"', "Input should be a valid integer (got '10')"),
        ("1001", "Input should be less than or equal to 1000 (got 1001)"),
    ],
)
def test_a_bad_rep_count_names_the_reps_key_and_points_at_it(
    tmp_path: Path, value: str, message: str
) -> None:
    # The step's type is "reps" too: only the type tag pydantic adds is dropped, not the key.
    path = write(tmp_path, "b.toml", f'name = "B"\n[[steps]]\ntype = "reps"\nname = "R"\nreps = {value}\n')
    assert only_error(path) == f"{path}:5:1: steps[0].reps: {message}"


def test_a_bad_rep_count_in_an_inline_table_in_a_repeat_block_names_the_reps_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "inline-reps.toml",
        """
        name = "B"
        [[steps]]
        type = "repeat"
        times = 2
        steps = [
          { type = "hold", name = "H", seconds = 5 },
          { type = "reps", name = "R", reps = -1 },
        ]
        """,
    )
    assert only_error(path) == (
        f"{path}:7:32: steps[0].steps[1].reps: Input should be greater than or equal to 1 (got -1)"
    )


def test_a_negative_time_in_a_nested_repeat_block_points_at_its_own_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "nested.toml",
        """
        name = "Nested"

        [[steps]]
        type = "repeat"
        times = 2

        [[steps.steps]]
        type = "work"
        name = "Sprint"
        seconds = 10

        [[steps.steps]]
        type = "rest"
        seconds = -30

        [[steps]]
        type = "repeat"
        times = 2

        [[steps.steps]]
        type = "open"
        name = "Walk"
        estimate_seconds = 0
        """,
    )
    loaded = load_file(path)
    assert [str(e) for e in loaded.errors] == [
        f"{path}:14:1: steps[0].steps[1].seconds: Input should be greater than 0 (got -30)",
        f"{path}:23:1: steps[1].steps[0].estimate_seconds: Input should be greater than 0 (got 0)",
    ]


def test_an_empty_repeat_block_is_an_error_on_its_steps_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "empty.toml",
        """
        name = "Empty"
        [[steps]]
        type = "repeat"
        times = 3
        steps = []
        """,
    )
    assert only_error(path) == f"{path}:5:1: steps[0].steps: needs at least one step"


def test_a_session_without_steps_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, "nothing.toml", 'name = "Nothing"\n')
    assert only_error(path) == f"{path}:1:1: steps: required key is missing"


def test_a_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "syntax.toml",
        """
        name = "Syntax"
        [[steps]]
        type = = "hold"
        """,
    )
    assert only_error(path) == f"{path}:3:8: toml: Invalid value"


def test_a_file_cut_short_points_at_its_end(tmp_path: Path) -> None:
    path = tmp_path / "cut.toml"
    path.write_text('name = "Cut"\n[[steps]\n', encoding="utf-8")
    error = load_file(path).errors[0]
    assert (error.line, error.field) == (2, "toml")


def test_an_undefined_progression_points_at_the_step_that_uses_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "undefined.toml",
        """
        name = "Undefined"

        [progression.repeats]
        start = 4
        goal = 12

        [[steps]]
        type = "repeat"
        progression = "repeats"

        [[steps.steps]]
        type = "hold"
        name = "Plank"
        progression = "seconds"
        """,
    )
    assert only_error(path).startswith(
        f"{path}:14:1: steps[0].steps[0].progression: step 'Plank' uses progression 'seconds', "
        "which is not defined"
    )


def test_an_unused_progression_points_at_its_table(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "unused.toml",
        """
        name = "Unused"
        [progression.repeats]
        start = 4
        goal = 12
        [[steps]]
        type = "hold"
        name = "Plank"
        seconds = 30
        """,
    )
    assert only_error(path).startswith(
        f"{path}:2:1: progression.repeats: progression 'repeats' is defined but no step uses it"
    )


def test_step_type_errors_point_at_the_type_key_in_inline_tables(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "inline.toml",
        """
        name = "Inline"
        steps = [
          { type = "hold", name = "Plank", seconds = 30 },
          { type = "stretch", name = "Hmm" },
          { name = "No type" },
        ]
        """,
    )
    assert [str(e) for e in load_file(path).errors] == [
        f"{path}:4:5: steps[1].type: unknown step type 'stretch': use hold, reps, work, rest, open or repeat",
        f"{path}:5:3: steps[2].type: every step needs a type: hold, reps, work, rest, open or repeat",
    ]


def test_a_file_name_that_is_no_id_asks_for_an_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "My Holds.toml",
        """
        name = "Mine"
        [[steps]]
        type = "hold"
        name = "Plank"
        seconds = 30
        """,
    )
    assert "the file has no id and its name 'My Holds' cannot be one" in only_error(path)


def test_unreadable_files_are_errors_not_crashes(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    assert only_error(missing) == f"{missing}:1:1: file: no such file"
    assert only_error(tmp_path) == f"{tmp_path}:1:1: file: is a folder, not a session file"
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b'name = "ok"\nid = "\xff"\n')
    assert only_error(binary) == f"{binary}:2:7: file: not UTF-8 text (TOML files are UTF-8)"


def test_a_load_error_prints_as_path_line_col_field_message() -> None:
    error = LoadError(Path("a.toml"), 3, 7, "steps[0].seconds", "too long")
    assert str(error) == "a.toml:3:7: steps[0].seconds: too long"


# -- the catalog -------------------------------------------------------------------------------


def test_the_catalog_has_the_four_builtins_from_the_shipped_folder() -> None:
    catalog = load_catalog()
    assert catalog.errors == ()
    assert catalog.ids == BUILTIN_IDS
    assert {e.source for e in catalog} == {Source.BUILTIN}


def test_a_user_file_with_a_builtin_id_replaces_the_builtin(tmp_path: Path) -> None:
    user = locations.user_sessions_dir()
    mine = write(
        user,
        "my-sprints.toml",
        """
        id = "hill-sprints"
        name = "My hill sprints"
        [[steps]]
        type = "work"
        name = "Sprint"
        seconds = 8
        """,
    )
    catalog = load_catalog()
    assert catalog.ids == BUILTIN_IDS
    entry = catalog.get("hill-sprints")
    assert entry is not None
    assert (entry.session.name, entry.path, entry.source) == ("My hill sprints", mine, Source.USER)
    assert entry.replaces == builtin_sessions_dir() / "hill-sprints.toml"


def test_one_bad_file_does_not_stop_the_others_loading(tmp_path: Path) -> None:
    user = locations.user_sessions_dir()
    write(user, "broken.toml", 'name = "Broken"\n[[steps]]\ntype = "hold"\nname = "x"\nseconds = -1\n')
    write(user, "fine.toml", 'name = "Fine"\n[[steps]]\ntype = "open"\nname = "Go"\n')
    write(user, ".fine.toml.swp.toml", "editor lock files are skipped")
    catalog = load_catalog()
    assert catalog.ids == (*BUILTIN_IDS, "fine")
    assert [str(e) for e in catalog.errors] == [
        f"{user / 'broken.toml'}:5:1: steps[0].seconds: Input should be greater than 0 (got -1)"
    ]


def test_two_user_files_with_one_id_keep_the_first_and_report_the_second(tmp_path: Path) -> None:
    user = locations.user_sessions_dir()
    write(user, "a.toml", 'id = "mine"\nname = "A"\n[[steps]]\ntype = "open"\nname = "Go"\n')
    write(user, "b.toml", 'name = "B"\nid = "mine"\n[[steps]]\ntype = "open"\nname = "Go"\n')
    catalog = load_catalog()
    entry = catalog.get("mine")
    assert entry is not None and entry.session.name == "A"
    assert [str(e) for e in catalog.errors] == [
        f"{user / 'b.toml'}:2:1: id: id 'mine' is already used by {user / 'a.toml'}; this file is skipped"
    ]


def test_explicit_paths_load_last_and_win(tmp_path: Path) -> None:
    path = write(
        tmp_path, "x.toml", 'id = "pre-run-hips"\nname = "Mine"\n[[steps]]\ntype = "open"\nname = "Go"\n'
    )
    entry = load_catalog([path]).get("pre-run-hips")
    assert entry is not None and (entry.source, entry.session.name) == (Source.PATH, "Mine")


def test_a_sessions_folder_that_is_a_file_is_reported(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "sessions"
    not_a_folder.write_text("")
    catalog = load_catalog(user_dir=not_a_folder)
    assert catalog.ids == BUILTIN_IDS
    assert len(catalog.errors) == 1 and catalog.errors[0].field == "folder"


def test_find_takes_an_id_or_a_path(tmp_path: Path) -> None:
    catalog = load_catalog()
    assert catalog.find("hill-sprints").source is Source.BUILTIN
    path = write(tmp_path, "solo.toml", 'name = "Solo"\n[[steps]]\ntype = "open"\nname = "Go"\n')
    found = catalog.find(str(path))
    assert (found.id, found.source, found.replaces) == ("solo", Source.PATH, None)
    bare = write(
        tmp_path, "noext", 'id = "hill-sprints"\nname = "N"\n[[steps]]\ntype = "open"\nname = "Go"\n'
    )
    assert catalog.find(str(bare)).replaces == builtin_sessions_dir() / "hill-sprints.toml"


def test_find_explains_an_unknown_id_or_a_broken_file(tmp_path: Path) -> None:
    catalog = load_catalog()
    with pytest.raises(SessionNotFoundError) as unknown:
        catalog.find("hill-sprint")
    assert unknown.value.message == f"no session 'hill-sprint' (known: {', '.join(BUILTIN_IDS)})"
    with pytest.raises(SessionNotFoundError) as missing:
        catalog.find(str(tmp_path / "nope.toml"))
    assert [e.message for e in missing.value.errors] == ["no such file"]
    broken = LoadError(tmp_path / "mine.toml", 2, 1, "name", "required key is missing")
    with pytest.raises(SessionNotFoundError) as did_not_load:
        Catalog(errors=(broken,)).find("mine")
    assert did_not_load.value.errors == (broken,)


# -- places ------------------------------------------------------------------------------------


def test_locations_follow_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIPTIMER_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("HIPTIMER_CONFIG_DIR", str(tmp_path / "c"))
    monkeypatch.delenv("HIPTIMER_SESSIONS_DIR")
    assert locations.history_db_path() == tmp_path / "d" / "history.sqlite3"
    assert locations.user_sessions_dir() == tmp_path / "c" / "sessions"
    assert locations.user_sounds_dir() == tmp_path / "c" / "sounds"
    monkeypatch.setenv("HIPTIMER_SESSIONS_DIR", str(tmp_path / "s"))
    assert locations.user_sessions_dir() == tmp_path / "s"
    assert not (tmp_path / "d").exists()


def test_without_the_environment_the_platform_folders_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HIPTIMER_DATA_DIR", "HIPTIMER_CONFIG_DIR", "HIPTIMER_SESSIONS_DIR"):
        monkeypatch.setenv(name, "")
    assert locations.data_dir().name == "hiptimer"
    assert locations.user_sessions_dir() == locations.config_dir() / "sessions"


def test_in_a_checkout_the_shipped_files_come_from_the_repository() -> None:
    top = Path(__file__).resolve().parent.parent
    assert (builtin_sessions_dir(), sounds_dir()) == (top / "sessions", top / "sounds")


# -- the key scanner ---------------------------------------------------------------------------


def test_the_scanner_finds_keys_in_every_toml_shape() -> None:
    text = textwrap.dedent(
        '''
        name = "x = 1 is text, not a key"
        notes = """
        steps = "also text"
        """
        schedule.when = "any"
        cues = { countdown = 3, halfway = true }

        [[steps]]
        type = "repeat"
        steps = [
          { type = "open" },  # a comment ]
          { type = "rest", seconds = 3 },
        ]

        [[steps]]
        [[steps.steps]]
        [[steps.steps]]
        seconds = 4

        ["quoted key"]
        a = 1
        '''
    ).lstrip("\n")
    found = key_positions(text)
    assert found[("name",)] == (1, 1)
    assert found[("steps",)] == found[("steps", 0)] == (8, 1)
    assert found[("schedule", "when")] == (5, 1)
    assert found[("cues", "halfway")] == (6, 25)
    assert found[("steps", 0, "steps", 0, "type")] == (11, 5)
    assert found[("steps", 0, "steps", 1, "seconds")] == (12, 20)
    assert found[("steps", 1, "steps", 1)] == (17, 1)
    assert found[("steps", 1, "steps", 1, "seconds")] == (18, 1)
    assert found[("quoted key", "a")] == (21, 1)
    assert position_of(found, ("steps", 1, "steps", 1, "name")) == (17, 1)
    assert position_of(found, ("nowhere",)) == (1, 1)


# -- custom step sounds ------------------------------------------------------------------------

SOUND_SESSION = """
    name = "With a sound"

    [[steps]]
    type = "repeat"
    times = 2

    [[steps.steps]]
    type = "hold"
    name = "Hold"
    seconds = 10
    sound = "{sound}"
"""


def test_a_step_may_play_a_wav_from_the_users_sounds_folder(tmp_path: Path) -> None:
    import shutil

    user_sounds = locations.user_sounds_dir()
    user_sounds.mkdir(parents=True)
    shutil.copy(sounds_dir() / "go.wav", user_sounds / "whistle.wav")
    loaded = load_file(write(tmp_path, "whistle.toml", SOUND_SESSION.format(sound="whistle.wav")))
    assert loaded.errors == () and loaded.session is not None


def test_a_step_may_play_a_shipped_wav(tmp_path: Path) -> None:
    loaded = load_file(write(tmp_path, "shipped.toml", SOUND_SESSION.format(sound="switch.wav")))
    assert loaded.errors == ()


def test_a_missing_sound_is_an_error_on_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "missing.toml", SOUND_SESSION.format(sound="whistle.wav"))
    error = only_error(path)
    assert error.startswith(f"{path}:11:1: steps[0].steps[0].sound: ")
    assert "whistle.wav" in error


def test_a_sound_outside_the_sounds_folders_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "escape.toml", SOUND_SESSION.format(sound="../secret.wav"))
    assert only_error(path).startswith(f"{path}:11:1: steps[0].steps[0].sound: ")


def test_a_sound_that_is_not_a_wav_is_refused(tmp_path: Path) -> None:
    user_sounds = locations.user_sounds_dir()
    user_sounds.mkdir(parents=True)
    (user_sounds / "broken.wav").write_bytes(b"not a wav at all")
    path = write(tmp_path, "broken.toml", SOUND_SESSION.format(sound="broken.wav"))
    assert only_error(path).startswith(f"{path}:11:1: steps[0].steps[0].sound: ")
