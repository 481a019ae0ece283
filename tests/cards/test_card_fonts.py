"""card.png draws every character with a real glyph from a font the project ships (no system font,
no fontconfig), prefers CARD_FONT's fonts, and refuses a card it could only print with boxes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from structlog.testing import capture_logs

from backend.cards import config, fonts, images
from tests.cards.conftest import holder, issue

RARE = "𠮷䶮堃喆"  # U+20BB7 (Ext. B), U+4DAE (Ext. A), and two characters common in given names
ABSENT = "\U0010fffd"  # a private-use code point no font of ours has: its glyph is .notdef
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fonts_as_configured():
    fonts.forget()
    images.card_png.cache_clear()
    yield
    fonts.forget()
    images.card_png.cache_clear()


def glyph(face: fonts.Face, text: str) -> bytes:
    image = Image.new("L", (200, 120))
    ImageDraw.Draw(image).text((10, 10), text, font=fonts.pillow_font(face, 72), fill=255)
    return image.tobytes()


def latin_only_font(tmp_path: Path) -> Path:
    """A real font without any Chinese character: the bundled one cut down to Latin letters."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(fonts.bundled_path()), fontNumber=fonts.BUNDLED_INDEX)
    subsetter = subset.Subsetter(subset.Options(notdef_outline=True))
    subsetter.populate(text="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .-")
    subsetter.subset(font)
    path = tmp_path / "latin.otf"
    font.save(str(path))
    return path


def test_the_default_font_is_the_bundled_noto_sans_cjk_sc():
    chain = fonts.chain()
    assert [(f.name, f.index) for f in chain] == [("Noto Sans CJK SC", fonts.BUNDLED_INDEX)]
    assert "site-packages" in chain[0].path and not chain[0].path.startswith("/usr/share/fonts")
    assert fonts.problems() == ()


def test_rare_characters_are_drawn_with_real_glyphs_not_the_notdef_box():
    face = fonts.chain()[0]
    box = glyph(face, ABSENT)
    assert any(box), "the .notdef glyph draws something (a box)"
    assert glyph(face, "𪚥") == box, "a character the font lacks draws the box: the comparison can fail"
    for char in RARE + "张":
        assert fonts.face_for(char) is face, char
        drawn = glyph(face, char)
        assert any(drawn) and drawn != box, f"{char} (U+{ord(char):04X}) is drawn as a box"
    assert fonts.missing(RARE) == []


def test_the_chain_needs_no_system_font_or_fontconfig(tmp_path):
    # A process that cannot find fontconfig or any system font directory still has every glyph.
    script = (
        "from backend.cards import fonts; import json;"
        f"print(json.dumps([[f.path for f in fonts.chain()], fonts.missing({RARE + '张三丰'!r})]))"
    )
    env = {
        "PATH": str(tmp_path),  # no fc-match, no fc-list
        "FONTCONFIG_FILE": str(tmp_path / "none.conf"),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    paths, missing = json.loads(out.stdout)
    assert paths == [str(fonts.bundled_path())] and missing == []


async def test_a_card_for_a_name_with_rare_characters_renders(factory):
    admin = await factory.user("admin")
    owner = await holder(factory, name=RARE, enterprise="福州堃喆科技有限公司")
    card = await issue(admin, owner)
    reply = await owner.get(f"/api/v1/cards/{card['id']}/card.png")
    assert reply.status_code == 200, reply.text
    image = Image.open(io.BytesIO(reply.content))
    assert image.size == (1011, 638) and zxingcpp.read_barcodes(image.convert("L"))


async def test_a_name_no_font_can_print_is_refused_and_logged(factory):
    admin = await factory.user("admin")
    owner = await holder(factory, name="张𪚥😀")
    card = await issue(admin, owner)
    with capture_logs() as events:
        reply = await admin.get(f"/api/v1/cards/{card['id']}/card.png")
    assert reply.status_code == 422 and reply.headers["content-type"] == "application/problem+json"
    body = reply.json()
    assert body["code"] == "card_glyph_missing"
    assert body["characters"] == [
        {"character": "𪚥", "code_point": "U+2A6A5", "field": "holder_name"},
        {"character": "😀", "code_point": "U+1F600", "field": "holder_name"},
    ]
    assert "𪚥 (U+2A6A5)" in body["detail"] and "CARD_FONT" in body["detail"]
    warning = next(e for e in events if e["event"] == "card_glyph_missing")
    assert warning["log_level"] == "warning" and warning["characters"] == ["U+2A6A5", "U+1F600"]
    assert warning["card"] == card["number"]
    # The QR alone still works: the office can print the credential while the name is sorted out.
    assert (await admin.get(f"/api/v1/cards/{card['id']}/qr.png")).status_code == 200


async def test_characters_that_print_nothing_need_no_glyph(factory):
    admin = await factory.user("admin")
    owner = await holder(factory, name="葛\U000e0100小\u200d明\ufe0f")  # a variation selector, a joiner
    card = await issue(admin, owner)
    assert (await admin.get(f"/api/v1/cards/{card['id']}/card.png")).status_code == 200


async def test_card_font_comes_first_and_the_bundled_font_fills_its_gaps(factory, tmp_path, monkeypatch):
    latin = latin_only_font(tmp_path)
    monkeypatch.setattr(config, "FONT", f"{latin}:0")
    fonts.forget()
    first, bundled = fonts.chain()
    assert first.path == str(latin) and bundled.path == str(fonts.bundled_path())
    assert [(run, face.path) for run, face in fonts.runs("Li 张三")] == [("Li ", str(latin)), ("张三", bundled.path)]
    admin = await factory.user("admin")
    owner = await holder(factory, name="Li 𠮷")
    card = await issue(admin, owner)
    assert (await admin.get(f"/api/v1/cards/{card['id']}/card.png")).status_code == 200


async def test_without_a_cjk_font_cards_are_refused_and_the_start_warns(factory, tmp_path, monkeypatch):
    latin = latin_only_font(tmp_path)
    monkeypatch.setattr(fonts, "bundled_path", lambda: None)  # the font package is not installed
    monkeypatch.setattr(config, "FONT", f"{tmp_path / 'no-such-font.ttf'},{latin}")
    fonts.forget()
    with capture_logs() as events:
        images.check_fonts_at_start()
    problems = [e["problem"] for e in events if e["event"] == "card_font_problem"]
    assert any("no-such-font.ttf" in p for p in problems) and any("noto-cjk-sans-otc" in p for p in problems)
    assert any(e["event"] == "card_glyph_missing" and "企" in e["characters"] for e in events)

    admin = await factory.user("admin")
    owner = await holder(factory, name="Zhang San", enterprise="Lvyuan Tech")
    card = await issue(admin, owner)
    reply = await admin.get(f"/api/v1/cards/{card['id']}/card.png")
    assert reply.status_code == 422 and reply.json()["code"] == "card_glyph_missing"
    assert {c["field"] for c in reply.json()["characters"]} == {"labels"}

    monkeypatch.setattr(config, "FONT", None)
    fonts.forget()
    reply = await admin.get(f"/api/v1/cards/{card['id']}/card.png")
    assert reply.status_code == 503 and reply.json()["code"] == "card_font_missing"


def test_the_font_package_carries_its_licence():
    import importlib.metadata

    meta = importlib.metadata.metadata("noto-cjk-sans-otc")
    assert meta["License-Expression"] == "OFL-1.1"
    assert os.path.getsize(fonts.bundled_path()) == 19_484_784  # NotoSansCJK-Regular.ttc 2.004, as Debian ships it
