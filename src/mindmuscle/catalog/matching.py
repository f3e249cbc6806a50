"""Matching exercise names from workout logs to the catalogue, in any script.

Names are matched in three steps (:class:`ExerciseMatcher`):

1. **exact** (the name) or **alias** (one of its other names), ignoring case, accents and
   punctuation;
2. **normalised**: the same words in any order, with spelling variants ("DB", "pull-up",
   plurals) and the equipment suffix ("Bench Press (Barbell)" is the barbell bench press;
   "Bench Press (Dumbbell)" is not);
3. **fuzzy**: :mod:`difflib` similarity of the normalised names, above a threshold, never across
   equipment ("(Dumbbell)" does not match a barbell exercise).

Letters of every script count ("Жим лёжа", "スクワット", "Πιέσεις"), and two names that share
no letter are never paired, whatever the step. A name that matches nothing becomes the user's
own exercise (:func:`user_exercise_for`) with no target muscle: it is *unassigned* until the
user says which muscles it trains (:func:`assign_targets`); the muscles its words suggest are
offered, never stored as if the user had said them.

Pure: no database, no files.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from mindmuscle.catalog.freedb import FreeDbExercise, exercise_cues, map_free_exercise_db
from mindmuscle.catalog.loader import Catalog, normalise_name
from mindmuscle.catalog.models import Equipment, Exercise, Mechanic, Movement, Muscle, Tempo
from mindmuscle.errors import InvalidInputError, UnknownIdError

__all__ = [
    "DEFAULT_THRESHOLD",
    "ExerciseMatcher",
    "Match",
    "MatchMethod",
    "UserExercise",
    "assign_targets",
    "user_exercise_for",
]

DEFAULT_THRESHOLD = 0.85
"""Fuzzy matches below this similarity (0-1) become user exercises instead."""

MatchMethod = Literal["given", "exact", "alias", "normalised", "fuzzy", "user", "new"]

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


def _tokens(text: str, *, fold: bool = True) -> list[str]:
    words: list[str] = []
    for word in normalise_name(text, fold_accents=fold).split():
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


def _letters(text: str) -> frozenset[str]:
    return frozenset(ch for ch in text if ch.isalpha())


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
    text: str  # sorted tokens with their accents, for fuzzy comparison
    letters: frozenset[str]  # a name sharing none of them is never this one


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
    ('barbell_bench_press', 'alias')
    >>> m.match("barbell bench press").method
    'exact'
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
        self._names: set[tuple[str, str]] = set()  # (key, exercise id) of names, not aliases
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
            key = normalise_name(text)
            if key:  # a name of punctuation alone names nothing
                self._exact.setdefault(key, exercise)
                if text == exercise.name:
                    self._names.add((key, exercise.id))
            tokens = _tokens(text)
            if not tokens:
                continue
            written = _tokens(text, fold=False)
            variants = [(frozenset(tokens), frozenset(written))]
            word = exercise.equipment.value.replace("_", "")
            if word in _EQUIPMENT_WORDS and word not in tokens:
                variants.append((frozenset([*tokens, word]), frozenset([*written, word])))
            for variant, as_written in variants:
                joined = " ".join(sorted(as_written))
                self._candidates.append(_Candidate(exercise, variant, joined, _letters(joined)))

    def match(self, name: str) -> Match | None:
        """The best match of ``name``, or None when nothing reaches the threshold.

        Two names that share no letter are never paired ("Жим лёжа" is not "スクワット").
        """
        key = normalise_name(name)
        if not key:
            return None
        given = self._given.get(key)
        if given is not None:
            return Match(given, "given", 1.0)
        exact = self._exact.get(key)
        if exact is not None:
            if exact.source == "user":
                return Match(exact, "user", 1.0)
            # Its name, or one of its other names: the preview says which.
            return Match(exact, "exact" if (key, exact.id) in self._names else "alias", 1.0)
        tokens = _tokens(name)
        if not tokens:
            return None
        full = frozenset(tokens)
        suffix = _SUFFIX.search(name)
        base = frozenset(_tokens(name[: suffix.start()])) if suffix else full
        stated = _equipment_in(tokens)
        # Accents are ignored when the words are otherwise the same ("Bench Préss" is the bench
        # press), but a similarity is measured on the letters as written, so a name is not
        # pulled onto another by letters it does not have ("Bänch Préss" stays the user's own).
        text = " ".join(sorted(frozenset(_tokens(name, fold=False))))
        letters = _letters(text) | _letters(" ".join(full))
        candidates = [c for c in self._candidates if c.letters & letters]
        for cand in candidates:
            if cand.tokens == full:
                return Match(cand.exercise, "normalised", 0.95)
        for cand in candidates:
            if cand.tokens == base and all(
                _compatible(e, cand.exercise.equipment) for e in stated - _equipment_in(base)
            ):
                return Match(cand.exercise, "normalised", 0.9)
        best: tuple[float, Exercise] | None = None
        for cand in candidates:
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


# One-joint movements by their usual names (checked before the compound words: a pressdown
# is not a press).
_ISOLATION_WORDS = [
    "curl",
    "raise",
    "extension",
    "fly",
    "flye",
    "kickback",
    "pushdown",
    "pressdown",
    "shrug",
    "crossover",
]


_UNKNOWN_KIND_TEMPO = Tempo(eccentric_s=2, bottom_pause_s=0, concentric_s=1, top_squeeze_s=0)


def _mechanic_in(joined: str) -> Mechanic:
    """The kind the words of a name tell; unknown when they tell none (``Warm Up``)."""
    words = joined.split()
    if any(w in words or w + "s" in words for w in _ISOLATION_WORDS):
        return Mechanic.ISOLATION
    if any(w in joined for w in _COMPOUND_WORDS):
        return Mechanic.COMPOUND
    return Mechanic.UNKNOWN


def _guess_muscle(name: str, category: str | None) -> str | None:
    """A free-exercise-db muscle term that the words of a name (or the category) suggest."""
    text = " " + " ".join(_tokens(name)) + " "
    raw = " " + normalise_name(name) + " "
    for words, term in _MUSCLE_WORDS:
        if any(w in text or w in raw for w in words.split("|")):
            return term
    if category and category.strip().lower() in _CATEGORY_MUSCLES:
        return _CATEGORY_MUSCLES[category.strip().lower()]
    return None


def _user_exercise_id(name: str) -> str:
    words = normalise_name(name).split()
    ascii_words = [w.encode("ascii", "ignore").decode() for w in words]
    slug = "_".join(w for w in ascii_words if w)[:60].strip("_")
    digest = hashlib.sha256(name.strip().casefold().encode()).hexdigest()[:8]
    if not slug:
        return f"user_{digest}"
    # A name with letters that ASCII cannot write keeps its digest: "Жим лёжа 2" and
    # "スクワット 2" are two exercises, not both "user_2".
    lossy = ascii_words != words
    return f"user_{slug}" if len(slug) < 60 and not lossy else f"user_{slug}_{digest}"


@dataclass(frozen=True)
class UserExercise:
    """A new exercise of the user for a name that matched nothing.

    ``exercise`` has no target muscle (unassigned: left out of the connection map until the user
    assigns targets); ``suggested`` are the muscle ids the name's words suggest (empty when they
    tell nothing), for the user to confirm with :func:`assign_targets`.
    """

    exercise: Exercise
    suggested: tuple[str, ...]


_PLACEHOLDER_TERM = "abdominals"  # only to derive equipment, mechanic and movement; dropped


def user_exercise_for(name: str, catalog: Catalog, *, category: str | None = None) -> UserExercise:
    """A new, unassigned exercise of the user for a name that matched nothing.

    Its equipment, mechanic and movement come from the words of the name; its targets are left
    empty and its cues are generic until the user assigns targets. The muscles the words (or
    FitNotes' category) suggest are returned beside it, not stored as if the user said them.

    Returns
    -------
    UserExercise
        ``exercise``: ``source="user"``, id ``user_<name>`` (with a digest when the name has
        letters ASCII cannot write), no targets; ``suggested``: muscle ids.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> new = user_exercise_for("Nordic Curl", load_catalog())
    >>> new.exercise.id, new.exercise.targets, new.suggested
    ('user_nordic_curl', [], ('hamstrings',))
    """
    tokens = _tokens(name)
    term = _guess_muscle(name, category)
    equipment = next(iter(sorted(_equipment_in(tokens))), None)
    joined = " ".join(tokens)
    if equipment is None:
        equipment = Equipment.BODYWEIGHT if any(w in joined for w in _BODYWEIGHT_WORDS) else None
    mechanic = _mechanic_in(joined)
    exercise_id = _user_exercise_id(name)
    record = FreeDbExercise.model_validate(
        {
            "id": exercise_id,
            "name": name.strip(),
            "force": "static" if "plank" in joined or "hold" in joined else None,
            "mechanic": None if mechanic == Mechanic.UNKNOWN else mechanic.value,
            "equipment": _FREEDB_EQUIPMENT.get(equipment) if equipment else "other",
            "primaryMuscles": [term or _PLACEHOLDER_TERM],
        }
    )
    mapped = map_free_exercise_db(record, catalog.muscles)
    suggested = mapped.targets if term is not None else ()
    internal, external, visualisation, touch = exercise_cues(None, mapped.exercise.concentric)
    region = catalog.muscles[suggested[0]].region if suggested else mapped.exercise.region
    exercise = mapped.exercise.model_copy(
        update={
            "id": exercise_id,
            "source": "user",
            "mechanic": mechanic,
            # A kind not known gets neither kind's extras (a pause, a squeeze).
            "tempo": _UNKNOWN_KIND_TEMPO
            if mechanic == Mechanic.UNKNOWN and mapped.exercise.concentric != Movement.ISOMETRIC
            else mapped.exercise.tempo,
            "targets": [],
            "synergists": [],
            "compensators": [],
            "region": region,
            "internal_cues": internal,
            "external_cues": external,
            "visualisation": visualisation,
            "touch_cue": touch,
        }
    )
    return UserExercise(exercise=exercise, suggested=tuple(suggested))


def _check_muscles(given: Sequence[str], muscles: Mapping[str, Muscle]) -> list[str]:
    chosen: list[str] = []
    for raw in given:
        muscle_id = raw.strip()
        if muscle_id not in muscles:
            close = difflib.get_close_matches(muscle_id, list(muscles), n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise InvalidInputError(
                f"Unknown muscle {muscle_id!r} in targets.{hint} Allowed: muscle ids of the "
                f"catalogue ({', '.join(sorted(muscles))})."
            )
        if muscle_id not in chosen:
            chosen.append(muscle_id)
    if not chosen:
        raise InvalidInputError(
            "Give at least one target muscle, for example --targets quadriceps,glutes."
        )
    return chosen


def assign_targets(
    exercise: Exercise,
    targets: Sequence[str],
    catalog: Catalog,
    *,
    mechanic: Mechanic | None = None,
) -> Exercise:
    """The user's exercise with the target muscles the user chose (and its kind, if given).

    Its cues, visualisation and touch cue are written for the first target; helpers and
    muscles to watch that became targets are dropped from those lists.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        A muscle id is not in the catalogue (with close ids and the allowed ones), no muscle
        was given, or the exercise is not the user's own (built-in cards keep their targets).

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> cat = load_catalog()
    >>> ex = user_exercise_for("Warm Up", cat).exercise
    >>> assign_targets(ex, ["quadriceps"], cat).targets
    ['quadriceps']
    """
    if exercise.source != "user":
        raise InvalidInputError(
            f"{exercise.name} ({exercise.id}) is a {exercise.source} exercise; only your own "
            "exercises (made by a log import) take targets you assign."
        )
    chosen = _check_muscles(targets, catalog.muscles)
    main = catalog.muscles[chosen[0]]
    internal, external, visualisation, touch = exercise_cues(main, exercise.concentric)
    return exercise.model_copy(
        update={
            "targets": chosen,
            "mechanic": exercise.mechanic if mechanic is None else mechanic,
            "synergists": [m for m in exercise.synergists if m not in chosen],
            "compensators": [m for m in exercise.compensators if m not in chosen],
            "region": main.region,
            "internal_cues": internal,
            "external_cues": external,
            "visualisation": visualisation,
            "touch_cue": touch,
        }
    )
