"""Today's session plan: which exercises, in what order, with what load, cue and tempo, and why.

How the plan is built:

1. **Readiness** (:func:`~mindmuscle.coach.readiness.assess_readiness`): ``rest`` gives no
   exercises and an optional imagery practice; ``drill`` gives the flexing drill; ``light``
   removes one set per exercise and takes about 10% off the load.
2. **Connection map** (:func:`~mindmuscle.coach.connection.connection_map`) from the history.
3. **Focus exercises** (MMC practice). Their number starts small: one for a new lifter (two for an
   experienced one) plus one for every two connected muscles (score >= 7 from >= 6 rated sets),
   at most three. They go to the weakest muscles first. Per muscle, isolation comes first;
   compound connection work unlocks when the muscle's isolation-only score is connected.
4. **Normal training**: the exercises given, or a short full-body session (squat, bench press,
   seated row) with goal-based sets, reps and loads.
5. **Load**: focus sets at 65% (isolation, rounded to the nearest buildable load) or 60%
   (compound, rounded down so the muscle cue of rule 1 applies) of the e1RM; normal training at
   70% (hypertrophy), 82.5% (strength) or 55% (endurance), rounded to the nearest buildable load
   (ties go to the lighter one). The e1RM comes from ``e1rm_overrides``, else from the history,
   else a starting-load test set at a moderate effort.
6. **Focus** per exercise (:func:`~mindmuscle.coach.focus.choose_focus`). Connection practice
   sets (10-12 reps at 60-65%) are not endurance sets, so for the endurance goal they are
   chosen as for hypertrophy; rule 4 applies to the endurance sets of normal training.
7. **Soreness**: a muscle at 3 skips its exercises; at 2 its exercises are light.
8. **What the lifter trains** (logged here or imported from Strong, Hevy, FitNotes, ...; the same
   stored sets): when the coach chooses, a muscle's exercise is the one with that muscle as its
   first target the lifter has done most (at least :data:`TRAINED_MIN_SETS` sets), else the
   preferred one; muscles the lifter trains are focused on before untrained ones among the
   unrated; normal training is the lifter's most trained compound exercise for the main muscle
   of each full-body slot (squat, bench press, row), then their other most trained compounds,
   then the full-body default. Exercises the catalogue lacks or whose target muscles are not
   assigned are left out. Imported sets carry no felt rating unless the export had one.
9. **Recently trained**: a muscle that was the target of :data:`RECENT_HARD_SETS` or more hard
   sets (not warm-ups, not left with 5 or more repetitions in reserve) in the last
   :data:`RECENT_HOURS` hours is not planned when the coach chooses; the lifter's own choice of
   exercises is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from mindmuscle.catalog.models import Breathing, Exercise, LoadType, Mechanic, Movement
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.connection import age_days, connection_map
from mindmuscle.coach.drill import CONNECTED_SCORE, drill_plan, muscle_priority
from mindmuscle.coach.e1rm import estimate_e1rm
from mindmuscle.coach.focus import RULE_EVIDENCE, choose_focus
from mindmuscle.coach.limits import E1RM_KG
from mindmuscle.coach.loads import format_load, round_load
from mindmuscle.coach.models import (
    E1RM,
    ConnectionScore,
    Goal,
    LoggedSet,
    Plan,
    Prescription,
    Prime,
    Profile,
    Readiness,
    ReadinessDecision,
    Reason,
)
from mindmuscle.coach.readiness import assess_readiness, check_soreness
from mindmuscle.coach.tempo import TEMPO_EVIDENCE, check_tempo, default_tempo
from mindmuscle.errors import counted

__all__ = [
    "CONNECTED_MIN_COUNT",
    "DEFAULT_TRAINING",
    "FOCUS_DOSE",
    "LIGHT_LOAD_FACTOR",
    "RECENT_HARD_SETS",
    "RECENT_HOURS",
    "TRAINED_MIN_SETS",
    "TRAINING_DOSE",
    "Dose",
    "PlanHistory",
    "breathing_text",
    "build_plan",
    "focus_slots",
    "pick_exercise",
    "recently_trained",
    "starting_test_text",
]

Role = Literal["focus", "training"]

#: A muscle is connected when its score is >= CONNECTED_SCORE from at least this many sets.
CONNECTED_MIN_COUNT = 6
#: A light day (or a sore muscle) multiplies the percentage of e1RM by this and drops one set.
LIGHT_LOAD_FACTOR = 0.9
#: An exercise with at least this many sets in the history is one the lifter trains.
TRAINED_MIN_SETS = 3
#: A muscle targeted by this many hard sets within RECENT_HOURS is recently trained.
RECENT_HARD_SETS = 3
#: How far back "recently trained" reaches.
RECENT_HOURS = 48
#: A set that left this many repetitions in reserve (or more) was not a hard set.
_EASY_RIR = 5
#: The short full-body session used when no exercises are given.
DEFAULT_TRAINING: tuple[str, ...] = (
    "barbell_back_squat",
    "barbell_bench_press",
    "seated_cable_row",
)

#: Exercises preferred when the coach picks one for a muscle (used only if in the catalogue).
_PREFERRED: dict[Mechanic, dict[str, str]] = {
    Mechanic.ISOLATION: {
        "biceps": "dumbbell_biceps_curl",
        "brachialis": "hammer_curl",
        "pec_sternal": "pec_deck",
        "pec_clavicular": "cable_fly",
        "triceps": "cable_triceps_pushdown",
        "side_delt": "dumbbell_lateral_raise",
        "rear_delt": "face_pull",
        "quadriceps": "leg_extension",
        "hamstrings": "leg_curl",
        "calves": "standing_calf_raise",
    },
    Mechanic.COMPOUND: {
        "pec_sternal": "barbell_bench_press",
        "pec_clavicular": "incline_dumbbell_press",
        "lats": "lat_pulldown",
        "middle_traps": "seated_cable_row",
        "rhomboids": "seated_cable_row",
        "quadriceps": "barbell_back_squat",
        "glute_max": "barbell_hip_thrust",
        "hamstrings": "romanian_deadlift",
        "front_delt": "dumbbell_shoulder_press",
        "triceps": "push_up",
    },
}


@dataclass(frozen=True)
class Dose:
    """Sets, repetitions, percentage of e1RM and rest of one kind of exercise."""

    sets: int
    reps: tuple[int, int]
    percent_isolation: float
    percent_compound: float
    rest_isolation_s: int
    rest_compound_s: int


#: MMC practice: 60-70% e1RM, moderate reps, leaving reps in reserve.
FOCUS_DOSE = Dose(3, (10, 12), 65.0, 60.0, 90, 120)
#: Normal training by goal.
TRAINING_DOSE: dict[Goal, Dose] = {
    "hypertrophy": Dose(3, (8, 12), 70.0, 70.0, 75, 120),
    "strength": Dose(4, (3, 5), 82.5, 82.5, 120, 180),
    "endurance": Dose(2, (15, 20), 55.0, 55.0, 45, 60),
}

_BREATHING = {
    Breathing.EXHALE_CONCENTRIC: (
        "Inhale as the weight lowers (eccentric), exhale as you lift it (concentric)."
    ),
    Breathing.BRACE: (
        "Big breath in and brace your trunk before each repetition; breathe out at the top."
    ),
    Breathing.STEADY: "Breathe slowly and steadily through the hold; do not hold your breath.",
}


def breathing_text(exercise: Exercise, percent_e1rm: float | None) -> str:
    """The breathing cue: the exercise's pattern, or a brace for heavy compounds (>= 80%).

    Examples
    --------
    >>> _BREATHING[Breathing.STEADY][:21]
    'Breathe slowly and st'
    """
    heavy = percent_e1rm is not None and percent_e1rm >= 80
    if heavy and exercise.mechanic == Mechanic.COMPOUND:
        return _BREATHING[Breathing.BRACE]
    return _BREATHING[exercise.breathing]


def starting_test_text(exercise: Exercise, start_display: str, reps: tuple[int, int]) -> str:
    """How to find a starting load without an e1RM: a test set at a moderate effort.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> curl = load_catalog().exercise("dumbbell_biceps_curl")
    >>> starting_test_text(curl, "2 kg", (10, 12))[:60]
    'No e1RM yet for Dumbbell Biceps Curl: a starting-load test. '
    """
    return (
        f"No e1RM yet for {exercise.name}: a starting-load test. Start at {start_display} and "
        f"do {reps[1]} controlled repetitions. If you could have done more than 4 more, go "
        "up (double the load while it still feels very light, then one or two steps at a "
        "time), rest 90 s and repeat, up to five test sets. Stop at the first set of "
        f"{reps[1]} that leaves "
        "about 3 repetitions in reserve (a moderate effort, never to failure) and log it with "
        "its reps in reserve: the coach estimates your e1RM from it "
        "and prescribes the remaining sets."
    )


def focus_slots(profile: Profile, scores: Mapping[str, ConnectionScore]) -> int:
    """How many focus exercises today: start small, more as the connection map grows.

    One for a new lifter or one with some experience, two for an experienced lifter; plus one
    for every two connected muscles (score >= 7 from >= 6 rated sets); at most three.

    Examples
    --------
    >>> focus_slots(Profile(), {})
    1
    """
    base = 2 if profile.experience == "experienced" else 1
    connected = sum(
        1 for s in scores.values() if s.score >= CONNECTED_SCORE and s.count >= CONNECTED_MIN_COUNT
    )
    return min(3, base + connected // 2)


def _is_connected(score: ConnectionScore | None) -> bool:
    return (
        score is not None and score.score >= CONNECTED_SCORE and score.count >= CONNECTED_MIN_COUNT
    )


def pick_exercise(catalog: CatalogView, muscle_id: str, mechanic: Mechanic) -> Exercise | None:
    """The coach's exercise for ``muscle_id`` with ``mechanic`` (None when there is none).

    A preferred built-in exercise when the catalogue has it; otherwise the built-in exercise
    with the muscle as its first target and the fewest targets (ties by id).

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> pick_exercise(load_catalog(), "quadriceps", Mechanic.ISOLATION).id
    'leg_extension'
    """
    preferred = _PREFERRED.get(mechanic, {}).get(muscle_id)
    if preferred is not None and preferred in catalog.exercises:
        ex = catalog.exercises[preferred]
        if muscle_id in ex.targets and ex.mechanic == mechanic:
            return ex
    candidates = [
        ex
        for ex in catalog.exercises.values()
        if muscle_id in ex.targets and ex.mechanic == mechanic
    ]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda ex: (
            ex.source != "builtin",
            ex.targets[0] != muscle_id,
            len(ex.targets),
            ex.id,
        ),
    )


def _muscle_name(catalog: CatalogView, muscle_id: str) -> str:
    """The muscle's name without its Latin part ("Biceps", not "biceps_brachii")."""
    muscle = catalog.muscles.get(muscle_id)
    return muscle.short_name if muscle is not None else muscle_id


def _score_text(muscle: str, score: ConnectionScore | None) -> str:
    """``muscle``: its name, as the lifter reads it."""
    if score is None:
        return f"{muscle} (not rated yet)"
    return f"{muscle} (score {score.score:.1f} of 10 from {score.count} rated sets)"


def _source_text(sets: int, imported: int) -> str:
    """Where ``sets`` sets of the history came from, ``imported`` of them from an import."""
    if imported >= sets > 0:
        return "from your imported history"
    if imported:
        return "from your imported history and the sets you logged here"
    return "logged here"


@dataclass(frozen=True)
class RecentMuscle:
    """A muscle's hard sets within :data:`RECENT_HOURS`, and how many of them were imported."""

    sets: int
    imported: int


def recently_trained(
    recent: Sequence[LoggedSet], catalog: CatalogView, *, now: datetime
) -> dict[str, RecentMuscle]:
    """The muscles trained hard within :data:`RECENT_HOURS` before ``now``: targets of at least
    :data:`RECENT_HARD_SETS` sets that were not warm-ups, had a repetition, and did not leave 5 or
    more repetitions in reserve. Sets logged here and imported sets count alike; sets of
    exercises the catalogue lacks, or with no target muscle assigned, do not count.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> now = datetime(2026, 1, 3, 12)
    >>> curl = LoggedSet(exercise_id="dumbbell_biceps_curl", performed_at=datetime(2026, 1, 2),
    ...                  load_kg=12, reps=10, imported=True)
    >>> recently_trained([curl] * 3, load_catalog(), now=now)
    {'biceps': RecentMuscle(sets=3, imported=3)}
    >>> recently_trained([curl] * 2, load_catalog(), now=now)
    {}
    """
    sets: dict[str, int] = {}
    imported: dict[str, int] = {}
    for s in recent:
        ex = catalog.exercises.get(s.exercise_id)
        if ex is None or ex.unassigned or s.set_type == "warmup" or s.reps < 1:
            continue
        if s.reps_in_reserve is not None and s.reps_in_reserve >= _EASY_RIR:
            continue
        if age_days(s.performed_at, now) * 24.0 > RECENT_HOURS:
            continue
        for m in ex.targets:
            sets[m] = sets.get(m, 0) + 1
            imported[m] = imported.get(m, 0) + int(s.imported)
    return {
        m: RecentMuscle(n, imported[m]) for m, n in sorted(sets.items()) if n >= RECENT_HARD_SETS
    }


def _own_exercise(
    catalog: CatalogView,
    muscle_id: str,
    mechanic: Mechanic,
    trained: Mapping[str, int],
    exclude: Collection[str] = (),
) -> Exercise | None:
    """The exercise with ``muscle_id`` as its first target and ``mechanic`` that the lifter has
    done most (at least :data:`TRAINED_MIN_SETS` sets; ties by id), or None."""
    best: tuple[int, str] | None = None
    for ex_id, n in trained.items():
        ex = catalog.exercises.get(ex_id)
        if ex is None or ex.unassigned or ex_id in exclude or n < TRAINED_MIN_SETS:
            continue
        if ex.mechanic != mechanic or ex.targets[0] != muscle_id:
            continue
        if best is None or (-n, ex_id) < (-best[0], best[1]):
            best = (n, ex_id)
    return None if best is None else catalog.exercises[best[1]]


@dataclass(frozen=True)
class _Choice:
    exercise: Exercise
    role: Role
    why: tuple[Reason, ...]


def _choose_exercises(
    *,
    catalog: CatalogView,
    profile: Profile,
    scores: Mapping[str, ConnectionScore],
    iso_scores: Mapping[str, ConnectionScore],
    soreness: Mapping[str, int],
    exercise_ids: Sequence[str] | None,
    trained: Mapping[str, int] | None = None,
    imported: Callable[[str], int] | None = None,
    recent: Mapping[str, RecentMuscle] | None = None,
) -> tuple[list[_Choice], list[Reason]]:
    slots = focus_slots(profile, scores)
    trained = trained or {}
    recent = recent or {}
    count_imported = imported or (lambda _exercise_id: 0)
    session_why: list[Reason] = []
    connected = sum(1 for s in scores.values() if _is_connected(s))

    def count_reason(choices: Sequence[_Choice]) -> Reason:
        # The focus exercises actually planned (the given ones may fill fewer than the slots).
        n = sum(1 for c in choices if c.role == "focus")
        how_many = f"{n} focus exercise{'' if n == 1 else 's'}" if n else "No focus exercise"
        return Reason(
            text=(
                f"{how_many} today, of {slots} focus slot{'' if slots == 1 else 's'} "
                f"({profile.experience} lifter: start small, one more for every two connected "
                f"muscles, {connected} so far, at most three); the rest is normal training."
            )
        )

    def sore_skip(ex: Exercise) -> bool:
        return any(soreness.get(m, 0) >= 3 for m in ex.targets)

    choices: list[_Choice] = []
    if exercise_ids is None:
        used: set[str] = set()

        def recent_skip(ex: Exercise) -> bool:
            return any(m in recent for m in ex.targets)

        def own_text(ex: Exercise) -> str:
            n = trained.get(ex.id, 0)
            return f"{counted(n, 'set')} {_source_text(n, count_imported(ex.id))}"

        # Among unrated muscles, those the lifter trains (first target of an exercise they
        # have done) come first.
        trains = {
            catalog.exercises[i].targets[0]
            for i, n in trained.items()
            if n >= TRAINED_MIN_SETS
            and i in catalog.exercises
            and not catalog.exercises[i].unassigned
        }
        for muscle_id in muscle_priority(list(catalog.muscles), scores, trained=trains):
            if len([c for c in choices if c.role == "focus"]) >= slots:
                break
            if soreness.get(muscle_id, 0) >= 2 or muscle_id in recent:
                continue
            unlocked = _is_connected(iso_scores.get(muscle_id))
            ex = None
            why_text = ""
            mechanic = Mechanic.ISOLATION
            if unlocked:
                mechanic = Mechanic.COMPOUND
                ex = _own_exercise(catalog, muscle_id, mechanic, trained, used) or pick_exercise(
                    catalog, muscle_id, mechanic
                )
                why_text = (
                    f"{muscle_id} isolation score is connected "
                    f"({iso_scores[muscle_id].score:.1f} of 10): compound connection work "
                    "is unlocked."
                )
            if ex is None:
                mechanic = Mechanic.ISOLATION
                ex = _own_exercise(catalog, muscle_id, mechanic, trained, used) or pick_exercise(
                    catalog, muscle_id, mechanic
                )
                why_text = (
                    "Isolation first: compound connection work for this muscle unlocks when "
                    f"its isolation score reaches {CONNECTED_SCORE:g} of 10 over "
                    f"{CONNECTED_MIN_COUNT} rated sets."
                )
            if ex is None:
                mechanic = Mechanic.COMPOUND
                ex = _own_exercise(catalog, muscle_id, mechanic, trained, used) or pick_exercise(
                    catalog, muscle_id, mechanic
                )
                why_text = (
                    f"No isolation exercise for {_muscle_name(catalog, muscle_id)}: "
                    "a compound one instead."
                )
            if ex is None or ex.id in used or sore_skip(ex) or recent_skip(ex):
                continue
            used.add(ex.id)
            muscle = _muscle_name(catalog, muscle_id)
            focus_text = _score_text(muscle, scores.get(muscle_id))
            reasons = [
                Reason(text=f"Focus exercise for {focus_text}: weakest connections first."),
                Reason(text=why_text),
            ]
            if trained.get(ex.id, 0) >= TRAINED_MIN_SETS:
                reasons.append(
                    Reason(
                        text=(
                            f"{ex.name} is the {mechanic.value} exercise for {muscle} you do "
                            f"most ({own_text(ex)}): a movement you know leaves your attention "
                            "for the muscle, and targeting improves with practice (rule 9)."
                        ),
                        evidence=list(RULE_EVIDENCE[9]),
                    )
                )
            choices.append(_Choice(ex, "focus", tuple(reasons)))
        training, training_why = _training_choices(
            catalog=catalog,
            trained=trained,
            used=used,
            skip=lambda ex: sore_skip(ex) or recent_skip(ex),
            sore_skip=sore_skip,
            own_text=own_text,
        )
        choices += training
        session_why += training_why
        if recent:
            session_why.append(_recent_reason(catalog, recent))
        return choices, [count_reason(choices), *session_why]

    given: list[Exercise] = []
    for ex_id in exercise_ids:
        ex = catalog.exercise(ex_id)
        if ex in given:
            continue
        if sore_skip(ex):
            session_why.append(Reason(text=f"{ex.name} skipped: a target muscle is sore (3 of 3)."))
            continue
        given.append(ex)
    # A user's exercise with no target muscle yet has no score to rank by and no muscle to
    # focus on: it is planned as normal training, after the others.
    unassigned = [ex for ex in given if ex.unassigned]
    given = [ex for ex in given if not ex.unassigned]
    priority = muscle_priority(list({ex.targets[0] for ex in given}), scores)
    ordered = sorted(
        given,
        key=lambda ex: (
            priority.index(ex.targets[0]),
            ex.mechanic != Mechanic.ISOLATION,
            given.index(ex),
        ),
    )
    session_why.append(
        Reason(
            text=(
                "Order: weakest muscles first; per muscle, isolation before compound "
                "(the isolation set primes the connection for the compound)."
            )
        )
    )
    n_focus = 0
    for ex in ordered:
        m = ex.targets[0]
        unknown = _unknown_kind_reason(catalog, ex) if ex.mechanic == Mechanic.UNKNOWN else None
        eligible = ex.mechanic == Mechanic.ISOLATION or _is_connected(iso_scores.get(m))
        if eligible and n_focus < slots and soreness.get(m, 0) < 2:
            n_focus += 1
            why = Reason(
                text=(
                    f"Focus exercise for {_score_text(_muscle_name(catalog, m), scores.get(m))}: "
                    + (
                        "isolation work builds the connection first."
                        if ex.mechanic == Mechanic.ISOLATION
                        else "its isolation score is connected, so compound connection work is "
                        "unlocked."
                        if ex.mechanic == Mechanic.COMPOUND
                        else "its isolation score is connected, so connection work on an "
                        "exercise of either kind is unlocked."
                    )
                )
            )
            choices.append(_Choice(ex, "focus", (why,) if unknown is None else (why, unknown)))
        else:
            if ex.mechanic != Mechanic.ISOLATION and not _is_connected(iso_scores.get(m)):
                work = (
                    "compound connection work for"
                    if ex.mechanic == Mechanic.COMPOUND
                    else f"connection work on {ex.name} for"
                )
                text = (
                    f"Normal training: {work} {_muscle_name(catalog, m)} unlocks when its "
                    f"isolation score reaches {CONNECTED_SCORE:g} of 10 over "
                    f"{CONNECTED_MIN_COUNT} rated sets."
                )
            else:
                text = "Normal training: today's focus slots are taken."
            said = (Reason(text=text),) if unknown is None else (Reason(text=text), unknown)
            choices.append(_Choice(ex, "training", said))
    for ex in unassigned:
        text = (
            f"Normal training: {ex.name} has no target muscle yet, so it is not focus work and "
            "stays out of the connection map until its target muscles are assigned on its "
            "exercise card."
        )
        choices.append(_Choice(ex, "training", (Reason(text=text),)))
    if n_focus:
        session_why.insert(0, count_reason(choices))
    if n_focus == 0 and ordered:
        session_why.append(
            Reason(
                text=(
                    "No focus exercise today: none of the given exercises is an isolation "
                    "exercise or a compound whose muscle is connected. Add one (for example "
                    "Dumbbell Biceps Curl) to practise the connection."
                )
            )
        )
    return choices, session_why


def _unknown_kind_reason(catalog: CatalogView, ex: Exercise) -> Reason:
    """Why an exercise whose kind is not known is not taken for an isolation exercise."""
    muscle = _muscle_name(catalog, ex.targets[0]) if ex.targets else "its muscle"
    return Reason(
        text=(
            f"{ex.name}: its kind (compound or isolation) is not known, so the coach does not "
            f"take it for an isolation exercise: it comes after {muscle} isolation work, is "
            "not counted in the isolation score and is dosed as a compound. Saying its kind "
            "(isolation or compound) on its exercise card changes that."
        )
    )


def _recent_reason(catalog: CatalogView, recent: Mapping[str, RecentMuscle]) -> Reason:
    """Which muscles the coach left for another day because they were trained hard lately."""
    ordered = sorted(recent.items(), key=lambda kv: (-kv[1].sets, kv[0]))
    parts = [f"{_muscle_name(catalog, m)} ({counted(r.sets, 'set')})" for m, r in ordered]
    total = sum(r.sets for r in recent.values())
    source = _source_text(total, sum(r.imported for r in recent.values()))
    source = "" if source == "logged here" else f", {source}"
    return Reason(
        text=(
            f"Worked in the last {RECENT_HOURS} h with {RECENT_HARD_SETS} or more working sets"
            f"{source}, so the coach plans other muscles today: {', '.join(parts)}."
        )
    )


def _training_choices(
    *,
    catalog: CatalogView,
    trained: Mapping[str, int],
    used: set[str],
    skip: Callable[[Exercise], bool],
    sore_skip: Callable[[Exercise], bool],
    own_text: Callable[[Exercise], str],
) -> tuple[list[_Choice], list[Reason]]:
    """Normal training: for each full-body slot, the lifter's most trained compound exercise
    for its main muscle; then their other most trained compounds; then the default."""
    choices: list[_Choice] = []
    why: list[Reason] = []
    covered: set[str] = set()
    left: list[Exercise] = []

    def add(ex: Exercise, text: str) -> None:
        used.add(ex.id)
        covered.add(ex.targets[0])
        choices.append(_Choice(ex, "training", (Reason(text=text),)))

    defaults = [catalog.exercises[i] for i in DEFAULT_TRAINING if i in catalog.exercises]
    for default in defaults:
        muscle_id = default.targets[0]
        own = _own_exercise(catalog, muscle_id, Mechanic.COMPOUND, trained, used)
        if own is None:
            left.append(default)
        elif not skip(own) and muscle_id not in covered:
            muscle = _muscle_name(catalog, muscle_id)
            add(
                own,
                f"Normal training for {muscle}: {own.name} is the exercise you do most for it "
                f"({own_text(own)}).",
            )
    for ex_id, _n in sorted(trained.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(choices) >= len(defaults):
            break
        ex = catalog.exercises.get(ex_id)
        if ex is None or ex.unassigned or ex.mechanic != Mechanic.COMPOUND or ex_id in used:
            continue
        if trained[ex_id] < TRAINED_MIN_SETS or ex.targets[0] in covered or skip(ex):
            continue
        add(ex, f"Normal training: {ex.name}, an exercise you do ({own_text(ex)}).")
    for ex in left:
        if len(choices) >= len(defaults) or ex.id in used or ex.targets[0] in covered:
            continue
        if sore_skip(ex):
            why.append(Reason(text=f"{ex.name} skipped: a target muscle is sore."))
            continue
        if skip(ex):
            continue
        add(ex, "Normal training: a short full-body session.")
    return choices, why


def _prescribe(
    *,
    choice: _Choice,
    catalog: CatalogView,
    profile: Profile,
    e1rm: Callable[[str], E1RM | None],
    e1rm_overrides: Mapping[str, float],
    light_day: bool,
    source_of: Callable[[str], str] = lambda _exercise_id: "",
    last_working: Callable[[str], LoggedSet | None] = lambda _exercise_id: None,
    soreness: Mapping[str, int],
) -> Prescription:
    ex = choice.exercise
    role = choice.role
    goal = profile.goal
    dose = FOCUS_DOSE if role == "focus" else TRAINING_DOSE[goal]
    # A kind not known is dosed as a compound: the lighter focus load, rounded down, the longer
    # rest (the choice's reasons say so).
    compound = ex.mechanic != Mechanic.ISOLATION
    why = list(choice.why)
    warnings: list[str] = []
    sore = max((soreness.get(m, 0) for m in ex.targets), default=0)
    light = light_day or sore >= 2
    sets = max(1, dose.sets - 1) if light else dose.sets
    reps = dose.reps
    percent_target = dose.percent_compound if compound else dose.percent_isolation
    if light:
        percent_target *= LIGHT_LOAD_FACTOR
        cause = "a light day" if light_day else "a sore target muscle (2 of 3)"
        why.append(Reason(text=f"Light because of {cause}: one set fewer, about 10% lighter."))

    eq = profile.equipment
    load_kg: float | None
    percent: float | None = None
    e1rm_kg: float | None = None
    starting: str | None = None
    source: Literal["history", "given", "starting_test", "bodyweight"]
    if ex.load_type == LoadType.BODYWEIGHT:
        load_kg, source = None, "bodyweight"
        why.append(Reason(text="Body-weight exercise: no external load."))
    else:
        if ex.id in e1rm_overrides:
            e1rm_kg, source = e1rm_overrides[ex.id], "given"
            src_text = "as given"
        else:
            est = e1rm(ex.id)
            if est is not None:
                e1rm_kg, source = est.e1rm_kg, "history"
                # Where the sets came from is said when an import is why the coach knows it.
                from_import = source_of(ex.id)
                sets_text = (
                    f"{from_import}, {counted(est.n_sets, 'set')}"
                    if from_import
                    else f"from {est.n_sets} logged {'set' if est.n_sets == 1 else 'sets'}"
                )
                src_text = (
                    f"estimated by {est.formula} {sets_text} (recent sets count "
                    f"more: half-life {est.half_life_days:g} days)"
                )
            else:
                source = "starting_test"
        if e1rm_kg is not None:
            rounding: Literal["nearest", "down"] = (
                "down" if role == "focus" and compound else "nearest"
            )
            load_kg = round_load(e1rm_kg * percent_target / 100, ex, eq, rounding=rounding)
            percent = round(load_kg / e1rm_kg * 100, 1)
            role_text = (
                "connection practice at 60-70% e1RM, rounded to what you own"
                if role == "focus"
                else f"{goal} training, rounded to what you own"
            )
            why.append(
                Reason(
                    text=(
                        f"Load {format_load(load_kg, profile.units)} = {percent:g}% of an e1RM of "
                        f"{format_load(e1rm_kg, profile.units)} ({src_text}); {role_text}."
                    )
                )
            )
            last = last_working(ex.id) if source == "history" else None
            if last is not None:
                at = last.performed_at
                from_import = " (from your imported history)" if last.imported else ""
                why.append(
                    Reason(
                        text=(
                            f"Your last working set of {ex.name}: "
                            f"{format_load(last.load_kg, profile.units)} x {last.reps} on "
                            f"{at.day} {at:%b %Y}{from_import}."
                        )
                    )
                )
            if percent > 100:
                warnings.append(
                    f"The lightest load you can build ({format_load(load_kg, profile.units)}) is "
                    f"above your e1RM ({format_load(e1rm_kg, profile.units)}): choose a lighter "
                    "variation or add lighter equipment to your profile."
                )
            elif abs(percent - percent_target) > 7.5:
                warnings.append(
                    f"The closest load you can build is {percent:g}% of your e1RM instead of "
                    f"{percent_target:g}%: your equipment has nothing closer; add the weights you "
                    "own to your equipment profile."
                )
        else:
            load_kg = round_load(0.0, ex, eq)
            starting = starting_test_text(ex, format_load(load_kg, profile.units), reps)
            why.append(Reason(text=starting))

    # Connection practice sets are not endurance sets: rule 4 covers normal endurance training.
    focus_goal: Goal = "hypertrophy" if role == "focus" and goal == "endurance" else goal
    focus = choose_focus(
        ex, goal=focus_goal, percent_e1rm=percent, set_type="working", experience=profile.experience
    )
    why.append(Reason(text=focus.rationale, evidence=focus.evidence))
    tempo = default_tempo(ex)
    isometric = ex.concentric == Movement.ISOMETRIC
    if isometric:
        reps = (1, 1)
        why.append(Reason(text="A hold: one long repetition per set, 20-40 s, at the card tempo."))
    else:
        why.append(
            Reason(
                text=(
                    f"Tempo {tempo.as_string()} (eccentric-pause-concentric-squeeze): "
                    f"{tempo.rep_s:g} s per repetition, within 0.5-8 s; a 2-3 s eccentric is the "
                    "default and a longer one is an option, never a requirement (rule 12)."
                ),
                evidence=list(TEMPO_EVIDENCE),
            )
        )
    warnings.extend(check_tempo(tempo, isometric=isometric))
    rest_s = dose.rest_compound_s if compound else dose.rest_isolation_s
    main = ex.targets[0] if ex.targets else None
    flex = catalog.muscle(main).flex_cue if main is not None and main in catalog.muscles else ""
    if role == "focus":
        prompt = (
            f"While you rest: {flex} Hold 5 s, relax 5 s, twice. Then close your eyes, picture "
            f"the next set and say the cue: '{focus.cue}'"
        ).replace("  ", " ")
    else:
        prompt = (
            f"While you rest: {flex} Hold 3 s once, then breathe and picture the next set."
        ).replace("  ", " ")
    return Prescription(
        exercise_id=ex.id,
        name=ex.name,
        role=role,
        sets=sets,
        reps=reps,
        load_kg=load_kg,
        units=profile.units,
        load_display=format_load(load_kg, profile.units),
        percent_e1rm=percent,
        e1rm_kg=None if e1rm_kg is None else round(e1rm_kg, 2),
        load_source=source,
        tempo=tempo,
        focus=focus,
        rest_s=rest_s,
        breathing=breathing_text(ex, percent),
        prime=Prime(
            visualisation=ex.visualisation,
            touch=ex.touch_cue,
            squeeze_test_s=5.0 if role == "focus" else 3.0,
        ),
        between_set_prompt=prompt,
        why=why,
        warnings=warnings,
        starting_test=starting,
    )


@dataclass(frozen=True)
class PlanHistory:
    """What the plan reads from the history: the connection maps (all exercises, isolation
    only; sets of exercises the catalogue lacks left out), the sets of exercises the catalogue
    lacks, and the e1RM of an exercise on demand.

    :meth:`of` computes it from logged sets; a long history is read from its totals instead
    (:mod:`mindmuscle.coach.summary`), with the same result.
    """

    scores: Mapping[str, ConnectionScore]
    iso_scores: Mapping[str, ConnectionScore]
    unknown_sets: Mapping[str, int]
    """Exercise id the catalogue lacks -> logged sets of it."""
    e1rm: Callable[[str], E1RM | None]
    trained: Mapping[str, int] = field(default_factory=dict)
    """Exercise id -> sets of it in the history (logged here or imported)."""
    imported: Callable[[str], int] = field(default=lambda _exercise_id: 0)
    """How many of an exercise's sets came from an import."""
    recent: Sequence[LoggedSet] = ()
    """The sets of the last :data:`RECENT_HOURS` hours (at least), oldest first."""
    last_working: Callable[[str], LoggedSet | None] = field(default=lambda _exercise_id: None)
    """An exercise's newest set that is not a warm-up, with a load and a repetition."""

    @classmethod
    def of(
        cls, history: Sequence[LoggedSet], *, catalog: CatalogView, now: datetime
    ) -> PlanHistory:
        """From every logged set (oldest first)."""
        unknown: dict[str, int] = {}
        trained: dict[str, int] = {}
        imported: dict[str, int] = {}
        last: dict[str, LoggedSet] = {}
        for s in history:
            if s.set_type != "warmup" and s.load_kg > 0 and s.reps >= 1:
                last[s.exercise_id] = s
            trained[s.exercise_id] = trained.get(s.exercise_id, 0) + 1
            imported[s.exercise_id] = imported.get(s.exercise_id, 0) + int(s.imported)
            if s.exercise_id not in catalog.exercises:
                unknown[s.exercise_id] = unknown.get(s.exercise_id, 0) + 1
        recent = [s for s in history if age_days(s.performed_at, now) * 24.0 <= RECENT_HOURS]
        return cls(
            scores=connection_map(history, catalog=catalog, now=now, unknown="skip"),
            iso_scores=connection_map(
                history, catalog=catalog, now=now, mechanic=Mechanic.ISOLATION, unknown="skip"
            ),
            unknown_sets=unknown,
            e1rm=lambda exercise_id: estimate_e1rm(history, exercise_id, now=now),
            trained=trained,
            imported=lambda exercise_id: imported.get(exercise_id, 0),
            recent=recent,
            last_working=last.get,
        )


def _check_overrides(catalog: CatalogView, e1rm_overrides: Mapping[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for ex_id, value in e1rm_overrides.items():
        catalog.exercise(ex_id)
        out[ex_id] = E1RM_KG.check(f"e1rm.{ex_id}", value)
    return out


def build_plan(
    *,
    catalog: CatalogView,
    profile: Profile,
    readiness: Readiness | None,
    history: Sequence[LoggedSet] | PlanHistory,
    now: datetime,
    e1rm_overrides: Mapping[str, float] | None = None,
    exercise_ids: Sequence[str] | None = None,
) -> Plan:
    """Build today's plan (see the module docstring for every step).

    Parameters
    ----------
    catalog : CatalogView
        The catalogue (built-in plus any imported exercises).
    profile : Profile
        Goal, experience, display units and equipment.
    readiness : Readiness or None
        Today's check; None plans a normal training day and says so.
    history : sequence of LoggedSet, or PlanHistory
        Logged sets, oldest first (e1RM, connection map), or what the plan reads from them.
    now : datetime
        The moment of planning.
    e1rm_overrides : mapping of str to float, optional
        Exercise id -> e1RM in kg, used instead of the history.
    exercise_ids : sequence of str, optional
        The exercises for today; None lets the coach choose (focus exercises + a short full-body
        session).

    Returns
    -------
    Plan
        The decision, its reason, and one prescription per exercise, each with its ``why``.

    Raises
    ------
    UnknownIdError
        An exercise or muscle id (soreness, overrides, exercise_ids) the catalogue lacks.
    InvalidInputError
        An e1RM outside 0-1000 kg, or a soreness outside 0-3.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> plan = build_plan(catalog=load_catalog(), profile=Profile(), readiness=None,
    ...                   history=[], now=datetime(2026, 1, 1),
    ...                   e1rm_overrides={"dumbbell_biceps_curl": 20})
    >>> curl = plan.exercises[0]
    >>> curl.exercise_id, curl.load_kg, curl.percent_e1rm, curl.focus.mode
    ('dumbbell_biceps_curl', 12.0, 60.0, 'internal')
    """
    overrides = _check_overrides(catalog, e1rm_overrides or {})
    soreness: dict[str, int] = {}
    if readiness is not None:
        check_soreness(readiness.soreness)
        for muscle_id in readiness.soreness:
            catalog.muscle(muscle_id)
        soreness = dict(readiness.soreness)
        decision = assess_readiness(readiness)
    else:
        decision = ReadinessDecision(
            decision="train",
            score=1.0,
            reason=(
                "No readiness check given: planning a normal training day. Check in with sleep, "
                "energy, stress and focus (1-5) to adapt the day."
            ),
        )
    read = (
        history
        if isinstance(history, PlanHistory)
        else PlanHistory.of(history, catalog=catalog, now=now)
    )
    scores = read.scores

    def plan(**extra: object) -> Plan:
        return Plan.model_validate(
            {
                "decision": decision.decision,
                "reason": decision.reason,
                "evidence": decision.evidence,
                "goal": profile.goal,
                "units": profile.units,
                "readiness_score": None if readiness is None else round(decision.score, 3),
                **extra,
            }
        )

    if decision.decision == "rest":
        return plan(imagery=decision.imagery)
    if decision.decision == "drill":
        return plan(drill=drill_plan(catalog=catalog, scores=scores))
    iso_scores = read.iso_scores
    choices, session_why = _choose_exercises(
        catalog=catalog,
        profile=profile,
        scores=scores,
        iso_scores=iso_scores,
        soreness=soreness,
        exercise_ids=exercise_ids,
        trained=read.trained,
        imported=read.imported,
        recent=recently_trained(read.recent, catalog, now=now),
    )
    unknown = sorted(read.unknown_sets)
    if unknown:
        n = sum(read.unknown_sets.values())
        session_why.append(
            Reason(
                text=(
                    f"{n} logged set{'s' if n != 1 else ''} of exercises the catalogue does not "
                    f"have ({', '.join(unknown[:5])}{', ...' if len(unknown) > 5 else ''}) "
                    "left out of the connection map; import or map them to count them."
                )
            )
        )

    def source_of(exercise_id: str) -> str:
        n_imported = read.imported(exercise_id)
        if not n_imported:
            return ""
        return _source_text(max(read.trained.get(exercise_id, 0), n_imported), n_imported)

    exercises = [
        _prescribe(
            choice=c,
            catalog=catalog,
            profile=profile,
            e1rm=read.e1rm,
            source_of=source_of,
            last_working=read.last_working,
            e1rm_overrides=overrides,
            light_day=decision.decision == "light",
            soreness=soreness,
        )
        for c in choices
    ]
    return plan(exercises=exercises, why=session_why)
