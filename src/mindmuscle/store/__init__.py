"""The store: SQLAlchemy 2 tables, repositories and Alembic migrations (SQLite or PostgreSQL).

::

    from mindmuscle.store import open_database, repo
    db = open_database("sqlite:///mindmuscle.db")   # creates and migrates
    with db.session() as s:                          # commits on success
        repo.add_set(session=s, user_id=1, data=SetCreate(...))
"""

from mindmuscle.store import bulk, repo
from mindmuscle.store.backup import Backup, backup_database
from mindmuscle.store.engine import (
    Database,
    close_open_databases,
    database_exists,
    normalise_url,
    open_database,
    upgrade,
)
from mindmuscle.store.schemas import (
    CalibrationCreate,
    DrillRatingCreate,
    ExperimentCreate,
    ExperimentSetCreate,
    ProfileData,
    ReadinessCreate,
    RecordingCreate,
    ReflectionCreate,
    RoutineData,
    SessionCreate,
    SetCreate,
    SetEmgCreate,
    SkillTestCreate,
    UserExerciseCreate,
)
from mindmuscle.store.tables import LOCAL_USER_ID

__all__ = [
    "LOCAL_USER_ID",
    "Backup",
    "CalibrationCreate",
    "Database",
    "DrillRatingCreate",
    "ExperimentCreate",
    "ExperimentSetCreate",
    "ProfileData",
    "ReadinessCreate",
    "RecordingCreate",
    "ReflectionCreate",
    "RoutineData",
    "SessionCreate",
    "SetCreate",
    "SetEmgCreate",
    "SkillTestCreate",
    "UserExerciseCreate",
    "backup_database",
    "bulk",
    "close_open_databases",
    "database_exists",
    "normalise_url",
    "open_database",
    "repo",
    "upgrade",
]
