"""A reload in the moment between the server's answer to a set and the page applying it: the
coach's changes for the next set are not lost (the answer is kept on the phone before the set
leaves the outbox)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_late_sync import REASONS, back_online, offline_set_then_rest_over

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]

# The page dies as the answer arrives: none of its own saves of the set loop reach the phone's
# storage from now on (the outbox's do).
PAGE_DIES = """() => {
  const real = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    if (key !== 'mm.loop') real.call(this, key, value);
  };
}"""


def test_a_reload_before_the_answer_is_applied_keeps_the_coachs_changes(
    page, server: Server
) -> None:
    planned = offline_set_then_rest_over(page, server)
    assert page.inner_text("#prime-load") == planned["load_display"] == "2 kg"
    page.evaluate(PAGE_DIES)
    back_online(page)  # the set is stored and has left the outbox
    [stored] = server.sets()
    loop = page.evaluate("JSON.parse(localStorage.getItem('mm.loop'))")
    assert [w["uuid"] for w in loop["adaptPending"]] == [stored["uuid"]]  # not applied yet
    page.reload()
    page.wait_for_selector("#screen-prime.on")
    page.wait_for_selector("#prime-late:visible", timeout=10_000)
    assert page.inner_text("#prime-late") == (
        f"Next set changed after your last set reached the server: {REASONS}"
    )
    assert page.inner_text("#prime-load") == "8 kg"
    loop = page.evaluate("JSON.parse(localStorage.getItem('mm.loop'))")
    assert loop["adaptPending"] == []
    assert loop["current"][0]["load_display"] == "8 kg"
    shot(page, "prime-changed-after-reload")
    assert page.errors == []
