"""Experiment reports: self-contained HTML (autoescaped, plotly.js inline) and PNG figures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from mindmuscle.experiments import SetResult, analyze, calatayud2016_design, plan_sets
from mindmuscle.experiments.analysis import ExperimentAnalysis
from mindmuscle.io.plots.experiments import (
    experiment_figures,
    headline_effects,
    render_experiment_html,
    write_experiment_html,
    write_experiment_pngs,
)


def _calatayud(n_sets: int | None = None, title: str | None = None) -> ExperimentAnalysis:
    design = calatayud2016_design(seed=4)
    if title is not None:
        design = design.model_copy(update={"title": title})
    rng = np.random.default_rng(0)
    results = []
    for p in plan_sets(design)[:n_sets]:
        pec = 30 + 0.6 * p.load_pct_e1rm + (6.0 if p.condition == "pecs" else 0.0)
        tri = 25 + 0.5 * p.load_pct_e1rm + (5.0 if p.condition == "triceps" else 0.0)
        results.append(
            SetResult(
                index=p.index,
                condition=p.condition,
                load_pct_e1rm=p.load_pct_e1rm,
                reps=3,
                target_rating=int(rng.integers(4, 9)),
                peak_mvc={"pec_sternal": pec + rng.normal(0, 2), "triceps": tri + rng.normal(0, 2)},
                mean_mvc={"pec_sternal": pec / 2, "triceps": tri / 2},
            )
        )
    return analyze(design, results, n_resamples=300)


def test_html_is_self_contained_and_says_what_the_data_cannot_show(tmp_path: Path) -> None:
    analysis = _calatayud()
    path = write_experiment_html(analysis, tmp_path / "sub" / "report.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]+src=", html) and "<link" not in html
    # outside the inlined plotly.js bundle, nothing refers to the network
    page = html.replace(html[html.index("<script>") : html.index("</script>")], "")
    assert "http" not in page and "cdn" not in page
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js inline
    assert html.count("Plotly.newPlot(") == 4  # pecs, triceps, ratings, effects
    for phrase in ("activation, not growth", "vigotsky2022", "halperin2016", "one person"):
        assert phrase in html
    assert "no cue (uncued control: the only sets where the app gives no cue)" in html
    assert "Use only your chest muscles to press the bar." in html
    assert "seed <code>4</code>" in html
    # the headline: focus muscle across loads (paired by load block, five blocks)
    assert "pecs vs regular, pec_sternal peak activation (%MVC), all loads (paired by load)" in html
    assert "5 pairs" in html
    assert re.search(r"\+\d+\.\d\d points of %MVC \[\+\d+\.\d\d, \+\d+\.\d\d\]", html)
    assert "smallest possible p is 0.062" in html


def test_html_escapes_text() -> None:
    analysis = _calatayud(title='Bench <script>alert("x")</script> & more')
    html = render_experiment_html(analysis)
    assert "<script>alert" not in html
    assert "Bench &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in html


def test_figure_data_matches_the_analysis() -> None:
    analysis = _calatayud()
    figs = {f["id"]: f for f in experiment_figures(analysis)}
    assert set(figs) == {"activation-pec_sternal", "activation-triceps", "ratings", "effects"}
    pecs_line = figs["activation-pec_sternal"]["data"][2]  # conditions in design order: mean lines
    assert pecs_line["name"].startswith("Use your chest")
    expected = [analysis.cell("pecs", load).peak_mvc["pec_sternal"].mean for load in
                (20.0, 40.0, 50.0, 60.0, 80.0)]  # fmt: skip
    assert pecs_line["y"] == pytest.approx(expected)
    json.dumps(figs)  # plain JSON-serialisable data


def test_headline_effects_with_one_set_per_cell() -> None:
    analysis = _calatayud()
    heads = headline_effects(analysis)
    # per condition: focus-muscle peak and rating across loads; per-load ones have no statistics
    assert [(e.condition, e.measure, e.muscle, e.load_pct_e1rm) for e in heads] == [
        ("pecs", "peak_mvc", "pec_sternal", None),
        ("pecs", "target_rating", None, None),
        ("triceps", "peak_mvc", "triceps", None),
        ("triceps", "target_rating", None, None),
    ]
    pecs = heads[0].comparison
    assert pecs.kind == "paired" and pecs.n_a == 5
    assert pecs.mean_difference == pytest.approx(6.0, abs=3.0)


def test_pngs(tmp_path: Path) -> None:
    paths = write_experiment_pngs(_calatayud(), tmp_path / "png")
    assert sorted(p.name for p in paths) == [
        "activation_pec_sternal.png",
        "activation_triceps.png",
        "effects.png",
        "ratings.png",
    ]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 5000


def test_report_of_an_empty_experiment(tmp_path: Path) -> None:
    analysis = _calatayud(n_sets=0)
    html = render_experiment_html(analysis)
    assert "0 of 15 planned sets" in html
    assert "No EMG was recorded" in html
    paths = write_experiment_pngs(analysis, tmp_path)
    assert [p.name for p in paths] == ["ratings.png"]
