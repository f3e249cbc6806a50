"""Repetition tempo: defaults by mechanic and validation against the evidence (rule 12).

A tempo has four phases in seconds: eccentric - bottom pause - concentric - top squeeze.

- Defaults: isolation ``3-0-1-1`` (slow eccentric, squeeze at the top), compound ``2-1-1-0``
  (controlled eccentric, short pause, no squeeze under a heavy bar). The default eccentric is 2-3 s
  (azevedo2022, wilk2021); a longer eccentric is an option, never a requirement.
- Validation: 0.5-8 s per repetition is fine (schoenfeld2015); above 10 s a warning; below
  0.5 s a warning. Between 8 and 10 s is accepted without a warning: the studies pooled cover up
  to 8 s and found longer than 10 s probably inferior, so the range between is untested rather
  than worse.
"""

from __future__ import annotations

from mindmuscle.catalog.models import Exercise, Mechanic, Movement, Tempo

__all__ = [
    "FINE_REP_S",
    "MECHANIC_TEMPO",
    "TEMPO_EVIDENCE",
    "WARN_ABOVE_REP_S",
    "check_tempo",
    "default_tempo",
]

TEMPO_EVIDENCE = ["schoenfeld2015", "azevedo2022", "wilk2021"]
FINE_REP_S = (0.5, 8.0)
WARN_ABOVE_REP_S = 10.0

MECHANIC_TEMPO: dict[Mechanic, Tempo] = {
    Mechanic.ISOLATION: Tempo(eccentric_s=3, bottom_pause_s=0, concentric_s=1, top_squeeze_s=1),
    Mechanic.COMPOUND: Tempo(eccentric_s=2, bottom_pause_s=1, concentric_s=1, top_squeeze_s=0),
    # Neither kind's extras (a pause, a squeeze): the 2 s eccentric every default has.
    Mechanic.UNKNOWN: Tempo(eccentric_s=2, bottom_pause_s=0, concentric_s=1, top_squeeze_s=0),
}


def check_tempo(tempo: Tempo, *, isometric: bool = False) -> list[str]:
    """Warnings about a tempo (rule 12); an empty list when it is fine.

    Parameters
    ----------
    tempo : Tempo
        The four phases in seconds.
    isometric : bool
        A hold (plank): no repetition duration to check.

    Returns
    -------
    list of str
        Warnings for a repetition above 10 s or below 0.5 s. A 3-5 s eccentric is never required.

    Examples
    --------
    >>> check_tempo(Tempo.parse("3-0-1-1"))
    []
    >>> check_tempo(Tempo.parse("6-1-3-1"))[0][:40]
    'One repetition takes 11 s: above 10 s pe'
    """
    if isometric:
        return []
    rep_s = tempo.rep_s
    if rep_s > WARN_ABOVE_REP_S:
        return [
            f"One repetition takes {rep_s:g} s: above 10 s per repetition is probably less "
            "effective for growth; 0.5-8 s works equally well (rule 12: schoenfeld2015)."
        ]
    if rep_s < FINE_REP_S[0]:
        return [
            f"One repetition takes {rep_s:g} s: below 0.5 s the load is not controlled; "
            "0.5-8 s works (rule 12: schoenfeld2015)."
        ]
    return []


def default_tempo(exercise: Exercise) -> Tempo:
    """The tempo the coach prescribes for ``exercise``.

    The exercise card's own tempo when it is within 0.5-8 s per repetition with an eccentric of
    at most 4 s; otherwise the default for its mechanic (isolation ``3-0-1-1``, compound
    ``2-1-1-0``). Holds (isometric exercises) keep their card tempo.

    Examples
    --------
    >>> MECHANIC_TEMPO[Mechanic.ISOLATION].as_string()
    '3-0-1-1'
    >>> from mindmuscle.catalog import load_catalog
    >>> default_tempo(load_catalog().exercise("barbell_bench_press")).as_string()
    '2-1-1-0'
    """
    if exercise.concentric == Movement.ISOMETRIC:
        return exercise.tempo
    t = exercise.tempo
    if FINE_REP_S[0] <= t.rep_s <= FINE_REP_S[1] and t.eccentric_s <= 4:
        return t
    return MECHANIC_TEMPO[exercise.mechanic]
