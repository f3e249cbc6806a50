"""Training from the terminal: ``init``, ``today``, ``session``, ``log``, ``drill`` and
``db upgrade`` (``history`` and ``map`` read what they store: :mod:`mindmuscle.cli.history`).

The guided commands read line commands from standard input, so they can be scripted as well
as used by hand: Enter means "ready", "done" or "skip the rest", depending on the moment; ``p``
pauses, ``r`` resumes, ``s`` skips the exercise, ``q`` ends the session. Every command takes
``--db URL`` (a SQLAlchemy URL or a file path); ``MINDMUSCLE_DATABASE_URL`` sets the default.
"""

from __future__ import annotations

import atexit
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, get_args

import pyfiglet
import typer
from pydantic import ValidationError
from rich.align import Align
from rich.console import Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mindmuscle.catalog import Catalog
from mindmuscle.catalog.models import Tempo
from mindmuscle.cli import _prompt
from mindmuscle.cli._app import (
    DbOption,
    LiveMapOption,
    app,
    choice_option,
    console,
    load_option,
    reps_option,
    unit_option,
)
from mindmuscle.cli._db import open_existing
from mindmuscle.cli._errors import describe_validation_error
from mindmuscle.coach import default_equipment
from mindmuscle.coach.adapt import ACTION_WORDS
from mindmuscle.coach.limits import (
    BODYWEIGHT_KG,
    LOAD_KG,
    RATING,
    REPS,
    REPS_IN_RESERVE,
    SET_UUID,
    check_mass,
    felt_text,
    range_errors,
)
from mindmuscle.coach.loads import format_load
from mindmuscle.coach.models import (
    Experience,
    FocusMode,
    Goal,
    Plan,
    Profile,
    Readiness,
    Reflection,
)
from mindmuscle.coach.sets import SET_TYPES, check_felt_elsewhere, parse_set
from mindmuscle.errors import (
    ChannelMapError,
    InvalidInputError,
    MindMuscleError,
    OutOfRangeError,
    UnknownIdError,
    counted,
)
from mindmuscle.services import drills as drill_service
from mindmuscle.services.history import (
    record_set,
    user_catalog,
)
from mindmuscle.services.profile import get_profile, save_profile
from mindmuscle.services.sessions import (
    GuidedRun,
    TodayPlan,
    finish_session,
    plan_today,
    session_to_run,
)
from mindmuscle.session import Event, LoopOptions
from mindmuscle.session import events as ev_
from mindmuscle.store import LOCAL_USER_ID, backup_database, open_database
from mindmuscle.units import MassUnit, from_kg, parse_unit

__all__ = ["db_app"]

TimeScaleOption = Annotated[
    float,
    typer.Option(
        "--time-scale",
        min=0.001,
        max=10.0,
        help="Multiply every duration (tempo, countdowns, rest) by this; 0.01 runs a session "
        "in seconds (for tests and demos).",
    ),
]

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")

USER_ID = LOCAL_USER_ID


def _now() -> datetime:
    return datetime.now(UTC)


def _fmt_kg(load_kg: float | None, units: MassUnit) -> str:
    if load_kg is None:
        return "body weight"
    return f"{round(from_kg(load_kg, units), 2):g} {units}"


def _why(exc: ValueError) -> str:
    return describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)


def _parse_ratings(
    items: Sequence[str], *, what: str, high: int, catalog: Catalog | None = None
) -> dict[str, int]:
    """``["front_delt=4", "traps=2"]`` or ``["front_delt=4,traps=2"]`` -> a dict.

    With ``catalog`` (ratings of muscles felt elsewhere), a muscle may be given by its name
    ("Front deltoid=3") and the keys are its id; a name or id it does not know is refused with
    the muscles the word may mean.
    """
    out: dict[str, int] = {}
    example = "front deltoid" if catalog else "front_delt"
    for item in items:
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            name, sep, value = part.partition("=")
            try:
                rating = int(value)
            except ValueError:
                rating = -1
            if not sep or not name.strip() or not 0 <= rating <= high:
                raise InvalidInputError(
                    f"{what} {part!r} must be written muscle=rating with a rating from 0 to "
                    f"{high}, for example '{example}={min(2, high)}'."
                )
            out[_muscle_id(catalog, name.strip()) if catalog else name.strip()] = rating
    return out


def _muscle_id(catalog: Catalog, given: str) -> str:
    """The id of the muscle felt elsewhere that the lifter named (by name or id)."""
    try:
        return catalog.muscle_named(given).id
    except UnknownIdError as exc:
        raise exc.at(f"reflection.felt_elsewhere.{given}") from None


# --- db ---------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the database or bring its tables to the latest version."""
    database = open_database(db)
    console.print(
        f"Database {database.display_url} is at schema revision "
        f"{database.current_revision()} (the latest).",
        highlight=False,
        soft_wrap=True,
    )
    database.close()


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="The new backup file (never overwritten).")],
    db: DbOption = None,
) -> None:
    """Copy the database to FILE while the server runs (SQLite backup API, or pg_dump)."""
    database = open_existing(db)
    try:
        made = backup_database(database, file)
    finally:
        database.close()
    console.print(
        f"Backed up {database.display_url} to {made.path} ({made.size_bytes:,} bytes, "
        f"{made.method}). To restore: {made.restore}.",
        highlight=False,
        soft_wrap=True,
    )


# --- init -------------------------------------------------------------------------------------


def _choice_of(field: str, allowed: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in allowed:
            choices = f"{', '.join(allowed[:-1])} or {allowed[-1]}"
            raise OutOfRangeError(field, text, f"choose {choices}")
        return value

    return parse


def _plates(text: str) -> list[float]:
    try:
        return [float(p) for p in text.replace(" ", ",").split(",") if p.strip()]
    except ValueError:
        raise OutOfRangeError(
            "equipment.plates",
            text,
            "give the plates as numbers separated by commas, e.g. 20,10,5,2.5",
        ) from None


def _profile_key(field: str) -> str:
    """The init question (option) a field of the profile model belongs to."""
    parts = field.split(".")
    if parts[0] == "equipment" and len(parts) > 1:
        return parts[1]
    return {"bodyweight_kg": "bodyweight"}.get(parts[0], parts[0])


def _exercise_ids(database: Any, given: Sequence[str] | None) -> list[str] | None:
    """The ids of the exercises a lifter named, by id or name, in their catalogue (None when
    none was named: the coach chooses)."""
    if not given:
        return None
    catalog = user_catalog(db=database, user_id=USER_ID)
    return [catalog.exercise_named(name).id for name in given]


@app.command()
def init(
    units: Annotated[str | None, typer.Option(help="kg or lb.")] = None,
    experience: Annotated[str | None, typer.Option(help="new, some or experienced.")] = None,
    goal: Annotated[str | None, typer.Option(help="hypertrophy, strength or endurance.")] = None,
    bodyweight: Annotated[float | None, typer.Option(help="Body weight, in the units.")] = None,
    bar: Annotated[float | None, typer.Option(help="Barbell weight, in the units.")] = None,
    plates: Annotated[
        str | None, typer.Option(help="Plate sizes owned, comma separated (e.g. 20,10,5,2.5).")
    ] = None,
    dumbbell_step: Annotated[float | None, typer.Option(help="Dumbbell increment.")] = None,
    dumbbell_max: Annotated[float | None, typer.Option(help="Heaviest dumbbell.")] = None,
    stack_step: Annotated[float | None, typer.Option(help="Machine stack increment.")] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Do not ask; use defaults for what is not given.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Set up your profile: units, experience, goal and the equipment you own."""
    database = open_database(db)
    old = get_profile(db=database, user_id=USER_ID)
    options: dict[str, Any] = {
        "units": units,
        "goal": goal,
        "experience": experience,
        "bodyweight": bodyweight,
        "bar": bar,
        "plates": plates,
        "dumbbell_step": dumbbell_step,
        "dumbbell_max": dumbbell_max,
        "stack_step": stack_step,
    }
    units_question = _prompt.Question("Units", "kg or lb", old.units, parse_unit)
    unit: MassUnit = (
        parse_unit(units)
        if units is not None
        else old.units
        if no_input
        else _prompt.ask(units_question)
    )
    base = old.equipment if old.equipment.unit == unit else default_equipment(unit)
    bw_old = "0" if old.bodyweight_kg is None else f"{round(from_kg(old.bodyweight_kg, unit), 1):g}"

    def body_weight(text: str) -> float | None:
        value = _prompt.to_number(text)
        return None if value == 0 else check_mass(BODYWEIGHT_KG, "bodyweight_kg", value, unit)

    def number(text: str) -> float:
        return _prompt.to_number(text)

    questions = {
        "goal": _prompt.Question(
            "Goal",
            "hypertrophy, strength or endurance",
            old.goal,
            _choice_of("goal", get_args(Goal)),
        ),
        "experience": _prompt.Question(
            "Experience",
            "new, some or experienced",
            old.experience,
            _choice_of("experience", get_args(Experience)),
        ),
        "bodyweight": _prompt.Question(f"Body weight in {unit}", "0 to skip", bw_old, body_weight),
        "bar": _prompt.Question(f"Barbell in {unit}", "0 if none", f"{base.bar:g}", number),
        "plates": _prompt.Question(
            f"Plates you own, in {unit}",
            "comma separated",
            ",".join(f"{p:g}" for p in base.plates),
            _plates,
        ),
        "dumbbell_step": _prompt.Question(
            f"Dumbbell step in {unit}", "above 0", f"{base.dumbbell_step:g}", number
        ),
        "dumbbell_max": _prompt.Question(
            f"Heaviest dumbbell in {unit}", "above 0", f"{base.dumbbell_max:g}", number
        ),
        "stack_step": _prompt.Question(
            f"Machine stack step in {unit}", "above 0", f"{base.stack_step:g}", number
        ),
    }

    def build(answers: dict[str, Any]) -> Profile:
        equipment = {k: answers[k] for k in questions if k not in ("goal", "experience")}
        equipment.pop("bodyweight")
        return Profile.model_validate(
            {
                "goal": answers["goal"],
                "experience": answers["experience"],
                "units": unit,
                "bodyweight_kg": answers["bodyweight"],
                "equipment": {**base.model_dump(), **equipment},
            }
        )

    answers = {key: q.parse(q.default) for key, q in questions.items()}

    def checked(key: str, question: _prompt.Question) -> _prompt.Question:
        # The answer is checked at once with the profile's own limits, the other answers as
        # they stand, so a bad one is asked again right away.
        def problems(values: dict[str, Any]) -> list[OutOfRangeError]:
            try:
                build(values)
            except ValidationError as exc:
                return range_errors(exc.errors())
            return []

        def parse(text: str) -> Any:
            value = question.parse(text)
            before = {p.field for p in problems(answers)}
            for problem in problems({**answers, key: value}):
                # This answer's own problem, or one it makes of an earlier answer (a heaviest
                # dumbbell below the step already given): asked again here, nothing lost.
                if _profile_key(problem.field) == key:
                    raise problem from None
                if problem.field not in before:
                    raise OutOfRangeError(problem.field, value, problem.allowed) from None
            return value

        return _prompt.Question(question.text, question.allowed, question.default, parse)

    # The options given are checked first: a bad one is refused before any question is asked,
    # not after the lifter answered all the others.
    for key, question in questions.items():
        if options[key] is not None:
            answers[key] = checked(key, question).parse(str(options[key]))
    for key, question in questions.items():
        if options[key] is None and not no_input:
            answers[key] = _prompt.ask(checked(key, question))
    try:
        profile = build(answers)
    except ValidationError as exc:
        raise range_errors(exc.errors())[0] from None
    save_profile(db=database, user_id=USER_ID, profile=profile)
    eq = profile.equipment
    console.print(
        f"Profile saved: {profile.goal}, {profile.experience} lifter, {profile.units}; "
        f"bar {eq.bar:g}, plates {', '.join(f'{p:g}' for p in eq.plates)}, dumbbells "
        f"{eq.dumbbell_min:g}-{eq.dumbbell_max:g} by {eq.dumbbell_step:g}, stack step "
        f"{eq.stack_step:g} ({eq.unit})."
    )


# --- today ------------------------------------------------------------------------------------


def _plan_table(plan: Plan) -> Table:
    table = Table()
    for col in ("exercise", "role", "sets x reps", "load", "tempo", "focus", "rest"):
        table.add_column(col)
    for p in plan.exercises:
        table.add_row(
            p.name,
            p.role,
            f"{p.sets} x {p.reps[0]}-{p.reps[1]}",
            p.load_display,
            p.tempo.as_string(),
            p.focus.mode,
            f"{p.rest_s} s",
        )
    return table


def _show_plan(today: TodayPlan) -> None:
    plan = today.plan
    console.print(f"Today: {plan.decision}. {plan.reason}")
    if plan.exercises:
        console.print(_plan_table(plan))
    for p in plan.exercises:
        console.print(f"Cue ({p.name}): {p.focus.cue}", highlight=False)
    if plan.imagery:
        console.print(f"Imagery: {plan.imagery}")
    for p in plan.exercises:
        for w in p.warnings:
            console.print(f"Note ({p.name}): {w}")
        if p.starting_test:
            console.print(f"Starting load ({p.name}): {p.starting_test}")
    if plan.evidence:
        console.print(f"Evidence: {', '.join(plan.evidence)}")
    console.print(f"Stored as session {today.session_id}; start it with `mindmuscle session`.")


@app.command()
def today(
    sleep: Annotated[
        int | None, typer.Option(min=1, max=5, help="Sleep 1-5 (5 very good).")
    ] = None,
    energy: Annotated[int | None, typer.Option(min=1, max=5, help="Energy 1-5.")] = None,
    stress: Annotated[
        int | None, typer.Option(min=1, max=5, help="Stress 1-5 (5 very stressed).")
    ] = None,
    focus: Annotated[int | None, typer.Option(min=1, max=5, help="Focus 1-5.")] = None,
    sore: Annotated[
        list[str] | None, typer.Option(help="A sore muscle, muscle=0..3 (repeatable).")
    ] = None,
    exercise: Annotated[
        list[str] | None,
        typer.Option("--exercise", "-e", help="Train this exercise, by id or name (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Answer the readiness check and get today's plan (stored for `mindmuscle session`)."""

    scale = {"sleep": 3, "energy": 3, "stress": 3, "focus": 3}

    def ask(key: str, value: int | None, question: str, allowed: str) -> int:
        def parse(text: str) -> int:
            answer = int(_prompt.to_number(text, whole=True))
            try:  # the readiness check's own limits
                Readiness.model_validate({**scale, key: answer})
            except ValidationError as exc:
                raise range_errors(exc.errors())[0] from None
            return answer

        return (
            value
            if value is not None
            else _prompt.ask(_prompt.Question(question, allowed, "", parse))
        )

    soreness = _parse_ratings(sore or [], what="Soreness", high=3)
    readiness = Readiness(
        sleep=ask("sleep", sleep, "Sleep last night", "1 very poor - 5 very good"),
        energy=ask("energy", energy, "Energy now", "1 very low - 5 very high"),
        stress=ask("stress", stress, "Stress", "1 calm - 5 very stressed"),
        focus=ask("focus", focus, "Focus", "1 scattered - 5 sharp"),
        soreness=soreness,
    )
    database = open_database(db)
    result = plan_today(
        db=database,
        user_id=USER_ID,
        now=_now(),
        readiness=readiness,
        exercise_ids=_exercise_ids(database, exercise),
    )
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        _show_plan(result)


# --- the guided session -----------------------------------------------------------------------

_TIMEOUT = object()
_INTERRUPT = object()  # Ctrl-C, handled where the session waits (never inside a redraw)


class _Input:
    """Lines from standard input, read by a thread so the session can wait with a timeout."""

    def __init__(self) -> None:
        self._q: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            self._q.put(line.rstrip("\r\n"))
        self._q.put(None)

    def interrupt(self) -> None:
        """Ctrl-C: the waiting loop stops at its next step, not in the middle of a redraw."""
        self._q.put(_INTERRUPT)  # type: ignore[arg-type]

    def get(self, timeout_s: float | None) -> str | object | None:
        try:
            got = self._q.get(timeout=timeout_s)
        except queue.Empty:
            return _TIMEOUT
        if got is _INTERRUPT:
            raise KeyboardInterrupt
        return got


_SAVED_TERMINAL: list[Any] = []
_ECHO_GUARD: list[Any] = []


def _echo(on: bool) -> None:
    """Turn the terminal's echo of typed keys off while the live panel draws (a typed "11" would
    otherwise move the cursor under the panel, which then draws its top again below), and back
    on. Lines are still read whole; a no-op where standard input is not a terminal."""
    try:
        import termios
    except ImportError:  # not a POSIX terminal
        return
    try:
        fd = sys.stdin.fileno()
        if not sys.stdin.isatty():
            return
        if not on:
            attrs = termios.tcgetattr(fd)
            if not _ECHO_GUARD:
                _ECHO_GUARD.append(atexit.register(_echo, True))  # back on however it ends
            _SAVED_TERMINAL[:] = [list(attrs)]
            attrs[3] &= ~termios.ECHO
            termios.tcsetattr(fd, termios.TCSADRAIN, attrs)
        elif _SAVED_TERMINAL:
            termios.tcsetattr(fd, termios.TCSADRAIN, _SAVED_TERMINAL.pop())
    except (OSError, ValueError, termios.error):
        return


class _InputClosedError(Exception):
    pass


class _KeptError(Exception):
    """The lifter stopped mid-set and chose to keep the session for --resume."""


# Without a voice each phase has its own number of bells (the count-in and the end: one).
_BELLS = {"eccentric": 1, "bottom_pause": 0, "concentric": 2, "top_squeeze": 3}


class _Voice:
    """A distinct sound per phase: the word spoken by espeak-ng, else a number of bells."""

    def __init__(self, *, sound: bool, voice: bool, terminal: bool) -> None:
        self.bell = sound and terminal
        self.espeak = shutil.which("espeak-ng") if voice else None
        self._proc: subprocess.Popen[bytes] | None = None

    def describe(self) -> str:
        """What the lifter will hear, said once at the start."""
        if self.espeak is not None:
            return "Sound: each phase word is spoken (espeak-ng)."
        if self.bell:
            return (
                "Sound: no voice (espeak-ng is not installed), so the terminal bell rings: "
                "once to lower, twice to lift, three times to squeeze."
            )
        return "Sound: off; follow the phase word on the screen."

    def phase(self, phase: str, word: str) -> None:
        if self.espeak is not None:
            self.say(word)
        elif self.bell and _BELLS.get(phase, 0):
            sys.stdout.write("\a" * _BELLS[phase])
            sys.stdout.flush()

    def ring(self) -> None:
        if self.bell:
            sys.stdout.write("\a")
            sys.stdout.flush()

    def say(self, word: str) -> None:
        if self.espeak is None:
            return
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()  # the next word matters more than the end of the last one
        self._proc = subprocess.Popen(
            [self.espeak, "-s", "170", word],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def _big(word: str) -> str:
    """The phase word in large letters, readable from across the room.

    Every line is padded to the same width, so the block is centred as one piece (centring each
    line on its own skews the letters).
    """
    if not word:
        return "\n"
    text = str(pyfiglet.figlet_format(word.upper(), font="standard", width=200)).rstrip("\n")
    lines = text.splitlines()
    width = max((len(line) for line in lines), default=0)
    return "\n".join(line.ljust(width) for line in lines)


class _View:
    """Renders loop events: a Rich live panel in a terminal, one plain line each otherwise."""

    def __init__(
        self,
        *,
        units: MassUnit,
        clock: Callable[[], int],
        voice: _Voice,
        plan: Plan | None = None,
        names: dict[str, str] | None = None,
        muscles: dict[str, str] | None = None,
    ) -> None:
        self.units = units
        self.muscles = dict(muscles or {})
        self.quitting = False
        self.clock = clock
        self.voice = voice
        self.plan = plan
        self.names = dict(names or {})
        self.next_text = ""
        self.adapted_lines: list[str] = []
        self.live_mode = console.is_terminal
        self.live: Live | None = None
        self.title = ""
        self.phase = ""
        self.breath = ""
        self.rep = 0
        self.reps = ""
        self.cue = ""
        self.info = ""
        self.ends_ms: int | None = None
        self.countdown_label = ""
        self.measured: list[str] = []
        """Felt beside measured, one line per set with EMG (session --live)."""

    def name(self, exercise_id: str) -> str:
        return self.names.get(exercise_id, exercise_id)

    def load(self, load_kg: float | None, shown: str) -> str:
        """A load in the lifter's units now (a plan made before a change of units keeps kg)."""
        return shown if load_kg is None else format_load(load_kg, self.units)

    # Live panel
    def render(self) -> RenderableType:
        word = Text(_big(self.phase), style="bold magenta", no_wrap=True)
        resting = self.phase == "rest"
        box_text, box_title = (self.next_text, "next") if resting else (self.cue, "cue")
        parts: list[RenderableType] = [
            Align.center(Text(self.title, style="bold")),
            Text(""),
            Align.center(word),
            Align.center(Text(self.breath, style="italic")),
            Align.center(Text(f"Rep {self.rep}  (target {self.reps})" if self.reps else "")),
            Text(""),
            Panel(
                Align.center(Text(box_text, style="bold yellow", justify="center")),
                title=box_title,
            ),
        ]
        if self.ends_ms is not None:
            left = max(0, self.ends_ms - self.clock()) / 1000
            parts.append(
                Align.center(Text(f"{self.countdown_label} {left:.0f} s", style="bold cyan"))
            )
        if self.info:
            parts.append(Text(self.info, style="dim"))
        return Panel(Group(*parts), title="MindMuscle")

    def start_live(self) -> None:
        if self.live_mode and self.live is None:
            _echo(False)
            self.live = Live(get_renderable=self.render, console=console, refresh_per_second=10)
            self.live.start()

    def stop_live(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
            _echo(True)

    def line(self, text: str) -> None:
        if self.live is not None:
            self.info = text
        else:
            # On a screen, Rich wraps at word boundaries; piped output keeps each line whole.
            console.print(text, highlight=False, markup=False, soft_wrap=not console.is_terminal)
            sys.stdout.flush()

    def prompt(self, question: str) -> None:
        self.stop_live()
        console.print(
            f"? {question}", highlight=False, markup=False, soft_wrap=not console.is_terminal
        )
        sys.stdout.flush()

    def show(self, ev: Event) -> None:
        if isinstance(ev, ev_.ExerciseStartedEvent):
            self.line(f"== {ev.name}: {counted(ev.sets, 'set')}")
        elif isinstance(ev, ev_.PrimeStartedEvent):
            self.title = f"Prime, set {ev.set_index + 1}"
            self.phase, self.breath, self.rep, self.reps, self.ends_ms = "prime", "", 0, "", None
            if ev.visualisation:
                self.line(f"Visualise: {ev.visualisation}")
                self.voice.say("Visualise")
            self.line(f"Touch: {ev.touch}")
        elif isinstance(ev, ev_.SqueezeCountdownEvent):
            self.phase = f"squeeze {ev.remaining_s}"
            self.line(f"Squeeze test: {ev.remaining_s}")
        elif isinstance(ev, ev_.PrimeReadyEvent):
            self.cue = ev.cue
            load = self.load(ev.load_kg, ev.load_display)
            self.line(f"Load {load}, reps {ev.reps[0]}-{ev.reps[1]}. Cue: {ev.cue}")
        elif isinstance(ev, ev_.SetStartedEvent):
            load = self.load(ev.load_kg, ev.load_display)
            self.title = f"Set {ev.set_index + 1}: {load}"
            self.cue, self.rep, self.reps = ev.cue, 0, f"{ev.reps[0]}-{ev.reps[1]}"
            self.line(
                f"Set {ev.set_index + 1} started: {load}, tempo "
                f"{ev.tempo.as_string()}, {ev.focus_mode} focus: {ev.cue}"
            )
        elif isinstance(ev, ev_.CountInEvent):
            self.phase = str(ev.remaining_s)
            self.line(f"{ev.remaining_s}...")
            self.voice.ring()
        elif isinstance(ev, ev_.TempoPhaseEvent):
            self.phase, self.breath, self.rep = ev.word, ev.breath, ev.rep
            self.line(f"rep {ev.rep} {ev.word.upper()} ({ev.breath}, {ev.duration_s:g} s)")
            self.voice.phase(ev.phase, ev.word)
        elif isinstance(ev, ev_.SetFinishedEvent):
            self.phase = "done"
            self.line(f"Set finished: {counted(ev.reps, 'rep')}")
            self.voice.ring()
        elif isinstance(ev, ev_.ReflectRequestedEvent):
            aimed = ", ".join(self.muscles.get(m, m) for m in ev.targets) or "muscle you aimed at"
            self.line(f"Reflect: how well did you feel the {aimed}?")
        elif isinstance(ev, ev_.SetConfirmedEvent):
            c = ev.completed
            rated = c.reflection.target_rating
            self.line(
                f"Set confirmed and stored: {self.name(c.exercise_id)} set {c.set_index + 1}, "
                f"{c.reps} reps at {_fmt_kg(c.load_kg, self.units)}, target {felt_text(rated)}"
            )
        elif isinstance(ev, ev_.AdaptedEvent):
            n = ev.next
            touch = "; touch the muscle during the set" if n.touch_during_set else ""
            self.next_text = (
                f"{n.name}: {self.load(n.load_kg, n.load_display)}, {n.reps[0]}-{n.reps[1]} reps, "
                f"tempo "
                f"{n.tempo.as_string()}\n{n.focus.mode} focus: {n.focus.cue}{touch}"
            )
            # Said only when a next set of this exercise follows (the rest that comes says
            # so); after an exercise's last set, or the session's, there is no next set.
            self.adapted_lines = [
                f"Next set: {', '.join(ACTION_WORDS.get(a, a) for a in ev.actions)}; "
                f"{self.load(n.load_kg, n.load_display)}, tempo "
                f"{n.tempo.as_string()}, {n.focus.mode} focus: {n.focus.cue}{touch}"
            ]
            for r in ev.reasons:
                ids = f" [{', '.join(r.evidence)}]" if r.evidence else ""
                self.adapted_lines.append(f"  why: {r.text}{ids}")
        elif isinstance(ev, ev_.RestStartedEvent):
            if ev.next_set_index > 0:
                for text in self.adapted_lines:
                    self.line(text)
            self.adapted_lines = []
            self.phase, self.breath, self.rep, self.reps = "rest", "", 0, ""
            self.ends_ms, self.countdown_label = ev.ends_ms, "Rest"
            self.info = ""
            if self.plan is not None and ev.next_exercise_index < len(self.plan.exercises):
                upcoming = self.plan.exercises[ev.next_exercise_index]
                heading = f"Set {ev.next_set_index + 1} of {upcoming.sets}, {upcoming.name}"
                if ev.next_set_index == 0 or not self.next_text.startswith(upcoming.name):
                    self.next_text = (
                        f"{self.load(upcoming.load_kg, upcoming.load_display)}, "
                        f"{upcoming.reps[0]}-{upcoming.reps[1]} reps, "
                        f"tempo {upcoming.tempo.as_string()}"
                    )
                else:
                    self.next_text = self.next_text.split(": ", 1)[-1]
                self.next_text = f"{heading}\n{self.next_text}"
            self.title = f"Rest {ev.duration_s:g} s"
            self.line(f"Rest {ev.duration_s:g} s. Next: {self.next_text.replace(chr(10), '; ')}")
            if ev.prompt:
                self.line(ev.prompt)
        elif isinstance(ev, ev_.RestEndedEvent):
            self.ends_ms = None
            self.line("Rest over.")
            self.voice.ring()
        elif isinstance(ev, ev_.ExerciseSkippedEvent):
            self.line(f"Skipped {self.name(ev.exercise_id)}.")
        elif isinstance(ev, ev_.PausedEvent):
            if not self.quitting:  # q pauses while it asks: the question says what comes next
                self.line("Paused. Enter or r to resume.")
        elif isinstance(ev, ev_.ResumedEvent):
            self.line("Resumed.")
        elif isinstance(ev, ev_.SummaryEvent):
            self.adapted_lines = []
            self.stop_live()
            table = Table(title="Summary" + (" (ended early)" if ev.ended_early else ""))
            for col in ("exercise", "sets", "reps", "target (mean)"):
                table.add_column(col)
            for x in ev.exercises:
                mean = "-" if x.mean_target_rating is None else felt_text(x.mean_target_rating)
                name = x.name + (" (skipped)" if x.skipped else "")
                table.add_row(name, str(x.sets_done), str(x.reps_total), mean)
            console.print(table)
            console.print(
                f"Summary: {counted(ev.sets_done, 'set')}, {counted(ev.reps_total, 'rep')}.",
                highlight=False,
            )
            if self.measured:
                console.print("Felt versus measured (EMG):", highlight=False)
                for line in self.measured:
                    console.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
            sys.stdout.flush()


def _int_answer(text: str, default: int | None, low: int, high: int, what: str) -> int | None:
    """A whole number from low to high; an empty answer gives ``default`` (-1: required)."""
    text = text.strip()
    if not text and default != -1:
        return default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not low <= value <= high:
        raise InvalidInputError(
            f"{what} must be a whole number from {low} to {high}, got {text!r}."
        )
    return value


def _target_answer(text: str) -> int | None:
    """The target rating, 0-10, or None for "skip": a set may go unrated, as on the phone's
    Skip, but only when the lifter says so (Enter alone is not an answer)."""
    if text.strip().lower() in ("s", "skip"):
        return None
    try:
        return _int_answer(text, -1, 0, 10, "The rating")
    except InvalidInputError:
        raise InvalidInputError(
            f"The rating must be a whole number from 0 to 10, or skip to leave the set not "
            f"rated; got {text.strip()!r}."
        ) from None


_QUIT_WORDS = ("q", "quit", "end")


def emg_line(text: str | None, n_reps: int) -> str:
    """The line after a set's reflection: felt beside measured, and how many repetitions the
    EMG held (not said when it held none: the text says so already).

    Examples
    --------
    >>> emg_line("felt 8/10, measured 62% MVC", 3)
    'EMG: felt 8/10, measured 62% MVC (3 repetitions in the EMG)'
    >>> emg_line("felt 7/10; no repetition found in the EMG", 0)
    'EMG: felt 7/10; no repetition found in the EMG'
    """
    count = f" ({n_reps} repetition{'' if n_reps == 1 else 's'} in the EMG)" if n_reps else ""
    return f"EMG: {text}{count}"


class _LiveEmg:
    """``session --live``: the stream between the start and the done of each set, analysed
    when the set is done and stored with it once the lifter confirms it."""

    def __init__(self, capture: Any, *, db: Any, placement: str | None) -> None:
        self.capture = capture
        self.db = db
        self.placement = placement
        self.exercise_id = ""
        self.prepared: Any = None
        self.problem = ""
        self.measured: list[str] = []
        """One line per stored set with EMG, for the summary."""

    def before(self, events: Sequence[Event], run: GuidedRun) -> None:
        """Start and stop the recording at the set's start and done (before the events show)."""
        from mindmuscle.services.emg_sets import prepare_set_emg

        for ev in events:
            if isinstance(ev, ev_.SetStartedEvent):
                run.pending_emg, self.prepared, self.problem = None, None, ""
                self.exercise_id = ev.exercise_id
                self.capture.start()
            elif isinstance(ev, ev_.SetFinishedEvent):
                taken = self.capture.stop()
                self.problem = taken.problem
                if taken.recording is None:
                    continue
                try:
                    self.prepared = prepare_set_emg(
                        self.db,
                        USER_ID,
                        taken.recording,
                        exercise_id=self.exercise_id,
                        performed_at=_now(),
                        timestamps=taken.timestamps,
                        placement=self.placement,
                        source="live",
                    )
                except MindMuscleError as exc:
                    self.problem = f"the EMG of this set is not kept: {exc}"
                    continue
                run.pending_emg = self.prepared.create()

    def after(self, ev: Event, view: _View) -> None:
        """After the reflection: felt beside measured (never the one shown as the other)."""
        from mindmuscle.services.emg_sets import felt_measured_text

        if not isinstance(ev, ev_.SetConfirmedEvent):
            return
        c = ev.completed
        if self.problem:
            view.line(f"EMG: {self.problem}")
        if self.prepared is None:
            return
        text = felt_measured_text(c.reflection.target_rating, self.prepared.features)
        view.line(emg_line(text, self.prepared.features.n_reps))
        self.measured.append(f"{view.name(c.exercise_id)} set {c.set_index + 1}: {text}")
        self.prepared = None


class _Terminal:
    """Drives a GuidedRun from standard input, rendering through a _View."""

    def __init__(
        self,
        run: GuidedRun,
        view: _View,
        inputs: _Input,
        clock: Callable[[], int],
        units: MassUnit,
        live: _LiveEmg | None = None,
    ) -> None:
        self.run = run
        self.view = view
        self.inputs = inputs
        self.clock = clock
        self.units = units
        self.live = live

    def process(self, events: Sequence[Event]) -> None:
        if self.live is not None:
            self.live.before(events, self.run)
        # Store first: a set is shown as confirmed only once it is committed.
        self.run.handle(events, now=_now())
        for ev in events:
            self.view.show(ev)
            if self.live is not None:
                self.live.after(ev, self.view)
        loop = self.run.loop
        if loop.state == "prime" and any(e.type == "prime_ready" for e in events):
            self.view.prompt("Ready: press Enter to start the set")
        elif loop.state == "rest" and any(e.type == "rest_started" for e in events):
            self.view.prompt("Rest: press Enter to skip the rest")
            self.view.start_live()
        elif loop.state == "set" and any(e.type == "set_started" for e in events):
            self.view.line("Enter when the set is done (or type the reps done)")
            self.view.start_live()

    def ask(self, question: str) -> str:
        self.view.prompt(question)
        got = self.inputs.get(None)
        if got is None or got is _TIMEOUT:
            raise _InputClosedError
        return str(got)

    def ask_valid(self, question: str, parse: Callable[[str], Any]) -> Any:
        """Ask until ``parse`` takes the answer; q asks whether to stop (no answer means q)."""
        while True:
            answer = self.ask(question)
            if answer.strip().lower() in _QUIT_WORDS:
                self.confirm_quit()  # raises _KeptError when the lifter stops
                continue
            try:
                return parse(answer)
            except MindMuscleError as exc:
                self.view.line(f"Error: {exc}")

    def reflect(self) -> None:
        """Three questions at most: reps and load, the rating, elsewhere.

        Nothing is stored that the lifter did not give: the reps counted during the set and
        the load of the last set (or the plan's) are shown as the answer Enter takes, each
        saying where it came from; with no count, Enter alone is refused until reps are typed.
        """
        loop = self.run.loop
        p = loop.current
        assert p is not None
        counted = loop.reps_done if loop.reps_done > 0 else None
        units = self.units
        lifted = [c for c in loop.completed if c.exercise_id == p.exercise_id]
        if p.load_kg is None:
            offered, source = None, ""
        elif lifted and lifted[-1].load_kg is not None:
            offered, source = lifted[-1].load_kg, "your last set"
        else:
            offered, source = p.load_kg, "the plan's"
        example = "10" if offered is None else f"10 x {round(from_kg(offered, units), 2):g}"

        def parse_done(text: str) -> tuple[int, float | None]:
            t = text.strip().lower().replace("×", "x")
            if not t:
                if counted is None:
                    raise InvalidInputError(
                        f"Reps are needed: type how many you did, e.g. {example}."
                    )
                return counted, offered
            # "9", "9 x 16", "9 x 16 kg" or "9x35lb": a unit given is read, not dropped.
            found = re.fullmatch(r"(\d+)(?:\s*x\s*(\d+(?:[.,]\d+)?)\s*(kg|kgs|lb|lbs)?)?", t)
            if found is None:
                raise InvalidInputError(
                    f"{text!r} is not reps or reps x load: give e.g. 9, or 9 x 16 "
                    f"(in {units}, or say kg or lb after the load)."
                )
            reps = REPS.check("reps", int(found[1]))
            if found[2] is None:
                return reps, offered
            given: MassUnit = units if found[3] is None else ("kg" if found[3][0] == "k" else "lb")
            return reps, check_mass(LOAD_KG, "load_kg", float(found[2].replace(",", ".")), given)

        reps_shown = "?" if counted is None else str(counted)
        whence = [] if counted is None else [f"{counted} counted"]
        if offered is None:
            question = f"Reps [{reps_shown}]"
        else:
            load_shown = _fmt_kg(offered, units)
            question = f"Reps x load [{reps_shown} x {load_shown}]"
            whence.append(f"{load_shown} {source}")
        if counted is None:
            question += f" ({'; '.join(whence)}{'; ' if whence else ''}type the reps)"
        else:
            question += f" ({', '.join(whence)}; Enter takes {'it' if offered is None else 'them'})"
        reps, load_kg = self.ask_valid(question, parse_done)
        targets = self.run.catalog.exercises[p.exercise_id].targets
        aimed = ", ".join(
            _muscle(self.run.catalog, m) for m in targets if m in self.run.catalog.muscles
        )
        target = self.ask_valid(
            f"Target rating 0-10: how strongly did you feel the {aimed or 'target muscle'}? "
            "(skip: not rated)",
            _target_answer,
        )
        elsewhere = self.ask_valid(
            "Felt elsewhere? muscle=0-10, e.g. front deltoid=3 (Enter: nowhere else)",
            lambda s: check_felt_elsewhere(
                _parse_ratings([s], what="Felt elsewhere", high=10, catalog=self.run.catalog),
                catalog=self.run.catalog,
            ),
        )
        reflection = Reflection(target_rating=target, felt_elsewhere=elsewhere)
        events = loop.reflect(
            self.clock(), reflection, reps=reps, load_kg=load_kg, set_uuid=self.run.new_set_uuid()
        )
        self.process(events)

    def where(self) -> str:
        """The exercise and set in progress or next, by name: what --resume starts with."""
        loop = self.run.loop
        ex, set_index = loop.resume_position
        exercises = loop.plan.exercises
        if ex >= len(exercises):
            return "the summary"
        return f"{exercises[ex].name}, set {set_index + 1} of {exercises[ex].sets}"

    def confirm_quit(self) -> None:
        """q: ask first; a set in progress is kept for --resume, otherwise the session ends."""
        loop = self.run.loop
        in_set = loop.state in ("set", "reflect")
        if loop.state in ("prime", "set", "rest"):
            self.view.quitting = True
            try:
                self.process(loop.pause(self.clock()))
            finally:
                self.view.quitting = False
        if loop.state == "reflect":
            # The set is stored only once the lifter confirms its reps and load here.
            question = (
                f"Stop before rating {self.where()}? The session is kept: `mindmuscle session "
                "--resume` asks about this set again (it is stored once you confirm it). [y/N]"
            )
        elif in_set:
            question = (
                f"Stop in the middle of {self.where()}? It is kept: `mindmuscle session "
                "--resume` starts it again. [y/N]"
            )
        else:
            question = "End the session now? The sets done are stored. [y/N]"
        yes = self.ask(question).strip().lower() in ("y", "yes")
        if yes and in_set:
            raise _KeptError
        if yes:
            self.process(loop.end(self.clock()))
            return
        self.view.line("Going on.")
        if loop.state == "paused":
            self.process(loop.resume(self.clock()))

    def command(self, line: str) -> None:
        loop = self.run.loop
        now = self.clock()
        cmd = line.strip().lower()
        state = loop.state
        if cmd in _QUIT_WORDS:
            self.confirm_quit()
        elif cmd in ("p", "pause") and state in ("prime", "set", "rest"):
            self.process(loop.pause(now))
        elif state == "paused" and cmd in ("", "r", "resume"):
            self.process(loop.resume(now))
        elif cmd in ("s", "skip") and state != "summary":
            self.process(loop.skip_exercise(now))
        elif state == "prime" and cmd == "":
            self.process(loop.ready(now))
        elif state == "set" and (cmd == "" or cmd.isdigit()):
            self.process(loop.finish_set(now, reps=int(cmd) if cmd else None))
        elif state == "rest" and cmd == "":
            self.process(loop.skip_rest(now))
        else:
            self.view.line(
                f"Not understood in '{state}': {line!r}. Enter = ready/done/skip rest, "
                "p = pause, r = resume, s = skip exercise, q = end."
            )

    def run_until_summary(self) -> bool:
        """Run the loop; False when input closed before the summary (the session is kept)."""
        loop = self.run.loop
        try:
            while loop.state != "summary":
                if loop.state == "reflect":
                    self.view.stop_live()
                    self.reflect()
                    continue
                due = loop.next_due_ms()
                timeout = None if due is None else max(0, due - self.clock()) / 1000
                got = self.inputs.get(timeout)
                if got is _TIMEOUT:
                    self.process(loop.advance(self.clock()))
                elif got is None:
                    raise _InputClosedError
                else:
                    self.process(loop.advance(self.clock()))
                    if loop.state not in ("summary", "reflect"):
                        self.command(str(got))
        except _InputClosedError:
            self.view.stop_live()
            console.print(
                f"Input closed: the session is kept. `mindmuscle session --resume` continues "
                f"with {self.where()}.",
                highlight=False,
            )
            return False
        except (_KeptError, KeyboardInterrupt) as exc:
            self.view.stop_live()
            console.print(
                f"\nStopped: the session is kept. `mindmuscle session --resume` continues with "
                f"{self.where()}.",
                highlight=False,
            )
            if isinstance(exc, KeyboardInterrupt):
                raise typer.Exit(130) from None
            return False
        finally:
            self.view.stop_live()
        return True


def _clock() -> Callable[[], int]:
    t0 = time.monotonic()
    return lambda: int((time.monotonic() - t0) * 1000)


@app.command()
def session(
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the interrupted session where it stopped.")
    ] = False,
    new: Annotated[
        bool, typer.Option("--new", help="End an interrupted session and start a new one.")
    ] = False,
    exercise: Annotated[
        list[str] | None,
        typer.Option(
            "--exercise", "-e", help="Train this exercise (id or name) when a new plan is made."
        ),
    ] = None,
    time_scale: TimeScaleOption = 1.0,
    squeeze_test: Annotated[bool, typer.Option(help="Squeeze test before each set.")] = True,
    count_in: Annotated[int, typer.Option(min=0, max=10, help="Count-in seconds.")] = 3,
    sound: Annotated[bool, typer.Option(help="Terminal bell on phase changes.")] = True,
    voice: Annotated[
        bool, typer.Option(help="Speak phase words with espeak-ng if installed.")
    ] = True,
    live: Annotated[
        str | None,
        typer.Option(
            "--live",
            help="Record EMG during each set and store it with the set: lsl:NAME, "
            "brainflow:BOARD[:ADDRESS] or synthetic (as for `mindmuscle live`).",
        ),
    ] = None,
    channel_map: LiveMapOption = None,
    placement: Annotated[
        str | None,
        typer.Option(
            "--placement",
            help="With --live: where the electrodes are; a calibration placed otherwise is "
            "not used (values are then % of the set's peak).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Run today's session, guided set by set (Enter = ready/done/skip rest; p, r, s, q).

    With --live SOURCE --map CH=MUSCLE,... the EMG of each set (from its start to its done) is
    stored with the set: after the reflection it shows "felt 8/10, measured 62% MVC" (or "% of
    this set's peak" without a calibration).
    """
    capture = _open_capture(live, channel_map, placement)
    try:
        _session(
            resume,
            new,
            exercise,
            time_scale,
            squeeze_test,
            count_in,
            sound,
            voice,
            db,
            capture,
            placement,
        )
    finally:
        if capture is not None:
            capture.close()


def _open_capture(source: str | None, channel_map: str | None, placement: str | None) -> Any:
    """The live EMG capture of ``--live`` and ``--map`` (None without them)."""
    if source is None:
        if channel_map is not None or placement is not None:
            flag = "--map" if channel_map is not None else "--placement"
            raise typer.BadParameter(
                f"{flag} names the EMG of --live: give --live SOURCE too (e.g. --live synthetic).",
                param_hint=f"'{flag}'",
            )
        return None
    from mindmuscle.io.live import open_source, parse_source
    from mindmuscle.services.live_capture import SetCapture
    from mindmuscle.signals.emg.live import parse_channel_map

    if channel_map is None:
        raise typer.BadParameter(
            "say which channel is which muscle, e.g. --map 1=biceps.", param_hint="'--map'"
        )
    try:
        spec = parse_source(source)
    except InvalidInputError as exc:
        raise typer.BadParameter(
            str(exc).replace("--source ", "", 1), param_hint="'--live'"
        ) from None
    src = open_source(spec)
    try:
        mapping = parse_channel_map(channel_map, src.labels)
    except ChannelMapError as exc:
        src.close()
        raise typer.BadParameter(exc.problem, param_hint="'--map'") from None
    except BaseException:
        src.close()
        raise
    console.print(
        f"EMG: {src.description}; {', '.join(m for _, m in mapping)} recorded during each set.",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    return SetCapture(src, mapping)


def _session(
    resume: bool,
    new: bool,
    exercise: list[str] | None,
    time_scale: float,
    squeeze_test: bool,
    count_in: int,
    sound: bool,
    voice: bool,
    db: str | None,
    capture: Any,
    placement: str | None,
) -> None:
    database = open_database(db)
    options = LoopOptions(time_scale=time_scale, squeeze_test=squeeze_test, count_in_s=count_in)
    units = get_profile(db=database, user_id=USER_ID).units
    clock = _clock()
    if resume:
        run = GuidedRun.resume(db=database, user_id=USER_ID, options=options)
        ex, set_index = run.loop.position
        planned = run.loop.plan.exercises
        at = (
            f"{planned[ex].name}, set {set_index + 1} of {planned[ex].sets}"
            if ex < len(planned)
            else "the summary"
        )
        done = len(run.loop.completed)
        console.print(
            f"Resuming session {run.session_id}: {done} set{'' if done == 1 else 's'} done; it "
            f"continues with {at}.",
            highlight=False,
        )
        first = run.loop.resume_at(clock())
    else:
        session_id = session_to_run(
            db=database,
            user_id=USER_ID,
            now=_now(),
            exercise_ids=_exercise_ids(database, exercise),
            replace_interrupted=new,
        )
        run = GuidedRun.start(db=database, user_id=USER_ID, session_id=session_id, options=options)
        plan = run.loop.plan
        if not plan.exercises:
            console.print(f"Today: {plan.decision}. {plan.reason}")
            if plan.imagery:
                console.print(f"Imagery: {plan.imagery}")
            if plan.decision == "drill":
                console.print("Run the flexing drill with `mindmuscle drill`.")
            finish_session(db=database, user_id=USER_ID, session_id=session_id, now=_now())
            return
        console.print(f"Session {session_id}: {', '.join(p.name for p in plan.exercises)}.")
        first = run.loop.start(clock())
    voice_out = _Voice(sound=sound, voice=voice and time_scale >= 0.5, terminal=console.is_terminal)
    console.print(voice_out.describe(), highlight=False)
    names = {p.exercise_id: p.name for p in run.loop.plan.exercises}
    muscles = {m: _muscle(run.catalog, m) for m in run.catalog.muscles}
    view = _View(
        units=units, clock=clock, voice=voice_out, plan=run.loop.plan, names=names, muscles=muscles
    )
    inputs = _Input()
    live_emg = None if capture is None else _LiveEmg(capture, db=database, placement=placement)
    terminal = _Terminal(run, view, inputs, clock, units, live_emg)
    if live_emg is not None:
        view.measured = live_emg.measured
    previous = signal.signal(signal.SIGINT, lambda *_: inputs.interrupt())
    try:
        terminal.process(first)
        terminal.run_until_summary()
    finally:
        signal.signal(signal.SIGINT, previous)


# --- log, history, map ------------------------------------------------------------------------


@app.command()
def log(
    exercise: Annotated[
        str,
        typer.Argument(
            help="Exercise id or name, e.g. dumbbell_biceps_curl or 'Dumbbell Biceps Curl'."
        ),
    ],
    reps: Annotated[int, typer.Option(prompt="Reps", help="Repetitions done.")],
    rating: Annotated[
        int | None,
        typer.Option(
            min=int(RATING.low),
            max=int(RATING.high),
            help="How strongly the target was felt, 0-10 (leave out when you did not rate it).",
        ),
    ] = None,
    load: Annotated[
        str, typer.Option(metavar="FLOAT", help="Load in your units (0 for body weight).")
    ] = "0",
    units: Annotated[str | None, typer.Option(help="Units of --load (default: profile).")] = None,
    elsewhere: Annotated[
        list[str] | None,
        typer.Option(help="Muscle felt instead, muscle=0..10 (repeatable or comma separated)."),
    ] = None,
    focus_rating: Annotated[
        int | None, typer.Option(min=int(RATING.low), max=int(RATING.high), help="Focus 0-10.")
    ] = None,
    rir: Annotated[
        int | None,
        typer.Option(
            min=int(REPS_IN_RESERVE.low), max=int(REPS_IN_RESERVE.high), help="Reps in reserve."
        ),
    ] = None,
    tempo: Annotated[str | None, typer.Option(help="Tempo used, e.g. 3-1-1-1.")] = None,
    mode: Annotated[str | None, typer.Option(help="Focus mode: internal, external, none.")] = None,
    cue: Annotated[str | None, typer.Option(help="The cue used.")] = None,
    set_type: Annotated[
        str, typer.Option(help="warmup, working, drop, failure, amrap, test.")
    ] = "working",
    note: Annotated[str, typer.Option(help="A note on the set, e.g. a distraction.")] = "",
    set_id: Annotated[
        str | None,
        typer.Option("--uuid", help="Id of the set; logging the same id twice stores it once."),
    ] = None,
    at: Annotated[
        datetime | None, typer.Option(help="When the set was done (default: now).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the stored set as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Log one set quickly, with its reflection."""
    if set_id is not None:
        # The set model's rule, checked before the database is opened: a client's id is a UUID.
        SET_UUID.check("uuid", set_id)
    # A refused choice is a usage error (exit 2), checked before the database is opened.
    if mode is not None:
        choice_option("--mode", mode, get_args(FocusMode))
    if set_type is not None:
        choice_option("--set-type", set_type, SET_TYPES)
    typed_unit = unit_option(units) if units else None
    database = open_database(db)
    unit = typed_unit or get_profile(db=database, user_id=USER_ID).units
    performed = at or _now()
    if performed.tzinfo is None:
        performed = performed.astimezone(UTC)
    # The one set model checks every value (the load as given, in its unit, first); the one
    # write path checks the exercise and muscles against your catalogue and stores it.
    catalog = user_catalog(db=database, user_id=USER_ID)
    fields: dict[str, Any] = {
        "exercise_id": catalog.exercise_named(exercise).id,
        "performed_at": performed,
        "load_kg": load_option(load, unit),
        "reps": reps_option(reps),
        "set_type": set_type,
        "tempo": None if tempo is None else Tempo.parse(tempo),
        "focus_mode": mode,
        "cue": cue,
        "source": "log",
        "reflection": {
            "target_rating": rating,
            "felt_elsewhere": _parse_ratings(
                elsewhere or [], what="Felt elsewhere", high=10, catalog=catalog
            ),
            "focus_rating": focus_rating,
            "reps_in_reserve": rir,
            "note": note,
        },
    }
    if set_id:
        fields["uuid"] = set_id
    stored = record_set(db=database, user_id=USER_ID, data=parse_set(fields), now=_now())
    if as_json:
        typer.echo(stored.model_dump_json(indent=2))
    else:
        name = catalog.exercise(stored.exercise_id).name
        console.print(
            f"Logged {name}: {stored.reps} reps at {_fmt_kg(stored.load_kg, unit)}, "
            f"target {felt_text(rating)} "
            f"(set {stored.uuid}).",
            highlight=False,
        )


def _muscle(catalog: Catalog, muscle_id: str) -> str:
    muscle = catalog.muscles.get(muscle_id)
    return muscle.short_name.lower() if muscle is not None else muscle_id


# --- drill ------------------------------------------------------------------------------------


@app.command()
def drill(
    minutes: Annotated[
        float, typer.Option(min=2, max=60, help="Length of the drill, 2-60 minutes.")
    ] = 10.0,
    time_scale: TimeScaleOption = 1.0,
    sound: Annotated[bool, typer.Option(help="Terminal bell on each flex.")] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="Only print the drill as JSON (nothing is run).")
    ] = False,
    db: DbOption = None,
) -> None:
    """The flexing drill, guided: weakest muscles first, flex-hold-release timers, and a rating
    per muscle (stored)."""
    database = open_database(db)
    if as_json:
        planned = drill_service.plan_drill(
            db=database, user_id=USER_ID, now=_now(), minutes=minutes
        )
        typer.echo(planned.model_dump_json(indent=2))
        return
    started = drill_service.start_drill(db=database, user_id=USER_ID, now=_now(), minutes=minutes)
    plan = started.plan
    console.print(
        f"Flexing drill: {counted(len(plan.items), 'muscle')}, about {plan.total_s / 60:.0f} min. "
        f"{plan.reason}"
    )
    voice = _Voice(sound=sound, voice=time_scale >= 0.5, terminal=console.is_terminal)
    inputs = _Input()
    for item in plan.items:
        console.print(f"== {item.name}: {item.cue}", highlight=False)
        for rep in range(1, item.reps + 1):
            for word, seconds in (
                ("Flex", item.flex_s),
                ("Hold", item.hold_s),
                ("Release", item.release_s),
            ):
                console.print(
                    f"{item.name} {rep}/{item.reps}: {word} ({seconds:g} s)", highlight=False
                )
                voice.say(word)
                if word == "Flex":
                    voice.ring()
                sys.stdout.flush()
                time.sleep(seconds * time_scale)
        console.print(f"? Rating for {item.name}, 0-10 (Enter to skip)", highlight=False)
        sys.stdout.flush()
        while True:
            got = inputs.get(None)
            if got is None or got is _TIMEOUT:
                drill_service.finish_drill(
                    db=database, user_id=USER_ID, drill_id=started.drill_id, now=_now()
                )
                console.print("Input closed: the ratings given so far are stored.")
                return
            try:
                value = _int_answer(str(got), None, 0, 10, "Rating")
                break
            except InvalidInputError as exc:
                console.print(f"Error: {exc}")
        if value is not None:
            drill_service.rate_muscle(
                db=database,
                user_id=USER_ID,
                drill_id=started.drill_id,
                muscle_id=item.muscle_id,
                rating=value,
                now=_now(),
            )
    drill_service.finish_drill(db=database, user_id=USER_ID, drill_id=started.drill_id, now=_now())
    console.print(f"Drill done; ratings stored (drill {started.drill_id}).")
