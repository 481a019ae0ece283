"""Makes the OpenAPI document say what the server sends: problem+json errors, 503, downloads.

Litestar documents a `400` as its own validation body in `application/json`; every error this
app sends is RFC 9457 `application/problem+json` (`backend/platform/errors.py`), so each operation's error
replies are rewritten to that, a `4XX` reply covers the rest, and a `503` (`database_unavailable`,
with `Retry-After`) is added wherever the operation does not document its own. A handler whose
reply may also be a download lists those media types in `opt={"downloads": [...]}`; public
operations (`platform.guards.PUBLIC`) are documented as needing no token. Built once at
start-up; Litestar then caches the document. `scripts/fuzz.py` holds the server to it.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi.spec import OpenAPIHeader, OpenAPIMediaType, OpenAPIResponse, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.routes import HTTPRoute

from backend.platform.errors import PROBLEM_JSON
from backend.platform.guards import PUBLIC

PROBLEM = Schema(
    type=OpenAPIType.OBJECT,
    required=["type", "title", "status", "detail", "code"],
    properties={
        "type": Schema(type=OpenAPIType.STRING),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER),
        "detail": Schema(type=OpenAPIType.STRING),
        "code": Schema(type=OpenAPIType.STRING, description="Stable machine code, e.g. card_not_found"),
        "errors": Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(
                type=OpenAPIType.OBJECT,
                properties={"field": Schema(type=OpenAPIType.STRING), "message": Schema(type=OpenAPIType.STRING)},
            ),
        ),
    },
    description="RFC 9457 problem details",
)
METHODS = ("get", "put", "post", "delete", "patch")
PUBLIC_OPT = next(iter(PUBLIC))  # the opt key that exempts a handler from authentication


def _problem(description: str, headers: dict[str, OpenAPIHeader] | None = None) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=description,
        headers=headers,
        content={PROBLEM_JSON: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))},
    )


def document_problems(app: Litestar) -> None:
    """Rewrite every operation's error replies as problem+json; add `4XX`, `503` and downloads."""
    spec = app.openapi_schema
    spec.components.schemas = {**(spec.components.schemas or {}), "Problem": PROBLEM}
    client_error = _problem("Problem details (RFC 9457) with a stable `code`")
    unavailable = _problem(
        "The database cannot be reached (`database_unavailable`); try again after `Retry-After` seconds",
        headers={"Retry-After": OpenAPIHeader(schema=Schema(type=OpenAPIType.INTEGER), description="Seconds")},
    )
    for item in (spec.paths or {}).values():
        for method in METHODS:
            operation = getattr(item, method, None)
            if operation is None:
                continue
            responses = dict(operation.responses or {})
            for status, reply in responses.items():
                if (
                    status[0] == "4"
                    and isinstance(reply, OpenAPIResponse)
                    and PROBLEM_JSON not in (reply.content or {})
                ):
                    responses[status] = _problem(reply.description or "Client error")
            responses.setdefault("4XX", client_error)
            responses.setdefault("503", unavailable)
            operation.responses = responses
    _document_handlers(app)


def _document_handlers(app: Litestar) -> None:
    """What only the handler knows: public operations need no token; downloads; file headers."""
    spec = app.openapi_schema
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in (spec.paths or {}):
            continue
        item = spec.paths[route.path_format]
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(item, method.lower(), None)
                if operation is None:
                    continue
                if handler.opt.get(PUBLIC_OPT):
                    operation.security = []
                success = (operation.responses or {}).get(str(handler.status_code))
                if not isinstance(success, OpenAPIResponse):
                    continue
                downloads = handler.opt.get("downloads") or []
                success.content = {
                    **(success.content or {}),
                    **{kind: OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)) for kind in downloads},
                }
                last_modified = (success.headers or {}).get("last-modified")
                if isinstance(last_modified, OpenAPIHeader) and isinstance(last_modified.schema, Schema):
                    # Litestar documents it as an ISO date-time; HTTP sends an IMF-fixdate.
                    last_modified.schema = Schema(
                        type=OpenAPIType.STRING, description="HTTP-date, e.g. Tue, 01 Dec 2026 01:27:42 GMT"
                    )
