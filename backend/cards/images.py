"""qr.png and card.png: rendered in a worker thread (Pillow and QR mask selection are CPU work),
and cached, since a card's face changes only when the card does.

The card is ID-1 size (85.6 x 54 mm) at 300 dpi: 1011 x 638 pixels. Text is drawn with the font
chain of `fonts.py` (CARD_FONT first, then the bundled Noto Sans CJK SC), each character with the
first font that has it; a card with a character no font has is refused, never printed with boxes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass

import anyio.to_thread
import segno
import structlog
from PIL import Image, ImageDraw

from backend.cards import fonts
from backend.platform import glossary
from backend.platform.errors import DomainError

WIDTH, HEIGHT = 1011, 638  # 85.6 x 54 mm at 300 dpi
DPI = (300, 300)
GREEN = (16, 122, 72)
SERVICE_LABELS = glossary.SERVICES
FACE = glossary.CARD_FACE
STATUS_LABELS = {k: v for k, v in glossary.CARD_STATUSES.items() if k != "active"}
HEADER = FACE["title"]
log = structlog.get_logger("backend.cards.images")


class GlyphMissing(DomainError):
    """A card's text holds characters that no configured font can draw."""

    status, code = 422, "card_glyph_missing"


class FontMissing(DomainError):
    """No font at all: the server cannot draw card images (an installation problem)."""

    status, code = 503, "card_font_missing"


def _labels() -> str:
    """Every fixed text a card may print."""
    return " ".join([*FACE.values(), "–·.", *SERVICE_LABELS.values(), *STATUS_LABELS.values()])


def check_fonts_at_start() -> None:
    """Warn at start-up when card.png will be refused: an unusable CARD_FONT entry, no font at
    all, or fonts that cannot draw the card's own labels."""
    for problem in fonts.problems():
        log.warning("card_font_problem", problem=problem)
    if not fonts.chain():
        log.warning("card_font_missing", detail="card.png will be refused: no font; set CARD_FONT")
        return
    lacking = fonts.missing(_labels())
    if lacking:
        log.warning("card_glyph_missing", detail="card.png will be refused", characters=fonts.describe(lacking))


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


def check_printable(face: CardFace) -> None:
    """Refuse (GlyphMissing, with the characters named) a card whose text some character of has
    no glyph in any configured font: the office learns of it instead of a card with boxes."""
    if not fonts.chain():
        log.warning("card_font_missing", card=face.number, problems=list(fonts.problems()))
        raise FontMissing("No font is available for card images; see CARD_FONT.")
    texts = {"holder_name": face.holder_name, "enterprise_name": face.enterprise_name, "number": face.number}
    texts["labels"] = _labels()
    lacking = [(name, char) for name, text in texts.items() for char in fonts.missing(text)]
    if not lacking:
        return
    log.warning(
        "card_glyph_missing",
        card=face.number,
        characters=[f"U+{ord(c):04X}" for _, c in lacking],
        fields=sorted({name for name, _ in lacking}),
    )
    named = "; ".join(f"{fonts.describe([c])} in {name}" for name, c in lacking)
    raise GlyphMissing(
        f"The card cannot be printed: no configured font has {named}. Correct the text, or set CARD_FONT "
        "to a font that has these characters (the bundled font stays the fallback).",
        extra={"characters": [{"character": c, "code_point": f"U+{ord(c):04X}", "field": n} for n, c in lacking]},
    )


def _width(draw: ImageDraw.ImageDraw, text: str, size: int) -> float:
    return sum(draw.textlength(run, font=fonts.pillow_font(face, size)) for run, face in fonts.runs(text))


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> int:
    while size > 14 and _width(draw, text, size) > width:
        size -= 2
    return size


def _text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, fill: object) -> None:
    """Draw `text` with its top at `xy` (as Pillow's default anchor does), each run in the first
    font that has its characters, all runs on the baseline of the first run's font."""
    x: float = xy[0]
    top = xy[1]
    pieces = fonts.runs(text)
    if not pieces:
        return
    baseline = top + fonts.pillow_font(pieces[0][1], size).getmetrics()[0]
    for run, face in pieces:
        font = fonts.pillow_font(face, size)
        draw.text((x, baseline), run, font=font, fill=fill, anchor="ls")  # type: ignore[arg-type]
        x += draw.textlength(run, font=font)


@functools.lru_cache(maxsize=128)
def card_png(face: CardFace) -> bytes:
    """The card image, 1011 x 638 at 300 dpi: name, enterprise, number, validity, services, QR."""
    check_printable(face)
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 96), fill=GREEN)
    _text(draw, (36, 20), HEADER, 40, "white")
    qr = _qr_image(face.token, 1)
    # As large as fits in the right-hand square under the header, whole pixels per module.
    room = HEIGHT - 96 - 24
    module = max(1, room // qr.width)
    qr = qr.resize((qr.width * module, qr.height * module), Image.NEAREST)
    qr_left = WIDTH - qr.width - 16
    image.paste(qr, (qr_left, 96 + (HEIGHT - 96 - qr.height) // 2))
    text_width = qr_left - 56
    holder, enterprise = fonts.printable(face.holder_name), fonts.printable(face.enterprise_name)
    _text(draw, (36, 120), holder, _fit(draw, holder, 72, text_width), "black")
    _text(draw, (36, 220), enterprise, _fit(draw, enterprise, 34, text_width), (60, 60, 60))
    _text(draw, (36, 290), f"{FACE['number']} {fonts.printable(face.number)}", 28, "black")
    _text(draw, (36, 335), f"{FACE['validity']} {face.valid_from:%Y.%m.%d}–{face.valid_until:%Y.%m.%d}", 28, "black")
    labels = [SERVICE_LABELS.get(x, x) for x in face.services]
    lines = [" · ".join(labels[i : i + 3]) for i in range(0, len(labels), 3)]
    for n, line in enumerate(lines):
        _text(draw, (36, 395 + n * 42), line, _fit(draw, line, 28, text_width), GREEN)
    if face.status in STATUS_LABELS:
        _text(draw, (36, 540), STATUS_LABELS[face.status], 44, (200, 30, 30))
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=DPI, optimize=True)
    return out.getvalue()


async def render_qr(token: str) -> bytes:
    return await anyio.to_thread.run_sync(qr_png, token)


async def render_card(face: CardFace) -> bytes:
    check_printable(face)  # here, not only in the thread: the warning carries the request's id
    return await anyio.to_thread.run_sync(card_png, face)
