"""Charts in a real headless Chromium: drawn (not blank), and inert (no script runs)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import networkx as nx
import pytest

from orgmodel import chart, render, styles
from orgmodel.history import load_history

browser = pytest.importorskip("browser")
pytestmark = pytest.mark.skipif(browser.CHROMIUM is None, reason="chromium is not installed")

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "</text><script>document.documentElement.setAttribute('data-pwned','yes')</script>"


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes) into rows of pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color in (2, 6) and interlace == 0
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line) if bpp == 3 else bytes(v for j, v in enumerate(line) if j % 4 != 3))
        prev = line
    return width, height, rows


def hostile_chart() -> str:
    g = nx.DiGraph(version="v", date="2020", approximate=False, title=HOSTILE, sources=[])
    g.add_node("u", type="unit", name=HOSTILE, names={"en": HOSTILE}, aliases=[], kind=None, evidence=[])
    return render.render_svg(chart.snapshot_dot(g)).decode("utf-8").split("?>", 1)[1]


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    history = load_history(str(ROOT / "seeds"))
    folder = tmp_path_factory.mktemp("page")
    (folder / "latest.svg").write_bytes(render.render_svg(chart.snapshot_dot(history.snapshot("latest"))))
    k = history.resolve("2024-11-21-ecommerce-business-group")
    diff_svg = render.render_views(chart.diff_chart(history.snapshot(k - 1), history.snapshot(k)))["diff"]
    inline = diff_svg.decode("utf-8").split("?>", 1)[1].replace("<svg ", '<svg style="width:1200px;height:auto" ', 1)
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>charts</title></head>"
        "<body style='margin:0;background:#fff'>"
        "<img src='latest.svg' alt='latest' style='width:1200px;display:block'>"
        f"<div style='width:1200px'>{inline}</div>"
        f"<div>{hostile_chart()}</div>"
        "</body></html>"
    )
    (folder / "index.html").write_text(html, encoding="utf-8")
    return folder / "index.html"


def test_charts_are_drawn(page, tmp_path):
    png = browser.screenshot(page, tmp_path / "shot.png", (1200, 1400))
    width, height, rows = png_pixels(png.read_bytes())
    inked = green = 0
    added = bytes.fromhex(styles.CHANGE["added"]["color"][1:])
    for row in rows:
        for i in range(0, len(row), 3):
            r, g, b = row[i], row[i + 1], row[i + 2]
            if min(r, g, b) < 200:
                inked += 1
            if abs(r - added[0]) < 40 and abs(g - added[1]) < 40 and abs(b - added[2]) < 40:
                green += 1
    assert inked > width * height // 100, "the page looks blank"
    assert green > 200, "the diff chart's added elements are not visible"


def test_no_script_runs(page):
    dom = browser.dump_dom(page)
    assert "<body" in dom and "chart-title" in dom
    assert "data-pwned" not in dom.split("<body", 1)[0]
    assert 'data-pwned="yes"' not in dom
    assert "&lt;/text&gt;&lt;script&gt;" in dom  # the hostile name is shown as text
