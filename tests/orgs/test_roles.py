"""Who may call each organisation endpoint: one row per endpoint, one column per role."""

from __future__ import annotations

import pytest

from tests.factories import credit_code

ROLES = ("admin", "secretary", "leader", "department", "entrepreneur", "service_staff")


def expect(*allowed: str, ok: int = 200) -> dict[str, int]:
    return {role: (ok if role in allowed else 403) for role in ROLES}


STAFF = ("admin", "secretary", "leader", "department")
MATRIX = [
    ("POST", "/api/v1/users", expect("admin", ok=201)),
    ("GET", "/api/v1/users", expect("admin")),
    ("GET", "/api/v1/users/{user}", expect("admin")),
    ("POST", "/api/v1/enterprises", expect("admin", ok=201)),
    ("GET", "/api/v1/enterprises", expect(*STAFF, "entrepreneur")),
    ("GET", "/api/v1/enterprises/{enterprise}", expect(*STAFF) | {"entrepreneur": 404}),
    ("PATCH", "/api/v1/enterprises/{enterprise}", expect("admin")),
    ("POST", "/api/v1/departments", expect("admin", ok=201)),
    ("GET", "/api/v1/departments", expect(*STAFF)),
    ("GET", "/api/v1/departments/{department}", expect(*STAFF)),
    ("POST", "/api/v1/service-points", expect("admin", ok=201)),
    ("GET", "/api/v1/service-points", expect(*ROLES)),
    ("GET", "/api/v1/service-points/{point}", expect(*ROLES) | {"service_staff": 404}),
    ("POST", "/api/v1/chambers", expect("admin", ok=201)),
    ("GET", "/api/v1/chambers", expect("admin", "secretary", "leader")),
    ("GET", "/api/v1/chambers/{chamber}", expect("admin", "secretary", "leader")),
    ("GET", "/api/v1/me", expect(*ROLES)),
]


def body_for(path: str, n: int) -> dict:
    if path.endswith("/users"):
        return {"username": f"made{n}", "password": "long-enough-1", "role": "leader"}
    if path.endswith("/enterprises"):
        return {"name": f"企业{n}", "credit_code": credit_code(70_000 + n), "district": "鼓楼区"}
    if "/enterprises/" in path:
        return {"industry": "制造"}
    if path.endswith("/departments"):
        return {"name": f"部门{n}"}
    if path.endswith("/service-points"):
        return {"name": f"点{n}", "service": "legal", "district": "鼓楼区"}
    return {"name": f"商会{n}", "district": "鼓楼区"}


@pytest.mark.parametrize("method,template,expected", MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX])
async def test_role_matrix(factory, method, template, expected):
    callers = await factory.callers()
    ids = {
        "user": callers["leader"].id,
        "enterprise": (await factory.enterprise()).id,
        "department": (await factory.department()).id,
        "point": (await factory.service_point()).id,
        "chamber": (await factory.chamber()).id,
    }
    path = template.format(**ids)
    for n, (role, status) in enumerate(expected.items()):
        caller = callers[role]
        if method == "GET":
            r = await caller.get(path)
        elif method == "POST":
            r = await caller.post(path, json=body_for(path, n))
        else:
            r = await caller.patch(path, json=body_for(path, n))
        assert r.status_code == status, (role, r.status_code, r.text)
        if status >= 400:
            assert r.headers["content-type"].startswith("application/problem+json")


async def test_unauthenticated_calls_are_401(client):
    for method, template, _ in MATRIX:
        path = template.format(user="x", enterprise="x", department="x", point="x", chamber="x")
        r = await client.request(method, path, json={})
        assert r.status_code == 401, (method, path)
