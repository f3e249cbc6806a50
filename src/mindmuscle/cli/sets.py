"""Correcting the log: ``set show|edit|delete|restore ID`` and ``workout show|delete|restore ID``;
a set's EMG: ``set emg ID FILE`` attaches a recording, ``set emg-file ID OUT`` writes it back;
a set's motion: ``set motion ID FILE`` stores a watch's or sensor's recording with it.

A set is named by the integer id that ``mindmuscle history --json`` prints, or by its uuid.
Nothing is lost: every edit keeps the previous values as a revision (``set show`` lists them),
and a deleted set or workout stays stored until it is restored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from typer import _click

from mindmuscle.catalog import Catalog
from mindmuscle.cli._app import DbOption, app, check_rate, console, load_option, reps_option
from mindmuscle.cli._db import open_existing
from mindmuscle.cli.history import took
from mindmuscle.cli.motion import FormatOption, RateOption, UnitsOption, checked_units
from mindmuscle.cli.session import _parse_ratings
from mindmuscle.coach.limits import RATING, REPS_IN_RESERVE, felt_text, range_errors
from mindmuscle.errors import InvalidInputError, OutOfRangeError, counted
from mindmuscle.services import emg_sets
from mindmuscle.services import history as history_service
from mindmuscle.services import motion as motion_service
from mindmuscle.services.history import SetDetail, SetEdit, SetRecord, WorkoutDetail
from mindmuscle.services.profile import get_profile
from mindmuscle.store import LOCAL_USER_ID, Database
from mindmuscle.units import MassUnit, from_kg, parse_unit

__all__ = ["set_app", "workout_app"]

set_app = typer.Typer(
    help="Show, correct, delete or restore one logged set (every change is kept).",
    no_args_is_help=True,
)
workout_app = typer.Typer(
    help="Show, delete or restore a whole workout with its sets.", no_args_is_help=True
)
app.add_typer(set_app, name="set")
app.add_typer(workout_app, name="workout")

USER_ID = LOCAL_USER_ID
SetId = Annotated[str, typer.Argument(help="The set's id (from `history --json`) or its uuid.")]
WorkoutId = Annotated[int, typer.Argument(help="The workout's id (a set's session_id).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _now() -> datetime:
    return datetime.now(UTC)


def _kg(load_kg: float, units: MassUnit) -> str:
    return f"{round(from_kg(load_kg, units), 2):g} {units}"


def _when(t: datetime) -> str:
    return t.astimezone().strftime("%Y-%m-%d %H:%M")


def _value(field: str, value: Any, units: MassUnit, catalog: Catalog) -> str:
    if value is None:
        return "-"
    if field == "load_kg":
        return _kg(float(value), units)
    if field == "felt_elsewhere":
        return ", ".join(f"{_muscle(m, catalog)} {v}" for m, v in value.items()) or "nothing"
    if field == "emg_peak_mvc":
        return f"{float(value):.0f}% MVC"
    if field == "deleted_at":
        return _when(datetime.fromisoformat(value))
    return repr(value) if isinstance(value, str) else str(value)


_FIELD_NAMES = {
    "load_kg": "load",
    "reps_in_reserve": "reps in reserve",
    "target_rating": "target rating",
    "focus_rating": "focus rating",
    "felt_elsewhere": "felt elsewhere",
    "set_type": "set type",
    "notes": "note",
    "deleted_at": "deleted",
    "emg_peak_mvc": "EMG peak",
}


def _muscle(muscle_id: str, catalog: Catalog) -> str:
    return catalog.muscles[muscle_id].name if muscle_id in catalog.muscles else muscle_id


def _line(s: SetRecord, name: str, units: MassUnit, catalog: Catalog) -> str:
    parts = [
        f"Set {s.id}: {name}, {_when(s.performed_at)}, {s.reps} reps at {_kg(s.load_kg, units)}"
    ]
    if s.reps_in_reserve is not None:
        parts.append(f"{s.reps_in_reserve} in reserve")
    if s.set_type != "working":
        parts.append(s.set_type)
    r = s.reflection
    if r is not None:
        rated = r.target_rating
        parts.append(f"target {felt_text(rated)}")
        if r.felt_elsewhere:
            parts.append("elsewhere " + _value("felt_elsewhere", r.felt_elsewhere, units, catalog))
        if r.focus_rating is not None:
            parts.append(f"focus {r.focus_rating}/10")
    line = ", ".join(parts)
    note = r.note if r is not None and r.note else s.notes
    if note:
        line += f"; note {note!r}"
    if s.again_at_place:
        line += " (stored twice)"
    if s.deleted_at is not None:
        line += f" [deleted {_when(s.deleted_at)}]"
    return line


def _emg_lines(view: emg_sets.SetEmgView, felt: int | None) -> list[str]:
    """The set's EMG in words: felt beside measured, then each muscle's repetitions."""
    f = view.features
    reps = f"{f.n_reps} repetition{'' if f.n_reps == 1 else 's'}"
    lines = [f"EMG: {emg_sets.felt_measured_text(felt, f)} ({reps} on {f.target})"]
    for m in f.muscles:
        unit = "% MVC" if m.basis == "pct_mvc" else "% of this set's peak"
        peaks = ", ".join(f"{r.peak_pct:.0f}" for r in m.reps) or "-"
        onsets = ", ".join(f"{r.onset_s:.2f}" for r in m.reps) or "-"
        lines.append(
            f"  {m.muscle} ({m.role}): peaks {peaks} {unit}; onsets {onsets} s "
            f"[{view.calibrations.get(m.muscle, '')}]"
        )
    for r in f.ratios:
        value = f"{r.value:.2f}" if r.value is not None else f"none ({r.note})"
        lines.append(f"  {r.target}:{r.other} ({r.kind}) {value}")
    return lines


def _show(
    detail: SetDetail,
    units: MassUnit,
    catalog: Catalog,
    as_json: bool,
    emg: emg_sets.SetEmgView | None = None,
) -> None:
    if as_json:
        if emg is None:
            typer.echo(detail.model_dump_json(indent=2))
        else:
            data = detail.model_dump(mode="json")
            data["emg"] = emg.model_dump(mode="json")
            typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    s = detail.set
    console.print(_line(s, detail.exercise_name, units, catalog), highlight=False, soft_wrap=True)
    console.print(f"uuid {s.uuid}", highlight=False, soft_wrap=True)
    if emg is not None:
        felt = s.reflection.target_rating if s.reflection is not None else None
        for line in _emg_lines(emg, felt):
            console.print(line, highlight=False, markup=False, soft_wrap=True)
    if s.again_at_place and s.set_index is not None:
        console.print(
            f"Stored twice: this workout holds another set as set {s.set_index + 1} of "
            f"{detail.exercise_name} too. If it is the same set, delete this one with "
            f"`mindmuscle set delete {s.id}`.",
            highlight=False,
            soft_wrap=True,
        )
    if s.deleted_at is not None:
        console.print(
            f"Deleted: bring it back with `mindmuscle set restore {s.id}`.", soft_wrap=True
        )
    if not detail.revisions:
        console.print("No changes since it was logged.")
        return
    console.print("Changes, oldest first:")
    for rev in detail.revisions:
        if rev.kind in ("delete", "restore"):
            # The change is only the deletion mark; the kind says it all.
            console.print(f"  {_when(rev.revised_at)} {rev.kind}d", highlight=False)
            continue
        what = "; ".join(
            f"{_FIELD_NAMES.get(f, f)} {_value(f, old, units, catalog)} -> "
            f"{_value(f, new, units, catalog)}"
            for f, (old, new) in rev.changes.items()
        )
        kind = "EMG replaced" if rev.kind == "emg" else rev.kind
        console.print(f"  {_when(rev.revised_at)} {kind}: {what}", highlight=False, soft_wrap=True)


def _context(db: str | None) -> tuple[Database, MassUnit, Catalog]:
    database = open_existing(db)  # no database, no sets: nothing is created
    units = get_profile(db=database, user_id=USER_ID).units
    return database, units, history_service.user_catalog(db=database, user_id=USER_ID)


@set_app.command("show")
def show(set_id: SetId, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Show one set (also a deleted one) and every change made to it."""
    database, units, catalog = _context(db)
    try:
        detail = history_service.get_set(db=database, user_id=USER_ID, ref=set_id, catalog=catalog)
        emg = emg_sets.get_set_emg(database, USER_ID, detail.set.id)
    finally:
        database.close()
    _show(detail, units, catalog, as_json, emg)


MapOption = Annotated[
    str | None,
    typer.Option(
        "--map",
        help="CH=MUSCLE[,CH=MUSCLE...]: the file's channels (1-based number or name) and their "
        "muscles, as `mindmuscle live --map` (default: every channel, named by its name).",
    ),
]


@set_app.command("emg")
def emg(
    set_id: SetId,
    file: Annotated[Path, typer.Argument(help="The set's EMG: CSV, EDF/BDF or XDF.")],
    channel_map: MapOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the EMG the set has (the old peak is kept).")
    ] = False,
    placement: Annotated[
        str | None,
        typer.Option(help="Where the electrodes were; a calibration placed otherwise is not used."),
    ] = None,
    rate: Annotated[
        float | None, typer.Option("--rate", help="Sampling rate in Hz (CSV without 't').")
    ] = None,
    units: Annotated[
        str | None, typer.Option("--units", help="Unit of the samples when the file has none.")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Attach an EMG recording to a logged set: its repetitions, %MVC and the raw file."""
    check_rate(rate)
    database, _units, catalog = _context(db)
    try:
        view = emg_sets.store_set_emg_file(
            database,
            USER_ID,
            set_id,
            file,
            channel_map,
            rate_hz=rate,
            units=units,
            placement=placement,
            replace=replace,
            now=_now(),
        )
        detail = history_service.get_set(
            db=database, user_id=USER_ID, ref=view.set_id, catalog=catalog
        )
    finally:
        database.close()
    if as_json:
        typer.echo(view.model_dump_json(indent=2))
        return
    console.print(
        f"Stored the EMG of set {view.set_id} ({detail.exercise_name}).",
        highlight=False,
        soft_wrap=True,
    )
    felt = detail.set.reflection.target_rating if detail.set.reflection is not None else None
    for line in _emg_lines(view, felt):
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    console.print(
        f"The raw recording: `mindmuscle set emg-file {view.set_id} FILE.xdf`.",
        highlight=False,
        soft_wrap=True,
    )


@set_app.command("emg-file")
def emg_file(
    set_id: SetId,
    out: Annotated[Path, typer.Argument(help="Where to write the set's raw EMG (XDF).")],
    db: DbOption = None,
) -> None:
    """Write a set's stored EMG recording as an XDF file (`mindmuscle emg` reads it)."""
    if out.suffix.lower() != ".xdf":
        raise InvalidInputError(
            f"{str(out)!r} is not allowed: the recording is XDF, so give a name ending in .xdf."
        )
    database = open_existing(db)
    try:
        _name, content = emg_sets.set_emg_file(database, USER_ID, set_id)
    finally:
        database.close()
    out.write_bytes(content)
    console.print(f"Wrote {out} ({len(content)} bytes).", highlight=False, soft_wrap=True)


@set_app.command("motion")
def motion(
    set_id: SetId,
    file: Annotated[
        Path,
        typer.Argument(help="The set's motion: a watch or sensor file `mindmuscle motion` reads."),
    ],
    fmt: FormatOption = "auto",
    rate: RateOption = None,
    units: UnitsOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Store a motion recording with a logged set: its count is scored against the reps you
    confirmed (`mindmuscle motion evaluate`) and learns your usual cadence."""
    check_rate(rate)
    accel_units = checked_units(units)
    database, _units, catalog = _context(db)
    try:
        stored = motion_service.store_set_motion_file(
            database,
            USER_ID,
            set_id,
            file,
            catalog=catalog,
            fmt=fmt,
            rate_hz=rate,
            units=accel_units,
        )
    finally:
        database.close()
    if as_json:
        typer.echo(json.dumps(stored.as_dict(), indent=2))
        return
    a = stored.analysis
    lines = [
        f"Stored the motion of set {stored.set_id} ({stored.exercise_name}) from "
        f"{stored.file_name}.",
        f"Counted {counted(a.reps, 'repetition')}"
        + (f" + {a.partial_reps} partial" if a.partial_reps else "")
        + f"; you confirmed {stored.confirmed}.",
    ]
    span = motion_service.set_span_line(a)
    if span is not None:
        lines.append(span[0].upper() + span[1:] + ".")
    lines += [f"! {reason}" for reason in a.quality.reasons]
    lines.append("`mindmuscle motion evaluate` scores the count on every set stored with motion.")
    for line in lines:
        console.print(line, highlight=False, markup=False, soft_wrap=True)


@set_app.command("edit")
def edit(
    set_id: SetId,
    reps: Annotated[int | None, typer.Option(help="Repetitions done.")] = None,
    load: Annotated[
        str | None, typer.Option(metavar="FLOAT", help="Load in your units (0: body weight).")
    ] = None,
    units: Annotated[str | None, typer.Option(help="Units of --load (default: profile).")] = None,
    rir: Annotated[
        int | None,
        typer.Option(
            min=int(REPS_IN_RESERVE.low), max=int(REPS_IN_RESERVE.high), help="Reps in reserve."
        ),
    ] = None,
    rating: Annotated[
        int | None,
        typer.Option(
            min=int(RATING.low),
            max=int(RATING.high),
            help="How strongly the target was felt, 0-10.",
        ),
    ] = None,
    elsewhere: Annotated[
        list[str] | None,
        typer.Option(
            help="Muscles felt instead, MUSCLE=0..10 (repeatable; replaces the earlier ones; "
            "'none' clears them)."
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option(help="The set's note (replaces the earlier one).")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Correct a logged set; its previous values are kept and shown by `set show`."""
    if all(v is None for v in (reps, load, rir, rating, elsewhere, note)):
        raise _click.exceptions.UsageError(
            f"nothing to change in set {set_id}: give one or more of --reps, --load (with "
            f"--units), --rir, --rating, --elsewhere and --note, e.g. `mindmuscle set edit "
            f"{set_id} --reps 9`"
        )
    database, profile_units, catalog = _context(db)
    unit = parse_unit(units) if units else profile_units
    try:
        changes = _set_edit(
            reps=None if reps is None else reps_option(reps),
            load_kg=None if load is None else load_option(load, unit),
            reps_in_reserve=rir,
            target_rating=rating,
            felt_elsewhere=_elsewhere(elsewhere, catalog),
            note=note,
        )
        detail = history_service.edit_set(
            db=database, user_id=USER_ID, ref=set_id, edit=changes, now=_now(), catalog=catalog
        )
    finally:
        database.close()
    _show(detail, unit, catalog, as_json)


# The edit's fields as the set model names them, so errors are worded with the CLI's flags.
_MODEL_FIELD = {
    "target_rating": "reflection.target_rating",
    "focus_rating": "reflection.focus_rating",
    "felt_elsewhere": "reflection.felt_elsewhere",
    "note": "reflection.note",
}


def _set_edit(**values: Any) -> SetEdit:
    try:
        return SetEdit.model_validate(values)
    except ValidationError as exc:
        err = range_errors(exc.errors())[0]
        head, dot, rest = err.field.partition(".")
        field = _MODEL_FIELD.get(head, head) + dot + rest
        raise OutOfRangeError(field, err.value, err.allowed) from None


def _elsewhere(items: Sequence[str] | None, catalog: Catalog) -> dict[str, int] | None:
    if items is None:
        return None
    if [i.strip().lower() for i in items] == ["none"]:
        return {}
    return _parse_ratings(items, what="--elsewhere", high=10, catalog=catalog)


@set_app.command("delete")
def delete(set_id: SetId, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Delete a set: it leaves history, e1RM, loads and the map, and can be restored."""
    database, units, catalog = _context(db)
    try:
        before = history_service.get_set(db=database, user_id=USER_ID, ref=set_id, catalog=catalog)
        if before.set.deleted_at is not None:  # nothing to do, as an import of stored sets
            if as_json:
                _show(before, units, catalog, as_json)
                return
            console.print(
                f"Set {before.set.id} ({before.exercise_name}) is already deleted "
                f"({_when(before.set.deleted_at)}): nothing changed. Bring it back with "
                f"`mindmuscle set restore {before.set.id}`.",
                highlight=False,
                soft_wrap=True,
            )
            return
        detail = history_service.delete_set(
            db=database, user_id=USER_ID, ref=set_id, now=_now(), catalog=catalog
        )
    finally:
        database.close()
    if as_json:
        _show(detail, units, catalog, as_json)
        return
    console.print(
        f"Deleted set {detail.set.id} ({detail.exercise_name}); bring it back with "
        f"`mindmuscle set restore {detail.set.id}`.",
        highlight=False,
        soft_wrap=True,
    )


@set_app.command("restore")
def restore(set_id: SetId, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Bring a deleted set back with exactly the values it had."""
    database, units, catalog = _context(db)
    try:
        before = history_service.get_set(db=database, user_id=USER_ID, ref=set_id, catalog=catalog)
        if before.set.deleted_at is None:  # nothing to do, as an import of stored sets
            if as_json:
                _show(before, units, catalog, as_json)
                return
            console.print(
                f"Set {before.set.id} ({before.exercise_name}) is not deleted: nothing to "
                "restore, nothing changed.",
                highlight=False,
                soft_wrap=True,
            )
            return
        detail = history_service.restore_set(
            db=database, user_id=USER_ID, ref=set_id, now=_now(), catalog=catalog
        )
    finally:
        database.close()
    if as_json:
        _show(detail, units, catalog, as_json)
        return
    console.print("Restored:", highlight=False)
    _show(detail, units, catalog, False)


def _show_workout(w: WorkoutDetail, units: MassUnit, catalog: Catalog, as_json: bool) -> None:
    if as_json:
        typer.echo(w.model_dump_json(indent=2))
        return
    state = "" if w.deleted_at is None else f" [deleted {_when(w.deleted_at)}]"
    lasted = took(w.duration_s)
    console.print(
        f"Workout {w.session_id}, {_when(w.started_at)}{', ' + lasted if lasted else ''} "
        f"({w.source}), {counted(len(w.sets), 'set')}{state}",
        highlight=False,
        soft_wrap=True,
    )
    for s in w.sets:
        ex = catalog.exercises.get(s.exercise_id)
        name = s.exercise_id if ex is None else ex.name
        console.print("  " + _line(s, name, units, catalog), highlight=False, soft_wrap=True)


@workout_app.command("show")
def workout_show(session_id: WorkoutId, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Show a workout and all its sets (deleted ones marked)."""
    database, units, catalog = _context(db)
    try:
        w = history_service.get_workout(db=database, user_id=USER_ID, session_id=session_id)
    finally:
        database.close()
    _show_workout(w, units, catalog, as_json)


@workout_app.command("delete")
def workout_delete(session_id: WorkoutId, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Delete a whole workout with its sets (restorable together)."""
    database, units, catalog = _context(db)
    try:
        before = history_service.get_workout(db=database, user_id=USER_ID, session_id=session_id)
        if before.deleted_at is not None:  # nothing to do, as for a set
            if as_json:
                _show_workout(before, units, catalog, as_json)
                return
            console.print(
                f"Workout {session_id} is already deleted ({_when(before.deleted_at)}): nothing "
                f"changed. Bring it back with `mindmuscle workout restore {session_id}`.",
                highlight=False,
                soft_wrap=True,
            )
            return
        w = history_service.delete_workout(
            db=database, user_id=USER_ID, session_id=session_id, now=_now()
        )
    finally:
        database.close()
    if as_json:
        _show_workout(w, units, catalog, as_json)
        return
    console.print(
        f"Deleted workout {w.session_id} with its sets; bring them back with "
        f"`mindmuscle workout restore {w.session_id}`.",
        highlight=False,
        soft_wrap=True,
    )


@workout_app.command("restore")
def workout_restore(
    session_id: WorkoutId, as_json: JsonOption = False, db: DbOption = None
) -> None:
    """Bring a deleted workout back with the sets deleted with it."""
    database, units, catalog = _context(db)
    try:
        before = history_service.get_workout(db=database, user_id=USER_ID, session_id=session_id)
        if before.deleted_at is None:  # nothing to do, as for a set
            if as_json:
                _show_workout(before, units, catalog, as_json)
                return
            console.print(
                f"Workout {session_id} is not deleted: nothing to restore, nothing changed.",
                highlight=False,
                soft_wrap=True,
            )
            return
        w = history_service.restore_workout(
            db=database, user_id=USER_ID, session_id=session_id, now=_now()
        )
    finally:
        database.close()
    _show_workout(w, units, catalog, as_json)
