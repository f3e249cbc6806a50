"""First run and Settings at 390x844: each field is checked in the page and the message stands
beside the field in plain words; a profile that cannot be planned is not saved; a plan that
cannot be made links to the setting that fixes it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test


def test_first_run_refuses_equipment_that_cannot_be_planned(page, server: Server) -> None:
    page.goto("/first-run")
    page.fill("#dumbbell_min", "60")
    page.fill("#dumbbell_max", "2")
    page.fill("#plates", "20, ten, 5")
    page.click("text=Start training")
    assert page.inner_text("#dumbbell_min-msg") == (
        "The lightest dumbbell (60 kg) is heavier than the heaviest (2 kg): "
        "no dumbbell load could be planned."
    )
    assert page.inner_text("#plates-msg").startswith("Plates: “ten” is not a plate size.")
    assert page.get_attribute("#plates", "aria-invalid") == "true"
    # The first field in error has the focus, its message on screen above the Save button.
    assert page.evaluate("document.activeElement.id") == "plates"
    box = page.locator("#plates-msg").bounding_box()
    save = page.locator("#profile-form button[type=submit]").bounding_box()
    assert box is not None and save is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= save["y"]
    shot(page, "25-first-run-checked")
    assert server.http.get("/api/profile").json()["exists"] is False
    # Fixed: saved, and Today plans.
    page.fill("#dumbbell_min", "2")
    page.fill("#dumbbell_max", "40")
    page.fill("#plates", "20, 10, 5, 2.5")
    page.click("text=Start training")
    page.wait_for_url("**/today")
    saved = server.http.get("/api/profile").json()["profile"]["equipment"]
    assert (saved["dumbbell_min"], saved["dumbbell_max"], saved["plates"]) == (
        2.0,
        40.0,
        [20.0, 10.0, 5.0, 2.5],
    )
    assert page.errors == []


def test_settings_link_from_a_message_focuses_the_field(page, server: Server) -> None:
    page.goto("/first-run")
    page.click("text=Start training")
    page.wait_for_url("**/today")
    page.goto("/settings#plates")
    assert page.evaluate("document.activeElement.id") == "plates"
    # Voice is a setting of its own, kept on the phone.
    page.uncheck("[data-pref=voice]")
    assert page.evaluate("JSON.parse(localStorage.getItem('mm.prefs')).voice") is False
    shot(page, "26-settings")
    assert page.errors == []


def test_switching_units_keeps_the_equipment_typed_in_each(page, server: Server) -> None:
    page.goto("/first-run")
    page.fill("#plates", "20, 10, 5")
    page.fill("#dumbbell_max", "36")
    page.click("label:has(input[name=units][value=lb])")
    # The other unit offers its usual equipment...
    assert page.input_value("#plates") != "20, 10, 5"
    page.fill("#dumbbell_max", "80")
    # ...and switching back gives back what was typed in each unit, not the defaults.
    page.click("label:has(input[name=units][value=kg])")
    assert (page.input_value("#plates"), page.input_value("#dumbbell_max")) == ("20, 10, 5", "36")
    page.click("label:has(input[name=units][value=lb])")
    assert page.input_value("#dumbbell_max") == "80"
    assert page.errors == []
