"""The coach's reading of a long history from totals and recent sets (coach/summary.py).

Read whole (``since`` None) the summary gives the map and the e1RM of every set exactly; read
from a window it gives the same within its tolerance, and says so (None or False) when the sets
left out could matter.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from mindmuscle.catalog import load_catalog
from mindmuscle.coach import connection_map, estimate_e1rm
from mindmuscle.coach.summary import (
    CONNECTION_HALF_LIFE_DAYS,
    TOLERANCE,
    WINDOW_HALF_LIVES,
    RatedSet,
    connection_map_from_summary,
    e1rm_from_summary,
    e1rm_window,
    rated_windows,
    summarise,
)
from tests.factories import NOW, logged

CATALOG = load_catalog()
CURL = "dumbbell_biceps_curl"


def _history() -> list:  # type: ignore[type-arg]
    return [
        logged(CURL, days_ago=30, load_kg=12.0, reps=10, target_rating=5),
        logged(CURL, days_ago=20, load_kg=14.0, reps=8, target_rating=6,
               felt_elsewhere={"forearm": 6}),
        logged(CURL, days_ago=10, load_kg=14.0, reps=12, target_rating=8, set_type="warmup"),
        logged(CURL, days_ago=2, load_kg=16.0, reps=6, reps_in_reserve=2),
        logged("barbell_back_squat", days_ago=1, load_kg=100.0, reps=5, target_rating=7),
    ]  # fmt: skip


def _rated(sets: list) -> list[RatedSet]:  # type: ignore[type-arg]
    ordered = sorted(sets, key=lambda s: s.performed_at)
    return [
        RatedSet(s.exercise_id, s.performed_at, s.target_rating)
        for s in ordered
        if s.target_rating is not None
    ]


def test_the_totals_count_every_set_rated_lifted_and_felt() -> None:
    summary = summarise(_history())
    assert summary.sets == {CURL: 4, "barbell_back_squat": 1}
    curl = summary.rated[CURL]
    assert (curl.count, curl.first, curl.last) == (
        3, NOW - timedelta(days=30), NOW - timedelta(days=10))  # fmt: skip
    lifted = summary.lifted[CURL]  # the warm-up does not count for the e1RM
    assert (lifted.count, lifted.brzycki, lifted.max_load_kg) == (3, 3, 16.0)
    assert lifted.last == NOW - timedelta(days=2)
    assert summary.felt == {CURL: {"forearm": 1}}


def test_read_whole_the_map_and_the_e1rm_are_those_of_every_set() -> None:
    history = _history()
    summary = summarise(history)
    since = {ex: None for ex in summary.rated}
    from_summary = connection_map_from_summary(
        summary, _rated(history), since=since, catalog=CATALOG, now=NOW
    )
    assert from_summary == connection_map(history, catalog=CATALOG, now=NOW, unknown="skip")
    assert from_summary is not None
    assert from_summary["biceps"].count == 3 and from_summary["quadriceps"].count == 1
    whole = estimate_e1rm(history, CURL, now=NOW)
    assert whole is not None
    got = e1rm_from_summary(summary, history, CURL, since=None, now=NOW)
    assert got == whole.model_copy(update={"formula": "brzycki"})
    assert e1rm_from_summary(summary, history, "leg_press", since=None, now=NOW) is None


def test_windows_reach_64_half_lives_back_from_the_newest_set() -> None:
    summary = summarise(_history())
    ratings = rated_windows(summary, CATALOG)
    assert ratings[CURL] == NOW - timedelta(days=10 + WINDOW_HALF_LIVES * CONNECTION_HALF_LIFE_DAYS)
    assert e1rm_window(summary, CURL) == NOW - timedelta(days=2 + WINDOW_HALF_LIVES * 14)
    assert e1rm_window(summary, "leg_press") is None


def test_sets_left_out_that_could_matter_ask_for_the_whole_history() -> None:
    history = _history()
    summary = summarise(history)
    recent = [s for s in history if s.performed_at >= NOW - timedelta(days=15)]
    since = {CURL: NOW - timedelta(days=15), "barbell_back_squat": None}
    # Two curl ratings 20 and 30 days old weigh far more than TOLERANCE of the rest.
    assert TOLERANCE < 0.5 ** (30 / CONNECTION_HALF_LIFE_DAYS)
    got = connection_map_from_summary(
        summary, _rated(recent), since=since, catalog=CATALOG, now=NOW
    )
    assert got is None
    assert (
        e1rm_from_summary(summary, recent, CURL, since=NOW - timedelta(days=15), now=NOW) is False
    )


def test_a_set_older_than_the_window_changes_nothing_that_shows() -> None:
    old = logged(CURL, days_ago=3000, load_kg=10.0, reps=10, target_rating=1)
    history = [old, *_history()]
    summary = summarise(history)
    start = rated_windows(summary, CATALOG)[CURL]
    recent = [s for s in history if s.performed_at >= start]
    since = {ex: (start if ex == CURL else None) for ex in summary.rated}
    got = connection_map_from_summary(
        summary, _rated(recent), since=since, catalog=CATALOG, now=NOW
    )
    full = connection_map(history, catalog=CATALOG, now=NOW, unknown="skip")
    assert got is not None
    assert got["biceps"].count == full["biceps"].count == 4  # counted exactly
    assert got["biceps"].score == pytest.approx(full["biceps"].score, rel=TOLERANCE)
