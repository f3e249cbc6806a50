"""The figure of one motion-analysed set: the signal, the repetitions and their phases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from mindmuscle.errors import InvalidInputError
from mindmuscle.signals.motion.models import PHASE_NAMES, MotionAnalysis, MotionTrace

_Floats = npt.NDArray[np.float64]

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["motion_figure", "motion_figure_json", "write_motion_plot"]


# The movement panel's range: the repetitions fill it (see _movement_scale), with room for the
# repetition numbers above and the set's edge labels below.
_MOVEMENT_RANGE = (-1.2, 1.25)

_PHASE_COLOURS = {1: "#e4572e", 2: "#f3a712", 3: "#29335c", 4: "#669bbc"}


def _phase_runs(phases: npt.NDArray[np.int64]) -> list[tuple[int, int, int]]:
    """(start, stop, phase) of each run of one phase (phase 0 left out)."""
    if phases.size == 0:
        return []
    change = np.flatnonzero(np.diff(phases)) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [phases.size]])
    return [
        (int(a), int(b), int(phases[a])) for a, b in zip(starts, stops, strict=True) if phases[a]
    ]


def _left_out(trace: MotionTrace) -> list[tuple[str, str, list[tuple[float, float]]]]:
    """Stretches drawn as not part of the set: (label, colour, spans)."""
    return [("no data", "#e4572e", trace.gaps), ("walking", "#4c6ef5", trace.walking)]


def _set_edges(analysis: MotionAnalysis) -> list[tuple[float, str]]:
    """The start and end of the set found in the recording, with their labels."""
    out: list[tuple[float, str]] = []
    # A set that repeats too unevenly to count in is drawn as the likeliest, not as found.
    unclear = "" if analysis.counted_in_set else " (unclear)"
    if analysis.active_start_s is not None:
        out.append((analysis.active_start_s, "set starts" + unclear))
    if analysis.active_end_s is not None:
        out.append((analysis.active_end_s, "set ends" + unclear))
    return out


def _movement_scale(analysis: MotionAnalysis, trace: MotionTrace) -> float:
    """What the movement axis is divided by: its largest swing within the repetitions counted
    (the whole recording when none were), so that a large set-up or racking movement beside
    the set does not flatten the repetitions; outside them the curve may leave the panel."""
    t, movement = trace.t_s, trace.movement
    reps = analysis.repetitions
    if reps:
        inside = (t >= reps[0].start_s) & (t <= reps[-1].end_s)
        if inside.any():
            movement = movement[inside]
    return float(np.max(np.abs(movement))) if movement.size else 1.0


def _title(analysis: MotionAnalysis) -> str:
    parts = [f"{analysis.reps} repetitions"]
    if analysis.reps_in_gaps:
        parts[0] += f" ({analysis.reps_in_gaps} estimated in gaps)"
    if analysis.partial_reps:
        parts.append(f"{analysis.partial_reps} partial")
    parts.append(f"time under tension {analysis.tut_s:.1f} s")
    if analysis.walking_s:
        parts.append(f"{analysis.walking_s:.0f} s of walking left out")
    if analysis.tempo_adherence is not None:
        parts.append(
            f"tempo {analysis.tempo_adherence.prescribed.as_string()}: "
            f"{analysis.tempo_adherence.score:.0%}"
        )
    parts.append(f"quality {analysis.quality.status}")
    return " · ".join(parts)


def write_motion_plot(analysis: MotionAnalysis, trace: MotionTrace, path: str | Path) -> Path:
    """Draw the signal, the repetitions and their phases to ``.png`` (matplotlib) or ``.html``.

    The HTML file embeds plotly.js inline, so it opens without a network connection.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        An output name that does not end in .png or .html.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".html"):
        raise InvalidInputError(
            f"Plot file {out.name!r} must end in .png (image) or .html (interactive page)."
        )
    t, mag, movement, peaks, runs = _drawn(analysis, trace)
    reps = analysis.repetitions
    if suffix == ".png":
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(3, 1, figsize=(12, 7.5), sharex=True)
        ax0, ax1, ax2 = axes
        for i, name in enumerate("xyz"):
            ax0.plot(t, trace.acc_ms2[:, i], lw=0.7, label=f"a{name}")
        ax0.plot(t, mag, "k", lw=0.9, label="|a|")
        ax0.set_ylabel("acceleration (m/s²)")
        ax0.legend(loc="upper right", ncol=4, fontsize=8)
        ax1.plot(t, movement, "k", lw=1.0, label="movement axis")
        ax1.plot(trace.peaks_s, peaks, "o", color="#e4572e", label="counted")
        for rep in reps:
            ax1.axvspan(
                rep.start_s,
                rep.end_s,
                color="#aaaaaa" if rep.partial else "#dddddd",
                alpha=0.5 if rep.index % 2 else 0.25,
                lw=0,
            )
            ax1.text(
                (rep.start_s + rep.end_s) / 2,
                1.05,
                str(rep.index) + ("½" if rep.partial else ""),
                ha="center",
                fontsize=8,
            )
        for label, colour, spans in _left_out(trace):
            for i, (g0, g1) in enumerate(spans):
                for ax in axes:
                    ax.axvspan(
                        g0,
                        g1,
                        color=colour,
                        alpha=0.12,
                        hatch="//",
                        lw=0,
                        label=label if i == 0 and ax is ax1 else None,
                    )
        for edge, name in _set_edges(analysis):
            for ax in axes:
                ax.axvline(edge, color="#2b8a3e", lw=1.2, ls="--")
            ax1.text(edge, -1.15, name, color="#2b8a3e", fontsize=8, ha="center")
        if trace.gaps or trace.walking:
            ax1.legend(loc="lower right", fontsize=8)
        ax1.set_ylim(*_MOVEMENT_RANGE)
        ax1.set_ylabel("movement (norm.)")
        ax2.plot(t, trace.position * 100, "k", lw=1.0)
        for a, b, phase in runs:
            ax2.axvspan(
                t[a], t[b - 1] + (t[1] - t[0]), color=_PHASE_COLOURS[phase], alpha=0.35, lw=0
            )
        handles = [
            matplotlib.patches.Patch(color=_PHASE_COLOURS[k], alpha=0.5, label=v)
            for k, v in PHASE_NAMES.items()
        ]
        ax2.legend(handles=handles, loc="upper right", ncol=4, fontsize=8)
        ax2.set_ylabel("vertical position (cm)")
        ax2.set_xlabel("time (s)")
        fig.suptitle(_title(analysis))
        fig.tight_layout()
        fig.savefig(out, dpi=100)
        plt.close(fig)
        return out

    motion_figure(analysis, trace).write_html(out, include_plotlyjs=True, full_html=True)
    return out


def _drawn(
    analysis: MotionAnalysis, trace: MotionTrace
) -> tuple[_Floats, _Floats, _Floats, _Floats, list[tuple[int, int, int]]]:
    """What both figures draw: time, the acceleration's magnitude, the movement scaled to the
    repetitions, the counted humps on it, and the phase runs."""
    t = trace.t_s
    mag = np.sqrt(np.sum(trace.acc_ms2**2, axis=1))
    movement = trace.movement / (_movement_scale(analysis, trace) or 1.0)
    return t, mag, movement, np.interp(trace.peaks_s, t, movement), _phase_runs(trace.phases)


def motion_figure(analysis: MotionAnalysis, trace: MotionTrace) -> go.Figure:
    """The interactive figure of ``--plot OUT.html``: signal, repetitions, set edges, phases."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    t, mag, movement, peaks, runs = _drawn(analysis, trace)
    reps = analysis.repetitions
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.05,
        subplot_titles=(
            "acceleration (m/s²)",
            "movement axis and repetitions",
            "vertical position (cm) and phases",
        ),
    )
    for i, name in enumerate("xyz"):
        fig.add_trace(
            go.Scatter(x=t, y=trace.acc_ms2[:, i], name=f"a{name}", line={"width": 1}), row=1, col=1
        )
    fig.add_trace(
        go.Scatter(x=t, y=mag, name="|a|", line={"color": "black", "width": 1}), row=1, col=1
    )
    fig.add_trace(
        go.Scatter(x=t, y=movement, name="movement", line={"color": "black"}), row=2, col=1
    )
    fig.add_trace(
        go.Scatter(
            x=trace.peaks_s,
            y=peaks,
            mode="markers",
            name="counted",
            marker={"color": "#e4572e", "size": 9},
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(x=t, y=trace.position * 100, name="position", line={"color": "black"}),
        row=3,
        col=1,
    )
    for rep in reps:
        fig.add_vrect(
            x0=rep.start_s,
            x1=rep.end_s,
            row=2,
            col=1,
            line_width=0,
            fillcolor="#aaaaaa" if rep.partial else "#cccccc",
            opacity=0.45 if rep.index % 2 else 0.2,
            annotation_text=str(rep.index) + (" (partial)" if rep.partial else ""),
            annotation_position="top left",
        )
    for label, colour, spans in _left_out(trace):
        for g0, g1 in spans:
            for row in (1, 2, 3):
                fig.add_vrect(
                    x0=g0,
                    x1=g1,
                    row=row,
                    col=1,
                    line_width=0,
                    fillcolor=colour,
                    opacity=0.15,
                    annotation_text=label if row == 2 else None,
                    annotation_position="bottom left",
                )
    for edge, name in _set_edges(analysis):
        fig.add_vline(
            x=edge,
            line_dash="dash",
            line_color="#2b8a3e",
            annotation_text=name,
            annotation_position="bottom right",
        )
    dt = float(t[1] - t[0]) if t.size > 1 else 0.0
    for a, b, phase in runs:
        fig.add_vrect(
            x0=float(t[a]),
            x1=float(t[b - 1]) + dt,
            row=3,
            col=1,
            line_width=0,
            fillcolor=_PHASE_COLOURS[phase],
            opacity=0.35,
        )
    for k, v in PHASE_NAMES.items():
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=v,
                marker={"color": _PHASE_COLOURS[k], "size": 10, "symbol": "square"},
            ),
            row=3,
            col=1,
        )
    fig.update_layout(title=_title(analysis), height=800, template="plotly_white")
    fig.update_xaxes(title_text="time (s)", row=3, col=1)
    fig.update_yaxes(range=list(_MOVEMENT_RANGE), row=2, col=1)
    return fig


def motion_figure_json(analysis: MotionAnalysis, trace: MotionTrace) -> dict[str, Any]:
    """:func:`motion_figure` as plotly's JSON (``data`` and ``layout``), for a page that draws
    it with its own copy of plotly.js."""
    out: dict[str, Any] = json.loads(motion_figure(analysis, trace).to_json())
    return out
