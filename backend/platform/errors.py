"""Domain errors, and the one place that turns every error into RFC 9457 problem+json.

Services raise meaning (`NotFound`, `Conflict`, ...); routes never build error responses.
Every problem body carries `type`, `title`, `status`, `detail` and a stable `code`.
"""

from __future__ import annotations

import datetime as dt
import re
from http import HTTPStatus
from typing import Any

import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from backend.platform.db import database_unavailable

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_S = 5  # what a 503 `database_unavailable` asks clients to wait
TYPE_BASE = "https://greencard.invalid/problems/"
# The dates every request is held to (`inputs` checks them); the handler below knows the message.
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)
DATE_RANGE = f"Dates lie between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}."
log = structlog.get_logger("backend.platform.errors")


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.code
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra or {}


class BadRequest(DomainError):
    status, code = 400, "bad_request"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class Stale(DomainError):
    status, code = 412, "stale"


class PayloadTooLarge(DomainError):
    status, code = 413, "payload_too_large"


class UnsupportedMedia(DomainError):
    status, code = 415, "unsupported_media_type"


class ValidationFailed(DomainError):
    status, code = 422, "validation_failed"

    def __init__(self, detail: str, *, field: str | None = None, **kwargs: Any) -> None:
        if field is not None and "errors" not in kwargs:
            kwargs["errors"] = [{"field": field, "message": detail}]
        super().__init__(detail, **kwargs)


class RateLimited(DomainError):
    status, code = 429, "rate_limited"

    def __init__(self, detail: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))}, **kwargs)


class Unavailable(DomainError):
    """The server is too busy for this request right now (not the caller's fault): retry later."""

    status, code = 503, "service_unavailable"

    def __init__(self, detail: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))}, **kwargs)


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_error_handler(_: Request, exc: DomainError) -> Response:
    return problem(exc.status, exc.code, exc.detail, errors=exc.errors, headers=exc.headers, extra=exc.extra)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    411: "length_required",
    412: "stale",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    503: "service_unavailable",
}

_MSGSPEC_PATH = re.compile(r"at `\$(?:\.(?P<path>[^`]*))?`")
_NESTED_PATH = re.compile(r"`\s*-\s*at\s*`\$\.?")
_MISSING = re.compile(r"missing required field `([^`]+)`")


def _public_name(request: Request, key: str) -> str:
    """The name a client uses for parameter `key` (a query parameter may be renamed: `service_`)."""
    try:
        parameter = request.route_handler.parsed_fn_signature.parameters.get(key)
    except Exception:  # noqa: BLE001 - no handler resolved (e.g. 404): keep the key
        return key
    definition = getattr(parameter, "kwarg_definition", None)
    return getattr(definition, "name", None) or getattr(definition, "query", None) or key


def _validation_errors(request: Request, exc: ValidationException) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid value"))
        match = _MSGSPEC_PATH.search(message)
        if match:
            field = (match.group("path") or "").replace("`", "")
            message = message[: match.start()].strip().rstrip("-").strip() or message
        else:
            key = str(item.get("key") or "")
            # A nested struct's own check (`Input.__post_init__`) names its field, then msgspec adds
            # the enclosing path: "due_at` - at `$.data.issues[0]" is issues[0].due_at.
            parts = _NESTED_PATH.split(key)
            if len(parts) > 1:
                key = ".".join(p.removeprefix("data.") for p in reversed(parts)).replace(".[", "[")
            field = "" if key == "data" else _public_name(request, key)
        missing = _MISSING.search(message)
        if missing:
            field = f"{field}.{missing.group(1)}" if field else missing.group(1)
        field = field or "body"
        errors.append({"field": field, "message": message})
    return errors


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if isinstance(exc, ValidationException):
        errors = _validation_errors(request, exc)
        detail = str(exc.detail)
        if "malformed" in detail.lower() or any("malformed" in e["message"].lower() for e in errors):
            return problem(400, "malformed_json", "The request body is not valid JSON.")
        if "content-type" in detail.lower() or "boundary" in detail.lower():
            return problem(400, "bad_request", detail)
        if errors and all(e["message"] == DATE_RANGE for e in errors):
            return problem(422, "date_out_of_range", DATE_RANGE, errors=errors)
        return problem(422, "validation_failed", "The request failed validation.", errors=errors)
    if isinstance(exc.__cause__, msgspec.DecodeError) or "truncated" in str(exc.detail):
        return problem(400, "malformed_json", "The request body is not valid JSON.")
    code = _HTTP_CODES.get(status, "error" if status >= 500 else "bad_request")
    detail = str(exc.detail) if exc.detail else HTTPStatus(status).phrase
    if status == 413:
        detail = "The request body is too large."
    return problem(status, code, detail, headers=dict(exc.headers or {}))


def internal_error_handler(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        log.warning("database_unavailable", error_type=type(exc).__name__, error=str(exc)[:200], path=request.url.path)
        return problem(
            503,
            "database_unavailable",
            "The database cannot be reached; try again shortly.",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    log.error("unhandled_error", error_type=type(exc).__name__, path=request.url.path, exc_info=exc)
    return problem(500, "internal_error", "An unexpected error occurred; it has been logged.")


EXCEPTION_HANDLERS = {
    DomainError: domain_error_handler,
    HTTPException: http_exception_handler,
    Exception: internal_error_handler,
}
