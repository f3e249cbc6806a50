"""Questions that ask again: each shows its choices or range, and a bad answer is asked again.

A bad answer never throws away the answers before it: :func:`ask` repeats only its own
question, with the reason on the line above ("'muscle' is not allowed: choose hypertrophy,
strength or endurance"). What is allowed comes from the models' own limits (the caller's
``parse`` checks with them), so the prompt and the stored set can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import typer

from mindmuscle.cli._app import err_console
from mindmuscle.errors import MindMuscleError, OutOfRangeError, shown

__all__ = ["Question", "ask", "confirm", "reason", "to_number"]


@dataclass(frozen=True)
class Question:
    """One question: its words, what is allowed (shown in brackets), its default and its check.

    ``parse`` turns the typed text into the answer, raising a :class:`MindMuscleError` or a
    ``ValueError`` whose words say what is allowed.
    """

    text: str
    allowed: str
    default: str
    parse: Callable[[str], Any]


def reason(exc: Exception) -> str:
    """Why an answer is refused, in the words of a conversation (no option names)."""
    if isinstance(exc, OutOfRangeError):
        return f"{shown(exc.value)} is not allowed: {exc.allowed}."
    return str(exc)


def to_number(text: str, *, whole: bool = False) -> float:
    """``text`` as a number (a whole one with ``whole``), or a ValueError saying so."""
    try:
        value = float(text.replace(",", ".")) if not whole else int(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"{text!r} is not {kind}.") from None
    return value


def ask(question: Question) -> Any:
    """Ask until the answer is allowed; Enter takes the default."""
    while True:
        text = typer.prompt(
            f"{question.text} ({question.allowed})",
            default=question.default,
            show_default=question.default != "",
        )
        try:
            return question.parse(str(text).strip())
        except (MindMuscleError, ValueError) as exc:
            err_console.print(
                f"  {reason(exc)} Please answer again.",
                highlight=False,
                soft_wrap=not err_console.is_terminal,  # words wrap whole on a screen
            )


def _yes_or_no(text: str) -> bool:
    answer = text.strip().lower()
    if answer in ("y", "yes"):
        return True
    if answer in ("n", "no"):
        return False
    raise ValueError(f"{shown(text)} is not allowed: answer y or n.")


def confirm(text: str) -> bool:
    """Ask a yes-or-no question until the answer is y or n (yes, no); Enter is no.

    Click's own confirmation says "Error: invalid input" to "maybe"; this names what was given
    and what is allowed, in the words of every other question, and asks again.
    """
    return bool(ask(Question(text, "y or n", "n", _yes_or_no)))
