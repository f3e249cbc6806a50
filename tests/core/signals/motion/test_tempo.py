"""Tempo from motion (signals/motion/tempo.py): measured phases against the prescription,
adherence scores and rushing."""

from __future__ import annotations

import pytest

from mindmuscle.catalog.models import Movement, Tempo
from mindmuscle.signals.motion import (
    Repetition,
    analyze_motion,
    simulate_set,
    tempo_adherence,
)

# Tolerance on the mean phase durations of a set, seconds (two samples of the 25 Hz grid plus the
# smoothing of a band-limited position estimate).
PHASE_TOL_S = 0.35


@pytest.mark.parametrize("tempo", ["2-0-1-0", "3-1-1-1", "1-0-1-0"])
def test_phase_durations_match_the_tempo(tempo: str) -> None:
    t = Tempo.parse(tempo)
    rec = simulate_set(reps=8, tempo=t, seed=2, noise_ms2=0.05)
    result = analyze_motion(rec, concentric=Movement.UP, tempo=t)
    assert result.reps == 8
    assert result.tempo_adherence is not None
    d = result.tempo_adherence.differences
    for diff in (d.eccentric_s, d.bottom_pause_s, d.concentric_s, d.top_pause_s):
        assert abs(diff) <= PHASE_TOL_S
    assert result.tut_s == pytest.approx(8 * t.rep_s, rel=0.1)
    assert result.tempo_adherence.score >= 0.75
    assert not result.tempo_adherence.rushing


def test_rushing_is_flagged_against_a_slow_prescription() -> None:
    done = Tempo.parse("1-0-1-0")
    prescribed = Tempo.parse("3-0-1-0")
    rec = simulate_set(reps=8, tempo=done, seed=3, noise_ms2=0.05)
    result = analyze_motion(rec, concentric=Movement.UP, tempo=prescribed)
    ta = result.tempo_adherence
    assert ta is not None
    assert ta.rushing
    assert {f.phase for f in ta.rushed} == {"eccentric"}
    assert ta.differences.eccentric_s == pytest.approx(-2.0, abs=PHASE_TOL_S)
    assert ta.score < 0.75


def test_tempo_adherence_scores() -> None:
    tempo = Tempo.parse("3-1-1-1")

    def rep(i: int, ecc: float, partial: bool = False) -> Repetition:
        return Repetition(
            index=i,
            start_s=0,
            end_s=1,
            eccentric_s=ecc,
            bottom_pause_s=1,
            concentric_s=1,
            top_pause_s=1,
            partial=partial,
            range_ratio=1.0,
        )

    ta = tempo_adherence([rep(1, 3.0), rep(2, 1.2), rep(3, 0.5, partial=True)], tempo)
    assert ta.rep_scores == [1.0, 0.7]
    assert ta.score == pytest.approx(0.85)
    assert ta.differences.eccentric_s == pytest.approx(-0.9)
    assert [(f.rep_index, f.phase) for f in ta.rushed] == [(2, "eccentric")]
    assert ta.rushing  # one of two full repetitions


def test_phases_stay_on_tempo_around_walking_and_a_gap() -> None:
    # A squat set at 3-0-1-1 between 15 s and 10 s of walking, with 4 s missing mid-set: nothing
    # unmeasured may leak into the vertical position that the phases are read from.
    tempo = Tempo.parse("3-0-1-1")
    rec = simulate_set(
        reps=8, tempo=tempo, seed=4, walk_before_s=15, walk_after_s=10, gaps=[(38.0, 4.0)]
    )
    result = analyze_motion(rec, concentric=Movement.UP, tempo=tempo)
    assert (result.reps, result.reps_in_gaps) == (8, 1)
    for rep in result.repetitions:
        assert rep.eccentric_s == pytest.approx(3.0, abs=0.7)
        assert rep.concentric_s == pytest.approx(1.0, abs=0.3)
    assert result.tempo_adherence is not None
    assert result.tempo_adherence.score >= 0.7
