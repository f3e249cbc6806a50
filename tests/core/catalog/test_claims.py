"""No user-facing text repeats a claim the evidence does not support (EVIDENCE.md, rule 10).

The scan covers the catalogue data (except the claims' own entries, which quote the claims to
correct them), the web templates and static files, and every string literal in the package's
Python source. The patterns are tested on the claims' own phrasings first, so the scan cannot
pass by matching nothing.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

from mindmuscle.catalog import Catalog, find_unsupported_claims, load_catalog

SRC = Path(__file__).resolve().parents[3] / "src" / "mindmuscle"
TEXT_SUFFIXES = {".html", ".jinja", ".j2", ".js", ".css", ".txt", ".md", ".json", ".svg"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


# Phrasings of each claim that must be caught, and reported findings that must not be.
CAUGHT = [
    ("MMC nearly doubles muscle growth", "mmc_doubles_growth"),
    ("The mind-muscle connection nearly doubles muscle growth.", "mmc_doubles_growth"),
    ("Focus on the muscle to double your gains!", "mmc_doubles_growth"),
    ("Get twice the growth with every set.", "mmc_doubles_growth"),
    ("Internal focus boosts muscle growth by 30%.", "mmc_doubles_growth"),
    ("This cue means 12% more growth.", "mmc_doubles_growth"),
    ("focusing increases intensity by 60-80%", "intensity_60_80"),
    ("Focusing increases workout intensity by 60-80% (2015 paper).", "intensity_60_80"),
    ("Focusing increases workout intensity by 60–80%.", "intensity_60_80"),
    ("Thinking about the muscle raises activation by up to 26%.", "intensity_60_80"),
    ("You get 22% more activation from this cue.", "intensity_60_80"),
    ("60-80% more intensity from every rep", "intensity_60_80"),
    ("More activation means more growth.", "activation_means_growth"),
    ("Higher EMG leads to more hypertrophy.", "activation_means_growth"),
    ("The more you feel it, the more it grows.", "activation_means_growth"),
    ("Use the mind-muscle connection for power and maximal lifts.", "mmc_for_maximal_lifts"),
    ("Use MMC for your 1RM attempts.", "mmc_for_maximal_lifts"),
    ("An internal focus maximises your max strength.", "mmc_for_maximal_lifts"),
    ("Always use a 3-5 s eccentric.", "always_3_5s_eccentric"),
    ("You must lower the weight over 3-5 seconds.", "always_3_5s_eccentric"),
    ("Every rep should take 3 to 5 seconds on the eccentric.", "always_3_5s_eccentric"),
]

NOT_CAUGHT = [
    "Pecs +9% normalised EMG (95% CI 5-13, d 0.60).",
    "Elbow flexor thickness +12.4% with internal vs +6.9% with external focus.",
    "Focus raised target-muscle EMG at 20-60% 1RM but not at 80% 1RM.",
    "Between 60 and 80% 1RM the evidence is uncertain.",
    "Never display a percentage of extra activation or extra growth as a promise.",
    "Tempo: the default eccentric is 2-3 s; a longer eccentric is never required.",
    "Load at or above 80% 1RM: default to an external cue.",
    "Squeeze your biceps hard at the top and lower for 3 seconds.",
    "Surface EMG amplitude is not a validated predictor of hypertrophy.",
]


@pytest.mark.parametrize(("text", "claim_id"), CAUGHT)
def test_patterns_catch_the_claims(catalog: Catalog, text: str, claim_id: str) -> None:
    assert claim_id in [c.id for c in find_unsupported_claims(text, catalog.claims)]


@pytest.mark.parametrize("text", NOT_CAUGHT)
def test_patterns_spare_reported_findings_and_our_rules(catalog: Catalog, text: str) -> None:
    assert find_unsupported_claims(text, catalog.claims) == []


def test_each_claims_own_wording_is_caught(catalog: Catalog) -> None:
    for claim in catalog.claims:
        assert claim in find_unsupported_claims(claim.claim, catalog.claims), claim.id


def _catalogue_texts(catalog: Catalog) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in catalog.muscles.values():
        for text in (m.name, m.flex_cue, m.touch_cue or "", *m.cue_names):
            out.append((f"muscles.toml {m.id}", text))
    for ex in catalog.exercises.values():
        fields = (ex.name, *ex.aliases, *ex.internal_cues, *ex.external_cues)
        for text in (*fields, ex.visualisation, ex.touch_cue):
            out.append((f"exercises.toml {ex.id}", text))
    for s in catalog.studies.values():
        for text in (s.citation, s.design, s.finding, s.supports):
            out.append((f"evidence.toml study {s.id}", text))
    for r in catalog.rules:
        out.append((f"evidence.toml rule {r.number}", r.text))
    return out


def _web_texts() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for folder in (SRC / "web" / "templates", SRC / "web" / "static"):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in TEXT_SUFFIXES:
                out.append((str(path.relative_to(SRC)), path.read_text(encoding="utf-8")))
    return out


@lru_cache(maxsize=1)
def _python_strings() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.append((f"{path.relative_to(SRC)}:{node.lineno}", node.value))
            elif isinstance(node, ast.JoinedStr):
                # An f-string: scan its literal parts joined, placeholders as a word.
                parts = [v.value if isinstance(v, ast.Constant) else "X" for v in node.values]
                out.append((f"{path.relative_to(SRC)}:{node.lineno}", "".join(map(str, parts))))
    return out


def test_scan_sees_the_package(catalog: Catalog) -> None:
    # Guard against a scan that silently reads nothing.
    assert len(_catalogue_texts(catalog)) > 1000
    assert len(_python_strings()) > 500


def test_no_user_facing_text_repeats_an_unsupported_claim(catalog: Catalog) -> None:
    texts = _catalogue_texts(catalog) + _web_texts() + list(_python_strings())
    found = [
        (where, [c.id for c in hits], text[:120])
        for where, text in texts
        if (hits := find_unsupported_claims(text, catalog.claims))
    ]
    assert found == []
