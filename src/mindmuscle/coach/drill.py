"""The flexing drill: about ten minutes without weights, weakest muscles first.

Each muscle gets ``reps`` rounds of flex (build the contraction over ``flex_s``), hold (squeeze
hard for ``hold_s``) and release (relax completely for ``release_s``), using the muscle's own
flex cue, then ``SWITCH_S`` seconds to rate it and move to the next. Muscles are ordered by
:func:`muscle_priority`: rated muscles below the "connected" score first (lowest first), then
muscles never rated (in a beginner-friendly order), then the well-connected ones.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.models import ConnectionScore, DrillItem, DrillPlan
from mindmuscle.errors import InvalidInputError

__all__ = [
    "CONNECTED_SCORE",
    "FLEX_TIMING_S",
    "STARTER_MUSCLES",
    "SWITCH_S",
    "drill_plan",
    "muscle_priority",
]

#: A muscle counts as connected at this score (0-10) or above.
CONNECTED_SCORE = 7.0

#: Muscles in the order a beginner learns to feel them: large, easy-to-see muscles first
#: (the elbow flexors are where an internal focus has been shown to matter, schoenfeld2018).
STARTER_MUSCLES: tuple[str, ...] = (
    "biceps",
    "pec_sternal",
    "lats",
    "triceps",
    "side_delt",
    "quadriceps",
    "glute_max",
    "hamstrings",
    "rear_delt",
    "calves",
    "rectus_abdominis",
    "middle_traps",
    "pec_clavicular",
    "front_delt",
    "brachialis",
    "upper_traps",
    "rhomboids",
    "lower_traps",
    "glute_med",
    "obliques",
    "forearm_flexors",
    "serratus_anterior",
    "erector_spinae",
    "adductors",
    "transverse_abdominis",
    "hip_flexors",
)

#: (flex_s, hold_s, release_s, reps) per muscle.
FLEX_TIMING_S = (2.0, 5.0, 5.0, 5)
SWITCH_S = 15.0


def muscle_priority(
    muscle_ids: list[str],
    scores: Mapping[str, ConnectionScore],
    *,
    trained: Collection[str] = (),
) -> list[str]:
    """Order muscles weakest first.

    Rated muscles below :data:`CONNECTED_SCORE` come first (lowest score first), then unrated
    muscles (those in ``trained``, the muscles the lifter trains, first; each part in
    :data:`STARTER_MUSCLES` order, others alphabetically after), then connected muscles (lowest
    score first).

    Examples
    --------
    >>> muscle_priority(["biceps", "lats"], {})
    ['biceps', 'lats']
    """
    starter = {m: i for i, m in enumerate(STARTER_MUSCLES)}

    def key(m: str) -> tuple[int, float, int, str]:
        s = scores.get(m)
        if s is None:
            return (1, 0.0 if m in trained else 1.0, starter.get(m, len(starter)), m)
        group = 0 if s.score < CONNECTED_SCORE else 2
        return (group, s.score, starter.get(m, len(starter)), m)

    return sorted(muscle_ids, key=key)


def drill_plan(
    *,
    catalog: CatalogView,
    scores: Mapping[str, ConnectionScore],
    minutes: float = 10,
) -> DrillPlan:
    """A flexing drill that fits in ``minutes``, weakest muscles first.

    Parameters
    ----------
    catalog : CatalogView
        The muscles and their flex cues.
    scores : mapping of str to ConnectionScore
        The connection map (may be empty for a new user).
    minutes : float
        Time available, 2-60 minutes (default 10).

    Returns
    -------
    DrillPlan
        Items with flex-hold-release timings, the total duration in seconds (at most
        ``minutes * 60``) and the reason for the order.

    Raises
    ------
    InvalidInputError
        When ``minutes`` is outside 2-60.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> d = drill_plan(catalog=load_catalog(), scores={})
    >>> d.total_s, d.items[0].muscle_id
    (600.0, 'biceps')
    """
    if not (math.isfinite(minutes) and 2 <= minutes <= 60):
        raise InvalidInputError(f"Drill length {minutes} min is not allowed: give 2-60 minutes.")
    flex_s, hold_s, release_s, reps = FLEX_TIMING_S
    per_muscle_s = reps * (flex_s + hold_s + release_s) + SWITCH_S
    budget_s = minutes * 60.0
    n = max(1, int(budget_s // per_muscle_s))
    order = muscle_priority(list(catalog.muscles), scores)[:n]
    items = [
        DrillItem(
            muscle_id=m,
            name=catalog.muscle(m).name,
            cue=catalog.muscle(m).flex_cue,
            flex_s=flex_s,
            hold_s=hold_s,
            release_s=release_s,
            reps=reps,
        )
        for m in order
    ]
    weak = [m for m in order if m in scores and scores[m].score < CONNECTED_SCORE]
    if weak:
        names = ", ".join(catalog.muscle(m).short_name.lower() for m in weak)
        reason = (
            f"Weakest connections first ({names}), then muscles not rated yet. Each: "
            f"{reps} x flex {flex_s:g} s, hold {hold_s:g} s, release {release_s:g} s; rate the "
            "muscle after its last hold."
        )
    else:
        reason = (
            f"No weak connections on record: muscles in a beginner-friendly order. Each: {reps} x "
            f"flex {flex_s:g} s, hold {hold_s:g} s, release {release_s:g} s; rate the muscle "
            "after its last hold."
        )
    return DrillPlan(items=items, total_s=len(items) * per_muscle_s, reason=reason)
