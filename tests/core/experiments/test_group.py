"""A focus experiment run by a group (pure core): each participant's experiment pooled, each
person compared with themselves (one pair per participant), with the answers known from the data."""

from __future__ import annotations

import math

import pytest

from mindmuscle.catalog import load_catalog
from mindmuscle.errors import InvalidInputError
from mindmuscle.experiments import (
    ExperimentDesign,
    Participant,
    SetResult,
    analyze_group,
    make_design,
)
from mindmuscle.io.plots.experiment_groups import render_group_html


def _design(
    exercise: str = "dumbbell_biceps_curl", loads: tuple[float, ...] = (60.0,)
) -> ExperimentDesign:
    return make_design(
        exercise=load_catalog().exercise(exercise),
        conditions=["internal", "external"],
        loads_pct_e1rm=list(loads),
        sets_per_condition=3,
        seed=1,
        reference="external",
    )


def _sets(
    rows: list[tuple[str, float, int, float | None]], unit_muscle: str = "biceps"
) -> list[SetResult]:
    """(condition, load, rating, biceps peak or None) -> results."""
    return [
        SetResult(
            index=i + 1,
            condition=cond,
            load_pct_e1rm=load,
            target_rating=rating,
            peak_mvc={} if peak is None else {unit_muscle: peak},
            mean_mvc={} if peak is None else {unit_muscle: peak / 2},
        )
        for i, (cond, load, rating, peak) in enumerate(rows)
    ]


def _person(name: str, difference: int, base: int = 4) -> Participant:
    """Two sets of each cue at 60%: ratings differ by ``difference`` on average."""
    rows = [
        ("internal", 60.0, base + difference, 50.0 + difference),
        ("internal", 60.0, base + difference, 50.0 + difference),
        ("external", 60.0, base, 50.0),
        ("external", 60.0, base, 50.0),
    ]
    return Participant(name=name, design=_design(), results=_sets(rows))


def test_each_participant_gives_one_pair_and_the_group_is_compared_paired() -> None:
    group = [_person(n, d) for n, d in zip("ABCDE", (1, 2, 3, 4, 5), strict=True)]
    a = analyze_group(group, n_resamples=500, seed=3)
    e = a.effect("internal", "target_rating")
    assert [p.difference for p in e.participants] == [1.0, 2.0, 3.0, 4.0, 5.0]
    c = e.comparison
    assert c.kind == "paired" and c.n_a == 5
    assert c.mean_difference == pytest.approx(3.0)
    # g_z = J * mean / sd = (1 - 3/15) * 3 / sqrt(2.5)
    assert c.g == pytest.approx(0.8 * 3.0 / math.sqrt(2.5), rel=1e-12)
    # Sign flips of five positive differences: only all-positive and all-negative are as far.
    assert c.exact_p and c.p_value == pytest.approx(2 / 32)
    assert a.participants == list("ABCDE") and a.sets_per_participant["C"] == 4
    peak = a.effect("internal", "peak_mvc", "biceps")
    assert peak.focus_muscle and peak.comparison.mean_difference == pytest.approx(3.0)
    assert not any(e.left_out for e in a.effects)


def test_loads_are_paired_within_each_person_and_everyone_weighs_the_same() -> None:
    # Ann: +2 at 40%, +4 at 60% (and twice the sets at 60%): her difference is the mean, +3.
    ann_rows = [
        ("internal", 40.0, 7, None),
        ("external", 40.0, 5, None),
        *[("internal", 60.0, 8, None)] * 2,
        *[("external", 60.0, 4, None)] * 2,
        ("internal", 80.0, 9, None),  # no external set at 80%: that load gives no pair
    ]
    ann = Participant(name="Ann", design=_design(loads=(40.0, 60.0, 80.0)), results=_sets(ann_rows))
    ben = _person("Ben", 1)
    a = analyze_group([ann, ben], n_resamples=200)
    e = a.effect("internal", "target_rating")
    mine = {p.participant: p for p in e.participants}
    assert mine["Ann"].loads_pct_e1rm == [40.0, 60.0]
    assert (mine["Ann"].condition_mean, mine["Ann"].reference_mean) == (7.5, 4.5)
    assert mine["Ann"].n_condition == 3 and mine["Ann"].n_reference == 3
    assert e.comparison.mean_difference == pytest.approx((3.0 + 1.0) / 2)
    assert e.comparison.g is None
    assert e.comparison.note == (
        "No statistics: 2 participants; at least 3 are needed for an effect size or a test."
    )
    assert any(
        note.startswith("2 participants: a group needs at least 3") for note in a.limitations
    )


def test_a_participant_without_both_conditions_or_on_another_scale_is_left_out_by_name() -> None:
    only_internal = Participant(
        name="Dee", design=_design(), results=_sets([("internal", 60.0, 8, 60.0)])
    )
    other_scale = _person("Eve", 2).model_copy(update={"activation_unit": "% of peak"})
    group = [_person("Ann", 1), _person("Ben", 2), _person("Cai", 3), only_internal, other_scale]
    a = analyze_group(group, n_resamples=300)
    rating = a.effect("internal", "target_rating")
    assert [p.participant for p in rating.participants] == ["Ann", "Ben", "Cai", "Eve"]
    assert [(x.participant, x.reason) for x in rating.left_out] == [
        ("Dee", "no sets with target ratings in both internal and external at one load")
    ]
    peak = a.effect("internal", "peak_mvc", "biceps")
    assert [p.participant for p in peak.participants] == ["Ann", "Ben", "Cai"]
    assert [(x.participant, x.reason) for x in peak.left_out] == [
        ("Dee", "no sets with biceps EMG in both internal and external at one load"),
        ("Eve", "activation in % of peak, the group's is in %MVC"),
    ]
    assert a.activation_unit == "%MVC"
    assert "Left out of some comparisons: Dee, Eve (each comparison says why)" in " ".join(
        a.limitations
    )


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ([("Ann", "dumbbell_biceps_curl")], "A group needs at least 2 participants' experiments"),
        (
            [("Ann", "dumbbell_biceps_curl"), ("Ann", "dumbbell_biceps_curl")],
            "'Ann' is in the group twice",
        ),
        (
            [("Ann", "dumbbell_biceps_curl"), ("Ben", "barbell_bench_press")],
            "Ben's experiment is on 'barbell_bench_press' and Ann's on 'dumbbell_biceps_curl'",
        ),
    ],
)
def test_a_group_that_cannot_be_pooled_is_refused_in_one_line(
    group: list[tuple[str, str]], message: str
) -> None:
    people = [Participant(name=n, design=_design(ex), results=[]) for n, ex in group]
    with pytest.raises(InvalidInputError, match="^" + message):
        analyze_group(people)


def test_other_conditions_are_refused() -> None:
    three = make_design(
        exercise=load_catalog().exercise("dumbbell_biceps_curl"),
        conditions=["internal", "external", "none"],
        loads_pct_e1rm=[60.0],
        sets_per_condition=3,
        seed=1,
        reference="external",
    )
    people = [_person("Ann", 1), Participant(name="Ben", design=three, results=[])]
    with pytest.raises(InvalidInputError) as err:
        analyze_group(people)
    assert str(err.value) == (
        "Ben's experiment compares external, internal, none against external and Ann's "
        "external, internal against external: a group needs the same conditions and reference."
    )


def test_the_report_shows_every_participant_and_escapes_their_names() -> None:
    group = [_person("<b>Ann</b>", 1), _person("Ben", 2), _person("Cai", 3)]
    page = render_group_html(analyze_group(group, n_resamples=200))
    assert "<b>Ann</b>" not in page and "&lt;b&gt;Ann&lt;/b&gt;" in page
    assert page.count('class="figure"') == 2  # target rating and the biceps' peak activation
    assert "4.00 → 5.00" in page and "3 higher, 0 lower" in page
    assert "vigotsky2022" in page and "sevilmis2024" in page
