"""One scale of activation for an experiment's sets (experiments/activation.py)."""

from __future__ import annotations

import pytest

from mindmuscle.experiments.activation import MuscleActivation, normalise_activation


def _raw(unit: str, peak: tuple[float, ...], mean: tuple[float, ...]) -> MuscleActivation:
    return MuscleActivation(unit=unit, normalisation="none", peak=peak, mean=mean)


def _mvc(peak_pct: tuple[float, ...], mean_pct: tuple[float, ...]) -> MuscleActivation:
    return MuscleActivation(
        unit="mV",
        normalisation="mvc",
        peak=tuple(p / 100 for p in peak_pct),
        mean=tuple(m / 100 for m in mean_pct),
        peak_pct=peak_pct,
        mean_pct=mean_pct,
    )


def test_every_set_with_an_mvc_keeps_its_percent_mvc() -> None:
    out = normalise_activation(
        [{"biceps": _mvc((60.0, 80.0), (30.0, 40.0))}, {"biceps": _mvc((50.0,), (20.0,))}]
    )
    assert out.peaks == [{"biceps": 70.0}, {"biceps": 50.0}]
    assert out.means == [{"biceps": 35.0}, {"biceps": 20.0}]
    assert out.unit == "%MVC"
    assert out.how == "biceps: % of its MVC recording"


def test_without_an_mvc_in_every_set_the_highest_peak_is_the_reference() -> None:
    sets = [
        {"biceps": _raw("mV", (1.0, 3.0), (0.5, 1.5)), "triceps": _mvc((40.0,), (10.0,))},
        None,  # a set without EMG
        {"biceps": _raw("uV", (4000.0,), (1000.0,)), "triceps": _raw("mV", (0.2,), (0.1,))},
    ]
    out = normalise_activation(sets)
    # biceps: 2 mV mean peak against the highest peak, 4 mV (4000 uV).
    assert out.peaks[0]["biceps"] == pytest.approx(50.0)
    assert out.means[0]["biceps"] == pytest.approx(25.0)
    assert out.peaks[1] == {} and out.means[1] == {}
    assert out.peaks[2]["biceps"] == pytest.approx(100.0)
    # triceps had an MVC in one set only: both on the scale of its highest raw peak (0.4 mV).
    assert out.peaks[0]["triceps"] == pytest.approx(100.0)
    assert out.peaks[2]["triceps"] == pytest.approx(50.0)
    assert out.unit == "% of peak"
    assert "biceps: % of its highest repetition peak" in out.how
    assert "the effect sizes and p-values do not" in out.how


def test_no_emg_at_all() -> None:
    out = normalise_activation([None, {}, {"biceps": _raw("mV", (), ())}])
    assert out.peaks == [{}, {}, {}]
    assert out.how == "no EMG recorded"


def test_stored_summaries_are_read_as_typed_activations() -> None:
    stored = {
        "channel": "biceps",
        "unit": "mV",
        "normalisation": "mvc",
        "peak": [0.5],
        "mean": [0.2],
        "peak_pct": [50.0],
        "mean_pct": [20.0],
    }
    a = MuscleActivation.model_validate(stored)
    assert (a.unit, a.peak, a.peak_pct) == ("mV", (0.5,), (50.0,))
