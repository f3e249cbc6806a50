"""Adaptation after a set's reflection: what changes for the next set.

Checked in this order:

1. **Compensation**: a muscle that is not a target felt at 5 or more, or at least as strongly as
   the target: ``lighter`` (one buildable step, at least about 10%) and ``add_touch_cue`` (a hand
   on the target helps keep the work there).
2. **Target barely felt** (0-3 of 10): ``switch_cue`` (the exercise's next cue of the same mode)
   and ``slower_eccentric`` (+1 s, up to 4 s and 8 s per repetition); from the third set on, or
   when the set went to failure (0 reps in reserve), ``lighter`` too: the cue's effect fades
   near failure (rule 8).
3. **Target felt moderately** (4-6): ``add_touch_cue``; if the touch cue is already on,
   ``slower_eccentric``.
4. **Target felt well** (7-10): ``keep``; and ``progress_load`` (one buildable step up) when the
   rating holds: >= 7 on every working set of this exercise in the last two sessions of the
   history, each with 2 or more reps in reserve, and this set too. Time under tension never
   triggers a progression (rule 13): a slower tempo is not a reason to add load.

A low focus rating (0-3) adds ``switch_cue`` (a fresh cue helps attention back) when it is not
already there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal

from mindmuscle.catalog.models import Exercise, Muscle, Tempo
from mindmuscle.coach.focus import cue_for
from mindmuscle.coach.loads import format_load, step_load
from mindmuscle.coach.models import (
    Adaptation,
    EquipmentProfile,
    LoggedSet,
    Prescription,
    Reason,
    Reflection,
)
from mindmuscle.errors import InvalidInputError

__all__ = [
    "ACTION_WORDS",
    "MAX_ECCENTRIC_S",
    "PROGRESS_MIN_RATING",
    "PROGRESS_MIN_RIR",
    "PROGRESS_SESSIONS",
    "adapt",
    "as_lifted",
    "rating_holds",
]

PROGRESS_MIN_RATING = 7
PROGRESS_MIN_RIR = 2
PROGRESS_SESSIONS = 2
#: The slower-eccentric step never goes beyond this (a 2-4 s eccentric is an option: azevedo2022).
MAX_ECCENTRIC_S = 4.0
_MAX_REP_S = 8.0

Action = Literal[
    "keep", "progress_load", "lighter", "slower_eccentric", "switch_cue", "add_touch_cue"
]
ACTION_WORDS: dict[str, str] = {
    "keep": "keep everything as it is",
    "progress_load": "add load",
    "lighter": "go lighter",
    "slower_eccentric": "lower more slowly",
    "switch_cue": "try another cue",
    "add_touch_cue": "add a touch cue",
}
"""Each action as the lifter reads it."""


def _session_key(s: LoggedSet) -> str | date:
    return s.session_id if s.session_id is not None else s.performed_at.date()


def rating_holds(history: Sequence[LoggedSet], exercise_id: str) -> bool:
    """Whether the connection rating held in the last two sessions of ``exercise_id``.

    Every working set (warm-ups ignored) of each of the last :data:`PROGRESS_SESSIONS` sessions
    (by ``session_id``, else by date) must have a target rating >= 7 and 2 or more reps in
    reserve. Sets without a rating or without reps in reserve do not hold.

    Examples
    --------
    >>> rating_holds([], "curl")
    False
    """
    sessions: dict[str | date, list[LoggedSet]] = {}
    for s in sorted(history, key=lambda s: s.performed_at):
        if s.exercise_id == exercise_id and s.set_type != "warmup":
            sessions.setdefault(_session_key(s), []).append(s)
    if len(sessions) < PROGRESS_SESSIONS:
        return False
    last = sorted(sessions.values(), key=lambda ss: max(x.performed_at for x in ss))[
        -PROGRESS_SESSIONS:
    ]
    return all(
        s.target_rating is not None
        and s.target_rating >= PROGRESS_MIN_RATING
        and s.reps_in_reserve is not None
        and s.reps_in_reserve >= PROGRESS_MIN_RIR
        for ss in last
        for s in ss
    )


def _slower(tempo: Tempo) -> Tempo | None:
    ecc = min(MAX_ECCENTRIC_S, tempo.eccentric_s + 1)
    if ecc <= tempo.eccentric_s:
        return None
    new = tempo.model_copy(update={"eccentric_s": ecc})
    if new.rep_s > _MAX_REP_S:
        return None
    return new


def as_lifted(prescription: Prescription, load_kg: float | None) -> Prescription:
    """The prescription of a set as the lifter did it: with the load lifted, when they chose
    another than the one prescribed. The next set follows from what was lifted: a lifter who
    chose 26 kg over the planned 24 and is told "keep it" keeps 26 kg.
    """
    if prescription.load_kg is None or load_kg is None or load_kg == prescription.load_kg:
        return prescription
    return prescription.model_copy(
        update={"load_kg": load_kg, "load_display": format_load(load_kg, prescription.units)}
    )


def muscle_word(muscle_id: str, muscles: Mapping[str, Muscle] | None) -> str:
    """A muscle as a lifter says it: ``'forearm flexors'`` (its id when it is not known).

    Examples
    --------
    >>> muscle_word("nope", None)
    'nope'
    """
    muscle = (muscles or {}).get(muscle_id)
    return muscle_id if muscle is None else muscle.short_name.lower()


def adapt(
    prescription: Prescription,
    reflection: Reflection,
    *,
    exercise: Exercise,
    equipment: EquipmentProfile,
    set_index: int,
    history: Sequence[LoggedSet] = (),
    muscles: Mapping[str, Muscle] | None = None,
) -> Adaptation:
    """Adapt the next set to the reflection on the last one (see the module docstring).

    Parameters
    ----------
    prescription : Prescription
        The prescription of the set just done.
    reflection : Reflection
        Target rating 0-10, muscles felt instead, focus rating, reps in reserve.
    exercise : Exercise
        The exercise (cues, touch cue, load type).
    equipment : EquipmentProfile
        What the user owns (load steps).
    set_index : int
        0 for the first set of the exercise, 1 for the second, ...
    history : sequence of LoggedSet
        Earlier logged sets, for the progression rule.
    muscles : mapping of muscle id to Muscle, optional
        The catalogue's muscles, so the reasons name them ("forearm flexors"), not their ids.

    Returns
    -------
    Adaptation
        The actions, the next prescription and the reasons.

    Raises
    ------
    InvalidInputError
        When ``set_index`` is negative or the exercise is not the prescription's.

    Examples
    --------
    >>> from datetime import datetime
    >>> from mindmuscle.catalog import load_catalog
    >>> from mindmuscle.coach import Profile, build_plan
    >>> catalog = load_catalog()
    >>> plan = build_plan(catalog=catalog, profile=Profile(), readiness=None, history=[],
    ...                   now=datetime(2026, 1, 1), exercise_ids=["dumbbell_biceps_curl"])
    >>> a = adapt(plan.exercises[0], Reflection(target_rating=2),
    ...           exercise=catalog.exercise("dumbbell_biceps_curl"),
    ...           equipment=EquipmentProfile(), set_index=0)
    >>> a.actions
    ['switch_cue', 'slower_eccentric']
    """
    if set_index < 0:
        raise InvalidInputError(f"set_index {set_index} is not allowed: give 0 or more.")
    if exercise.id != prescription.exercise_id:
        raise InvalidInputError(
            f"Exercise {exercise.id!r} is not the prescription's {prescription.exercise_id!r}: "
            "pass the exercise of the set that was done."
        )
    actions: list[Action] = []
    reasons: list[Reason] = []
    update: dict[str, object] = {}
    rating = reflection.target_rating
    rir = reflection.reps_in_reserve
    focus = prescription.focus

    def lighter(why: str) -> None:
        if prescription.load_kg is None:
            reasons.append(Reason(text=f"{why} Body-weight exercise: slow down instead."))
            return
        new = step_load(prescription.load_kg, exercise, equipment, steps=-1)
        while new > 0 and new > prescription.load_kg * 0.9 + 1e-9:
            lower = step_load(new, exercise, equipment, steps=-1)
            if lower >= new:
                break
            new = lower
        if new >= prescription.load_kg:
            reasons.append(Reason(text=f"{why} This is already the lightest load you can build."))
            return
        actions.append("lighter")
        update["load_kg"] = new
        reasons.append(Reason(text=f"{why} Next set {format_load(new, prescription.units)}."))

    def switch_cue(why: str) -> None:
        cues = exercise.external_cues if focus.mode == "external" else exercise.internal_cues
        if len(cues) < 2:
            reasons.append(Reason(text=f"{why} This exercise has one cue of this kind; keep it."))
            return
        base = focus.cue.split(" | ")[0]
        index = cues.index(base) + 1 if base in cues else 1
        cue = cue_for(exercise, focus.mode, index)
        update["focus"] = focus.model_copy(update={"cue": cue})
        # The rest's words say the cue to picture: the new one, not the one that was not felt.
        update["between_set_prompt"] = prescription.between_set_prompt.replace(
            f"'{focus.cue}'", f"'{cue}'"
        )
        actions.append("switch_cue")
        reasons.append(Reason(text=f"{why} Try: '{cue}'", evidence=["kristiansen2018"]))

    def slower(why: str) -> None:
        tempo = _slower(prescription.tempo)
        if tempo is None:
            reasons.append(Reason(text=f"{why} The eccentric is already as slow as advised."))
            return
        update["tempo"] = tempo
        actions.append("slower_eccentric")
        reasons.append(
            Reason(
                text=(
                    f"{why} Lower in {tempo.eccentric_s:g} s (tempo {tempo.as_string()}): "
                    "more time to feel the muscle; 2-4 s is an option, never a rule."
                ),
                evidence=["azevedo2022", "wilk2021"],
            )
        )

    def touch(why: str) -> None:
        update["touch_during_set"] = True
        actions.append("add_touch_cue")
        reasons.append(Reason(text=f"{why} {exercise.touch_cue}"))

    elsewhere = {
        m: v
        for m, v in reflection.felt_elsewhere.items()
        if m not in exercise.targets and (v >= 5 or v >= max(rating or 0, 1))
    }
    if elsewhere:
        names = ", ".join(f"{muscle_word(m, muscles)} {v}/10" for m, v in sorted(elsewhere.items()))
        lighter(f"Felt elsewhere ({names}) more than is good: they are taking over.")
        if not prescription.touch_during_set:
            touch("Touch the target to keep the work there:")
    elif rating is None:
        reasons.append(Reason(text="Target not rated (skipped on purpose): nothing changes."))
    elif rating <= 3:
        switch_cue(f"Target felt {rating}/10: another cue.")
        slower("And a slower eccentric.")
        if set_index >= 2 or rir == 0:
            lighter("Lighter too: a cue's effect fades near failure (rule 8).")
            reasons[-1] = reasons[-1].model_copy(update={"evidence": ["fujita2020"]})
    elif rating <= 6:
        if not prescription.touch_during_set:
            touch(f"Target felt {rating}/10: add the touch cue.")
        else:
            slower(f"Target felt {rating}/10 with the touch cue on: slow down.")
    else:
        reasons.append(Reason(text=f"Target felt {rating}/10: keep everything as it is."))
        holds = rating_holds(history, exercise.id)
        if (
            holds
            and rir is not None
            and rir >= PROGRESS_MIN_RIR
            and prescription.load_kg is not None
        ):
            new = step_load(prescription.load_kg, exercise, equipment, steps=1)
            if new > prescription.load_kg:
                actions.append("progress_load")
                update["load_kg"] = new
                reasons.append(
                    Reason(
                        text=(
                            f"The rating held (>= {PROGRESS_MIN_RATING} on every working set for "
                            f"{PROGRESS_SESSIONS} sessions with {PROGRESS_MIN_RIR}+ reps in "
                            f"reserve): next load {format_load(new, prescription.units)}. "
                            "Progression follows the connection and the reps in reserve, never "
                            "time under tension alone (rule 13)."
                        ),
                        evidence=["burd2012"],
                    )
                )
        elif rir is None and holds:
            reasons.append(
                Reason(text="Log your reps in reserve so the coach can progress the load.")
            )
    if (
        reflection.focus_rating is not None
        and reflection.focus_rating <= 3
        and "switch_cue" not in actions
    ):
        switch_cue(f"Focus {reflection.focus_rating}/10: a fresh cue to bring attention back.")
    if not actions:
        actions.append("keep")
    if "load_kg" in update:
        load = update["load_kg"]
        assert isinstance(load, float)
        update["load_display"] = format_load(load, prescription.units)
        if prescription.e1rm_kg:
            update["percent_e1rm"] = round(load / prescription.e1rm_kg * 100, 1)
    next_p = prescription.model_copy(update=update)
    return Adaptation(actions=actions, next=next_p, reasons=reasons)
