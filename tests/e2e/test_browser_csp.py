"""Every page works under the Content-Security-Policy: nothing refused, nothing broken."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser

PAGES = [
    "/today", "/session", "/drill", "/progress", "/exercises", "/evidence", "/settings",
    "/first-run", "/import", "/emg", "/experiments", "/docs",
]  # fmt: skip


def test_every_page_loads_under_the_policy(page, server: Server) -> None:
    assert (
        server.http.put(
            "/api/profile",
            json={"units": "kg"},
            headers={"X-CSRF-Token": server.http.get("/api/csrf").json()["token"]},
        ).status_code
        == 200
    )
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    # The connection map's colours come from data attributes, set by the page's own script.
    page.goto("/progress")
    page.wait_for_load_state("networkidle")
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    assert page.errors == []
    assert page.csp_refused == []
