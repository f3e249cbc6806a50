"""Scoring motion counts against confirmed repetitions (signals/motion/evaluation.py)."""

from __future__ import annotations

from mindmuscle.signals.motion.evaluation import (
    CountCheck,
    CountScore,
    score_by_exercise,
    score_counts,
)


def test_no_sets_have_no_score() -> None:
    assert score_counts([]) is None
    assert score_by_exercise([]) == {}


def test_exact_within_one_and_errors() -> None:
    score = score_counts([(10, 10), (9, 10), (12, 10), (8, 8), (0, 3)])
    assert score == CountScore(
        n=5, exact=0.4, within_one=0.6, mean_abs_error=(0 + 1 + 2 + 0 + 3) / 5, mean_error=-0.4
    )


def test_scores_per_exercise_in_id_order() -> None:
    checks = [
        CountCheck("squat", 5, 5),
        CountCheck("curl", 11, 10),
        CountCheck("squat", 7, 5),
        CountCheck("curl", 10, 10),
    ]
    assert checks[1].error == 1
    scores = score_by_exercise(checks)
    assert list(scores) == ["curl", "squat"]
    assert scores["curl"] == CountScore(2, 0.5, 1.0, 0.5, 0.5)
    assert scores["squat"] == CountScore(2, 0.5, 0.5, 1.0, 1.0)
    assert scores["squat"].as_dict() == {
        "n": 2,
        "exact": 0.5,
        "within_one": 0.5,
        "mean_abs_error": 1.0,
        "mean_error": 1.0,
    }
