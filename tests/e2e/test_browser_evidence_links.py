"""Evidence links inside sentences (the plan's reasons, the evidence page) are 44 px targets, and
the sentence around them lays out as it would with plain words: no taller lines, no wider gaps."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server
from tests.e2e.test_browser_flow import first_run_and_plan

pytestmark = pytest.mark.browser

# Each evidence link's height, and how much taller its sentence is than with the link's box cut
# to its text's height (no height, padding, border or margin above and below it).
MEASURE = """() => [...document.querySelectorAll('a[href*="#"]')]
  .filter((a) => a.closest('p, li') && a.getBoundingClientRect().height > 0
                 && !a.closest('nav, .topbar'))
  .map((a) => {
    const sentence = a.closest('p, li');
    const boxed = sentence.getBoundingClientRect().height;
    const style = a.getAttribute('style') || '';
    a.setAttribute('style', 'min-height:0;padding-top:0;padding-bottom:0;border-top:0;'
                   + 'border-bottom:0;margin-top:0;margin-bottom:0');
    const plain = sentence.getBoundingClientRect().height;
    a.setAttribute('style', style);
    return {link: a.textContent.trim(), height: a.getBoundingClientRect().height,
            grew: Math.round(boxed - plain)};
  })"""


def test_evidence_links_in_sentences_are_44_px_targets(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    found = {}
    for path in ("/today", "/evidence"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.evaluate("document.querySelectorAll('details').forEach((d) => (d.open = true))")
        found[path] = page.evaluate(MEASURE)
    for path, links in found.items():
        assert len(links) >= 3, (path, links)
        small = [(x["link"], round(x["height"])) for x in links if x["height"] < 44]
        assert small == [], (path, small)
        grew = [(x["link"], x["grew"]) for x in links if x["grew"] > 1]
        assert grew == [], (path, grew)
