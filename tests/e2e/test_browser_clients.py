"""A coach on a phone: logs in, opens a client from the Clients page, reads the connection map
and the sets with each reflection, and is refused another coach's client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Server, stop_server
from tests.test_web_clients import PASSWORDS, start_team

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_team(tmp_path_factory.mktemp("e2e-clients"))
    yield srv
    stop_server(srv)


def _log_in(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login?next=/settings")
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url("**/settings")


def test_a_coach_reads_a_client_and_is_refused_another(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    _log_in(page, "ben")
    page.click("#coach-links a")  # "Your clients (1)" on the More page
    page.wait_for_url("**/clients")
    items = page.locator(".client-item")
    assert items.count() == 1
    assert items.first.inner_text().splitlines()[0] == "alex"
    box = items.first.bounding_box()
    assert box is not None and box["height"] >= 44

    items.first.click()
    page.wait_for_url("**/clients/alex")
    assert page.locator("h1").inner_text() == "alex"
    assert page.locator("#connmap").is_visible()
    assert page.locator("#muscle-list .summary-row").count() >= 1
    page.locator("#chart-rating svg").first.wait_for()  # the trends came from alex's data

    page.click(".client-tabs >> text=Reflections")
    page.wait_for_url("**/clients/alex/sets")
    row = page.locator(".client-set").first
    assert "felt 8/10" in row.inner_text()
    assert "Also felt: Front deltoid (anterior head) 3/10 · focus 6/10" in row.inner_text()
    assert "left arm burned first" in row.inner_text()
    for tab in page.locator(".client-tabs a").all():
        b = tab.bounding_box()
        assert b is not None and b["height"] >= 44

    response = page.goto("/clients/kim/sets")
    assert response is not None and response.status == 404
    assert "You have no client 'kim'; your clients are: alex." in page.inner_text("main")
    assert "kim's private note" not in page.content()
    assert page.errors == []  # type: ignore[attr-defined]
