"""Visit photos: the per-visit limit, files under DATA_DIR/photos/, rows, and who reads them.

The image work (limits before decoding, re-encoding without metadata) is `imaging.py`; reading
the upload from the request is `upload.py`. The limit of photos per visit is checked before an
image is decoded and again, atomically, when the row is written: the visit's row is locked
(PostgreSQL `FOR UPDATE`; SQLite's write transactions are serial already), so concurrent uploads
to one visit cannot pass the limit together.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import anyio.to_thread

from backend.platform import clock, db
from backend.platform.errors import ValidationFailed
from backend.platform.ids import parse_id
from backend.platform.settings import settings
from backend.visits import schemas as s
from backend.visits.imaging import MAX_PHOTO_BYTES, Cleaned
from backend.visits.tables import Visit, VisitPhoto

MAX_PHOTOS_PER_VISIT = 50
# Multipart framing around the file: the route's body limit is the photo limit plus this.
MULTIPART_SLACK = 64 * 1024
MAX_BODY_BYTES = MAX_PHOTO_BYTES + MULTIPART_SLACK


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
    return s.PhotoRead(
        id=str(row["id"]), url=url, thumbnail_url=thumbnail_url, width=row["width"], height=row["height"]
    )


async def photos_of(*, visit_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[s.PhotoRead]]:
    if not visit_ids:
        return {}
    rows = await VisitPhoto.select().where(VisitPhoto.visit_id.is_in(visit_ids)).order_by(VisitPhoto.id)
    found: dict[uuid.UUID, list[s.PhotoRead]] = {}
    for row in rows:
        found.setdefault(row["visit_id"], []).append(to_read(row))
    return found


def _full() -> ValidationFailed:
    return ValidationFailed(
        f"A visit holds at most {MAX_PHOTOS_PER_VISIT} photos.", field="file", code="too_many_photos"
    )


async def check_room(*, visit_id: uuid.UUID) -> None:
    """Refuse a photo for a visit that is full already (before its image is decoded)."""
    if await VisitPhoto.count().where(VisitPhoto.visit_id == visit_id) >= MAX_PHOTOS_PER_VISIT:
        raise _full()


async def insert(*, photo_id: uuid.UUID, visit_id: uuid.UUID, cleaned: Cleaned, uploaded_by: str) -> s.PhotoRead:
    """Record a stored photo (inside the route's transaction), within the visit's limit."""
    if not db.is_sqlite():
        # Concurrent uploads to this visit queue here until this transaction ends, then count again.
        await Visit.select(Visit.id).where(Visit.id == visit_id).lock_rows("UPDATE")
    await check_room(visit_id=visit_id)
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
