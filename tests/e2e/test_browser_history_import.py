"""History at 390x844 with imported workouts: each shows the duration its export gave (Strong's
Duration column, Hevy's start and end), though all its sets share one time; a workout whose
export gave none shows no duration at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Server
from tests.e2e.test_browser_workout import look

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test


def _import(server: Server, token: str, path: Path, unit: str | None = None) -> None:
    form = {"dry_run": "false"} | ({"unit": unit} if unit else {})
    r = server.http.post(
        "/api/import",
        files={"file": (path.name, path.read_bytes(), "text/csv")},
        data=form,
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text


def test_history_shows_the_duration_of_imported_workouts(
    page,
    server: Server,
    shared_data: Path,
) -> None:
    logs = shared_data / "logs"
    token = server.http.get("/api/csrf").json()["token"]
    _import(server, token, logs / "openweight" / "strong-real.csv", "kg")  # 1h 43m, 1h 45m
    _import(server, token, logs / "vis-strong-go" / "example.csv")  # 1267 s, 4422 s
    _import(server, token, logs / "vis-strong-go" / "alt.csv", "kg")  # no Duration column
    _import(server, token, logs / "openweight" / "hevy-real.csv")  # 1 h 2 min, 1 h 1 min
    listed = server.http.get("/api/sessions").json()
    assert [w["duration_s"] for w in listed] == [3660, 3720, 6300, 6180, 4422, 1267, None]

    page.goto("/history")
    page.wait_for_function("document.body.dataset.ready === '1'")
    assert page.inner_text("#history-status") == "7 workouts, newest first."
    lines = page.locator("details.workout summary small").all_inner_texts()
    durations = [line.split(" · ")[0] for line in lines]
    assert durations == [
        "1 h 1 min",
        "1 h 2 min",
        "1 h 45 min",
        "1 h 43 min",
        "1 h 14 min",  # 4422 s
        "21 min",  # 1267 s
        "9 sets",  # the old Strong dialect: no duration, and no "0 min"
    ]
    assert lines[3].startswith("1 h 43 min · 15 sets · volume ")
    assert not any("0 min ·" in line.split(" · ")[0] for line in lines)
    page.locator("details.workout summary").nth(3).click()
    look(page, "history-imported")
    assert page.errors == []
