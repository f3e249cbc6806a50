"""A channel map that does not fit the EMG file is one error with the facts (what is wrong,
what is allowed), and each channel words the remedy: the terminal names its option --map, the
web app the field or rows its page has (and its API's fields), never the terminal's option."""

from __future__ import annotations

import uuid
from pathlib import Path

from typer.testing import CliRunner

from mindmuscle.cli import app
from tests.test_web_data import _client, emg_csv

FIELD = (
    "Correct it under 'The file's channels' (channel=muscle, e.g. 1=biceps), or leave that "
    "field empty when the file's channels are named as the design's muscles."
)
ROWS = (
    "On the EMG page, choose each channel's muscle in its row (through the API: correct map, "
    "or send the rows as mapping)."
)


def test_the_experiment_page_says_to_correct_its_field_and_the_terminal_names_map(
    tmp_path: Path,
) -> None:
    emg, _ = emg_csv(("EMG1", "EMG2"))
    (tmp_path / "web").mkdir()
    cases = {
        "1": "entry '1' is not CH=MUSCLE: give e.g. 1=biceps (channels 1-2 or the labels "
        "EMG1, EMG2).",
        "5=biceps": "channel 5 does not exist: the recording has channels 1-2 or the labels "
        "EMG1, EMG2.",
        "1=biceps,2=biceps": "muscle 'biceps' is named twice: give each once.",
    }
    with _client(tmp_path / "web") as client:
        exp = client.post(
            "/api/experiments", json={"preset": "curl-focus", "seed": 3, "e1rm_kg": 20}
        ).json()
        url = f"/api/experiments/{exp['id']}/sets/1"
        for channel_map, problem in cases.items():
            r = client.post(
                url,
                data={"target_rating": "7", "map": channel_map},
                files={"emg": ("set.csv", emg)},
            )
            assert r.status_code == 422, r.text
            assert r.json()["message"] == f"{problem[0].upper()}{problem[1:]} {FIELD}"
        assert client.get(f"/api/experiments/{exp['id']}").json()["next_set"]["number"] == 1

    runner = CliRunner()
    db = str(tmp_path / "m.db")
    made = runner.invoke(
        app, ["experiment", "new", "--preset", "curl-focus", "--e1rm-kg", "20", "--db", db]
    )
    assert made.exit_code == 0, made.output
    csv = tmp_path / "set.csv"
    csv.write_bytes(emg)
    record = ["experiment", "record", "1", "--set", "1", "--rating", "6", "--emg", str(csv)]
    for channel_map, problem in cases.items():
        done = runner.invoke(app, [*record, "--map", channel_map, "--db", db])
        assert done.exit_code == 1, done.output
        assert done.stderr.strip() == f"Error: --map {problem}"


def test_a_sets_emg_map_on_the_web_points_to_the_emg_pages_rows(tmp_path: Path) -> None:
    emg, _ = emg_csv(("EMG1", "EMG2"))
    set_uuid = str(uuid.uuid4())
    with _client(tmp_path) as client:
        logged = client.post(
            "/api/sets",
            json={
                "uuid": set_uuid,
                "set_index": 0,
                "performed_at": "2026-12-07T09:00:00Z",
                "exercise_id": "dumbbell_biceps_curl",
                "reps": 5,
                "load_kg": 10,
                "reflection": {"target_rating": 7},
            },
        )
        assert logged.status_code in (200, 201), logged.text
        url = f"/api/sets/{set_uuid}/emg"
        r = client.post(url, data={"map": "2=front_delt"}, files={"file": ("set.csv", emg)})
        assert r.status_code == 422, r.text
        assert r.json()["message"] == (
            "Only front_delt is mapped, no target muscle of Dumbbell Biceps Curl: map a "
            f"channel to biceps (add _left or _right for a side), e.g. 1=biceps. {ROWS}"
        )
        assert client.get(url).status_code == 404  # nothing was stored
