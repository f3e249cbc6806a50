"""The user's catalogue, built in one place: :func:`user_catalog`.

It is the built-in catalogue, plus the exercises imported from free-exercise-db into the data
folder's catalogue file, plus the user's own exercises stored in the database (made by a log
import, or added by hand). The web app and the CLI both ask :func:`user_catalog`, so an exercise
that one of them knows, the other knows too.

Imported free-exercise-db exercises live in
``Settings().data_dir / "catalog" / "user_exercises.json"``, never in the package. Their ids
start with ``fedb_``; importing the same file again replaces them.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from mindmuscle.catalog import Catalog, Exercise, Mechanic, load_catalog, map_free_exercise_db
from mindmuscle.catalog.matching import assign_targets
from mindmuscle.config import Settings, get_settings
from mindmuscle.errors import FileFormatError, InvalidInputError
from mindmuscle.io.freedb import read_free_exercise_db
from mindmuscle.io.jsontext import parse_json
from mindmuscle.store import Database, UserExerciseCreate, repo

__all__ = [
    "ImportSummary",
    "assign_exercise_targets",
    "catalog_for_exercise_in",
    "import_free_exercise_db",
    "load_user_catalog",
    "read_user_exercises",
    "user_catalog",
    "user_catalog_in",
    "user_catalog_path",
    "write_user_exercises",
]

_FORMAT = "mindmuscle-user-exercises"
_VERSION = 1

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    source: Path
    stored_in: Path
    imported: int
    replaced: int
    user_exercises: int
    muscle_mapping: dict[str, dict[str, int]] = field(default_factory=dict)
    targets: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready values."""
        return {
            "source": str(self.source),
            "stored_in": str(self.stored_in),
            "imported": self.imported,
            "replaced": self.replaced,
            "user_exercises": self.user_exercises,
            "muscle_mapping": self.muscle_mapping,
            "targets": self.targets,
        }


def user_catalog_path(settings: Settings) -> Path:
    """Where the user's added exercises are stored."""
    return settings.data_dir / "catalog" / "user_exercises.json"


def read_user_exercises(settings: Settings) -> list[Exercise]:
    """The exercises stored in the user's catalogue file (empty when there is none).

    Raises
    ------
    mindmuscle.errors.FileFormatError
        When the file is not valid JSON (with line and column) or an entry is not a valid
        exercise (with its index and id).
    """
    path = user_catalog_path(settings)
    if not path.exists():
        return []
    doc = parse_json(
        path.read_text(encoding="utf-8"), path=path, then="; delete the file and import again"
    )
    if not isinstance(doc, dict) or doc.get("format") != _FORMAT:
        raise FileFormatError(
            f"not a MindMuscle user catalogue (expected an object with format {_FORMAT!r})",
            path=path,
        )
    if doc.get("version") != _VERSION:
        raise FileFormatError(
            f"user catalogue version {doc.get('version')!r} is not supported; expected {_VERSION}",
            path=path,
        )
    entries = doc.get("exercises")
    if not isinstance(entries, list):
        raise FileFormatError("'exercises' must be a list of exercise cards", path=path)
    out: list[Exercise] = []
    for i, entry in enumerate(entries):
        entry_id = entry.get("id") if isinstance(entry, dict) else None
        try:
            out.append(Exercise.model_validate(entry))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "entry"
            raise FileFormatError(
                f"exercise {i} ({entry_id!r}): {where}: {err['msg']}", path=path
            ) from None
    return out


def write_user_exercises(settings: Settings, exercises: list[Exercise]) -> Path:
    """Store ``exercises`` as the user's catalogue (atomically: a crash leaves the old file)."""
    path = user_catalog_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "format": _FORMAT,
        "version": _VERSION,
        "exercises": [ex.model_dump(mode="json") for ex in exercises],
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_user_catalog(settings: Settings) -> Catalog:
    """The built-in catalogue plus the exercises the user has imported or added.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        When the user's catalogue file is damaged.
    mindmuscle.errors.CatalogError
        When a stored exercise clashes with a built-in id or names an unknown muscle.
    """
    extra = read_user_exercises(settings)
    catalog = load_catalog()
    return catalog.with_exercises(extra) if extra else catalog


# Built catalogues by what they are built from (the catalogue file's identity and the user's
# stored exercises), so a change anywhere (this process, another one, a CLI import while the
# server runs) gives a new key and a stale catalogue is never served.
_CACHE_SIZE = 32
_cache: OrderedDict[tuple[object, ...], Catalog] = OrderedDict()
_cache_lock = threading.Lock()


def _file_key(settings: Settings) -> tuple[object, ...]:
    path = user_catalog_path(settings)
    try:
        st = path.stat()
    except FileNotFoundError:
        return (str(path), None)
    return (str(path), st.st_mtime_ns, st.st_size)


def user_catalog(*, db: Database, user_id: int, settings: Settings | None = None) -> Catalog:
    """The one catalogue of a user, as every channel sees it.

    The built-in catalogue, plus the exercises in the data folder's catalogue file (see
    :func:`import_free_exercise_db`), plus the user's own exercises stored in the database. It is
    cached by what it is built from: the catalogue file's path, size and modification time and
    the stored exercises' content, so it changes as soon as one of them does.

    Parameters
    ----------
    db : Database
    user_id : int
    settings : Settings, optional
        Gives the data folder (default: the settings read from the environment).

    Raises
    ------
    mindmuscle.errors.FileFormatError
        When the catalogue file is damaged.
    mindmuscle.errors.CatalogError
        When a stored exercise names an unknown muscle.
    """
    with db.session(readonly=True) as s:
        return user_catalog_in(s, user_id=user_id, settings=settings)


def user_catalog_in(s: Session, *, user_id: int, settings: Settings | None = None) -> Catalog:
    """:func:`user_catalog` read in the open transaction ``s`` (a set written with the
    catalogue it was checked against, in one trip to the database)."""
    settings = settings or get_settings()
    stored = [
        (r.exercise_id, r.exercise) for r in repo.list_user_exercises(session=s, user_id=user_id)
    ]
    return _built(settings, stored)


def catalog_for_exercise_in(
    s: Session, *, user_id: int, exercise_id: str, settings: Settings | None = None
) -> Catalog:
    """A catalogue that checks a set of ``exercise_id`` exactly as the user's would.

    A user's own exercises only add ids the built-in catalogue and the catalogue file do not
    have, and add no muscles: for an exercise of those, they are the user's catalogue as far
    as the set is concerned, and nothing is read from the database. Otherwise it is
    :func:`user_catalog_in`.
    """
    settings = settings or get_settings()
    base = _built(settings, [])
    if exercise_id in base.exercises:
        return base
    return user_catalog_in(s, user_id=user_id, settings=settings)


def _built(settings: Settings, stored: list[tuple[str, dict[str, Any]]]) -> Catalog:
    """The built-in catalogue, the catalogue file's exercises and ``stored`` (the user's own
    exercises as ``(id, exercise)``), cached by what it is built from."""
    digest = hashlib.sha256(json.dumps(stored, sort_keys=True, default=str).encode()).hexdigest()
    key = (*_file_key(settings), digest)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    base = load_user_catalog(settings)
    extra = [Exercise.model_validate(e) for i, e in stored if i not in base.exercises]
    catalog = base.with_exercises(extra) if extra else base
    with _cache_lock:
        _cache[key] = catalog
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return catalog


def assign_exercise_targets(
    *,
    db: Database,
    user_id: int,
    exercise_id: str,
    targets: list[str],
    mechanic: Mechanic | None = None,
    settings: Settings | None = None,
) -> Exercise:
    """Give one of the user's own exercises the target muscles the user chose (stored), and
    its kind when the lifter says it (``None`` keeps the one it has, ``unknown`` included).

    Its cues are rewritten for the first target; from then on it counts in the connection map.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        The exercise is not in the user's catalogue (with close ids).
    mindmuscle.errors.InvalidInputError
        A muscle id is unknown (with close ids and the allowed ones), none was given, or the
        exercise is built-in or from the catalogue file, whose targets are not the user's to set.
    """
    catalog = user_catalog(db=db, user_id=user_id, settings=settings)
    exercise = catalog.exercise(exercise_id)
    with db.session() as s:
        stored = {r.exercise_id: r for r in repo.list_user_exercises(session=s, user_id=user_id)}
        row = stored.get(exercise_id)
        if row is None:
            raise InvalidInputError(
                f"{exercise.name} ({exercise_id}) is a {exercise.source} exercise; only your own "
                "exercises (made by a log import) take targets you assign."
            )
        assigned = assign_targets(exercise, targets, catalog, mechanic=mechanic)
        repo.upsert_user_exercise(
            session=s,
            user_id=user_id,
            data=UserExerciseCreate(
                exercise_id=exercise_id,
                exercise=assigned.model_dump(mode="json"),
                source=row.source,
            ),
        )
    return assigned


def import_free_exercise_db(
    path: str | Path,
    *,
    settings: Settings,
    on_progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import a free-exercise-db ``exercises.json`` into the user's catalogue.

    Every entry becomes an exercise with id ``fedb_<source id>``, mapped muscles, a default
    tempo and generic cues built from its primary muscle. Exercises imported before from the
    same ids are replaced; other user exercises are kept.

    Parameters
    ----------
    path : str or Path
        The JSON file.
    settings : Settings
        Gives the data folder.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` after each mapped entry.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        When the file is malformed (line and column) or an entry breaks the schema.
    """
    source = Path(path)
    records = read_free_exercise_db(source)
    catalog = load_catalog()
    mapping: dict[str, Counter[str]] = {}
    targets: Counter[str] = Counter()
    imported: list[Exercise] = []
    total = len(records)
    for done, record in enumerate(records, start=1):
        result = map_free_exercise_db(record, catalog.muscles)
        imported.append(result.exercise)
        mapping.setdefault(result.source_muscle, Counter())[result.targets[0]] += 1
        targets.update(result.targets)
        if on_progress is not None:
            on_progress(done, total)

    new_ids = {ex.id for ex in imported}
    if len(new_ids) != len(imported):
        dupes = sorted(i for i, n in Counter(ex.id for ex in imported).items() if n > 1)
        raise FileFormatError(f"entries map to the same exercise ids {dupes[:5]}", path=source)
    existing = read_user_exercises(settings)
    kept = [ex for ex in existing if ex.id not in new_ids]
    combined = kept + imported
    catalog.with_exercises(combined)  # validate before anything is written
    stored_in = write_user_exercises(settings, combined)
    return ImportSummary(
        source=source,
        stored_in=stored_in,
        imported=len(imported),
        replaced=len(existing) - len(kept),
        user_exercises=len(combined),
        muscle_mapping={
            term: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
            for term, counts in sorted(mapping.items())
        },
        targets=dict(sorted(targets.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
