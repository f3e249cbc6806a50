"""Load the built-in catalogue from the package's data files and check every cross-reference.

The three files in ``mindmuscle/catalog/data`` are TOML:

* ``muscles.toml``: ``[muscles.<id>]`` tables (see :class:`~mindmuscle.catalog.models.Muscle`);
* ``exercises.toml``: ``[exercises.<id>]`` tables (see
  :class:`~mindmuscle.catalog.models.Exercise`);
* ``evidence.toml``: ``[studies.<id>]`` tables, ``[[rules]]`` and ``[claims.<id>]`` tables.

Every error names the file and the entry, so a broken data file is found at once.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mindmuscle.catalog.claims import compile_pattern
from mindmuscle.catalog.models import Claim, Exercise, Mechanic, Muscle, Rule, Study
from mindmuscle.errors import CatalogError, UnknownIdError

__all__ = [
    "DATA_FILES",
    "Catalog",
    "build_catalog",
    "load_catalog",
    "normalise_name",
    "read_data_file",
]

DATA_FILES = ("muscles.toml", "exercises.toml", "evidence.toml")

_M = TypeVar("_M", bound=BaseModel)


_WORD = re.compile(r"[^\W_]+")
# Accents are dropped from letters of the scripts that write them as marks on a base letter
# (Latin, Greek, Cyrillic: "é" is "e", "ё" is "е"); elsewhere a mark is part of the letter
# (Japanese "グ" is not "ク"), so it is kept.
_FOLD_BELOW = 0x0530


def _fold(text: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch) and out and ord(out[-1]) < _FOLD_BELOW:
            continue
        out.append(ch)
    return unicodedata.normalize("NFKC", "".join(out))


def normalise_name(name: str, *, fold_accents: bool = True) -> str:
    """Case-fold a name, drop accents, and keep its words (letters and digits of any script).

    ``"Bench Press (Barbell)"`` and ``"bench-press  barbell"`` both become
    ``"bench press barbell"``; ``"Bänch Préss"`` becomes ``"banch press"`` and ``"Жим лёжа"``
    ``"жим лежа"`` (``fold_accents=False`` keeps the accents). Used to match names from
    workout logs.

    >>> normalise_name("Squat (Barbell)"), normalise_name("スクワット")
    ('squat barbell', 'スクワット')
    """
    text = name.casefold()
    return " ".join(_WORD.findall(_fold(text) if fold_accents else text))


def _suggest(given: str, known: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(given, list(known), n=n, cutoff=0.5)


@dataclass(frozen=True, eq=False)  # identity: hashable, usable as a cache key
class Catalog:
    """The catalogue: muscles, exercises and the evidence registry, validated together.

    Build it with :func:`load_catalog` (built-in data) or :meth:`with_exercises` (plus user or
    imported exercises). Treat its dictionaries as read-only: the built-in catalogue is shared.
    """

    muscles: dict[str, Muscle]
    exercises: dict[str, Exercise]
    studies: dict[str, Study]
    rules: list[Rule]
    claims: list[Claim]
    _names: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_muscles_of_exercises(self.muscles, self.exercises.values(), "catalogue")
        names: dict[str, str] = {}
        for ex in self.exercises.values():
            for text in (ex.name, *ex.aliases):
                key = normalise_name(text)
                # The first exercise to claim a name keeps it (built-in before imported); a
                # name with no letter or digit names nothing.
                if key:
                    names.setdefault(key, ex.id)
        object.__setattr__(self, "_names", names)

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id.

        Raises
        ------
        mindmuscle.errors.UnknownIdError
            When there is no such exercise; the message suggests close ids.
        """
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise UnknownIdError(
                "exercise", exercise_id, self.suggest_exercises(exercise_id)
            ) from None

    def exercise_named(self, given: str) -> Exercise:
        """The exercise a lifter names: by its id, its name or an alias (case and punctuation
        ignored), exactly; the one matching of the command line's exercise arguments.

        Raises
        ------
        mindmuscle.errors.UnknownIdError
            When nothing matches exactly: "No exercise has the name, alias or id 'Bench
            pres'. Did you mean: ...?" with close ids.

        Examples
        --------
        >>> catalog = load_catalog()
        >>> catalog.exercise_named("barbell bench press").id
        'barbell_bench_press'
        >>> catalog.exercise_named("dumbbell_biceps_curl").name
        'Dumbbell Biceps Curl'
        """
        found = self.find_by_name(given.strip()) or self.exercises.get(given)
        if found is None:
            raise UnknownIdError("exercise", given, self.suggest_exercises(given), named=True)
        return found

    def suggest_exercises(self, text: str, n: int = 5) -> list[str]:
        """Up to ``n`` exercise ids close to ``text`` (an id, a name or part of one)."""
        by_name = self.find_by_name(text)
        if by_name is not None:
            return [by_name.id]
        key = normalise_name(text)
        if not key:
            return []
        contains = [
            ex.id
            for ex in self.exercises.values()
            if any(key in normalise_name(t) for t in (ex.id, ex.name, *ex.aliases))
        ]
        if contains:
            # Built-in exercises first, then the shortest (closest) ids.
            contains.sort(key=lambda i: (self.exercises[i].source != "builtin", len(i), i))
            return contains[:n]
        owners: dict[str, str] = {}
        for ex in self.exercises.values():
            owners.setdefault(normalise_name(ex.id), ex.id)
            owners.setdefault(normalise_name(ex.name), ex.id)
        hints = difflib.get_close_matches(key, list(owners), n=n * 2, cutoff=0.6)
        return list(dict.fromkeys(owners[h] for h in hints))[:n]

    def muscle(self, muscle_id: str) -> Muscle:
        """The muscle with this id; raises :class:`~mindmuscle.errors.UnknownIdError`."""
        try:
            return self.muscles[muscle_id]
        except KeyError:
            raise UnknownIdError("muscle", muscle_id, self._muscles_called(muscle_id)) from None

    def muscle_named(self, given: str) -> Muscle:
        """The muscle a lifter names: by its id, its name or its short name (case, spaces and
        underscores alike), exactly; "Front deltoid", "front delt" is not a name.

        Raises
        ------
        mindmuscle.errors.UnknownIdError
            When nothing matches exactly, with the names of the muscles the word may mean.

        Examples
        --------
        >>> catalog = load_catalog()
        >>> catalog.muscle_named("Front deltoid").id
        'front_delt'
        >>> catalog.muscle_named("side_delt").short_name
        'Side deltoid'
        """
        key = " ".join(given.replace("_", " ").lower().split())
        for m in self.muscles.values():
            if key in (m.id.replace("_", " "), m.name.lower(), m.short_name.lower()):
                return m
        said = [self.muscles[m].short_name.lower() for m in self._muscles_called(given)]
        raise UnknownIdError("muscle", given, said, named=True)

    def _muscles_called(self, given: str) -> list[str]:
        """Muscles a lifter's word may mean: those whose name or cue words contain it
        ("shoulders": the three deltoids...), else the ids spelled most alike."""
        word = given.lower().replace("_", " ").strip()
        for key in (word, word.removesuffix("s")):  # "abs" is a cue word; "shoulders" is not
            if len(key) < 3:
                continue
            whole = re.compile(rf"\b{re.escape(key)}s?\b")  # a whole word: not "lat" in "lateral"
            named = [
                m.id
                for m in self.muscles.values()
                if any(whole.search(words.lower()) for words in (m.name, *m.cue_names))
            ]
            if named:
                return named[:4]
        return _suggest(given, self.muscles)

    def study(self, study_id: str) -> Study:
        """The study with this id; raises :class:`~mindmuscle.errors.UnknownIdError`."""
        try:
            return self.studies[study_id]
        except KeyError:
            raise UnknownIdError("study", study_id, _suggest(study_id, self.studies)) from None

    def rule(self, number: int) -> Rule:
        """The coaching rule with this number; raises :class:`~mindmuscle.errors.UnknownIdError`."""
        for r in self.rules:
            if r.number == number:
                return r
        near = [str(r.number) for r in self.rules if abs(r.number - number) <= 1]
        raise UnknownIdError("rule", str(number), near)

    def claim(self, claim_id: str) -> Claim:
        """The unsupported claim with this id; raises :class:`~mindmuscle.errors.UnknownIdError`."""
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise UnknownIdError("claim", claim_id, _suggest(claim_id, [c.id for c in self.claims]))

    def exercises_for(self, muscle_id: str, *, mechanic: Mechanic | None = None) -> list[Exercise]:
        """Exercises that target ``muscle_id`` (optionally only one mechanic), in catalogue order.

        Raises
        ------
        mindmuscle.errors.UnknownIdError
            When the muscle id does not exist.
        """
        self.muscle(muscle_id)
        return [
            ex
            for ex in self.exercises.values()
            if muscle_id in ex.targets and (mechanic is None or ex.mechanic == mechanic)
        ]

    def find_by_name(self, name: str) -> Exercise | None:
        """The exercise whose id, name or alias matches ``name`` (case and punctuation ignored).

        ``"Bench Press (Barbell)"`` finds ``barbell_bench_press``. Returns None when nothing
        matches exactly; no guessing.
        """
        if name in self.exercises:
            return self.exercises[name]
        key = normalise_name(name)
        found = self._names.get(key) if key else None
        return None if found is None else self.exercises[found]

    def with_exercises(self, extra: Iterable[Exercise]) -> Catalog:
        """A new catalogue with ``extra`` exercises added after the existing ones.

        Raises
        ------
        mindmuscle.errors.CatalogError
            When an added exercise reuses an existing id or names an unknown muscle.
        """
        exercises = dict(self.exercises)
        for ex in extra:
            if ex.id in exercises:
                raise CatalogError(
                    f"Exercise id {ex.id!r} ({ex.name!r}) already exists in the catalogue; "
                    "give the added exercise another id."
                )
            exercises[ex.id] = ex
        return Catalog(
            muscles=self.muscles,
            exercises=exercises,
            studies=self.studies,
            rules=self.rules,
            claims=self.claims,
        )


def _validate(model: type[_M], data: Any, where: str) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}"
            for err in exc.errors()
        )
        raise CatalogError(f"{where}: {problems}") from None


def _table(doc: Mapping[str, Any], key: str, file: str) -> Mapping[str, Any]:
    value = doc.get(key)
    if not isinstance(value, Mapping) or not value:
        raise CatalogError(f"{file}: expected tables [{key}.<id>], found none.")
    return value


def _entries(
    doc: Mapping[str, Any], key: str, model: type[_M], file: str, kind: str
) -> dict[str, _M]:
    out: dict[str, _M] = {}
    for entry_id, body in _table(doc, key, file).items():
        where = f"{file}, {kind} {entry_id!r}"
        if not isinstance(body, Mapping):
            raise CatalogError(f"{where}: expected a table of fields, got {body!r}.")
        if "id" in body and body["id"] != entry_id:
            raise CatalogError(f"{where}: the id field {body['id']!r} differs from the table name.")
        out[entry_id] = _validate(model, {**body, "id": entry_id}, where)
    return out


def _check_ids(ids: Sequence[str], known: Mapping[str, object], where: str, kind: str) -> None:
    for given in ids:
        if given not in known:
            hint = _suggest(given, known)
            more = f" Did you mean {', '.join(hint)}?" if hint else ""
            raise CatalogError(
                f"{where}: unknown {kind} id {given!r}.{more} Known {kind} ids: "
                f"{', '.join(sorted(known))}."
            )
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CatalogError(f"{where}: {kind} id(s) {dupes} listed more than once.")


def _check_muscles_of_exercises(
    muscles: Mapping[str, Muscle], exercises: Iterable[Exercise], file: str
) -> None:
    for ex in exercises:
        where = f"{file}, exercise {ex.id!r}"
        for role in ("targets", "synergists", "compensators"):
            _check_ids(getattr(ex, role), muscles, f"{where}, {role}", "muscle")
        for role in ("synergists", "compensators"):
            both = sorted(set(ex.targets) & set(getattr(ex, role)))
            if both:
                raise CatalogError(
                    f"{where}: {both} listed both as targets and as {role}; a target muscle is "
                    f"not its own {role[:-1]}."
                )


def _check_names(exercises: Mapping[str, Exercise], file: str) -> None:
    owner: dict[str, str] = {}
    for ex in exercises.values():
        for text in (ex.name, *ex.aliases):
            key = normalise_name(text)
            other = owner.get(key)
            if other is not None and other != ex.id:
                raise CatalogError(
                    f"{file}, exercise {ex.id!r}: the name or alias {text!r} is already used by "
                    f"exercise {other!r}; names must be unique so logs match one exercise."
                )
            owner[key] = ex.id


def build_catalog(
    muscles_doc: Mapping[str, Any],
    exercises_doc: Mapping[str, Any],
    evidence_doc: Mapping[str, Any],
) -> Catalog:
    """Build and validate a catalogue from the parsed contents of the three data files.

    Parameters
    ----------
    muscles_doc, exercises_doc, evidence_doc : mapping
        The documents as :mod:`tomllib` returns them for ``muscles.toml``, ``exercises.toml``
        and ``evidence.toml``.

    Raises
    ------
    mindmuscle.errors.CatalogError
        When an entry is invalid or refers to an id that does not exist; the message names the
        file and the entry.
    """
    muscles = _entries(muscles_doc, "muscles", Muscle, "muscles.toml", "muscle")
    exercises = _entries(exercises_doc, "exercises", Exercise, "exercises.toml", "exercise")
    _check_muscles_of_exercises(muscles, exercises.values(), "exercises.toml")
    _check_names(exercises, "exercises.toml")

    studies = _entries(evidence_doc, "studies", Study, "evidence.toml", "study")
    raw_rules = evidence_doc.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise CatalogError("evidence.toml: expected [[rules]] entries, found none.")
    rules: list[Rule] = []
    for i, body in enumerate(raw_rules, start=1):
        number = body.get("number", "?") if isinstance(body, Mapping) else "?"
        where = f"evidence.toml, rule {number} (entry {i})"
        rule = _validate(Rule, body, where)
        _check_ids(rule.evidence, studies, where, "study")
        rules.append(rule)
    numbers = [r.number for r in rules]
    if numbers != list(range(1, len(rules) + 1)):
        raise CatalogError(
            f"evidence.toml: rules must be numbered 1 to {len(rules)} in order, got {numbers}."
        )

    claims = list(_entries(evidence_doc, "claims", Claim, "evidence.toml", "claim").values())
    for claim in claims:
        where = f"evidence.toml, claim {claim.id!r}"
        _check_ids(claim.evidence, studies, where, "study")
        for pattern in claim.patterns:
            try:
                compile_pattern(pattern)
            except re.error as exc:
                raise CatalogError(
                    f"{where}: pattern {pattern!r} is not a valid regular expression ({exc})."
                ) from None

    return Catalog(
        muscles=muscles, exercises=exercises, studies=studies, rules=rules, claims=claims
    )


def read_data_file(name: str) -> dict[str, Any]:
    """Parse one of the package's data files (``muscles.toml``, ...).

    Raises
    ------
    mindmuscle.errors.CatalogError
        When the file is missing or is not valid TOML (the message has the line and column).
    """
    if name not in DATA_FILES:
        raise CatalogError(f"Unknown catalogue data file {name!r}; known: {', '.join(DATA_FILES)}.")
    resource = resources.files("mindmuscle.catalog").joinpath("data", name)
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"Catalogue data file {name} is missing from the package.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{name}: not valid TOML: {exc}") from None


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The built-in catalogue, loaded once and validated.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> load_catalog().exercise("barbell_bench_press").targets
    ['pec_sternal']
    """
    return build_catalog(*(read_data_file(name) for name in DATA_FILES))
