"""The rendered reference docs list every operation (nox -s docs; needs Debian's chromium).

The Chromium tests run only under `-m docs`: the docs session builds dist/docs/index.html with Redocly
first. The screenshot is decoded (PNG, stdlib only) and must show a page: not one colour, and text-like
detail across it. The decoder's own tests run in every suite.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, project_doc
from rstar_spec.oas.walk import iter_operations

DOCS = ROOT / "dist" / "docs" / "index.html"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--virtual-time-budget=10000",
]  # fmt: skip


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("chromium is not installed: apt-get install chromium (nox -s docs does it when root)")
    if not DOCS.exists():
        pytest.fail(f"{DOCS} is missing: run nox -s docs")
    cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args, DOCS.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of pixels as bytes) of an 8-bit RGB or RGBA PNG, not interlaced (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, chunk = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        header, idat = (chunk, idat) if kind == b"IHDR" else (header, idat + chunk if kind == b"IDAT" else idat)
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    bpp = 3 if color == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * bpp, [], bytes(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):  # the five PNG filters (RFC 2083 6)
            a, b = line[i - bpp] if i >= bpp else 0, previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            paeth = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth)[kind]) & 0xFF
        rows.append(bytes(line))
        previous = bytes(line)
    return width, height, [bytes(r) for r in rows]


def page_detail(data: bytes) -> tuple[float, int]:
    """(share of pixels not of the most common colour, distinct colours) of an RGB(A) PNG, sampled every 4 px."""
    width, _, rows = png_pixels(data)
    bpp = len(rows[0]) // width
    colours = Counter(row[x * bpp : x * bpp + 3] for row in rows[::4] for x in range(0, width, 4))
    total = sum(colours.values())
    return 1 - colours.most_common(1)[0][1] / total, len(colours)


def _png(width: int, height: int, pixel: Callable[[int, int], bytes]) -> bytes:
    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_page_detail_tells_a_blank_page_from_one_with_text() -> None:
    blank = _png(64, 64, lambda x, y: b"\xff\xff\xff")
    assert page_detail(blank) == (0.0, 1)
    text = _png(64, 64, lambda x, y: b"\x00\x00\x00" if (x // 4 + y // 4) % 3 == 0 else bytes([255, x * 3, y * 3]))
    share, colours = page_detail(text)
    assert share > 0.3 and colours > 50


def test_png_filters_are_undone() -> None:
    """A PNG whose rows use the Sub, Up, Average and Paeth filters decodes to the pixels written."""
    pixels = [[bytes([(x * 7 + y * 13) % 256, (x * y) % 256, (x + 2 * y) % 256]) for x in range(9)] for y in range(4)]
    rows = b""
    previous = bytes(27)
    for kind, row in zip((1, 2, 3, 4), pixels, strict=True):
        line = b"".join(row)
        out = bytearray()
        for i in range(27):
            a, b = line[i - 3] if i >= 3 else 0, previous[i]
            c = previous[i - 3] if i >= 3 else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            paeth = a if pa <= pb and pa <= pc else b if pb <= pc else c
            out.append((line[i] - (0, a, b, (a + b) // 2, paeth)[kind]) & 0xFF)
        rows += bytes([kind]) + bytes(out)
        previous = line
    data = _png(9, 4, lambda x, y: pixels[y][x])
    start = data.index(b"IDAT") - 4
    (length,) = struct.unpack(">I", data[start : start + 4])
    body = zlib.compress(rows)
    crc = struct.pack(">I", zlib.crc32(b"IDAT" + body))
    data = data[:start] + struct.pack(">I", len(body)) + b"IDAT" + body + crc + data[start + 12 + length :]
    assert png_pixels(data)[2] == [b"".join(row) for row in pixels]


@pytest.mark.docs
def test_every_operation_is_listed(tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom").stdout
    summaries = [op["summary"] for _, _, _, op in iter_operations(project_doc())]
    assert len(summaries) == 7
    missing = [s for s in summaries if s not in dom]
    assert not missing, f"not in the rendered docs: {missing}"
    assert "Reception Star API" in dom


@pytest.mark.docs
def test_screenshot(tmp_path: Path) -> None:
    shot = ROOT / "dist" / "docs" / "screenshot.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600")
    width, height, _ = png_pixels(shot.read_bytes())
    assert (width, height) == (1280, 1600)
    share, colours = page_detail(shot.read_bytes())
    # a rendered reference: a sidebar, headings and text over a background (a blank page: 0.0 and 1)
    assert share > 0.05 and colours > 16, (share, colours)
