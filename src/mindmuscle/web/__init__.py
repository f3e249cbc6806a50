"""The phone-first web app: pages, the JSON API under ``/api``, and every static asset."""

from mindmuscle.web.app import create_app

__all__ = ["create_app"]
