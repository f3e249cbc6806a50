"""The EMG page's way to store a set's recording with its channels mapped to muscles.

The recording is synthetic and its numbers are known: two channels of a 100 Hz sine in three
rectangular bursts (1-3 s, 4-6 s, 7-9 s of 10 s at 2000 Hz), amplitudes 0.5 and 0.25 mV, over a
steady 0.004 mV sine at 37 Hz. Over whole periods the sines are orthogonal, so a channel's RMS
is sqrt(0.004²/2 + A²/2 x 6/10) exactly; the rectified mean of a sine is 2A/pi, so with a
calibration level of 2/pi mV a burst's mean activation is 100 x A %MVC.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from mindmuscle.coach.sets import parse_set
from mindmuscle.services.sets import record_set
from mindmuscle.store import CalibrationCreate, Database, repo
from tests.test_web_data import _client

pytest.importorskip("pyxdf")

FS = 2000.0
WINDOWS = [(1.0, 3.0), (4.0, 6.0), (7.0, 9.0)]
AMPS = (0.5, 0.25)
BASE = 0.004
LEVEL = 2.0 / np.pi
CURL = "dumbbell_biceps_curl"
PERFORMED = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)


def _rms(amp: float) -> float:
    return math.sqrt(BASE**2 / 2 + amp**2 / 2 * 6 / 10)


def two_channel_csv(names: tuple[str, str] = ("EMG_L", "EMG_R")) -> bytes:
    """The synthetic recording (see the module docstring), as a CSV with a time column."""
    t = np.arange(round(10 * FS)) / FS
    on = np.zeros_like(t, dtype=bool)
    for a, b in WINDOWS:
        on |= (t >= a) & (t < b)
    columns = [
        BASE * np.sin(2 * np.pi * 37 * t) + amp * on * np.sin(2 * np.pi * 100 * t) for amp in AMPS
    ]
    buf = io.StringIO()
    header = f"t,{names[0]} [mV],{names[1]} [mV]"
    np.savetxt(
        buf, np.column_stack([t, *columns]), delimiter=",", header=header, comments="", fmt="%.10g"
    )
    return buf.getvalue().encode()


def add_set(db: Database, user_id: int = 1, rating: int = 8) -> tuple[int, str]:
    data = parse_set(
        {
            "exercise_id": CURL,
            "performed_at": PERFORMED,
            "load_kg": 12.0,
            "reps": 3,
            "reflection": {"target_rating": rating},
        }
    )
    stored = record_set(db=db, user_id=user_id, data=data, now=PERFORMED).record
    return stored.id, stored.uuid


def calibrate(db: Database, *muscles: str) -> None:
    with db.session() as s:
        for m in muscles:
            repo.add_calibration(
                session=s,
                user_id=1,
                data=CalibrationCreate(
                    muscle=m,
                    level=LEVEL,
                    unit="mV",
                    sfreq_hz=FS,
                    trial=1,
                    window_start_s=0.5,
                    placement="",
                    source="test",
                    created_at=PERFORMED - timedelta(minutes=20),
                ),
            )


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def _db(c: TestClient) -> Database:
    db: Database = c.app.state.ctx.db  # type: ignore[attr-defined]
    return db


def _channels(c: TestClient, ref: str | int, content: bytes, name: str = "set.csv") -> Any:
    return c.post(f"/api/sets/{ref}/emg/channels", files={"file": (name, content, "text/csv")})


def _store(
    c: TestClient, ref: str | int, content: bytes, rows: list[dict[str, Any]], name: str = "set.csv"
) -> Any:
    return c.post(
        f"/api/sets/{ref}/emg",
        files={"file": (name, content, "text/csv")},
        data={"mapping": json.dumps(rows)},
    )


def test_the_channels_of_a_file_with_their_rms_and_the_proposed_muscles(client: TestClient) -> None:
    set_id, uuid = add_set(_db(client))
    r = _channels(client, uuid, two_channel_csv())
    assert r.status_code == 200, r.text
    got = r.json()
    rms = [ch.pop("rms") for ch in got["channels"]]
    # Sent to six significant digits: within half a unit of the sixth.
    assert rms == pytest.approx([_rms(0.5), _rms(0.25)], abs=5e-7)
    assert got == {
        "set_id": set_id,
        "set_uuid": uuid,
        "exercise_name": "Dumbbell Biceps Curl",
        "targets": ["biceps"],
        "file_name": "set.csv",
        # The rate is read from the time column (to the float's precision).
        "sfreq_hz": pytest.approx(FS, rel=1e-9),
        "duration_s": pytest.approx(10.0, rel=1e-9),
        "channels": [
            {"channel": 1, "name": "EMG_L", "unit": "mV", "muscle": "biceps", "side": "left"},
            {"channel": 2, "name": "EMG_R", "unit": "mV", "muscle": "biceps", "side": "right"},
        ],
    }
    # Generic names: the first channel is the one target, the second is not guessed.
    r = _channels(client, set_id, two_channel_csv(("EMG1", "EMG2")))
    assert [(ch["muscle"], ch["side"]) for ch in r.json()["channels"]] == [
        ("biceps", None),
        (None, None),
    ]
    # Reading the channels stores nothing.
    assert client.get(f"/api/sets/{set_id}/emg").status_code == 404
    assert client.get("/api/emg/recordings").json() == []


def test_a_mapped_recording_gives_the_set_its_activation_per_muscle(client: TestClient) -> None:
    db = _db(client)
    set_id, uuid = add_set(db)
    calibrate(db, "biceps_left", "biceps_right")
    rows = [
        {"channel": 1, "muscle": "biceps", "side": "left"},
        {"channel": 2, "muscle": "biceps", "side": "right"},
    ]
    r = _store(client, uuid, two_channel_csv(), rows)
    assert r.status_code == 200, r.text
    view = r.json()
    f = view["features"]
    assert (view["set_id"], view["set_uuid"], view["source"]) == (set_id, uuid, "file")
    assert (f["target"], f["n_reps"]) == ("biceps_left", 3)
    assert (f["sfreq_hz"], f["duration_s"]) == pytest.approx((FS, 10.0), rel=1e-9)
    assert [(m["muscle"], m["channel"], m["role"], m["basis"]) for m in f["muscles"]] == [
        ("biceps_left", "biceps_left", "target", "pct_mvc"),
        ("biceps_right", "biceps_right", "target", "pct_mvc"),
    ]
    for muscle, amp in zip(f["muscles"], AMPS, strict=True):
        assert [rep["mean_pct"] for rep in muscle["reps"]] == pytest.approx(
            [100 * amp] * 3, rel=0.03
        )
        assert [rep["onset_s"] for rep in muscle["reps"]] == pytest.approx(
            [a for a, _ in WINDOWS], abs=0.03
        )
    assert view["muscle_names"] == {
        "biceps_left": "Biceps (biceps brachii), left",
        "biceps_right": "Biceps (biceps brachii), right",
    }
    assert view["left_out"] == []
    assert view["measured"] == f"{f['peak_pct_mvc']:.0f}% MVC"
    # The set now says what was measured beside what was felt; the EMG is the set's, not a
    # plain recording, and reads back the same.
    [s] = client.get("/api/sets").json()
    assert s["emg_peak_mvc"] == pytest.approx(f["peak_pct_mvc"])
    assert s["emg_peak_mvc"] == pytest.approx(100 * AMPS[0], rel=0.05)
    back = client.get(f"/api/sets/{set_id}/emg").json()
    assert {k: v for k, v in back.items() if k != "left_out"} == {
        k: v for k, v in view.items() if k != "left_out"
    }
    assert client.get(f"/api/sets/{set_id}/emg/file").content[:4] == b"XDF:"


def test_a_channel_mapped_to_no_muscle_is_left_out_and_named(client: TestClient) -> None:
    _, uuid = add_set(_db(client))
    rows = [{"channel": 1, "muscle": "biceps", "side": None}, {"channel": 2, "muscle": None}]
    r = _store(client, uuid, two_channel_csv(("EMG1", "EMG2")), rows)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["left_out"] == ["EMG2"]
    assert [m["muscle"] for m in view["features"]["muscles"]] == ["biceps"]
    assert view["muscle_names"] == {"biceps": "Biceps (biceps brachii)"}
    # Without a calibration the activation is the set's own peak, never %MVC.
    assert view["features"]["muscles"][0]["basis"] == "pct_set_peak"
    assert view["measured"].endswith("% of this set's peak")
    [s] = client.get("/api/sets").json()
    assert s["emg_peak_mvc"] is None


@pytest.mark.parametrize(
    ("rows", "name", "content", "status", "message"),
    [
        (
            [
                {"channel": 1, "muscle": "biceps", "side": "left"},
                {"channel": 2, "muscle": "biceps", "side": "left"},
            ],
            "set.csv",
            None,
            422,
            "Channels EMG_L and EMG_R are both Biceps (biceps brachii) (left): one muscle and "
            "side is one channel; change one of them or leave it out.",
        ),
        (
            [{"channel": 1, "muscle": None}, {"channel": 2, "muscle": None}],
            "set.csv",
            None,
            422,
            "No channel is mapped to a muscle: pick the muscle of at least one channel.",
        ),
        (
            [{"channel": 1, "muscle": "triceps"}],
            "set.csv",
            None,
            422,
            "No channel is mapped to a target muscle of Dumbbell Biceps Curl: map one to Biceps "
            "(biceps brachii).",
        ),
        (
            [{"channel": 1, "muscle": "biceps"}],
            "set.foo",
            None,
            422,
            "set.foo: a .foo file is not a format the EMG page reads: give a CSV (.csv, .txt, "
            ".tsv), EDF/BDF (.edf, .bdf) or XDF (.xdf, .xdfz) recording",
        ),
        (
            [{"channel": 1, "muscle": "biceps"}],
            "set.csv",
            b"t\n0\n0.0005\n0.001\n",
            422,
            "set.csv, line 1: no EMG channel besides the time column",
        ),
        (
            [{"channel": "one", "muscle": "biceps"}],
            "set.csv",
            None,
            422,
            "The channel mapping is not valid: give a list of rows {channel: 1-64, muscle: a "
            "muscle id or null, side: left, right or null}.",
        ),
    ],
)
def test_a_refused_mapping_is_one_clear_line_and_stores_nothing(
    client: TestClient,
    rows: list[dict[str, Any]],
    name: str,
    content: bytes | None,
    status: int,
    message: str,
) -> None:
    set_id, uuid = add_set(_db(client))
    r = _store(client, uuid, content or two_channel_csv(), rows, name=name)
    assert r.status_code == status, r.text
    assert r.json()["message"] == message
    assert client.get(f"/api/sets/{set_id}/emg").status_code == 404
    [s] = client.get("/api/sets").json()
    assert s["emg_measured"] is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "set.foo",
            b"t,a\n0,1\n",
            "set.foo: a .foo file is not a format the EMG page reads: give a CSV (.csv, .txt, "
            ".tsv), EDF/BDF (.edf, .bdf) or XDF (.xdf, .xdfz) recording",
        ),
        (
            "set.csv",
            b"t\n0\n0.0005\n0.001\n",
            "set.csv, line 1: no EMG channel besides the time column",
        ),
    ],
)
def test_reading_the_channels_of_a_bad_file_is_one_clear_line(
    client: TestClient, name: str, content: bytes, message: str
) -> None:
    set_id, _ = add_set(_db(client))
    r = _channels(client, set_id, content, name=name)
    assert r.status_code == 422, r.text
    assert r.json()["message"] == message


def test_another_lifters_set_is_not_found_before_the_file_is_read(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        db = _db(c)
        with db.session() as s:
            other = repo.create_user(session=s, name="sam").id
        _, theirs = add_set(db, user_id=other)
        for r in (
            _channels(c, theirs, two_channel_csv()),
            _store(c, theirs, two_channel_csv(), [{"channel": 1, "muscle": "biceps"}]),
            # Not even a broken file is read for a set that is not the user's.
            _channels(c, theirs, b"\xff\xfe not a recording"),
        ):
            assert r.status_code == 404, r.text
        assert c.get("/api/emg/recordings").json() == []


def test_the_upload_limit_and_the_origin_check_come_first(tmp_path: Path) -> None:
    settings_mb = 0.01  # 10 kB: the synthetic file is larger
    from mindmuscle.config import Settings
    from mindmuscle.web import create_app
    from tests.test_web_data import _settings

    settings: Settings = _settings(tmp_path).model_copy(update={"emg_body_max_mb": settings_mb})
    with TestClient(create_app(settings, host="127.0.0.1"), base_url="http://localhost") as c:
        c.headers["X-CSRF-Token"] = c.get("/api/csrf").json()["token"]
        set_id, _ = add_set(_db(c))
        big = two_channel_csv()
        assert len(big) > settings_mb * 1e6
        for url in (f"/api/sets/{set_id}/emg/channels", f"/api/sets/{set_id}/emg"):
            r = c.post(url, files={"file": ("set.csv", big, "text/csv")})
            assert r.status_code == 413, r.text
        small = b"t,EMG1\n0,0\n0.0005,1\n"
        for url in (f"/api/sets/{set_id}/emg/channels", f"/api/sets/{set_id}/emg"):
            r = c.post(
                url,
                files={"file": ("set.csv", small, "text/csv")},
                headers={"Origin": "https://evil.example"},
            )
            assert r.status_code == 403, r.text
            no_token = c.post(
                url,
                files={"file": ("set.csv", small, "text/csv")},
                headers={"X-CSRF-Token": "wrong"},
            )
            assert no_token.status_code == 403, no_token.text
        assert c.get(f"/api/sets/{set_id}/emg").status_code == 404


def test_a_muscle_calibrated_without_a_side_is_used_for_its_one_mapped_side(
    client: TestClient,
) -> None:
    db = _db(client)
    _, uuid = add_set(db)
    calibrate(db, "biceps")
    rows = [{"channel": 1, "muscle": "biceps", "side": "left"}, {"channel": 2, "muscle": None}]
    r = _store(client, uuid, two_channel_csv(), rows)
    assert r.status_code == 200, r.text
    view = r.json()
    [muscle] = view["features"]["muscles"]
    assert (muscle["muscle"], muscle["basis"]) == ("biceps_left", "pct_mvc")
    assert [rep["mean_pct"] for rep in muscle["reps"]] == pytest.approx(
        [100 * AMPS[0]] * 3, rel=0.03
    )
    assert view["calibrations"] == {
        "biceps_left": f"calibrated {PERFORMED - timedelta(minutes=20):%Y-%m-%d %H:%M}"
        " (as biceps, no side given)"
    }


def test_a_calibration_without_a_side_is_not_used_when_both_sides_are_mapped(
    client: TestClient,
) -> None:
    # Two electrodes: a level calibrated under the bare name could be either one's.
    db = _db(client)
    _, uuid = add_set(db)
    calibrate(db, "biceps")
    rows = [
        {"channel": 1, "muscle": "biceps", "side": "left"},
        {"channel": 2, "muscle": "biceps", "side": "right"},
    ]
    r = _store(client, uuid, two_channel_csv(), rows)
    assert r.status_code == 200, r.text
    view = r.json()
    assert [m["basis"] for m in view["features"]["muscles"]] == ["pct_set_peak"] * 2
    assert view["calibrations"] == {
        "biceps_left": "not calibrated: % of this set's peak",
        "biceps_right": "not calibrated: % of this set's peak",
    }
