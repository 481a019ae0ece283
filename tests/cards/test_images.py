"""qr.png and card.png decode with a standard QR decoder."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image


def decode(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))]


async def test_qr_png_decodes_to_the_credential(world):
    token = await world.credential()
    reply = await world.admin.get(f"/api/v1/cards/{world.card['id']}/qr.png")
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/png"
    assert decode(reply.content) == [token]
    assert (await world.holder.get(f"/api/v1/cards/{world.card['id']}/qr.png")).status_code == 200
    assert (await world.staff.get(f"/api/v1/cards/{world.card['id']}/qr.png")).status_code == 403


async def test_card_png_is_id1_at_300_dpi_and_its_qr_decodes(world):
    token = await world.credential()
    reply = await world.holder.get(f"/api/v1/cards/{world.card['id']}/card.png")
    assert reply.status_code == 200
    image = Image.open(io.BytesIO(reply.content))
    assert image.size == (1011, 638)
    assert round(image.info["dpi"][0]) == 300
    assert decode(reply.content) == [token]
    other = await world.factory.user("entrepreneur")
    assert (await other.get(f"/api/v1/cards/{world.card['id']}/card.png")).status_code == 404
