"""A focus experiment run by a group: each participant's own experiment, pooled (pure).

Every participant runs the same design (the same exercise and conditions, each at their own
loads and in their own counterbalanced order). A group answers what one person's sets cannot:
whether a cue goes with a different activation or rating *across people*.

Each participant contributes one difference per condition and measure: their condition's mean
minus their reference condition's mean, at every load where they recorded both, averaged over
those loads (so each person's loads, and the load's own large effect, drop out). The group
comparison is then paired by participant (:func:`~mindmuscle.experiments.stats.compare_paired`):
the mean difference with its bootstrap interval, Hedges' g_z and a sign-flip permutation
p-value, exact for up to 2^n arrangements. Every participant weighs the same, however many sets
they recorded. A participant without both conditions (or without that muscle's EMG, or with
activation on another scale) is left out of that comparison, by name and with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.errors import InvalidInputError
from mindmuscle.experiments.analysis import (
    ACTIVATION_IS_NOT_GROWTH,
    EFFECTS_ARE_SMALL,
    Measure,
    SetResult,
    _values,
    measure_label,
)
from mindmuscle.experiments.design import ExperimentDesign
from mindmuscle.experiments.stats import MIN_N, Comparison, compare_paired

__all__ = [
    "GroupAnalysis",
    "GroupEffect",
    "LeftOut",
    "Participant",
    "ParticipantDifference",
    "analyze_group",
    "group_label",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Participant(_Model):
    """One participant's experiment: its design, its recorded sets and its activation scale."""

    name: str = Field(min_length=1)
    design: ExperimentDesign
    results: list[SetResult]
    activation_unit: str = "%MVC"


class ParticipantDifference(_Model):
    """One participant's means of the condition and the reference, over the loads with both."""

    participant: str
    condition_mean: float
    reference_mean: float
    loads_pct_e1rm: list[float]
    n_condition: int
    n_reference: int

    @property
    def difference(self) -> float:
        """Condition minus reference."""
        return self.condition_mean - self.reference_mean


class LeftOut(_Model):
    """A participant not in a comparison, and why."""

    participant: str
    reason: str


class GroupEffect(_Model):
    """A condition against the reference on one measure (and muscle), across participants."""

    condition: str
    reference: str
    measure: Measure
    muscle: str | None
    focus_muscle: bool = False
    participants: list[ParticipantDifference]
    left_out: list[LeftOut]
    comparison: Comparison


class GroupAnalysis(_Model):
    """The pooled analysis of a group's experiments."""

    title: str
    exercise_id: str
    conditions: list[str]
    condition_labels: dict[str, str]
    reference: str
    participants: list[str]
    sets_per_participant: dict[str, int]
    muscles: list[str]
    activation_unit: str
    effects: list[GroupEffect]
    n_resamples: int
    seed: int
    limitations: list[str]

    def effect(self, condition: str, measure: Measure, muscle: str | None = None) -> GroupEffect:
        """The effect of ``condition`` on ``measure`` (and ``muscle``).

        Raises
        ------
        mindmuscle.errors.InvalidInputError
            When no such effect was computed.
        """
        for e in self.effects:
            if (e.condition, e.measure, e.muscle) == (condition, measure, muscle):
                return e
        raise InvalidInputError(
            f"No group effect for condition {condition!r}, {measure}, muscle {muscle!r}; "
            f"conditions compared: {sorted({e.condition for e in self.effects})}."
        )


def _check_same_design(participants: Sequence[Participant]) -> ExperimentDesign:
    """The first participant's design, once every other one has its exercise and conditions."""
    if len(participants) < 2:
        raise InvalidInputError(
            f"A group needs at least 2 participants' experiments; got {len(participants)}."
        )
    names = [p.name for p in participants]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InvalidInputError(
            f"{', '.join(repr(n) for n in twice)} is in the group twice: each participant "
            "brings one experiment."
        )
    first = participants[0]
    d0 = first.design
    conds0 = sorted(c.name for c in d0.conditions)
    for p in participants[1:]:
        d = p.design
        if d.exercise_id != d0.exercise_id:
            raise InvalidInputError(
                f"{p.name}'s experiment is on {d.exercise_id!r} and {first.name}'s on "
                f"{d0.exercise_id!r}: a group compares one exercise."
            )
        conds = sorted(c.name for c in d.conditions)
        if conds != conds0 or d.reference != d0.reference:
            raise InvalidInputError(
                f"{p.name}'s experiment compares {', '.join(conds)} against {d.reference} and "
                f"{first.name}'s {', '.join(conds0)} against {d0.reference}: a group needs the "
                "same conditions and reference."
            )
    return d0


def _difference(
    p: Participant, condition: str, reference: str, measure: Measure, muscle: str | None
) -> ParticipantDifference | str:
    """The participant's difference, or the reason they have none."""
    loads, cond_means, ref_means, n_c, n_r = [], [], [], 0, 0
    for load in sorted(p.design.loads_pct_e1rm):
        at = [r for r in p.results if r.load_pct_e1rm == load]
        a = _values([r for r in at if r.condition == condition], measure, muscle)
        b = _values([r for r in at if r.condition == reference], measure, muscle)
        if a and b:
            loads.append(load)
            cond_means.append(float(np.mean(a)))
            ref_means.append(float(np.mean(b)))
            n_c, n_r = n_c + len(a), n_r + len(b)
    if not loads:
        what = "target ratings" if measure == "target_rating" else f"{muscle} EMG"
        return f"no sets with {what} in both {condition} and {reference} at one load"
    return ParticipantDifference(
        participant=p.name,
        condition_mean=float(np.mean(cond_means)),
        reference_mean=float(np.mean(ref_means)),
        loads_pct_e1rm=loads,
        n_condition=n_c,
        n_reference=n_r,
    )


def analyze_group(
    participants: Sequence[Participant], *, n_resamples: int = 2000, seed: int = 0
) -> GroupAnalysis:
    """Pool the participants' experiments of one design (see the module docstring).

    Activation is compared on the scale most participants have (``%MVC`` when tied); the others
    are left out of the activation comparisons, with the reason, and kept in the ratings.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        Fewer than two participants, one named twice, or designs with another exercise or other
        conditions.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> from mindmuscle.experiments.design import curl_focus_design
    >>> curl = load_catalog().exercise("dumbbell_biceps_curl")
    >>> design = curl_focus_design(exercise=curl, seed=1)
    >>> def sets(internal, external):
    ...     return [SetResult(index=1, condition="internal", load_pct_e1rm=60.0,
    ...                       target_rating=internal),
    ...             SetResult(index=2, condition="external", load_pct_e1rm=60.0,
    ...                       target_rating=external)]
    >>> group = [Participant(name=n, design=design, results=sets(i, e))
    ...          for n, i, e in [("ann", 8, 6), ("ben", 7, 6), ("cai", 9, 6)]]
    >>> effect = analyze_group(group).effect("internal", "target_rating")
    >>> round(effect.comparison.mean_difference, 2), effect.comparison.p_value
    (2.0, 0.25)
    """
    design = _check_same_design(participants)
    ref = design.reference
    units = [p.activation_unit for p in participants if _has_emg(p)]
    unit = max(sorted(set(units), key=lambda u: u != "%MVC"), key=units.count) if units else "%MVC"
    with_emg = {m for p in participants for r in p.results for m in (*r.peak_mvc, *r.mean_mvc)}
    muscles = [m for m in design.muscles if m in with_emg] + sorted(with_emg - set(design.muscles))
    measures: list[tuple[Measure, str | None]] = [("target_rating", None)]
    for mu in muscles:
        measures += [("peak_mvc", mu), ("mean_mvc", mu)]
    effects: list[GroupEffect] = []
    for cond in design.conditions:
        if cond.name == ref:
            continue
        focus_muscle = cond.focus_muscle or (design.targets[0] if cond.focus != "none" else None)
        for measure, muscle in measures:
            rows: list[ParticipantDifference] = []
            out: list[LeftOut] = []
            for p in participants:
                if measure != "target_rating" and _has_emg(p) and p.activation_unit != unit:
                    out.append(
                        LeftOut(
                            participant=p.name,
                            reason=f"activation in {p.activation_unit}, the group's is in {unit}",
                        )
                    )
                    continue
                got = _difference(p, cond.name, ref, measure, muscle)
                if isinstance(got, str):
                    out.append(LeftOut(participant=p.name, reason=got))
                else:
                    rows.append(got)
            comparison = compare_paired(
                [r.condition_mean for r in rows],
                [r.reference_mean for r in rows],
                n_resamples=n_resamples,
                seed=seed,
            )
            if rows and len(rows) < MIN_N:
                comparison = comparison.model_copy(
                    update={
                        "note": f"No statistics: {len(rows)} participants; at least {MIN_N} are "
                        "needed for an effect size or a test."
                    }
                )
            effects.append(
                GroupEffect(
                    condition=cond.name,
                    reference=ref,
                    measure=measure,
                    muscle=muscle,
                    focus_muscle=muscle is not None and muscle == focus_muscle,
                    participants=rows,
                    left_out=out,
                    comparison=comparison,
                )
            )
    analysis = GroupAnalysis(
        title=design.title,
        exercise_id=design.exercise_id,
        conditions=[c.name for c in design.conditions],
        condition_labels={c.name: c.label for c in design.conditions},
        reference=ref,
        participants=[p.name for p in participants],
        sets_per_participant={p.name: len(p.results) for p in participants},
        muscles=muscles,
        activation_unit=unit,
        effects=effects,
        n_resamples=n_resamples,
        seed=seed,
        limitations=[],
    )
    return analysis.model_copy(update={"limitations": _limitations(analysis)})


def _has_emg(p: Participant) -> bool:
    return any(r.peak_mvc or r.mean_mvc for r in p.results)


def _limitations(analysis: GroupAnalysis) -> list[str]:
    """Plain statements of what the group's data can and cannot show."""
    n = len(analysis.participants)
    notes = [
        f"What this group can show: whether, across these {n} people, on this exercise, a cue "
        "went with a different measured activation and a different target rating, each person "
        "compared with themselves, and how uncertain that difference is.",
        ACTIVATION_IS_NOT_GROWTH,
        EFFECTS_ARE_SMALL,
        "A felt target rating is not a measurement of activation: perceived and measured "
        "activation did not correlate in sevilmis2024.",
    ]
    if n < MIN_N:
        notes.append(
            f"{n} participants: a group needs at least {MIN_N} for an effect size, an interval "
            "or a test, so only each person's difference and the mean are shown."
        )
    elif n < 10:
        notes.append(
            f"{n} participants is a small group: the smallest possible p-value is "
            f"{2.0 / 2**n:.3f}, and the interval of g is wide; the group describes these people, "
            "not lifters in general."
        )
    left = sorted({lo.participant for e in analysis.effects for lo in e.left_out})
    if left:
        notes.append(
            f"Left out of some comparisons: {', '.join(left)} (each comparison says why); the "
            "others are compared without them."
        )
    return notes


def group_label(effect: GroupEffect, activation_unit: str = "%MVC") -> str:
    """A short label such as ``internal vs external, biceps peak activation (%MVC)``."""
    return measure_label(
        effect.condition, effect.reference, effect.measure, effect.muscle, activation_unit
    )
