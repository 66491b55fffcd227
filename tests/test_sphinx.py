"""The Sphinx extension in a real sphinx-build: charts embedded in the HTML (as
images copied into _images and inline), their text alternatives, and errors."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from orgmodel.history import load_history

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"

PAGE = """\
Charts
======

.. orgmodel-chart:: latest
   :focus: china-digital-commerce
   :depth: 1
   :lang: zh

.. orgmodel-chart:: first
   :inline:

.. orgmodel-diff:: latest
   :inline:

.. orgmodel-diff:: 2022 2024
   :views: diff
   :lang: de
"""


def sphinx_build(src: Path, builder: str = "html", *extra: str) -> subprocess.CompletedProcess:
    out = src / "_build" / builder
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", builder, "-q", *extra, str(src), str(out)],
                          capture_output=True, text=True, cwd=src)


def docs(tmp_path: Path, page: str, data: str | None = None) -> Path:
    src = tmp_path / "docs"
    src.mkdir()
    (src / "conf.py").write_text(textwrap.dedent(f"""\
        project = "orgmodel test"
        extensions = ["orgmodel.sphinx"]
        orgmodel_data = {data or str(ROOT / 'seeds')!r}
        """), encoding="utf-8")
    (src / "index.rst").write_text(page, encoding="utf-8")
    return src


def node_ids(svg: ET.Element) -> set[str]:
    """Registry ids of the drawn boxes (ids ``n-ID``, after any per-page prefix ``om<hash>-``)."""
    ids = (re.sub(r"^om[0-9a-f]+-", "", el.get("id") or "") for el in svg.iter())
    return {i[2:] for i in ids if i.startswith("n-")}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    src = docs(tmp_path_factory.mktemp("sphinx"), PAGE)
    proc = sphinx_build(src, "html", "-W")
    assert proc.returncode == 0, proc.stderr
    out = src / "_build" / "html"
    return out, (out / "index.html").read_text(encoding="utf-8")


def test_chart_is_an_image_copied_into_images(built):
    out, html = built
    images = re.findall(r'<img class="orgmodel-svg" src="(_images/orgmodel-[0-9a-f]+\.svg)" alt="([^"]+)"', html)
    assert len(images) == 2  # the focused chart, then the diff view of 2022 -> 2024
    src, alt = images[0]
    svg = ET.parse(out / src).getroot()
    assert svg.tag == f"{SVG}svg"
    latest = load_history(ROOT / "seeds").snapshot("latest")
    drawn = node_ids(svg)
    assert "china-digital-commerce" in drawn and "sme-growth-team" not in drawn
    assert drawn <= set(latest.nodes)
    assert "Org chart" in alt and "中国数字商业板块" in html


def test_diff_view_between_two_refs(built):
    out, html = built
    src = re.findall(r'<img class="orgmodel-svg" src="(_images/orgmodel-[0-9a-f]+\.svg)"', html)[1]
    svg = (out / src).read_text(encoding="utf-8")
    assert "E-Commerce-Geschäftsgruppe" in svg  # created between 2022 and 2024, named in German
    assert "Changes from 2022-01-06-taobao-tmall-centers to 2024-11-21-ecommerce-business-group" in html


def test_outline_is_the_text_alternative(built):
    _, html = built
    outline = html.split('<ul class="orgmodel-outline simple">')[1].split("</div>")[0]
    assert "<strong>中国数字商业板块</strong> (sector)" in outline
    assert "Head: 王明强, reports to 戴珊" in outline
    assert "SME Growth Team" not in outline


def test_inline_charts_keep_ids_apart(built):
    _, html = built
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svgs) == 3  # the first snapshot, then before and after
    ids = Counter(re.findall(r'\bid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    for text in svgs:
        root = ET.fromstring(text)
        own = {el.get("id") for el in root.iter() if el.get("id")}
        for ref in root.get("aria-labelledby").split():
            assert ref in own
        assert not root.findall(f".//{SVG}script")


def test_diff_pair_and_change_list(built):
    _, html = built
    before, after = html.split('class="orgmodel-chart orgmodel-before')[1], html.split('class="orgmodel-chart orgmodel-after')[1]
    before_ids = node_ids(ET.fromstring(re.search(r"<svg\b.*?</svg>", before, re.S).group(0)))
    after_ids = node_ids(ET.fromstring(re.search(r"<svg\b.*?</svg>", after, re.S).group(0)))
    history = load_history(ROOT / "seeds")
    assert "ecommerce-business-group" not in before_ids and "ecommerce-business-group" in after_ids
    assert before_ids <= set(history.snapshot("latest~1").nodes)
    assert after_ids <= set(history.snapshot("latest").nodes)
    changes = html.split('<ul class="orgmodel-changes simple">')[1].split("</ul>")[0]
    assert "<strong>Jiang Fan</strong>: appointed CEO of Alibaba E-commerce Business Group" in changes


def test_text_builder_gets_the_outline_without_charts(tmp_path):
    src = docs(tmp_path, "Chart\n=====\n\n.. orgmodel-chart:: 2022\n")
    proc = sphinx_build(src, "text", "-W")
    assert proc.returncode == 0, proc.stderr
    text = (src / "_build" / "text" / "index.txt").read_text(encoding="utf-8")
    assert "**Alibaba Group** (group)" in text and "<svg" not in text
    assert "Head: Dai Shan" in text


def test_bad_ref_and_missing_data_are_build_errors(tmp_path):
    src = docs(tmp_path, "Chart\n=====\n\n.. orgmodel-chart:: no-such-version\n\n"
                         ".. orgmodel-diff:: latest\n   :data: nowhere\n")
    proc = sphinx_build(src, "html")
    assert "orgmodel: unknown version 'no-such-version'" in proc.stderr
    assert "orgmodel: no data folder at" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sphinx_build(src, "html", "-W", "-E").returncode != 0
