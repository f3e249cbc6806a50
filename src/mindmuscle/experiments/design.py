"""Designs of internal-vs-external-focus experiments: conditions, loads and a counterbalanced order.

An experiment compares attentional-focus *conditions* (an internal cue on the muscle, an external
cue on the movement or the load, or no cue at all) on one exercise, in *load blocks* given as a
percentage of the estimated one-repetition maximum (%e1RM). Inside every load block each condition
gets the same number of sets, in an order taken from a balanced Latin square (Williams design), so
every condition comes equally often first, second, ... and after every other condition. The order is
drawn from a recorded seed: :func:`plan_sets` regenerates it exactly.

The "no cue" condition is the one place where MindMuscle shows no cue at all: everywhere else the
coach always gives one (EVIDENCE.md rule 15, kristiansen2018). An uncued control set is what lets an
experiment measure what a cue does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from mindmuscle.catalog.models import Exercise
from mindmuscle.coach.loads import format_load, round_load
from mindmuscle.coach.models import EquipmentProfile, Focus, FocusMode, Prescription
from mindmuscle.errors import InvalidInputError

__all__ = [
    "FOCUS_MODES",
    "MAX_SETS_PER_CONDITION",
    "PRESETS",
    "BlockOrder",
    "Condition",
    "ExperimentDesign",
    "PlannedSet",
    "balanced_latin_square",
    "calatayud2016_design",
    "check_design",
    "cue_for",
    "curl_focus_design",
    "experiment_focus",
    "experiment_prescription",
    "make_design",
    "plan_sets",
    "standard_condition",
]

BlockOrder = Literal["ascending", "descending", "random"]
FOCUS_MODES: tuple[FocusMode, ...] = ("internal", "external", "none")
MAX_SETS_PER_CONDITION = 20
PRESETS: tuple[str, ...] = ("calatayud2016", "curl-focus")
_DEEP_MUSCLES = frozenset({"brachialis", "transverse_abdominis", "hip_flexors"})
_NAME = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Condition(_Model):
    """One attentional-focus condition of an experiment.

    ``cue`` is the exact text shown to the lifter during the condition's sets; it is ``None`` only
    for the ``none`` focus (the uncued control). ``focus_muscle`` is the muscle an internal cue is
    about (calatayud2016 cued the chest in one condition and the triceps in another).
    """

    name: str = Field(pattern=_NAME.pattern, description="Short id, e.g. 'internal'.")
    label: str = Field(min_length=1, description="Human label, e.g. 'Internal cue'.")
    focus: FocusMode
    cue: str | None = None
    focus_muscle: str | None = None


class ExperimentDesign(_Model):
    """A complete, reproducible experiment design (see :func:`make_design`)."""

    title: str = Field(min_length=1)
    exercise_id: str = Field(min_length=1)
    conditions: list[Condition]
    reference: str = Field(description="Name of the condition the others are compared against.")
    loads_pct_e1rm: list[float] = Field(description="Load blocks, % of the estimated 1RM.")
    sets_per_condition: int = Field(description="Sets of each condition in every load block.")
    reps_per_set: int = Field(default=8, ge=1, le=50, description="Target repetitions per set.")
    targets: list[str] = Field(description="Muscle ids the exercise is for.")
    synergists: list[str] = Field(default_factory=list)
    channels: dict[str, str] = Field(
        default_factory=dict, description="Muscle id -> EMG channel name in the recordings."
    )
    block_order: BlockOrder = "ascending"
    seed: int = Field(ge=0, description="Seed of the randomised order; regenerates it exactly.")
    e1rm_kg: float | None = Field(default=None, gt=0, description="Estimated 1RM, if known.")
    evidence: list[str] = Field(default_factory=list, description="Studies the design follows.")
    preset: str | None = None
    participant: str | None = Field(
        default=None,
        min_length=1,
        max_length=80,
        description="Who the experiment is run on, when it is one participant's of a group.",
    )

    @model_validator(mode="after")
    def _valid(self) -> ExperimentDesign:
        check_design(self)
        return self

    def condition(self, name: str) -> Condition:
        """The condition called ``name``.

        Raises
        ------
        mindmuscle.errors.InvalidInputError
            When the design has no such condition.
        """
        for c in self.conditions:
            if c.name == name:
                return c
        allowed = ", ".join(c.name for c in self.conditions)
        raise InvalidInputError(f"Unknown condition {name!r}: this design has {allowed}.")

    @property
    def muscles(self) -> list[str]:
        """Targets then synergists, without repeats."""
        return list(dict.fromkeys([*self.targets, *self.synergists]))

    @property
    def n_sets(self) -> int:
        """Number of planned sets."""
        return len(self.conditions) * len(self.loads_pct_e1rm) * self.sets_per_condition


class PlannedSet(_Model):
    """One set of the experiment, in the order the lifter does them.

    ``cue`` is the text the set loop must show; ``None`` means show no cue (uncued control).
    """

    index: int = Field(ge=1, description="Position in the whole experiment, from 1.")
    block: int = Field(ge=1, description="Load block, from 1, in the order they are done.")
    load_pct_e1rm: float
    load_kg: float | None = Field(description="Load from the e1RM (unrounded), if known.")
    condition: str
    focus: FocusMode
    cue: str | None
    reps: int


def check_design(design: ExperimentDesign) -> None:
    """Check a design and raise a clear error for the first problem found.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        No or fewer than two conditions, repeated condition names, a load outside 1-100 %e1RM,
        repeated loads, 0 (or more than 20) sets per condition, an unknown reference condition, a
        cued condition without cue text or an uncued one with text, no target muscle, or a
        channel for a muscle that is neither target nor synergist.
    """
    if not design.conditions:
        raise InvalidInputError(
            "The experiment has no conditions: give at least two of internal, external, none "
            "(for example internal,external)."
        )
    names = [c.name for c in design.conditions]
    if len(names) < 2:
        raise InvalidInputError(
            f"The experiment has one condition ({names[0]}); it needs at least two to compare, "
            "for example internal,external or internal,none."
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InvalidInputError(f"Condition names must be unique; repeated: {', '.join(repeated)}.")
    for c in design.conditions:
        if c.focus == "none" and c.cue is not None:
            raise InvalidInputError(
                f"Condition {c.name!r} has focus 'none' but a cue {c.cue!r}: an uncued control "
                "shows no cue; remove the cue or use focus internal/external."
            )
        if c.focus != "none" and not (c.cue or "").strip():
            raise InvalidInputError(
                f"Condition {c.name!r} has focus {c.focus!r} but no cue text: give the cue the "
                "lifter should hear."
            )
    if design.reference not in names:
        raise InvalidInputError(
            f"Reference condition {design.reference!r} is not one of the conditions "
            f"({', '.join(names)})."
        )
    if not design.loads_pct_e1rm:
        raise InvalidInputError(
            "The experiment has no loads: give at least one, in % of the estimated 1RM, e.g. 60."
        )
    for load in design.loads_pct_e1rm:
        if not (1.0 <= load <= 100.0) or not np.isfinite(load):
            raise InvalidInputError(
                f"Load {load:g}% e1RM is outside 1-100%: give loads as a percentage of the "
                "estimated one-repetition maximum, e.g. 40,60,80."
            )
    if len(set(design.loads_pct_e1rm)) != len(design.loads_pct_e1rm):
        raise InvalidInputError(
            f"Loads must be different from each other; got {design.loads_pct_e1rm}: give more "
            "sets per condition for more sets at one load."
        )
    if not (1 <= design.sets_per_condition <= MAX_SETS_PER_CONDITION):
        raise InvalidInputError(
            f"Sets per condition is {design.sets_per_condition}; allowed 1-"
            f"{MAX_SETS_PER_CONDITION} (sets of each condition in every load block)."
        )
    if not design.targets:
        raise InvalidInputError("The experiment needs at least one target muscle.")
    stray = sorted(set(design.channels) - set(design.muscles))
    if stray:
        raise InvalidInputError(
            f"EMG channels given for {', '.join(stray)}, which are neither targets "
            f"({', '.join(design.targets)}) nor synergists; add them as synergists."
        )


def standard_condition(focus: str, exercise: Exercise, *, cue: str | None = None) -> Condition:
    """The standard condition for a focus mode, with the exercise's first cue of that kind.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        When ``focus`` is not internal, external or none.
    """
    if focus == "internal":
        text = cue or exercise.internal_cues[0]
        return Condition(
            name="internal",
            label="Internal cue (on the muscle)",
            focus="internal",
            cue=text,
            focus_muscle=exercise.targets[0],
        )
    if focus == "external":
        text = cue or exercise.external_cues[0]
        return Condition(
            name="external", label="External cue (on the movement)", focus="external", cue=text
        )
    if focus == "none":
        return Condition(name="none", label="No cue (control)", focus="none", cue=None)
    raise InvalidInputError(
        f"Unknown condition {focus!r}: allowed conditions are internal, external and none."
    )


def make_design(
    *,
    exercise: Exercise,
    conditions: Sequence[str],
    loads_pct_e1rm: Sequence[float],
    sets_per_condition: int,
    seed: int,
    reference: str | None = None,
    reps_per_set: int = 8,
    channels: dict[str, str] | None = None,
    synergists: Sequence[str] | None = None,
    block_order: BlockOrder = "ascending",
    e1rm_kg: float | None = None,
    title: str | None = None,
) -> ExperimentDesign:
    """A design from standard conditions (``internal``, ``external``, ``none``) on one exercise.

    Parameters
    ----------
    exercise : Exercise
        The exercise; its first internal and external cues become the conditions' cues.
    conditions : sequence of str
        Focus modes to compare, e.g. ``["internal", "external", "none"]``.
    loads_pct_e1rm : sequence of float
        Load blocks in % of the estimated 1RM (1-100).
    sets_per_condition : int
        Sets of each condition in every load block (1-20).
    seed : int
        Seed of the randomised, counterbalanced order.
    reference : str, optional
        Condition the others are compared against; default ``none`` when present, else
        ``external`` when present, else the last condition.
    reps_per_set : int
        Target repetitions of every set.
    channels : dict, optional
        Muscle id -> EMG channel name; default: every target and synergist, named by its id.
    synergists : sequence of str, optional
        Synergist muscle ids; default the exercise's synergists.
    block_order : {"ascending", "descending", "random"}
        Order of the load blocks; ``random`` draws it from the seed.
    e1rm_kg : float, optional
        Estimated 1RM; when given every planned set also carries its load in kg.
    title : str, optional
        Title of the experiment.

    Returns
    -------
    ExperimentDesign

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        See :func:`check_design`.
    """
    if exercise.unassigned:
        raise InvalidInputError(
            f"{exercise.name} has no target muscle yet, and an experiment measures how a target "
            "muscle is felt."
        ).to_fix("assign_targets", exercise_id=exercise.id, exercise=exercise.name)
    conds = [standard_condition(c.strip(), exercise) for c in conditions if c.strip()]
    names = [c.name for c in conds]
    if reference is None:
        reference = "none" if "none" in names else "external" if "external" in names else None
        if reference is None:
            reference = names[-1] if names else ""
    syn = list(exercise.synergists if synergists is None else synergists)
    muscles = list(dict.fromkeys([*exercise.targets, *syn]))
    return _build(
        title=title or f"{exercise.name}: {' vs '.join(names) or 'no conditions'}",
        exercise_id=exercise.id,
        conditions=conds,
        reference=reference,
        loads_pct_e1rm=[float(x) for x in loads_pct_e1rm],
        sets_per_condition=sets_per_condition,
        reps_per_set=reps_per_set,
        targets=list(exercise.targets),
        synergists=syn,
        channels=dict(channels) if channels is not None else {m: m for m in muscles},
        block_order=block_order,
        seed=seed,
        e1rm_kg=e1rm_kg,
    )


def _build(**fields: object) -> ExperimentDesign:
    # Run the checks before pydantic so the caller gets InvalidInputError, not a ValidationError.
    draft = ExperimentDesign.model_construct(**fields)  # type: ignore[arg-type]
    check_design(draft)
    return ExperimentDesign.model_validate(dict(fields))


def calatayud2016_design(*, seed: int, e1rm_kg: float | None = None) -> ExperimentDesign:
    """The design of calatayud2016 in one call: bench press, five loads, three instructions.

    Loads 20, 40, 50, 60 and 80 % of 1RM; a regular (uncued) set, "use only your chest" and
    "use only your triceps"; EMG of pectoralis major and triceps. One set per instruction per
    load, as in the study; the target repetitions per set (3) are the app's choice.
    """
    return _build(
        title="Bench press: chest vs triceps focus at five loads (calatayud2016)",
        exercise_id="barbell_bench_press",
        conditions=[
            Condition(name="regular", label="Regular (no cue)", focus="none", cue=None),
            Condition(
                name="pecs",
                label="Use your chest",
                focus="internal",
                cue="Use only your chest muscles to press the bar.",
                focus_muscle="pec_sternal",
            ),
            Condition(
                name="triceps",
                label="Use your triceps",
                focus="internal",
                cue="Use only your triceps to press the bar.",
                focus_muscle="triceps",
            ),
        ],
        reference="regular",
        loads_pct_e1rm=[20.0, 40.0, 50.0, 60.0, 80.0],
        sets_per_condition=1,
        reps_per_set=3,
        targets=["pec_sternal", "triceps"],
        synergists=[],
        channels={"pec_sternal": "pec_sternal", "triceps": "triceps"},
        block_order="ascending",
        seed=seed,
        e1rm_kg=e1rm_kg,
        evidence=["calatayud2016", "halperin2016", "vigotsky2022"],
        preset="calatayud2016",
    )


def curl_focus_design(
    *, exercise: Exercise, seed: int, e1rm_kg: float | None = None
) -> ExperimentDesign:
    """A simple internal-vs-external biceps curl study: 60 %e1RM, five sets of each cue.

    The internal cue is the exercise's first internal cue, the external cue its first external cue;
    EMG of the target and of one synergist that surface electrodes can reach (the forearm flexors
    for a curl; the brachialis lies under the biceps).
    """
    design = make_design(
        exercise=exercise,
        conditions=["internal", "external"],
        loads_pct_e1rm=[60.0],
        sets_per_condition=5,
        seed=seed,
        reference="external",
        reps_per_set=10,
        synergists=_surface_synergist(exercise),
        e1rm_kg=e1rm_kg,
        title=f"{exercise.name}: internal vs external focus",
    )
    evidence = ["schoenfeld2018", "marchant2009", "vigotsky2022"]
    return ExperimentDesign.model_validate(
        {**design.model_dump(), "evidence": evidence, "preset": "curl-focus"}
    )


def _surface_synergist(exercise: Exercise) -> list[str]:
    # Deep muscles give no clean surface EMG of their own.
    reachable = [m for m in exercise.synergists if m not in _DEEP_MUSCLES]
    return reachable[:1]


def balanced_latin_square(n: int) -> list[list[int]]:
    """Rows of a balanced Latin square (Williams design) over ``n`` symbols.

    Every symbol appears once in every row and equally often in every column, and every ordered
    pair of different symbols is adjacent equally often. For odd ``n`` that needs ``2 n`` rows
    (the square and its mirror), for even ``n`` ``n`` rows.

    Examples
    --------
    >>> balanced_latin_square(2)
    [[0, 1], [1, 0]]
    >>> balanced_latin_square(4)
    [[0, 1, 3, 2], [1, 2, 0, 3], [2, 3, 1, 0], [3, 0, 2, 1]]
    """
    if n < 1:
        raise InvalidInputError(f"A Latin square needs at least one symbol, got {n}.")
    first = [0]
    lo, hi = 1, n - 1
    for j in range(1, n):
        if j % 2 == 1:
            first.append(lo)
            lo += 1
        else:
            first.append(hi)
            hi -= 1
    rows = [[(s + i) % n for s in first] for i in range(n)]
    if n % 2 == 1 and n > 1:
        rows += [list(reversed(r)) for r in rows]
    return rows


def plan_sets(design: ExperimentDesign) -> list[PlannedSet]:
    """The order of every set of the experiment, regenerated exactly from ``design.seed``.

    Conditions are mapped to the symbols of a balanced Latin square at random; each repetition of
    a load block takes the next row of a shuffled cycle through the square's rows, so positions
    and carry-over are balanced over the whole experiment. Load blocks are in ascending or
    descending load, or in a random order, as the design says.

    Returns
    -------
    list of PlannedSet
        ``design.n_sets`` sets, indexed from 1.
    """
    rng = np.random.default_rng(design.seed)
    k = len(design.conditions)
    symbol_to_condition = [design.conditions[int(i)] for i in rng.permutation(k)]
    rows = balanced_latin_square(k)
    loads = list(design.loads_pct_e1rm)
    if design.block_order == "ascending":
        loads.sort()
    elif design.block_order == "descending":
        loads.sort(reverse=True)
    else:
        loads = [loads[int(i)] for i in rng.permutation(len(loads))]
    needed = len(loads) * design.sets_per_condition
    row_sequence: list[int] = []
    while len(row_sequence) < needed:
        row_sequence.extend(int(i) for i in rng.permutation(len(rows)))
    planned: list[PlannedSet] = []
    use = 0
    for block, load in enumerate(loads, start=1):
        load_kg = None if design.e1rm_kg is None else design.e1rm_kg * load / 100.0
        for _ in range(design.sets_per_condition):
            for symbol in rows[row_sequence[use]]:
                cond = symbol_to_condition[symbol]
                planned.append(
                    PlannedSet(
                        index=len(planned) + 1,
                        block=block,
                        load_pct_e1rm=load,
                        load_kg=load_kg,
                        condition=cond.name,
                        focus=cond.focus,
                        cue=cue_for(cond),
                        reps=design.reps_per_set,
                    )
                )
            use += 1
    return planned


def cue_for(condition: Condition) -> str | None:
    """The cue the set loop must show for a set of this condition.

    The internal cue of the exercise for ``internal``, its external cue for ``external``, and
    ``None`` for ``none``: the uncued control of an experiment is the only place the app shows no
    cue (everywhere else EVIDENCE.md rule 15 applies: always some cue, kristiansen2018).
    """
    return None if condition.focus == "none" else condition.cue


def experiment_focus(planned: PlannedSet, design: ExperimentDesign) -> Focus:
    """The focus the set loop runs for a planned experiment set.

    For the uncued control the cue text is empty and the mode is ``none``: interfaces show and
    speak no cue for it (the one exception to rule 15).
    """
    cond = design.condition(planned.condition)
    if cond.focus == "none":
        return Focus(
            mode="none",
            cue="",
            rationale=(
                f"Experiment control set ({cond.label}): no cue on purpose, so the cued sets can "
                "be compared with it. Everywhere else the app always gives a cue."
            ),
            evidence=["kristiansen2018", *design.evidence],
        )
    return Focus(
        mode=cond.focus,
        cue=planned.cue or "",
        rationale=f"Experiment condition: {cond.label}.",
        evidence=list(design.evidence),
    )


def experiment_prescription(
    planned: PlannedSet,
    design: ExperimentDesign,
    base: Prescription,
    *,
    exercise: Exercise | None = None,
    equipment: EquipmentProfile | None = None,
) -> Prescription:
    """``base`` (the coach's prescription of the exercise) turned into one experiment set.

    The set's condition decides the focus and cue, its planned repetitions the rep range. The
    load is the planned percentage of the e1RM (the design's, else the coach's), rounded to what
    the user can build when ``exercise`` and ``equipment`` are given; without any e1RM the
    coach's load is kept.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        When ``base`` is for another exercise.
    """
    if base.exercise_id != design.exercise_id:
        raise InvalidInputError(
            f"The prescription is for {base.exercise_id!r} but the experiment is on "
            f"{design.exercise_id!r}."
        )
    update: dict[str, object] = {
        "sets": 1,
        "reps": (planned.reps, planned.reps),
        "focus": experiment_focus(planned, design),
    }
    e1rm_kg = design.e1rm_kg or base.e1rm_kg
    if e1rm_kg is not None and base.load_kg is not None:
        wanted_kg = e1rm_kg * planned.load_pct_e1rm / 100.0
        if exercise is not None and equipment is not None:
            wanted_kg = round_load(wanted_kg, exercise, equipment)
        update["load_kg"] = wanted_kg
        update["load_display"] = format_load(wanted_kg, base.units)
        update["e1rm_kg"] = e1rm_kg
        update["percent_e1rm"] = planned.load_pct_e1rm
    return base.model_copy(update=update)
