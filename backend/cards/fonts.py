"""The fonts card.png is drawn with: a chain, each character drawn with the first font that has it.

The last link is always the bundled Noto Sans CJK SC (face 2 of `NotoSansCJK-Regular.ttc` from the
pinned `noto-cjk-sans-otc` package, byte for byte the file Debian ships in `fonts-noto-cjk`), so a
machine needs no system font and every machine draws the same card. `CARD_FONT` puts the
operator's own fonts first (`path` or `path:index` for a collection, several separated by
commas), e.g. a system font with more rare characters: what they lack still falls back to the
bundled font. Nothing asks fontconfig.

A character that no font of the chain has is never drawn as an empty box: `missing()` names it,
and the image is refused (`images.GlyphMissing`). Which characters a font has is read from its
character map (fontTools), once per font.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import structlog
from PIL import ImageFont

from backend.cards import config

log = structlog.get_logger("backend.cards.fonts")

BUNDLED_INDEX = 2  # NotoSansCJK-Regular.ttc: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
# Characters that print nothing and need no glyph: format characters (zero-width spaces and
# joiners, direction marks, the byte-order mark) and variation selectors.
_VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0), range(0x180B, 0x1810))


@dataclass(frozen=True)
class Face:
    """One font of the chain: where it is, its name, and the code points it has glyphs for."""

    path: str
    index: int
    name: str
    codepoints: frozenset[int] = field(compare=False, repr=False)

    def has(self, char: str) -> bool:
        return ord(char) in self.codepoints


def bundled_path() -> Path | None:
    """The bundled Noto Sans CJK collection, or None when its package is not installed."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    return path if path.is_file() else None


def _split(spec: str) -> tuple[str, int]:
    path, _, index = spec.strip().rpartition(":")
    if path and index.isdigit():
        return path, int(index)
    return spec.strip(), 0


def _face(path: str, index: int) -> Face:
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        cmap = font.getBestCmap() or {}
        name = font["name"].getDebugName(4) or Path(path).name
    return Face(path=path, index=index, name=name, codepoints=frozenset(cmap))


@functools.cache
def _chain_for(spec: str | None) -> tuple[tuple[Face, ...], tuple[str, ...]]:
    faces: list[Face] = []
    problems: list[str] = []
    for entry in (spec or "").split(","):
        if not entry.strip():
            continue
        path, index = _split(entry)
        try:
            faces.append(_face(path, index))
        except Exception as exc:  # noqa: BLE001 - any unreadable font is reported and skipped
            problems.append(f"CARD_FONT entry {entry.strip()!r} cannot be used ({type(exc).__name__}: {exc})")
    bundled = bundled_path()
    if bundled is None:
        problems.append("the bundled font (package noto-cjk-sans-otc) is not installed")
    else:
        faces.append(_face(str(bundled), BUNDLED_INDEX))
    return tuple(faces), tuple(problems)


def chain() -> tuple[Face, ...]:
    """The fonts in the order they are tried: CARD_FONT's, then the bundled one."""
    return _chain_for(config.FONT)[0]


def problems() -> tuple[str, ...]:
    """What is wrong with the configured fonts (unreadable CARD_FONT entries, a missing package)."""
    return _chain_for(config.FONT)[1]


def forget() -> None:
    """Read the fonts again on next use (tests change CARD_FONT)."""
    _chain_for.cache_clear()
    pillow_font.cache_clear()


def ignorable(char: str) -> bool:
    """True for a character that prints nothing (needs no glyph)."""
    code = ord(char)
    return unicodedata.category(char) == "Cf" or any(code in r for r in _VARIATION_SELECTORS)


def printable(text: str) -> str:
    """`text` on one line, without characters that print nothing: control characters and line or
    paragraph separators become spaces (Pillow's layout engine fails on line breaks in a one-line
    label, and names may hold them); format characters and variation selectors are dropped."""
    out = []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif not ignorable(char):
            out.append(char)
    return "".join(out)


def face_for(char: str, faces: tuple[Face, ...] | None = None) -> Face | None:
    """The first font of the chain that has `char`, or None."""
    for face in chain() if faces is None else faces:
        if face.has(char):
            return face
    return None


def missing(text: str) -> list[str]:
    """The distinct characters of `text` (as printed) that no font of the chain has, in order."""
    faces = chain()
    out: list[str] = []
    for char in printable(text):
        if char not in out and face_for(char, faces) is None:
            out.append(char)
    return out


def runs(text: str) -> list[tuple[str, Face]]:
    """`text` (already printable) cut into runs drawn with one font each; a character no font
    has raises LookupError (callers check `missing` first)."""
    faces = chain()
    out: list[tuple[str, Face]] = []
    for char in text:
        face = face_for(char, faces)
        if face is None:
            raise LookupError(f"no font has U+{ord(char):04X}")
        if out and out[-1][1] is face:
            out[-1] = (out[-1][0] + char, face)
        else:
            out.append((char, face))
    return out


@functools.lru_cache(maxsize=64)
def pillow_font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(face.path, size, index=face.index)


def describe(chars: list[str]) -> str:
    """`𪚥 (U+2A6A5), 😀 (U+1F600)`: characters as an office reads them, with their code points."""
    return ", ".join(f"{c} (U+{ord(c):04X})" for c in chars)
