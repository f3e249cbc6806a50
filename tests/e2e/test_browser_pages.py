"""A phone-size screenshot of every other page, each checked for what a lifter needs on it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot, start_server

pytestmark = pytest.mark.browser


def test_every_page_renders_on_a_phone(page, server: Server) -> None:
    page.goto("/first-run")
    page.click("text=Start training")
    page.wait_for_url("**/today")

    page.goto("/drill")
    page.wait_for_selector("#drill-start:not([disabled])")
    assert page.locator("#drill-list .summary-row").count() >= 3
    shot(page, "12-drill")
    page.goto("/drill?speed=50")
    page.wait_for_selector("#drill-start:not([disabled])")
    page.click("#drill-start")
    page.wait_for_selector("#drill-run:not([hidden])")
    page.wait_for_function("document.getElementById('drill-word').textContent !== ''")
    shot(page, "13-drill-running")

    page.goto("/exercises")
    page.fill("#filter", "curl")
    assert "exercises" in page.inner_text("#count")
    page.locator("article:not([hidden]) summary").first.click()
    shot(page, "14-exercises")

    page.goto("/evidence")
    assert page.locator("article[id]").count() >= 20
    assert "Claims we do not repeat" in page.inner_text("main")
    shot(page, "15-evidence")

    page.goto("/settings")
    page.click("input[name=units][value=lb]", force=True)
    assert page.input_value("#bar") == "45"
    shot(page, "16-settings")
    assert page.errors == []


def test_login_page_when_open_to_the_network(browser, tmp_path) -> None:
    srv = start_server(tmp_path, env_extra={"MINDMUSCLE_HOST": "0.0.0.0"})
    try:
        from mindmuscle.services.accounts import set_password
        from mindmuscle.store import open_database

        db = open_database(f"sqlite:///{tmp_path / 'e2e.db'}")
        set_password(db=db, password="correct horse", name="alex")
        db.close()
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
            has_touch=True, base_url=srv.base_url,
        )  # fmt: skip
        page = context.new_page()
        page.goto("/today")
        page.wait_for_url("**/login?next=/today")
        shot(page, "17-login")
        page.fill("#name", "alex")
        page.fill("#password", "wrong password")
        page.click("button[type=submit]")
        assert "Wrong name or password" in page.inner_text("main")
        page.fill("#password", "correct horse")
        page.click("button[type=submit]")
        page.wait_for_url("**/first-run")
        context.close()
    finally:
        srv.process.terminate()
        srv.process.wait(timeout=10)


def test_api_docs_render_without_the_internet(page, server: Server) -> None:
    outside: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(server.base_url) else outside.append(r.url)
    )
    page.goto("/docs")
    page.wait_for_selector("text=OAS 3.1")
    assert "OAS 3.1" in page.inner_text("body")
    assert outside == []
