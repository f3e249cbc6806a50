"""The progress page says which weeks its trends cover, and counts each exercise's sets in them:
a lifter with older imported history is told that it is not drawn."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

from mindmuscle.coach.sets import parse_set
from mindmuscle.services.progress import window_start
from mindmuscle.services.sets import record_set
from mindmuscle.store import Database
from tests.test_web_data import _client

CURL = "dumbbell_biceps_curl"


def _log(db: Database, at: datetime) -> None:
    data = parse_set(
        {"exercise_id": CURL, "performed_at": at, "load_kg": 12.0, "reps": 10,
         "reflection": {"target_rating": 7}}
    )  # fmt: skip
    record_set(db=db, user_id=1, data=data, now=at)


def _text(html: str, pattern: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found is not None, pattern
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def test_the_trends_say_their_window_and_that_older_sets_are_not_drawn(tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    since = window_start(now).date()
    with _client(tmp_path) as client:
        db: Database = client.app.state.ctx.db  # type: ignore[attr-defined]
        _log(db, now - timedelta(days=3 * 365))  # imported history from three years ago
        for days in (8, 1):
            _log(db, now - timedelta(days=days))
        api = client.get("/api/progress").json()
        assert api["since"] == since.isoformat()
        assert [(e["exercise_id"], e["n_sets"]) for e in api["exercises"]] == [(CURL, 2)]
        html = client.get("/progress").text
    first = now - timedelta(days=3 * 365)
    assert _text(html, r'<p[^>]*id="trend-window".*?</p>') == (
        f"Week by week since {since.day} {since:%b %Y}, the last two years: your sets from "
        f"{first:%b %Y} until then are not drawn."
    )
    # Counted in those weeks (the sentence above says which), short enough for a phone's select.
    assert (
        _text(html, r'<select id="exercise-select">.*?</select>') == "Dumbbell Biceps Curl (2 sets)"
    )


def test_without_rated_sets_the_rating_trend_says_so_instead_of_an_empty_chart(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with _client(tmp_path) as client:
        db: Database = client.app.state.ctx.db  # type: ignore[attr-defined]
        data = parse_set(
            {"exercise_id": CURL, "performed_at": now - timedelta(days=2), "load_kg": 12.0,
             "reps": 10}
        )  # fmt: skip
        record_set(db=db, user_id=1, data=data, now=now)
        html = client.get("/progress").text
    assert 'id="muscle-select"' not in html
    assert _text(html, r'<div class="card" id="no-rating-trend">.*?</div>') == (
        "Target rating by week: no rated sets in these weeks. The rating you give after each "
        "set is drawn here."
    )
    assert 'id="exercise-select"' in html
