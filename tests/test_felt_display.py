"""Felt versus measured where the lifter reads it: history rows, Progress, and the connection map
(web body map and ``mindmuscle map``) marking muscles where feeling and EMG disagree."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.coach.sets import parse_set
from mindmuscle.config import Settings
from mindmuscle.services.emg_sets import store_set_emg
from mindmuscle.services.felt import disagreeing_muscles, felt_vs_measured_report
from mindmuscle.services.sets import record_set
from mindmuscle.signals.emg import EmgRecording
from mindmuscle.store import CalibrationCreate, Database, open_database, repo

pytest.importorskip("pyxdf")

FS = 1000.0
START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
CURL = "dumbbell_biceps_curl"
# Nine curls whose felt rating does not follow the measured peak (no relation), and three
# lateral raises: not enough sets yet.
CURL_FELT = [5, 6, 5, 6, 5, 6, 5, 6, 5]
CURL_AMPS = [0.2, 0.6, 0.4, 0.3, 0.55, 0.25, 0.5, 0.35, 0.45]
RAISE = "dumbbell_lateral_raise"
RAISE_FELT = [4, 7, 8]
RAISE_AMPS = [0.3, 0.5, 0.6]


def _one_burst(amp: float) -> EmgRecording:
    rng = np.random.default_rng(round(amp * 100))
    t = np.arange(round(4.0 * FS)) / FS
    x = 0.005 * rng.standard_normal(t.size)
    x += amp * np.clip(np.minimum(t - 1.0, 3.0 - t) / 0.2, 0, 1) * np.sin(2 * np.pi * 97 * t)
    return EmgRecording(x[None, :], FS, ("EMG1",), ("mV",))


def build_history(path: Path) -> Database:
    """A lifter's database with calibrated EMG on twelve rated sets (and one set without EMG)."""
    db = open_database(f"sqlite:///{path}")
    with db.session() as s:
        for muscle in ("biceps", "side_delt"):
            repo.add_calibration(
                session=s,
                user_id=1,
                data=CalibrationCreate(
                    muscle=muscle, level=2.0 / np.pi, unit="mV", sfreq_hz=FS, trial=1,
                    window_start_s=0.5, placement="", source="test", created_at=START,
                ),
            )  # fmt: skip
    at = START
    plan = [(CURL, "biceps", f, a) for f, a in zip(CURL_FELT, CURL_AMPS, strict=True)]
    plan += [(RAISE, "side_delt", f, a) for f, a in zip(RAISE_FELT, RAISE_AMPS, strict=True)]
    for exercise, muscle, felt, amp in plan:
        at += timedelta(minutes=5)
        data = parse_set(
            {
                "exercise_id": exercise,
                "performed_at": at,
                "load_kg": 10.0,
                "reps": 8,
                "session_id": None,
                "reflection": {"target_rating": felt},
            }
        )
        set_id = record_set(db=db, user_id=1, data=data, now=at).record.id
        store_set_emg(db, 1, set_id, _one_burst(amp), f"1={muscle}", now=at)
    at += timedelta(minutes=5)
    plain = parse_set(
        {
            "exercise_id": CURL,
            "performed_at": at,
            "load_kg": 10.0,
            "reps": 8,
            "reflection": {"target_rating": 9},
        }
    )
    record_set(db=db, user_id=1, data=plain, now=at)
    return db


@pytest.fixture(scope="module")
def history_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("felt") / "felt.db"
    build_history(path).close()
    return path


def test_the_relations_and_the_marked_muscle(history_db: Path) -> None:
    db = open_database(f"sqlite:///{history_db}")
    views = felt_vs_measured_report(db, 1)
    db.close()
    by = {v.relation.exercise_id: v for v in views}
    curl, raise_ = by[CURL], by[RAISE]
    assert curl.muscle_name == "Biceps (biceps brachii)"
    assert curl.exercise_name == "Dumbbell Biceps Curl"
    assert (curl.relation.n, curl.relation.verdict, curl.relation.rho) == (9, "no relation", None)
    assert (raise_.relation.n, raise_.relation.verdict) == (3, "not enough sets yet")
    assert raise_.message == (
        f"not enough sets yet: 3 of 8 sets with a felt rating and EMG ({raise_.muscle_name} in "
        "Dumbbell Lateral Raise)"
    )
    assert disagreeing_muscles(views) == {"biceps": "Dumbbell Biceps Curl: no relation over 9 sets"}


def test_the_terminal_map_marks_the_muscle_with_a_legend_in_words(history_db: Path) -> None:
    result = CliRunner().invoke(app, ["map", "--db", str(history_db)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # The mark leads the name, so it shows on the row's first line at any width.
    assert any(line.startswith("│ (!) Biceps") for line in lines), result.stdout
    assert not any("(!) Side" in line for line in lines)
    legend = lines.index(
        "(!) what you feel and what the EMG measures disagree for this muscle (no relation, or "
        "running against it, over 8 or more sets with both):"
    )
    assert lines[legend + 1] == (
        "  Biceps (biceps brachii): Dumbbell Biceps Curl: no relation over 9 sets"
    )


def _client(path: Path) -> TestClient:
    settings = Settings(data_dir=path.parent, database_url=f"sqlite:///{path}")
    from mindmuscle.web import create_app

    return TestClient(create_app(settings, host="127.0.0.1"), base_url="http://localhost")


def test_history_rows_show_felt_beside_measured_and_progress_the_relations(
    history_db: Path,
) -> None:
    with _client(history_db) as c:
        sets = c.get("/api/sets", params={"limit": 100}).json()
        measured = [s["emg_measured"] for s in sets]
        assert measured[-1] is None  # the set without EMG
        for s, amp in zip(sets[:9], CURL_AMPS, strict=True):
            assert s["emg_peak_mvc"] == pytest.approx(100 * amp, rel=0.03)
            assert s["emg_measured"] == f"{s['emg_peak_mvc']:.0f}% MVC"
        page = c.get("/progress").text
    # The body map: every biceps shape (front, mirrored) is marked, with its reason.
    marked = re.findall(r'class="m disagree" data-muscle="(\w+)"', page)
    assert marked and set(marked) == {"biceps"}
    assert "feeling and EMG disagree (Dumbbell Biceps Curl: no relation over 9 sets)" in page
    assert 'id="disagree-legend"' in page
    assert "Dashed outline: what you feel and what the EMG measures disagree" in page
    rows = re.findall(r'class="felt-row" data-muscle="(\w+)" [^>]*data-verdict="([^"]+)"', page)
    assert rows == [("biceps", "no relation"), ("side_delt", "not enough sets yet")]
    assert "no relation found over 9 sets" in page
    assert "not enough sets yet: 3 of 8 sets with a felt rating and EMG" in page


def test_progress_without_emg_shows_no_felt_card_and_no_mark(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    db = open_database(f"sqlite:///{path}")
    data = parse_set(
        {
            "exercise_id": CURL,
            "performed_at": START,
            "load_kg": 10.0,
            "reps": 8,
            "reflection": {"target_rating": 7},
        }
    )
    record_set(db=db, user_id=1, data=data, now=START)
    db.close()
    with _client(path) as c:
        page = c.get("/progress").text
        [s] = c.get("/api/sets").json()
    assert 'id="felt-measured"' not in page and "disagree" not in page
    assert (s["emg_measured"], s["emg_peak_mvc"]) == (None, None)


def test_the_api_attaches_reads_and_returns_a_sets_emg(tmp_path: Path) -> None:
    path = tmp_path / "api.db"
    db = open_database(f"sqlite:///{path}")
    data = parse_set(
        {
            "exercise_id": CURL,
            "performed_at": START,
            "load_kg": 10.0,
            "reps": 8,
            "reflection": {"target_rating": 7},
        }
    )
    set_id = record_set(db=db, user_id=1, data=data, now=START).record.id
    db.close()
    rec = _one_burst(0.5)
    t = np.arange(rec.n_samples) / FS
    rows = zip(t, rec.data[0], strict=True)
    body = "t,EMG1 [mV]\n" + "\n".join(f"{a:.4f},{b:.7f}" for a, b in rows)
    with _client(path) as c:
        c.headers["X-CSRF-Token"] = c.get("/api/csrf").json()["token"]
        none = c.get(f"/api/sets/{set_id}/emg")
        assert none.status_code == 404
        bad = c.post(
            f"/api/sets/{set_id}/emg",
            files={"file": ("set.csv", body.encode(), "text/csv")},
            data={"map": "4=biceps"},
        )
        assert bad.status_code == 422, bad.text
        # The web names what to correct on its page and in its API, not the terminal's --map.
        assert bad.json()["message"] == (
            "Channel 4 does not exist: the recording has channels 1-1 or the labels EMG1. On the "
            "EMG page, choose each channel's muscle in its row (through the API: correct map, or "
            "send the rows as mapping)."
        )
        ok = c.post(
            f"/api/sets/{set_id}/emg",
            files={"file": ("set.csv", body.encode(), "text/csv")},
            data={"map": "1=biceps"},
        )
        assert ok.status_code == 200, ok.text
        view = ok.json()
        assert view["features"]["muscles"][0]["basis"] == "pct_set_peak"
        assert view["measured"].endswith("% of this set's peak")
        assert c.get(f"/api/sets/{set_id}/emg").json() == view
        raw = c.get(f"/api/sets/{set_id}/emg/file")
        assert raw.status_code == 200 and raw.content[:4] == b"XDF:"
        assert raw.headers["content-disposition"].startswith('attachment; filename="set-')
        [s] = c.get("/api/sets").json()
        assert s["emg_measured"] == view["measured"] and s["emg_peak_mvc"] is None
        again = c.post(
            f"/api/sets/{set_id}/emg",
            files={"file": ("set.csv", body.encode(), "text/csv")},
            data={"map": "1=biceps"},
        )
        assert again.status_code == 422
        assert "The Dumbbell Biceps Curl set of 2026-12-07 08:00 UTC has its EMG already" in (
            again.text
        )
