"""The one error handler of the web app: JSON under ``/api``, an error page for HTML.

Every error MindMuscle raises on purpose (:class:`~mindmuscle.errors.MindMuscleError`), every
request validation error and every HTTP error goes through :func:`handle_error`; the status code
follows the kind of error, and the message is the one the error already carries (what was given,
what is allowed, how to fix it).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from mindmuscle.coach.limits import range_errors
from mindmuscle.errors import (
    Action,
    AuthError,
    ChangedMeanwhileError,
    ChannelMapError,
    ConfigError,
    FileRowsError,
    InvalidInputError,
    MapInput,
    MindMuscleError,
    NotAllowedError,
    NotFoundError,
    OutOfRangeError,
    SessionStateError,
    SetConflictError,
    StoreError,
    TooManyLoginsError,
    UnknownIdError,
    shown,
)

__all__ = [
    "WEB_ACTIONS",
    "WEB_MAP_FIXES",
    "CsrfError",
    "LoginRequiredError",
    "handle_error",
    "install_error_handlers",
    "validation_message",
    "web_fix",
    "web_worded",
]

WEB_ACTIONS: dict[Action, str] = {
    "ask_admin": "Ask your admin.",
    "assign_targets": "Assign its targets first on the Exercises page ({exercise}: Assign "
    "targets).",
    "attach_set_emg": "Attach one on the EMG page: choose the set under 'Belongs to'.",
    "calibrate_muscle": "Calibrate {muscle} first, on the computer with the sensor: the "
    "Connection test page shows how.",
    "cut_motion_file": "Cut the file to the set and upload it again.",
    "give_experiment_load": "Type it under Load.",
    "recalibrate_muscle": "Calibrate {muscle} again, on the computer with the sensor: the "
    "Connection test page shows how.",
    "remove_own_account": "Another admin can remove it.",
    "replace_set_emg": "To store this recording instead, tick 'Replace the EMG this set has' "
    "on the EMG page.",
    "restore_set": "Restore it first: Undo on the History page.",
    "set_local_password": "Its coach, an admin whose client it is, changes its password (PUT "
    "/api/users/{name}/password).",
}
"""The web app's page, button or route for each action an error says would fix it (the
terminal names its command instead: :data:`mindmuscle.cli._errors.ACTIONS`)."""


WEB_MAP_FIXES: dict[MapInput | None, str] = {
    "experiment_set": "Correct it under 'The file's channels' (channel=muscle, e.g. 1=biceps), "
    "or leave that field empty when the file's channels are named as the design's muscles.",
    "set_emg": "On the EMG page, choose each channel's muscle in its row (through the API: "
    "correct map, or send the rows as mapping).",
    None: "Correct the channel map and send it again.",
}
"""What the web app says to correct a channel map that does not fit, by where it was typed
(the terminal names ``--map`` instead: :func:`mindmuscle.cli._errors.worded`)."""


def web_fix(action: Action, args: Mapping[str, str]) -> str:
    """The web app's words for ``action`` with its values."""
    return WEB_ACTIONS[action].format_map(args)


def web_worded(exc: MindMuscleError) -> str:
    """The message of ``exc`` as a web page shows it: what is wrong, then the web's way to fix
    it when the error names one."""
    if isinstance(exc, ChannelMapError):
        return f"{exc.problem[:1].upper()}{exc.problem[1:]} {WEB_MAP_FIXES[exc.given_in]}"
    if exc.action is None:
        return str(exc)
    text = str(exc).rstrip()
    text = text if text.endswith((".", "?", "!")) else text + "."
    return f"{text} {web_fix(exc.action, exc.action_args)}"


_TITLES = {
    400: "Bad request",
    401: "Login required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Not now",
    413: "Too large",
    429: "Too many attempts",
    422: "Check the input",
    500: "Something broke",
    503: "Database unavailable",
}


class LoginRequiredError(AuthError):
    """Raised by the login guard; HTML requests are redirected to the login page."""


class CsrfError(AuthError):
    """An unsafe request without the CSRF token of its cookie (status 403)."""


def _status_of(exc: Exception, method: str) -> int:
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code
    if isinstance(exc, RequestValidationError):
        return 422
    if isinstance(exc, CsrfError | NotAllowedError):
        return 403
    if isinstance(exc, TooManyLoginsError):
        return 429
    if isinstance(exc, AuthError):
        return 401
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, UnknownIdError):
        return 404 if method == "GET" else 422
    if isinstance(exc, SetConflictError | ChangedMeanwhileError):
        return 409
    if isinstance(exc, InvalidInputError):
        return 422
    if isinstance(exc, SessionStateError):
        return 409
    if isinstance(exc, StoreError):
        return 503
    if isinstance(exc, ConfigError):
        return 500
    return 500


def _detail(exc: OutOfRangeError, kind: str | None = None) -> dict[str, Any]:
    detail: dict[str, Any] = {"field": exc.field}
    if not (exc.secret or exc.missing):
        detail["given"] = shown(exc.value)
    detail.update({"allowed": exc.allowed, "message": str(exc), "type": kind or "out_of_range"})
    return detail


_LISTED_BY = {
    "workout": "The History page lists your workouts (GET /api/sessions).",
    "set": "The History page lists your sets (GET /api/sets gives their ids).",
}
"""Where the web app lists each kind of record a not-found error names."""

RETRY_AFTER_S = 2
"""What a busy or full database asks a client to wait before trying again, in seconds."""


def _retry(status: int, exc: Exception | None = None) -> dict[str, str]:
    if isinstance(exc, TooManyLoginsError):
        return {"Retry-After": str(exc.retry_after_s)}
    return {"Retry-After": str(RETRY_AFTER_S)} if status == 503 else {}


def _json_error(exc: RequestValidationError) -> str | None:
    """The line for a body that is not JSON at all, with where it breaks; None otherwise."""
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            doc = exc.body if isinstance(exc.body, str) else ""
            loc = err.get("loc", ())
            pos = loc[-1] if loc and isinstance(loc[-1], int) else None
            if pos is None:
                return "The request body is not valid JSON: send a JSON object."
            line = doc.count("\n", 0, pos) + 1
            column = pos - (doc.rfind("\n", 0, pos) + 1) + 1
            return (
                f"The request body is not valid JSON (line {line}, column {column}): "
                "send a JSON object."
            )
    return None


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


BODY_DEPTH = 100
"""JSON nested this deep is always read (deeper may be refused as too deep to read)."""

_EXAMPLE_TIME = "2026-12-07T18:30:00Z"

# Pydantic's error types as the product words them: what is allowed, as a clause.
_TYPE_WORDS = {
    "int_parsing": "it must be a whole number",
    "int_parsing_size": "it must be a whole number",
    "int_type": "it must be a whole number",
    "int_from_float": "it must be a whole number",
    "float_parsing": "it must be a number",
    "float_type": "it must be a number",
    "bool_type": "it must be true or false",
    "bool_parsing": "it must be true or false",
    "string_type": "it must be text",
    "dict_type": "it must be a JSON object",
    "model_type": "it must be a JSON object",
    "model_attributes_type": "it must be a JSON object",
    "list_type": "it must be a JSON list",
}
_TIME_TYPES = ("datetime_parsing", "datetime_type", "datetime_from_date_parsing", "date_parsing")


def _short(value: Any) -> str:
    """``value`` as a message repeats it (JSON's null; long text cut to 60 characters)."""
    if value is None:
        return "null"
    return shown(value.decode("utf-8", "replace") if isinstance(value, bytes) else value)


def _unwrap(annotation: Any) -> Any:
    """The model class inside ``X | None``, ``Annotated[X, ...]``, ``list[X]``; else None."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, tuple):
        for arg in typing.get_args(annotation):
            found = _unwrap(arg)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _model_at(route: Any, loc: list[str]) -> type[BaseModel] | None:
    """The body model of ``route`` at ``loc`` (field names, list indexes skipped)."""
    field = getattr(route, "body_field", None)
    model: type[BaseModel] | None = _unwrap(
        getattr(getattr(field, "field_info", None), "annotation", None)
    )
    for part in loc:
        if model is None:
            return None
        if part.isdigit():
            continue
        info = model.model_fields.get(part)
        model = None if info is None else _unwrap(info.annotation)
    return model


def _product_words(err: Mapping[str, Any], route: Any, content_type: str) -> str | None:
    """One error worded by the product, or None when the table of limits words it."""
    kind = str(err.get("type", ""))
    where = [str(p) for p in err.get("loc", ())]
    loc = where[1:] if where[:1] in (["body"], ["path"], ["query"]) else where
    field = ".".join(loc)
    given = err.get("input")
    if where == ["body"] and kind in ("model_attributes_type", "dict_type", "model_type"):
        if isinstance(given, bytes):
            ctype = content_type.split(";")[0].strip() or "no Content-Type"
            return (
                "The body must be a JSON object (Content-Type: application/json); "
                f"got {_short(ctype)[1:-1]}."
            )
        return f"The body must be a JSON object; got {_short(given)}."
    if kind == "extra_forbidden" and loc:
        model = _model_at(route, loc[:-1])
        owner = ".".join(loc[:-1]) or "The body"
        allowed = f"; allowed: {', '.join(model.model_fields)}" if model is not None else ""
        return f"{owner} has no field {_short(loc[-1])}{allowed}."
    if kind in _TIME_TYPES:
        return f"{field} must be a date and time like {_EXAMPLE_TIME}; got {_short(given)}."
    if kind in _TYPE_WORDS and where[:1] in (["path"], ["query"]):
        return f"{field} {_short(given)} is not allowed: {_TYPE_WORDS[kind]}."
    return None


async def _body_unreadable(request: Request, exc: StarletteHTTPException) -> str | None:
    """The line for a JSON body FastAPI could not read at all (not UTF-8, too deep)."""
    cause = exc.__cause__
    if not isinstance(cause, UnicodeDecodeError | RecursionError):
        return None  # a form's body is a stream already read: nothing more to say
    body = await request.body()
    if isinstance(cause, UnicodeDecodeError):
        return (
            f"The body is not valid UTF-8 JSON (byte {cause.start + 1} is "
            f"0x{body[cause.start]:02x}): send a JSON object encoded as UTF-8."
        )
    depth = level = 0
    for byte in body:
        level += 1 if byte in b"[{" else -1 if byte in b"]}" else 0
        depth = max(depth, level)
    return (
        f"The body is nested too deeply ({depth} levels): send a JSON object nested at most "
        f"{BODY_DEPTH} levels."
    )


def validation_message(
    exc: RequestValidationError, route: Any = None, content_type: str = ""
) -> tuple[str, list[dict[str, Any]]]:
    """One line for the whole request (the fields, what was given, what is allowed), and the
    details, one per field.

    The bounds' words come from the table of limits (:mod:`mindmuscle.coach.limits`), so the
    API says the same as the CLI; pydantic's own dump is never shown, and a secret (a password,
    a token) is named but never repeated. ``route`` (the request's, for the fields its body
    allows) and ``content_type`` (the request's) let a wrong body say what it was.
    """
    broken = _json_error(exc)
    if broken is not None:
        return broken, [{"field": "body", "message": broken, "type": "json_invalid"}]
    raw = list(exc.errors())
    errors = range_errors(raw)
    details = [_detail(e, str(r.get("type"))) for e, r in zip(errors, raw, strict=True)]
    missing = [e for e in errors if e.missing]
    parts: list[str] = []
    for e, r, d in zip(errors, raw, details, strict=True):
        if e.missing:
            continue
        own = None if e.secret else _product_words(r, route, content_type)
        if own is not None:
            d["message"] = own
            if "given" in d:
                d["given"] = _short(r.get("input"))
        parts.append(own or str(e))
    if len(missing) > 1:
        names = _and([e.field for e in missing])
        parts.insert(0, f"These fields are missing: {names}; send each of them.")
    elif missing:
        parts.insert(0, str(missing[0]))
    return " ".join(parts), details


async def _message(
    request: Request, exc: Exception, status: int
) -> tuple[str, list[dict[str, Any]]]:
    if isinstance(exc, RequestValidationError):
        route = request.scope.get("route")
        return validation_message(exc, route, request.headers.get("content-type", ""))
    if isinstance(exc, StarletteHTTPException):
        unreadable = await _body_unreadable(request, exc) if status == 400 else None
        return unreadable or str(exc.detail), []
    if isinstance(exc, OutOfRangeError):
        return str(exc), [_detail(exc)]
    if isinstance(exc, FileRowsError):
        # Every broken row (at most MAX_LISTED_ERRORS; "more" counts the rest).
        rows = [
            {
                "file": e.path,
                "line": e.line,
                "column": e.column,
                "reason": e.reason,
                "message": str(e),
                "type": "file_row",
            }
            for e in exc.errors
        ]
        return str(exc), rows
    if isinstance(exc, UnknownIdError) and exc.field is not None:
        article = "an" if exc.kind[:1] in "aeiou" else "a"
        detail = {
            "field": exc.field,
            "given": exc.given,
            "allowed": f"{article} {exc.kind} id of your catalogue",
            "suggestions": exc.suggestions,
            "message": str(exc),
            "type": "unknown_id",
        }
        return str(exc), [detail]
    listed = _LISTED_BY.get(exc.kind or "") if isinstance(exc, NotFoundError) else None
    if listed is not None:
        return f"{exc} {listed}", []
    if isinstance(exc, MindMuscleError):
        return web_worded(exc), []
    return "An unexpected error happened on the server; it has been logged.", []


async def handle_error(request: Request, exc: Exception) -> Response:
    """Turn ``exc`` into a JSON body (``/api``) or the error page (everything else)."""
    status = _status_of(exc, request.method)
    message, details = await _message(request, exc, status)
    if status >= 500 and not isinstance(exc, MindMuscleError | StarletteHTTPException):
        request.app.state.logger.exception("unhandled error on %s", request.url.path, exc_info=exc)
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        body: dict[str, Any] = {"error": _TITLES.get(status, "Error"), "message": message}
        if details:
            body["details"] = details
        if isinstance(exc, FileRowsError):
            body["more"] = exc.more
        if isinstance(exc, InvalidInputError) and exc.needs is not None:
            # The setting that would fix it, so that a page can show its own control.
            body["needs"] = exc.needs
        if isinstance(exc, MindMuscleError) and exc.action is not None:
            body["action"] = exc.action  # what fixes it, so that a page can show its control
        if isinstance(exc, SetConflictError):
            body["conflict"] = exc.kind  # the phone offers what fits: a new workout, discard
        if isinstance(exc, ChangedMeanwhileError):
            body["conflict"] = "changed_meanwhile"
        return JSONResponse(body, status_code=status, headers=_retry(status, exc))
    if isinstance(exc, LoginRequiredError):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "error.html",
        {
            "status": status,
            "title": _TITLES.get(status, "Error"),
            "message": message,
            "page": "error",
            "nav": "",
        },
        status_code=status,
        headers=_retry(status, exc),
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register :func:`handle_error` for every kind of error the app can meet."""
    for kind in (StarletteHTTPException, RequestValidationError, MindMuscleError, Exception):
        app.add_exception_handler(kind, handle_error)
