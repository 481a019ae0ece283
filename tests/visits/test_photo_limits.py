"""Photo uploads as an attacker would send them: every limit holds before an image is decoded,
the body is bounded and read only for those who may add, the stored file is small, and the
per-visit limit holds under concurrent uploads."""

from __future__ import annotations

import asyncio
import io
import os
import threading
import time

import pytest
from PIL import Image, PngImagePlugin

from backend.platform.ids import new_id
from backend.visits import imaging, photos
from backend.visits.tables import Visit, VisitPhoto
from tests.visits.helpers import count
from tests.visits.test_photos import NOW, png, stored_files, upload, visit_of


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def checkerboard(side: int) -> Image.Image:
    """A one-pixel black and white checkerboard: a tiny PNG, a huge naive JPEG."""
    tile = Image.new("1", (2, 2))
    tile.putpixel((0, 0), 1)
    tile.putpixel((1, 1), 1)
    row = Image.new("1", (side, 2))
    for x in range(0, side, 2):
        row.paste(tile, (x, 0))
    board = Image.new("1", (side, side))
    for y in range(0, side, 2):
        board.paste(row, (0, y))
    return board


async def refused(caller, url: str, status: int, code: str, **kwargs) -> None:
    reply = await caller.post(url, **kwargs)
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json()["code"] == code, reply.text


# -- the request body ------------------------------------------------------------------------------


async def test_a_png_sent_as_a_plain_field_to_a_missing_visit_is_404_and_writes_nothing(factory):
    setup, visit_id = await visit_of(factory)
    plain_field = {"files": {"file": (None, png(), "image/png")}}  # no filename: not UTF-8 text either
    before = stored_files()
    for missing in ("0", "00000000-0000-0000-0000-000000000000", "x" * 300):
        await refused(setup.leader, f"/api/v1/visits/{missing}/photos", 404, "visit_not_found", **plain_field)
    assert await count(VisitPhoto) == 0 and stored_files() == before
    # The same field is the photo when the visit exists: the type is decided by content, not by a filename.
    reply = await setup.leader.post(f"/api/v1/visits/{visit_id}/photos", **plain_field)
    assert reply.status_code == 201, reply.text


async def test_the_body_is_not_read_before_the_caller_may_add_to_the_visit(factory):
    setup, visit_id = await visit_of(factory)
    stranger = await factory.user("leader")
    pulled: list[int] = []

    async def body():
        for i in range(64):
            pulled.append(i)
            yield b"x" * 65536

    reply = await stranger.post(
        f"/api/v1/visits/{visit_id}/photos",
        content=body(),
        headers={"Content-Type": "multipart/form-data; boundary=abc"},
    )
    assert reply.status_code == 404 and reply.json()["code"] == "visit_not_found"
    assert len(pulled) <= 1


async def test_a_file_over_the_limit_stops_the_read_at_once(factory, monkeypatch):
    setup, visit_id = await visit_of(factory)
    monkeypatch.setattr(imaging, "MAX_PHOTO_BYTES", 100_000)
    pulled: list[int] = []

    async def body():
        yield b'--abc\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
        for i in range(100):  # 6.4 MB, announced by no Content-Length
            pulled.append(i)
            yield b"\xff" * 65536
        yield b"\r\n--abc--\r\n"

    reply = await setup.leader.post(
        f"/api/v1/visits/{visit_id}/photos",
        content=body(),
        headers={"Content-Type": "multipart/form-data; boundary=abc"},
    )
    assert reply.status_code == 413 and reply.json()["code"] == "photo_too_large"
    assert len(pulled) <= 3
    assert await count(VisitPhoto) == 0


async def test_malformed_multipart_bodies_are_400(factory):
    setup, visit_id = await visit_of(factory)
    url = f"/api/v1/visits/{visit_id}/photos"
    many_parts = [("note", (None, b"1"))] * 20 + [("file", ("a.png", png(), "image/png"))]
    await refused(setup.leader, url, 400, "malformed_multipart", files=many_parts)
    for content_type, content in (
        ("multipart/form-data", png()),  # no boundary
        ("multipart/form-data; boundary=abc", png()),  # no parts
        (
            "multipart/form-data; boundary=abc",
            b'--abc\r\nContent-Disposition: form-data; name="file"\r\n\r\n12',
        ),  # cut off
    ):
        await refused(
            setup.leader, url, 400, "malformed_multipart", content=content, headers={"Content-Type": content_type}
        )
    assert await count(VisitPhoto) == 0


# -- the image, before decoding --------------------------------------------------------------------


async def test_strips_and_oversized_webp_canvases_are_refused_from_the_header(factory):
    setup, visit_id = await visit_of(factory)
    url = f"/api/v1/visits/{visit_id}/photos"
    strip = encoded(Image.new("RGB", (1, 70_000), (9, 9, 9)), "PNG")  # 70,000 pixels, one useless strip
    await refused(setup.leader, url, 413, "image_too_many_pixels", **upload(strip, "strip.png", "image/png"))
    # WebP's decoder allocates its canvas when the file opens: 30 MP is refused (WebP's limit is half).
    assert imaging.max_pixels("WEBP") == imaging.MAX_PHOTO_PIXELS // 2
    webp = bytearray(encoded(Image.new("RGBA", (16, 16)), "WEBP", lossless=True, exif=b"Exif\0\0" + b"\0" * 8))
    assert webp[12:16] == b"VP8X"
    webp[24:30] = (6000 - 1).to_bytes(3, "little") + (5000 - 1).to_bytes(3, "little")
    await refused(setup.leader, url, 413, "image_too_many_pixels", **upload(bytes(webp), "big.webp", "image/webp"))
    assert await count(VisitPhoto) == 0


def test_a_webp_canvas_is_judged_before_pillow_opens_the_file(monkeypatch):
    webp = bytearray(encoded(Image.new("RGBA", (16, 16)), "WEBP", lossless=True, exif=b"Exif\0\0" + b"\0" * 8))
    webp[24:30] = (8000 - 1).to_bytes(3, "little") + (8000 - 1).to_bytes(3, "little")
    assert imaging.webp_canvas(bytes(webp[:30])) == (8000, 8000)

    def never(*_args, **_kwargs):
        raise AssertionError("the decoder was created")

    monkeypatch.setattr(imaging.Image, "open", never)
    with pytest.raises(imaging.PayloadTooLarge):
        imaging.clean(io.BytesIO(bytes(webp)))


async def test_metadata_bombs_are_refused_and_big_metadata_is_dropped(factory):
    setup, visit_id = await visit_of(factory)
    url = f"/api/v1/visits/{visit_id}/photos"
    texts = PngImagePlugin.PngInfo()
    for i in range(8):  # 8 MB of text from a few kilobytes of zTXt
        texts.add_text(f"comment{i}", "0" * 1_000_000, zip=True)
    bomb = encoded(Image.new("RGB", (32, 32)), "PNG", pnginfo=texts)
    assert len(bomb) < 100_000
    await refused(setup.leader, url, 422, "corrupt_image", **upload(bomb, "text.png", "image/png"))
    assert await count(VisitPhoto) == 0

    exif = Image.Exif()
    exif[0x010E] = "描述" * 20_000  # ImageDescription: most of a JPEG's 64 KB EXIF segment
    heavy = encoded(
        Image.new("RGB", (300, 200), (1, 2, 3)), "JPEG", exif=exif.tobytes()[:65000], icc_profile=os.urandom(1_000_000)
    )
    reply = await setup.leader.post(url, **upload(heavy))
    assert reply.status_code == 201, reply.text
    stored = await setup.leader.get(reply.json()["url"].split("greencard.test", 1)[1])
    assert len(stored.content) < 20_000
    image = Image.open(io.BytesIO(stored.content))
    assert "icc_profile" not in image.info and "exif" not in image.info


async def test_an_animation_is_stored_as_its_first_frame(factory):
    setup, visit_id = await visit_of(factory)
    frames = [Image.new("RGB", (64, 48), (i, 0, 0)) for i in range(200)]
    apng = encoded(frames[0], "PNG", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(apng)).n_frames == 200
    reply = await setup.leader.post(f"/api/v1/visits/{visit_id}/photos", **upload(apng, "anim.png", "image/png"))
    assert reply.status_code == 201, reply.text
    stored = await setup.leader.get(reply.json()["url"].split("greencard.test", 1)[1])
    assert stored.headers["content-type"] == "image/jpeg"
    assert getattr(Image.open(io.BytesIO(stored.content)), "n_frames", 1) == 1


# -- what is stored --------------------------------------------------------------------------------


async def test_big_photos_are_stored_within_the_stored_size_and_upright(factory):
    setup, visit_id = await visit_of(factory)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    wide = encoded(Image.new("RGB", (6000, 3000), (120, 80, 40)), "JPEG", exif=exif)
    reply = await setup.leader.post(f"/api/v1/visits/{visit_id}/photos", **upload(wide))
    assert reply.status_code == 201, reply.text
    assert (reply.json()["width"], reply.json()["height"]) == (2000, 4000)
    stored = await setup.leader.get(reply.json()["url"].split("greencard.test", 1)[1])
    assert Image.open(io.BytesIO(stored.content)).size == (2000, 4000)


async def test_a_checkerboard_png_is_stored_as_a_small_jpeg(factory):
    setup, visit_id = await visit_of(factory)
    board = encoded(checkerboard(4000).convert("RGBA"), "PNG")  # opaque: its alpha channel says nothing
    assert len(board) < 200_000
    reply = await setup.leader.post(f"/api/v1/visits/{visit_id}/photos", **upload(board, "board.png", "image/png"))
    assert reply.status_code == 201, reply.text
    row = await VisitPhoto.select().first()
    assert row["media_type"] == "image/jpeg"
    assert row["size_bytes"] <= imaging.STORED_MAX_BYTES
    assert photos.path_of(row["id"]).stat().st_size == row["size_bytes"]


def test_transparency_costing_more_than_the_stored_limit_is_flattened():
    noisy = Image.frombytes("RGBA", (600, 600), os.urandom(600 * 600 * 4))
    data, media_type, stored = imaging.encode(noisy, max_bytes=200_000)
    assert media_type == "image/jpeg" and len(data) <= 200_000 and stored.mode == "RGB"
    small, small_type, _ = imaging.encode(Image.new("RGBA", (40, 40), (0, 0, 0, 0)))
    assert small_type == "image/png" and len(small) < 1000


async def test_jpegs_with_a_multi_picture_index_are_accepted(factory):
    """Phones often write MPF (a second, smaller picture inside the JPEG); Pillow calls it MPO."""
    setup, visit_id = await visit_of(factory)
    main, extra = Image.new("RGB", (320, 240), (200, 0, 0)), Image.new("RGB", (160, 120))
    mpo = encoded(main, "MPO", save_all=True, append_images=[extra])
    assert Image.open(io.BytesIO(mpo)).format == "MPO"
    reply = await setup.leader.post(f"/api/v1/visits/{visit_id}/photos", **upload(mpo))
    assert reply.status_code == 201, reply.text
    assert (reply.json()["width"], reply.json()["height"]) == (320, 240)


# -- concurrency -----------------------------------------------------------------------------------


async def test_concurrent_uploads_to_a_nearly_full_visit_leave_exactly_the_limit(factory):
    setup, visit_id = await visit_of(factory)
    visit = await Visit.select(Visit.id).first()
    await VisitPhoto.insert(
        *(
            VisitPhoto(
                id=new_id(),
                visit_id=visit["id"],
                uploaded_by=setup.leader.actor.id,
                media_type="image/jpeg",
                width=1,
                height=1,
                size_bytes=1,
                thumb_width=1,
                thumb_height=1,
                created_at=NOW,
            )
            for _ in range(photos.MAX_PHOTOS_PER_VISIT - 1)
        )
    )
    before = stored_files()
    replies = await asyncio.gather(
        *(
            setup.leader.post(f"/api/v1/visits/{visit_id}/photos", **upload(png((40 + i, 30)), "p.png", "image/png"))
            for i in range(60)
        )
    )
    statuses = sorted(r.status_code for r in replies)
    assert statuses.count(201) == 1 and statuses.count(422) == 59, statuses
    assert {r.json()["code"] for r in replies if r.status_code == 422} == {"too_many_photos"}
    assert await count(VisitPhoto) == photos.MAX_PHOTOS_PER_VISIT
    assert len(stored_files() - before) == 2  # the one photo and its thumbnail; the refused left nothing


async def test_image_work_runs_at_most_photo_concurrency_at_a_time(monkeypatch):
    running, peak, lock = [0], [0], threading.Lock()

    def slow_clean(_source):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return None

    monkeypatch.setattr(imaging, "clean", slow_clean)
    await asyncio.gather(*(imaging.process(io.BytesIO()) for _ in range(6)))
    assert peak[0] == imaging.CONCURRENCY == 1


async def test_the_openapi_document_describes_the_upload_body(client):
    schema = (await client.get("/schema/openapi.json")).json()
    body = schema["paths"]["/api/v1/visits/{visit_id}/photos"]["post"]["requestBody"]
    form = body["content"]["multipart/form-data"]["schema"]
    assert body["required"] and form["required"] == ["file"]
    assert form["properties"]["file"] == {"type": "string", "format": "binary"}
