"""Which channel of a recording is which muscle, and on which side: rows a page or a script
gives, checked against the recording and the catalogue, and proposals read from channel names.

A row maps one channel (its 1-based number in the file) to a muscle id of the catalogue and a
side (left, right, or none); a channel mapped to no muscle is left out. The rows become the
``CH=MUSCLE[,CH=MUSCLE...]`` map that ``mindmuscle set emg --map`` and ``mindmuscle live --map``
take (a muscle with a side is named ``muscle_left`` or ``muscle_right``)::

    rows = suggest_channel_muscles(["Biceps_L", "Biceps_R"], muscles, targets=["biceps"])
    text, left_out = channel_map_text(rows, ["Biceps_L", "Biceps_R"], names)   # "1=biceps_left,…"

A proposal is made only where it is clear: a channel named as a catalogue muscle (its id, its
name or a coach's word for it) is that muscle; otherwise, for an exercise with one target
muscle, the file's first channel is the target (as ``mindmuscle emg`` takes the first channel
as the target), and two unnamed channels marked left and right are its two sides. Anything else
stays blank for the lifter to choose.

Pure: labels, muscles and rows in, rows and text out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.catalog.models import Muscle
from mindmuscle.errors import InvalidInputError

__all__ = [
    "MAX_CHANNELS",
    "ChannelMuscle",
    "Side",
    "channel_map_text",
    "muscle_words",
    "side_of",
    "suggest_channel_muscles",
]

Side = Literal["left", "right"]
MAX_CHANNELS = 64
"""The most channels a mapping takes (a high-density grid is analysed in the terminal)."""

_SIDE_WORDS: Mapping[str, Side] = {"left": "left", "l": "left", "right": "right", "r": "right"}
_NOISE = re.compile(r"^(emg|ch|chan|channel|sensor|raw|mv|uv|v)?\d*$")


class ChannelMuscle(BaseModel):
    """One channel of a recording and its muscle (None: left out) and side."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channel: int = Field(ge=1, le=MAX_CHANNELS, description="1-based, in file order")
    muscle: str | None = Field(
        default=None, max_length=64, description="Catalogue muscle id; None leaves it out."
    )
    side: Side | None = None

    @property
    def mapped_name(self) -> str:
        """The name the set's EMG keeps for it: ``biceps``, ``biceps_left``, ``biceps_right``."""
        if self.muscle is None:
            raise ValueError(f"channel {self.channel} is mapped to no muscle")
        return self.muscle if self.side is None else f"{self.muscle}_{self.side}"


def _words(label: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", label.lower()) if w]


def side_of(label: str) -> Side | None:
    """The side a channel's name states, if any.

    Examples
    --------
    >>> side_of("Biceps_L"), side_of("right biceps"), side_of("EMG1"), side_of("Lats")
    ('left', 'right', None, None)
    """
    sides = {_SIDE_WORDS[w] for w in _words(label) if w in _SIDE_WORDS}
    return sides.pop() if len(sides) == 1 else None


def muscle_words(label: str) -> str:
    """A channel's name without its side, numbering and words such as ``EMG``: what may name
    a muscle.

    Examples
    --------
    >>> muscle_words("EMG1 Biceps_L"), muscle_words("EMG2"), muscle_words("front-delt (mV)")
    ('biceps', '', 'front delt')
    """
    return " ".join(w for w in _words(label) if w not in _SIDE_WORDS and not _NOISE.match(w))


def _keys(muscle: Muscle) -> set[str]:
    """The words that name ``muscle``: its id, its name (with and without the part in
    brackets, and that part), and a coach's words for it; each also without a plural s."""
    keys = {" ".join(_words(muscle.id)), " ".join(_words(muscle.name))}
    if "(" in muscle.name:
        head, _, rest = muscle.name.partition("(")
        keys |= {" ".join(_words(head)), " ".join(_words(rest))}
    keys |= {" ".join(_words(c)) for c in muscle.cue_names}
    keys.discard("")
    return keys | {k.removesuffix("s") for k in keys}


def _named(words: str, muscles: Sequence[Muscle]) -> str | None:
    """The one muscle whose words are ``words``; None when none or several are."""
    if not words:
        return None
    found = {m.id for m in muscles if words in _keys(m) or words.removesuffix("s") in _keys(m)}
    return found.pop() if len(found) == 1 else None


def suggest_channel_muscles(
    labels: Sequence[str], muscles: Sequence[Muscle], *, targets: Sequence[str] = ()
) -> list[ChannelMuscle]:
    """A proposed muscle and side for each channel, where its name or its place makes it clear.

    Parameters
    ----------
    labels : sequence of str
        The recording's channel names, in file order.
    muscles : sequence of Muscle
        The catalogue's muscles.
    targets : sequence of str
        Muscle ids of the set's exercise's target muscles.

    Returns
    -------
    list of ChannelMuscle
        One row per channel, in file order; ``muscle`` None where nothing is clear.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> ms = list(load_catalog().muscles.values())
    >>> [(r.muscle, r.side) for r in suggest_channel_muscles(["EMG1", "EMG2"], ms,
    ...                                                      targets=["biceps"])]
    [('biceps', None), (None, None)]
    >>> [(r.muscle, r.side) for r in suggest_channel_muscles(["Lat_R", "triceps"], ms)]
    [('lats', 'right'), ('triceps', None)]
    """
    rows = [
        ChannelMuscle(channel=i + 1, muscle=_named(muscle_words(lab), muscles), side=side_of(lab))
        for i, lab in enumerate(labels)
    ]
    named = {r.muscle for r in rows if r.muscle is not None}
    left = [t for t in dict.fromkeys(targets) if t not in named]
    unnamed = [r for r in rows if r.muscle is None and not muscle_words(labels[r.channel - 1])]
    if len(targets) != 1 or len(left) != 1 or not unnamed:
        return rows
    sides = [r.side for r in unnamed]
    if len(unnamed) == 2 and sorted(s or "" for s in sides) == ["left", "right"]:
        chosen = {r.channel for r in unnamed}  # two unnamed sides of the one target
    elif unnamed[0].channel == 1:
        chosen = {1}  # the first channel is the target, as in `mindmuscle emg`
    else:
        return rows
    return [r.model_copy(update={"muscle": left[0]}) if r.channel in chosen else r for r in rows]


def _label(labels: Sequence[str], row: ChannelMuscle) -> str:
    return labels[row.channel - 1] if row.channel <= len(labels) else str(row.channel)


def channel_map_text(
    rows: Sequence[ChannelMuscle],
    labels: Sequence[str],
    names: Mapping[str, str],
) -> tuple[str, list[str]]:
    """The ``CH=MUSCLE`` map of ``rows``, and the names of the channels it leaves out.

    Parameters
    ----------
    rows : sequence of ChannelMuscle
        At most one row per channel; a channel without a row, or with no muscle, is left out.
    labels : sequence of str
        The recording's channel names, in file order.
    names : mapping
        Display name of every catalogue muscle id (the muscles a row may name).

    Raises
    ------
    InvalidInputError
        A channel the recording does not have or given twice, a muscle not in the catalogue,
        two channels on the same muscle and side, or no channel mapped at all.

    Examples
    --------
    >>> rows = [ChannelMuscle(channel=1, muscle="biceps", side="left"), ChannelMuscle(channel=2)]
    >>> channel_map_text(rows, ["EMG1", "EMG2"], {"biceps": "Biceps"})
    ('1=biceps_left', ['EMG2'])
    """
    if not labels:
        raise InvalidInputError("The recording has no EMG channel: there is nothing to map.")
    seen: dict[int, ChannelMuscle] = {}
    taken: dict[str, ChannelMuscle] = {}
    for row in rows:
        label = _label(labels, row)
        if row.channel > len(labels):
            raise InvalidInputError(
                f"Channel {row.channel} is not in the recording: it has channels 1-{len(labels)} "
                f"({', '.join(labels[:8])}{' ...' if len(labels) > 8 else ''})."
            )
        if row.channel in seen:
            raise InvalidInputError(f"Channel {label} is mapped twice: give each channel one row.")
        seen[row.channel] = row
        if row.muscle is None:
            continue
        if row.muscle not in names:
            raise InvalidInputError(
                f"Muscle {row.muscle!r} for channel {label} is not in the catalogue: pick one "
                "of its muscles, or none to leave the channel out."
            )
        other = taken.get(row.mapped_name)
        if other is not None:
            where = "" if row.side is None else f" ({row.side})"
            raise InvalidInputError(
                f"Channels {_label(labels, other)} and {label} are both "
                f"{names[row.muscle]}{where}: one muscle and side is one channel; change one "
                "of them or leave it out."
            )
        taken[row.mapped_name] = row
    if not taken:
        raise InvalidInputError(
            "No channel is mapped to a muscle: pick the muscle of at least one channel."
        )
    text = ",".join(f"{r.channel}={name}" for name, r in sorted(taken.items(), key=_by_channel))
    left_out = [lab for i, lab in enumerate(labels, 1) if i not in seen or seen[i].muscle is None]
    return text, left_out


def _by_channel(item: tuple[str, ChannelMuscle]) -> int:
    return item[1].channel
