"""The coach: pure functions that decide readiness, load, focus, tempo, plan and adaptation.

Every decision comes with its reason and the evidence ids of EVIDENCE.md it rests on. No clock,
no database, no files: time comes in as ``now``, history as a sequence of logged sets.
"""

from __future__ import annotations

from mindmuscle.coach.adapt import adapt, as_lifted, rating_holds
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.connection import connection_map
from mindmuscle.coach.drill import drill_plan, muscle_priority
from mindmuscle.coach.e1rm import brzycki, epley, estimate_e1rm, set_e1rm
from mindmuscle.coach.focus import choose_focus, cue_for
from mindmuscle.coach.limits import LIMITS, Limit, range_errors
from mindmuscle.coach.loads import (
    buildable_loads,
    check_load_kg,
    default_equipment,
    format_load,
    load_step,
    plan_in_units,
    round_load,
    step_load,
)
from mindmuscle.coach.models import (
    E1RM,
    Adaptation,
    ConnectionScore,
    DrillItem,
    DrillPlan,
    EquipmentProfile,
    Experience,
    Focus,
    FocusMode,
    Goal,
    LoggedSet,
    Plan,
    Prescription,
    Prime,
    Profile,
    Readiness,
    ReadinessDecision,
    Reason,
    Reflection,
    SetType,
)
from mindmuscle.coach.plan import build_plan, focus_slots, pick_exercise
from mindmuscle.coach.readiness import assess_readiness, readiness_score
from mindmuscle.coach.sets import SET_TYPES, SetInput, SetSource, check_set, parse_set
from mindmuscle.coach.tempo import check_tempo, default_tempo

__all__ = [
    "E1RM",
    "LIMITS",
    "SET_TYPES",
    "Adaptation",
    "CatalogView",
    "ConnectionScore",
    "DrillItem",
    "DrillPlan",
    "EquipmentProfile",
    "Experience",
    "Focus",
    "FocusMode",
    "Goal",
    "Limit",
    "LoggedSet",
    "Plan",
    "Prescription",
    "Prime",
    "Profile",
    "Readiness",
    "ReadinessDecision",
    "Reason",
    "Reflection",
    "SetInput",
    "SetSource",
    "SetType",
    "adapt",
    "as_lifted",
    "assess_readiness",
    "brzycki",
    "build_plan",
    "buildable_loads",
    "check_load_kg",
    "check_set",
    "check_tempo",
    "choose_focus",
    "connection_map",
    "cue_for",
    "default_equipment",
    "default_tempo",
    "drill_plan",
    "epley",
    "estimate_e1rm",
    "focus_slots",
    "format_load",
    "load_step",
    "muscle_priority",
    "parse_set",
    "pick_exercise",
    "plan_in_units",
    "range_errors",
    "rating_holds",
    "readiness_score",
    "round_load",
    "set_e1rm",
    "step_load",
]
