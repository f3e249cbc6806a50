"""The front/back body map: one SVG shape (or a mirrored pair) per catalogue muscle.

Coordinates are in a 160 x 340 box per figure, the figure's centre line at x = 80. Shapes of the
left half are mirrored onto the right half. The template ``_bodymap.html`` draws them; each shape
carries ``data-muscle`` so the page can colour it (progress) or let the lifter tap it (reflection).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

__all__ = ["SHAPES", "Shape", "score_colour"]


@dataclass(frozen=True)
class Shape:
    muscle_id: str
    view: Literal["front", "back"]
    tag: Literal["ellipse", "path", "rect"]
    attrs: tuple[tuple[str, str], ...]
    mirrored: bool = True


def _e(muscle: str, view: Literal["front", "back"], cx: float, cy: float, rx: float, ry: float,
       rot: float = 0.0, mirrored: bool = True) -> Shape:  # fmt: skip
    attrs = [("cx", f"{cx:g}"), ("cy", f"{cy:g}"), ("rx", f"{rx:g}"), ("ry", f"{ry:g}")]
    if rot:
        attrs.append(("transform", f"rotate({rot:g} {cx:g} {cy:g})"))
    return Shape(muscle, view, "ellipse", tuple(attrs), mirrored)


def _p(muscle: str, view: Literal["front", "back"], d: str, mirrored: bool = True) -> Shape:
    return Shape(muscle, view, "path", (("d", d),), mirrored)


SHAPES: tuple[Shape, ...] = (
    # front
    _p("pec_clavicular", "front", "M52 54 Q64 49 78 50 L78 61 Q64 61 51 66 Z"),
    _p("pec_sternal", "front", "M51 68 Q64 63 78 63 L78 82 Q66 88 55 83 Q49 77 51 68 Z"),
    _e("front_delt", "front", 45, 58, 7.5, 10, 15),
    _e("side_delt", "front", 37, 61, 4.5, 9, 10),
    _e("biceps", "front", 38, 86, 6, 14, 8),
    _e("brachialis", "front", 32.5, 100, 3, 6.5, 8),
    _e("forearm_flexors", "front", 30, 131, 5.5, 17, 10),
    _e("serratus_anterior", "front", 54, 94, 4, 8, -10),
    _p("rectus_abdominis", "front", "M71 87 Q80 85 89 87 L88 140 Q80 146 72 140 Z", False),
    _e("obliques", "front", 61, 108, 6, 15, -6),
    _e("transverse_abdominis", "front", 64, 136, 5, 8, -15),
    _e("hip_flexors", "front", 67, 160, 5.5, 9, -20),
    _e("quadriceps", "front", 63, 203, 11.5, 36, 4),
    _e("adductors", "front", 75, 193, 4, 22, 6),
    _e("calves", "front", 62, 272, 6, 20, 2),
    # back
    _p("upper_traps", "back", "M72 38 L88 38 L106 53 Q80 58 54 53 Z", False),
    _p("middle_traps", "back", "M62 57 Q80 60 98 57 L92 72 Q80 75 68 72 Z", False),
    _p("lower_traps", "back", "M69 74 Q80 77 91 74 L80 104 Z", False),
    _e("rhomboids", "back", 63, 70, 4, 9, 0),
    _e("rear_delt", "back", 45, 58, 8, 9, -10),
    _e("side_delt", "back", 37, 61, 4.5, 9, 10),
    _e("triceps", "back", 37, 88, 6.5, 15, 8),
    _e("forearm_flexors", "back", 30, 131, 5, 16, 10),
    _p("lats", "back", "M51 72 Q60 78 68 84 L73 122 Q62 118 56 110 Q48 92 51 72 Z"),
    _p("erector_spinae", "back", "M73 100 L79 100 L79 150 L72 150 Z"),
    _e("glute_med", "back", 60, 150, 8, 6, -15),
    _e("glute_max", "back", 68, 166, 12, 12, 0),
    _e("hamstrings", "back", 65, 212, 10.5, 30, 4),
    _e("adductors", "back", 75, 196, 3.5, 18, 6),
    _e("calves", "back", 63, 268, 8, 22, 2),
)

# The body outline under the muscles (same on both views).
OUTLINE = (
    "M80 6 a14 15 0 1 1 -0.1 0 Z "
    "M73 34 L87 34 L88 42 Q100 46 110 50 Q122 54 124 66 L127 100 L132 128 L136 160 L128 162 "
    "L122 130 L116 104 L112 84 L108 118 L110 148 Q112 160 108 170 L106 240 L102 300 L104 318 "
    "L96 322 L90 300 L86 240 L82 175 L78 175 L74 240 L70 300 L64 322 L56 318 L58 300 L54 240 "
    "L52 170 Q48 160 50 148 L52 118 L48 84 L44 104 L38 130 L32 162 L24 160 L28 128 L33 100 "
    "L36 66 Q38 54 50 50 Q60 46 72 42 Z"
)

_STOPS = ((0.0, (228, 87, 46)), (5.0, (243, 167, 18)), (10.0, (41, 191, 18)))


def score_colour(score: float | None) -> str:
    """A colour for a connection score 0-10 (red -> amber -> green); grey when unrated."""
    if score is None:
        return "#3a4150"
    s = min(10.0, max(0.0, score))
    for (s0, c0), (s1, c1) in itertools.pairwise(_STOPS):
        if s <= s1:
            f = (s - s0) / (s1 - s0)
            r, g, b = (round(a + (b_ - a) * f) for a, b_ in zip(c0, c1, strict=True))
            return f"#{r:02x}{g:02x}{b:02x}"
    return "#29bf12"
