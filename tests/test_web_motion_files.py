"""The motion page's analysis of a motion file: the same answer as ``mindmuscle motion FILE``.

The synthetic recording is ``simulate_set`` with 8 repetitions at tempo 2-1-1-1 (5 s each) after
3 s of idling, so its repetitions start at 3, 8, ..., 38 s and end 5 s later; the real one is a
watch recording of ``../shared/data/imu/watch`` whose reps are in its ``labels.csv``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.catalog.models import Tempo
from mindmuscle.cli import app as cli_app
from mindmuscle.io.motion import read_watch_labels
from mindmuscle.services.motion import MAX_FILE_SAMPLES, analyze_recording, set_span_line
from mindmuscle.signals.motion.synthetic import simulate_set
from tests.test_web_data import _client

WATCH = Path(__file__).resolve().parents[2] / "shared" / "data" / "imu" / "watch"
WATCH_FILE = "011224_CGCR_W52_S3_R8.csv"


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def synthetic_csv(*, scale: float = 1.0, partial: tuple[int, ...] = ()) -> bytes:
    """The synthetic set as ``t,ax,ay,az`` in m/s^2 (divided by ``scale``); the repetitions
    numbered in ``partial`` (from 1) only partly done."""
    rec = simulate_set(reps=8, tempo=Tempo.parse("2-1-1-1"), rate_hz=50, seed=3, partial=partial)
    buf = io.StringIO()
    np.savetxt(
        buf,
        np.column_stack([rec.t_s, rec.acc_ms2 / scale]),
        delimiter=",",
        header="t,ax,ay,az",
        comments="",
        fmt="%.6g",
    )
    return buf.getvalue().encode()


def analyse(client: TestClient, name: str, content: bytes, **data: str) -> dict:  # type: ignore[type-arg]
    r = client.post("/api/motion/files", files={"file": (name, content, "text/csv")}, data=data)
    body: dict = r.json()  # type: ignore[type-arg]
    body["status"] = r.status_code
    return body


def test_a_synthetic_set_is_counted_with_its_repetitions_and_figure(client: TestClient) -> None:
    out = analyse(client, "set.csv", synthetic_csv())
    assert out["status"] == 200, out
    s = out["summary"]
    assert (s["reps"], s["partial_reps"], s["counted_in_set"]) == (8, 0, True)
    assert s["quality"]["status"] == "good"
    starts = [r["start_s"] for r in s["reps_detail"]]
    ends = [r["end_s"] for r in s["reps_detail"]]
    assert starts == pytest.approx([3.0 + 5 * k for k in range(8)], abs=0.3)
    assert ends == pytest.approx([8.0 + 5 * k for k in range(8)], abs=0.3)
    for r in s["reps_detail"]:
        phases = r["eccentric_s"] + r["bottom_pause_s"] + r["concentric_s"] + r["top_pause_s"]
        assert phases == pytest.approx(r["end_s"] - r["start_s"], abs=0.05)
    assert out["span_line"] == "set found from 1.2 s to 46.0 s of the 46.0 s recording"
    assert out["duration_s"] == pytest.approx(45.981, abs=1e-3)
    assert out["file_name"] == "set.csv"
    assert out["exercise"] is None
    # The figure of --plot OUT.html: three panels, the counted extremes, the title's count.
    fig = out["figure"]
    names = [t.get("name") for t in fig["data"]]
    assert names[:6] == ["ax", "ay", "az", "|a|", "movement", "counted"]
    assert fig["layout"]["title"]["text"].startswith("8 repetitions · ")
    assert "plotly.js" not in json.dumps(fig)[:200]


def test_a_partial_repetition_is_counted_apart(client: TestClient) -> None:
    out = analyse(client, "set.csv", synthetic_csv(partial=(3,)))
    assert out["status"] == 200, out
    s = out["summary"]
    assert (s["reps"], s["partial_reps"]) == (7, 1)
    assert [r["partial"] for r in s["reps_detail"]] == [False, False, True] + [False] * 5
    assert out["span_line"] == "set found from 1.3 s to 46.0 s of the 46.0 s recording"


def test_the_exercise_sets_the_direction_and_alternating_sides(client: TestClient) -> None:
    out = analyse(client, "set.csv", synthetic_csv(), exercise_id="alternating_dumbbell_curl")
    assert out["status"] == 200, out
    assert out["exercise"] == "Alternating Dumbbell Curl"
    assert out["summary"]["alternating"] is True
    out = analyse(client, "set.csv", synthetic_csv(), exercise_id="seated_cable_row")
    assert (out["exercise"], out["summary"]["alternating"]) == ("Seated Cable Row", False)
    assert out["summary"]["reps"] == 8


def test_a_real_watch_file_gives_what_the_terminal_prints(client: TestClient) -> None:
    path = WATCH / WATCH_FILE
    if not path.is_file():
        pytest.skip(f"the real watch recordings are not here ({path})")
    label = next(row for row in read_watch_labels(WATCH) if row.file == WATCH_FILE)
    out = analyse(client, WATCH_FILE, path.read_bytes())
    assert out["status"] == 200, out
    terminal = CliRunner().invoke(cli_app, ["motion", str(path), "--json"])
    assert terminal.exit_code == 0, terminal.output
    assert out["summary"] == json.loads(terminal.output)
    printed = CliRunner().invoke(cli_app, ["motion", str(path)]).output
    assert f"  {out['span_line']}\n" in printed
    # The numbers: the logged 8 reps; the set found from 18.6 s, the marked start being 18.0 s.
    assert out["summary"]["reps"] == label.reps == 8
    assert out["span_line"] == "set found from 18.6 s to 49.1 s of the 57.8 s recording"
    assert (label.active_start_s, label.active_end_s) == (18.0, 55.49)


def test_an_unclear_set_is_said_in_the_terminal_s_words() -> None:
    rec = simulate_set(reps=8, tempo=Tempo.parse("2-1-1-1"), rate_hz=50, seed=3)
    found, _ = analyze_recording(rec)
    unclear = found.model_copy(update={"counted_in_set": False})
    assert set_span_line(unclear) == (
        "no clear set in the 46.0 s recording (the likeliest, 1.2 s to 46.0 s, repeats "
        "unevenly): counted over all of it"
    )
    assert set_span_line(found.model_copy(update={"active_start_s": None})) is None


def test_a_file_of_another_kind_is_refused_before_it_is_read(client: TestClient) -> None:
    out = analyse(client, "photo.png", b"\x89PNG\r\n")
    assert out["status"] == 422
    assert out["message"] == (
        "photo.png: a .png file is not a format the motion page reads: give a watch, MetaMotion, "
        "muvr or other CSV (.csv, .txt), a FIT file (.fit) or a JSON recording (.json)"
    )


def test_too_few_samples_is_one_line(client: TestClient) -> None:
    out = analyse(client, "short.csv", b"t,ax,ay,az\n0,0,0,1\n0.01,0,0,1\n0.02,0,0.1,1\n")
    assert out["status"] == 422
    assert out["message"] == (
        "The accelerometer recording has 3 distinct samples; at least 20 are needed (a set of "
        "repetitions lasts seconds, at 10 Hz or more)."
    )


def test_units_that_cannot_be_decided_ask_for_them_and_are_then_used(client: TestClient) -> None:
    content = synthetic_csv(scale=0.25)  # gravity reads 39.2: neither g nor m/s^2
    out = analyse(client, "odd.csv", content)
    assert out["status"] == 422
    assert out["message"] == (
        "odd.csv: cannot tell the acceleration units (gravity reads 39.2); they must be g or "
        "m/s^2. Pick g or m/s² under 'Acceleration in' and analyse again."
    )
    out = analyse(client, "odd.csv", content, units="ms2")
    assert out["status"] == 200, out
    assert out["summary"]["reps"] == 8


def test_bad_options_name_what_was_given_and_what_is_allowed(client: TestClient) -> None:
    out = analyse(client, "set.csv", synthetic_csv(), units="furlongs")
    assert out["status"] == 422
    assert out["message"] == "units 'furlongs' is not allowed: it must be 'g' or 'ms2'."
    out = analyse(client, "set.csv", synthetic_csv(), exercise_id="no_such_exercise")
    assert out["status"] == 422
    assert out["message"] == "Unknown exercise id 'no_such_exercise'."
    out = analyse(client, "set.csv", b"t,ax\n0,1\n")
    assert out["status"] == 422
    assert out["message"] == (
        "set.csv, line 1: missing column(s) ay, az; the header has t, ax. Expected t (seconds), "
        "ax, ay, az and optionally gx, gy, gz."
    )


def test_a_recording_longer_than_a_set_is_refused_before_the_analysis(client: TestClient) -> None:
    n = MAX_FILE_SAMPLES + 1
    t = np.arange(n) / 100
    rows = "\n".join(f"{x:.2f},0,0,1" for x in t)
    out = analyse(client, "long.csv", f"t,ax,ay,az\n{rows}\n".encode())
    assert out["status"] == 422
    assert out["message"] == (
        "long.csv holds 120001 samples over 1200 s; the web app analyses at most 120000 "
        "samples and 20 minutes (one set). Cut the file to the set and upload it again."
    )


def test_upload_larger_than_the_limit_is_413(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client.app.state.ctx.settings, "motion_body_max_mb", 0.0001)  # type: ignore[attr-defined]
    out = analyse(client, "set.csv", synthetic_csv())
    assert out["status"] == 413
    assert out["message"] == (
        "The recording is too big: a motion file may be at most 0.0001 MB. Send a shorter "
        "recording, cut to the set."
    )


def test_the_route_needs_the_csrf_token_and_an_allowed_origin(client: TestClient) -> None:
    files = {"file": ("set.csv", synthetic_csv(), "text/csv")}
    r = client.post("/api/motion/files", files=files, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    r = client.post("/api/motion/files", files=files, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403


def test_the_page_renders_with_the_apps_plotly_and_settings_link_to_it(
    client: TestClient,
) -> None:
    r = client.get("/motion")
    assert r.status_code == 200
    assert 'id="motion-form"' in r.text
    assert 'src="/vendor/plotly.min.js"' in r.text
    assert 'src="/static/js/motion.js?v=' in r.text
    assert "Analysed, not stored" in r.text
    assert '<option value="seated_cable_row">Seated Cable Row</option>' in r.text
    assert "cdn" not in r.text.lower()
    assert 'href="/motion"' in client.get("/settings").text
    assert client.get("/static/js/motion.js").status_code == 200
