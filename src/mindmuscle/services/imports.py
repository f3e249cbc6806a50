"""Importing workout-log exports (Strong, Hevy, FitNotes, MindMuscle JSON) into the store.

One file is one transaction: a broken row anywhere imports nothing, and the error names the file,
the line and the column. Every set gets a deterministic ``import_key`` (the workout start, the
exercise, its order and the values), so importing the same file again stores nothing new.

Exercise names are matched to the catalogue in three steps (:class:`ExerciseMatcher`):

1. **exact**: the name or an alias, ignoring case and punctuation;
2. **normalised**: the same words in any order, with spelling variants ("DB", "pull-up",
   plurals) and the equipment suffix ("Bench Press (Barbell)" is the barbell bench press;
   "Bench Press (Dumbbell)" is not);
3. **fuzzy**: :mod:`difflib` similarity of the normalised names, above a threshold, never across
   equipment ("(Dumbbell)" does not match a barbell exercise).

Names that match nothing become the user's own exercises (stored in ``user_exercises``, muscles
guessed from the name, to be corrected by the user). The report lists every mapping.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import uuid as uuid_mod
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mindmuscle.catalog import Catalog, load_catalog
from mindmuscle.catalog.freedb import FreeDbExercise, map_free_exercise_db
from mindmuscle.catalog.loader import normalise_name
from mindmuscle.catalog.models import Equipment, Exercise
from mindmuscle.coach.models import LoggedSet
from mindmuscle.errors import InvalidInputError, StoreError, UnknownIdError
from mindmuscle.io.logs import FormatOption, ParsedSet, open_log
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.history import logged_sets
from mindmuscle.store import Database, UserExerciseCreate, repo
from mindmuscle.store.tables import SessionRow, SetRow
from mindmuscle.units import MassUnit

__all__ = [
    "DEFAULT_THRESHOLD",
    "ExerciseMapping",
    "ExerciseMatcher",
    "ImportReport",
    "Match",
    "import_file",
    "logged_history",
    "user_exercise_for",
]

DEFAULT_THRESHOLD = 0.85
"""Fuzzy matches below this similarity (0-1) become user exercises instead."""
_BATCH_SETS = 1000

MatchMethod = Literal["given", "exact", "normalised", "fuzzy", "user", "new"]

# --- names -----------------------------------------------------------------------------------

_SYNONYMS = {
    "db": "dumbbell",
    "dumbbells": "dumbbell",
    "bb": "barbell",
    "kb": "kettlebell",
    "bicep": "biceps",
    "tricep": "triceps",
    "flye": "fly",
    "flyes": "fly",
    "flies": "fly",
    "pec": "chest",
    "ohp": "overhead press",
    "rdl": "romanian deadlift",
    "bw": "bodyweight",
    "ez": "ezbar",
    "lats": "lat",
}
_BIGRAMS = {
    ("pull", "up"): "pullup",
    ("push", "up"): "pushup",
    ("chin", "up"): "chinup",
    ("sit", "up"): "situp",
    ("pull", "down"): "pulldown",
    ("push", "down"): "pushdown",
    ("ezbar", "bar"): "ezbar",
    ("bent", "over"): "bentover",
    ("step", "up"): "stepup",
}
_FILLER = {"the", "a", "with", "and", "on", "of"}
_KEEP_S = {"biceps", "triceps", "press", "abs", "glutes", "lats", "calves", "hamstrings"}
# Equipment words as they appear in names, and the catalogue's equipment they stand for.
_EQUIPMENT_WORDS: dict[str, Equipment] = {
    "barbell": Equipment.BARBELL,
    "dumbbell": Equipment.DUMBBELL,
    "machine": Equipment.MACHINE,
    "smith": Equipment.MACHINE,
    "cable": Equipment.CABLE,
    "bodyweight": Equipment.BODYWEIGHT,
    "kettlebell": Equipment.KETTLEBELL,
    "band": Equipment.BAND,
    "ezbar": Equipment.EZ_BAR,
}
# Equipment that lifters and apps use for the same exercise (a lat pulldown is a cable or a
# machine, an EZ bar is a barbell for most logs).
_COMPATIBLE = {
    frozenset({Equipment.MACHINE, Equipment.CABLE}),
    frozenset({Equipment.EZ_BAR, Equipment.BARBELL}),
}
# Words that make a different exercise: a fuzzy match may not add or drop one of them
# ("Decline Bench Press" is not the incline bench press, however similar the letters).
_DISCRIMINATING = frozenset(
    {
        "incline",
        "decline",
        "reverse",
        "front",
        "rear",
        "close",
        "wide",
        "sumo",
        "hammer",
        "preacher",
        "overhead",
        "lying",
        "seated",
        "standing",
        "single",
        "one",
        "kneeling",
        "hanging",
        "split",
        "goblet",
        "romanian",
        "stiff",
        "deficit",
        "zottman",
        "cross",
        "iso",
        "low",
        "high",
        "bulgarian",
        "hack",
    }
)
_SUFFIX = re.compile(r"\(([^()]*)\)\s*$")


def _tokens(text: str) -> list[str]:
    words: list[str] = []
    for word in normalise_name(text).split():
        word = _SYNONYMS.get(word, word)
        for part in word.split():
            plural = len(part) > 3 and part.endswith("s") and not part.endswith("ss")
            if plural and part not in _KEEP_S:
                part = part[:-1]
            part = _SYNONYMS.get(part, part)
            if part not in _FILLER:
                words.extend(part.split())
    merged: list[str] = []
    for word in words:
        if merged and (merged[-1], word) in _BIGRAMS:
            merged[-1] = _BIGRAMS[(merged[-1], word)]
        else:
            merged.append(word)
    return merged


def _equipment_in(tokens: Iterable[str]) -> set[Equipment]:
    return {_EQUIPMENT_WORDS[t] for t in tokens if t in _EQUIPMENT_WORDS}


def _compatible(a: Equipment, b: Equipment) -> bool:
    return a == b or frozenset({a, b}) in _COMPATIBLE


@dataclass(frozen=True)
class Match:
    """How one name in a log was matched."""

    exercise: Exercise
    method: MatchMethod
    confidence: float


@dataclass(frozen=True)
class _Candidate:
    exercise: Exercise
    tokens: frozenset[str]
    text: str  # sorted tokens, for fuzzy comparison


class ExerciseMatcher:
    """Matches exercise names from logs to exercises (built-in, then the user's own).

    Parameters
    ----------
    exercises : iterable of Exercise
        The catalogue's exercises, then the user's (earlier ones win ties).
    threshold : float
        Minimum :class:`difflib.SequenceMatcher` ratio (0-1) of a fuzzy match.
    given : mapping of str to str, optional
        Names the user mapped themselves (name in the log -> exercise id); they win.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        A given exercise id is neither built-in nor the user's (with close ids).

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> m = ExerciseMatcher(load_catalog().exercises.values())
    >>> found = m.match("Bench Press (Barbell)")
    >>> found.exercise.id, found.method
    ('barbell_bench_press', 'exact')
    """

    def __init__(
        self,
        exercises: Iterable[Exercise],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        given: Mapping[str, str] | None = None,
    ):
        if not 0 < threshold <= 1:
            raise InvalidInputError(f"Match threshold {threshold} must be in (0, 1].")
        self.threshold = threshold
        self._exact: dict[str, Exercise] = {}
        self._candidates: list[_Candidate] = []
        by_id: dict[str, Exercise] = {}
        for ex in exercises:
            by_id.setdefault(ex.id, ex)
            self.add(ex)
        self._given: dict[str, Exercise] = {}
        for name, exercise_id in (given or {}).items():
            if exercise_id not in by_id:
                close = difflib.get_close_matches(exercise_id, list(by_id), n=3, cutoff=0.5)
                raise UnknownIdError("exercise", exercise_id, close)
            self._given[normalise_name(name)] = by_id[exercise_id]

    def add(self, exercise: Exercise) -> None:
        """Make ``exercise`` matchable (user exercises created during an import)."""
        for text in (exercise.name, *exercise.aliases):
            self._exact.setdefault(normalise_name(text), exercise)
            tokens = _tokens(text)
            if not tokens:
                continue
            variants = [frozenset(tokens)]
            word = exercise.equipment.value.replace("_", "")
            if word in _EQUIPMENT_WORDS and word not in tokens:
                variants.append(frozenset([*tokens, word]))
            for variant in variants:
                self._candidates.append(_Candidate(exercise, variant, " ".join(sorted(variant))))

    def match(self, name: str) -> Match | None:
        """The best match of ``name``, or None when nothing reaches the threshold."""
        given = self._given.get(normalise_name(name))
        if given is not None:
            return Match(given, "given", 1.0)
        exact = self._exact.get(normalise_name(name))
        if exact is not None:
            return Match(exact, "user" if exact.source == "user" else "exact", 1.0)
        tokens = _tokens(name)
        if not tokens:
            return None
        full = frozenset(tokens)
        suffix = _SUFFIX.search(name)
        base = frozenset(_tokens(name[: suffix.start()])) if suffix else full
        stated = _equipment_in(tokens)
        for cand in self._candidates:
            if cand.tokens == full:
                return Match(cand.exercise, "normalised", 0.95)
        for cand in self._candidates:
            if cand.tokens == base and all(
                _compatible(e, cand.exercise.equipment) for e in stated - _equipment_in(base)
            ):
                return Match(cand.exercise, "normalised", 0.9)
        text = " ".join(sorted(full))
        best: tuple[float, Exercise] | None = None
        for cand in self._candidates:
            if stated and not any(
                _compatible(e, cand.exercise.equipment) or e in _equipment_in(cand.tokens)
                for e in stated
            ):
                continue
            if (full ^ cand.tokens) & _DISCRIMINATING:
                continue
            ratio = difflib.SequenceMatcher(None, text, cand.text).ratio()
            if best is None or ratio > best[0]:
                best = (ratio, cand.exercise)
        if best is not None and best[0] >= self.threshold:
            return Match(best[1], "fuzzy", round(best[0], 3))
        return None


# --- user exercises for unmatched names ---------------------------------------------------------

# free-exercise-db muscle terms guessed from words of a name ("|" separates words), first hit wins.
_MUSCLE_WORDS: tuple[tuple[str, str], ...] = (
    ("leg curl|hamstring|romanian|stiff leg|good morning|nordic", "hamstrings"),
    ("wrist|forearm|farmer", "forearms"),
    ("calf|calve", "calves"),
    ("leg extension", "quadriceps"),
    ("hip thrust|glute|bridge", "glutes"),
    ("adductor", "adductors"),
    ("abductor", "abductors"),
    ("back extension|hyperextension|superman", "lower back"),
    (
        "crunch|situp|sit up|leg raise|knee raise|plank|ab |abs|core|hollow|russian twist|"
        "dead bug|rollout|v up",
        "abdominals",
    ),
    (
        "triceps|tricep|pushdown|push down|skull|dip|kickback|overhead extension|close grip",
        "triceps",
    ),
    ("curl", "biceps"),
    ("shrug", "traps"),
    ("pulldown|pull down|pullup|pull up|chinup|chin up|pullover|straight arm|lat ", "lats"),
    ("row", "middle back"),
    ("deadlift", "hamstrings"),
    (
        "lateral raise|front raise|rear delt|face pull|shoulder|overhead press|military|arnold|"
        "upright",
        "shoulders",
    ),
    ("bench|chest|fly|pec|pushup|push up|crossover|incline press|decline press", "chest"),
    (
        "squat|leg press|lunge|step up|stepup|run|stair|bike|cycl|rowing machine|sprint|jump",
        "quadriceps",
    ),
)
_CATEGORY_MUSCLES = {
    "chest": "chest",
    "back": "middle back",
    "shoulders": "shoulders",
    "biceps": "biceps",
    "triceps": "triceps",
    "legs": "quadriceps",
    "abs": "abdominals",
    "forearms": "forearms",
    "glutes": "glutes",
    "calves": "calves",
    "cardio": "quadriceps",
}
_FREEDB_EQUIPMENT = {
    Equipment.BARBELL: "barbell",
    Equipment.DUMBBELL: "dumbbell",
    Equipment.MACHINE: "machine",
    Equipment.CABLE: "cable",
    Equipment.BODYWEIGHT: "body only",
    Equipment.KETTLEBELL: "kettlebells",
    Equipment.BAND: "bands",
    Equipment.EZ_BAR: "e-z curl bar",
}
_BODYWEIGHT_WORDS = ("pullup", "chinup", "pushup", "dip", "crunch", "plank", "situp", "leg raise")
_COMPOUND_WORDS = [
    "press",
    "squat",
    "deadlift",
    "row",
    "pullup",
    "chinup",
    "dip",
    "lunge",
    "pulldown",
    "thrust",
    "clean",
    "pushup",
]


def _guess_muscle(name: str, category: str | None) -> tuple[str, bool]:
    """A free-exercise-db muscle term for a name, and whether it was more than a placeholder."""
    text = " " + " ".join(_tokens(name)) + " "
    raw = " " + normalise_name(name) + " "
    for words, term in _MUSCLE_WORDS:
        if any(w in text or w in raw for w in words.split("|")):
            return term, True
    if category and category.strip().lower() in _CATEGORY_MUSCLES:
        return _CATEGORY_MUSCLES[category.strip().lower()], True
    return "abdominals", False


def _user_exercise_id(name: str) -> str:
    slug = "_".join(normalise_name(name).encode("ascii", "ignore").decode().split())[:60]
    slug = slug.strip("_")
    digest = hashlib.sha256(name.strip().casefold().encode()).hexdigest()[:8]
    if not slug:
        return f"user_{digest}"
    return f"user_{slug}" if len(slug) < 60 else f"user_{slug}_{digest}"


def user_exercise_for(
    name: str, catalog: Catalog, *, category: str | None = None
) -> tuple[Exercise, bool]:
    """A new exercise of the user for a name that matched nothing.

    Its muscles, equipment and mechanic are guessed from the words of the name (and FitNotes'
    category), then it gets default cues and tempo as free-exercise-db entries do.

    Returns
    -------
    exercise : Exercise
        ``source="user"``, id ``user_<name>``.
    guessed : bool
        False when no word of the name told the muscle (a placeholder to correct).
    """
    tokens = _tokens(name)
    term, guessed = _guess_muscle(name, category)
    equipment = next(iter(sorted(_equipment_in(tokens))), None)
    joined = " ".join(tokens)
    if equipment is None:
        equipment = Equipment.BODYWEIGHT if any(w in joined for w in _BODYWEIGHT_WORDS) else None
    compound = any(w in joined for w in _COMPOUND_WORDS)
    exercise_id = _user_exercise_id(name)
    record = FreeDbExercise.model_validate(
        {
            "id": exercise_id,
            "name": name.strip(),
            "force": "static" if "plank" in joined or "hold" in joined else None,
            "mechanic": "compound" if compound else "isolation",
            "equipment": _FREEDB_EQUIPMENT.get(equipment) if equipment else "other",
            "primaryMuscles": [term],
        }
    )
    exercise = map_free_exercise_db(record, catalog.muscles).exercise
    return exercise.model_copy(update={"id": exercise_id, "source": "user"}), guessed


# --- the import -----------------------------------------------------------------------------


class ExerciseMapping(BaseModel):
    """How one exercise name of the file was mapped (the user can correct it)."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="The name as written in the file.")
    exercise_id: str
    exercise_name: str
    method: MatchMethod = Field(
        description="given (by the user, --map); exact, normalised or fuzzy (built-in "
        "catalogue); user (an exercise the user already had); new (a user exercise created by "
        "this import)."
    )
    confidence: float = Field(ge=0, le=1)
    sets: int = Field(ge=0, description="Sets of this name in the file.")
    muscles_guessed: bool | None = Field(
        default=None, description="For new exercises: False when the muscles are a placeholder."
    )


class ImportReport(BaseModel):
    """What an import found and stored."""

    model_config = ConfigDict(frozen=True)

    path: str
    format: str
    unit: str = Field(description="Weight unit used: from the file, or the --unit option.")
    dry_run: bool
    sets: int = Field(description="Sets in the file.")
    sets_added: int = Field(description="Sets stored now (0 in a dry run).")
    sets_already_stored: int
    workouts: int
    workouts_added: int
    exercises: int = Field(description="Distinct exercise names in the file.")
    matched: int = Field(description="Names matched to built-in exercises.")
    user_exercises: int = Field(description="Names mapped to the user's own exercises.")
    new_user_exercises: int
    first_workout: datetime | None
    last_workout: datetime | None
    mappings: list[ExerciseMapping]


@dataclass
class _NameState:
    match: Match
    sets: int = 0
    guessed: bool | None = None


def _set_uuid(import_key: str) -> str:
    # The key is already a SHA-256 digest: its first 128 bits, marked as a name-based UUID.
    return str(uuid_mod.UUID(hex=import_key.removeprefix("log:")[:32], version=5))


def _rir(rpe: float | None) -> int | None:
    return None if rpe is None else max(0, min(10, int(10 - rpe)))


def _session_notes(parsed: ParsedSet) -> str:
    parts = [p for p in (parsed.workout_title, parsed.workout_notes) if p]
    return "\n\n".join(parts)


_V = TypeVar("_V")


class _Recent(OrderedDict[str, _V]):
    """A dict that keeps only the most recently set keys."""

    limit = 256

    def __setitem__(self, key: str, value: _V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self.limit:
            self.popitem(last=False)


# Bound parameters, not literal lists: the statement cache then holds no keys of past batches.
_STORED_KEYS = select(SetRow.import_key, SetRow.session_id).where(
    SetRow.user_id == bindparam("user_id"),
    SetRow.import_key.in_(bindparam("keys", expanding=True)),
)


class _Importer:
    def __init__(
        self,
        *,
        session: Session,
        user_id: int,
        catalog: Catalog,
        matcher: ExerciseMatcher,
        dry_run: bool,
    ) -> None:
        self.s = session
        self.user_id = user_id
        self.catalog = catalog
        self.matcher = matcher
        self.dry_run = dry_run
        self.names: dict[str, _NameState] = {}
        # Only recent workouts are remembered (exports list a workout's rows together), so the
        # memory of an import does not grow with the file.
        self.workout_sessions: _Recent[int | None] = _Recent()
        self.workout_counts: _Recent[int] = _Recent()
        self.workouts = 0
        self.workouts_added = 0
        self.sets = 0
        self.added = 0
        self.first: datetime | None = None
        self.last: datetime | None = None

    def exercise_for(self, parsed: ParsedSet) -> str:
        state = self.names.get(parsed.exercise_name)
        if state is None:
            found = self.matcher.match(parsed.exercise_name)
            guessed: bool | None = None
            if found is None:
                exercise, guessed = user_exercise_for(
                    parsed.exercise_name, self.catalog, category=parsed.category
                )
                if not self.dry_run:
                    repo.upsert_user_exercise(
                        session=self.s,
                        user_id=self.user_id,
                        data=UserExerciseCreate(
                            exercise_id=exercise.id,
                            exercise=exercise.model_dump(mode="json"),
                            source="import",
                        ),
                    )
                self.matcher.add(exercise)
                found = Match(exercise, "new", 0.0)
            state = self.names[parsed.exercise_name] = _NameState(found, guessed=guessed)
        state.sets += 1
        return state.match.exercise.id

    def flush(self, batch: list[ParsedSet]) -> None:
        if not batch:
            return
        keys = [p.import_key for p in batch]  # a hash: computed once per set
        existing: dict[str, int | None] = {}
        for i in range(0, len(keys), 500):
            params = {"user_id": self.user_id, "keys": keys[i : i + 500]}
            rows = self.s.execute(_STORED_KEYS, params)
            existing.update({k: sid for k, sid in rows if k is not None})
        for p, key in zip(batch, keys, strict=True):
            if key in existing and p.workout_key not in self.workout_sessions:
                self.workout_sessions[p.workout_key] = existing[key]
        new_sessions: dict[str, SessionRow] = {}
        for p, key in zip(batch, keys, strict=True):
            if key in existing or p.workout_key in self.workout_sessions:
                continue
            if p.workout_key in new_sessions:
                continue
            ended = p.ended_at
            if ended is None and p.workout_duration_s:
                ended = p.started_at + timedelta(seconds=p.workout_duration_s)
            new_sessions[p.workout_key] = SessionRow(
                user_id=self.user_id,
                started_at=p.started_at,
                ended_at=ended,
                source="import",
                notes=_session_notes(p),
            )
        self.workouts_added += len(new_sessions)
        if new_sessions and not self.dry_run:
            self.s.add_all(new_sessions.values())
            self.s.flush()
        for key, row in new_sessions.items():
            self.workout_sessions[key] = None if self.dry_run else row.id
            if not self.dry_run:
                self.s.expunge(row)  # only its id is needed; the identity map would grow
        rows_to_add: list[dict[str, Any]] = []
        for p, key in zip(batch, keys, strict=True):
            exercise_id = self.exercise_for(p)
            index = self.workout_counts.get(p.workout_key, 0)
            if index == 0:
                self.workouts += 1
            self.workout_counts[p.workout_key] = index + 1
            if key in existing:
                continue
            existing[key] = None  # the same row twice in one file is stored once
            motion = {
                k: v
                for k, v in (("duration_s", p.duration_s), ("distance_m", p.distance_m))
                if v is not None
            }
            rows_to_add.append(
                {
                    "user_id": self.user_id,
                    "uuid": _set_uuid(key),
                    "session_id": self.workout_sessions.get(p.workout_key),
                    "set_index": index,
                    "exercise_id": exercise_id,
                    "performed_at": p.started_at,
                    "load_kg": p.load_kg or 0.0,
                    "reps": p.reps or 0,
                    "set_type": p.set_type,
                    "rir": _rir(p.rpe),
                    "tempo": None,
                    "focus_mode": None,
                    "cue": None,
                    "motion": motion or None,
                    "emg_peak_mvc": None,
                    "source": "import",
                    "import_key": key,
                    "notes": p.notes,
                    "superset": p.superset,
                }
            )
        self.added += len(rows_to_add)
        if rows_to_add and not self.dry_run:
            # Core executemany: the ORM's bulk path costs more than the insert itself here.
            self.s.connection().execute(insert(SetRow.__table__), rows_to_add)  # type: ignore[arg-type]

    def run(self, sets: Iterator[ParsedSet], progress: Callable[[], None] | None) -> None:
        batch: list[ParsedSet] = []
        for parsed in sets:
            self.sets += 1
            if self.first is None or parsed.started_at < self.first:
                self.first = parsed.started_at
            if self.last is None or parsed.started_at > self.last:
                self.last = parsed.started_at
            batch.append(parsed)
            if len(batch) >= _BATCH_SETS:
                self.flush(batch)
                batch = []
                if progress is not None:
                    progress()
        self.flush(batch)
        if progress is not None:
            progress()

    def mappings(self) -> list[ExerciseMapping]:
        return [
            ExerciseMapping(
                name=name,
                exercise_id=st.match.exercise.id,
                exercise_name=st.match.exercise.name,
                method=st.match.method,
                confidence=st.match.confidence,
                sets=st.sets,
                muscles_guessed=st.guessed,
            )
            for name, st in sorted(self.names.items(), key=lambda kv: kv[0].casefold())
        ]


def _user_catalog(
    session: Session, user_id: int, base: Catalog | None
) -> tuple[Catalog, list[Exercise]]:
    base = base or load_catalog()
    extra = [
        Exercise.model_validate(r.exercise)
        for r in repo.list_user_exercises(session=session, user_id=user_id)
    ]
    extra = [e for e in extra if e.id not in base.exercises]
    return base, extra


def import_file(
    *,
    db: Database,
    user_id: int,
    path: str | Path,
    format: FormatOption | Literal["json"] = "auto",
    unit: MassUnit | None = None,
    dry_run: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
    catalog: Catalog | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ImportReport:
    """Import one export file in one transaction.

    Parameters
    ----------
    db : Database
    user_id : int
    path : str or Path
        A Strong, Hevy or FitNotes CSV export, or a MindMuscle JSON export.
    format : {"auto", "strong", "hevy", "fitnotes", "json"}
        ``auto`` detects it (JSON by its first character, CSV by its header).
    unit : {"kg", "lb"} or None
        Weight unit for files that do not say; required for those.
    dry_run : bool
        Read, match and count, store nothing.
    threshold : float
        Minimum similarity of a fuzzy name match (0-1).
    progress : callable, optional
        Called as ``progress(bytes_read, size_bytes)`` while the file is read.
    catalog : Catalog, optional
        The catalogue to match against (default: the user's,
        :func:`mindmuscle.services.catalog.user_catalog`).
    mapping : mapping of str to str, optional
        The user's own choices, name in the file -> exercise id (after a dry run showed the
        report); they win over every automatic match.

    Returns
    -------
    ImportReport

    Raises
    ------
    FileFormatError
        The file is not a supported export or has a broken row (nothing is stored).
    """
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    if format == "json" or (format == "auto" and _looks_like_json(path)):
        from mindmuscle.services.export import import_json

        return import_json(db=db, user_id=user_id, path=path, dry_run=dry_run, catalog=catalog)
    try:
        return _import_csv(
            db=db,
            user_id=user_id,
            path=path,
            format=format,
            unit=unit,
            dry_run=dry_run,
            threshold=threshold,
            progress=progress,
            catalog=catalog,
            mapping=mapping,
        )
    except IntegrityError:
        raise StoreError(
            f"{path}: another import stored some of the same sets at the same time, so this "
            "one stored nothing; run it again: it adds only what is missing."
        ) from None


def _import_csv(
    *,
    db: Database,
    user_id: int,
    path: str | Path,
    format: FormatOption,
    unit: MassUnit | None,
    dry_run: bool,
    threshold: float,
    progress: Callable[[int, int], None] | None,
    catalog: Catalog | None,
    mapping: Mapping[str, str] | None,
) -> ImportReport:
    with db.session(readonly=dry_run) as s:
        base, extra = _user_catalog(s, user_id, catalog)
        matcher = ExerciseMatcher(
            [*base.exercises.values(), *extra], threshold=threshold, given=mapping
        )
        importer = _Importer(
            session=s, user_id=user_id, catalog=base, matcher=matcher, dry_run=dry_run
        )
        with open_log(path, format=format, unit=unit) as log:
            size = log.size_bytes

            def tick() -> None:
                if progress is not None:
                    progress(log.bytes_read, size)

            importer.run(iter(log), tick)
            file_unit = log.unit_in_file
        if dry_run:
            s.rollback()
    mappings = importer.mappings()
    return ImportReport(
        path=str(path),
        format=log.format,
        unit=file_unit
        if file_unit in ("kg", "lb")
        else (f"{file_unit} (rows without: {unit or 'none'})" if file_unit else unit or "none"),
        dry_run=dry_run,
        sets=importer.sets,
        sets_added=0 if dry_run else importer.added,
        sets_already_stored=importer.sets - importer.added,
        workouts=importer.workouts,
        workouts_added=importer.workouts_added,
        exercises=len(mappings),
        matched=sum(st.match.exercise.source != "user" for st in importer.names.values()),
        user_exercises=sum(st.match.exercise.source == "user" for st in importer.names.values()),
        new_user_exercises=sum(m.method == "new" for m in mappings),
        first_workout=importer.first,
        last_workout=importer.last,
        mappings=mappings,
    )


def _looks_like_json(path: str | Path) -> bool:
    p = Path(path)
    if p.suffix.lower() == ".json":
        return True
    try:
        with p.open("rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"{")


def logged_history(*, db: Database, user_id: int, since: datetime | None = None) -> list[LoggedSet]:
    """Every stored set of the user (imported or not) as the coach reads history.

    The same list as :func:`mindmuscle.services.history.logged_sets`, which ``mindmuscle today``
    plans from: after an import, the plan's loads come from the imported history.
    """
    return logged_sets(db=db, user_id=user_id, since=since)
