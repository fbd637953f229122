"""The one error shape: RFC 9457 problem details, made here and nowhere else.

Views and services raise ``ApiError`` subclasses (or a domain package's own errors,
mapped below); HTTP errors raised by Flask, werkzeug or flask-smorest (404, 405, 413,
a body that is not JSON, a schema's 422) come out in the same shape. Anything else is
a bug: logged with its traceback on the server, answered with a generic 500.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from flask import Flask, Response, current_app, json, request
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from market_survey.errors import SurveyError, TooLarge
from matcher.errors import AllocationInputError
from training_catalog.errors import CatalogError

log = logging.getLogger("pathways.errors")

PROBLEM_JSON = "application/problem+json"

# Plain titles for statuses; the detail says what exactly went wrong.
TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Not allowed for your role",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
}


class ApiError(Exception):
    """An error the client can act on; ``errors`` lists each problem found."""

    status = 400

    def __init__(
        self,
        detail: str,
        errors: Iterable[Mapping[str, Any]] | None = None,
        *,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = [dict(e) for e in errors or ()]
        if status is not None:
            self.status = status
        self.headers = dict(headers or {})


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="pathways"'})


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class PreconditionRequired(ApiError):
    status = 428


class Unprocessable(ApiError):
    status = 422


class TooManyRequests(ApiError):
    status = 429


def domain_errors() -> dict[type[Exception], int]:
    """The domain packages' exceptions a person can fix, and the status each gets.

    Each carries a message; those with an ``errors`` list keep it in the problem.
    Others (a matcher settings error, say) are bugs or configuration: a logged 500.
    """

    return {
        SurveyError: 422,  # a survey file with rows a person can fix
        TooLarge: 413,  # a survey file past a reading cap: stopped before it was read
        AllocationInputError: 422,  # score arrays the solver cannot take
        CatalogError: 422,  # a track or level a person can correct
    }


def problem(
    status: int,
    detail: str,
    errors: Iterable[Mapping[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Build a problem+json response."""
    body: dict[str, Any] = {
        "type": f"https://pathways.example/problems/{status}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "errors": [dict(e) for e in errors or ()],
    }
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def flatten_messages(messages: Any, prefix: str = "") -> list[dict[str, Any]]:
    """marshmallow/webargs messages ({"json": {"field": ["msg"]}}) -> error rows."""
    rows: list[dict[str, Any]] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if key in ("json", "form", "query", "files", "headers", "view_args") and not prefix:
                rows.extend(flatten_messages(value, ""))
                continue
            if key == "_schema":
                name = prefix or "body"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            rows.extend(flatten_messages(value, name))
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            rows.extend({"field": prefix or "body", "message": m} for m in messages)
        else:
            for m in messages:
                rows.extend(flatten_messages(m, prefix))
    else:
        rows.append({"field": prefix or "body", "message": str(messages)})
    return rows


def for_a_person(status: int, error: BaseException) -> Response | None:
    """The error as a page, for a request outside the API, once the pages are registered.

    The API under /api/ always answers problem+json; a person's browser gets a page in
    the site's frame (``api.pages`` registers the renderer as ``pathways.error_page``).
    """
    render = current_app.extensions.get("pathways.error_page")
    if render is None or request.path.startswith("/api/"):
        return None
    page: Response = render(status, error)
    for key, value in (getattr(error, "headers", None) or {}).items():
        if key != "WWW-Authenticate":
            page.headers[key] = value
    return page


def _http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    page = for_a_person(status, error)
    if page is not None:
        allowed = getattr(error, "valid_methods", None)
        if status == 405 and allowed:
            page.headers["Allow"] = ", ".join(allowed)
        return page
    data = getattr(error, "data", None) or {}
    errors = flatten_messages(data.get("messages", {})) if data else []
    headers = data.get("headers") if data else None
    if status == 422:
        detail = (
            "The request has invalid fields: " + ", ".join(sorted({e["field"] for e in errors}))
            if errors
            else "The request has invalid fields."
        )
    elif status == 400 and errors:
        detail = "; ".join(e["message"] for e in errors)
    elif status == 413:
        detail = "The request body is larger than this server accepts."
    elif status == 404:
        detail = "There is nothing at this address."
    elif status == 405:
        detail = "This address does not accept that method."
    else:
        detail = error.description or TITLES.get(status, "Error")
    if status >= 500:
        log.error("HTTP %s: %s", status, error)
        detail = "Something went wrong on the server; it has been logged."
        errors = []
    response = problem(status, detail, errors, headers)
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _api_error(error: ApiError) -> Response:
    return for_a_person(error.status, error) or problem(
        error.status, error.detail, error.errors, error.headers
    )


def _domain_error(status: int) -> Callable[[Exception], Response]:
    def handler(error: Exception) -> Response:
        errors = getattr(error, "errors", None)
        return for_a_person(status, error) or problem(status, str(error), errors)

    return handler


def _out_of_range(error: Exception) -> Response:
    # A value the database cannot hold (a number beyond its integers, a text longer than
    # its column): the client's input, not a server fault. Logged, so that a real
    # overflow in our own code is still seen.
    log.warning("Out-of-range value refused: %s", type(error).__name__)
    return for_a_person(422, error) or problem(
        422,
        "A value in the request is too large, too small or too long to be stored.",
        [{"field": "body", "message": "a value is out of range"}],
    )


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


# The drivers' own exceptions: their messages quote the row ("Key (org_id, case_code)=
# (1, SRS-2026-001) already exists", a COPY line), so only their names are logged.
DRIVER_MODULES = frozenset({"sqlite3", "psycopg", "psycopg2", "psycopg_binary"})


def _is_database_error(error: BaseException) -> bool:
    return any(
        isinstance(e, SQLAlchemyError) or type(e).__module__.split(".")[0] in DRIVER_MODULES
        for e in _chain(error)
    )


def log_database_error(error: BaseException, level: int = logging.ERROR) -> None:
    """Log a database error by its kinds and where it was raised, never its message."""
    kinds = " <- ".join(f"{type(e).__module__}.{type(e).__qualname__}" for e in _chain(error))
    where = "".join(traceback.format_tb(error.__traceback__))
    log.log(
        level, "Database error %s (message withheld: it may quote stored values)\n%s", kinds, where
    )


def _conflict(error: Exception) -> Response:
    # A unique or foreign-key constraint the use case did not foresee (two writers at
    # once): the client may retry; the log keeps where it happened, not the values.
    log_database_error(error, logging.WARNING)
    return for_a_person(409, error) or problem(
        409, "The change conflicts with data stored meanwhile; read it again."
    )


def _unexpected(error: Exception) -> Response:
    if _is_database_error(error):
        log_database_error(error)
    else:
        log.exception("Unexpected error", exc_info=error)
    return for_a_person(500, error) or problem(
        500, "Something went wrong on the server; it has been logged."
    )


def register_error_handlers(app: Flask) -> None:
    """Every error leaves in the one shape (call after flask-smorest's Api is set up)."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_exception)
    for exc_type, status in domain_errors().items():
        app.register_error_handler(exc_type, _domain_error(status))
    app.register_error_handler(OverflowError, _out_of_range)  # SQLite's driver
    app.register_error_handler(DataError, _out_of_range)  # PostgreSQL: out of range
    app.register_error_handler(IntegrityError, _conflict)
    app.register_error_handler(Exception, _unexpected)
