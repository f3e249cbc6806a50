"""A period prior (the prescribed tempo's, or the lifter's usual cadence) guides the period search
where the signal leaves it open, and never forces a count on a clear signal."""

from __future__ import annotations

import pytest

from mindmuscle.catalog.models import Tempo
from mindmuscle.errors import OutOfRangeError
from mindmuscle.signals.motion import MotionStream, analyze_motion, simulate_set
from tests.factories import two_alike_halves

PERIOD_S = 4.0
REPS = 8


def test_a_prior_settles_a_repetition_oftwo_alike_halves() -> None:
    rec = two_alike_halves()
    # Alone, the count takes each half for a repetition.
    assert analyze_motion(rec).reps == 2 * REPS
    guided = analyze_motion(rec, period_prior_s=PERIOD_S)
    assert guided.reps == REPS
    assert guided.rep_period_s == pytest.approx(PERIOD_S, abs=0.1)
    # A prior far from both readings (twice the period) still prefers the nearer one.
    assert analyze_motion(rec, period_prior_s=2 * PERIOD_S).reps == REPS
    # A prior at the half keeps the half: the prior decides only what the signal leaves open.
    assert analyze_motion(rec, period_prior_s=PERIOD_S / 2).reps == 2 * REPS


@pytest.mark.parametrize("tempo", ["2-0-1-0", "3-1-1-1", "1-0-1-0", "4-0-2-1"])
@pytest.mark.parametrize("factor", [1 / 3, 1 / 2, 2.0, 3.0])
def test_a_wrong_prior_does_not_change_a_clear_count(tempo: str, factor: float) -> None:
    t = Tempo.parse(tempo)
    rec = simulate_set(reps=REPS, tempo=t, seed=4)
    assert analyze_motion(rec).reps == REPS
    assert analyze_motion(rec, period_prior_s=factor * t.rep_s).reps == REPS


def test_the_stream_passes_the_prior_to_its_final_count() -> None:
    rec = two_alike_halves(seed=1)
    stream = MotionStream(period_prior_s=PERIOD_S)
    for i in range(0, rec.t_s.size, 25):
        stream.push(rec.t_s[i : i + 25], rec.acc_ms2[i : i + 25])
    final = stream.finish()
    assert final.reps == analyze_motion(rec, period_prior_s=PERIOD_S).reps == REPS


@pytest.mark.parametrize("prior", [0.0, -3.0, 0.1, 41.0, float("nan"), float("inf")])
def test_a_prior_that_is_no_period_is_refused_with_the_range(prior: float) -> None:
    rec = simulate_set(reps=5, tempo=Tempo.parse("2-0-1-0"), seed=0)
    with pytest.raises(OutOfRangeError, match=r"period_prior_s .* from 0\.25 to 40"):
        analyze_motion(rec, period_prior_s=prior)
