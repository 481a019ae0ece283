"""Look at a report download as the office will: write the summary workbook of DATABASE_URL for
a period and, where LibreOffice and poppler are installed (`apt-get install
libreoffice-calc-nogui poppler-utils`; not needed by the tests), print it to PDF and one PNG per
page.

    python scripts/export_preview.py 2026-01-01 2026-12-31 [district] [--out /tmp/preview]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
from pathlib import Path

from backend.platform import db
from backend.platform.actor import SYSTEM
from backend.reports import service


async def workbook(first: str, last: str, district: str | None) -> tuple[str, bytes]:
    await db.start()
    try:
        download = await service.get_summary(actor=SYSTEM, first=first, last=last, district=district, format_="xlsx")
    finally:
        await db.stop()
    assert isinstance(download, service.Download)
    return download.filename, download.content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first")
    parser.add_argument("last")
    parser.add_argument("district", nargs="?")
    parser.add_argument("--out", type=Path, default=Path("/tmp/export-preview"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    name, content = asyncio.run(workbook(args.first, args.last, args.district))
    xlsx = args.out / name
    xlsx.write_bytes(content)
    print(xlsx)
    if not (shutil.which("libreoffice") and shutil.which("pdftoppm")):
        print("LibreOffice or pdftoppm missing: open the xlsx yourself")
        return
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(args.out), str(xlsx)], check=True
    )
    pdf = xlsx.with_suffix(".pdf")
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(args.out / xlsx.stem)], check=True)
    print(pdf, *sorted(args.out.glob(f"{xlsx.stem}*.png")), sep="\n")


if __name__ == "__main__":
    main()
