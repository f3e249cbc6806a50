"""The Typer application shared by every command module of the CLI.

Instant start: ``mindmuscle --help`` imports no command module. :data:`COMMANDS` names each
top-level command, the module that defines it and its one-line help; the module is imported
only when its command runs (or its own help is asked for). A command module that is not in the
table still works: it is imported whenever the command list is needed
(``tests/test_cli_startup.py`` asks for it to be added).

Errors are translated here, once (:mod:`mindmuscle.cli._errors`): one line ``Error: ...`` on
stderr, exit status 1, and 2 for a usage error; never a traceback.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TextIO

import typer
from rich.console import Console
from typer import _click
from typer._click.globals import get_current_context
from typer._click.shell_completion import CompletionItem
from typer._click.utils import make_default_short_help
from typer.core import TyperGroup

from mindmuscle.errors import FileRowsError

if TYPE_CHECKING:
    from mindmuscle.coach.limits import Limit
    from mindmuscle.errors import OutOfRangeError
    from mindmuscle.units import MassUnit

__all__ = [
    "COMMANDS",
    "DbOption",
    "app",
    "apply_conventions",
    "check_rate",
    "console",
    "err_console",
    "load_all_commands",
    "load_option",
    "mass_option",
    "reps_option",
]

console = Console()
err_console = Console(stderr=True)

_PACKAGE = "mindmuscle.cli"

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module in mindmuscle.cli, its help's first sentence), in the order --help lists them
    "init": (
        "session",
        "Set up your profile: units, experience, goal and the equipment you own.",
    ),
    "today": (
        "session",
        "Answer the readiness check and get today's plan (stored for `mindmuscle session`).",
    ),
    "plan": (
        "coach",
        "Today's plan from your profile and logged sets (the options override them): exercises, "
        "sets, reps, load, tempo, focus cue and why, with evidence ids.",
    ),
    "session": (
        "session",
        "Run today's session, guided set by set (Enter = ready/done/skip rest; p, r, s, q).",
    ),
    "log": ("session", "Log one set quickly, with its reflection."),
    "history": (
        "history",
        "Show logged sets with their ratings, and the estimated 1RM per exercise.",
    ),
    "set": ("sets", "Show, correct, delete or restore one logged set (every change is kept)."),
    "workout": ("sets", "Show, delete or restore a whole workout with its sets."),
    "map": (
        "history",
        "The connection map: how well you connect to each muscle (0-10), from your ratings.",
    ),
    "drill": (
        "session",
        "The flexing drill, guided: weakest muscles first, flex-hold-release timers, and a rating "
        "per muscle (stored).",
    ),
    "exercises": (
        "catalog",
        "List the exercises of your catalogue (built-in, imported, and your own from log imports).",
    ),
    "exercise": (
        "catalog",
        "Show an exercise card (mindmuscle exercise ID) or assign your exercise's targets.",
    ),
    "evidence": (
        "catalog",
        "Show the evidence: studies, the rules that cite them, and claims we do not repeat.",
    ),
    "catalog": (
        "catalog",
        "Manage the exercise catalogue: import exercises from free-exercise-db.",
    ),
    "import": ("logs", "Import a workout log."),
    "export": ("logs", "Export your sets as CSV, or everything as JSON (importable again)."),
    "db": ("session", "Database maintenance."),
    "motion": (
        "motion",
        "Count repetitions, time their phases and check the tempo of one recorded set.",
    ),
    "emg": (
        "emg",
        "Analyse an EMG recording: quality, onsets, repetitions with features, ratios, fatigue.",
    ),
    "batch": (
        "batch",
        "Analyse many motion or EMG recordings at once, here or on a Dask cluster: one row each.",
    ),
    "live": (
        "live",
        "Live EMG biofeedback: per-muscle %MVC bars, ratios, repetitions and cues.",
    ),
    "calibration": (
        "felt",
        "Felt versus measured: per muscle and exercise, how your felt ratings track EMG %MVC.",
    ),
    "experiment": (
        "experiment",
        "Focus experiments: design, run set by set with EMG, analyse into a report.",
    ),
    "serve": ("serve", "Start the web app (open it on your phone at the gym)."),
    "user": (
        "users",
        "Accounts of the web app when it is open to the network: add, passwd, list, remove, "
        "and which coach (an admin) each lifter is a client of: assign, unassign.",
    ),
    "client": (
        "clients",
        "A coach's clients: list them, and show a client's sets with their reflections.",
    ),
}
"""Every top-level command: the module that defines it and the first sentence of its help."""


# The same short option for the same thing in every command (added where a command has the long
# one and the letter is free), and metavars that name the value instead of its Python type.
SHORT_OPTIONS = {
    "--exercise": "-e",
    "--format": "-f",
    "--limit": "-n",
    "--muscle": "-m",
    "--out": "-o",
}
_METAVARS = {"db": "URL", "rate": "HZ", "out": "FILE", "plot": "FILE", "report": "FILE"}


def apply_conventions(command: _click.Command) -> _click.Command:
    """Give ``command`` (and its subcommands) the shared short options and plain metavars."""
    if getattr(command, "_mindmuscle_conventions", False):
        return command
    command._mindmuscle_conventions = True  # type: ignore[attr-defined]
    taken = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
    for param in command.params:
        if param.param_type_name == "option":
            for long, short in SHORT_OPTIONS.items():
                if long in param.opts and short not in taken:
                    param.opts.append(short)
                    taken.add(short)
        if param.metavar is not None or getattr(param, "is_flag", False):
            continue
        descriptor = getattr(param, "type_descriptor", None)
        choices = getattr(descriptor, "choices", None) if descriptor is not None else None
        name = (param.name or "value").lower()
        if choices:
            param.metavar = "[" + "|".join(str(getattr(c, "value", c)) for c in choices) + "]"
        else:
            param.metavar = _METAVARS.get(name, name.upper())
        if param.param_type_name == "argument":
            # Typer would add the type after the name ("FILE <path>") and brace it in the usage.
            shown = param.metavar if param.required else f"[{param.metavar}]"
            vars(param).update(
                display_type_rich=lambda ctx: None, _usage_display_name=lambda shown=shown: shown
            )
    for sub in getattr(command, "commands", {}).values():
        apply_conventions(sub)
    return command


def check_rate(rate_hz: float | None) -> None:
    """A sampling rate must be above 0 Hz (a usage error, exit 2, otherwise)."""
    if rate_hz is not None and not rate_hz > 0:
        raise typer.BadParameter(
            f"{rate_hz:g} Hz is not a sampling rate: give the samples per second, above 0 "
            "(for example 100).",
            param_hint="'--rate'",
        )


class OptionValueError(_click.exceptions.UsageError):
    """A value typed for an option that the set model refuses: a usage error (exit 2), worded
    as the model words it (``--load inf is not allowed: the load must be ...``), the value as
    typed on the command line."""

    def __init__(self, option: str, error: OutOfRangeError, given: str | None = None) -> None:
        from mindmuscle.errors import shown

        self.option = option
        self.value = shown(error.value) if given is None else given
        self.allowed = error.allowed
        super().__init__(
            f"{option} {self.value} is not allowed: {error.allowed}.",
            ctx=get_current_context(silent=True),
        )


def choice_option(option: str, value: str, allowed: Sequence[str]) -> str:
    """``value`` if it is one of ``allowed``; else a usage error (exit 2) that names them."""
    from mindmuscle.errors import OutOfRangeError

    if value in allowed:
        return value
    words = ", ".join(repr(a) for a in allowed[:-1]) + f" or {allowed[-1]!r}"
    raise OptionValueError(option, OutOfRangeError(option, value, f"it must be {words}"))


def unit_option(value: str, option: str = "--units") -> MassUnit:
    """A mass unit as typed (kg, kgs, lb, lbs, ...); else a usage error (exit 2)."""
    from mindmuscle.errors import InvalidInputError, OutOfRangeError
    from mindmuscle.units import parse_unit

    try:
        return parse_unit(value)
    except InvalidInputError:
        raise OptionValueError(
            option, OutOfRangeError(option, value, "it must be 'kg' or 'lb'")
        ) from None


def load_option(value: str | float, unit: MassUnit, option: str = "--load") -> float:
    """A load typed in ``unit`` as kilograms, if the set model allows it.

    Every command that takes a load checks it here, once its unit is known (the profile's or
    ``--units``), so inf, nan, -5, 1e9 and abc are all refused alike: exit 2, the model's words
    with the range in the lifter's unit. The option is read as text for that reason: a number
    the type checker refused would be worded without the unit.
    """
    from mindmuscle.coach.limits import LOAD_KG

    return mass_option(LOAD_KG, value, unit, option)


def mass_option(limit: Limit, value: str | float, unit: MassUnit, option: str) -> float:
    """A mass typed in ``unit`` (a load, an e1RM) as kilograms, if ``limit`` allows it (else
    exit 2, in the limit's words with its range in ``unit``), as :func:`load_option`."""
    from mindmuscle.coach.limits import check_mass
    from mindmuscle.errors import OutOfRangeError

    try:
        number = float(value)
    except ValueError:
        number = float("nan")  # refused below, worded with what was typed
    try:
        return check_mass(limit, option, number, unit)
    except OutOfRangeError as exc:
        raise OptionValueError(option, exc, str(value) if isinstance(value, str) else None) from exc


def reps_option(value: int, option: str = "--reps") -> int:
    """Repetitions typed on the command line, if the set model allows them (else exit 2)."""
    from mindmuscle.coach.limits import REPS
    from mindmuscle.errors import OutOfRangeError

    try:
        checked: int = REPS.check(option, value)
    except OutOfRangeError as exc:
        raise OptionValueError(option, exc) from exc
    return checked


def _command_modules() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.iter_modules(sys.modules[_PACKAGE].__path__)
        if not m.name.startswith("_")
    )


def _import(module: str) -> None:
    importlib.import_module(f"{_PACKAGE}.{module}")


def load_all_commands() -> None:
    """Import every command module (tests, and a command name the table does not know)."""
    for module in _command_modules():
        _import(module)


def _import_unlisted() -> None:
    listed = {module for module, _ in COMMANDS.values()}
    for module in _command_modules():
        if module not in listed:
            _import(module)


def _one_line(text: str) -> str:
    return " ".join(text.split())


_SHOULD = "Invalid value for "
# The type checker's words for the kinds of value, as a sentence of ours says them.
_KINDS = (
    ("a valid integer", "a whole number"),
    ("a valid number", "a number"),
    ("a valid datetime or date", "a date and time, such as 2026-03-01T18:30"),
    ("a valid date", "a date, such as 2026-03-01"),
)


def _option_limit(option: str) -> Limit | None:
    """The table's limit of a set or profile option (``--reps``, ``--rating``), if it has one."""
    from mindmuscle.cli._errors import FLAGS
    from mindmuscle.coach.limits import LIMIT_OF_FIELD

    for field, flag in FLAGS.items():
        if flag == option:
            limit = LIMIT_OF_FIELD.get(field.rsplit(".", 1)[-1])
            if limit is not None:
                return limit
    return None


def _num(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _plain_bad_value(exc: _click.exceptions.UsageError, args: Sequence[str]) -> str:
    """A refused option value in the words of every other error: the option, the value given,
    what is allowed (``--reps -1 is not allowed: the reps must be a whole number from 0 to
    200``), not the type checker's "Invalid value for '--reps': Input should be ..."."""
    if isinstance(exc, OptionValueError):
        typed = _given([exc.option], args) or exc.value
        return f"{exc.option} {typed} is not allowed: {exc.allowed}."
    message = _one_line(exc.format_message())
    param = getattr(exc, "param", None)
    head, sep, rest = message.partition(": ")
    if not (sep and head.startswith(_SHOULD) and param is not None and param.opts):
        return message
    rest = rest.removeprefix("Value error, ")
    choice = " is not one of " in rest
    if not (rest.startswith("Input should be ") or choice):
        return message
    rest = rest.removeprefix("Input should be ")
    given = _given([*param.opts, *param.secondary_opts], args)
    option = max(param.opts, key=len)
    shown = "" if given is None else f" {given}"
    descriptor = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None) if descriptor is not None else None
    limit = _option_limit(option)
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    whole = getattr(descriptor, "annotation", None) is int
    kind = "a whole number" if whole else "a number"
    if choice and choices:
        allowed = ", ".join(str(getattr(c, "value", c)) for c in choices)
        return f"{option}{shown} is not allowed: choose one of {allowed}."
    if limit is not None and not limit.text:
        return f"{option}{shown} is not allowed: {limit.allowed()}."
    if low is not None and high is not None:
        return (
            f"{option}{shown} is not allowed: it must be {kind} from {_num(low)} to {_num(high)}."
        )
    for theirs, ours in _KINDS:
        if rest.startswith(theirs):
            rest = ours + "."
            break
    return f"{option}{shown} is not allowed: it must be {rest}"


def _given(names: Sequence[str], args: Sequence[str]) -> str | None:
    """The value typed for an option (its last one), as typed: ``1e9``, not ``1e+09``."""
    given = None
    for i, token in enumerate(args):
        if token in names and i + 1 < len(args):
            given = args[i + 1]
        for name in names:
            if token.startswith(f"{name}="):
                given = token.partition("=")[2]
    return given


def _usage_hint(ctx: _click.Context | None, message: str = ".") -> str:
    if ctx is None:
        return ""
    stop = "" if message.rstrip().endswith((".", "?", "!")) else "."
    return f"{stop} See '{ctx.command_path} --help'."


class _Group(TyperGroup):
    """The root group: loads a command's module when the command is needed."""

    def _load(self, ctx: _click.Context, name: str) -> _click.Command | None:
        entry = COMMANDS.get(name)
        if entry is not None:
            _import(entry[0])
        built = typer.main.get_command(app)
        if name not in getattr(built, "commands", {}):
            # Not where the table says (or not in it): look in every module.
            load_all_commands()
            built = typer.main.get_command(app)
        commands: dict[str, _click.Command] = getattr(built, "commands", {})
        self.commands.update(commands)
        return commands.get(name)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        found = self.commands.get(cmd_name)
        if found is None:
            found = self._load(ctx, cmd_name)
        return None if found is None else apply_conventions(found)

    def list_commands(self, ctx: _click.Context) -> list[str]:
        _import_unlisted()
        if len(self.commands) < len(app.registered_commands) + len(app.registered_groups):
            self.commands.update(getattr(typer.main.get_command(app), "commands", {}))
        return [*COMMANDS, *(n for n in self.commands if n not in COMMANDS)]

    def _short_help(self, name: str, limit: int) -> str | None:
        cmd = self.commands.get(name)
        if cmd is not None:
            return None if cmd.hidden else cmd.get_short_help_str(limit)
        return make_default_short_help(COMMANDS[name][1], limit)

    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = [(n, h) for n in names if (h := self._short_help(n, limit)) is not None]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def shell_complete(self, ctx: _click.Context, incomplete: str) -> list[CompletionItem]:
        items = [
            CompletionItem(n, help=h)
            for n in self.list_commands(ctx)
            if n.startswith(incomplete) and (h := self._short_help(n, 45)) is not None
        ]
        items.extend(_click.Command.shell_complete(self, ctx, incomplete))
        return items

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        from mindmuscle.cli._errors import describe

        try:
            result = super().main(
                args, prog_name or "mindmuscle", complete_var, standalone_mode=False, **extra
            )
        except _click.exceptions.NoArgsIsHelpError as exc:
            # A group given no command shows its help (on stdout, like --help).
            _click.echo(exc.ctx.get_help() if exc.ctx is not None else "")
            sys.exit(0)
        except _click.exceptions.UsageError as exc:
            message = _plain_bad_value(exc, sys.argv[1:] if args is None else list(args))
            _fail(f"{message}{_usage_hint(exc.ctx, message)}", exc.exit_code)
        except _click.exceptions.ClickException as exc:
            _fail(_one_line(exc.format_message()), exc.exit_code)
        except typer.Abort:
            # A question got no answer: Ctrl-C, or standard input closed (a script, a pipe).
            _fail(
                "Aborted: a question got no answer (Ctrl-C, or the input was closed). Nothing "
                "was stored; give the answer as an option instead (see the command's --help).",
                1,
            )
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except FileRowsError as exc:
            _fail_rows(exc)
        except Exception as exc:
            described = describe(exc)
            if described is None:
                raise
            _fail(_one_line(described), 1)
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, code: int) -> NoReturn:
    sys.stdout.flush()
    # Bytes quoted from a binary file must not reach the terminal as control characters.
    shown = "".join(c if c.isprintable() else "?" for c in message)
    _click.echo(f"Error: {shown}", err=True)
    sys.exit(code)


def _fail_rows(exc: FileRowsError) -> NoReturn:
    """Every broken row of a file, one per line (file, line, column, value, what is allowed)."""
    from mindmuscle.cli._errors import worded

    if exc.count == 1:
        _fail(_one_line(worded(exc.errors[0] if exc.errors else exc)), 1)
    sys.stdout.flush()
    lines = [f"Error: {exc.path}: {exc.count} rows cannot be imported, so nothing was stored:"]
    lines += [f"  {_one_line(worded(e))}" for e in exc.errors]
    if exc.more:
        lines.append(f"  ... and {exc.more} more (the first {len(exc.errors)} are listed).")
    shown = ["".join(c if c.isprintable() else "?" for c in line) for line in lines]
    _click.echo("\n".join(shown), err=True)
    sys.exit(1)


def _show_version(value: bool) -> None:
    if value:
        from mindmuscle import __version__

        typer.echo(f"mindmuscle {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=_Group,
    name="mindmuscle",
    help="MindMuscle: evidence-based mind-muscle connection training.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            is_eager=True,
            callback=_show_version,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """MindMuscle: evidence-based mind-muscle connection training."""
    warnings.showwarning = _one_line_warning


def _one_line_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """A warning the analysis raises (a sampling rate too low for the band, say) is one line
    for the user, not Python's file, line number and source."""
    print(f"Note: {message}", file=sys.stderr if file is None else file)


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file.db, postgresql+psycopg://...) or a SQLite file path. "
        "Default: MINDMUSCLE_DATABASE_URL, else mindmuscle.db in the user's data folder.",
    ),
]
"""The ``--db`` option every command that reads or writes stored data takes."""

_MAP_HELP = (
    "The live sensor's channels to muscles: CH is the 1-based number or the stream's label; "
    "add _left/_right for the two sides (e.g. 1=biceps_left)."
)
LiveMapOption = Annotated[
    str | None, typer.Option("--map", metavar="CH=MUSCLE[,...]", help=_MAP_HELP)
]
"""``--map`` of a command with an optional live sensor (live, serve, session)."""
LiveMapRequired = Annotated[str, typer.Option("--map", metavar="CH=MUSCLE[,...]", help=_MAP_HELP)]
"""``--map`` of a command that needs the live sensor (live calibrate, live skill-test)."""
LiveSourceRequired = Annotated[
    str, typer.Option("--source", help="The stream, as for mindmuscle live (e.g. lsl:EMG).")
]
"""``--source`` of a command that needs the live sensor (live calibrate, live skill-test)."""
