"""Draw the H5 app's icons (backend/web/app/icons/): a green card with 绿卡 on it.

    python scripts/app_icons.py

Run once after changing the design and commit the PNGs; nothing runs it at serve or test time.
Needs Pillow and a CJK font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "backend" / "web" / "app" / "icons"
GREEN = (16, 122, 72)
GOLD = (242, 201, 76)
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"


def draw(size: int, *, maskable: bool) -> Image.Image:
    """The icon at `size` px; a maskable one keeps its drawing inside the central 80 % safe zone."""
    image = Image.new("RGB", (size, size), GREEN)
    d = ImageDraw.Draw(image)
    inset = size * (0.22 if maskable else 0.12)
    w = size - 2 * inset
    h = w * 0.63  # ID-1 proportions
    top = (size - h) / 2
    d.rounded_rectangle((inset, top, inset + w, top + h), radius=w * 0.07, fill="white")
    d.rectangle((inset, top + h * 0.16, inset + w, top + h * 0.30), fill=GOLD)
    font = ImageFont.truetype(FONT, int(h * 0.42), index=2)
    d.text((size / 2, top + h * 0.66), "绿卡", font=font, fill=GREEN, anchor="mm")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, False),
        ("favicon-32.png", 32, False),
    ):
        draw(size, maskable=maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
