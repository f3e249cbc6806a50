"""MindMuscle: evidence-based mind-muscle connection training.

The pure core (catalogue, coach, set loop, signals, experiments) is importable without a
database, a clock or a network.
"""

from __future__ import annotations

from mindmuscle.errors import (
    FileFormatError,
    InvalidInputError,
    InvalidSignalError,
    MindMuscleError,
    UnknownIdError,
)

__version__ = "0.1.0"

__all__ = [
    "FileFormatError",
    "InvalidInputError",
    "InvalidSignalError",
    "MindMuscleError",
    "UnknownIdError",
    "__version__",
]
