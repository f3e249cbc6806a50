"""``mindmuscle set motion ID FILE``: a watch's or sensor's recording stored with a logged set, so
that ``motion evaluate`` scores its count against the reps the lifter confirmed (real watch files
from ../shared/data, read in place, and simulated sets with a known count)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from mindmuscle.catalog.models import Tempo
from mindmuscle.cli import app
from mindmuscle.errors import NotFoundError
from mindmuscle.io.motion import payload_from_recording, read_motion_file, recording_from_payload
from mindmuscle.services import motion as motion_service
from mindmuscle.services.catalog import user_catalog
from mindmuscle.signals.motion import analyze_motion
from mindmuscle.signals.motion.synthetic import simulate_set
from mindmuscle.store import LOCAL_USER_ID, open_database, repo

runner = CliRunner()
MSP = ("241224_MSP_W13_6_S3_R10.csv", "241224_MSP_W4_5_S1_R12.csv", "241224_MSP_W9_1_S2_R8.csv")


def _run(db: str, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result.output


def _refused(db: str, *args: str) -> str:
    """A refused command: exit 1 and one line."""
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1, result.output
    return result.output.strip()


def _named(db: str, set_id: int) -> str:
    """How a refusal names the set: by its exercise and time, not its id."""
    from datetime import datetime

    from mindmuscle.coach.sets import set_named

    (s,) = [s for s in json.loads(_run(db, "history", "--json", "--deleted"))["sets"]
            if s["id"] == set_id]  # fmt: skip
    return set_named("Wrist Curl", datetime.fromisoformat(s["performed_at"]))


def _log(db: str, exercise: str, reps: int) -> int:
    out = json.loads(_run(db, "log", exercise, "--reps", str(reps), "--load", "20", "--json"))
    set_id: int = out["id"]
    return set_id


def _csv(path: Path, reps: int, seed: int = 0, rate_hz: float = 50.0) -> Path:
    rec = simulate_set(reps=reps, tempo=Tempo.parse("2-0-1-0"), seed=seed, rate_hz=rate_hz)
    rows = np.column_stack([rec.t_s, rec.acc_ms2])
    np.savetxt(path, rows, delimiter=",", header="t,ax,ay,az", comments="", fmt="%.6f")
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "mm.db")


def test_watch_files_stored_with_sets_are_scored_against_the_confirmed_reps(
    db: str, shared_data: Path
) -> None:
    watch = shared_data / "imu" / "watch"
    labels = {
        line.split(",")[0]: int(line.split(",")[3])
        for line in (watch / "labels.csv").read_text().splitlines()[1:]
    }
    expected = []
    for name in MSP:
        set_id = _log(db, "machine_shoulder_press", labels[name])
        out = json.loads(_run(db, "set", "motion", str(set_id), str(watch / name), "--json"))
        file_count = motion_service.analyze_file(watch / name).reps
        # Stored as the set loop counts: no prior (no usual cadence yet, no tempo), as the file.
        assert out["analysis"]["reps"] == file_count
        assert (out["set_id"], out["confirmed"], out["file_name"]) == (set_id, labels[name], name)
        assert out["exercise"] == "Machine Shoulder Press"
        expected.append((labels[name], file_count))
    evaluated = json.loads(_run(db, "motion", "evaluate", "--json"))
    # The stored samples (the gyroscope on the accelerometer's times) count as the file does.
    assert [(s["confirmed"], s["counted"]) for s in evaluated["sets"]] == expected
    assert [s["counted_then"] for s in evaluated["sets"]] == [c for _, c in expected]
    errors = [c - r for r, c in expected]
    assert evaluated["total"]["n"] == 3
    assert evaluated["total"]["exact"] == pytest.approx(errors.count(0) / 3)
    assert evaluated["total"]["mean_error"] == pytest.approx(sum(errors) / 3)


def test_the_terminal_says_what_was_stored_and_the_count_against_the_confirmed_reps(
    db: str, tmp_path: Path
) -> None:
    set_id = _log(db, "wrist_curl", 9)
    out = _run(db, "set", "motion", str(set_id), str(_csv(tmp_path / "curls.csv", reps=8)))
    rec = read_motion_file(tmp_path / "curls.csv")
    a = analyze_motion(rec)
    assert a.reps == 8  # the simulated set's own count
    span = motion_service.set_span_line(a)
    assert span is not None
    assert out.splitlines() == [
        f"Stored the motion of set {set_id} (Wrist Curl) from curls.csv.",
        "Counted 8 repetitions; you confirmed 9.",
        span[0].upper() + span[1:] + ".",
        "`mindmuscle motion evaluate` scores the count on every set stored with motion.",
    ]
    database = open_database(f"sqlite:///{db}")
    with database.session() as s:
        uuid = repo.get_set_by_id(session=s, user_id=LOCAL_USER_ID, set_id=set_id).uuid
        [row] = repo.list_recordings(session=s, user_id=LOCAL_USER_ID, set_uuid=uuid)
        # The file itself is kept, and the samples as the phone's are.
        assert row.blob == (tmp_path / "curls.csv").read_bytes()
        assert row.file_name == "curls.csv" and row.kind == "motion"
        assert row.analysis is not None and row.analysis["reps"] == 8
        assert row.data is not None
        stored = recording_from_payload(row.data)
    database.close()
    np.testing.assert_allclose(stored.acc_ms2, rec.acc_ms2)
    np.testing.assert_allclose(stored.t_s, rec.t_s - rec.t_s[0], atol=1e-6)


def test_refusals_are_one_line_and_store_nothing(db: str, tmp_path: Path) -> None:
    set_id = _log(db, "wrist_curl", 8)
    other = _log(db, "wrist_curl", 8)
    good = _csv(tmp_path / "curls.csv", reps=8)
    assert _refused(db, "set", "motion", "999", str(good)) == (
        "Error: No set with id 999. `mindmuscle history --json` lists the ids of your sets."
    )
    assert _refused(db, "set", "motion", str(set_id), str(tmp_path / "none.csv")) == (
        f"Error: No such file: {tmp_path / 'none.csv'}."
    )
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    assert _refused(db, "set", "motion", str(set_id), str(big)) == (
        "Error: big.csv is 21.0 MB; a set's motion file may be at most 20 MB: cut the file to "
        "the set."
    )
    long = tmp_path / "long.csv"
    t = np.arange(0, 1300, 0.1)
    still = np.column_stack([t, np.zeros_like(t), np.zeros_like(t), np.full_like(t, 9.81)])
    np.savetxt(long, still, delimiter=",", header="t,ax,ay,az", comments="", fmt="%.3f")
    assert _refused(db, "set", "motion", str(set_id), str(long)) == (
        "Error: long.csv holds 13000 samples over 1300 s; a set's motion holds at most 120000 "
        "samples and 20 minutes (one set): cut the file to the set, then store it."
    )
    # A refused choice is a usage error (exit 2), as the README says.
    bad_units = runner.invoke(
        app, ["set", "motion", str(set_id), str(good), "--units", "kg", "--db", db]
    )
    assert (bad_units.exit_code, bad_units.output.strip()) == (
        2,
        "Error: --units kg is not allowed: it must be 'g' or 'ms2'. See 'mindmuscle set motion "
        "--help'.",
    )
    _run(db, "set", "motion", str(set_id), str(good))
    # A set keeps one motion recording: a second is refused, naming where the first came from.
    again = _csv(tmp_path / "again.csv", reps=8, seed=1)
    named = _named(db, set_id)
    assert _refused(db, "set", "motion", str(set_id), str(again)) == (
        f"Error: {named} already has its motion recording (from curls.csv); a set keeps one."
    )
    _run(db, "set", "delete", str(other))
    assert _refused(db, "set", "motion", str(other), str(again)) == (
        f"Error: {_named(db, other)} is deleted: its motion is stored once it is restored. "
        f"`mindmuscle set restore {other}` restores it."
    )
    evaluated = json.loads(_run(db, "motion", "evaluate", "--json"))
    assert [(s["set_id"], s["counted"]) for s in evaluated["sets"]] == [(set_id, 8)]


def test_another_users_set_is_not_found(db: str, tmp_path: Path) -> None:
    set_id = _log(db, "wrist_curl", 8)
    good = _csv(tmp_path / "curls.csv", reps=8)
    database = open_database(f"sqlite:///{db}")
    with database.session() as s:
        other = repo.create_user(session=s, name="sam").id
    catalog = user_catalog(db=database, user_id=other)
    with pytest.raises(NotFoundError):
        motion_service.store_set_motion_file(database, other, set_id, good, catalog=catalog)
    with database.session() as s:
        assert repo.list_recordings(session=s, user_id=LOCAL_USER_ID) == []
        assert repo.list_recordings(session=s, user_id=other) == []
    database.close()


def test_confirmed_counts_teach_the_usual_cadence(db: str, tmp_path: Path) -> None:
    """Three stored sets whose count the lifter confirmed unchanged give the usual cadence: the
    median of their periods."""
    periods = []
    for seed in range(3):
        set_id = _log(db, "wrist_curl", 8)
        out = json.loads(
            _run(db, "set", "motion", str(set_id),
                 str(_csv(tmp_path / f"s{seed}.csv", reps=8, seed=seed)), "--json")
        )  # fmt: skip
        assert out["analysis"]["reps"] == 8
        periods.append(out["analysis"]["rep_period_s"])
    database = open_database(f"sqlite:///{db}")
    usual = motion_service.usual_cadence_s(
        db=database, user_id=LOCAL_USER_ID, exercise_id="wrist_curl"
    )
    database.close()
    assert usual == pytest.approx(float(np.median(periods)))
    assert usual == pytest.approx(3.0, abs=0.3)  # a 2-0-1-0 repetition lasts 3 s


def test_payload_round_trip_keeps_the_gyroscope_on_the_accelerometer_times() -> None:
    rec = simulate_set(reps=6, tempo=Tempo.parse("2-0-1-0"), seed=3, with_gyro=True)
    payload: dict[str, Any] = payload_from_recording(rec)
    back = recording_from_payload(payload)
    assert back.gyro_dps is not None and rec.gyro_dps is not None and rec.gyro_t_s is not None
    for i in range(3):
        np.testing.assert_allclose(
            back.gyro_dps[:, i], np.interp(rec.t_s, rec.gyro_t_s, rec.gyro_dps[:, i]), atol=1e-9
        )
    assert analyze_motion(back).reps == analyze_motion(rec).reps == 6
