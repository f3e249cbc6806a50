"""The import page's preview at 390x844: a name matched through one of the card's other names
is labelled as an alias of the card, an exact name stays exact, and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_workout import first_run
from tests.test_import_alias_label import hevy_file

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test


def test_the_preview_labels_an_alias_as_an_alias(page, server: Server, tmp_path: Path) -> None:
    first_run(page)
    page.goto("/import")
    page.wait_for_selector("body[data-ready='1']")
    page.set_input_files("#import-file", str(hevy_file(tmp_path)))
    page.click("#import-preview")
    page.wait_for_selector("#import-report:not([hidden])")
    names = page.locator("#mapping-list .map-row .map-from b").all_text_contents()
    tags = page.locator("#mapping-list .map-row .tag").all_text_contents()
    counts = page.locator("#mapping-list .map-row .map-from small").all_text_contents()
    assert counts == [" 1 set"] * 3  # one set each, counted in the singular
    shown = list(zip(names, tags, strict=True))
    assert shown == [
        ("Press Bench Barbell", "same words 95%"),
        ("Bench Press (Barbell)", "alias of Barbell Bench Press"),
        ("Barbell Bench Press", "exact name 100%"),
    ]
    page.locator("#mapping-list").scroll_into_view_if_needed()
    shot(page, "51-import-alias")
    assert server.sets() == []  # the preview stores nothing
    assert page.errors == []
