"""The ``mindmuscle`` command line.

Every module in this package (other than those starting with ``_``) registers its commands on
the one shared :data:`app` when imported; :func:`main` imports them all and runs the app.
"""

from __future__ import annotations

import importlib
import pkgutil

from mindmuscle.cli._app import app

__all__ = ["app", "main"]


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_register_commands()


def main() -> None:
    """Entry point of the ``mindmuscle`` console script."""
    app()
