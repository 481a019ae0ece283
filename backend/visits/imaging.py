"""Visit photo images: every limit checked before decoding, decoded small, stored small, no metadata.

An upload is accepted when Pillow (with pillow-heif's opener for iPhone HEIC) recognises it as
JPEG, PNG, WebP or HEIC, whatever its name or declared type. Before any pixel is decoded the
header must show at most PHOTO_MAX_PIXELS pixels (half that for WebP) and no side over MAX_SIDE;
a WebP's canvas is read from its first bytes, since Pillow's WebP decoder allocates the canvas
when it opens the file. A JPEG is decoded straight at 1/2, 1/4 or 1/8 scale (libjpeg's DCT
scaling, `draft`) when that still covers the stored size; other formats are decoded whole and
reduced at once, each larger stage freed as soon as the next exists. Only the first frame of an
animation is decoded. The image is turned upright by its EXIF orientation, fitted within
PHOTO_STORED_MAX_SIDE and re-encoded from pixels alone, so no EXIF, GPS, XMP, ICC or comment
survives: JPEG, or PNG only where some pixel is transparent. An encoding over
PHOTO_STORED_MAX_BYTES is redone at a lower quality, then at a smaller size.

At most PHOTO_CONCURRENCY images are processed at once per process (the rest wait their turn),
so memory stays bounded however many uploads arrive together.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import io
import os
import struct
import weakref
from dataclasses import dataclass
from typing import Any, BinaryIO

import anyio
import anyio.to_thread
import pillow_heif
from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError

from backend.platform.errors import PayloadTooLarge, UnsupportedMedia, ValidationFailed

pillow_heif.register_heif_opener()


def _setting(name: str, default: int) -> int:
    # Read here rather than in backend/platform/settings.py to keep the shared file untouched; see README.
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


MAX_PHOTO_BYTES = _setting("PHOTO_MAX_BYTES", 15 * 1024 * 1024)
# 50 megapixels covers the 48 MP and 50 MP phone cameras; beyond it a file is refused from its header.
MAX_PHOTO_PIXELS = _setting("PHOTO_MAX_PIXELS", 50_000_000)
# No phone photo or panorama within the pixel limit is longer; a 1 x 60000 strip is no photo.
MAX_SIDE = 16_384
# 4000 rather than 4096: 48 and 50 MP sensors are 8000-8160 px wide, so their JPEGs decode at
# half scale straight into this size instead of at full size.
STORED_MAX_SIDE = _setting("PHOTO_STORED_MAX_SIDE", 4000)
STORED_MAX_BYTES = _setting("PHOTO_STORED_MAX_BYTES", 4 * 1024 * 1024)
CONCURRENCY = max(1, _setting("PHOTO_CONCURRENCY", 1))
THUMBNAIL_PX = 512
ACCEPTED = {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}  # MPO: a JPEG with a multi-picture index, as phones write
# JPEG quality, then the factor the image is reduced by, tried in turn until the file fits.
JPEG_LADDER = ((85, 1), (75, 1), (75, 2), (70, 4))

# Text chunks of a PNG (XMP, comments) are decompressed when the file opens; Pillow allows 64 MiB.
PngImagePlugin.MAX_TEXT_MEMORY = 4 * 1024 * 1024


@dataclass(frozen=True)
class Cleaned:
    data: bytes
    media_type: str
    width: int
    height: int
    thumbnail: bytes
    thumb_width: int
    thumb_height: int


def max_pixels(kind: str) -> int:
    """The pixel limit of a format: WebP gets half, since libwebp decodes into canvases of its
    own beside Pillow's copy (about twice the memory a pixel of the other formats)."""
    return MAX_PHOTO_PIXELS // 2 if kind == "WEBP" else MAX_PHOTO_PIXELS


def _too_many_pixels(kind: str) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"A photo may have at most {max_pixels(kind)} pixels and sides of at most {MAX_SIDE} px.",
        code="image_too_many_pixels",
    )


def _check_size(width: int, height: int, kind: str) -> None:
    if width * height > max_pixels(kind) or max(width, height) > MAX_SIDE:
        raise _too_many_pixels(kind)


def webp_canvas(head: bytes) -> tuple[int, int] | None:
    """The canvas size in a WebP file's first 30 bytes (None when it is no WebP or too short)."""
    if len(head) < 30 or head[:4] != b"RIFF" or head[8:12] != b"WEBP":
        return None
    chunk = head[12:16]
    if chunk == b"VP8X":
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled to fit within side x side (never enlarged, never below 1 px)."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _swap(old: Image.Image, new: Image.Image) -> Image.Image:
    if new is not old:
        old.close()  # the larger pixels go as soon as the smaller ones exist
    return new


def _decode(source: BinaryIO) -> Image.Image:
    """The first frame, decoded at a bounded size and fitted within STORED_MAX_SIDE."""
    image = Image.open(source)
    try:
        target = _fit(image.size, STORED_MAX_SIDE)
        if image.format in ("JPEG", "MPO") and target != image.size:
            image.draft(image.mode, target)  # DCT scaling: decodes at 1/2, 1/4 or 1/8 when that covers target
        image.load()
        if image.size == target:
            return image
        if image.mode in ("1", "P") or image.mode.startswith("I"):
            image = _swap(image, _pixels(image))  # palette and 16-bit pixels resample badly as they are
        factor = min(image.width // target[0], image.height // target[1])
        if factor >= 2:
            image = _swap(image, image.reduce(factor))
        if image.size != target:
            image = _swap(image, image.resize(target, Image.Resampling.LANCZOS))
        return image
    except BaseException:
        image.close()
        raise


def _pixels(image: Image.Image) -> Image.Image:
    """The image as L, RGB, or RGBA when some pixel is actually transparent."""
    if image.mode.startswith("I"):  # 16-bit greyscale PNG: scale to 8 bits rather than clip
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        if rgba.getchannel("A").getextrema()[0] < 255:
            return rgba
        image = rgba
    return image if image.mode in ("L", "RGB") else image.convert("RGB")


def _on_white(image: Image.Image) -> Image.Image:
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def _save(image: Image.Image, **params: Any) -> bytes:
    image.info = {}  # nothing from the upload (EXIF, ICC, XMP, comments) reaches the encoder
    out = io.BytesIO()
    image.save(out, **params)
    return out.getvalue()


def encode(image: Image.Image, *, max_bytes: int | None = None) -> tuple[bytes, str, Image.Image]:
    """(bytes, media type, the image as stored) within max_bytes: lower quality first, then size."""
    limit = max_bytes or STORED_MAX_BYTES
    if image.mode == "RGBA":
        data = _save(image, format="PNG")
        if len(data) <= limit:
            return data, "image/png", image
        image = _on_white(image)  # transparency costing more than the limit is not worth keeping
    for quality, factor in JPEG_LADDER:
        candidate = image.reduce(factor) if factor > 1 and min(image.size) >= factor else image
        data = _save(candidate, format="JPEG", quality=quality, optimize=True)
        if len(data) <= limit:
            break
    return data, "image/jpeg", candidate


def clean(source: BinaryIO) -> Cleaned:
    """Validate and re-encode an uploaded image read from `source` (blocking: call `process`)."""
    source.seek(0, os.SEEK_END)
    if source.tell() > MAX_PHOTO_BYTES:
        raise PayloadTooLarge(f"A photo may be at most {MAX_PHOTO_BYTES} bytes.", code="photo_too_large")
    source.seek(0)
    canvas = webp_canvas(source.read(30))
    if canvas is not None:
        _check_size(*canvas, "WEBP")
    source.seek(0)
    try:
        # Our pixel limit sits below Pillow's MAX_IMAGE_PIXELS, so it refuses a bomb first; Pillow's
        # own DecompressionBombError is caught below. No warnings filter here: changing filters is
        # not thread-safe, and this runs in worker threads.
        with Image.open(source) as probe:
            if probe.format not in ACCEPTED:
                raise UnsupportedMedia("Photos must be JPEG, PNG, WebP or HEIC images.", code="unsupported_image_type")
            _check_size(*probe.size, probe.format)
            probe.verify()
        source.seek(0)
        image = _decode(source)
        ImageOps.exif_transpose(image, in_place=True)
        image = _pixels(image)
    except Image.DecompressionBombError:
        raise _too_many_pixels("") from None
    except UnidentifiedImageError:
        raise UnsupportedMedia("The file is not a JPEG, PNG, WebP or HEIC image.", code="not_an_image") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError, struct.error):
        raise ValidationFailed(
            "The image is damaged or truncated, or its metadata is too large.", field="file", code="corrupt_image"
        ) from None
    data, media_type, stored = encode(image)
    box = _fit(stored.size, THUMBNAIL_PX)
    thumbnail, _, thumb = encode(stored if box == stored.size else stored.resize(box, Image.Resampling.LANCZOS))
    return Cleaned(data, media_type, stored.width, stored.height, thumbnail, thumb.width, thumb.height)


# -- bounded concurrency ---------------------------------------------------------------------------

_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()


def _limiter() -> anyio.CapacityLimiter:
    """This event loop's limiter (a limiter belongs to the loop that made it)."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(CONCURRENCY)
    return limiter


def _clean_and_release(source: BinaryIO) -> Cleaned:
    try:
        return clean(source)
    finally:
        _release_memory()


async def process(source: BinaryIO) -> Cleaned:
    """`clean` in a worker thread, at most PHOTO_CONCURRENCY at a time, off the event loop."""
    return await anyio.to_thread.run_sync(_clean_and_release, source, limiter=_limiter())


# -- giving memory back ----------------------------------------------------------------------------


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


_LIBC = _libc()
if _LIBC is not None:
    # glibc raises its mmap threshold after the first large free (up to 32 MiB), after which image
    # buffers come from the heap and stay there; a fixed threshold keeps them in mmap, which goes
    # straight back to the system. M_MMAP_THRESHOLD is -3.
    _LIBC.mallopt(-3, 1024 * 1024)


def _release_memory() -> None:
    """Return freed heap pages to the system after an image (glibc only; elsewhere nothing)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
