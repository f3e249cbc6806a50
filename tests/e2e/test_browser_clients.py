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


def test_a_coach_sets_a_routine_the_client_sees_as_the_coachs(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    _log_in(page, "ben")
    page.goto("/clients/alex/routines")
    page.fill("#routine-name", "Arms by ben")
    page.select_option("#ex-0", label="Dumbbell Biceps Curl")
    page.fill("#sets-0", "2")
    page.fill("#tempo-0", "6-2")
    page.select_option("#focus-0", "external")
    page.click("#routine-save")
    error = page.locator("#msg-tempo-0")  # beside the tempo it is about
    error.wait_for()
    assert error.inner_text() == (
        "Tempo '6-2' is not allowed: use four numbers of seconds, "
        "eccentric-pause-concentric-squeeze, each 0-30, such as '4-1-2-1'."
    )
    assert page.inner_text("#routine-msg") == "One field needs a change: see its line above."
    page.fill("#tempo-0", "6-2-3-1")
    with page.expect_navigation():
        page.click("#routine-save")
    card = page.locator(".client-routine").first
    assert card.locator("h2").inner_text() == "Arms by ben"
    assert card.locator(".set-by").inner_text() == "Set by you"
    assert card.locator("li").inner_text() == (
        "Dumbbell Biceps Curl · 2 sets · tempo 6-2-3-1 · external focus"
    )

    _log_in(page, "alex")
    page.goto("/today")
    row = page.locator(".routine-row", has_text="Arms by ben")
    assert "set by your coach ben" in row.inner_text()
    row.locator(".start-routine").click()
    page.wait_for_url("**/session")
    page.goto("/today")
    ex = page.locator("article[data-exercise=dumbbell_biceps_curl]")
    assert ex.locator(".set-by").inner_text() == "Set by your coach ben"
    assert ex.locator(".tempo").inner_text() == "6-2-3-1"
    notices = ex.locator(".notice").all_inner_texts()
    assert notices[0].startswith("One repetition takes 12 s: above 10 s per repetition")
    assert notices[1].startswith("Focus external, chosen by your coach ben; the evidence-based")
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_coach_pages_have_no_serious_accessibility_violation(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    from tests.e2e.test_browser_axe import AXE, SERIOUS

    if not AXE.exists():
        pytest.skip(f"{AXE} is absent: run `npm ci --prefix tests/e2e` (CI does)")
    _log_in(page, "ben")
    found = {}
    for path in ("/clients", "/clients/alex", "/clients/alex/sets", "/clients/alex/routines"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.evaluate(AXE.read_text())
        found[path] = page.evaluate(SERIOUS)
    assert found == {path: [] for path in found}
