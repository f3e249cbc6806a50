"""Every control a thumb may aim at on the phone's pages is at least 44 px tall (links inside a
sentence excepted), the top bar's home link included."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server
from tests.e2e.test_browser_flow import first_run_and_plan

pytestmark = pytest.mark.browser

SMALL = """() => [...document.querySelectorAll(
    'button, a[href], input, select, textarea, summary, [role=button]')]
  .filter((e) => {
    const r = e.getBoundingClientRect();
    const s = getComputedStyle(e);
    if (!r.width || !r.height || s.visibility === 'hidden') return false;
    if (e.matches('input[type=radio], input[type=checkbox], input[type=range]')) return false;
    if (e.matches('p a, li a')) return false;  // a link inside a sentence
    return r.height < 44;
  })
  .map((e) => {
    const h = Math.round(e.getBoundingClientRect().height);
    return `${e.tagName.toLowerCase()}.${e.className} ${h} px`;
  })"""


def test_the_phone_pages_controls_are_44_px_tall(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    small = {}
    for path in ("/today", "/session", "/history", "/progress", "/exercises", "/settings"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        small[path] = page.evaluate(SMALL)
    assert small == {path: [] for path in small}
    assert page.locator(".topbar .brand").bounding_box()["height"] == 44  # type: ignore[index]
