"""The served OpenAPI document declares what the server sends; every request body is held to the bounds."""

from __future__ import annotations

import msgspec

from backend.platform.schemas import Input


def _structs(annotation: object) -> set[type]:
    """Every msgspec Struct type reachable from a request body's annotation."""
    found: set[type] = set()

    def walk(info: msgspec.inspect.Type) -> None:
        if isinstance(info, msgspec.inspect.StructType):
            if info.cls in found:
                return
            found.add(info.cls)
            for field in info.fields:
                walk(field.type)
        for attr in ("types", "item_type", "key_type", "value_type"):
            inner = getattr(info, attr, None)
            for item in inner if isinstance(inner, tuple) else ([inner] if inner is not None else []):
                walk(item)

    walk(msgspec.inspect.type_info(annotation))
    return found


def test_every_json_body_derives_from_input_so_its_dates_are_bounded(app):
    bodies = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None and handler.resolve_data_dto() is None:
                try:
                    bodies |= _structs(data.annotation)
                except TypeError:  # a multipart form dataclass holding an UploadFile
                    continue
    assert len(bodies) > 15
    outside = sorted(cls.__qualname__ for cls in bodies if not issubclass(cls, Input))
    assert outside == []


async def test_errors_are_documented_as_problem_json_and_503_everywhere(client):
    doc = (await client.get("/schema/openapi.json")).json()
    operations = [
        (path, method, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) > 60
    for path, method, op in operations:
        replies = op["responses"]
        assert "4XX" in replies and "503" in replies, (method, path)
        for status, reply in replies.items():
            if status.startswith("4") or (status == "503" and path != "/ready"):
                assert list(reply["content"]) == ["application/problem+json"], (method, path, status)
        for status, reply in replies.items():
            assert "" not in reply.get("content", {}), (method, path, status)
    summary = doc["paths"]["/api/v1/reports/summary"]["get"]["responses"]["200"]["content"]
    assert set(summary) == {
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
