"""The ``mindmuscle`` command line.

Every module in this package (other than those starting with ``_``) registers its commands on
the one shared :data:`app` when imported. The modules are imported only when one of their
commands is needed (see :data:`mindmuscle.cli._app.COMMANDS`), so that ``mindmuscle --help``
starts at once.
"""

from __future__ import annotations

from mindmuscle.cli._app import app, load_all_commands

__all__ = ["app", "load_all_commands", "main"]


def main() -> None:
    """Entry point of the ``mindmuscle`` console script."""
    app()
