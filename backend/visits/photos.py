"""Visit photos: recognised by content, cleaned of metadata, stored with a thumbnail.

An upload is accepted when Pillow (with pillow-heif's opener for iPhone HEIC) recognises it as
JPEG, PNG, WebP or HEIC, whatever its name or declared type. Its pixel count is checked from the
header before decoding (decompression bombs), it is decoded fully (truncated files fail), turned
upright by its EXIF orientation, and re-encoded from pixels alone, so no EXIF, GPS, XMP, ICC or
comment survives: JPEG for opaque images, PNG where there is transparency. Decoding runs in a
worker thread, outside any database transaction. Files live under DATA_DIR/photos/.
"""

from __future__ import annotations

import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread
import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from backend import clock
from backend.errors import PayloadTooLarge, UnsupportedMedia, ValidationFailed
from backend.ids import parse_id
from backend.settings import settings
from backend.visits import schemas as s
from backend.visits.tables import VisitPhoto

pillow_heif.register_heif_opener()

# Read here rather than in backend/settings.py to keep the shared file untouched; see README.
MAX_PHOTO_BYTES = int(os.environ.get("PHOTO_MAX_BYTES") or 15 * 1024 * 1024)
# 50 megapixels covers a 48 MP iPhone main camera; beyond it a file is refused before decoding.
MAX_PHOTO_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS") or 50_000_000)
MAX_PHOTOS_PER_VISIT = 50
THUMBNAIL_PX = 512
ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}
# Multipart framing around the file: the route's body limit is the photo limit plus this.
MULTIPART_SLACK = 64 * 1024


@dataclass(frozen=True)
class Cleaned:
    data: bytes
    media_type: str
    width: int
    height: int
    thumbnail: bytes
    thumb_width: int
    thumb_height: int


def _encode(image: Image.Image) -> tuple[bytes, str]:
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        image.info = {}
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png"
    image = image.convert("RGB")
    image.info = {}
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), "image/jpeg"


def clean(raw: bytes) -> Cleaned:
    """Validate and re-encode an uploaded image (blocking: call through `process`)."""
    if len(raw) > MAX_PHOTO_BYTES:
        raise PayloadTooLarge(f"A photo may be at most {MAX_PHOTO_BYTES} bytes.", code="photo_too_large")
    try:
        # Our pixel limit sits below Pillow's MAX_IMAGE_PIXELS, so it refuses a bomb first; Pillow's
        # own DecompressionBombError (at twice its limit) is caught below. No warnings filter here:
        # changing filters is not thread-safe, and this runs in worker threads.
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            width, height = probe.size
            if kind not in ACCEPTED:
                raise UnsupportedMedia("Photos must be JPEG, PNG, WebP or HEIC images.", code="unsupported_image_type")
            if width * height > MAX_PHOTO_PIXELS:
                raise _bomb()
            probe.verify()
            with Image.open(io.BytesIO(raw)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError:
        raise _bomb() from None
    except UnidentifiedImageError:
        raise UnsupportedMedia("The file is not a JPEG, PNG, WebP or HEIC image.", code="not_an_image") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise ValidationFailed(
            "The image is damaged or truncated.", field="file", code="corrupt_image"
        ) from None
    data, media_type = _encode(upright)
    thumb = upright.copy()
    thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    thumbnail, _ = _encode(thumb)
    return Cleaned(data, media_type, upright.width, upright.height, thumbnail, thumb.width, thumb.height)


def _bomb() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The image has more than {MAX_PHOTO_PIXELS} pixels.", code="image_too_many_pixels"
    )


async def process(raw: bytes) -> Cleaned:
    """`clean` in a worker thread, off the event loop."""
    return await anyio.to_thread.run_sync(clean, raw)


# -- storage -------------------------------------------------------------------------------------

def folder() -> Path:
    return settings.data_dir / "photos"


def path_of(photo_id: uuid.UUID, *, thumbnail: bool = False) -> Path:
    return folder() / f"{photo_id}{'_thumb' if thumbnail else ''}"


def _write(photo_id: uuid.UUID, cleaned: Cleaned) -> None:
    folder().mkdir(parents=True, exist_ok=True)
    for target, data in ((path_of(photo_id), cleaned.data), (path_of(photo_id, thumbnail=True), cleaned.thumbnail)):
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)


async def store(photo_id: uuid.UUID, cleaned: Cleaned) -> None:
    await anyio.to_thread.run_sync(_write, photo_id, cleaned)


def discard(photo_id: uuid.UUID) -> None:
    for target in (path_of(photo_id), path_of(photo_id, thumbnail=True)):
        target.unlink(missing_ok=True)


# -- rows ----------------------------------------------------------------------------------------

def _urls(visit_id: uuid.UUID, photo_id: uuid.UUID) -> tuple[str, str]:
    base = f"{settings.public_base_url}/api/v1/visits/{visit_id}/photos/{photo_id}"
    return base, f"{base}/thumbnail"


def to_read(row: dict[str, Any]) -> s.PhotoRead:
    url, thumbnail_url = _urls(row["visit_id"], row["id"])
    return s.PhotoRead(id=str(row["id"]), url=url, thumbnail_url=thumbnail_url, width=row["width"], height=row["height"])


async def photos_of(*, visit_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[s.PhotoRead]]:
    if not visit_ids:
        return {}
    rows = await VisitPhoto.select().where(VisitPhoto.visit_id.is_in(visit_ids)).order_by(VisitPhoto.id)
    found: dict[uuid.UUID, list[s.PhotoRead]] = {}
    for row in rows:
        found.setdefault(row["visit_id"], []).append(to_read(row))
    return found


async def insert(*, photo_id: uuid.UUID, visit_id: uuid.UUID, cleaned: Cleaned, uploaded_by: str) -> s.PhotoRead:
    """Record a stored photo (inside the route's transaction)."""
    if await VisitPhoto.count().where(VisitPhoto.visit_id == visit_id) >= MAX_PHOTOS_PER_VISIT:
        raise ValidationFailed(
            f"A visit holds at most {MAX_PHOTOS_PER_VISIT} photos.", field="file", code="too_many_photos"
        )
    row = VisitPhoto(
        id=photo_id,
        visit_id=visit_id,
        uploaded_by=uuid.UUID(uploaded_by),
        media_type=cleaned.media_type,
        width=cleaned.width,
        height=cleaned.height,
        size_bytes=len(cleaned.data),
        thumb_width=cleaned.thumb_width,
        thumb_height=cleaned.thumb_height,
        created_at=clock.now(),
    )
    await VisitPhoto.insert(row)
    return to_read(row.to_dict())


async def find(*, visit_id: uuid.UUID, photo_id: str) -> dict[str, Any] | None:
    value = parse_id(photo_id)
    if value is None:
        return None
    return await VisitPhoto.select().where((VisitPhoto.id == value) & (VisitPhoto.visit_id == visit_id)).first()
