"""The data API and pages of the web app: log import and export, EMG recordings, experiments.

Every endpoint with good and bad input: a bad value is a 422 naming the field, a malformed file
names its line and column and stores nothing, another user's records are not found.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from mindmuscle.config import Settings
from mindmuscle.services import accounts
from mindmuscle.signals.emg.simulate import simulate_emg, simulate_set
from mindmuscle.store import repo
from mindmuscle.web import create_app

SFREQ_HZ = 1000.0
N_REPS = 5
_TEMPLATE: dict[str, Path] = {}

STRONG_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE\n"
)
STRONG_OK = STRONG_HEADER + (
    "2024-01-05 10:00:00,Push,1h 2m,Bench Press (Barbell),1,60,8,0,0,,,\n"
    "2024-01-05 10:00:00,Push,1h 2m,Bench Press (Barbell),2,62.5,6,0,0,,,\n"
    "2024-01-05 10:00:00,Push,1h 2m,Zercher Wobble Thing,1,20,10,0,0,,,\n"
)
# Line 3 (the second set) has a weight that is not a number.
STRONG_BROKEN = STRONG_HEADER + (
    "2024-01-05 10:00:00,Push,1h 2m,Bench Press (Barbell),1,60,8,0,0,,,\n"
    "2024-01-05 10:00:00,Push,1h 2m,Bench Press (Barbell),2,sixty,6,0,0,,,\n"
)


def _settings(tmp_path: Path) -> Settings:
    # One migrated database, copied for each test (migrating is most of a test's time).
    if "db" not in _TEMPLATE:
        from mindmuscle.store import open_database

        path = Path(tempfile.mkdtemp()) / "template.db"
        open_database(f"sqlite:///{path}").close()
        _TEMPLATE["db"] = path
    shutil.copyfile(_TEMPLATE["db"], tmp_path / "web.db")
    return Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'web.db'}")


def _client(tmp_path: Path, host: str = "127.0.0.1") -> TestClient:
    client = TestClient(create_app(_settings(tmp_path), host=host), base_url="http://localhost")
    client.headers["X-CSRF-Token"] = client.get("/api/csrf").json()["token"]
    return client


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def emg_csv(
    channels: tuple[str, str] = ("biceps", "brachioradialis"), *, seed: int = 0
) -> tuple[bytes, list[tuple[float, float]]]:
    """Five simulated curls on the first channel (a weaker copy on the second), with ``t``."""
    rng = np.random.default_rng(seed)
    target, windows = simulate_set(N_REPS, SFREQ_HZ, rng=rng)
    helper = simulate_emg(
        target.size / SFREQ_HZ, SFREQ_HZ, windows, amplitudes=[0.2] * N_REPS, rng=rng
    )
    t = np.arange(target.size) / SFREQ_HZ
    buf = io.StringIO()
    np.savetxt(
        buf,
        np.column_stack([t, target, helper]),
        delimiter=",",
        header=",".join(("t", *channels)),
        comments="",
        fmt="%.5g",
    )
    return buf.getvalue().encode(), windows


@pytest.fixture(scope="module")
def curl() -> tuple[bytes, list[tuple[float, float]]]:
    return emg_csv()


def _upload_log(
    client: TestClient, name: str, content: bytes, **form: str
) -> Any:  # the httpx response
    return client.post("/api/import", files={"file": (name, content, "text/csv")}, data=form)


def _exported_rows(client: TestClient) -> list[dict[str, str]]:
    r = client.get("/api/export", params={"format": "csv"})
    assert r.status_code == 200, r.text
    return list(csv.DictReader(io.StringIO(r.text)))


# ---------------------------------------------------------------- import
def test_preview_of_the_real_hevy_export_maps_every_name_and_stores_nothing(
    client: TestClient, shared_data: Path
) -> None:
    path = shared_data / "logs" / "hevyconnect" / "workouts.csv"
    r = _upload_log(client, path.name, path.read_bytes())
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["dry_run"] is True
    assert report["path"] == "workouts.csv"
    assert (report["format"], report["unit"]) == ("hevy", "kg")
    assert (report["sets"], report["workouts"], report["exercises"]) == (1922, 80, 38)
    assert (report["matched"], report["user_exercises"], report["new_user_exercises"]) == (31, 7, 7)
    assert report["sets_added"] == 0
    mappings = report["mappings"]
    assert len(mappings) == 38
    assert sum(m["sets"] for m in mappings) == 1922
    for m in mappings:
        assert m["method"] in {"exact", "alias", "normalised", "fuzzy", "new"}
        assert 0.0 <= m["confidence"] <= 1.0
        assert m["exercise_id"]
    bench = next(m for m in mappings if m["name"] == "Bench Press (Barbell)")
    assert (bench["exercise_id"], bench["method"], bench["confidence"]) == (
        "barbell_bench_press",
        "alias",
        1.0,
    )
    assert _exported_rows(client) == []


def test_confirm_imports_once_and_reimport_adds_nothing(client: TestClient) -> None:
    body = STRONG_OK.encode()
    first = _upload_log(client, "strong.csv", body, unit="kg", dry_run="false")
    assert first.status_code == 200, first.text
    r = first.json()
    assert (r["sets_added"], r["workouts_added"], r["new_user_exercises"]) == (3, 1, 1)
    again = _upload_log(client, "strong.csv", body, unit="kg", dry_run="false").json()
    assert (again["sets_added"], again["sets_already_stored"], again["workouts_added"]) == (0, 3, 0)
    preview = _upload_log(client, "strong.csv", body, unit="kg").json()
    assert preview["sets_already_stored"] == 3
    rows = _exported_rows(client)
    assert [(row["Exercise Name"], row["Weight (kg)"], row["Reps"]) for row in rows][:2] == [
        ("Barbell Bench Press", "60", "8"),
        ("Barbell Bench Press", "62.5", "6"),
    ]
    assert len(rows) == 3


def test_malformed_csv_names_file_line_and_column_and_imports_nothing(client: TestClient) -> None:
    r = _upload_log(client, "strong.csv", STRONG_BROKEN.encode(), unit="kg", dry_run="false")
    assert r.status_code == 422
    message = r.json()["message"]
    assert message.startswith("strong.csv, line 3, column Weight:"), message
    assert "sixty" in message
    assert "/tmp" not in message and "mm-upload" not in message
    assert _exported_rows(client) == []


def _broken_rows(n_bad: int) -> bytes:
    """A Strong export: one good row, then ``n_bad`` rows with the reps 'abc'."""
    head = "Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n"
    good = "2024-02-01 10:30,Push,Bench Press (Barbell),1,60,8\n"
    bad = "".join(
        f"2024-01-{i % 28 + 1:02d} 10:30,Push,Bench Press (Barbell),1,60,abc\n"
        for i in range(n_bad)
    )
    return (head + good + bad).encode()


@pytest.mark.parametrize(("n_bad", "listed"), [(3, 3), (80, 50)])
def test_every_broken_row_is_in_the_422_body_at_most_50(
    client: TestClient, n_bad: int, listed: int
) -> None:
    r = _upload_log(client, "strong.csv", _broken_rows(n_bad), unit="kg", dry_run="false")

    assert r.status_code == 422
    body = r.json()
    assert body["message"].startswith(f"strong.csv: {n_bad} rows cannot be imported, so nothing")
    assert body["more"] == n_bad - listed
    assert [d["line"] for d in body["details"]] == list(range(3, 3 + listed))
    first = body["details"][0]
    assert first == {
        "file": "strong.csv",
        "line": 3,
        "column": "Reps",
        "reason": "'abc' is not a number; allowed: the reps must be a whole number from 0 to 200",
        "message": "strong.csv, line 3, column Reps: 'abc' is not a number; allowed: the reps "
        "must be a whole number from 0 to 200",
        "type": "file_row",
    }
    assert "mm-upload" not in r.text
    assert _exported_rows(client) == []  # not even the good row


def test_a_file_without_units_asks_for_the_unit(client: TestClient) -> None:
    r = _upload_log(client, "strong.csv", STRONG_OK.encode())
    assert r.status_code == 422
    message = r.json()["message"]
    assert message.endswith("Pick kg or lb under 'Weights in' and upload again.")
    assert "--unit" not in message
    assert r.json()["message"].startswith("strong.csv, column Weight:")
    r = _upload_log(client, "strong.csv", STRONG_OK.encode(), unit="lb")
    assert r.status_code == 200
    assert r.json()["unit"] == "lb"


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"unit": "stone"}, "unit"),
        ({"format": "jefit"}, "format"),
        ({"dry_run": "maybe"}, "dry_run"),
    ],
)
def test_bad_import_options_are_422_naming_the_field(
    client: TestClient, form: dict[str, str], field: str
) -> None:
    r = _upload_log(client, "strong.csv", STRONG_OK.encode(), **form)
    assert r.status_code == 422
    assert r.json()["details"][0]["field"] == field
    assert r.json()["message"].startswith(f"{field} ")


def test_import_without_a_file_or_with_an_empty_one(client: TestClient) -> None:
    r = client.post("/api/import", data={"unit": "kg"})
    assert r.status_code == 422
    assert r.json()["details"][0]["field"] == "file"
    r = _upload_log(client, "empty.csv", b"")
    assert r.status_code == 400
    assert r.json()["message"] == "empty.csv is empty: choose the exported file and try again."


def test_not_a_workout_log_is_a_clear_error(client: TestClient) -> None:
    r = _upload_log(client, "notes.csv", b"name,colour\napple,red\n", unit="kg")
    assert r.status_code == 422
    assert r.json()["message"].startswith("notes.csv")


def test_upload_larger_than_the_limit_is_413(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client.app.state.ctx.settings, "import_body_max_mb", 0.0001)  # type: ignore[attr-defined]
    r = _upload_log(client, "strong.csv", STRONG_OK.encode(), unit="kg")
    assert r.status_code == 413
    assert r.json()["message"] == (
        "The file is too big: an import takes files of at most 0.0001 MB. Export a shorter "
        "period from your app and import it in parts."
    )


def test_import_needs_the_csrf_token(client: TestClient) -> None:
    r = client.post(
        "/api/import",
        files={"file": ("strong.csv", STRONG_OK.encode(), "text/csv")},
        data={"unit": "kg"},
        headers={"X-CSRF-Token": "forged"},
    )
    assert r.status_code == 403
    assert "CSRF" in r.json()["message"]


# ---------------------------------------------------------------- export
def test_export_downloads_csv_and_json_that_imports_again(
    client: TestClient, tmp_path: Path
) -> None:
    _upload_log(client, "strong.csv", STRONG_OK.encode(), unit="kg", dry_run="false")
    r = client.get("/api/export", params={"format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith('attachment; filename="mindmuscle-')
    assert r.headers["content-disposition"].endswith('.csv"')
    r = client.get("/api/export", params={"format": "json"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["content-disposition"].endswith('.json"')
    doc = r.json()
    assert len(doc["sets"]) == 3
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    with _client(other_dir) as other:
        back = other.post(
            "/api/import",
            files={"file": ("mindmuscle.json", r.content, "application/json")},
            data={"dry_run": "false"},
        )
        assert back.status_code == 200, back.text
        assert back.json()["sets_added"] == 3
        again = other.get("/api/export", params={"format": "json"}).json()
    assert [s["uuid"] for s in again["sets"]] == [s["uuid"] for s in doc["sets"]]


def test_export_format_must_be_csv_or_json(client: TestClient) -> None:
    r = client.get("/api/export", params={"format": "xlsx"})
    assert r.status_code == 422
    assert r.json()["details"][0]["field"] == "query.format"


# ---------------------------------------------------------------- EMG
def test_emg_upload_finds_the_repetitions_with_features_and_quality(
    client: TestClient, curl: tuple[bytes, list[tuple[float, float]]]
) -> None:
    content, windows = curl
    r = client.post(
        "/api/emg/recordings",
        files={"file": ("curl.csv", content, "text/csv")},
        data={"synergists": "brachioradialis"},
    )
    assert r.status_code == 200, r.text
    up = r.json()
    a = up["analysis"]
    assert up["file_name"] == "curl.csv"
    assert up["channels"] == ["biceps", "brachioradialis"]
    assert (a["target"], a["synergists"], a["n_reps"]) == ("biceps", ["brachioradialis"], N_REPS)
    assert a["sfreq_hz"] == pytest.approx(SFREQ_HZ)
    target = a["channels"][0]
    assert target["quality"]["issues"] == []
    for rep, (on, off) in zip(target["reps"], windows, strict=True):
        assert rep["start_s"] == pytest.approx(on, abs=0.1)
        assert rep["end_s"] == pytest.approx(off, abs=0.1)
        assert rep["median_freq_hz"] is not None
    assert max(r["peak_pct"] for r in target["reps"]) == pytest.approx(100.0)
    # Each channel is normalised to its own task peak: the ratio is about 1, the raw peaks differ.
    assert a["ratios"][0]["synergist"] == "brachioradialis"
    assert a["ratios"][0]["ratio"] == pytest.approx(1.0, abs=0.1)
    helper = a["channels"][1]
    assert helper["role"] == "synergist"
    peaks = [t["peak"] / h["peak"] for t, h in zip(target["reps"], helper["reps"], strict=True)]
    assert np.mean(peaks) == pytest.approx(2.5, rel=0.2)  # simulated amplitudes 0.5 and 0.2
    env = up["envelope"]
    assert 0 < len(env["times_s"]) <= 1500
    assert {k: len(v) for k, v in env["channels"].items()} == {
        "biceps": len(env["times_s"]),
        "brachioradialis": len(env["times_s"]),
    }
    assert up["report_url"] == f"/emg/recordings/{up['recording_id']}/report"
    listed = client.get("/api/emg/recordings").json()
    assert [(x["recording_id"], x["n_reps"], x["target"]) for x in listed] == [
        (up["recording_id"], N_REPS, "biceps")
    ]


def test_emg_channels_can_be_picked_again_without_uploading(
    client: TestClient, curl: tuple[bytes, list[tuple[float, float]]]
) -> None:
    up = client.post("/api/emg/recordings", files={"file": ("curl.csv", curl[0])}).json()
    assert up["analysis"]["synergists"] == []
    url = f"/api/emg/recordings/{up['recording_id']}/analysis"
    r = client.post(url, json={"target": "brachioradialis", "synergists": ["biceps"]})
    assert r.status_code == 200, r.text
    assert (r.json()["analysis"]["target"], r.json()["analysis"]["synergists"]) == (
        "brachioradialis",
        ["biceps"],
    )
    assert client.get("/api/emg/recordings").json()[0]["target"] == "brachioradialis"
    r = client.post(url, json={"target": "triceps"})
    assert r.status_code == 422
    assert r.json()["message"] == (
        "Channel 'triceps' is not in the recording; its channels are biceps, brachioradialis."
    )
    r = client.post(url, json={"target": "biceps", "synergists": ["biceps"]})
    assert r.status_code == 422
    assert "is the target" in r.json()["message"]
    r = client.post(url, json={"target": "biceps", "mains_hz": 55})
    assert r.status_code == 422
    assert r.json()["details"][0]["field"] == "mains_hz"
    r = client.post("/api/emg/recordings/999/analysis", json={"target": "biceps"})
    assert r.status_code == 404
    assert "No EMG recording 999" in r.json()["message"]


def test_emg_report_is_the_full_html_report(
    client: TestClient, curl: tuple[bytes, list[tuple[float, float]]]
) -> None:
    up = client.post("/api/emg/recordings", files={"file": ("curl.csv", curl[0])}).json()
    r = client.get(up["report_url"])
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "<title>EMG analysis: curl.csv</title>" in r.text
    assert "Repetitions of biceps" in r.text
    r = client.get("/emg/recordings/999/report")
    assert r.status_code == 404
    assert "No EMG recording 999" in r.text


def test_emg_with_a_set(client: TestClient, curl: tuple[bytes, list[tuple[float, float]]]) -> None:
    _upload_log(client, "strong.csv", STRONG_OK.encode(), unit="kg", dry_run="false")
    set_uuid = client.get("/api/sets", params={"limit": 1}).json()[0]["uuid"]
    r = client.post(
        "/api/emg/recordings", files={"file": ("curl.csv", curl[0])}, data={"set_uuid": set_uuid}
    )
    assert r.status_code == 200, r.text
    assert r.json()["set_uuid"] == set_uuid
    assert client.get("/api/emg/recordings").json()[0]["set_uuid"] == set_uuid
    page = client.get("/emg", params={"set": set_uuid})
    assert f'<option value="{set_uuid}" selected>' in page.text
    missing = "00000000-0000-4000-8000-000000000000"
    r = client.post(
        "/api/emg/recordings", files={"file": ("curl.csv", curl[0])}, data={"set_uuid": missing}
    )
    assert r.status_code == 404
    assert missing in r.json()["message"]
    assert len(client.get("/api/emg/recordings").json()) == 1


def test_malformed_emg_file_names_line_and_column_and_stores_nothing(client: TestClient) -> None:
    r = client.post(
        "/api/emg/recordings",
        files={"file": ("curl.csv", b"t,biceps\n0,0.1\n0.001,abc\n0.002,0.3\n")},
    )
    assert r.status_code == 422
    assert r.json()["message"].startswith("curl.csv, line 3, column biceps:")
    assert client.get("/api/emg/recordings").json() == []


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"rate_hz": "-5"}, "rate_hz"),
        ({"units": "kV"}, "units"),
        ({"mains_hz": "55"}, "mains_hz"),
        ({"set_uuid": "not-a-uuid"}, "set_uuid"),
    ],
)
def test_bad_emg_options_are_422_naming_the_field(
    client: TestClient,
    curl: tuple[bytes, list[tuple[float, float]]],
    form: dict[str, str],
    field: str,
) -> None:
    r = client.post("/api/emg/recordings", files={"file": ("curl.csv", curl[0])}, data=form)
    assert r.status_code == 422
    assert r.json()["details"][0]["field"] == field


def test_emg_unknown_target_channel_and_rate_for_a_csv_without_time(client: TestClient) -> None:
    content = b"biceps\n" + b"".join(f"{np.sin(i / 3):.4f}\n".encode() for i in range(3000))
    r = client.post("/api/emg/recordings", files={"file": ("raw.csv", content)})
    assert r.status_code == 422
    assert r.json()["message"] == (
        "raw.csv: the file has no time column ('t' in seconds) and no sampling rate was given. "
        "Give the sampling rate under 'Reading options' and upload again."
    )
    r = client.post(
        "/api/emg/recordings",
        files={"file": ("raw.csv", content)},
        data={"rate_hz": "1000", "target": "triceps"},
    )
    assert r.status_code == 422
    assert "'triceps' is not in the recording" in r.json()["message"]
    r = client.post(
        "/api/emg/recordings", files={"file": ("raw.csv", content)}, data={"rate_hz": "1000"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["analysis"]["duration_s"] == pytest.approx(3.0)


def test_emg_upload_larger_than_the_limit_is_413(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client.app.state.ctx.settings, "emg_body_max_mb", 0.0001)  # type: ignore[attr-defined]
    r = client.post("/api/emg/recordings", files={"file": ("big.csv", b"t,biceps\n" * 20)})
    assert r.status_code == 413
    assert r.json()["message"] == (
        "The recording is too big: an EMG recording may be at most 0.0001 MB. Send a shorter "
        "recording."
    )


# ---------------------------------------------------------------- experiments
def test_calatayud_preset_in_one_call(client: TestClient) -> None:
    r = client.post("/api/experiments", json={"preset": "calatayud2016", "seed": 1})
    assert r.status_code == 200, r.text
    exp = r.json()
    assert exp["exercise_name"] == "Barbell Bench Press"
    assert exp["status"] == "planned"
    assert (len(exp["sets"]), exp["n_done"]) == (15, 0)
    assert exp["design"]["loads_pct_e1rm"] == [20.0, 40.0, 50.0, 60.0, 80.0]
    nxt = exp["next_set"]
    assert nxt["number"] == 1 and nxt["load_pct_e1rm"] == 20.0
    assert nxt["cue"] in {
        None,
        "Use only your chest muscles to press the bar.",
        "Use only your triceps to press the bar.",
    }
    assert client.get(f"/api/experiments/{exp['id']}").json() == exp
    assert [x["id"] for x in client.get("/api/experiments").json()] == [exp["id"]]


def test_run_a_curl_experiment_with_emg_and_analyse_it(client: TestClient) -> None:
    exp = client.post(
        "/api/experiments", json={"preset": "curl-focus", "seed": 3, "e1rm_kg": 20}
    ).json()
    assert exp["design"]["channels"] == {"biceps": "biceps", "forearm_flexors": "forearm_flexors"}
    first = exp["next_set"]
    assert (first["number"], first["load_kg"], first["reps"]) == (1, 12.0, 10)
    content, _ = emg_csv(("biceps", "forearm_flexors"), seed=1)
    url = f"/api/experiments/{exp['id']}/sets/1"
    r = client.post(url, data={"target_rating": "7"}, files={"emg": ("set1.csv", content)})
    assert r.status_code == 200, r.text
    rec = r.json()
    assert (rec["number"], rec["emg_reps"], rec["reps"], rec["target_rating"]) == (1, 5, 5, 7)
    assert rec["load_kg"] == 12.0
    assert rec["peak"]["biceps"] > 2 * rec["peak"]["forearm_flexors"]
    r = client.post(url, data={"target_rating": "7"})
    assert r.status_code == 422
    assert r.json()["message"] == f"Set 1 of experiment {exp['id']} is already recorded."
    r = client.post(
        f"/api/experiments/{exp['id']}/sets/2",
        data={"target_rating": "4", "reps": "10", "load_kg": "11.5"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["emg_reps"], r.json()["load_kg"]) == (0, 11.5)
    status = client.get(f"/api/experiments/{exp['id']}").json()
    assert (status["status"], status["n_done"], status["next_set"]["number"]) == ("running", 2, 3)
    assert [s["done"] for s in status["sets"][:3]] == [True, True, False]
    r = client.get(f"/api/experiments/{exp['id']}/analysis")
    assert r.status_code == 200, r.text
    a = r.json()
    assert (a["n_planned"], a["n_recorded"]) == (10, 2)
    assert a["muscles"] == ["biceps", "forearm_flexors"]
    assert a["limitations"]
    assert a["report_url"] == f"/experiments/{exp['id']}/report"
    page = client.get(a["report_url"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Dumbbell Biceps Curl: internal vs external focus" in page.text


def test_custom_experiment_from_the_form(client: TestClient) -> None:
    body = {
        "exercise_id": "dumbbell_biceps_curl",
        "conditions": ["internal", "none"],
        "loads_pct_e1rm": [50, 70],
        "sets_per_condition": 2,
        "seed": 5,
    }
    r = client.post("/api/experiments", json=body)
    assert r.status_code == 200, r.text
    exp = r.json()
    assert len(exp["sets"]) == 8
    assert {s["condition"] for s in exp["sets"]} == {"internal", "none"}
    assert exp["next_set"]["load_kg"] is None  # no 1RM given: the lifter enters the load
    r = client.post(f"/api/experiments/{exp['id']}/sets/1", data={"target_rating": "5"})
    assert r.status_code == 422
    assert r.json()["message"].startswith("No load for set 1: it is 50% of your estimated 1RM")


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"preset": "nope"}, 422, "preset"),
        ({"exercise_id": "moon_press"}, 422, "Unknown exercise id 'moon_press'"),
        ({"exercise_id": "dumbbell_biceps_curl", "conditions": ["loud"]}, 422, "conditions"),
        ({"exercise_id": "dumbbell_biceps_curl", "sets_per_condition": 0}, 422, "sets_per"),
        ({"preset": "curl-focus", "exercise_id": "dumbbell_biceps_curl"}, 422, "not both"),
        ({}, 422, "Give a preset"),
        ({"preset": "curl-focus", "colour": "red"}, 422, "colour"),
    ],
)
def test_bad_experiment_designs(
    client: TestClient, body: dict[str, Any], status: int, needle: str
) -> None:
    r = client.post("/api/experiments", json=body)
    assert r.status_code == status
    assert needle in r.json()["message"]


def test_bad_experiment_sets(client: TestClient) -> None:
    exp = client.post("/api/experiments", json={"preset": "curl-focus", "e1rm_kg": 20}).json()
    base = f"/api/experiments/{exp['id']}/sets"
    r = client.post(f"{base}/1", data={"target_rating": "11"})
    assert (r.status_code, r.json()["details"][0]["field"]) == (422, "target_rating")
    r = client.post(f"{base}/1", data={})
    assert (r.status_code, r.json()["details"][0]["field"]) == (422, "target_rating")
    r = client.post(f"{base}/99", data={"target_rating": "5"})
    assert r.status_code == 422
    assert r.json()["message"] == f"Set 99 is not in experiment {exp['id']}: its sets are 1-10."
    content, _ = emg_csv(("deltoid", "trapezius"))
    r = client.post(f"{base}/1", data={"target_rating": "5"}, files={"emg": ("s.csv", content)})
    assert r.status_code == 422
    assert r.json()["message"].startswith("s.csv: none of the design's EMG channels")
    assert client.get(f"/api/experiments/{exp['id']}").json()["n_done"] == 0
    r = client.get("/api/experiments/999")
    assert r.status_code == 404
    r = client.post("/api/experiments/999/sets/1", data={"target_rating": "5"})
    assert r.status_code == 404
    assert client.get("/experiments/999/report").status_code == 404


# ---------------------------------------------------------------- pages and users
def test_pages_render_and_settings_link_to_them(client: TestClient) -> None:
    for path, marker in [
        ("/import", 'id="import-form"'),
        ("/emg", 'id="emg-form"'),
        ("/experiments", 'data-preset="calatayud2016"'),
    ]:
        r = client.get(path)
        assert r.status_code == 200, path
        assert marker in r.text
        assert f'src="/static/js/{path[1:]}.js?v=' in r.text
    assert 'src="/vendor/plotly.min.js"' in client.get("/emg").text
    settings = client.get("/settings").text
    for href in ("/import", "/emg", "/experiments"):
        assert f'href="{href}"' in settings


def test_every_record_belongs_to_its_user(
    tmp_path: Path, curl: tuple[bytes, list[tuple[float, float]]]
) -> None:
    with _client(tmp_path, host="0.0.0.0") as c:
        db = c.app.state.ctx.db  # type: ignore[attr-defined]
        r = c.post("/api/import", files={"file": ("s.csv", STRONG_OK.encode())})
        assert r.status_code == 401
        accounts.set_password(db=db, password="correct horse", name="alex")
        with db.session() as s:
            other = repo.create_user(session=s, name="sam").id
        accounts.set_password(db=db, password="battery staple", user_id=other)

        def login(name: str, password: str) -> None:
            c.cookies.clear()
            c.headers["X-CSRF-Token"] = c.get("/api/csrf").json()["token"]
            assert c.post("/api/login", json={"name": name, "password": password}).is_success

        login("alex", "correct horse")
        rec = c.post("/api/emg/recordings", files={"file": ("curl.csv", curl[0])}).json()
        exp = c.post("/api/experiments", json={"preset": "curl-focus"}).json()
        assert _upload_log(c, "s.csv", STRONG_OK.encode(), unit="kg", dry_run="false").is_success
        login("sam", "battery staple")
        assert c.get("/api/emg/recordings").json() == []
        assert c.get(f"/emg/recordings/{rec['recording_id']}/report").status_code == 404
        url = f"/api/emg/recordings/{rec['recording_id']}/analysis"
        assert c.post(url, json={"target": "biceps"}).status_code == 404
        assert c.get("/api/experiments").json() == []
        assert c.get(f"/api/experiments/{exp['id']}").status_code == 404
        assert _exported_rows(c) == []
        assert json.loads(c.get("/api/export", params={"format": "json"}).text)["sets"] == []
        # the same file imported by the second user is theirs, not a duplicate of the first's
        r = _upload_log(c, "s.csv", STRONG_OK.encode(), unit="kg", dry_run="false")
        assert r.json()["sets_added"] == 3


def test_a_chosen_format_that_does_not_fit_the_file(client: TestClient) -> None:
    r = _upload_log(client, "strong.csv", STRONG_OK.encode(), unit="kg", format="hevy")
    assert r.status_code == 422
    assert r.json()["message"].startswith("strong.csv")
    r = _upload_log(client, "strong.csv", STRONG_OK.encode(), unit="kg", format="strong")
    assert (r.status_code, r.json()["format"]) == (200, "strong")
