"""The report of a group's focus experiment: one self-contained HTML page (plotly.js inline).

Each headline comparison gets a figure of every participant's two means joined by a line (the
reference condition on the left, the cued one on the right), so a reader sees at once how many
people moved which way, beside the group's mean difference with its interval.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined

from mindmuscle.experiments.analysis import MEASURE_LABELS
from mindmuscle.experiments.group import GroupAnalysis, GroupEffect, group_label
from mindmuscle.io.plots.experiments import REPORT_STYLE, _js, _plotly_js, comparison_cells

__all__ = [
    "group_figures",
    "group_headline",
    "render_group_html",
    "write_group_html",
]


def group_headline(analysis: GroupAnalysis) -> list[GroupEffect]:
    """The comparisons a reader looks at first: for every cued condition, the target rating and
    the peak activation of the muscle its cue is about."""
    return [
        e
        for e in analysis.effects
        if e.measure == "target_rating" or (e.measure == "peak_mvc" and e.focus_muscle)
    ]


def group_figures(analysis: GroupAnalysis) -> list[dict[str, Any]]:
    """Plotly figures as plain dicts (``{"id", "title", "data", "layout"}``): per headline
    comparison with at least one participant, each participant's reference and condition means
    joined by a line."""
    figures: list[dict[str, Any]] = []
    for k, e in enumerate(group_headline(analysis)):
        if not e.participants:
            continue
        x = [e.reference, e.condition]
        traces = [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": p.participant,
                "x": x,
                "y": [p.reference_mean, p.condition_mean],
                "line": {"color": "#1f77b4" if p.difference >= 0 else "#d62728"},
                "hovertemplate": f"{p.participant}: %{{y:.2f}}<extra></extra>",
            }
            for p in e.participants
        ]
        unit = "" if e.measure == "target_rating" else f" ({analysis.activation_unit})"
        what = f"{e.muscle} " if e.muscle else ""
        figures.append(
            {
                "id": f"group-figure-{k}",
                "title": group_label(e, analysis.activation_unit),
                "data": traces,
                "layout": {
                    "yaxis": {"title": {"text": f"{what}{MEASURE_LABELS[e.measure]}{unit}"}},
                    "showlegend": len(e.participants) <= 12,
                    "margin": {"l": 60, "r": 10, "t": 10, "b": 40},
                    "height": 320,
                },
            }
        )
    return figures


def _row(e: GroupEffect, unit: str) -> dict[str, str]:
    c = e.comparison
    up = sum(p.difference > 0 for p in e.participants)
    down = sum(p.difference < 0 for p in e.participants)
    left = "; ".join(f"{lo.participant}: {lo.reason}" for lo in e.left_out)
    return {
        "label": group_label(e, unit),
        "n": str(len(e.participants)),
        "direction": f"{up} higher, {down} lower",
        **comparison_cells(c, e.measure, unit),
        "note": " ".join(x for x in (c.note, f"Left out: {left}." if left else "") if x),
    }


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ a.title }}: a group of {{ a.participants | length }}</title>
<style>
{{ style }}</style>
{% if figures %}<script>{{ plotly_js }}</script>{% endif %}
</head>
<body>
<h1>{{ a.title }}: a group of {{ a.participants | length }}</h1>
<p>Each participant's conditions are compared with
their own <strong>{{ labels[a.reference] }}</strong> sets; activation in
{{ a.activation_unit }}.</p>

<section class="limits" id="limitations">
<h2>What this data can and cannot show</h2>
<ul>
{% for note in a.limitations %}<li>{{ note }}</li>
{% endfor %}</ul>
</section>

<h2>Main comparisons</h2>
<table id="headline">
<tr><th>comparison</th><th>participants</th><th>direction</th><th>mean difference [95% CI]</th>
<th>Hedges' g<sub>z</sub> [95% CI]</th><th>p (sign flips)</th><th>note</th></tr>
{% for row in headline %}<tr><td>{{ row.label }}</td><td>{{ row.n }}</td>
<td>{{ row.direction }}</td>
<td>{{ row.diff }}</td><td>{{ row.g }}</td><td>{{ row.p }}</td><td>{{ row.note }}</td></tr>
{% endfor %}</table>

<h2>Figures</h2>
{% for f in figures %}<h3>{{ f.title }}</h3>
<div class="figure" id="{{ f.id }}"></div>
<script>Plotly.newPlot({{ js(f.id) }}, {{ js(f.data) }}, {{ js(f.layout) }},
{"responsive": true, "displaylogo": false});</script>
{% else %}<p>No figure yet: no participant has sets of both conditions.</p>
{% endfor %}

<h2>Participants</h2>
<table id="participants">
<tr><th>participant</th><th>sets recorded</th>
{% for e in headline_effects %}<th>{{ e.label }}: {{ labels[e.reference] }} →
{{ labels[e.condition] }}</th>{% endfor %}
</tr>
{% for name in a.participants %}<tr><td>{{ name }}</td><td>{{ a.sets_per_participant[name] }}</td>
{% for e in headline_effects %}<td>{{ e.cells[name] }}</td>{% endfor %}</tr>
{% endfor %}</table>

<h2>Every comparison</h2>
<table id="all-comparisons">
<tr><th>comparison</th><th>participants</th><th>direction</th><th>mean difference [95% CI]</th>
<th>Hedges' g<sub>z</sub> [95% CI]</th><th>p (sign flips)</th><th>note</th></tr>
{% for row in all_rows %}<tr><td>{{ row.label }}</td><td>{{ row.n }}</td>
<td>{{ row.direction }}</td>
<td>{{ row.diff }}</td><td>{{ row.g }}</td><td>{{ row.p }}</td><td>{{ row.note }}</td></tr>
{% endfor %}</table>

<h2>Methods</h2>
<p class="note">Each participant gives one pair per comparison: the mean of the condition and
the mean of {{ labels[a.reference] }}, at every load where they recorded both, averaged over those
loads (so each person's loads and the load's own effect drop out), and every participant weighs
the same. The pairs are compared with Hedges' g<sub>z</sub> (mean difference over the SD of the
differences, small-sample corrected). Intervals are percentile bootstraps of {{ a.n_resamples }}
resamples of participants; p-values are two-sided sign-flip permutation tests, exact when every
arrangement could be enumerated. Resampling seed <code>{{ a.seed }}</code>. Fewer than 3
participants: no statistics.</p>
</body>
</html>
"""


def render_group_html(analysis: GroupAnalysis) -> str:
    """The HTML report of a group analysis, as one self-contained page (plotly.js inline)."""
    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    unit = analysis.activation_unit
    figures = group_figures(analysis)
    headline = group_headline(analysis)
    columns = []
    for e in headline:
        cells = {name: "–" for name in analysis.participants}
        for p in e.participants:
            cells[p.participant] = f"{p.reference_mean:.2f} → {p.condition_mean:.2f}"
        for lo in e.left_out:
            cells[lo.participant] = f"left out: {lo.reason}"
        columns.append({"label": group_label(e, unit), **e.model_dump(), "cells": cells})
    return env.from_string(_TEMPLATE).render(
        a=analysis,
        labels=analysis.condition_labels,
        headline=[_row(e, unit) for e in headline],
        headline_effects=columns,
        all_rows=[_row(e, unit) for e in analysis.effects],
        figures=figures,
        plotly_js=_plotly_js() if figures else "",
        js=_js,
        style=REPORT_STYLE,
    )


def write_group_html(analysis: GroupAnalysis, path: str | Path) -> Path:
    """Write the HTML report to ``path`` (parent folders are created) and return the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_group_html(analysis), encoding="utf-8")
    return out
