"""Bad text and JSON: each is a 4xx problem with a stable code, and nothing is written."""

from __future__ import annotations

import datetime as dt
import io
import json

from PIL import Image

from backend.platform import clock, inputs
from backend.visits.tables import VisitPhoto
from tests.bad_input.helpers import problem, row_counts
from tests.factories import credit_code
from tests.visits.helpers import assigned

NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)
LOGIN = "/api/v1/auth/login"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def multipart(*parts: tuple[bytes, bytes]) -> dict:
    """A hand-made multipart body (httpx would encode text parts as UTF-8 for us)."""
    body = b"".join(
        b"--B\r\nContent-Disposition: form-data; " + head + b"\r\n\r\n" + data + b"\r\n" for head, data in parts
    )
    return {"content": body + b"--B--\r\n", "headers": {"Content-Type": "multipart/form-data; boundary=B"}}


def enterprise_body(**kw) -> dict:
    return {"name": "福州测试科技", "credit_code": credit_code(990), "district": "鼓楼区"} | kw


async def test_json_nested_ten_thousand_levels_is_400_everywhere(factory):
    admin = await factory.user("admin")
    before = await row_counts()
    deep = b"[" * 10_000 + b"]" * 10_000
    for caller, url in ((factory.client, LOGIN), (admin, "/api/v1/enterprises"), (admin, "/api/v1/visits")):
        problem(
            await caller.post(url, content=deep, headers={"Content-Type": "application/json"}), 400, "json_too_deep"
        )
    wrapped = b'{"username": "a", "password": ' + b'{"x": ' * 20_000 + b"1" + b"}" * 20_000 + b"}"
    problem(
        await factory.client.post(LOGIN, content=wrapped, headers={"Content-Type": "application/json"}),
        400,
        "json_too_deep",
    )
    assert await row_counts() == before


async def test_nesting_is_counted_outside_strings_and_up_to_the_cap():
    at_cap = b"[" * inputs.MAX_JSON_DEPTH + b"]" * inputs.MAX_JSON_DEPTH
    assert not inputs.too_deep(at_cap)
    assert inputs.too_deep(b"[" + at_cap + b"]")
    assert not inputs.too_deep(json.dumps({"summary": "[[[{{{" * 100, "x": [[1]]}).encode())
    assert not inputs.too_deep(json.dumps({"s": '\\"[[[[' * 100}).encode())
    assert inputs.too_deep(b'{"a": "]]]]", "b": ' + b"[" * 40 + b"]" * 40 + b"}")


async def test_invalid_utf8_in_a_json_body_is_400(factory):
    admin = await factory.user("admin")
    before = await row_counts()
    body = json.dumps(enterprise_body(name="PLACEHOLDER")).encode().replace(b"PLACEHOLDER", b"\xff\xfe\xed\xa0\x80")
    problem(
        await admin.post("/api/v1/enterprises", content=body, headers={"Content-Type": "application/json"}),
        400,
        "invalid_utf8",
    )
    problem(
        await factory.client.post(
            LOGIN, content=b'{"username": "\xc3(", "password": "x"}', headers={"Content-Type": "application/json"}
        ),
        400,
        "invalid_utf8",
    )
    assert await row_counts() == before


async def test_nul_in_any_json_string_or_key_is_422_even_before_login(factory):
    admin = await factory.user("admin")
    await factory.user("leader", username="leader-nul")
    before = await row_counts()
    body = problem(
        await factory.client.post(LOGIN, json={"username": "leader-nul\x00", "password": "whatever-1"}),
        422,
        "nul_character",
        "username",
    )
    assert "NUL" in body["detail"]
    problem(
        await admin.post("/api/v1/enterprises", json=enterprise_body(address="鼓楼区\x00八一七路")),
        422,
        "nul_character",
        "address",
    )
    problem(await admin.post("/api/v1/enterprises", json=enterprise_body() | {"bad\x00key": 1}), 422, "nul_character")
    setup = await assigned(factory, admin=admin)
    clock.set_now(NOW)
    visit = {
        "enterprise_id": setup.enterprise.id,
        "visited_at": "2026-06-10T15:30:00+08:00",
        "summary": "走访",
        "attendees": ["张总", "李\x00经理"],
        "issues": [],
    }
    before = await row_counts()
    problem(await setup.leader.post("/api/v1/visits", json=visit), 422, "nul_character", "attendees[1]")
    assert await row_counts() == before


async def test_nul_or_bad_utf8_in_a_query_or_path_is_refused(factory):
    admin = await factory.user("admin")
    before = await row_counts()
    problem(await admin.get("/api/v1/enterprises", params={"district": "鼓楼\x00区"}), 422, "nul_character", "district")
    problem(await admin.get("/api/v1/enterprises?district=%ff%fe"), 400, "invalid_utf8")
    problem(await admin.get("/api/v1/cards/abc%00def"), 422, "nul_character", "path")
    problem(await admin.get("/api/v1/cards/abc%c3%28"), 400, "invalid_utf8")
    problem(
        await factory.client.post(LOGIN + "?next=%00", json={"username": "a", "password": "b"}), 422, "nul_character"
    )
    assert await row_counts() == before


async def test_bad_text_in_a_multipart_field_is_refused_and_no_photo_is_stored(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    reply = await setup.leader.post(
        "/api/v1/visits",
        json={"enterprise_id": setup.enterprise.id, "visited_at": "2026-06-10T15:30:00+08:00", "summary": "走访"},
    )
    assert reply.status_code == 201, reply.text
    url = f"/api/v1/visits/{reply.json()['id']}/photos"
    image = (b'name="file"; filename="p.png"\r\nContent-Type: image/png', png())
    before = await row_counts()
    cases = [
        (multipart((b'name="note"', b"\xff\xfe\xfd"), image), 400, "invalid_utf8"),
        (
            multipart((b'name="note"\r\nContent-Type: text/plain; charset=no-such-charset', b"abc"), image),
            400,
            "invalid_utf8",
        ),
        (multipart((b'name="note"', b"a\x00b"), image), 422, "nul_character"),
        (multipart((b'name="note"', b"x" * 5000), image), 413, "form_field_too_large"),
        # The `file` part is the photo, with or without a filename: judged by its content.
        (
            multipart(
                (b'name="file"', b"\xff"),
            ),
            415,
            "not_an_image",
        ),
    ]
    for kwargs, status, code in cases:
        problem(await setup.leader.post(url, **kwargs), status, code)
    # No visit: refused before a byte of the body is read.
    problem(await setup.leader.post("/api/v1/visits/0/photos", **cases[0][0]), 404, "visit_not_found")
    assert await row_counts() == before and await VisitPhoto.count() == 0
    good = await setup.leader.post(url, **multipart((b'name="note"', "说明".encode()), image))
    assert good.status_code == 201, good.text


async def test_a_card_for_a_name_with_line_breaks_still_renders(factory):
    from tests.cards.conftest import holder, issue

    admin = await factory.user("admin")
    owner = await holder(factory, name="张\n三丰\u2029", enterprise="福州\r\n绿源\x1d科技")
    card = await issue(admin, owner)
    reply = await admin.get(f"/api/v1/cards/{card['id']}/card.png")
    assert reply.status_code == 200 and reply.content.startswith(b"\x89PNG"), reply.text
