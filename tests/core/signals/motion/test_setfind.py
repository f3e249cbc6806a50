"""Finding the set inside a recording (signals/motion/setfind.py)."""

from __future__ import annotations

import numpy as np
import pytest

from mindmuscle.catalog.models import Tempo
from mindmuscle.signals.motion import (
    analyze_motion,
    simulate_set,
)
from mindmuscle.signals.motion.setfind import find_set, rhythm_similarity

RATE = 25.0
PERIOD_S = 3.0


def _recording(lead_in: bool) -> tuple[np.ndarray, np.ndarray]:
    """Ten repetitions (3 s each) from 12 s to 42 s, still before and after; optionally with
    the set-up before them: a loud reach for the weight (3-8 s) and a smaller shuffle into
    position right up to the first repetition (8-12 s), neither of which repeats."""
    t = np.arange(0, 55, 1 / RATE)
    x = np.zeros((t.size, 2))
    reps = (t >= 12) & (t < 42)
    x[reps, 0] = np.sin(2 * np.pi * (t[reps] - 12) / PERIOD_S)
    x[reps, 1] = 0.5 * np.sin(4 * np.pi * (t[reps] - 12) / PERIOD_S)
    if lead_in:
        reach = (t >= 3) & (t < 8)
        x[reach, 0] = 1.5 * np.sin(2 * np.pi * (t[reach] - 3) * np.linspace(0.2, 1.4, reach.sum()))
        x[reach, 1] = np.exp(-(((t[reach] - 6) / 1.2) ** 2))
        shuffle = (t >= 8) & (t < 12)
        x[shuffle, 0] = 0.6 * np.sin(2 * np.pi * 0.9 * (t[shuffle] - 8) ** 1.3)
        x[shuffle, 1] = 0.3 * np.cos(2 * np.pi * 0.5 * (t[shuffle] - 8))
    return t, x


def test_similarity_is_high_inside_the_set_and_low_in_stillness() -> None:
    t, x = _recording(lead_in=False)
    sim = rhythm_similarity(x, round(PERIOD_S * RATE))
    assert np.all(sim[(t > 13) & (t < 38)] > 0.9)
    assert np.all(sim[t < 8] == 0.0)
    assert np.all(sim[t > 45] == 0.0)


def test_the_set_edges_are_the_first_and_last_repetition() -> None:
    for lead_in in (False, True):
        t, x = _recording(lead_in)
        found = find_set(x, round(PERIOD_S * RATE))
        assert found is not None
        # Edges within a quarter of a repetition of the truth, before and after a lead-in.
        assert abs(t[found.start] - 12.0) <= 0.75, (lead_in, t[found.start])
        assert abs(t[found.stop - 1] - 42.0) <= 0.75, (lead_in, t[found.stop - 1])
        # The count looks at least as wide as the set.
        assert found.reach_start <= found.start and found.reach_stop >= found.stop
        assert 0.9 < found.clarity <= 1.0


def test_nothing_repeating_is_no_set() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(1000, 2))
    assert find_set(x, round(PERIOD_S * RATE)) is None
    assert find_set(np.zeros((1000, 2)), round(PERIOD_S * RATE)) is None


@pytest.mark.parametrize(("tempo", "seed"), [("2-0-1-0", 0), ("3-1-1-1", 1), ("1-0-1-0", 2)])
def test_the_set_is_found_between_walking_and_idle_time(tempo: str, seed: int) -> None:
    t = Tempo.parse(tempo)
    rec = simulate_set(
        reps=8,
        tempo=t,
        seed=seed,
        idle_before_s=6.0,
        idle_after_s=6.0,
        walk_before_s=10.0,
        walk_after_s=8.0,
    )
    result = analyze_motion(rec)
    first, last = result.repetitions[0], result.repetitions[-1]
    assert result.active_start_s is not None and result.active_end_s is not None
    # Within one repetition period of the first repetition's start and the last one's end
    # (the unracking and re-racking join the movement at either end).
    assert result.rep_period_s == pytest.approx(t.rep_s, abs=0.1)
    assert result.active_start_s == pytest.approx(first.start_s, abs=t.rep_s)
    assert result.active_end_s == pytest.approx(last.end_s, abs=t.rep_s)
    assert result.summary_dict()["active_start_s"] == result.active_start_s


def _gravity(
    t: np.ndarray, swing_deg: float, turns: list[tuple[float, float, float]]
) -> np.ndarray:
    """Slow gravity direction (unit vectors) swinging ``swing_deg`` about one direction at the
    repetition rhythm, and turning by ``angle_deg`` from ``from_s`` to ``to_s`` for each
    ``(angle_deg, from_s, to_s)`` (a smooth turn that stays)."""
    angle = np.radians(swing_deg) * np.sin(2 * np.pi * t / PERIOD_S)
    for turn_deg, t0, t1 in turns:
        ramp = np.clip((t - t0) / (t1 - t0), 0.0, 1.0)
        angle = angle + np.radians(turn_deg) * (1 - np.cos(np.pi * ramp)) / 2
    return np.column_stack([np.sin(angle), np.zeros(t.size), np.cos(angle)])


def test_the_set_ends_where_the_wrist_leaves_its_own_posture() -> None:
    # Ten repetitions (12-42 s), the wrist swinging 4 degrees, then a racking movement at the
    # set's rhythm (42-45 s) during which the wrist turns 30 degrees away (42-43.5 s) and stays:
    # the rhythm alone takes the racking in (the set ends at 45 s), and 30 degrees is inside the
    # wide cone. The set's own swing (twice its 90th percentile, at least 15 degrees) ends it
    # where the turn crosses 15 degrees, at 42.75 s. Before the set the wrist comes from the
    # same 30 degrees away and settles during the first repetition (11.5-13.5 s): the start
    # keeps to the wide cone (the set's own cone would move it to 12.7 s, into the first
    # repetition).
    t = np.arange(0, 55, 1 / RATE)
    x = np.zeros((t.size, 2))
    moving = (t >= 12) & (t < 45)
    x[moving, 0] = np.sin(2 * np.pi * (t[moving] - 12) / PERIOD_S)
    x[moving, 1] = 0.5 * np.sin(4 * np.pi * (t[moving] - 12) / PERIOD_S)
    gravity = _gravity(t, 4.0, [(30.0, -1.0, 0.0), (-30.0, 11.5, 13.5), (30.0, 42.0, 43.5)])
    lag = round(PERIOD_S * RATE)
    found = find_set(x, lag, gravity)
    assert found is not None
    assert t[found.stop] == pytest.approx(42.75, abs=0.25)
    assert found.reach_stop <= found.stop + lag // 4
    assert t[found.start] == pytest.approx(12.0, abs=0.5)
    wide = find_set(x, lag, gravity, own_end=False)
    assert wide is not None
    assert t[wide.stop - 1] == pytest.approx(45.0, abs=0.5)
    assert wide.start == found.start
