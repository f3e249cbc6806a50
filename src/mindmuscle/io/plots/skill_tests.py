"""The connection test over weeks: per target level, the SD around the target of each test.

One line per level (10, 20, 40 % MVC) and the mean of them, over the test dates, for one
muscle; lower is closer. The figure is a plain plotly dict (the web page draws it with the
plotly.js the app serves); :func:`write_skill_history_html` writes it as a self-contained page
(plotly.js inline, so the file opens offline).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mindmuscle.experiments.skill_test import PastSkillTest

__all__ = ["skill_history_figure", "write_skill_history_html"]

_COLOURS = {10.0: "#1f77b4", 20.0: "#2ca02c", 40.0: "#d62728"}
_OTHER = "#9467bd"


def _figure(tests: Sequence[PastSkillTest], *, dark: bool = False) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    muscles = sorted({t.muscle for t in tests})
    levels = sorted({s.target_pct for t in tests for s in t.score.targets})
    for level in levels:
        xs, ys, text = [], [], []
        for t in tests:
            for s in t.score.targets:
                if s.target_pct == level:
                    xs.append(t.performed_at.isoformat())
                    ys.append(round(s.sd_pct, 2))
                    text.append(f"held {s.mean_pct:.1f}% ({s.error_pct:+.1f})")
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                text=text,
                mode="lines+markers",
                name=f"{level:g}% MVC",
                line={"color": _COLOURS.get(level, _OTHER), "width": 2},
                hovertemplate="%{x|%d %b %Y}: SD %{y:.1f} points, %{text}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[t.performed_at.isoformat() for t in tests],
            y=[round(t.score.overall_sd_pct, 2) for t in tests],
            mode="lines+markers",
            name="mean",
            line={"color": "#c9cfda" if dark else "#444", "width": 3, "dash": "dot"},
            hovertemplate="%{x|%d %b %Y}: mean SD %{y:.1f} points<extra></extra>",
        )
    )
    times = [t.performed_at for t in tests]
    short = len(times) < 2 or (max(times) - min(times)).total_seconds() < 2 * 86400
    tick = "%d %b %H:%M" if short else "%d %b"
    fig.update_layout(
        title={"text": f"Matching error over weeks: {', '.join(muscles) or 'no tests'}"},
        # Tests of one day or two: their times too, or every tick reads the same date.
        xaxis={"title": {"text": "test date"}, "tickformat": tick},
        yaxis={"title": {"text": "SD around the target (%MVC points)"}, "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 56, "r": 12, "t": 48, "b": 40},
        template="plotly_dark" if dark else "plotly_white",
    )
    if dark:  # on the app's phone-sized dark page: its colours, the card says what it is
        fig.update_layout(
            title=None,
            paper_bgcolor="rgba(0,0,0,0)",
            plot_bgcolor="rgba(0,0,0,0)",
            font={"color": "#c9cfda", "family": "system-ui, sans-serif", "size": 12},
            xaxis={"title": None, "gridcolor": "#2c313c", "tickformat": tick},
            yaxis={"title": {"text": "SD (%MVC points)"}, "gridcolor": "#2c313c"},
            legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
            margin={"l": 48, "r": 8, "t": 8, "b": 32},
            height=340,
        )
    return fig


def skill_history_figure(tests: Sequence[PastSkillTest], *, dark: bool = False) -> dict[str, Any]:
    """The tests' errors over weeks as a plotly figure dict ``{"data": [...], "layout": {...}}``.

    ``tests`` are of one muscle (the title names every muscle it was given), oldest first;
    ``dark`` draws it for the app's dark pages.
    """
    out: dict[str, Any] = json.loads(_figure(tests, dark=dark).to_json())
    return out


def write_skill_history_html(tests: Sequence[PastSkillTest], path: str | Path) -> Path:
    """Write the figure as a self-contained HTML page (plotly.js inline, works offline)."""
    target = Path(path)
    _figure(tests).write_html(str(target), include_plotlyjs=True, full_html=True)
    return target
