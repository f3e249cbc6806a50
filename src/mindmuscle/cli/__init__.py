"""The ``mindmuscle`` command line.

Every module in this package (other than those starting with ``_``) registers its commands on
the one shared :data:`app` when imported. The modules are imported only when one of their
commands is needed (see :data:`mindmuscle.cli._app.COMMANDS`), so that ``mindmuscle --help``
starts at once.
"""

from __future__ import annotations

import gc
import sys

from mindmuscle.cli._app import app, load_all_commands

__all__ = ["app", "load_all_commands", "main"]


def main() -> None:
    """Entry point of the ``mindmuscle`` console script."""
    try:
        app()
    finally:
        _end_of_process()


def _end_of_process() -> None:
    """Close the command's databases, then spare the interpreter its last full collection.

    The process ends right after: the operating system takes its memory back. A full garbage
    collection at exit walks every object SQLAlchemy and pydantic built (about 0.15 s of CPU
    for a command that read the database), so the objects are frozen instead (``gc.freeze``:
    the collector no longer visits them). What has to be done before exit is done here first:
    the databases are closed (SQLite folds its write-ahead log back into the file), and the
    output is flushed.
    """
    store = sys.modules.get("mindmuscle.store")
    if store is not None:
        store.close_open_databases()
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()
