"""The EMG analysis and its full report fit a phone and stay readable on a desk, in a real
browser: the page never scrolls sideways at 390 px, and every envelope strip is at least
``MIN_STRIP_PX`` tall at phone (390x844) and desktop (1280x800) size.

Screenshots of each state at both sizes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PHONE, Server, shot
from tests.e2e.test_data_pages import analyse_emg
from tests.test_web_data import emg_csv

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
MIN_STRIP_PX = 180  # an envelope strip shorter than this hides the shape of a repetition


def _page_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def _strip_heights(page: Any, scope: str) -> list[float]:
    """The height of each plot area (one per envelope strip) under ``scope``, in CSS pixels."""
    strips = page.locator(f"{scope} .nsewdrag")
    boxes = [strips.nth(i).bounding_box() for i in range(strips.count())]
    return [round(b["height"], 1) for b in boxes if b is not None]


def test_the_emg_chart_and_report_fit_a_phone_and_have_readable_strips(
    page: Any, server: Server, tmp_path: Path
) -> None:
    analyse_emg(page, tmp_path / "curl.csv", emg_csv()[0])
    page.wait_for_selector("#emg-chart .main-svg")
    page.wait_for_timeout(700)  # the smooth scroll to the result
    assert _page_width(page) == PHONE["width"]
    for size, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)  # plotly follows the new width
        heights = _strip_heights(page, "#emg-chart")
        assert len(heights) == 1 and heights[0] >= MIN_STRIP_PX, (suffix, heights)
        page.locator("#emg-chart").scroll_into_view_if_needed()
        shot(page, f"50-emg-envelopes-{suffix}")

    # The full report: two channels, two strips, the figure as wide as the phone's page.
    page.set_viewport_size(PHONE)
    href = page.get_attribute("#emg-report", "href")
    page.goto(href)
    page.wait_for_selector(".plotly-graph-div .main-svg")
    page.wait_for_timeout(300)
    assert _page_width(page) == PHONE["width"]
    figure = page.locator(".plotly-graph-div").bounding_box()
    assert figure is not None and figure["x"] >= 0
    assert figure["x"] + figure["width"] <= PHONE["width"]
    for size, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
        assert _page_width(page) == size["width"]
        heights = _strip_heights(page, ".plotly-graph-div")
        assert len(heights) == 2 and min(heights) >= MIN_STRIP_PX, (suffix, heights)
        page.locator(".plotly-graph-div").scroll_into_view_if_needed()
        shot(page, f"51-emg-report-{suffix}")
    assert page.errors == []
