"""Health, OpenAPI, error shapes, body limits, request ids and logs."""

from __future__ import annotations

import json

from backend.orgs.tables import Enterprise


async def test_health_is_liveness_in_the_old_shape(client):
    r = await client.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok", "database": "unchecked"}


async def test_openapi_describes_every_route(client, app):
    spec = (await client.get("/schema/openapi.json")).json()
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    for route in app.routes:
        if route.path.startswith(("/schema", "/app")) or route.path == "/":
            continue  # the document itself, and the H5 app's files (not API; tests/web checks they stay out)
        for method in getattr(route, "methods", set()) - {"OPTIONS", "HEAD"}:
            path = route.path.replace(":str}", "}")
            assert (path, method) in documented, (path, method)
    assert "bearer" in spec["components"]["securitySchemes"]
    assert spec["paths"]["/api/v1/enterprises"]["post"]["responses"]["4XX"]["content"]["application/problem+json"]


async def test_malformed_json_wrong_types_and_unknown_routes_are_problems(factory):
    admin = await factory.user("admin")
    r = await admin.client.post(
        "/api/v1/enterprises", content=b'{"name": ', headers=admin.headers | {"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["code"] == "malformed_json"
    r = await admin.post("/api/v1/enterprises", json={"name": ["list"], "credit_code": 5, "district": True})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields & {"name", "credit_code", "district"}
    r = await admin.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    r = await admin.client.delete("/api/v1/enterprises", headers=admin.headers)
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"
    assert await Enterprise.count() == 0


async def test_oversized_body_is_413(factory):
    admin = await factory.user("admin")
    body = json.dumps({"name": "x" * (2 * 1024 * 1024), "credit_code": "91350100M000100Y43", "district": "鼓楼区"})
    r = await admin.client.post(
        "/api/v1/enterprises", content=body, headers=admin.headers | {"content-type": "application/json"}
    )
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    assert await Enterprise.count() == 0


async def test_request_id_is_echoed_or_made(client):
    r = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = await client.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert r.headers["x-request-id"] != "bad id with spaces" and len(r.headers["x-request-id"]) == 32


async def test_logs_are_json_with_request_id_and_no_secrets(client, factory, capfd):
    from backend.platform import logs

    logs.configure("INFO")
    try:
        await factory.user("admin", username="logcheck")
        capfd.readouterr()
        await client.post(
            "/api/v1/auth/login",
            json={"username": "logcheck", "password": "correct-horse-1"},
            headers={"X-Request-ID": "req-42"},
        )
        r = await client.post("/api/v1/auth/login", json={"username": "logcheck", "password": "wrong-password-9"})
        assert r.status_code == 401
        err = capfd.readouterr().err
        lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        assert any(line.get("request_id") == "req-42" and line["path"] == "/api/v1/auth/login" for line in lines)
        assert "correct-horse-1" not in err and "wrong-password-9" not in err and "eyJ" not in err
    finally:
        logs.configure("WARNING")


async def test_a_missing_field_is_named(factory):
    admin = await factory.user("admin")
    r = await admin.post("/api/v1/enterprises", json={"name": "x", "district": "鼓楼区"})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "credit_code", "message": "Object missing required field `credit_code`"}]


async def test_a_renamed_query_parameter_is_reported_by_its_public_name(factory):
    admin = await factory.user("admin")
    r = await admin.get("/api/v1/service-points", params={"service": "spa"})
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["service"]
