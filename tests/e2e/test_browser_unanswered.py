"""Nothing the lifter did not answer is stored as an answer, at 390x844: the readiness scales
and the drill's rating start unanswered, and opening the drill page stores nothing. Stored
values are read back from the server's SQLite database."""

from __future__ import annotations

import sqlite3

import pytest

from tests.e2e.conftest import Server, shot

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test


def rows(server: Server, sql: str) -> list[tuple[object, ...]]:
    """Rows of the server's SQLite database (beside its log)."""
    with sqlite3.connect(server.log.parent / "e2e.db") as con:
        return con.execute(sql).fetchall()


def test_readiness_untouched_is_not_given_and_a_partial_check_is_asked_for(
    page, server: Server
) -> None:
    page.goto("/first-run")
    page.click("text=Start training")
    page.wait_for_url("**/today")
    page.wait_for_selector("#readiness-form")
    assert page.locator("#readiness-form input:checked").count() == 0
    shot(page, "40-today-readiness-unanswered")
    # Planned without touching a scale: no readiness stored, and the plan says so.
    page.click("#readiness-form button[type=submit]")
    page.wait_for_selector("#start-session")
    assert "No readiness check given" in page.inner_text("main")
    assert "readiness" not in page.inner_text("main p.step").lower()  # no score: none stored
    assert rows(server, "SELECT count(*) FROM readiness") == [(0,)]
    shot(page, "41-today-plan-without-readiness")
    # Checked in again with only sleep tapped: asked for the rest, nothing sent.
    page.click("#replan")
    page.wait_for_selector("#readiness-form")
    page.click("#readiness-form label:has(input[name=sleep][value='4'])")
    page.click("#readiness-form button[type=submit]")
    assert (
        page.inner_text("#form-error")
        == "Not answered: energy, stress, focus. Tap each, or Skip the check."
    )
    shot(page, "42-today-readiness-partial")
    assert rows(server, "SELECT count(*) FROM readiness") == [(0,)]
    for name, value in (("energy", 2), ("stress", 5), ("focus", 3)):
        page.click(f"#readiness-form label:has(input[name={name}][value='{value}'])")
    with page.expect_response("**/api/today") as answer:
        page.click("#readiness-form button[type=submit]")
    assert answer.value.status == 200, answer.value.text()
    page.wait_for_selector("#start-session")
    # The stored check, read back: (3/4 + 1/4 + 0 + 2/4) / 4 = 0.375.
    assert page.inner_text("main p.step").lower().endswith("· readiness 38%")
    assert page.errors == []
    # One check stored, the one answered in full; the untouched one stored nothing.
    assert rows(server, "SELECT sleep, energy, stress, focus FROM readiness") == [(4, 2, 5, 3)]


def test_the_drill_stores_nothing_on_a_visit_and_only_tapped_ratings(page, server: Server) -> None:
    page.goto("/first-run")
    page.click("text=Start training")
    page.wait_for_url("**/today")
    page.goto("/drill")
    page.wait_for_selector("#drill-start:not([disabled])")
    page.goto("/today")
    page.goto("/drill?speed=50")
    page.wait_for_selector("#drill-start:not([disabled])")
    assert rows(server, "SELECT count(*) FROM drills") == [(0,)]  # two visits, nothing stored
    names = page.locator("#drill-list .summary-row span").all_inner_texts()
    assert len(names) >= 2
    page.click("#drill-start")
    page.wait_for_selector("#drill-rate:not([hidden])", timeout=60_000)
    assert page.locator("input[name=drill-rating]:checked").count() == 0
    shot(page, "43-drill-rating-unanswered")
    page.click("#drill-next")  # the first muscle left unrated
    page.wait_for_selector("#drill-rate:not([hidden])", timeout=60_000)
    assert page.locator("input[name=drill-rating]:checked").count() == 0
    page.click("#drill-rating label:has(input[value='7'])")
    page.click("#drill-next")
    for _ in names[2:]:
        page.wait_for_selector("#drill-rate:not([hidden])", timeout=60_000)
        page.click("#drill-next")
    page.wait_for_selector("#drill-done:not([hidden])", timeout=60_000)
    summary = page.locator("#drill-summary .summary-row b").all_inner_texts()
    assert summary == ["not answered", "felt 7/10"] + ["not answered"] * (len(names) - 2)
    shot(page, "44-drill-done")
    page.wait_for_function("document.getElementById('sync').hidden")
    second = page.locator("#drill-summary .summary-row span").all_inner_texts()[1]
    muscles = server.http.get("/api/muscles").json()
    assert page.errors == []
    # Two visits and one drill run: one drill stored, ended, with the one rating tapped.
    assert rows(server, "SELECT count(*), count(ended_at) FROM drills") == [(1, 1)]
    stored = rows(server, "SELECT muscle_id, rating FROM drill_ratings")
    assert len(stored) == 1 and stored[0][1] == 7
    assert {m["id"]: m["name"] for m in muscles}[stored[0][0]] == second
