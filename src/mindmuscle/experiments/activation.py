"""One scale of activation for every set of an experiment.

Each recorded set gives, per muscle, its repetitions' EMG peaks and means (in the recording's
unit) and, when a maximal contraction was recorded, the same in %MVC. The experiment compares
sets, so every set must be on the same scale: a muscle with an MVC in every set keeps its %MVC;
otherwise its amplitudes are expressed in % of the highest repetition peak of that muscle over
the experiment's sets (units converted first, so a set in uV and one in mV compare).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.signals.emg.recording import UNIT_TO_MV

__all__ = ["MuscleActivation", "NormalisedActivation", "normalise_activation"]


class MuscleActivation(BaseModel):
    """One muscle's EMG in one set: per repetition, the peak and mean amplitude (in ``unit``)
    and, when normalised to a maximal contraction (``normalisation == "mvc"``), the same in %MVC.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    unit: str = Field(description="The recording's unit: uV, mV or V.")
    normalisation: str = Field(description="'mvc' when the % values are of an MVC recording.")
    peak: tuple[float, ...]
    mean: tuple[float, ...]
    peak_pct: tuple[float | None, ...] = ()
    mean_pct: tuple[float | None, ...] = ()


class NormalisedActivation(BaseModel):
    """Per set (in the order given) and muscle: the mean repetition peak and mean activation on
    one common scale, what that scale is per muscle (``how``) and its unit."""

    model_config = ConfigDict(frozen=True)

    peaks: list[dict[str, float]]
    means: list[dict[str, float]]
    how: str
    unit: Literal["%MVC", "% of peak"]


def _all_mvc(entries: Sequence[MuscleActivation]) -> bool:
    return all(
        e.normalisation == "mvc"
        and len(e.peak_pct) == len(e.peak)
        and all(v is not None for v in (*e.peak_pct, *e.mean_pct))
        for e in entries
    )


def normalise_activation(
    sets: Sequence[Mapping[str, MuscleActivation] | None],
) -> NormalisedActivation:
    """Put every set's activation on one scale per muscle (see the module's text).

    ``sets``: one entry per recorded set, None for a set without EMG. A muscle with no repetition
    anywhere is left out; the unit is "%MVC" only when every muscle kept its MVC.

    Examples
    --------
    >>> a = MuscleActivation(unit="mV", normalisation="none", peak=(1.0, 3.0), mean=(0.5, 1.5))
    >>> b = MuscleActivation(unit="uV", normalisation="none", peak=(4000.0,), mean=(1000.0,))
    >>> out = normalise_activation([{"biceps": a}, None, {"biceps": b}])
    >>> out.peaks, out.unit
    ([{'biceps': 50.0}, {}, {'biceps': 100.0}], '% of peak')
    """
    peaks: list[dict[str, float]] = [{} for _ in sets]
    means: list[dict[str, float]] = [{} for _ in sets]
    muscles = sorted({m for s in sets for m in (s or {})})
    described: list[str] = []
    relative = False
    for m in muscles:
        entries = [(k, s[m]) for k, s in enumerate(sets) if s and m in s and s[m].peak]
        if not entries:
            continue
        if _all_mvc([e for _, e in entries]):
            for k, e in entries:
                peaks[k][m] = float(np.mean([v for v in e.peak_pct if v is not None]))
                means[k][m] = float(np.mean([v for v in e.mean_pct if v is not None]))
            described.append(f"{m}: % of its MVC recording")
            continue
        scale = {k: UNIT_TO_MV.get(e.unit, 1.0) for k, e in entries}
        top = max(max(e.peak) * scale[k] for k, e in entries)
        if top <= 0:
            continue
        for k, e in entries:
            peaks[k][m] = 100.0 * float(np.mean(e.peak)) * scale[k] / top
            means[k][m] = 100.0 * float(np.mean(e.mean)) * scale[k] / top
        described.append(f"{m}: % of its highest repetition peak in this experiment")
        relative = True
    if not described:
        return NormalisedActivation(peaks=peaks, means=means, how="no EMG recorded", unit="%MVC")
    how = "; ".join(described)
    if relative:
        how += (
            " (without an MVC the percentages depend on that reference; the effect sizes and "
            "p-values do not)"
        )
    return NormalisedActivation(
        peaks=peaks, means=means, how=how, unit="% of peak" if relative else "%MVC"
    )
