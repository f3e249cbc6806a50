"""A skipped target rating is stored as absent and stays out of the connection map."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from mindmuscle.coach.models import Reflection
from mindmuscle.services.history import SetInput, connection_map, history, record_set
from mindmuscle.store import open_database
from tests.factories import NOW


def test_a_skipped_target_rating_is_stored_as_absent(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'r.db'}")
    try:
        for i, rating in enumerate([None, 8]):
            record_set(
                db=db,
                user_id=1,
                data=SetInput(
                    uuid=f"set-{i}",
                    exercise_id="dumbbell_biceps_curl",
                    performed_at=NOW - timedelta(days=1),
                    load_kg=12.0,
                    reps=10,
                    reflection=Reflection(target_rating=rating),
                ),
            )
        stored = history(db=db, user_id=1)
        assert [s.reflection.target_rating for s in stored if s.reflection] == [None, 8]
        biceps = connection_map(db=db, user_id=1, now=NOW)["biceps"]
        assert (biceps.count, biceps.score) == (1, 8.0)
    finally:
        db.close()
