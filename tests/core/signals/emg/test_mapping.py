"""Channel-to-muscle rows: proposals from channel names and places, and the checks that turn
confirmed rows into a ``--map`` text."""

from __future__ import annotations

import pytest

from mindmuscle.catalog import load_catalog
from mindmuscle.errors import InvalidInputError
from mindmuscle.signals.emg.live import parse_channel_map
from mindmuscle.signals.emg.mapping import (
    ChannelMuscle,
    channel_map_text,
    muscle_words,
    side_of,
    suggest_channel_muscles,
)

MUSCLES = list(load_catalog().muscles.values())
NAMES = {m.id: m.name for m in MUSCLES}


def _proposed(
    labels: list[str], targets: tuple[str, ...] = ()
) -> list[tuple[str | None, str | None]]:
    return [(r.muscle, r.side) for r in suggest_channel_muscles(labels, MUSCLES, targets=targets)]


@pytest.mark.parametrize(
    ("label", "side", "words"),
    [
        ("Biceps_L", "left", "biceps"),
        ("R biceps", "right", "biceps"),
        ("EMG1", None, ""),
        ("left-right", None, ""),  # both sides: none is clear
        ("Front delt (mV)", None, "front delt"),
        ("ch 3", None, ""),
        ("Lats", None, "lats"),
    ],
)
def test_side_and_muscle_words_of_a_channel_name(label: str, side: str | None, words: str) -> None:
    assert side_of(label) == side
    assert muscle_words(label) == words


@pytest.mark.parametrize(
    ("labels", "targets", "expected"),
    [
        # Named channels: their muscle and side, whatever the exercise.
        (["Biceps_L", "Biceps_R"], ("biceps",), [("biceps", "left"), ("biceps", "right")]),
        (["quads", "hamstring"], ("quadriceps",), [("quadriceps", None), ("hamstrings", None)]),
        (["upper chest", "front delt"], (), [("pec_clavicular", None), ("front_delt", None)]),
        # Unnamed: the first channel is the one target; the others stay blank.
        (["EMG1", "EMG2"], ("biceps",), [("biceps", None), (None, None)]),
        # Two unnamed sides of the one target.
        (["EMG_L", "EMG_R"], ("biceps",), [("biceps", "left"), ("biceps", "right")]),
        # A named target: the unnamed channels are not guessed.
        (["biceps", "EMG2"], ("biceps",), [("biceps", None), (None, None)]),
        # Two targets, or none: nothing is clear from the place.
        (["EMG1", "EMG2"], ("pec_sternal", "pec_clavicular"), [(None, None), (None, None)]),
        (["EMG1"], (), [(None, None)]),
        # A name that is no muscle: blank, and the first channel is not that.
        (["Sensor A", "EMG2"], ("biceps",), [(None, None), (None, None)]),
        # A word two muscles share is not clear.
        (["traps"], (), [("upper_traps", None)]),
    ],
)
def test_proposals_only_where_the_name_or_place_is_clear(
    labels: list[str], targets: tuple[str, ...], expected: list[tuple[str | None, str | None]]
) -> None:
    assert _proposed(labels, targets) == expected


def test_rows_become_the_map_the_terminal_takes_and_unmapped_channels_are_named() -> None:
    rows = [
        ChannelMuscle(channel=3, muscle="front_delt"),
        ChannelMuscle(channel=1, muscle="biceps", side="left"),
        ChannelMuscle(channel=2, muscle=None, side="right"),
    ]
    labels = ["EMG1", "EMG2", "EMG3", "EMG4"]
    text, left_out = channel_map_text(rows, labels, NAMES)
    assert (text, left_out) == ("1=biceps_left,3=front_delt", ["EMG2", "EMG4"])
    assert parse_channel_map(text, labels) == [(0, "biceps_left"), (2, "front_delt")]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                ChannelMuscle(channel=1, muscle="biceps", side="left"),
                ChannelMuscle(channel=2, muscle="biceps", side="left"),
            ],
            r"^Channels EMG1 and EMG2 are both Biceps \(biceps brachii\) \(left\): one muscle "
            r"and side is one channel; change one of them or leave it out\.$",
        ),
        (
            [ChannelMuscle(channel=1, muscle="biceps"), ChannelMuscle(channel=2, muscle="biceps")],
            r"^Channels EMG1 and EMG2 are both Biceps \(biceps brachii\): ",
        ),
        ([ChannelMuscle(channel=3, muscle="biceps")], r"^Channel 3 is not in the recording: "),
        (
            [ChannelMuscle(channel=1, muscle="biceps"), ChannelMuscle(channel=1)],
            r"^Channel EMG1 is mapped twice",
        ),
        ([ChannelMuscle(channel=1, muscle="wings")], r"^Muscle 'wings' for channel EMG1 is not"),
        ([ChannelMuscle(channel=1), ChannelMuscle(channel=2)], r"^No channel is mapped"),
    ],
)
def test_bad_rows_are_one_clear_line(rows: list[ChannelMuscle], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        channel_map_text(rows, ["EMG1", "EMG2"], NAMES)


def test_the_same_muscle_on_two_sides_is_two_muscles() -> None:
    rows = [
        ChannelMuscle(channel=1, muscle="biceps", side="left"),
        ChannelMuscle(channel=2, muscle="biceps", side="right"),
    ]
    assert channel_map_text(rows, ["a", "b"], NAMES) == ("1=biceps_left,2=biceps_right", [])


def test_a_recording_without_channels_has_nothing_to_map() -> None:
    with pytest.raises(InvalidInputError, match=r"^The recording has no EMG channel"):
        channel_map_text([ChannelMuscle(channel=1, muscle="biceps")], [], NAMES)


def test_a_row_without_a_muscle_has_no_mapped_name() -> None:
    with pytest.raises(ValueError, match="channel 2 is mapped to no muscle"):
        _ = ChannelMuscle(channel=2).mapped_name
