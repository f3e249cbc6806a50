"""A file that is not an EMG recording, given where one is asked for (the EMG page, an
experiment set, ``mindmuscle emg``): one line saying what the file is or what it holds, and what
an EMG recording is; nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.cli import app
from tests.test_web_data import _client

NUMBERS_ONLY = (
    "is not a number; allowed: numbers only (an EMG CSV holds one column of samples per "
    "channel, and an optional t column)"
)
JSON_FILE = (
    "this is a JSON file, not an EMG recording; give the recording as CSV (one column per "
    "channel, with a t column or a sampling rate), EDF/BDF, XDF or a BrainFlow file"
)


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def test_a_workout_log_and_a_json_export_are_not_emg(
    client: TestClient, shared_data: Path, tmp_path: Path
) -> None:
    hevy = shared_data / "logs" / "openweight" / "hevy-real.csv"
    exported = client.get("/api/export", params={"format": "json"}).content
    r = client.post("/api/emg/recordings", files={"file": ("hevy-real.csv", hevy.read_bytes())})
    assert r.status_code == 422
    assert r.json()["message"] == (
        "hevy-real.csv, line 2, column title: 'Monday ? You mean international CHEST DAY !' "
        + NUMBERS_ONLY
    )
    r = client.post("/api/emg/recordings", files={"file": ("mine.json", exported)})
    assert r.status_code == 422
    assert r.json()["message"] == f"mine.json: {JSON_FILE}"
    exp = client.post("/api/experiments", json={"preset": "curl-focus", "e1rm_kg": 20}).json()
    r = client.post(
        f"/api/experiments/{exp['id']}/sets/1",
        data={"target_rating": "5"},
        files={"emg": ("mine.json", exported)},
    )
    assert r.status_code == 422
    assert r.json()["message"] == f"mine.json: {JSON_FILE}"
    assert client.get("/api/emg/recordings").json() == []
    assert client.get("/api/sets").json() == []
    (tmp_path / "mine.json").write_bytes(exported)
    out = CliRunner().invoke(app, ["emg", str(tmp_path / "mine.json")])
    assert out.exit_code == 1
    assert out.output.strip() == f"Error: {tmp_path / 'mine.json'}: {JSON_FILE}"
