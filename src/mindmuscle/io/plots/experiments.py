"""Experiment reports: a self-contained HTML page (plotly.js inline) and PNG figures (matplotlib).

The HTML report is rendered with Jinja2 with autoescaping on; figures are drawn in the page by the
plotly.js bundled with the ``plotly`` package, inlined once, so the file opens offline and loads
nothing from the network. The PNG figures are drawn with matplotlib's Agg canvas (no display).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from mindmuscle.errors import InvalidInputError
from mindmuscle.experiments.analysis import Effect, ExperimentAnalysis, comparison_label
from mindmuscle.experiments.design import plan_sets
from mindmuscle.experiments.stats import Comparison

__all__ = [
    "comparison_cells",
    "experiment_figures",
    "headline_effects",
    "render_experiment_html",
    "write_experiment_html",
    "write_experiment_pngs",
]

_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def _offsets(n: int, spread: float) -> list[float]:
    # Side-by-side positions so conditions at one load do not hide each other.
    if n == 1:
        return [0.0]
    return [float(x) for x in np.linspace(-spread, spread, n)]


def experiment_figures(analysis: ExperimentAnalysis) -> list[dict[str, Any]]:
    """Plotly figures of an analysis as plain dicts: ``{"id", "title", "data", "layout"}``.

    One figure of peak activation per muscle with EMG, one of target ratings, and one of the
    effect sizes with their confidence intervals (when any could be computed).
    """
    d = analysis.design
    loads = sorted(d.loads_pct_e1rm)
    names = [c.name for c in d.conditions]
    labels = {c.name: c.label for c in d.conditions}
    offs = _offsets(len(names), 1.5 if len(loads) > 1 else 0.3)
    figures: list[dict[str, Any]] = []

    def condition_traces(values_of: Any) -> list[dict[str, Any]]:
        traces: list[dict[str, Any]] = []
        for i, name in enumerate(names):
            colour = _COLOURS[i % len(_COLOURS)]
            xs, means, sds, px, py = [], [], [], [], []
            for load in loads:
                spread = values_of(analysis.cell(name, load))
                if spread.n:
                    xs.append(load + offs[i])
                    means.append(spread.mean)
                    sds.append(spread.sd or 0.0)
                    px += [load + offs[i]] * spread.n
                    py += spread.values
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": f"{labels[name]} (mean ± SD)",
                    "x": xs,
                    "y": means,
                    "error_y": {"type": "data", "array": sds, "visible": True},
                    "line": {"color": colour},
                    "legendgroup": name,
                }
            )
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": f"{labels[name]}: each set",
                    "x": px,
                    "y": py,
                    "marker": {"color": colour, "opacity": 0.45, "size": 7},
                    "legendgroup": name,
                    "showlegend": False,
                }
            )
        return traces

    axis_x = {"title": {"text": "load (% e1RM)"}, "tickvals": loads}
    for muscle in analysis.muscles:
        figures.append(
            {
                "id": f"activation-{muscle}",
                "title": f"{muscle}: peak activation per condition and load",
                "data": condition_traces(lambda c, m=muscle: c.peak_mvc[m]),
                "layout": {
                    "xaxis": axis_x,
                    "yaxis": {"title": {"text": f"peak activation ({analysis.activation_unit})"}},
                    "margin": {"t": 30},
                },
            }
        )
    figures.append(
        {
            "id": "ratings",
            "title": "Target rating per condition and load",
            "data": condition_traces(lambda c: c.target_rating),
            "layout": {
                "xaxis": axis_x,
                "yaxis": {"title": {"text": "target rating (0-10)"}, "range": [0, 10.5]},
                "margin": {"t": 30},
            },
        }
    )
    shown = [e for e in headline_effects(analysis) if e.comparison.g is not None]
    if shown:
        ys = [comparison_label(e, analysis.activation_unit) for e in shown]
        gs = [e.comparison.g for e in shown]
        lo = [(e.comparison.g or 0.0) - (e.comparison.ci_low or 0.0) for e in shown]
        hi = [(e.comparison.ci_high or 0.0) - (e.comparison.g or 0.0) for e in shown]
        figures.append(
            {
                "id": "effects",
                "title": "Effect sizes with 95% bootstrap intervals",
                "data": [
                    {
                        "type": "scatter",
                        "mode": "markers",
                        "x": gs,
                        "y": ys,
                        "error_x": {
                            "type": "data",
                            "symmetric": False,
                            "array": hi,
                            "arrayminus": lo,
                        },
                        "marker": {"color": "#333", "size": 9},
                        "showlegend": False,
                    }
                ],
                "layout": {
                    "xaxis": {"title": {"text": "Hedges' g", "standoff": 5}, "zeroline": True},
                    "yaxis": {"automargin": True},
                    "margin": {"t": 30},
                    "height": 120 + 40 * len(shown),
                },
            }
        )
    return figures


def headline_effects(analysis: ExperimentAnalysis) -> list[Effect]:
    """The comparisons a reader looks at first.

    For every condition: peak activation of the muscle its cue is about and the target rating,
    across loads (paired by load block) when the design has several loads, and at each load where
    there were enough sets for statistics (or at the one load of a single-load design).
    """
    multi = len(analysis.design.loads_pct_e1rm) > 1
    out = []
    for e in analysis.effects:
        if not (e.measure == "target_rating" or (e.measure == "peak_mvc" and e.focus_muscle)):
            continue
        if e.load_pct_e1rm is None or not multi or e.comparison.g is not None:
            out.append(e)
    return out


def _js(value: Any) -> Markup:
    # JSON inside <script>: "<" escaped so no text can close the script element.
    text = json.dumps(value, allow_nan=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("&", "\\u0026"))


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _plotly_js() -> Markup:
    from plotly.offline import get_plotlyjs

    # The bundle is a trusted file shipped with plotly; "</script" never occurs in it, checked
    # here because the page would break if it did.
    js = str(get_plotlyjs())
    if "</script" in js.lower():
        raise InvalidInputError("The plotly.js bundle cannot be inlined: it contains </script>.")
    return Markup(js)


# The look of every experiment report (one person's, a group's); tables scroll sideways on a
# phone instead of widening the page.
REPORT_STYLE = Markup(
    """\
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 1rem auto;
       padding: 0 1rem; color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; display: block;
        overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.limits { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.5rem 1rem; }
.note { color: #555; font-size: 0.9rem; }
.figure { min-height: 320px; }
"""
)

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ d.title }}</title>
<style>
{{ style }}</style>
{% if figures %}<script>{{ plotly_js }}</script>{% endif %}
</head>
<body>
<h1>{{ d.title }}</h1>
<p>{{ a.n_recorded }} of {{ a.n_planned }} planned sets
recorded. Conditions are compared with <strong>{{ ref_label }}</strong>.
Activation ({{ a.activation_unit }}): {{ a.normalisation }}.</p>

<section class="limits" id="limitations">
<h2>What this data can and cannot show</h2>
<ul>
{% for note in a.limitations %}<li>{{ note }}</li>
{% endfor %}</ul>
</section>

<h2>Main comparisons</h2>
{% if headline %}
<table id="headline">
<tr><th>comparison</th><th>sets (or load blocks)</th><th>mean difference [95% CI]</th>
<th>Hedges' g [95% CI]</th><th>p (permutation)</th><th>note</th></tr>
{% for row in headline %}<tr><td>{{ row.label }}</td><td>{{ row.n }}</td><td>{{ row.diff }}</td>
<td>{{ row.g }}</td><td>{{ row.p }}</td><td>{{ row.note }}</td></tr>
{% endfor %}</table>
{% else %}<p>No comparison yet: record sets of at least two conditions.</p>{% endif %}

<h2>Figures</h2>
{% for f in figures %}<h3>{{ f.title }}</h3>
<div class="figure" id="{{ f.id }}"></div>
<script>Plotly.newPlot({{ js(f.id) }}, {{ js(f.data) }}, {{ js(f.layout) }},
{"responsive": true, "displaylogo": false});</script>
{% endfor %}

<h2>Per condition and load</h2>
<table id="cells">
<tr><th>condition</th><th>load (% e1RM)</th><th>sets</th><th>reps (mean)</th>
<th>target rating (mean ± SD)</th>
{% for m in a.muscles %}<th>{{ m }} peak {{ a.activation_unit }} (mean ± SD)</th>
<th>{{ m }} mean {{ a.activation_unit }}</th>{% endfor %}
</tr>
{% for c in a.cells %}<tr><td>{{ labels[c.condition] }}</td><td>{{ fmt(c.load_pct_e1rm, 0) }}</td>
<td>{{ c.n_sets }}</td><td>{{ fmt(c.reps.mean, 1) }}</td>
<td>{{ fmt(c.target_rating.mean, 1) }} ± {{ fmt(c.target_rating.sd, 1) }}</td>
{% for m in a.muscles %}<td>{{ fmt(c.peak_mvc[m].mean, 1) }} ± {{ fmt(c.peak_mvc[m].sd, 1) }}</td>
<td>{{ fmt(c.mean_mvc[m].mean, 1) }}</td>{% endfor %}</tr>
{% endfor %}</table>

<h2>Every comparison</h2>
<table id="all-comparisons">
<tr><th>comparison</th><th>n</th><th>mean difference [95% CI]</th><th>Hedges' g [95% CI]</th>
<th>p (permutation)</th><th>note</th></tr>
{% for row in all_rows %}<tr><td>{{ row.label }}</td><td>{{ row.n }}</td><td>{{ row.diff }}</td>
<td>{{ row.g }}</td><td>{{ row.p }}</td><td>{{ row.note }}</td></tr>
{% endfor %}</table>

<h2>Design</h2>
<table id="design">
<tr><th>condition</th><th>focus</th><th>cue shown during the set</th></tr>
{% for c in d.conditions %}<tr><td>{{ c.label }}</td><td>{{ c.focus }}</td>
<td>{{ c.cue if c.cue else no_cue }}</td></tr>
{% endfor %}</table>
<p>Loads (% e1RM): {{ d.loads_pct_e1rm | join(", ") }}; {{ d.sets_per_condition }} set(s) of each
condition per load; {{ d.reps_per_set }} target repetitions per set; load blocks in
{{ d.block_order }} order; set order counterbalanced with a balanced Latin square drawn from seed
<code>{{ d.seed }}</code> (the same seed regenerates the same order).
{% if d.evidence %}Evidence: {{ d.evidence | join(", ") }}.{% endif %}</p>
<ol class="note">
{% for p in plan %}<li>{{ labels[p.condition] }} at {{ fmt(p.load_pct_e1rm, 0) }}% e1RM</li>
{% endfor %}</ol>

<h2>Methods</h2>
<p class="note">Activation is the per-repetition peak and mean of the EMG linear envelope,
averaged over the repetitions of a set, in {{ a.normalisation }}.
At each load the sets are compared as independent samples with Hedges' g (difference of
means over the pooled SD, small-sample corrected). Across loads each load block gives one pair
(the condition's mean minus the reference's mean), compared with Hedges' g<sub>z</sub> (mean
difference over the SD of the differences); this removes the effect of the load itself.
Intervals are percentile bootstraps of {{ a.n_resamples }} resamples; p-values are two-sided
permutation tests on the difference of means (labels shuffled, or signs flipped for pairs),
exact when every arrangement could be enumerated. Resampling seed <code>{{ a.seed }}</code>.
Fewer than 3 sets (or blocks) per condition: no statistics.</p>
</body>
</html>
"""


def comparison_cells(c: Comparison, measure: str, activation_unit: str) -> dict[str, str]:
    """A comparison's mean difference (with its interval), g (with its interval) and p as a
    report's table shows them ("–" where the data allow none)."""
    unit = "" if measure == "target_rating" else f" points of {activation_unit}"
    if c.mean_difference is None:
        diff = "–"
    elif c.difference_ci_low is None or c.difference_ci_high is None:
        diff = f"{c.mean_difference:+.2f}{unit}"
    else:
        diff = (
            f"{c.mean_difference:+.2f}{unit} "
            f"[{c.difference_ci_low:+.2f}, {c.difference_ci_high:+.2f}]"
        )
    g = "–" if c.g is None else f"{c.g:.2f} [{_fmt(c.ci_low)}, {_fmt(c.ci_high)}]"
    p = "–" if c.p_value is None else f"{c.p_value:.3f}" + ("" if c.exact_p else " (sampled)")
    return {"diff": diff, "g": g, "p": p}


def _row(e: Effect, activation_unit: str) -> dict[str, str]:
    c = e.comparison
    return {
        "label": comparison_label(e, activation_unit),
        "n": f"{c.n_a} vs {c.n_b}" if c.kind == "independent" else f"{c.n_a} pairs",
        **comparison_cells(c, e.measure, activation_unit),
        "note": c.note,
    }


def render_experiment_html(analysis: ExperimentAnalysis) -> str:
    """The HTML report of an analysis, as one self-contained page.

    Parameters
    ----------
    analysis : ExperimentAnalysis

    Returns
    -------
    str
        The page, with plotly.js inline (no network access needed to view it).
    """
    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(_TEMPLATE)
    d = analysis.design
    labels = {c.name: c.label for c in d.conditions}
    figures = experiment_figures(analysis)
    return template.render(
        a=analysis,
        d=d,
        labels=labels,
        ref_label=labels[d.reference],
        headline=[_row(e, analysis.activation_unit) for e in headline_effects(analysis)],
        all_rows=[_row(e, analysis.activation_unit) for e in analysis.effects],
        figures=figures,
        plan=plan_sets(d),
        plotly_js=_plotly_js() if figures else "",
        js=_js,
        fmt=_fmt,
        style=REPORT_STYLE,
        no_cue="no cue (uncued control: the only sets where the app gives no cue)",
    )


def write_experiment_html(analysis: ExperimentAnalysis, path: str | Path) -> Path:
    """Write the HTML report to ``path`` (parent folders are created) and return the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_experiment_html(analysis), encoding="utf-8")
    return out


def _png_condition_plot(
    analysis: ExperimentAnalysis, values_of: Any, ylabel: str, title: str, path: Path
) -> None:
    d = analysis.design
    loads = sorted(d.loads_pct_e1rm)
    fig = Figure(figsize=(7.0, 4.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    offs = _offsets(len(d.conditions), 1.5 if len(loads) > 1 else 0.3)
    for i, cond in enumerate(d.conditions):
        colour = _COLOURS[i % len(_COLOURS)]
        xs, ms, sds = [], [], []
        for load in loads:
            spread = values_of(analysis.cell(cond.name, load))
            if spread.n:
                x = load + offs[i]
                xs.append(x)
                ms.append(spread.mean)
                sds.append(spread.sd or 0.0)
                ax.scatter([x] * spread.n, spread.values, color=colour, alpha=0.4, s=16)
        if xs:
            ax.errorbar(xs, ms, yerr=sds, color=colour, marker="o", capsize=3, label=cond.label)
    ax.set_xlabel("load (% e1RM)")
    ax.set_xticks(loads)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def write_experiment_pngs(analysis: ExperimentAnalysis, directory: str | Path) -> list[Path]:
    """Write PNG figures of an analysis into ``directory`` (created) and return their paths.

    ``activation_<muscle>.png`` per muscle with EMG (peak activation per condition and load),
    ``ratings.png`` (target rating per condition and load) and, when any effect size could be
    computed, ``effects.png`` (Hedges' g with 95% bootstrap intervals).
    """
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for muscle in analysis.muscles:
        path = out_dir / f"activation_{muscle}.png"
        _png_condition_plot(
            analysis,
            lambda c, m=muscle: c.peak_mvc[m],
            f"peak activation ({analysis.activation_unit})",
            f"{muscle}: peak activation per condition and load",
            path,
        )
        written.append(path)
    path = out_dir / "ratings.png"
    _png_condition_plot(
        analysis,
        lambda c: c.target_rating,
        "target rating (0-10)",
        "Target rating per condition and load",
        path,
    )
    written.append(path)
    shown = [e for e in headline_effects(analysis) if e.comparison.g is not None]
    if shown:
        written.append(_png_effects(shown, out_dir / "effects.png", analysis.activation_unit))
    return written


def _png_effects(effects: Sequence[Effect], path: Path, activation_unit: str) -> Path:
    fig = Figure(figsize=(8.0, 1.2 + 0.5 * len(effects)), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ys = np.arange(len(effects))[::-1]
    for y, e in zip(ys, effects, strict=True):
        c = e.comparison
        g = c.g or 0.0
        if c.ci_low is not None and c.ci_high is not None:
            ax.plot([c.ci_low, c.ci_high], [y, y], color="#333")
        ax.plot([g], [y], "o", color="#333")
    ax.axvline(0.0, color="#999", linestyle="--", linewidth=1)
    ax.set_yticks(ys)
    ax.set_yticklabels([comparison_label(e, activation_unit) for e in effects], fontsize=7)
    ax.set_xlabel("Hedges' g (95% bootstrap interval)")
    fig.tight_layout()
    fig.savefig(path)
    return path
