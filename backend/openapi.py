"""Documents the problem+json error replies on every operation of the OpenAPI document."""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType

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


def document_problems(app: Litestar) -> None:
    """Add a `4XX` problem+json reply to every operation (built once, then cached by Litestar)."""
    spec = app.openapi_schema
    spec.components.schemas = {**(spec.components.schemas or {}), "Problem": PROBLEM}
    reply = OpenAPIResponse(
        description="Problem details (RFC 9457) with a stable `code`",
        content={"application/problem+json": OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))},
    )
    for item in (spec.paths or {}).values():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            if operation is not None:
                operation.responses = {**(operation.responses or {}), "4XX": reply}
