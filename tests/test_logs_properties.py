"""Property tests: garbage, truncated and mutated exports give a clean result or FileFormatError.

Never another exception (a traceback for the user), whatever the bytes.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mindmuscle.errors import FileFormatError
from mindmuscle.io.logs import open_log

STRONG = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE\n"
    '2020-09-15 11:22:57,"Chest, day",1h 43m,"Bench Press (Barbell)",1,45.0,5,0,0,"a\nb",,8\n'
    "2020-09-15 11:22:57,Chest,1h 43m,Bench Press (Barbell),W,45.0,5,0,0,,,\n"
    "2020-09-15 11:22:57,Chest,1h 43m,Bench Press (Barbell),Rest Timer,0,0,0,90,,,\n"
)
HEVY = (
    '"title","start_time","end_time","description","exercise_title","superset_id",'
    '"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
    '"duration_seconds","rpe"\n'
    '"Push","5 Dec 2025, 11:37","5 Dec 2025, 12:55","","Pull Up",,"",0,"warmup",,7,,,\n'
    '"Push","5 Dec 2025, 11:37","5 Dec 2025, 12:55","","Pull Up",1,"",1,"normal",10,7,,,9\n'
)
FITNOTES = (
    "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n"
    '2022-09-14,Flat Barbell Bench Press,Chest,45.0,lbs,10,,,,""\n'
    "2022-09-15,Run,Cardio,,,,5,km,0:25:00,easy\n"
)
NOISE = [",", ";", '"', "\n", "\r", "x", "9", "-", "\x00", "é", ":", "T", "+"]
SAMPLES = [STRONG, HEVY, FITNOTES, STRONG.replace(",", ";")]


def _consume_text(text: str) -> int:
    try:
        with open_log("prop.csv", unit="kg", stream=io.StringIO(text)) as log:
            return sum(1 for _ in log)
    except FileFormatError:
        return -1


def _consume_bytes(data: bytes) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prop.csv"
        path.write_bytes(data)
        try:
            with open_log(path, unit="kg") as log:
                return sum(1 for _ in log)
        except FileFormatError:
            return -1


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=600))
def test_random_bytes(data: bytes) -> None:
    assert _consume_bytes(data) >= -1


@FAST
@given(st.sampled_from(SAMPLES), st.binary(max_size=200))
def test_export_header_then_garbage_bytes(sample: str, tail: bytes) -> None:
    header = sample.split("\n", 1)[0].encode() + b"\n"
    assert _consume_bytes(header + tail) >= -1


@FAST
@given(st.sampled_from(SAMPLES), st.data())
def test_truncated_exports(sample: str, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(sample)))
    assert _consume_text(sample[:cut]) >= -1


@FAST
@given(st.sampled_from(SAMPLES), st.data())
def test_mutated_exports(sample: str, data: st.DataObject) -> None:
    chars = list(sample)
    for _ in range(data.draw(st.integers(min_value=1, max_value=6))):
        i = data.draw(st.integers(min_value=0, max_value=len(chars) - 1))
        chars[i] = data.draw(
            st.sampled_from([",", ";", '"', "\n", "\r", "x", "9", "-", "\x00", "é"])
        )
    assert _consume_text("".join(chars)) >= -1


@FAST
@given(st.sampled_from(SAMPLES), st.text(max_size=300))
def test_header_then_random_text(sample: str, tail: str) -> None:
    header = sample.split("\n", 1)[0] + "\n"
    assert _consume_text(header + tail) >= -1


def test_the_samples_themselves_read() -> None:
    assert [_consume_text(s) for s in SAMPLES] == [2, 2, 2, 2]
