"""The connection test's protocol and score (effortmatch2019): known holds, known errors."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from numpy.testing import assert_allclose

import mindmuscle.experiments.skill_test as skill_test
from mindmuscle.errors import InvalidInputError, InvalidSignalError
from mindmuscle.experiments.skill_test import (
    TARGETS_PCT,
    score_skill_test,
    skill_test_order,
    skill_test_steps,
)

RATE = 100.0


def test_docstring_examples_run() -> None:
    result = doctest.testmod(skill_test)
    assert result.attempted > 0 and result.failed == 0


def test_the_order_is_random_but_the_same_for_a_seed() -> None:
    assert skill_test_order(seed=7) == skill_test_order(seed=7)
    orders = {tuple(skill_test_order(seed=s)) for s in range(40)}
    assert len(orders) == 6  # every order of three targets turns up
    for order in orders:
        assert sorted(order) == list(TARGETS_PCT)
    twice = skill_test_order(repeats=2, seed=1)
    assert sorted(twice) == [10.0, 10.0, 20.0, 20.0, 40.0, 40.0]


def test_steps_rest_before_every_hold_and_name_the_next_target() -> None:
    steps = skill_test_steps([40.0, 10.0, 20.0], hold_s=5.0, rest_s=12.0)
    assert [(s.kind, s.number, s.target_pct, s.seconds) for s in steps] == [
        ("rest", 1, 40.0, 3.0),
        ("hold", 1, 40.0, 5.0),
        ("rest", 2, 10.0, 12.0),
        ("hold", 2, 10.0, 5.0),
        ("rest", 3, 20.0, 12.0),
        ("hold", 3, 20.0, 5.0),
    ]


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"hold_s": 1.0}, "a hold of 1 s is not allowed: give 2 to 10 s"),
        ({"hold_s": 3.0, "settle_s": 2.5}, "give 0 to 2 s, so at least one second is scored"),
        ({"rest_s": -1.0}, "a rest of -1 s is not allowed: give 0 to 120 s"),
    ],
)
def test_protocol_limits_say_what_is_allowed(kwargs: dict[str, float], phrase: str) -> None:
    with pytest.raises(InvalidInputError, match=phrase):
        skill_test_steps([10.0], **kwargs)


def test_order_limits_say_what_is_allowed() -> None:
    with pytest.raises(InvalidInputError, match="give 1 to 5"):
        skill_test_order(repeats=0)
    with pytest.raises(InvalidInputError, match="a target of 120 % MVC is not allowed"):
        skill_test_order([10.0, 120.0])


def test_a_perfect_steady_lifter_scores_zero_error() -> None:
    holds = [(t, np.full(500, t)) for t in (40.0, 10.0, 20.0)]
    score = score_skill_test(holds, RATE)
    assert [t.target_pct for t in score.targets] == [10.0, 20.0, 40.0]
    for t in score.targets:
        assert (t.mean_pct, t.error_pct, t.sd_pct, t.n_samples) == (t.target_pct, 0.0, 0.0, 400)
    assert score.overall_sd_pct == 0.0


def test_sd_around_the_target_counts_both_the_offset_and_the_wobble() -> None:
    rng = np.random.default_rng(0)
    # 10 %: steady at 13 (offset 3, no wobble); 20 %: right level, wobble SD 4;
    # 40 %: 5 under with wobble SD 3 -> sqrt(5^2 + 3^2).
    wobble = rng.standard_normal(50_000)
    wobble = (wobble - wobble.mean()) / wobble.std()
    holds = [
        (10.0, np.full(50_000, 13.0)),
        (20.0, 20.0 + 4.0 * wobble),
        (40.0, 35.0 + 3.0 * wobble),
    ]
    score = score_skill_test(holds, RATE, settle_s=0.0)
    by = {t.target_pct: t for t in score.targets}
    assert_allclose([by[10.0].error_pct, by[10.0].sd_pct], [3.0, 3.0], atol=1e-12)
    assert_allclose([by[20.0].error_pct, by[20.0].sd_pct], [0.0, 4.0], atol=1e-9)
    assert_allclose([by[40.0].error_pct, by[40.0].sd_pct], [-5.0, np.sqrt(34.0)], atol=1e-9)
    assert score.overall_sd_pct == pytest.approx((3.0 + 4.0 + np.sqrt(34.0)) / 3, abs=1e-9)


def test_the_first_second_of_a_hold_is_left_out() -> None:
    ramp = np.concatenate([np.linspace(0.0, 20.0, 100), np.full(400, 20.0)])
    score = score_skill_test([(20.0, ramp)], RATE, settle_s=1.0)
    assert (score.targets[0].sd_pct, score.targets[0].n_samples) == (0.0, 400)
    with_ramp = score_skill_test([(20.0, ramp)], RATE, settle_s=0.0)
    assert with_ramp.targets[0].sd_pct > 5.0


def test_a_target_held_twice_pools_its_holds() -> None:
    holds = [(10.0, np.full(300, 12.0)), (10.0, np.full(300, 8.0))]
    [t] = score_skill_test(holds, RATE).targets
    assert (t.n_holds, t.n_samples, t.mean_pct, t.sd_pct) == (2, 400, 10.0, 2.0)


def test_a_hold_without_a_scored_second_is_refused_with_its_number() -> None:
    holds = [(10.0, np.full(500, 10.0)), (40.0, np.full(150, 40.0))]
    with pytest.raises(InvalidSignalError, match=r"hold 2 \(40 % MVC\) has 0.5 s of signal"):
        score_skill_test(holds, RATE)


def test_a_hold_one_reading_short_of_a_second_is_scored() -> None:
    # 20 frames a second: whether the edge frame falls in the scored second is timing.
    frames = np.full(39, 20.0)  # 2 s hold, the first second left out: 19 readings
    [t] = score_skill_test([(20.0, frames)], 20.0).targets
    assert t.n_samples == 19
    with pytest.raises(InvalidSignalError, match=r"has 0\.9 s of signal"):
        score_skill_test([(20.0, np.full(38, 20.0))], 20.0)
