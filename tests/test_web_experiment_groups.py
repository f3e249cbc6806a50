"""A group's focus experiment on the web, through the real HTTP server: a coach pools their own
and their clients' experiments; another coach's client is 404, as for a lifter naming anyone;
a wrong group gets one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Server, stop_server
from tests.test_web_clients import login, start_team

# Target ratings of the internal and the external sets: each person's difference is known.
RATINGS = {"ben": (7, 5), "alex": (9, 6), "kim": (4, 4)}


def run_experiment(h: httpx.Client, who: str) -> int:
    """A curl-focus experiment made for ``who`` and every set recorded with their ratings."""
    made = h.post(
        "/api/experiments",
        json={"preset": "curl-focus", "e1rm_kg": 20, "seed": 5, "participant": who.title()},
    )
    assert made.status_code == 200, made.text
    exp = made.json()
    assert exp["design"]["participant"] == who.title()
    internal, external = RATINGS[who]
    for s in exp["sets"]:
        rating = internal if s["condition"] == "internal" else external
        r = h.post(
            f"/api/experiments/{exp['id']}/sets/{s['number']}", data={"target_rating": rating}
        )
        assert r.status_code == 200, r.text
    return int(exp["id"])


def start_lab(tmp: Path) -> tuple[Server, dict[str, int]]:
    server = start_team(tmp)
    ids = {}
    try:
        for who in ("ben", "alex", "kim"):
            with login(server, who) as h:
                ids[who] = run_experiment(h, who)
    except BaseException:
        stop_server(server)
        raise
    return server, ids


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, int]]]:
    server, ids = start_lab(tmp_path_factory.mktemp("lab"))
    yield server, ids
    stop_server(server)


def test_a_coach_pools_their_own_and_their_clients_experiments(
    lab: tuple[Server, dict[str, int]],
) -> None:
    server, ids = lab
    with login(server, "ben") as h:
        choices = h.get("/api/experiment-groups/choices").json()
        assert [(c["ref"], c["participant"], c["n_done"]) for c in choices] == [
            (str(ids["ben"]), "Ben", 10),
            (f"alex:{ids['alex']}", "Alex", 10),
        ]
        r = h.get("/api/experiment-groups", params={"e": [str(ids["ben"]), f"alex:{ids['alex']}"]})
        assert r.status_code == 200, r.text
        g = r.json()
        assert g["participants"] == ["Ben", "Alex"]
        (rating,) = g["headline"]  # no EMG: the target rating only
        assert [(p["participant"], p["condition_mean"], p["reference_mean"]) for p in
                rating["participants"]] == [("Ben", 7.0, 5.0), ("Alex", 9.0, 6.0)]  # fmt: skip
        assert rating["comparison"]["mean_difference"] == pytest.approx(2.5)
        assert rating["comparison"]["note"].startswith("No statistics: 2 participants")
        report = h.get(g["report_url"])
        assert report.status_code == 200
        assert "a group of 2" in report.text and "5.00 → 7.00" in report.text
        page = h.get("/experiments")
        assert f'value="alex:{ids["alex"]}"' in page.text and "kim" not in page.text.lower()


@pytest.mark.parametrize(
    ("who", "refs", "status", "message"),
    [
        ("ben", ["1", "kim:3"], 404, "You have no client 'kim'; your clients are: alex."),
        ("alex", ["2", "ben:1"], 404, "You have no client 'ben'; you have no client yet."),
        ("ben", ["1"], 422, None),
        ("ben", ["1", "x-2"], 422, None),
        ("ben", ["1", "99"], 404, "No experiment 99."),
    ],
)
def test_a_group_beyond_ones_own_clients_or_malformed_is_refused_in_one_line(
    lab: tuple[Server, dict[str, int]], who: str, refs: list[str], status: int, message: str | None
) -> None:
    server, _ = lab
    with login(server, who) as h:
        for url in ("/api/experiment-groups", "/experiment-groups/report"):
            r = h.get(url, params={"e": refs})
            assert r.status_code == status, r.text
            if url.startswith("/api"):
                text = r.json()["message"]
                assert isinstance(text, str) and "\n" not in text
                if message is not None:
                    assert text == message
            assert "kim's" not in r.text and "Kim" not in r.text
