"""A researcher records an experiment set with a real EMG file whose channel is not named after
the design's muscles (biosppy's single channel is called "EMG"): the file is read in place and
its channel mapped to the muscle (``--map 1=biceps`` in the terminal, ``map`` in the API)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.cli import app
from tests.test_web_data import _client

REAL_EMG = ("emg", "biosppy-examples", "emg.txt")


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def test_the_api_maps_a_real_files_channel_to_the_designs_muscle(
    client: TestClient, shared_data: Path
) -> None:
    emg = shared_data.joinpath(*REAL_EMG).read_bytes()
    exp = client.post(
        "/api/experiments", json={"preset": "curl-focus", "seed": 3, "e1rm_kg": 20}
    ).json()
    url = f"/api/experiments/{exp['id']}/sets/1"
    r = client.post(url, data={"target_rating": "7"}, files={"emg": ("emg.txt", emg)})
    assert r.status_code == 422
    assert r.json()["message"] == (
        "emg.txt: none of the design's EMG channels (biceps, forearm_flexors) is in the file "
        "(EMG); name the columns after them, or map the file's channels to them (e.g. 1=biceps)"
    )
    r = client.post(
        url,
        data={"target_rating": "7", "map": "1=pec_sternal"},
        files={"emg": ("emg.txt", emg)},
    )
    assert r.status_code == 422
    assert r.json()["message"] == (
        "The channel map names pec_sternal, "
        "which this experiment does not measure: its muscles are "
        "biceps, forearm_flexors."
    )
    r = client.post(
        url, data={"target_rating": "7", "map": "1=biceps"}, files={"emg": ("emg.txt", emg)}
    )
    assert r.status_code == 200, r.text
    rec = r.json()
    assert (rec["number"], rec["emg_reps"], rec["reps"], rec["target_rating"]) == (1, 5, 5, 7)
    assert sorted(rec["peak"]) == ["biceps"]
    analysis = client.get(f"/api/experiments/{exp['id']}/analysis").json()
    assert (analysis["n_recorded"], analysis["muscles"]) == (1, ["biceps"])


def test_the_terminal_maps_a_real_files_channel_by_its_name(
    tmp_path: Path, shared_data: Path
) -> None:
    runner = CliRunner()
    db = str(tmp_path / "m.db")
    made = runner.invoke(
        app, ["experiment", "new", "--preset", "curl-focus", "--e1rm-kg", "20", "--db", db]
    )
    assert made.exit_code == 0, made.output
    record = ["experiment", "record", "1", "--set", "1", "--rating", "6"]
    emg = ["--emg", str(shared_data.joinpath(*REAL_EMG))]
    done = runner.invoke(app, [*record, *emg, "--map", "EMG=biceps", "--db", db])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[0].endswith("target felt 6/10, 5 EMG repetitions")
