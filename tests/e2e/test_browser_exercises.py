"""An exercise made by a log import, in a real browser: its card says it has no target muscle
yet, and the lifter assigns its targets on the card (phone size)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.test_user_catalog import HEVY

pytestmark = pytest.mark.browser


def _import(server: Server) -> None:
    token = server.http.get("/api/csrf").json()["token"]
    r = server.http.post(
        "/api/import",
        files={"file": ("hevy.csv", HEVY.encode(), "text/csv")},
        data={"dry_run": "false"},
        headers={"X-CSRF-Token": token},
    )
    r.raise_for_status()
    assert r.json()["new_user_exercises"] == 3


def test_assign_the_targets_of_an_imported_exercise(page, server: Server) -> None:
    _import(server)
    page.goto("/exercises")
    card = page.locator("article#user_warm_up")
    assert "Targets unassigned" in " ".join(card.inner_text().split())
    assert "left out of the connection map" in card.inner_text()
    # Nothing in "Warm Up" tells its kind: the card says so, and asks.
    assert card.locator(".tag").text_content() == "kind unknown"
    page.fill("#filter", "warm")
    shot(page, "40-exercise-unassigned")
    card.locator("button[type=submit]").click()  # nothing chosen: told what to do
    page.wait_for_selector("article#user_warm_up .error-text:not([hidden])")
    assert card.locator(".error-text").inner_text() == "Choose at least one muscle."
    card.locator("select[name=targets]").select_option(["quadriceps", "glute_max"])
    card.locator("select[name=kind]").select_option("compound")
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    card = page.locator("article#user_warm_up")
    text = " ".join(card.inner_text().split())
    assert "unassigned" not in text
    assert "Targets Glutes (gluteus maximus), Quads (quadriceps)" in text, text
    assert card.locator("form.assign").count() == 0
    assert card.locator(".tag").text_content() == "compound"
    # The options' order on the page: the first one writes the cues.
    stored = server.http.get("/api/exercises/user_warm_up").json()
    assert (stored["targets"], stored["mechanic"]) == (["glute_max", "quadriceps"], "compound")
    shot(page, "41-exercise-assigned")
    assert page.errors == []  # type: ignore[attr-defined]
