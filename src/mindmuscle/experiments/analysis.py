"""Analysis of a focus experiment: per condition and load, and effects against the reference.

Input is one :class:`SetResult` per recorded set (its condition and load, the lifter's target
rating, the repetitions, and per muscle the normalised EMG activation averaged over the set's
repetitions). Output is an :class:`ExperimentAnalysis`: a summary per condition and load, effects
of every condition against the design's reference condition (Hedges' g with a bootstrap interval
and a permutation p-value), and plain statements of what the data can and cannot show.

Effects are computed twice: at each load with the sets as independent samples, and, when the
design has several loads, across loads with each load block as a pair (the condition's mean minus
the reference's mean at that load), which removes the large effect of the load itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.errors import InvalidInputError
from mindmuscle.experiments.design import ExperimentDesign
from mindmuscle.experiments.stats import MIN_N, Comparison, compare_independent, compare_paired

__all__ = [
    "CellSummary",
    "Effect",
    "ExperimentAnalysis",
    "Measure",
    "SetResult",
    "Spread",
    "analyze",
    "comparison_label",
    "limitations",
]

Measure = Literal["peak_mvc", "mean_mvc", "target_rating"]
MEASURE_LABELS: dict[str, str] = {
    "peak_mvc": "peak activation",
    "mean_mvc": "mean activation",
    "target_rating": "target rating (0-10)",
}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SetResult(_Model):
    """One recorded experiment set, as the analysis reads it.

    ``peak_mvc`` and ``mean_mvc`` map muscle ids to the per-repetition peak and mean activation in
    %MVC (or in % of another common reference, see :func:`analyze`), averaged over the set's
    repetitions (empty when no EMG was recorded).
    """

    index: int = Field(ge=1, description="Planned set index, from 1.")
    condition: str
    load_pct_e1rm: float
    reps: int | None = Field(default=None, ge=0)
    target_rating: int | None = Field(default=None, ge=0, le=10)
    load_kg: float | None = Field(default=None, ge=0)
    peak_mvc: dict[str, float] = Field(default_factory=dict)
    mean_mvc: dict[str, float] = Field(default_factory=dict)


class Spread(_Model):
    """Mean, standard deviation (None for one value) and count of a set of values."""

    n: int
    mean: float | None
    sd: float | None
    values: list[float]

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        """Summarise ``values``."""
        arr = np.asarray(values, dtype=np.float64)
        return cls(
            n=int(arr.size),
            mean=float(arr.mean()) if arr.size else None,
            sd=float(arr.std(ddof=1)) if arr.size > 1 else None,
            values=[float(v) for v in arr],
        )


class CellSummary(_Model):
    """Everything recorded for one condition at one load."""

    condition: str
    load_pct_e1rm: float
    n_sets: int
    reps: Spread
    target_rating: Spread
    peak_mvc: dict[str, Spread]
    mean_mvc: dict[str, Spread]


class Effect(_Model):
    """A condition compared with the reference on one measure (and muscle), at one load or all.

    ``load_pct_e1rm`` is ``None`` for the comparison across loads, paired by load block.
    """

    condition: str
    reference: str
    measure: Measure
    muscle: str | None
    load_pct_e1rm: float | None
    comparison: Comparison
    focus_muscle: bool = Field(
        default=False, description="The muscle is the one the condition's cue is about."
    )


class ExperimentAnalysis(_Model):
    """The analysis of a (possibly unfinished) experiment."""

    design: ExperimentDesign
    n_planned: int
    n_recorded: int
    muscles: list[str] = Field(description="Muscles with EMG in at least one set.")
    cells: list[CellSummary]
    effects: list[Effect]
    n_resamples: int
    seed: int
    normalisation: str = Field(description="What 100% activation means in this analysis.")
    activation_unit: str = Field(
        default="%MVC", description="Short unit of activation, e.g. '%MVC' or '% of peak'."
    )
    limitations: list[str]

    def effect(
        self,
        condition: str,
        measure: Measure,
        muscle: str | None = None,
        load_pct_e1rm: float | None = None,
    ) -> Effect:
        """The effect of ``condition`` on ``measure`` (and ``muscle``) at a load or across loads.

        Raises
        ------
        mindmuscle.errors.InvalidInputError
            When no such effect was computed.
        """
        for e in self.effects:
            if (e.condition, e.measure, e.muscle, e.load_pct_e1rm) == (
                condition,
                measure,
                muscle,
                load_pct_e1rm,
            ):
                return e
        raise InvalidInputError(
            f"No effect computed for condition {condition!r}, {measure}, muscle {muscle!r}, "
            f"load {load_pct_e1rm!r}; conditions compared: "
            f"{sorted({e.condition for e in self.effects})}."
        )

    def cell(self, condition: str, load_pct_e1rm: float) -> CellSummary:
        """The summary of ``condition`` at ``load_pct_e1rm``."""
        for c in self.cells:
            if c.condition == condition and c.load_pct_e1rm == load_pct_e1rm:
                return c
        raise InvalidInputError(f"No cell for condition {condition!r} at {load_pct_e1rm:g}% e1RM.")


def _values(results: Sequence[SetResult], measure: Measure, muscle: str | None) -> list[float]:
    out: list[float] = []
    for r in results:
        if measure == "target_rating":
            if r.target_rating is not None:
                out.append(float(r.target_rating))
        else:
            source = r.peak_mvc if measure == "peak_mvc" else r.mean_mvc
            if muscle is not None and muscle in source:
                out.append(float(source[muscle]))
    return out


def analyze(
    design: ExperimentDesign,
    results: Sequence[SetResult],
    *,
    n_resamples: int = 2000,
    seed: int | None = None,
    normalisation: str = "% of a maximal voluntary contraction (MVC)",
    activation_unit: str = "%MVC",
) -> ExperimentAnalysis:
    """Analyse the recorded sets of an experiment.

    Parameters
    ----------
    design : ExperimentDesign
        The design the sets belong to.
    results : sequence of SetResult
        The recorded sets (any subset of the planned ones).
    n_resamples : int
        Bootstrap and permutation resamples of every comparison.
    seed : int, optional
        Seed of the resampling; default the design's seed, so an analysis is reproducible.
    normalisation : str
        What 100% activation means (an MVC, or a reference within the experiment).
    activation_unit : str
        Its short unit for labels (``%MVC``, ``% of peak``).

    Returns
    -------
    ExperimentAnalysis

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        When a result names a condition or load that is not in the design, or two results
        have the same set index.
    """
    names = [c.name for c in design.conditions]
    loads = sorted(design.loads_pct_e1rm)
    seen: set[int] = set()
    for r in results:
        if r.condition not in names:
            raise InvalidInputError(
                f"Set {r.index}: condition {r.condition!r} is not in the design "
                f"({', '.join(names)})."
            )
        if r.load_pct_e1rm not in loads:
            raise InvalidInputError(
                f"Set {r.index}: load {r.load_pct_e1rm:g}% e1RM is not in the design "
                f"({', '.join(f'{x:g}' for x in loads)})."
            )
        if r.index in seen:
            raise InvalidInputError(f"Set {r.index} was given twice; keep one result per set.")
        seen.add(r.index)
    seed = design.seed if seed is None else seed
    with_emg = {m for r in results for m in (*r.peak_mvc, *r.mean_mvc)}
    muscles = [m for m in design.muscles if m in with_emg] + sorted(with_emg - set(design.muscles))

    def cell_results(cond: str, load: float) -> list[SetResult]:
        return [r for r in results if r.condition == cond and r.load_pct_e1rm == load]

    cells = []
    for name in names:
        for load in loads:
            rs = cell_results(name, load)
            cells.append(
                CellSummary(
                    condition=name,
                    load_pct_e1rm=load,
                    n_sets=len(rs),
                    reps=Spread.of([float(r.reps) for r in rs if r.reps is not None]),
                    target_rating=Spread.of(_values(rs, "target_rating", None)),
                    peak_mvc={m: Spread.of(_values(rs, "peak_mvc", m)) for m in muscles},
                    mean_mvc={m: Spread.of(_values(rs, "mean_mvc", m)) for m in muscles},
                )
            )

    measures: list[tuple[Measure, str | None]] = []
    for mu in muscles:
        measures += [("peak_mvc", mu), ("mean_mvc", mu)]
    measures.append(("target_rating", None))
    effects: list[Effect] = []
    ref = design.reference
    for cond in design.conditions:
        if cond.name == ref:
            continue
        focus_muscle = cond.focus_muscle or (design.targets[0] if cond.focus != "none" else None)
        for measure, muscle in measures:
            common = {
                "condition": cond.name,
                "reference": ref,
                "measure": measure,
                "muscle": muscle,
                "focus_muscle": muscle is not None and muscle == focus_muscle,
            }
            per_load_means: list[tuple[float, float]] = []
            for load in loads:
                a = _values(cell_results(cond.name, load), measure, muscle)
                b = _values(cell_results(ref, load), measure, muscle)
                cmp = compare_independent(a, b, n_resamples=n_resamples, seed=seed)
                effects.append(Effect(**common, load_pct_e1rm=load, comparison=cmp))
                if a and b:
                    per_load_means.append((float(np.mean(a)), float(np.mean(b))))
            if len(loads) > 1:
                a_means = [p[0] for p in per_load_means]
                b_means = [p[1] for p in per_load_means]
                cmp = compare_paired(a_means, b_means, n_resamples=n_resamples, seed=seed)
                effects.append(Effect(**common, load_pct_e1rm=None, comparison=cmp))

    analysis = ExperimentAnalysis(
        design=design,
        n_planned=design.n_sets,
        n_recorded=len(results),
        muscles=muscles,
        cells=cells,
        effects=effects,
        n_resamples=n_resamples,
        seed=seed,
        normalisation=normalisation,
        activation_unit=activation_unit,
        limitations=[],
    )
    return analysis.model_copy(update={"limitations": limitations(analysis)})


ACTIVATION_IS_NOT_GROWTH = (
    "Surface EMG measures activation, not growth: how strongly a muscle is activated in a set is "
    "not a validated predictor of how much it will grow (vigotsky2022). Studies like "
    "calatayud2016 measured activation only and did not test hypertrophy (halperin2016)."
)
EFFECTS_ARE_SMALL = (
    "Effects of focus cues on activation are small and uncertain: published effects are modest, "
    "with wide intervals, and depend on the load and the muscle (calatayud2017, snyderfry2012). "
    "Read the interval of the difference, not only the effect size; an interval that includes 0 "
    "means the direction is not known."
)


def limitations(analysis: ExperimentAnalysis) -> list[str]:
    """Plain statements of what this experiment's data can and cannot show.

    Always says what the sets can show, that activation is not growth (vigotsky2022,
    halperin2016), that the effects of focus cues are small and uncertain, and what a single
    person's data can tell; adds notes on missing sets, sets without EMG, and comparisons with
    too few sets for statistics.
    """
    d = analysis.design
    notes = [
        "What these sets can show: whether, for this lifter, on this exercise and at these loads, "
        "a cue went with a different measured activation of the target and the helper muscles "
        "and a different target rating, and how uncertain that difference is.",
        ACTIVATION_IS_NOT_GROWTH,
        EFFECTS_ARE_SMALL,
        "These are one person's sets: the result describes this lifter, these sessions and this "
        "electrode placement. It does not show what would happen for other people, and a "
        "p-value from sets of one person is about these sets, not a general finding.",
        "Sets in an experiment are not independent in the strict sense (fatigue, learning and "
        "electrode drift within a session); the counterbalanced order spreads these over the "
        "conditions but does not remove them.",
    ]
    if analysis.n_recorded < analysis.n_planned:
        notes.append(
            f"{analysis.n_recorded} of {analysis.n_planned} planned sets are recorded; the "
            "analysis uses only those, so some conditions or loads may be missing or uneven."
        )
    if not analysis.muscles:
        notes.append(
            "No EMG was recorded, so only the lifter's target ratings are compared; ratings show "
            "what was felt, which is not the same as what the muscle did."
        )
    few = [
        e
        for e in analysis.effects
        if e.comparison.g is None and e.comparison.n_a > 0 and e.comparison.n_b > 0
    ]
    if few:
        notes.append(
            f"Some comparisons have fewer than {MIN_N} sets (or load blocks) per condition, so "
            "they show only the means, with no effect size, interval or p-value: that is too "
            "few sets to separate a cue's effect from set-to-set variation."
        )
    heavy = [x for x in d.loads_pct_e1rm if x >= 80]
    if heavy and any(c.focus == "internal" for c in d.conditions):
        notes.append(
            "At 80% e1RM and above, calatayud2016 found no change of activation from an internal "
            "cue; heavy sets are usually better done with an external cue (EVIDENCE.md rule 2)."
        )
    return notes


def measure_label(
    condition: str, reference: str, measure: Measure, muscle: str | None, activation_unit: str
) -> str:
    """``internal vs external, biceps peak activation (%MVC)``: what a comparison compares."""
    what = MEASURE_LABELS[measure]
    if measure != "target_rating":
        what = f"{what} ({activation_unit})"
    return f"{condition} vs {reference}, {muscle + ' ' if muscle else ''}{what}"


def comparison_label(effect: Effect, activation_unit: str = "%MVC") -> str:
    """A short label such as ``internal vs external, biceps peak activation (%MVC), 60% e1RM``."""
    what = measure_label(
        effect.condition, effect.reference, effect.measure, effect.muscle, activation_unit
    )
    where = (
        "all loads (paired by load)"
        if effect.load_pct_e1rm is None
        else f"{effect.load_pct_e1rm:g}% e1RM"
    )
    return f"{what}, {where}"
