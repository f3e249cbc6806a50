"""A log that keeps dates only (FitNotes) shows its workouts by day in History, with no made-up
12:00 AM; the import page's toggles are 44 px targets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test

FITNOTES = (
    "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n"
    '2022-09-14,Flat Barbell Bench Press,Chest,45.0,lbs,10,,,,""\n'
    '2022-09-22,Flat Barbell Bench Press,Chest,65.0,lbs,8,,,,""\n'
)


def test_a_workout_of_a_dates_only_log_shows_its_day_without_a_time(
    page,
    server: Server,
    tmp_path: Path,
) -> None:
    token = server.http.get("/api/csrf").json()["token"]
    r = server.http.post(
        "/api/import",
        files={"file": ("fitnotes.csv", FITNOTES.encode(), "text/csv")},
        data={"dry_run": "false"},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text
    page.goto("/history")
    page.wait_for_function("document.body.dataset.ready === '1'")
    titles = page.locator("details.workout summary b").all_inner_texts()
    assert len(titles) == 2
    for title, day in zip(titles, ("22", "14"), strict=True):
        assert "2022" in title and re.search(rf"\b{day}\b", title), title
        assert not re.search(r"\d:\d\d|AM|PM", title), title
    assert page.errors == []


def test_the_import_pages_toggles_are_44_px_targets(page, server: Server) -> None:
    page.goto("/import")
    summaries = page.locator("details > summary")
    assert summaries.count() >= 1
    for i in range(summaries.count()):
        box = summaries.nth(i).bounding_box()
        assert box is not None and box["height"] >= 44, (i, box)
