"""The ``hiptimer`` command.

Exit codes: 0 ok, 1 invalid input (a bad session file, a failed check, an unknown session),
2 usage error (argparse's own). Bad input never ends in a traceback.

The listing and previewing commands (``--version``, ``list``, ``show``, ``check``, ``schema``)
never import Textual, so they start fast; only the commands that open the app import it, inside
their own functions. The same goes for the rest: each command imports what it uses when it runs
(the session model and pydantic, the history file), so ``--version`` and ``--help`` load none of it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence

from hiptimer import __version__
from hiptimer.core.printable import escape, table_lines

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing on the history command's path

if TYPE_CHECKING:  # imported where they are used, so a command loads only what it needs
    from pathlib import Path

    from hiptimer.catalog.sessions import Catalog, CatalogEntry, LoadError
    from hiptimer.core.model import Schedule, Session
    from hiptimer.core.plan import Phase, Plan
    from hiptimer.history.command import HistoryLookup

__all__ = ["CliHooks", "SessionStatus", "build_parser", "main"]


# The small records here are plain classes, not dataclasses or NamedTuples: importing dataclasses
# (and inspect) or typing costs a command such as ``history`` more than parsing its arguments.


class SessionStatus:
    """What the history says about a session, as shown by ``hiptimer list``.

    Attributes:
        last_done: When it was last done ("2 days ago"), or "-".
        due: Whether it is due ("today", "in 3 days"), or "-".
    """

    __slots__ = ("due", "last_done")

    def __init__(self, last_done: str = "-", due: str = "-") -> None:
        self.last_done = last_done
        self.due = due


def _no_status(entry: CatalogEntry) -> SessionStatus:
    return SessionStatus()


def _start_targets(session: Session) -> Mapping[str, float]:
    return {}


def _no_reasons(session: Session) -> Mapping[str, str]:
    return {}


def _load_catalog() -> Catalog:
    from hiptimer.catalog.sessions import load_catalog

    return load_catalog()


class CliHooks:
    """What the commands need from the rest of hiptimer, handed in so tests can replace it.

    Attributes:
        catalog: Loads the sessions.
        status: Last-done and due columns for ``list``.
        targets: Today's progression targets of a session (empty: each progression's start).
        reasons: Why each progression is at today's target ("last run completed 7 repeats -> 8 today").
    """

    __slots__ = ("catalog", "reasons", "status", "targets")

    def __init__(
        self,
        catalog: Callable[[], Catalog] = _load_catalog,
        status: Callable[[CatalogEntry], SessionStatus] = _no_status,
        targets: Callable[[Session], Mapping[str, float]] = _start_targets,
        reasons: Callable[[Session], Mapping[str, str]] = _no_reasons,
    ) -> None:
        self.catalog = catalog
        self.status = status
        self.targets = targets
        self.reasons = reasons


def _default_hooks() -> CliHooks:
    """The real hooks: last done, due and today's targets come from the history file.

    The history is looked up on first use, so the commands that never read it (``check``,
    ``schema``, ``run``) do not import it.
    """
    found: list[HistoryLookup] = []

    def lookup() -> HistoryLookup:
        if not found:
            from hiptimer.history.command import HistoryLookup  # late: only the commands that read history

            found.append(HistoryLookup())
        return found[0]

    def status(entry: CatalogEntry) -> SessionStatus:
        return SessionStatus(lookup().last_done(entry.session, never="-"), lookup().due(entry.session))

    return CliHooks(
        status=status,
        targets=lambda session: lookup().targets(session),
        reasons=lambda session: lookup().reasons(session),
    )


# -- parser ------------------------------------------------------------------------------------

_EPILOG = """\
exit codes: 0 ok, 1 invalid input or failed check, 2 usage error

environment:
  HIPTIMER_SESSIONS_DIR  your own session files (default: sessions/ in the config dir)
  HIPTIMER_CONFIG_DIR    settings folder (default: the platform's user config dir)
  HIPTIMER_DATA_DIR      history folder (default: the platform's user data dir)
  HIPTIMER_CACHE_DIR     session files already checked (default: the platform's user cache dir)
"""


def _columns() -> int:
    """The terminal's width, as :func:`shutil.get_terminal_size` tells it (``COLUMNS`` first)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, sized without importing shutil.

    argparse makes a formatter for every option it adds and sizes it with shutil, whose import
    (bz2, lzma) costs a command more than parsing its arguments: the width is the same from os.
    """

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        width = _columns() - 2 if width is None else width  # argparse leaves 2 columns too
        super().__init__(prog, indent_increment, max_help_position, width)


class _RawDescriptionFormatter(argparse.RawDescriptionHelpFormatter, _HelpFormatter):
    """:class:`argparse.RawDescriptionHelpFormatter`, sized as :class:`_HelpFormatter` is."""


class _Command:
    """A subcommand: its name, one line of help, what it runs and the arguments it takes."""

    __slots__ = ("arguments", "help", "name", "run")

    def __init__(
        self,
        name: str,
        help: str,
        run: Callable[[argparse.Namespace, CliHooks], int],
        arguments: Callable[[argparse.ArgumentParser], object] | None = None,
    ) -> None:
        self.name = name
        self.help = help
        self.run = run
        self.arguments = arguments


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of the ``hiptimer`` command.

    Args:
        only: Build the sub-parser of this command alone (each one costs a few milliseconds of
            start-up); ``""`` builds none (the app starts, no command named); None builds them
            all, as ``--help`` and an unknown command need.
    """
    parser = argparse.ArgumentParser(
        prog="hiptimer",
        description="Guided hip routines and hill repeats for runners, in the terminal. "
        "Without a command, starts the app.",
        epilog=_EPILOG,
        formatter_class=_RawDescriptionFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hiptimer {__version__}")
    parser.add_argument(
        "--theme", metavar="NAME", help="the app's colour theme, one of Textual's (e.g. textual-light)"
    )
    parser.set_defaults(run=_launch_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in _COMMANDS:
        if only is not None and command.name != only:
            continue
        sub = commands.add_parser(
            command.name, help=command.help, description=command.help, formatter_class=_HelpFormatter
        )
        if command.arguments is not None:
            command.arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None, hooks: CliHooks | None = None) -> int:
    """Run the ``hiptimer`` command.

    Args:
        argv: The arguments after the program name (default: ``sys.argv[1:]``).
        hooks: The parts the commands use (default: the real ones).

    Returns:
        The exit code.
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments == ["--version"]:
        print(f"hiptimer {__version__}")  # what argparse prints, without building every command's parser
        return 0
    parser = build_parser(_command_named(arguments))
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # --help, --version, usage errors: argparse already printed
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        return int(args.run(args, hooks or _default_hooks()))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `hiptimer schema | head`: the reader left; that is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, if it surely names one; None when it may be asking for help.

    Only the options before the command are skipped (``--theme`` takes a value); a help option
    there, or anything unexpected, gives None and so the whole parser. No command at all (the app
    starts) gives ``""``: the app's first frame does not wait for the seven commands' parsers.
    """
    names = {command.name for command in _COMMANDS}
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        if word == "--theme":
            if not rest:
                return None
            rest.pop(0)
        elif word.startswith("--theme="):
            continue
        elif word in names:
            return word
        else:
            return None
    return ""


# -- commands ----------------------------------------------------------------------------------


def _launch_app(args: argparse.Namespace, hooks: CliHooks) -> int:
    """No command: the app, at the home screen."""
    from hiptimer.tui.launch import run_app  # late: the app imports Textual

    return run_app(None, theme=args.theme)


def _run(args: argparse.Namespace, hooks: CliHooks) -> int:
    """``hiptimer run SESSION``: the app, straight into a session (exit 1 if it cannot be found)."""
    from hiptimer.tui.launch import run_app  # late: the app imports Textual

    return run_app(args.session, theme=args.theme)


def _run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="SESSION", help="a session id, or the path of a .toml file")
    # Also accepted after the command; SUPPRESS keeps a --theme given before it.
    parser.add_argument("--theme", metavar="NAME", default=argparse.SUPPRESS, help="the app's colour theme")


def _list(args: argparse.Namespace, hooks: CliHooks) -> int:
    from hiptimer.core.plan import compile_plan

    catalog = hooks.catalog()
    rows = [("ID", "NAME", "TIME", "WHEN", "LAST DONE", "DUE", "FROM")]
    for entry in catalog:
        plan = compile_plan(entry.session, hooks.targets(entry.session))
        status = hooks.status(entry)
        rows.append(
            (
                entry.id,
                entry.session.name,
                _total_text(plan),
                schedule_text(entry.session.schedule),
                status.last_done,
                status.due,
                _source_text(entry),
            )
        )
    if len(rows) == 1:
        print("No sessions found.")
    else:
        print(_table(rows))
    _print_errors(catalog.errors)
    return 0


def _show(args: argparse.Namespace, hooks: CliHooks) -> int:
    from hiptimer.catalog.sessions import SessionNotFoundError
    from hiptimer.core.plan import compile_plan

    try:
        entry = hooks.catalog().find(args.session)
    except SessionNotFoundError as exc:
        _print_errors(exc.errors)
        print(f"hiptimer: {escape(exc.message)}", file=sys.stderr)
        return 1
    session = entry.session
    plan = compile_plan(session, hooks.targets(session))
    if getattr(args, "cues", False):
        return _show_cues(plan)
    print(escape(f"{session.name}  ({session.id}, {_source_text(entry)}: {entry.path})"))
    if session.description:
        print(_wrap(session.description, ""))
    print(f"When: {schedule_text(session.schedule)}")
    reasons = hooks.reasons(session)
    for name, progression in session.progression.items():
        print(
            f"Today: {escape(name)} = {plan.targets[name]:g} "
            f"(starts at {progression.start:g}, +{progression.step:g} after each full run, "
            f"goal {progression.goal:g})"
        )
        if name in reasons:
            print(f"  why: {escape(reasons[name])}")
    print()
    if plan.get_ready:
        print(f"Get ready: {plan.get_ready:g} s")
    print(_phase_table(plan.phases))
    print()
    print(f"Total: {_total_text(plan)} in {len(plan)} phases (plus {plan.get_ready:g} s to get ready)")
    if plan.is_estimate:
        print(
            _wrap(
                "~ marks an estimate: a step you end with done counts its estimate_seconds "
                "(60 s unless the file says), and reps you count yourself count "
                "reps x estimate_rep_seconds (3 s a rep unless the file says).",
                "",
            )
        )
    return 0


def _check(args: argparse.Namespace, hooks: CliHooks) -> int:
    from pathlib import Path

    from hiptimer.catalog.sessions import load_file
    from hiptimer.core.plan import compile_plan

    files, errors = _expand(Path(p) for p in args.files)
    _print_errors(errors)
    failed = bool(errors)
    for path in files:
        loaded = load_file(path)
        if loaded.session is None:
            failed = True
            _print_errors(loaded.errors)
            continue
        plan = compile_plan(loaded.session)
        print(escape(f"ok: {path} ({len(plan)} phases, {_total_text(plan)})"))
    return 1 if failed else 0


def _schema(args: argparse.Namespace, hooks: CliHooks) -> int:
    import json

    from hiptimer.core.schema import Session

    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **Session.model_json_schema()}
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def _history_arguments(parser: argparse.ArgumentParser) -> None:
    from hiptimer.history.command import add_arguments

    add_arguments(parser)


def _history(args: argparse.Namespace, hooks: CliHooks) -> int:
    """``hiptimer history``: see :mod:`hiptimer.history.command`."""
    from hiptimer.history.command import run_history

    return run_history(args)


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    from hiptimer.export.commands import add_export_arguments

    add_export_arguments(parser)


def _export(args: argparse.Namespace, hooks: CliHooks) -> int:
    """``hiptimer export``: see :mod:`hiptimer.export.commands`."""
    from hiptimer.export.commands import run_export

    return run_export(args, hooks)


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    from hiptimer.export.commands import add_import_arguments

    add_import_arguments(parser)


def _import(args: argparse.Namespace, hooks: CliHooks) -> int:
    """``hiptimer import``: see :mod:`hiptimer.export.commands`."""
    from hiptimer.export.commands import run_import

    return run_import(args, hooks)


def _port(text: str) -> int:
    port = int(text) if text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r} (0-65535; 0 picks a free one)")
    return port


def _token(text: str) -> str:
    import re

    if text and not re.fullmatch(r"[A-Za-z0-9._~-]{8,}", text):
        raise argparse.ArgumentTypeError("a token needs 8 or more letters, digits or . _ ~ -")
    return text


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this computer only; "
        "0.0.0.0: every network this computer is on, with an access token)",
    )
    parser.add_argument("--port", type=_port, default=8000, help="the port (default: 8000; 0: any free port)")
    parser.add_argument(
        "--session", metavar="ID", help="open straight into this session (an id or a .toml path)"
    )
    parser.add_argument(
        "--token",
        nargs="?",
        const="",
        type=_token,
        metavar="TOKEN",
        help="require an access token on this computer too (a random one unless given; "
        "other addresses always need one)",
    )


def _serve(args: argparse.Namespace, hooks: CliHooks) -> int:
    import importlib.util

    missing = [name for name in ("textual_serve", "segno") if importlib.util.find_spec(name) is None]
    if missing:
        needs = " and ".join(name.replace("_", "-") for name in missing)
        print(f"hiptimer: serving to a browser needs {needs}: pip install 'hiptimer[web]'", file=sys.stderr)
        return 1
    if args.session is not None:
        from hiptimer.catalog.sessions import SessionNotFoundError

        try:
            hooks.catalog().find(args.session)
        except SessionNotFoundError as exc:
            _print_errors(exc.errors)
            print(f"hiptimer: {escape(exc.message)}", file=sys.stderr)
            return 1
    from hiptimer.web import serve

    token: str | None = args.token
    if token == "" or (token is None and not serve.is_loopback(args.host)):
        token = serve.new_token()
    config = serve.ServeConfig(args.host, args.port, token, serve.app_command(args.session))
    return serve.run(config)


_COMMANDS = (
    _Command("list", "list the sessions: id, name, estimated time, when, last done, due", _list),
    _Command(
        "show",
        "show a session's plan for today, phase by phase, with its total time",
        _show,
        lambda p: _show_arguments(p),
    ),
    _Command("run", "start the app straight into a session", _run, _run_arguments),
    _Command(
        "check",
        "check session files; print path:line:col: field: message for each problem",
        _check,
        lambda p: p.add_argument(
            "files", metavar="FILE", nargs="+", help="session files, or folders of them"
        ),
    ),
    _Command("schema", "print the JSON Schema of session files (for editors)", _schema),
    _Command("serve", "serve the app to a browser (a phone on the home network)", _serve, _serve_arguments),
    _Command(
        "history",
        "past runs, newest first: a table, or --json / --csv for other tools;"
        " --import FILE reads an export back",
        _history,
        _history_arguments,
    ),
    _Command(
        "export",
        "write a session's plan for today as a workout for a watch (--fit: a Garmin FIT file)",
        _export,
        _export_arguments,
    ),
    _Command(
        "import",
        "add the activity a watch recorded (a FIT file) to the history as a run of its session",
        _import,
        _import_arguments,
    ),
)


def _show_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="SESSION", help="a session id, or the path of a .toml file")
    parser.add_argument(
        "--cues",
        action="store_true",
        help="list every cue of today's plan instead: when it plays, its tone and its words",
    )


def _show_cues(plan: Plan) -> int:
    """``show --cues``: the header, then one line per cue (see :mod:`hiptimer.show_cues`)."""
    from hiptimer.settings import load_settings
    from hiptimer.show_cues import cue_lines, default_lengths

    settings, _ = load_settings()
    targets = ", ".join(f"{name} = {value:g}" for name, value in plan.targets.items())
    print(f"{plan.session_name}  ({plan.session_id}{': ' + targets if targets else ''}): every cue, in order")
    for line in cue_lines(plan, default_lengths(), voice=settings.voice):
        print(line)
    return 0


# -- output helpers ----------------------------------------------------------------------------


def schedule_text(schedule: Schedule) -> str:
    """The schedule hint in words: "before a run", "2x a week, non-running days"."""
    from hiptimer.core.model import ScheduleWhen

    when = {
        ScheduleWhen.BEFORE_RUN: "before a run",
        ScheduleWhen.MID_RUN: "during a run",
        ScheduleWhen.NON_RUNNING_DAYS: "non-running days",
        ScheduleWhen.ANY: "any time",
    }[schedule.when]
    return f"{schedule.per_week}x a week, {when}" if schedule.per_week else when


def clock_text(seconds: float) -> str:
    """A length of time as M:SS, or H:MM:SS from an hour up."""
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _total_text(plan: Plan) -> str:
    return ("~" if plan.is_estimate else "") + clock_text(plan.estimated_seconds)


def _source_text(entry: CatalogEntry) -> str:
    text = "built-in" if entry.source == "builtin" else entry.source.value
    return f"{text}, replaces built-in" if entry.replaces is not None and entry.source == "user" else text


def _phase_table(phases: Sequence[Phase]) -> str:
    width = len(str(len(phases)))
    rows = [
        (
            f"{p.index + 1:>{width}}.",
            p.label + (f" ({p.side.value})" if p.side else ""),
            f"set {p.set_index}/{p.set_count}" if p.set_count > 1 else "",
            "round " + ", ".join(f"{i}/{n}" for i, n in p.rounds) if p.rounds else "",
            _target_text(p),
        )
        for p in phases
    ]
    lines = table_lines(rows)
    out: list[str] = []
    shown: set[str] = set()
    for line, phase in zip(lines, phases, strict=True):
        out.append("  " + line)
        if phase.instructions and phase.instructions not in shown:  # once is enough to read
            shown.add(phase.instructions)
            out.append(_wrap(phase.instructions, " " * (width + 5)))
    return "\n".join(out)


def _target_text(phase: Phase) -> str:
    from hiptimer.core.plan import format_seconds

    if phase.timed:
        return phase.target_text()
    return f"{phase.target_text()} (~{format_seconds(phase.estimate_seconds)})"


def _table(rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns by display width (CJK and emoji take two cells); cells are escaped."""
    return "\n".join(table_lines(rows))


def _wrap(text: str, indent: str) -> str:
    import textwrap

    return textwrap.fill(
        escape(" ".join(text.split())), width=96, initial_indent=indent, subsequent_indent=indent
    )


def _print_errors(errors: Iterable[LoadError]) -> None:
    for error in errors:
        print(error, file=sys.stderr)


def _expand(paths: Iterable[Path]) -> tuple[list[Path], list[LoadError]]:
    """Files as given; a folder stands for the ``*.toml`` files in it (an error if none)."""
    from hiptimer.catalog.sessions import LoadError

    files: list[Path] = []
    errors: list[LoadError] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
        elif found := sorted(path.glob("*.toml")):
            files.extend(found)
        else:
            errors.append(LoadError(path, 1, 1, "file", "a folder with no .toml files in it"))
    return files, errors
