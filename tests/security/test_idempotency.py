"""The shared Idempotency-Key mechanism, through a real write."""

from __future__ import annotations

import asyncio

import msgspec
import pytest

from backend.orgs import schemas, service
from backend.orgs.tables import Department
from backend.platform import idempotency
from backend.platform.actor import SYSTEM
from backend.platform.errors import ValidationFailed


async def create(name: str, key: str | None):
    data = schemas.DepartmentCreate(name=name, district=None)
    return await idempotency.run(
        actor=SYSTEM,
        key=key,
        request_fingerprint=idempotency.fingerprint("POST", "/departments", msgspec.structs.asdict(data)),
        work=lambda: service.create_department(data=data, actor=SYSTEM),
    )


async def test_a_retry_returns_the_first_reply_and_creates_nothing_new(client):
    first = await create("市商务局", "key-1")
    again = await create("市商务局", "key-1")
    assert first.status_code == again.status_code == 201
    assert msgspec.json.decode(again.content)["id"] == msgspec.json.decode(first.content)["id"]
    assert await Department.count() == 1


async def test_concurrent_retries_create_once(client):
    replies = await asyncio.gather(*(create("市税务局", "key-2") for _ in range(5)))
    ids = {msgspec.json.decode(r.content)["id"] for r in replies}
    assert len(ids) == 1 and await Department.count() == 1


async def test_a_key_reused_for_another_request_is_refused(client):
    await create("市人社局", "key-3")
    with pytest.raises(ValidationFailed):
        await create("市教育局", "key-3")
    assert await Department.count() == 1


async def test_a_failed_attempt_stores_nothing(client):
    await create("市卫健委", None)
    with pytest.raises(Exception):
        await create("市卫健委", "key-4")  # duplicate name: the work fails
    assert await Department.count() == 1
    assert (await create("市文旅局", "key-4")).status_code == 201
