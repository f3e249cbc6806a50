"""The EMG a stored set keeps: per muscle and repetition, onset, offset, mean and peak
activation, and the target's ratios to its synergists and compensators.

Built from the offline analysis of the set's recording (:func:`~.pipeline.analyze_emg`), so
``mindmuscle emg`` on the stored file finds the same repetitions and the same values.
Activation is in %MVC where the muscle had a valid calibration, otherwise in % of this set's
peak, and every muscle says which (``basis``): a % of the set's peak is never shown as %MVC.

Ratios (target : synergist or compensator) are the mean %MVC of the target over the
repetitions divided by that of the other muscle, only where both are calibrated: a ratio of
two "% of own peak" values says nothing about the muscles.

Pure: the analysis comes in, the features go out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.signals.emg.models import EmgAnalysis

__all__ = [
    "Basis",
    "SetEmgFeatures",
    "SetEmgMuscle",
    "SetEmgRatio",
    "SetEmgRep",
    "measured_text",
    "set_emg_features",
]

Basis = Literal["pct_mvc", "pct_set_peak"]
Role = Literal["target", "synergist", "compensator", "other"]

BASIS_WORDS: Mapping[Basis, str] = {"pct_mvc": "% MVC", "pct_set_peak": "% of this set's peak"}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SetEmgRep(_Model):
    """One repetition of one muscle (times in seconds from the recording's start)."""

    rep: int
    onset_s: float
    offset_s: float
    mean_pct: float = Field(description="mean activation in the muscle's basis")
    peak_pct: float = Field(description="peak activation in the muscle's basis")


class SetEmgMuscle(_Model):
    """One mapped muscle of the set."""

    muscle: str
    channel: str = Field(description="the channel's name in the stored recording")
    role: Role
    unit: str
    basis: Basis = Field(description="pct_mvc with a valid calibration, else pct_set_peak")
    reference: float = Field(description="the 100 % of this muscle, in its unit")
    peak_pct: float | None = Field(description="highest repetition peak")
    mean_pct: float | None = Field(description="mean over the repetitions")
    bursts: list[tuple[float, float]] = Field(description="this muscle's own onsets/offsets (s)")
    reps: list[SetEmgRep]


class SetEmgRatio(_Model):
    """Target : synergist or compensator, from mean %MVC; None without both calibrations."""

    target: str
    other: str
    kind: Literal["synergist", "compensator"]
    value: float | None
    note: str = ""


class SetEmgFeatures(_Model):
    """Everything a set keeps of its EMG (stored as JSON with the set)."""

    target: str
    n_reps: int
    sfreq_hz: float
    duration_s: float
    muscles: list[SetEmgMuscle]
    ratios: list[SetEmgRatio]
    peak_pct_mvc: float | None = Field(
        description="the target's highest repetition peak in %MVC; None without a calibration"
    )
    warnings: list[str] = Field(default_factory=list)

    def muscle(self, name: str) -> SetEmgMuscle:
        """The features of ``name`` (KeyError when it was not mapped)."""
        for m in self.muscles:
            if m.muscle == name:
                return m
        raise KeyError(name)


def _r(value: float, digits: int = 2) -> float:
    return round(float(value), digits)


def set_emg_features(
    analysis: EmgAnalysis,
    roles: Mapping[str, Role],
    *,
    muscles: Mapping[str, str] | None = None,
) -> SetEmgFeatures:
    """The features a set keeps, from the analysis of its recording.

    Parameters
    ----------
    analysis : EmgAnalysis
        The analysis of the set's recording (channels normalised ``mvc`` where a calibration
        was valid, else to their own peak in the set).
    roles : mapping
        Role of each channel (target, synergist, compensator, other).
    muscles : mapping, optional
        Muscle name of each channel (default: the channel's name).

    Examples
    --------
    >>> import numpy as np
    >>> from mindmuscle.signals.emg import EmgRecording, analyze_emg, simulate_emg
    >>> x = simulate_emg(4.0, 1000.0, [(1.0, 3.0)], amplitudes=[0.4])
    >>> a = analyze_emg(EmgRecording(x[None, :], 1000.0, ("biceps",), ("mV",)),
    ...                 target="biceps", mvc_levels={"biceps": 0.8 * 0.7979}).analysis
    >>> f = set_emg_features(a, {"biceps": "target"})
    >>> f.n_reps, f.muscles[0].basis, round(f.muscles[0].reps[0].onset_s, 1)
    (1, 'pct_mvc', 1.0)
    """
    names = dict(muscles or {})
    out: list[SetEmgMuscle] = []
    pct_mvc_mean: dict[str, float] = {}
    for ch in analysis.channels:
        basis: Basis = "pct_mvc" if ch.normalisation == "mvc" else "pct_set_peak"
        reps = [
            SetEmgRep(
                rep=r.rep,
                onset_s=_r(r.start_s, 4),
                offset_s=_r(r.end_s, 4),
                mean_pct=_r(r.mean_pct),
                peak_pct=_r(r.peak_pct),
            )
            for r in ch.reps
        ]
        peak = max((r.peak_pct for r in ch.reps), default=None)
        mean = sum(r.mean_pct for r in ch.reps) / len(ch.reps) if ch.reps else None
        name = names.get(ch.name, ch.name)
        if basis == "pct_mvc" and mean is not None:
            pct_mvc_mean[ch.name] = mean
        out.append(
            SetEmgMuscle(
                muscle=name,
                channel=ch.name,
                role=roles.get(ch.name, "other"),
                unit=ch.unit,
                basis=basis,
                reference=float(f"{ch.reference_amplitude:.6g}"),
                peak_pct=None if peak is None else _r(peak),
                mean_pct=None if mean is None else _r(mean),
                bursts=[(_r(b.onset_s, 4), _r(b.offset_s, 4)) for b in ch.bursts],
                reps=reps,
            )
        )
    target = analysis.target
    ratios: list[SetEmgRatio] = []
    for ch in analysis.channels:
        role = roles.get(ch.name, "other")
        if ch.name == target or role not in ("synergist", "compensator"):
            continue
        kind: Literal["synergist", "compensator"] = (
            "compensator" if role == "compensator" else "synergist"
        )
        t, o = pct_mvc_mean.get(target), pct_mvc_mean.get(ch.name)
        if t is None or o is None or analysis.n_reps == 0:
            value, note = None, "needs a calibration of both muscles"
        elif o <= 0:
            value, note = None, f"{names.get(ch.name, ch.name)} was silent"
        else:
            value, note = _r(t / o), ""
        ratios.append(
            SetEmgRatio(
                target=names.get(target, target),
                other=names.get(ch.name, ch.name),
                kind=kind,
                value=value,
                note=note,
            )
        )
    target_row = next(m for m in out if m.channel == target)
    peak_mvc = target_row.peak_pct if target_row.basis == "pct_mvc" else None
    return SetEmgFeatures(
        target=target_row.muscle,
        n_reps=analysis.n_reps,
        sfreq_hz=analysis.sfreq_hz,
        duration_s=_r(analysis.duration_s, 3),
        muscles=out,
        ratios=ratios,
        peak_pct_mvc=peak_mvc,
        warnings=list(analysis.warnings),
    )


def measured_text(features: SetEmgFeatures) -> str:
    """What was measured, in words a lifter reads beside the felt rating.

    With a calibration, the target's highest repetition peak: "62% MVC" (what felt versus
    measured correlates). Without one, the target's mean over the repetitions as "% of this
    set's peak" (its highest peak is 100% by definition, so it would say nothing).

    Examples
    --------
    >>> m = SetEmgMuscle(muscle="biceps", channel="biceps", role="target", unit="mV",
    ...                  basis="pct_set_peak", reference=1.0, peak_pct=100.0, mean_pct=80.0,
    ...                  bursts=[], reps=[])
    >>> f = SetEmgFeatures(target="biceps", n_reps=1, sfreq_hz=1000.0, duration_s=4.0,
    ...                    muscles=[m], ratios=[], peak_pct_mvc=None)
    >>> measured_text(f)
    "80% of this set's peak"
    """
    m = features.muscle(features.target)
    if m.peak_pct is None or m.mean_pct is None:
        return "no repetition found in the EMG"
    if m.basis == "pct_mvc":
        return f"{m.peak_pct:.0f}% MVC"
    return f"{m.mean_pct:.0f}% of this set's peak"
