"""Helpers for the bad-input tests: row counts of every table, and problem replies."""

from __future__ import annotations

from typing import Any

from backend.piccolo_conf import APP_REGISTRY

ALL_TABLES = [t for app in APP_REGISTRY.app_configs.values() for t in app.table_classes]


async def row_counts() -> dict[str, int]:
    """How many rows each table holds: equal before and after means nothing was written."""
    return {t._meta.tablename: await t.count() for t in ALL_TABLES}


def problem(reply: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """Assert `reply` is an RFC 9457 problem with `status` and `code` (naming `field`, if given)."""
    assert reply.status_code == status, (reply.status_code, reply.text)
    assert reply.headers["content-type"].startswith("application/problem+json"), reply.headers
    body = reply.json()
    assert body["code"] == code and body["status"] == status, body
    if field is not None:
        assert field in [e["field"] for e in body.get("errors", [])], body
    return body
