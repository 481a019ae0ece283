"""qr.png and card.png: rendered in a worker thread (Pillow and QR mask selection are CPU work),
and cached, since a card's face changes only when the card does.

The card is ID-1 size (85.6 x 54 mm) at 300 dpi: 1011 x 638 pixels. Text in Chinese needs a CJK
font: CARD_FONT (a path, or path:index for a .ttc), else fontconfig's match for Noto Sans CJK SC,
else a few well-known paths.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass

import anyio.to_thread
import segno
from PIL import Image, ImageDraw, ImageFont

from backend.cards import config
from backend.platform import glossary

WIDTH, HEIGHT = 1011, 638  # 85.6 x 54 mm at 300 dpi
DPI = (300, 300)
GREEN = (16, 122, 72)
SERVICE_LABELS = glossary.SERVICES
FACE = glossary.CARD_FACE
STATUS_LABELS = {k: v for k, v in glossary.CARD_STATUSES.items() if k != "active"}
_KNOWN_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:2",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc:2",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc:0",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc:0",
)


def _split(spec: str) -> tuple[str, int]:
    path, _, index = spec.rpartition(":")
    if path and index.isdigit():
        return path, int(index)
    return spec, 0


@functools.cache
def font_spec() -> tuple[str, int] | None:
    """(path, face index) of a font with CJK glyphs, or None."""
    if config.FONT:
        return _split(config.FONT)
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{file}|%{index}", "Noto Sans CJK SC:lang=zh-cn"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout
            path, _, index = out.partition("|")
            if path and os.path.exists(path) and ("CJK" in path or "wqy" in path.lower()):
                return path, int(index or 0)
        except (OSError, ValueError, subprocess.SubprocessError):
            pass
    for spec in _KNOWN_FONTS:
        path, index = _split(spec)
        if os.path.exists(path):
            return path, index
    return None


@functools.lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    spec = font_spec()
    if spec is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(spec[0], size, index=spec[1])


def _qr_image(token: str, scale: int) -> Image.Image:
    qr = segno.make(token, error="m", micro=False, boost_error=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("L")


def qr_version(token: str) -> int:
    return int(segno.make(token, error="m", micro=False, boost_error=False).version)


@functools.lru_cache(maxsize=256)
def qr_png(token: str) -> bytes:
    """The token as a QR code (error correction M), 8 pixels a module."""
    out = io.BytesIO()
    _qr_image(token, 8).save(out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass(frozen=True)
class CardFace:
    """Everything printed on a card (the cache key of its image)."""

    token: str
    holder_name: str
    enterprise_name: str
    number: str
    valid_from: dt.date
    valid_until: dt.date
    services: tuple[str, ...]
    status: str


def _one_line(text: str) -> str:
    """`text` with control and line/paragraph separators as spaces: Pillow's layout engine
    (raqm) fails on line breaks and the like in a one-line label, and names may hold them."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> ImageFont.ImageFont:
    while size > 14 and draw.textlength(text, font=_font(size)) > width:
        size -= 2
    return _font(size)


@functools.lru_cache(maxsize=128)
def card_png(face: CardFace) -> bytes:
    """The card image, 1011 x 638 at 300 dpi: name, enterprise, number, validity, services, QR."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 96), fill=GREEN)
    draw.text((36, 20), FACE["title"], font=_font(40), fill="white")
    qr = _qr_image(face.token, 1)
    # As large as fits in the right-hand square under the header, whole pixels per module.
    room = HEIGHT - 96 - 24
    module = max(1, room // qr.width)
    qr = qr.resize((qr.width * module, qr.height * module), Image.NEAREST)
    qr_left = WIDTH - qr.width - 16
    image.paste(qr, (qr_left, 96 + (HEIGHT - 96 - qr.height) // 2))
    text_width = qr_left - 56
    holder, enterprise = _one_line(face.holder_name), _one_line(face.enterprise_name)
    draw.text((36, 120), holder, font=_fit(draw, holder, 72, text_width), fill="black")
    draw.text((36, 220), enterprise, font=_fit(draw, enterprise, 34, text_width), fill=(60, 60, 60))
    small = _font(28)
    draw.text((36, 290), f"{FACE['number']} {face.number}", font=small, fill="black")
    draw.text(
        (36, 335),
        f"{FACE['validity']} {face.valid_from:%Y.%m.%d}–{face.valid_until:%Y.%m.%d}",
        font=small,
        fill="black",
    )
    labels = [SERVICE_LABELS.get(x, x) for x in face.services]
    lines = [" · ".join(labels[i : i + 3]) for i in range(0, len(labels), 3)]
    for n, line in enumerate(lines):
        draw.text((36, 395 + n * 42), line, font=_fit(draw, line, 28, text_width), fill=GREEN)
    if face.status in STATUS_LABELS:
        draw.text((36, 540), STATUS_LABELS[face.status], font=_font(44), fill=(200, 30, 30))
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=DPI, optimize=True)
    return out.getvalue()


async def render_qr(token: str) -> bytes:
    return await anyio.to_thread.run_sync(qr_png, token)


async def render_card(face: CardFace) -> bytes:
    return await anyio.to_thread.run_sync(card_png, face)
