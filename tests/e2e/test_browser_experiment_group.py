"""A coach on a phone compares a group: picks their own and a client's experiment on the
Experiments page, reads the pooled result, and opens the group report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Server, stop_server
from tests.test_web_clients import PASSWORDS
from tests.test_web_experiment_groups import start_lab

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv, _ = start_lab(tmp_path_factory.mktemp("e2e-group"))
    yield srv
    stop_server(srv)


def test_a_coach_compares_a_group_on_the_experiments_page(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login?next=/experiments")
    page.fill("#name", "ben")
    page.fill("#password", PASSWORDS["ben"])
    page.click("button[type=submit]")
    page.wait_for_url("**/experiments")
    choices = page.locator("#group-form .checks label")
    assert [c.inner_text().splitlines() for c in choices.all()] == [
        ["Ben", "Dumbbell Biceps Curl: internal vs external focus · 10 of 10 sets"],
        ["Alex", "Dumbbell Biceps Curl: internal vs external focus · 10 of 10 sets"],
    ]
    for c in choices.all():
        box = c.bounding_box()
        assert box is not None and box["height"] >= 44

    choices.first.click()
    page.click("#group-compare")  # one is not a group: said, nothing asked of the server
    assert page.inner_text("#group-error") == (
        "1 experiment chosen: pick two or more, one per participant."
    )
    choices.nth(1).click()
    page.click("#group-compare")
    page.locator("#group-report").wait_for()
    assert page.locator("#group-error").is_hidden()
    result = page.inner_text("#group-result")
    assert "A group of 2: Ben, Alex" in result
    assert (
        "internal vs external · target rating: 2 people, 2 higher and 0 lower; difference +2.50"
        in (result)
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    page.click("#group-report")
    page.wait_for_url("**/experiment-groups/report?**")
    assert "a group of 2" in page.inner_text("h1")
    assert page.locator(".figure .main-svg").count() >= 1  # the participants' lines are drawn
    assert page.errors == []  # type: ignore[attr-defined]
