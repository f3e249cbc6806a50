"""Focus choice per set: internal (on the muscle) or external (on the movement or the load).

The choice follows the coaching rules of EVIDENCE.md, checked in this order (the first that
applies wins):

1. a test set, or a load of 80% e1RM or more: external (rule 2);
2. an AMRAP or to-failure set, or the endurance goal: external (rule 4);
3. the strength goal on a compound exercise: external (rules 2 and 5, grgic2021);
4. a load of 60% e1RM or less (warm-ups included): internal (rule 1);
5. above 60 and below 80% e1RM: internal for isolation, external for compound (rule 3);
6. unknown load: internal for isolation, external for compound, lower-body compounds external
   (rules 3 and 6).

A cue is always given (rule 15): never ``mode="none"``. Internal cues are said early in the set
(rule 8) and offered to novices too (rule 9); the hypertrophy benefit of an internal focus is
labelled as limited evidence (rule 11).
"""

from __future__ import annotations

import math

from mindmuscle.catalog.models import Exercise, Mechanic, Region
from mindmuscle.coach.models import Experience, Focus, FocusMode, Goal, SetType
from mindmuscle.errors import InvalidInputError

__all__ = ["RULE_EVIDENCE", "choose_focus", "cue_for"]

#: Evidence ids of the focus rules (EVIDENCE.md).
RULE_EVIDENCE: dict[int, list[str]] = {
    1: ["calatayud2016", "snyderfry2012", "schoenfeld2018"],
    2: ["calatayud2016", "marchant2009", "grgic2021"],
    3: ["snyderfry2012", "paoli2019"],
    4: ["marchant2011", "grgic2022"],
    5: ["schoenfeldcontreras2016", "marchant2009"],
    6: ["grgic2021", "schoenfeld2018"],
    7: ["snyderfry2012"],
    8: ["fujita2020"],
    9: ["calatayud2017", "danielscook2017", "snyderleech2009"],
    11: ["schoenfeld2018"],
    15: ["kristiansen2018"],
}


def cue_for(exercise: Exercise, mode: FocusMode, index: int = 0) -> str:
    """The exercise's cue for ``mode``; ``index`` cycles through its cues.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> curl = load_catalog().exercise("dumbbell_biceps_curl")
    >>> cue_for(curl, "internal", 1) == curl.internal_cues[1]
    True
    """
    cues = exercise.external_cues if mode == "external" else exercise.internal_cues
    return cues[index % len(cues)]


def _evidence(*rules: int) -> list[str]:
    out: list[str] = []
    for r in rules:
        for e in RULE_EVIDENCE[r]:
            if e not in out:
                out.append(e)
    return out


def choose_focus(
    exercise: Exercise,
    *,
    goal: Goal,
    percent_e1rm: float | None,
    set_type: SetType = "working",
    experience: Experience = "new",
    cue_index: int = 0,
) -> Focus:
    """Choose the attentional focus and the cue of one set.

    Parameters
    ----------
    exercise : Exercise
        The exercise; its mechanic, region and cues are used.
    goal : {"hypertrophy", "strength", "endurance"}
        The lifter's goal.
    percent_e1rm : float or None
        The load as a percentage of the estimated 1RM (0 or more); None when unknown (starting test,
        body weight).
    set_type : {"warmup", "working", "drop", "failure", "amrap", "test"}
        The kind of set.
    experience : {"new", "some", "experienced"}
        Novices get the same cues, with a note that targeting improves with practice (rule 9).
    cue_index : int
        Which of the exercise's cues to give (cycles), for switching cues after a reflection.

    Returns
    -------
    Focus
        Mode (``internal`` or ``external``, never ``none``), the cue, the rationale with the rule
        numbers, and the evidence ids.

    Raises
    ------
    InvalidInputError
        When ``percent_e1rm`` is negative or not finite.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> squat = load_catalog().exercise("barbell_back_squat")
    >>> choose_focus(squat, goal="strength", percent_e1rm=85).mode
    'external'
    """
    if percent_e1rm is not None and not (math.isfinite(percent_e1rm) and percent_e1rm >= 0):
        raise InvalidInputError(
            f"percent_e1rm {percent_e1rm} is not allowed: give a percentage of 0 or more, or "
            "None when the e1RM is unknown."
        )
    compound = exercise.mechanic == Mechanic.COMPOUND
    unknown = exercise.mechanic == Mechanic.UNKNOWN
    kind = "compound" if compound else "isolation"
    pct = "" if percent_e1rm is None else f" at {percent_e1rm:.0f}% e1RM"
    mode: FocusMode
    if set_type == "test" or (percent_e1rm is not None and percent_e1rm >= 80):
        mode, rules = "external", [2]
        why = (
            f"Heavy or test set{pct}: an external cue on the movement helps produce force; "
            "at heavy loads a muscle cue no longer raises target activation reliably (rule 2)."
        )
    elif set_type in ("amrap", "failure") or goal == "endurance":
        mode, rules = "external", [4]
        what = "Endurance goal" if goal == "endurance" else f"{set_type.upper()} set"
        why = (
            f"{what}: an external cue gives more repetitions than a muscle cue; an internal "
            "focus costs reps (rule 4)."
        )
    elif goal == "strength" and compound:
        mode, rules = "external", [2, 5]
        why = (
            f"Strength goal on a compound lift{pct}: an external focus produces more force "
            "(rules 2 and 5)."
        )
    elif set_type == "warmup" or (percent_e1rm is not None and percent_e1rm <= 60):
        mode, rules = "internal", [1, 7]
        why = (
            f"Light load{pct or ' (warm-up)'}: a cue on the target muscle raises its activation at "
            "loads up to about 60% 1RM (rule 1). Think of that one muscle only (rule 7)."
        )
    elif unknown:
        # Rules 3 and 6 rest on the kind: not known, it is not taken for an isolation exercise
        # (whose default is the muscle cue), so the default is the one that costs nothing.
        mode, rules = "external", [3]
        why = (
            f"{exercise.name}{pct}: its kind (compound or isolation) is not known, so it is not "
            "taken for an isolation exercise; an external cue is the default and you may switch "
            "to the muscle cue (rule 3)."
        )
    elif percent_e1rm is not None:
        if compound:
            mode, rules = "external", [3]
            why = (
                f"Moderate load{pct} on a compound lift: the evidence is mixed in this load range, "
                "so the default is an external cue; you may switch to the muscle cue (rule 3)."
            )
        else:
            mode, rules = "internal", [3, 7]
            why = (
                f"Moderate load{pct} on an isolation exercise: the evidence is mixed in this load "
                "range, so the default is a muscle cue; you may switch to the external cue "
                "(rule 3)."
            )
    elif compound and exercise.region == Region.LOWER:
        mode, rules = "external", [6]
        why = "Lower-body compound lift: an external cue is the default (rule 6)."
    elif compound:
        mode, rules = "external", [3]
        why = "Compound lift at an unknown load: an external cue is the default (rule 3)."
    else:
        mode, rules = "internal", [6, 7]
        why = (
            f"{exercise.region.value.capitalize()}-body {kind} exercise: a cue on the target "
            "muscle first (rule 6). Think of that one muscle only (rule 7)."
        )
    if mode == "internal":
        rules.append(8)
        why += " Say the cue in the first repetitions; the effect fades near failure (rule 8)."
        if goal == "hypertrophy":
            rules.append(11)
            why += (
                " Whether this adds muscle growth rests on limited evidence (one trial, rule 11)."
            )
    if experience == "new":
        rules.append(9)
        why += (
            " New to this: cues work for novices too, and targeting improves with practice "
            "(rule 9)."
        )
    rules.append(15)
    return Focus(
        mode=mode,
        cue=cue_for(exercise, mode, cue_index),
        rationale=why,
        evidence=_evidence(*rules),
    )
