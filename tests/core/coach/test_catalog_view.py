"""The catalogue view (coach/catalog_view.py): what the coach reads from a catalogue.

The real catalogue and the tests' small one both satisfy it; the coach gives the same answer
from either when they hold the same cards.
"""

from __future__ import annotations

import inspect

import pytest

from mindmuscle.catalog import load_catalog
from mindmuscle.coach import connection_map
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.errors import UnknownIdError
from tests.factories import NOW, FactoryCatalog, logged

MEMBERS = {"muscles", "exercises", "exercise", "muscle"}


def _members(cls: type) -> set[str]:
    return {name for name in vars(cls) if not name.startswith("_")}


def test_the_view_is_four_read_only_members() -> None:
    assert _members(CatalogView) == MEMBERS
    assert isinstance(inspect.getattr_static(CatalogView, "muscles"), property)
    assert isinstance(inspect.getattr_static(CatalogView, "exercises"), property)


@pytest.mark.parametrize("view", [load_catalog(), FactoryCatalog()], ids=["real", "factory"])
def test_both_catalogues_have_every_member_and_raise_unknown_ids(view: CatalogView) -> None:
    for name in MEMBERS:
        assert hasattr(view, name), name
    with pytest.raises(UnknownIdError, match="no_such_exercise"):
        view.exercise("no_such_exercise")
    with pytest.raises(UnknownIdError, match="no_such_muscle"):
        view.muscle("no_such_muscle")


def test_the_coach_answers_the_same_from_a_small_view_of_the_same_cards() -> None:
    real = load_catalog()
    curl = real.exercise("dumbbell_biceps_curl")
    small = FactoryCatalog(
        muscles={m: real.muscle(m) for m in (*curl.targets, *curl.synergists)},
        exercises={curl.id: curl},
    )
    history = [
        logged(days_ago=2, target_rating=6, felt_elsewhere={"forearm": 3}),
        logged(days_ago=1, target_rating=8),
    ]
    from_real = connection_map(history, catalog=real, now=NOW)
    from_small = connection_map(history, catalog=small, now=NOW)
    assert from_small == from_real
    biceps = from_small["biceps"]
    # Two ratings 1 day apart with a 21-day half-life: weights 0.5**(2/21) and 0.5**(1/21).
    w2, w1 = 0.5 ** (2 / 21), 0.5 ** (1 / 21)
    assert biceps.score == pytest.approx((6 * w2 + 8 * w1) / (w2 + w1), abs=1e-9)
    assert biceps.count == 2
