"""``mindmuscle calibration``: does what you feel track what the EMG measures?"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from mindmuscle.cli._app import DbOption, app, console

__all__ = ["calibration"]


@app.command("calibration")
def calibration(
    as_json: Annotated[bool, typer.Option("--json", help="Print the relations as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Felt versus measured: per muscle and exercise, how your felt ratings track EMG %MVC.

    Spearman's rho with a 95% bootstrap interval and n over your sets that have both a felt
    rating and a measured peak %MVC; below 8 sets "not enough sets yet", and "no relation" when
    the interval includes 0 (sevilmis2024, rule 16).
    """
    from mindmuscle.cli._db import open_existing
    from mindmuscle.services.felt import felt_vs_measured_report
    from mindmuscle.store import LOCAL_USER_ID

    views = felt_vs_measured_report(open_existing(db), LOCAL_USER_ID)
    if as_json:
        typer.echo(json.dumps([v.to_json() for v in views], indent=2, ensure_ascii=False))
        return
    if not views:
        console.print(
            "No sets with both a felt rating and EMG yet: log sets with their peak %MVC (from "
            "mindmuscle live or an EMG import) and rate how strongly you felt the target.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return
    # One line per muscle and exercise (no table): the sentence is the result, and it must read
    # whole on a phone-sized terminal.
    console.print("Felt versus measured (sevilmis2024)", markup=False, highlight=False)
    for v in views:
        console.print(
            f"- {v.muscle_name}, {v.exercise_name}: {v.message}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    console.print(
        "A felt rating is a skill to check, not a measurement: where they disagree, trust the "
        "EMG and practise feeling the target with the live bars.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
