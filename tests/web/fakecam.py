"""A fake camera for Chromium: a Y4M video file showing a QR code, as a phone would hold it up.

Chromium plays it through `--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file>`,
so the scanner page decodes a real card's QR from "the camera".
"""

from __future__ import annotations

from pathlib import Path

import segno
from PIL import Image


def qr_frame(text: str, width: int = 1280, height: int = 720) -> Image.Image:
    """The QR of `text` (level M, four-module quiet zone) centred on a light grey background."""
    qr = segno.make(text, error="m", micro=False)
    modules = qr.symbol_size(scale=1, border=4)[0]
    scale = max(3, (min(width, height) - 40) // modules)
    matrix = Image.new("L", (modules, modules), 255)
    for y, row in enumerate(qr.matrix_iter(scale=1, border=4)):
        for x, dark in enumerate(row):
            if dark:
                matrix.putpixel((x, y), 0)
    code = matrix.resize((modules * scale, modules * scale), Image.NEAREST)
    frame = Image.new("L", (width, height), 200)  # a desk, not paper-white, around the phone
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    return frame.convert("RGB")


def write_y4m(path: Path, image: Image.Image, frames: int = 3, fps: int = 10) -> Path:
    """`image` as a 4:2:0 Y4M clip of `frames` identical frames (Chromium loops it)."""
    width, height = image.size
    ycbcr = image.convert("YCbCr")
    y, cb, cr = ycbcr.split()
    half = (width // 2, height // 2)
    planes = y.tobytes() + cb.resize(half, Image.BILINEAR).tobytes() + cr.resize(half, Image.BILINEAR).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return path


def camera_showing(path: Path, text: str) -> Path:
    return write_y4m(path, qr_frame(text))
