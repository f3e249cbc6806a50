"""The EMG report: a self-contained HTML page with every channel's envelope, its repetitions
shaded, and the numbers."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mindmuscle.signals.emg import EmgResult

__all__ = ["render_emg_report", "write_emg_report"]

_MAX_PLOT_POINTS = 20_000
_STRIP_PX = 200  # each channel's envelope strip, on a phone as on a desk
_GAP_PX = 48  # between strips: room for the next strip's title
_MARGIN_TOP_PX = 40
_MARGIN_BOTTOM_PX = 48


def _thin(times: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most _MAX_PLOT_POINTS points, keeping each stretch's maximum (peaks stay visible)."""
    n = values.size
    if n <= _MAX_PLOT_POINTS:
        return times, values
    step = -(-n // _MAX_PLOT_POINTS)
    m = (n // step) * step
    v = values[:m].reshape(-1, step).max(axis=1)
    t = times[:m].reshape(-1, step)[:, 0]
    return t, v


def render_emg_report(result: EmgResult, *, title: str = "EMG analysis") -> str:
    """A self-contained HTML page: envelopes with repetitions shaded, and the numbers.

    plotly.js is embedded inline (no CDN), so the page works offline.
    """
    a = result.analysis
    proc = result.processed
    times = proc.times_s
    n_ch = len(a.channels)
    # Each strip keeps its height in pixels whatever the channel count (a fraction of a fixed
    # figure made strips of a few pixels); the width follows the page, phone or desk.
    plot_px = n_ch * _STRIP_PX + (n_ch - 1) * _GAP_PX
    fig = make_subplots(
        rows=n_ch,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=_GAP_PX / plot_px if n_ch > 1 else 0.0,
        subplot_titles=[f"{c.name} ({c.role}, {c.unit})" for c in a.channels],
    )
    for i, ch in enumerate(a.channels, start=1):
        t, env = _thin(times, proc.envelope[i - 1].astype(np.float64))
        # SVG, not WebGL: a phone or a browser without WebGL still draws the envelopes.
        fig.add_trace(
            go.Scatter(x=t, y=env, mode="lines", name=f"{ch.name} envelope", line={"width": 1}),
            row=i,
            col=1,
        )
        for rep in ch.reps:
            fig.add_vrect(
                x0=rep.start_s,
                x1=rep.end_s,
                fillcolor="#2ca02c",
                opacity=0.15,
                line_width=0,
                row=i,
                col=1,
            )
        fig.update_yaxes(title_text=ch.unit, row=i, col=1)
    fig.update_xaxes(title_text="time (s)", row=n_ch, col=1)
    fig.update_layout(
        height=plot_px + _MARGIN_TOP_PX + _MARGIN_BOTTOM_PX,
        autosize=True,
        showlegend=False,
        margin={"t": _MARGIN_TOP_PX, "b": _MARGIN_BOTTOM_PX, "l": 56, "r": 12},
    )
    plot = fig.to_html(
        include_plotlyjs=True,
        full_html=False,
        config={"responsive": True, "displayModeBar": False},
        default_width="100%",
    )

    def esc(x: object) -> str:
        return html.escape(str(x))

    def num(x: float | None, digits: int = 3) -> str:
        return "" if x is None else f"{x:.{digits}g}"

    rows = []
    for ch in a.channels:
        issues = "; ".join(ch.quality.issues) or "ok"
        rows.append(
            f"<tr><td>{esc(ch.name)}</td><td>{esc(ch.role)}</td><td>{len(ch.bursts)}</td>"
            f"<td>{esc(ch.normalisation)}</td><td>{esc(issues)}</td></tr>"
        )
    target = a.channel(a.target)
    rep_rows = [
        f"<tr><td>{r.rep}</td><td>{r.start_s:.2f}</td><td>{r.end_s:.2f}</td>"
        f"<td>{r.peak_pct:.1f}</td><td>{r.mean_pct:.1f}</td><td>{num(r.rms)}</td>"
        f"<td>{num(r.iemg)}</td><td>{num(r.mean_freq_hz)}</td><td>{num(r.median_freq_hz)}</td></tr>"
        for r in target.reps
    ]
    ratio_rows = [
        f"<li>{esc(a.target)} : {esc(r.synergist)} = {num(r.ratio)}</li>" for r in a.ratios
    ]
    fatigue_rows = [
        f"<li>{esc(f.channel)}: RMS {num(f.rms_slope_pct_per_rep)} %/rep "
        f"(p = {num(f.rms_slope_p, 2)}), median frequency "
        f"{num(f.median_freq_slope_hz_per_rep)} Hz/rep (p = {num(f.median_freq_slope_p, 2)})"
        f"{' (RMS up, frequency down: signs of fatigue)' if f.fatigue_signs else ''}</li>"
        for f in a.fatigue
    ]
    warn = "".join(f"<li>{esc(w)}</li>" for w in a.warnings)
    unit_pct = {"mvc": "% MVC", "reference": "% of reference"}.get(
        target.normalisation, "% of set peak"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:1rem;max-width:1100px}}
.wide{{overflow-x:auto;max-width:100%}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}}
td:first-child{{text-align:left}}</style></head><body>
<h1>{esc(title)}</h1>
<p>{a.duration_s:.1f} s at {a.sfreq_hz:g} Hz; band {a.band_hz[0]:g}-{a.band_hz[1]:g} Hz;
{a.n_reps} repetitions (from {esc(a.rep_source)}) on the target {esc(a.target)}.
Muscle activation measured by surface EMG is not a measure of muscle growth.</p>
<h2>Channels</h2><div class="wide"><table><tr><th>channel</th><th>role</th><th>bursts</th>
<th>normalised to</th><th>quality</th></tr>{"".join(rows)}</table></div>
{plot}
<h2>Repetitions of {esc(a.target)}</h2>
<div class="wide"><table><tr><th>rep</th><th>start s</th><th>end s</th><th>peak {unit_pct}</th>
<th>mean {unit_pct}</th><th>RMS {esc(target.unit)}</th><th>iEMG {esc(target.unit)}·s</th>
<th>mean freq Hz</th><th>median freq Hz</th></tr>{"".join(rep_rows)}</table></div>
<h2>Set</h2><ul>{"".join(ratio_rows)}{"".join(fatigue_rows)}</ul>
{f"<h2>Warnings</h2><ul>{warn}</ul>" if warn else ""}
</body></html>
"""


def write_emg_report(result: EmgResult, path: str | Path, *, title: str | None = None) -> Path:
    """Write :func:`render_emg_report` to ``path`` and return the path."""
    p = Path(path)
    p.write_text(render_emg_report(result, title=title or "EMG analysis"), encoding="utf-8")
    return p
