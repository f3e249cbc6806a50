"""A felt rating reads the same everywhere: "felt 8/10", from one function per channel
(:func:`mindmuscle.coach.limits.felt_text` in the terminal and the server's pages, ``feltText``
in the pages' scripts: tests/e2e/test_browser_felt_format.py). Ratings are whole numbers, so a
mean is rounded half up; a felt rating is never worded as an activation."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.coach.limits import SKIPPED_RATING_TEXT, felt_text
from tests.test_web_api import _client


@pytest.mark.parametrize(
    ("rating", "shown"),
    [(0, "felt 0/10"), (7, "felt 7/10"), (9, "felt 9/10"), (9.0, "felt 9/10"), (10, "felt 10/10"),
     (7.5, "felt 8/10"), (7.49, "felt 7/10"), (8.333, "felt 8/10")],
)  # fmt: skip
def test_a_felt_rating_is_a_whole_number_out_of_ten(rating: float, shown: str) -> None:
    assert felt_text(rating) == shown


def test_the_terminal_shows_a_logged_and_a_stored_rating_the_same_way(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    at = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0).isoformat()
    runner = CliRunner()

    def cli(*args: str) -> str:
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, result.output
        return result.output

    logged = cli("log", "dumbbell_biceps_curl", "--reps", "10", "--load", "12", "--rating", "9",
                 "--at", at)  # fmt: skip
    assert re.fullmatch(
        r"Logged Dumbbell Biceps Curl: 10 reps at 12 kg, target felt 9/10 \(set [0-9a-f-]{36}\)\.",
        " ".join(logged.split()),
    ), logged
    [stored] = json.loads(cli("history", "--json"))["sets"]
    shown = " ".join(cli("set", "show", str(stored["id"])).split())
    assert ", target felt 9/10" in shown and "9.0" not in shown and "target 9/10" not in shown


def test_the_exercise_page_shows_recent_ratings_the_same_way(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        body = {
            "uuid": "00000000-0000-0000-0000-00000000fe17",
            "exercise_id": "dumbbell_biceps_curl",
            "set_index": 0,
            "performed_at": "2026-11-14T10:00:00Z",
            "reps": 12,
            "load_kg": 20.0,
            "reflection": {"target_rating": 7, "felt_elsewhere": {}},
        }
        assert c.post("/api/sets", json=body).status_code == 200
        page = c.get("/exercises").text
    assert "14 Nov 2026 · 12 × 20 kg · felt 7/10</li>" in page


def test_a_skipped_rating_reads_not_rated_everywhere(tmp_path: Path) -> None:
    """One wording for a rating skipped on purpose, from felt_text: the terminal's log, set
    show and the server's exercise page (the pages' scripts: test_browser_felt_format.py)."""
    assert felt_text(None) == SKIPPED_RATING_TEXT == "not rated"
    db = str(tmp_path / "m.db")
    at = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0).isoformat()
    runner = CliRunner()

    def cli(*args: str) -> str:
        result = runner.invoke(app, [*args, "--db", db], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    logged = cli("log", "dumbbell_biceps_curl", "--reps", "10", "--load", "12", "--at", at)
    assert "10 reps at 12 kg, target not rated (set " in logged
    shown = cli("set", "show", "1")
    assert "10 reps at 12 kg, target not rated" in shown
    with _client(tmp_path) as c:
        body = {
            "uuid": "00000000-0000-0000-0000-00000000fe18",
            "exercise_id": "dumbbell_biceps_curl",
            "set_index": 0,
            "performed_at": "2026-11-14T10:00:00Z",
            "reps": 12,
            "load_kg": 20.0,
            "reflection": {"target_rating": None, "felt_elsewhere": {}},
        }
        assert c.post("/api/sets", json=body).status_code == 200
        page = c.get("/exercises").text
    assert "14 Nov 2026 · 12 × 20 kg · not rated</li>" in page
    for text in (logged, shown, page):
        assert "rating skipped" not in text and "felt not rated" not in text
