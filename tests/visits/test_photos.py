"""Visit photos: accepted by content, cleaned of metadata, upright, thumbnailed, served as the visit."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib

import pillow_heif
from PIL import Image

from backend.platform import clock
from backend.visits import imaging, photos
from backend.visits.tables import VisitPhoto
from tests.visits.helpers import assigned, count

NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)


def jpeg_with_gps_and_rotation() -> bytes:
    """A 400x200 JPEG whose EXIF says 'rotate 90° clockwise' (orientation 6) and carries GPS."""
    image = Image.new("RGB", (400, 200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "Apple"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (26.0, 5.0, 6.0), 3: "E", 4: (119.0, 17.0, 45.6)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png(size=(64, 48), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 200, 128) if mode == "RGBA" else (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def heic() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1024, 768), (30, 160, 60)).save(out, format="HEIF")
    return out.getvalue()


def png_bomb(side: int = 100_000) -> bytes:
    """A tiny PNG whose header claims side x side pixels."""
    raw = png((1, 1))
    width_height = struct.pack(">II", side, side)
    ihdr = b"IHDR" + width_height + raw[24:29]
    return raw[:8] + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + raw[33:]


async def visit_of(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    reply = await setup.leader.post(
        "/api/v1/visits",
        json={"enterprise_id": setup.enterprise.id, "visited_at": "2026-06-10T15:00:00+08:00", "summary": "走访"},
    )
    assert reply.status_code == 201, reply.text
    return setup, reply.json()["id"]


def stored_files() -> set:
    return set(photos.folder().glob("*")) if photos.folder().exists() else set()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return {"files": {"file": (name, data, content_type)}}


async def test_jpeg_is_stored_upright_without_exif_or_gps(factory):
    setup, visit_id = await visit_of(factory)
    reply = await setup.leader.post(f"/api/v1/visits/{visit_id}/photos", **upload(jpeg_with_gps_and_rotation()))
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert (body["width"], body["height"]) == (200, 400)  # turned upright
    stored = await setup.leader.get(body["url"].split("greencard.test", 1)[1])
    assert stored.status_code == 200 and stored.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(stored.content))
    assert image.size == (200, 400)
    assert not image.getexif() and "exif" not in image.info
    assert b"Apple" not in stored.content and b"Exif" not in stored.content
    thumb = await setup.leader.get(body["thumbnail_url"].split("greencard.test", 1)[1])
    assert thumb.status_code == 200 and max(Image.open(io.BytesIO(thumb.content)).size) <= 512
    listed = (await setup.leader.get(f"/api/v1/visits/{visit_id}")).json()["photos"]
    assert [p["id"] for p in listed] == [body["id"]]


async def test_heic_from_an_iphone_is_accepted_by_content(factory):
    setup, visit_id = await visit_of(factory)
    reply = await setup.member.post(
        f"/api/v1/visits/{visit_id}/photos",
        **upload(heic(), name="IMG_0001.HEIC", content_type="application/octet-stream"),
    )
    assert reply.status_code == 201, reply.text
    assert (reply.json()["width"], reply.json()["height"]) == (1024, 768)
    thumb = await setup.member.get(reply.json()["thumbnail_url"].split("greencard.test", 1)[1])
    assert Image.open(io.BytesIO(thumb.content)).size == (512, 384)


async def test_png_with_transparency_stays_png_and_webp_is_accepted(factory):
    setup, visit_id = await visit_of(factory)
    reply = await setup.leader.post(
        f"/api/v1/visits/{visit_id}/photos", **upload(png(mode="RGBA"), "a.png", "image/png")
    )
    assert reply.status_code == 201, reply.text
    stored = await setup.leader.get(reply.json()["url"].split("greencard.test", 1)[1])
    assert stored.headers["content-type"] == "image/png"
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(out, format="WEBP")
    assert (
        await setup.leader.post(f"/api/v1/visits/{visit_id}/photos", **upload(out.getvalue(), "x.webp"))
    ).status_code == 201


async def test_bad_uploads_are_refused_and_store_nothing(factory):
    setup, visit_id = await visit_of(factory)
    url = f"/api/v1/visits/{visit_id}/photos"
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    good = jpeg_with_gps_and_rotation()
    before = stored_files()
    cases = [
        (upload(b"this is not an image at all", "photo.jpg"), 415, "not_an_image"),
        (upload(gif.getvalue(), "photo.jpg"), 415, "unsupported_image_type"),
        (upload(good[: len(good) // 2]), 422, "corrupt_image"),
        (upload(png_bomb(), "bomb.png", "image/png"), 413, "image_too_many_pixels"),
        (upload(png_bomb(8_000), "64mp.png", "image/png"), 413, "image_too_many_pixels"),
        ({"files": {"photo": ("a.jpg", good, "image/jpeg")}}, 422, "file_missing"),
        ({"data": {"file": "not a file"}}, 415, "multipart_required"),
        ({"files": {"file": (None, "just text")}}, 415, "not_an_image"),
        ({"files": {"file": ("empty.jpg", b"", "image/jpeg")}}, 415, "not_an_image"),
        ({"content": good, "headers": {"Content-Type": "image/jpeg"}}, 415, "multipart_required"),
        ({"json": {"file": "aGVsbG8="}}, 415, "multipart_required"),
    ]
    for kwargs, status, code in cases:
        reply = await setup.leader.post(url, **kwargs)
        assert reply.status_code == status, (status, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json"), reply.text
        assert reply.json()["code"] == code
    assert await count(VisitPhoto) == 0
    assert stored_files() == before


async def test_photo_over_the_size_limit_is_413(factory, monkeypatch):
    setup, visit_id = await visit_of(factory)
    monkeypatch.setattr(imaging, "MAX_PHOTO_BYTES", 1000)
    reply = await setup.leader.post(
        f"/api/v1/visits/{visit_id}/photos", **upload(jpeg_with_gps_and_rotation() + b"\0" * 2000)
    )
    assert reply.status_code == 413 and reply.json()["code"] == "photo_too_large"
    assert await count(VisitPhoto) == 0


async def test_body_over_the_route_limit_is_413(factory):
    setup, visit_id = await visit_of(factory)
    huge = b"\xff\xd8" + b"\0" * photos.MAX_BODY_BYTES
    reply = await setup.leader.post(f"/api/v1/visits/{visit_id}/photos", **upload(huge))
    assert reply.status_code == 413 and reply.json()["code"] == "payload_too_large"
    assert await count(VisitPhoto) == 0


async def test_retried_upload_returns_the_first_photo(factory, monkeypatch):
    setup, visit_id = await visit_of(factory)
    processed = []

    async def counted(source) -> imaging.Cleaned:
        processed.append(source)
        return await process(source)

    process = imaging.process
    monkeypatch.setattr(imaging, "process", counted)
    url = f"/api/v1/visits/{visit_id}/photos"
    headers = {"Idempotency-Key": "photo-1"}
    before = stored_files()
    first = await setup.leader.post(url, headers=headers, **upload(png()))
    second = await setup.leader.post(url, headers=headers, **upload(png()))
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert await count(VisitPhoto) == 1
    assert len(stored_files() - before) == 2  # the photo and its thumbnail, once
    assert len(processed) == 1  # the retry found the stored reply before touching the image


async def test_photos_are_served_only_to_those_who_see_the_visit(factory):
    setup, visit_id = await visit_of(factory)
    reply = await setup.leader.post(f"/api/v1/visits/{visit_id}/photos", **upload(png()))
    path = reply.json()["url"].split("greencard.test", 1)[1]
    owner = await factory.user("entrepreneur", enterprise_id=setup.enterprise.id)
    stranger = await factory.user("leader")
    other_owner = await factory.user("entrepreneur")
    staff = await factory.user("service_staff")
    assert (await owner.get(path)).status_code == 200
    assert (await setup.admin.get(path + "/thumbnail")).status_code == 200
    assert (await stranger.get(path)).status_code == 404
    assert (await other_owner.get(path)).status_code == 404
    assert (await staff.get(path)).status_code == 403
    # Those who may see but are not on the team cannot add photos; owners cannot either.
    secretary = await factory.user("secretary")
    assert (await secretary.post(f"/api/v1/visits/{visit_id}/photos", **upload(png()))).json()[
        "code"
    ] == "not_visit_team"
    assert (await owner.post(f"/api/v1/visits/{visit_id}/photos", **upload(png()))).status_code == 403
    assert (await stranger.post(f"/api/v1/visits/{visit_id}/photos", **upload(png()))).status_code == 404
    assert await count(VisitPhoto) == 1


def test_heic_helper_really_is_heif():
    assert pillow_heif.is_supported(heic())
