"""One line for every error that reaches the command line (the CLI's edge, STYLE.md rule 11).

:func:`describe` words an exception as the one line after ``Error:``: MindMuscle's own errors
say what was given and what is allowed; files that cannot be read or written name the file and
the reason; a database that cannot be written, a missing database driver and a settings value
that is not allowed each get their own sentence. Anything else is a bug: it is still one line
(``MINDMUSCLE_DEBUG=1`` shows the traceback instead).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Mapping
from typing import Any

from mindmuscle.errors import (
    Action,
    ChannelMapError,
    InvalidInputError,
    MindMuscleError,
    NotFoundError,
    OutOfRangeError,
    Setting,
    UnknownIdError,
    shown,
)

__all__ = [
    "ACTIONS",
    "FLAGS",
    "SETTING_OPTIONS",
    "describe",
    "describe_validation_error",
    "worded",
]

FLAGS: Mapping[str, str] = {
    "load_kg": "--load",
    "reps": "--reps",
    "reps_in_reserve": "--rir",
    "reflection.target_rating": "--rating",
    "reflection.focus_rating": "--focus-rating",
    "reflection.reps_in_reserve": "--rir",
    "reflection.felt_elsewhere": "--elsewhere",
    "reflection.note": "--note",
    "notes": "--note",
    "cue": "--cue",
    "tempo": "--tempo",
    "set_type": "--set-type",
    "focus_mode": "--mode",
    "uuid": "--uuid",
    "performed_at": "--at",
    "exercise_id": "EXERCISE",
    "bodyweight_kg": "--bodyweight",
    "goal": "--goal",
    "experience": "--experience",
    "units": "--units",
    "equipment.bar": "--bar",
    "equipment.plates": "--plates",
    "equipment.dumbbell_max": "--dumbbell-max",
    "equipment.dumbbell_step": "--dumbbell-step",
    "equipment.stack_step": "--stack-step",
    "e1rm": "--e1rm",
}
"""The CLI's name of each field of the set and profile models: errors carry the field, the CLI
words it with the flag the lifter typed."""


SETTING_OPTIONS: dict[Setting, str] = {
    "weight_unit": "Give the weight unit with --unit kg or --unit lb.",
    "sampling_rate": "Give the sampling rate with --rate HZ.",
    "accel_units": "Give the units with --units g or --units ms2.",
    "emg_units": "Give the unit of the samples with --units uV, mV or V.",
}
"""The option of the terminal that gives each setting an error may need."""

ACTIONS: Mapping[Action, str] = {
    "ask_admin": "Accounts are managed on the server with `mindmuscle user`.",
    "assign_targets": "Assign its targets first: `mindmuscle exercise assign {exercise_id} "
    "--targets MUSCLE[,MUSCLE]`.",
    "attach_set_emg": "Attach one with `mindmuscle set emg {set_id} FILE --map CH=MUSCLE,...`.",
    "calibrate_muscle": "Run `mindmuscle live calibrate --muscle {muscle}` first.",
    "cut_motion_file": "Cut the file to the set, or analyse it whole with "
    "`mindmuscle motion FILE`.",
    "give_experiment_load": "Give it, in your units: `mindmuscle experiment record "
    "{experiment_id} --set {set_number} --load LOAD ...`.",
    "recalibrate_muscle": "Calibrate again (`mindmuscle live calibrate --muscle {muscle}`), or "
    "pass --accept-stale to test against it anyway.",
    "remove_own_account": "Remove it with `mindmuscle user remove {name}`.",
    "replace_set_emg": "To store this recording instead, replace it "
    "(`mindmuscle set emg {set_id} FILE --replace`).",
    "restore_set": "`mindmuscle set restore {set_id}` restores it.",
    "set_local_password": "`mindmuscle user passwd {name}` changes its password.",
}
"""The terminal's command for each action an error says would fix it (the web app names its
page instead: :data:`mindmuscle.web.errors.WEB_ACTIONS`)."""

LISTED_BY: Mapping[str, str] = {
    "workout": "`mindmuscle history --workouts` lists your workouts.",
    "set": "`mindmuscle history --json` lists the ids of your sets.",
}
"""The command that lists each kind of record a not-found error names."""


def worded(exc: MindMuscleError) -> str:
    """The CLI's line for one of MindMuscle's errors: fields named by their flags.

    ``OutOfRangeError("load_kg", inf, "the load must be ...")`` becomes
    ``--load inf is not allowed: the load must be ...``.
    """
    if isinstance(exc, ChannelMapError):
        return f"--map {exc.problem}"
    if isinstance(exc, OutOfRangeError):
        parts = exc.field.split(".")
        for n in range(len(parts), 0, -1):
            flag = FLAGS.get(".".join(parts[:n]))
            if flag is not None:
                rest = parts[n:]
                if exc.missing:
                    return f"{flag} is missing: {exc.allowed}."
                if exc.secret:
                    return f"{flag} is not allowed: {exc.allowed}."
                given = shown(exc.value)
                if flag in ("--elsewhere", "--e1rm") and rest:
                    given = f"{rest[0]}={given}"
                return f"{flag} {given} is not allowed: {exc.allowed}."
    if isinstance(exc, UnknownIdError) and exc.field is not None:
        flag = FLAGS.get(exc.field.rsplit(".", 1)[0]) or FLAGS.get(exc.field)
        if flag is not None and flag != "EXERCISE":
            return f"{flag}: {exc}"
    if isinstance(exc, InvalidInputError) and exc.needs is not None:
        return f"{_sentence(str(exc))} {SETTING_OPTIONS[exc.needs]}"
    if exc.action is not None:
        return f"{_sentence(str(exc))} {ACTIONS[exc.action].format_map(exc.action_args)}"
    listed = LISTED_BY.get(exc.kind or "") if isinstance(exc, NotFoundError) else None
    if listed is not None:
        return f"{_sentence(str(exc))} {listed}"
    return str(exc)


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


_DRIVERS = {
    "psycopg": "postgres",
    "psycopg2": "postgres",
    "pyedflib": "sensors",
    "pyxdf": "sensors",
    "brainflow": "sensors",
    "fitdecode": "sensors",
    "pylsl": "sensors",
}


def _os_error(exc: OSError) -> str:
    name = exc.filename
    reason = exc.strerror or str(exc)
    if name is None:
        return reason
    if exc.errno == errno.ENOENT:
        parent = os.path.dirname(os.path.abspath(name))
        if not os.path.isdir(parent):
            return f"{name}: the folder {parent} does not exist; create it or choose another."
        return f"{name}: no such file."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{name}: permission denied ({reason}); choose a place you can write to."
    if exc.errno == errno.EISDIR:
        return f"{name} is a folder; give a file."
    if exc.errno == errno.ENOSPC:
        return f"{name}: the disk is full."
    return f"{name}: {reason}."


def describe_validation_error(exc: Any) -> str:
    """A pydantic ``ValidationError`` as one sentence per field: value given, what is allowed.

    Fields of the set and profile models are worded from the table of limits, with their flags.
    """
    from mindmuscle.coach.limits import LIMIT_OF_FIELD, is_secret, range_errors

    errors = exc.errors(include_url=False)
    if any(str(p) in LIMIT_OF_FIELD for e in errors for p in e.get("loc", ())):
        return " ".join(worded(e) for e in range_errors(errors))
    parts = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(p) for p in error.get("loc", ())) or "value"
        given = error.get("input")
        ctx = error.get("ctx") or {}
        original = ctx.get("error")
        if isinstance(original, MindMuscleError):
            parts.append(str(original))
            continue
        message = str(error.get("msg", "is not allowed"))
        message = message.removeprefix("Value error, ").removeprefix("Input should be ")
        secret = is_secret(field)
        shown = "" if isinstance(given, dict) or secret else f" {given!r}"
        parts.append(f"{field}{shown} is not allowed: it must be {message}.")
    return " ".join(parts) or "a value is not allowed."


_KINDS = {"int": "a whole number", "float": "a number", "bool": "true or false"}


def _settings_error(exc: Any) -> str:
    """A setting from the environment that is not allowed, named as the variable that set it."""
    from mindmuscle.config import Settings

    parts = []
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error.get("loc") else "?"
        original = (error.get("ctx") or {}).get("error")
        if isinstance(original, MindMuscleError):
            parts.append(str(original))
            continue
        field = Settings.model_fields.get(name)
        low = high = None
        for rule in field.metadata if field is not None else []:
            low = getattr(rule, "ge", low)
            high = getattr(rule, "le", high)
        kind = _KINDS.get(str(error.get("type", "")).split("_")[0])
        if kind is None and (low is not None or high is not None) and field is not None:
            kind = _KINDS.get(getattr(field.annotation, "__name__", ""), "a number")
        allowed = kind or str(error.get("msg", "another value")).removeprefix("Input should be ")
        if low is not None and high is not None:
            allowed += f" from {low} to {high}"
        elif low is not None:
            allowed += f" of at least {low}"
        parts.append(
            f"MINDMUSCLE_{name.upper()}={error.get('input')!r} is not allowed: it must be "
            f"{allowed}. Change or unset the environment variable."
        )
    return " ".join(parts)


def _database_error(exc: Exception) -> str | None:
    text = str(getattr(exc, "orig", None) or exc)
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return (
            "the database is read-only: nothing was stored. Check that you may write to the "
            "database file and its folder, or choose another with --db."
        )
    if "unable to open database file" in lowered:
        return (
            "the database file cannot be opened: check that its folder exists and that you may "
            "write to it, or choose another with --db."
        )
    if "database is locked" in lowered:
        return "the database is busy (locked by another program); try again in a moment."
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return "the disk is full: nothing was stored."
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"the database cannot be used: {first}"


def describe(exc: BaseException) -> str | None:
    """The one line for ``exc``; None to let it through (only with ``MINDMUSCLE_DEBUG=1``)."""
    if isinstance(exc, MindMuscleError):
        return worded(exc)
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and isinstance(exc, pydantic.ValidationError):
        if exc.title == "Settings":
            return _settings_error(exc)
        return describe_validation_error(exc)
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and isinstance(exc, sa_exc.SQLAlchemyError):
        return _database_error(exc)
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        package = exc.name.split(".")[0]
        extra = _DRIVERS.get(package)
        how = (
            f"pip install 'mindmuscle[{extra}]'" if extra is not None else f"pip install {package}"
        )
        return f"this needs the Python package {package!r}, which is not installed: {how}."
    if isinstance(exc, OSError):
        return _os_error(exc)
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"the file is not a text file (byte {exc.start} is not {exc.encoding}); give a CSV "
            "or another format the command lists in its --help."
        )
    if os.environ.get("MINDMUSCLE_DEBUG"):
        return None
    what = " ".join(str(exc).split()) or "no message"
    return (
        f"unexpected {type(exc).__name__}: {what}. This is a bug; please report it "
        "(MINDMUSCLE_DEBUG=1 shows where it happened)."
    )
