"""A stored set keeps its EMG: features per repetition, the raw file, and a real %MVC only.

The recording has bursts of known amplitude and timing: a 97 Hz carrier whose amplitude rises
over 0.2 s to A, holds, and falls (its rectified mean is 2A/pi, so with a calibration level of
2/pi the truth is 100 x A %MVC); onsets are the bursts' starts.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from alembic import command
from sqlalchemy import create_engine
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.coach.sets import parse_set
from mindmuscle.errors import InvalidInputError, NotFoundError
from mindmuscle.services.emg_sets import (
    felt_measured_text,
    get_set_emg,
    set_emg_file,
    set_emg_of_sets,
    store_set_emg,
)
from mindmuscle.services.felt import felt_vs_measured_report
from mindmuscle.services.sets import record_set
from mindmuscle.signals.emg import EmgRecording
from mindmuscle.store import CalibrationCreate, Database, open_database, repo
from mindmuscle.store.engine import _alembic_config, _head_revision

pytest.importorskip("pyxdf")

FS = 2000.0
WINDOWS = [(2.0, 4.0), (5.0, 7.0), (8.0, 10.0), (11.0, 13.0)]
BICEPS = [0.4, 0.5, 0.6, 0.5]  # mV: 40, 50, 60, 50 %MVC with the level 2/pi
DELT = [0.2, 0.2, 0.25, 0.2]
LEVEL = 2.0 / np.pi
PERFORMED = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CURL = "dumbbell_biceps_curl"


def _bursts(amps: list[float], rng: np.random.Generator, ramp_s: float = 0.2) -> np.ndarray:
    n = round(15.0 * FS)
    t = np.arange(n) / FS
    x = 0.005 * rng.standard_normal(n)
    for (a, b), amp in zip(WINDOWS, amps, strict=True):
        gain = np.clip(np.minimum(t - a, b - t) / ramp_s, 0.0, 1.0)
        x += amp * gain * np.sin(2 * np.pi * 97.0 * t)
    return x


def _recording() -> EmgRecording:
    rng = np.random.default_rng(7)
    data = np.stack([_bursts(BICEPS, rng), _bursts(DELT, rng), 0.005 * rng.standard_normal(30000)])
    return EmgRecording(data, FS, ("EMG1", "EMG2", "EMG3"), ("mV", "mV", "mV"))


def _db(tmp_path: Path) -> Database:
    return open_database(f"sqlite:///{tmp_path / 'emg.db'}")


def _set(db: Database, user_id: int = 1, rating: int = 8, at: datetime = PERFORMED) -> int:
    data = parse_set(
        {
            "exercise_id": CURL,
            "performed_at": at,
            "load_kg": 12.0,
            "reps": 4,
            "reflection": {"target_rating": rating},
        }
    )
    return record_set(db=db, user_id=user_id, data=data, now=at).record.id


def _calibrate(db: Database, *muscles: str, at: datetime = PERFORMED, placement: str = "") -> None:
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
                    placement=placement,
                    source="test",
                    created_at=at - timedelta(minutes=20),
                ),
            )


def test_known_bursts_stored_with_a_set_give_the_known_peaks_and_onsets(tmp_path: Path) -> None:
    db = _db(tmp_path)
    set_id = _set(db)
    _calibrate(db, "biceps", "front_delt")
    view = store_set_emg(db, 1, set_id, _recording(), "1=biceps,EMG2=front_delt")

    f = view.features
    assert (f.target, f.n_reps, f.sfreq_hz, f.duration_s) == ("biceps", 4, FS, 15.0)
    biceps = f.muscle("biceps")
    assert (biceps.role, biceps.basis, biceps.channel) == ("target", "pct_mvc", "biceps")
    for rep, (onset, offset), amp in zip(biceps.reps, WINDOWS, BICEPS, strict=True):
        assert rep.peak_pct == pytest.approx(100 * amp, rel=0.02)
        assert rep.onset_s == pytest.approx(onset, abs=0.020)
        assert rep.offset_s == pytest.approx(offset, abs=0.020)
    delt = f.muscle("front_delt")
    assert (delt.role, delt.basis) == ("compensator", "pct_mvc")
    assert [r.peak_pct for r in delt.reps] == pytest.approx([100 * a for a in DELT], rel=0.02)
    [ratio] = f.ratios
    assert (ratio.target, ratio.other, ratio.kind) == ("biceps", "front_delt", "compensator")
    assert ratio.value == pytest.approx(np.mean(BICEPS) / np.mean(DELT), rel=0.02)
    # The set's measured peak is the target's highest repetition peak, in %MVC.
    assert f.peak_pct_mvc == pytest.approx(60.0, rel=0.02)
    with db.session() as s:
        assert repo.get_set_by_id(session=s, user_id=1, set_id=set_id).emg_peak_mvc == (
            f.peak_pct_mvc
        )
    assert view.measured == f"{f.peak_pct_mvc:.0f}% MVC"
    assert view.calibrations["biceps"].startswith("calibrated 2026-12-07 09:40")
    assert get_set_emg(db, 1, set_id) == view
    assert set_emg_of_sets(db, 1, [set_id, 999]) == {set_id: f}
    db.close()


def _cli_analysis(tmp_path: Path, name: str, content: bytes, *extra: str) -> dict[str, Any]:
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(app, ["emg", str(path), "--json", *extra])
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def test_mindmuscle_emg_on_the_stored_file_gives_the_same_features(tmp_path: Path) -> None:
    db = _db(tmp_path)
    calibrated, plain = _set(db), _set(db, at=PERFORMED + timedelta(days=3))
    _calibrate(db, "biceps")
    store_set_emg(db, 1, calibrated, _recording(), "1=biceps,2=front_delt")
    store_set_emg(db, 1, plain, _recording(), "1=biceps,2=front_delt")

    for set_id in (calibrated, plain):
        name, content = set_emg_file(db, 1, set_id)
        assert name.endswith(".xdf") and content[:4] == b"XDF:"
        stored = get_set_emg(db, 1, set_id)
        assert stored is not None
        cli = _cli_analysis(tmp_path, name, content, "--target", "biceps")
        assert cli["n_reps"] == stored.features.n_reps == 4
        for channel in cli["channels"]:
            mine = stored.features.muscle(channel["name"])
            assert [b["onset_s"] for b in channel["bursts"]] == [b[0] for b in mine.bursts]
            for rep, kept in zip(channel["reps"], mine.reps, strict=True):
                assert (rep["start_s"], rep["end_s"]) == (kept.onset_s, kept.offset_s)
                # The same envelope peak, in the stored basis (MVC level or the set's peak).
                assert 100 * rep["peak"] / mine.reference == pytest.approx(kept.peak_pct, abs=0.01)
                assert 100 * rep["mean"] / mine.reference == pytest.approx(kept.mean_pct, abs=0.01)
    # Three days later the calibration is from another session: % of the set's peak, labelled.
    later = get_set_emg(db, 1, plain)
    assert later is not None
    assert later.features.muscle("biceps").basis == "pct_set_peak"
    assert later.features.peak_pct_mvc is None
    assert later.calibrations["biceps"].startswith(
        "calibration not used: older than this session (made 2026-12-07 09:40)"
    )
    mean = later.features.muscle("biceps").mean_pct
    assert later.measured == f"{mean:.0f}% of this set's peak"
    with db.session() as s:
        assert repo.get_set_by_id(session=s, user_id=1, set_id=plain).emg_peak_mvc is None
    db.close()


def test_another_lifter_can_neither_see_nor_attach_to_a_sets_emg(tmp_path: Path) -> None:
    db = _db(tmp_path)
    set_id = _set(db)
    store_set_emg(db, 1, set_id, _recording(), "1=biceps")
    with db.session() as s:
        other = repo.create_user(session=s, name="other").id
    with pytest.raises(NotFoundError, match=rf"No set with id {set_id}"):
        get_set_emg(db, other, set_id)
    with pytest.raises(NotFoundError, match=rf"No set with id {set_id}"):
        set_emg_file(db, other, set_id)
    with pytest.raises(NotFoundError, match=rf"No set with id {set_id}"):
        store_set_emg(db, other, set_id, _recording(), "1=biceps", replace=True)
    assert set_emg_of_sets(db, other, [set_id]) == {}
    # The first lifter's EMG is untouched.
    assert get_set_emg(db, 1, set_id) is not None
    db.close()


def test_a_second_recording_is_refused_unless_replaced_and_the_old_peak_is_kept(
    tmp_path: Path,
) -> None:
    db = _db(tmp_path)
    set_id = _set(db)
    _calibrate(db, "biceps")
    first = store_set_emg(db, 1, set_id, _recording(), "1=biceps")
    with pytest.raises(
        InvalidInputError,
        match=r"^The Dumbbell Biceps Curl set of 2026-12-07 10:00 UTC has its EMG already\.$",
    ) as had:
        store_set_emg(db, 1, set_id, _recording(), "1=biceps")
    assert (had.value.action, dict(had.value.action_args)) == (
        "replace_set_emg",
        {"set_id": str(set_id)},
    )
    half = _recording()
    half = EmgRecording(half.data * 0.5, FS, half.channels, half.units)
    second = store_set_emg(db, 1, set_id, half, "1=biceps", replace=True)
    assert second.features.peak_pct_mvc == pytest.approx(30.0, rel=0.02)
    assert second.recording_id != first.recording_id
    with db.session() as s:
        [rev] = repo.list_set_revisions(session=s, user_id=1, set_id=set_id)
        assert rev.kind == "emg"
        assert rev.changes == {
            "emg_peak_mvc": [first.features.peak_pct_mvc, second.features.peak_pct_mvc]
        }
    db.close()


@pytest.mark.parametrize(
    ("channel_map", "message"),
    [
        (
            "1=front_delt",
            r"^In the channel map, only front_delt is mapped, no target muscle of Dumbbell "
            r"Biceps Curl: map a channel to biceps",
        ),
        (
            "9=biceps",
            r"^In the channel map, channel 9 does not exist: the recording has channels 1-3",
        ),
        ("EMG7=biceps", r"^In the channel map, channel 'EMG7' is not in the recording"),
        ("1", r"^In the channel map, entry '1' is not CH=MUSCLE"),
    ],
)
def test_a_bad_map_is_one_clear_line(tmp_path: Path, channel_map: str, message: str) -> None:
    db = _db(tmp_path)
    set_id = _set(db)
    with pytest.raises(InvalidInputError, match=message) as err:
        store_set_emg(db, 1, set_id, _recording(), channel_map)
    assert "\n" not in str(err.value)
    assert get_set_emg(db, 1, set_id) is None
    db.close()


def test_felt_versus_measured_reads_the_stored_peaks(tmp_path: Path) -> None:
    db = _db(tmp_path)
    _calibrate(db, "biceps", at=PERFORMED + timedelta(hours=1))
    base = _recording()
    for i in range(8):
        # Felt 3..10 against measured 30..65 %MVC: the feeling tracks the measurement.
        set_id = _set(db, rating=3 + i, at=PERFORMED + timedelta(minutes=5 * i))
        scaled = EmgRecording(base.data * (0.5 + 0.1 * i), FS, base.channels, base.units)
        store_set_emg(db, 1, set_id, scaled, "1=biceps")
    [view] = felt_vs_measured_report(db, 1)
    assert (view.relation.muscle, view.relation.n, view.relation.verdict) == ("biceps", 8, "tracks")
    assert view.relation.rho == 1.0
    db.close()


def test_felt_and_measured_read_as_two_things() -> None:
    from mindmuscle.signals.emg.sets import SetEmgFeatures, SetEmgMuscle

    def features(basis: str, peak: float, mean: float) -> SetEmgFeatures:
        m = SetEmgMuscle(
            muscle="biceps",
            channel="biceps",
            role="target",
            unit="mV",
            basis=basis,  # type: ignore[arg-type]
            reference=1.0,
            peak_pct=peak,
            mean_pct=mean,
            bursts=[],
            reps=[],
        )
        return SetEmgFeatures(
            target="biceps",
            n_reps=3,
            sfreq_hz=FS,
            duration_s=10.0,
            muscles=[m],
            ratios=[],
            peak_pct_mvc=peak if basis == "pct_mvc" else None,
        )

    assert felt_measured_text(8, features("pct_mvc", 62.4, 40.0)) == "felt 8/10, measured 62% MVC"
    assert (
        felt_measured_text(8, features("pct_set_peak", 100.0, 62.0))
        == "felt 8/10, measured 62% of this set's peak"
    )
    assert felt_measured_text(None, features("pct_mvc", 55.0, 40.0)) == (
        "not rated, measured 55% MVC"
    )
    assert felt_measured_text(8, None) is None
    silent = features("pct_mvc", 55.0, 40.0).model_copy(
        update={
            "n_reps": 0,
            "muscles": [
                features("pct_mvc", 55.0, 40.0)
                .muscles[0]
                .model_copy(update={"peak_pct": None, "mean_pct": None})
            ],
        }
    )
    assert felt_measured_text(6, silent) == "felt 6/10; no repetition found in the EMG"


def test_the_set_emg_migration_goes_down_and_up(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    db = open_database(f"sqlite:///{path}")
    set_id = _set(db)
    store_set_emg(db, 1, set_id, _recording(), "1=biceps")
    db.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    engine.dispose()
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    # The set and its raw recording stay; only the features table goes.
    assert "set_emg" not in tables
    assert con.execute("SELECT count(*) FROM recordings WHERE kind = 'emg'").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM sets").fetchone() == (1,)
    con.close()
    db = open_database(f"sqlite:///{path}")
    assert db.current_revision() == _head_revision()
    assert get_set_emg(db, 1, set_id) is None
    store_set_emg(db, 1, set_id, _recording(), "1=biceps")
    assert get_set_emg(db, 1, set_id) is not None
    db.close()


@pytest.mark.parametrize("module", ["mindmuscle.services.emg_sets", "mindmuscle.services.live"])
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


def _csv(tmp_path: Path, scale: float = 1.0, name: str = "set.csv") -> Path:
    rec = _recording()
    t = np.arange(rec.n_samples) / FS
    path = tmp_path / name
    np.savetxt(
        path,
        np.column_stack([t, scale * rec.data[0], scale * rec.data[1]]),
        delimiter=",",
        header="t,EMG1 [mV],EMG2 [mV]",
        comments="",
        fmt="%.7f",
    )
    return path


def test_set_emg_attaches_a_file_and_set_show_tells_felt_beside_measured(tmp_path: Path) -> None:
    db = _db(tmp_path)
    set_id = _set(db)
    _calibrate(db, "biceps")
    db.close()
    url = ["--db", str(tmp_path / "emg.db")]
    runner = CliRunner()
    csv = _csv(tmp_path)
    result = runner.invoke(app, ["set", "emg", str(set_id), str(csv), "--map", "1=biceps", *url])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Stored the EMG of set {set_id} (Dumbbell Biceps Curl)."
    # The truth is 60 %MVC at the highest peak (40, 50, 60, 50), within 2 %.
    measured = re.fullmatch(
        r"EMG: felt 8/10, measured (\d+)% MVC \(4 repetitions on biceps\)", lines[1]
    )
    assert measured is not None and int(measured[1]) in (59, 60, 61)
    peaks = re.match(
        r"  biceps \(target\): peaks (\d+), (\d+), (\d+), (\d+) % MVC; onsets ", lines[2]
    )
    assert peaks is not None
    assert [int(p) for p in peaks.groups()] == pytest.approx([40, 50, 60, 50], rel=0.03)

    shown = runner.invoke(app, ["set", "show", str(set_id), *url])
    assert lines[1] in shown.stdout.splitlines()
    as_json = json.loads(runner.invoke(app, ["set", "show", str(set_id), "--json", *url]).stdout)
    assert as_json["emg"]["features"]["peak_pct_mvc"] == pytest.approx(60.0, rel=0.02)
    assert as_json["set"]["emg_peak_mvc"] == as_json["emg"]["features"]["peak_pct_mvc"]

    # Replacing it keeps the old peak as a change of the set, shown by set show and the API.
    half = _csv(tmp_path, 0.5, "half.csv")
    again = runner.invoke(
        app, ["set", "emg", str(set_id), str(half), "--map", "1=biceps", "--replace", *url]
    )
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith(f"Stored the EMG of set {set_id}")
    shown = runner.invoke(app, ["set", "show", str(set_id), *url])
    assert shown.exit_code == 0, shown.output
    replaced = [line for line in shown.stdout.splitlines() if "EMG replaced" in line]
    assert len(replaced) == 1, shown.stdout
    assert re.search(rf"EMG replaced: EMG peak {measured[1]}% MVC -> 3\d% MVC$", replaced[0])
    revisions = json.loads(runner.invoke(app, ["set", "show", str(set_id), "--json", *url]).stdout)[
        "revisions"
    ]
    assert [r["kind"] for r in revisions] == ["emg"]

    out = tmp_path / "back.xdf"
    wrote = runner.invoke(app, ["set", "emg-file", str(set_id), str(out), *url])
    assert wrote.exit_code == 0, wrote.output
    cli = _cli_analysis(tmp_path, "again.xdf", out.read_bytes(), "--target", "biceps")
    assert [r["start_s"] for r in cli["channels"][0]["reps"]] == [
        r["onset_s"] for r in as_json["emg"]["features"]["muscles"][0]["reps"]
    ]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["9", "{csv}"],
            "Error: No set with id 9. `mindmuscle history --json` lists the ids of your sets.",
        ),
        (["1", "{tmp}/none.csv"], "Error: {tmp}/none.csv: no such EMG file (check the path)"),
        (["1", "{csv}", "--map", "3=biceps"], "Error: --map channel 3 does not exist: the "),
        (
            ["1", "{csv}", "--map", "2=front_delt"],
            "Error: --map only front_delt is mapped, no target muscle of Dumbbell Biceps Curl: ",
        ),
    ],
)
def test_set_emg_bad_input_is_one_line(tmp_path: Path, args: list[str], line: str) -> None:
    _set(_db(tmp_path))
    csv = _csv(tmp_path)
    given = [a.format(csv=csv, tmp=tmp_path) for a in args]
    result = CliRunner().invoke(app, ["set", "emg", *given, "--db", str(tmp_path / "emg.db")])
    assert result.exit_code != 0
    assert result.stdout == ""
    [shown] = result.stderr.strip().splitlines()
    assert shown.startswith(line.format(tmp=tmp_path)), shown


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_sets_emg_on_both_databases(backend: str, tmp_path: Path) -> None:
    from tests.test_store import make_db

    for db in make_db(backend, tmp_path):
        set_id = _set(db)
        _calibrate(db, "biceps")
        first = store_set_emg(db, 1, set_id, _recording(), "1=biceps,2=front_delt")
        assert first.features.peak_pct_mvc == pytest.approx(60.0, rel=0.02)
        half = _recording()
        store_set_emg(
            db, 1, set_id, EmgRecording(half.data * 0.5, FS, half.channels, half.units),
            "1=biceps", replace=True,
        )  # fmt: skip
        with db.session() as s:
            other = repo.create_user(session=s, name="other").id
            assert repo.get_set_by_id(session=s, user_id=1, set_id=set_id).emg_peak_mvc == (
                pytest.approx(30.0, rel=0.02)
            )
            assert repo.felt_and_measured(session=s, user_id=1) == [
                (CURL, 8, pytest.approx(30.0, rel=0.02))
            ]
            assert repo.felt_and_measured(session=s, user_id=other) == []
            assert repo.get_set_emg(session=s, user_id=other, set_id=set_id) is None
        with pytest.raises(NotFoundError):
            set_emg_file(db, other, set_id)
        name, content = set_emg_file(db, 1, set_id)
        assert content[:4] == b"XDF:" and name.endswith(".xdf")
        # Deleting the set takes it out of felt versus measured; its EMG stays with it.
        with db.session() as s:
            repo.delete_set(session=s, user_id=1, set_id=set_id)
            assert repo.felt_and_measured(session=s, user_id=1) == []
            assert repo.get_set_emg(session=s, user_id=1, set_id=set_id) is not None
