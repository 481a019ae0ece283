"""Refresh the H5 app's vendored JavaScript from the npm registry, pinned and integrity-checked.

    python scripts/vendor_web.py            # fetch the pinned versions, verify, write backend/web/app/vendor/
    python scripts/vendor_web.py --check    # verify the committed files against the pinned packages
    python scripts/vendor_web.py --latest   # show the newest published version of each package

It runs `npm pack` (Node's npm, with whatever registry npm is configured for), checks the tarball
against the pinned `dist.integrity` (SHA-512, as the registry publishes it), and copies the listed
files plus the package's licence into `vendor/<name>-<version>/`; folders of other versions are
removed. To upgrade: run `--latest`, change `version` and `integrity` below (`npm view
NAME@VERSION dist.integrity`), run the script, fix the app where the library changed, run the
browser tests, and commit the vendor folder with the app. Nothing here runs when the app is served
or tested: the vendored files are committed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "backend" / "web" / "app" / "vendor"

MIT = """MIT License

{copyright}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    integrity: str  # the registry's dist.integrity of the tarball
    licence: str  # SPDX id, as the package's package.json declares it (checked)
    files: dict[str, str]  # path in the tarball -> name in the vendor folder
    why: str
    # For a package that ships no LICENSE file: its copyright line, under the licence it declares.
    copyright: str | None = None
    licence_files: tuple[str, ...] = field(default=("package/LICENSE", "package/LICENSE.md", "package/LICENSE.txt"))

    @property
    def folder(self) -> Path:
        return VENDOR / f"{self.name}-{self.version}"


PINS = [
    Pin(
        name="qrcode-generator",
        version="2.0.4",
        integrity="sha512-mZSiP6RnbHl4xL2Ap5HfkjLnmxfKcPWpWe/c+5XxCuetEenqmNFf1FH/ftXPCtFG5/TDobjsjz6sSNL0Sr8Z9g==",
        licence="MIT",
        files={"package/dist/qrcode.mjs": "qrcode.mjs"},
        why="draws the wallet's rotating QR (an ES module)",
        copyright="Copyright (c) 2009 Kazuhiko Arase",
    ),
    Pin(
        name="jsqr",
        version="1.4.0",
        integrity="sha512-dxLob7q65Xg2DvstYkRpkYtmKm2sPJ9oFhrhmudT1dZvNFFTlroai3AWSpLey/w5vMcLBXRgOJsbXpdN9HzU/A==",
        licence="Apache-2.0",
        files={"package/dist/jsQR.js": "jsQR.js"},
        why="decodes QR codes from camera frames where the browser has no BarcodeDetector (in a worker)",
    ),
]


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def npm(*args: str, cwd: Path) -> str:
    if shutil.which("npm") is None:
        sys.exit("npm is needed (Debian: apt-get install npm)")
    return subprocess.run(["npm", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def fetch(pin: Pin, workdir: Path) -> bytes:
    """The pinned tarball's bytes, refused unless they match the pinned integrity."""
    packed = json.loads(
        npm("pack", f"{pin.name}@{pin.version}", "--json", "--pack-destination", str(workdir), cwd=workdir)
    )
    data = (workdir / packed[0]["filename"]).read_bytes()
    if sri(data) != pin.integrity or packed[0].get("integrity", pin.integrity) != pin.integrity:
        sys.exit(f"{pin.name}@{pin.version}: integrity mismatch (got {sri(data)}); refusing to vendor it")
    return data


def contents(pin: Pin, tarball: bytes) -> dict[str, bytes]:
    """What the vendor folder should hold: the listed files and LICENSE."""
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}
        declared = json.loads(tar.extractfile(members["package/package.json"]).read())["license"]  # type: ignore[union-attr]
        if declared != pin.licence:
            sys.exit(f"{pin.name}@{pin.version}: declares licence {declared!r}, pinned {pin.licence!r}: review it")
        for source, target in pin.files.items():
            out[target] = tar.extractfile(members[source]).read()  # type: ignore[union-attr]
        licence = next((members[n] for n in pin.licence_files if n in members), None)
        if licence is not None:
            out["LICENSE"] = tar.extractfile(licence).read()  # type: ignore[union-attr]
        else:
            if declared != "MIT" or not pin.copyright:
                sys.exit(f"{pin.name}: no LICENSE file and no known licence text for {declared!r}")
            note = f'The npm package ships no LICENSE file; its package.json declares "{declared}" and its source says so.\n\n'
            out["LICENSE"] = (note + MIT.format(copyright=pin.copyright)).encode()
    return out


def readme() -> str:
    lines = [
        "# Vendored libraries of the H5 app",
        "",
        "Written by `scripts/vendor_web.py` (do not edit by hand): pinned versions from the npm registry,",
        "each tarball checked against its published SHA-512 integrity. Folders are named by version, so",
        "the server lets browsers cache them for a year.",
        "",
        "| package | version | licence | files | why |",
        "| --- | --- | --- | --- | --- |",
    ]
    for pin in PINS:
        files = ", ".join(f"`{t}`" for t in pin.files.values())
        lines.append(f"| {pin.name} | {pin.version} | {pin.licence} (`LICENSE`) | {files} | {pin.why} |")
    lines += ["", "Integrity:", ""] + [f"- {p.name}@{p.version}: `{p.integrity}`" for p in PINS]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the committed files, write nothing")
    parser.add_argument("--latest", action="store_true", help="show the newest published versions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.latest:
            for pin in PINS:
                print(f"{pin.name}: pinned {pin.version}, latest {npm('view', pin.name, 'version', cwd=work).strip()}")
            return
        problems = []
        for pin in PINS:
            wanted = contents(pin, fetch(pin, work))
            if args.check:
                for name, data in wanted.items():
                    path = pin.folder / name
                    if not path.exists() or path.read_bytes() != data:
                        problems.append(str(path.relative_to(VENDOR)))
                continue
            for old in VENDOR.glob(f"{pin.name}-*"):
                if old != pin.folder:
                    shutil.rmtree(old)
            pin.folder.mkdir(parents=True, exist_ok=True)
            for name, data in wanted.items():
                (pin.folder / name).write_bytes(data)
            print(f"{pin.name}@{pin.version}: {', '.join(sorted(wanted))}")
        if args.check:
            if problems:
                sys.exit("differs from the pinned packages: " + ", ".join(problems))
            print("vendored files match the pinned packages")
        else:
            (VENDOR / "README.md").write_text(readme(), encoding="utf-8")


if __name__ == "__main__":
    main()
