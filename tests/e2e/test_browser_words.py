"""Human words and a focused screen: no catalogue ids in what the lifter reads, and the drill
hides the tab bar while it runs."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Server, shot

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test
AN_ID = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # pec_sternal, dumbbell_biceps_curl


def test_pages_show_names_not_ids_and_the_drill_hides_the_tabs(page, server: Server) -> None:
    page.goto("/first-run")
    page.click("text=Start training")
    page.wait_for_url("**/today")
    page.goto("/exercises")
    text = page.inner_text("main")
    assert "Mid and lower chest" in text
    assert AN_ID.findall(text) == []
    page.goto("/drill?speed=20")
    page.wait_for_selector("#drill-start:not([disabled])")
    assert page.is_visible("nav.tabs")
    page.click("#drill-start")
    page.wait_for_selector("#drill-run:not([hidden])")
    assert not page.is_visible("nav.tabs")
    shot(page, "31-drill-running")
    assert page.errors == []
