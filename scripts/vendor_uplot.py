"""Vendor uPlot (the console's chart library) from the npm registry into the static dir.

    python scripts/vendor_uplot.py            # fetch with `npm pack`, check, copy
    python scripts/vendor_uplot.py --check    # the vendored files match VENDOR.json

The console serves no file from a CDN: the review page and its download use these copies.
The tarball's SHA-256 is pinned here; VENDOR.json records the version and each file's hash.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "1.6.32"
TARBALL_SHA256 = "4b8a8191e425658e3ea8c8c1314b0fc679c861ee3a1af2b20c7b16ba50b5133d"
FILES = {
    "dist/uPlot.iife.min.js": "uPlot.iife.min.js",
    "dist/uPlot.min.css": "uPlot.min.css",
    "LICENSE": "LICENSE",
}
DEST = Path(__file__).resolve().parents[1] / "monitor" / "web" / "static" / "vendor" / "uplot"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check() -> int:
    record = json.loads((DEST / "VENDOR.json").read_text(encoding="utf-8"))
    bad = [n for n, h in record["files"].items() if _sha((DEST / n).read_bytes()) != h]
    if bad:
        print(f"vendored uPlot files changed by hand: {', '.join(bad)}")
        return 1
    print(f"uPlot {record['version']}: vendored files match")
    return 0


def vendor() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"uplot@{VERSION}", "--silent"], cwd=tmp, check=True)
        tarball = Path(tmp) / f"uplot-{VERSION}.tgz"
        if _sha(tarball.read_bytes()) != TARBALL_SHA256:
            print("uplot tarball hash differs from the pinned one; not vendoring")
            return 1
        DEST.mkdir(parents=True, exist_ok=True)
        hashes = {}
        with tarfile.open(tarball) as tar:
            for inner, name in FILES.items():
                member = tar.extractfile(f"package/{inner}")
                assert member is not None
                data = member.read()
                (DEST / name).write_bytes(data)
                hashes[name] = _sha(data)
    record = {
        "package": "uplot",
        "version": VERSION,
        "tarball_sha256": TARBALL_SHA256,
        "files": hashes,
    }
    (DEST / "VENDOR.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"vendored uPlot {VERSION} into {DEST}")
    return 0


if __name__ == "__main__":
    sys.exit(check() if "--check" in sys.argv else vendor())
