"""The application factory of the web app.

``create_app(settings)`` opens the database, loads the catalogue once and wires the pages, the JSON
API, the static files (every asset served by the app itself, plotly.js and Swagger UI included) and
the one error handler. Bound to a loopback address it needs no login; bound to any other address
every page and API call needs a login (``mindmuscle user add``), and each user sees only their own
data. Every request passes :class:`~mindmuscle.web.guard.Guard` first.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
import plotly
import swagger_ui_bundle
from fastapi import FastAPI, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from mindmuscle import __version__
from mindmuscle.catalog import load_catalog
from mindmuscle.coach.limits import felt_text
from mindmuscle.config import Settings, get_settings
from mindmuscle.errors import ConfigError, counted
from mindmuscle.services.live_feed import LiveFeed
from mindmuscle.services.progress import ProgressCache
from mindmuscle.services.sets import SetWriter
from mindmuscle.store import Database, open_database
from mindmuscle.web.deps import WebContext, path_part, session_user
from mindmuscle.web.errors import install_error_handlers
from mindmuscle.web.guard import Guard, inline_page_policy
from mindmuscle.web.security import (
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    csrf_matches,
    is_loopback,
    load_or_create_secret,
)

__all__ = ["create_app"]

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATE_DIR = WEB_DIR / "templates"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)


def _asset_version() -> str:
    """A short hash of every static file's name, size and modification time (cache busting)."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            st = path.stat()
            digest.update(f"{path.relative_to(STATIC_DIR)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:10]


def create_app(
    settings: Settings | None = None,
    *,
    host: str | None = None,
    database: Database | None = None,
) -> FastAPI:
    """Build the web app.

    Parameters
    ----------
    settings
        The settings in force (default: read from the environment).
    host
        The address the server binds to (default: ``settings.host``). Any address other than
        loopback requires login.
    database
        An already opened database (default: open ``settings.resolved_database_url()``).

    Raises
    ------
    mindmuscle.errors.ConfigError
        In production mode without a secret key.
    """
    settings = settings or get_settings()
    bound = host or settings.host
    if settings.production and not settings.secret_key:
        raise ConfigError(
            "Production mode needs MINDMUSCLE_SECRET_KEY: set a long random secret, for example "
            "the output of `python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    secret = settings.secret_key or load_or_create_secret(settings.data_dir)
    db = database or open_database(settings.resolved_database_url(), settings=settings)
    catalog = load_catalog()
    live = (
        LiveFeed(settings.live_source, settings.live_map or "", db=db, catalog=catalog)
        if settings.live_source
        else None
    )
    ctx = WebContext(
        settings=settings,
        db=db,
        catalog=catalog,
        secret=secret,
        login_required=not is_loopback(bound),
        asset_version=_asset_version(),
        progress=ProgressCache(),
        set_writer=SetWriter(db, settings=settings),
        live=live,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if live is not None:
            live.close()  # frees the sensor (a BrainFlow board) for the next process

    app = FastAPI(
        title="MindMuscle",
        version=__version__,
        summary="Mind-muscle connection training: plans, guided sets, reflections, progress.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.state.logger = logging.getLogger("mindmuscle.web")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    templates = Jinja2Templates(env=env)
    env.globals["asset_version"] = ctx.asset_version
    env.globals["login_required"] = ctx.login_required
    env.globals["counted"] = counted
    env.globals["felt_text"] = felt_text  # the one way a page shows a felt rating
    env.globals["path_part"] = path_part  # a name in a link's path ("/clients/{name}")
    app.state.templates = templates
    install_error_handlers(app)
    app.add_middleware(
        Guard,
        settings=settings,
        bound=bound,
        login_required=ctx.login_required,
        session_user=lambda token: session_user(ctx, token),
        csrf_matches=csrf_matches,
        session_cookie=SESSION_COOKIE,
        csrf_cookie=CSRF_COOKIE,
        csrf_header=CSRF_HEADER,
    )

    from mindmuscle.web import (  # need the helpers above
        accounts_api,
        api,
        clients_api,
        clients_pages,
        data_api,
        data_pages,
        live_api,
        pages,
        routines_api,
        sets_api,
        skill_tests_api,
    )

    app.include_router(api.router)
    app.include_router(sets_api.router)  # after api: /api/sessions/active is matched first
    app.include_router(routines_api.router)
    app.include_router(accounts_api.router)
    app.include_router(clients_api.router)
    app.include_router(live_api.router)
    app.include_router(skill_tests_api.router)
    app.include_router(pages.router)
    app.include_router(data_api.router)
    app.include_router(data_pages.router)
    app.include_router(clients_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(
            PLOTLY_JS,
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/vendor/swagger/{name}", include_in_schema=False)
    def swagger_asset(name: str) -> FileResponse:
        allowed = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"}
        if name not in allowed:
            raise HTTPException(404, f"There is no Swagger UI file {name!r}.")
        return FileResponse(SWAGGER_DIR / name, headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="MindMuscle API",
            swagger_js_url="/vendor/swagger/swagger-ui-bundle.js",
            swagger_css_url="/vendor/swagger/swagger-ui.css",
            swagger_favicon_url="/static/img/icon.svg",
        )
        html = bytes(page.body).decode()
        return HTMLResponse(html, headers={"Content-Security-Policy": inline_page_policy(html)})

    @app.get("/sw.js", include_in_schema=False)
    def service_worker(request: Request) -> Response:
        # Served from the root so that its scope is the whole app.
        return templates.TemplateResponse(
            request,
            "sw.js",
            {"version": ctx.asset_version},
            media_type="text/javascript",
            headers={"Cache-Control": "no-cache"},
        )

    @app.get("/manifest.webmanifest", include_in_schema=False)
    def manifest() -> FileResponse:
        return FileResponse(
            STATIC_DIR / "manifest.webmanifest", media_type="application/manifest+json"
        )

    return app
