"""Real ``dot`` output parsed as SVG: entities, tooltips, safety, determinism, before/after geometry."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from orgmodel import chart, render, styles
from orgmodel.history import load_history

ROOT = Path(__file__).resolve().parent.parent
NS = {"svg": "http://www.w3.org/2000/svg"}
Q = "{http://www.w3.org/2000/svg}"
DIFF_VERSION = "2024-11-21-ecommerce-business-group"


@pytest.fixture(scope="module")
def history():
    return load_history(str(ROOT / "seeds"))


@pytest.fixture(scope="module")
def latest_svg(history) -> bytes:
    return render.render_svg(chart.snapshot_dot(history.snapshot("latest")))


@pytest.fixture(scope="module")
def views(history) -> dict[str, bytes]:
    k = history.resolve(DIFF_VERSION)
    return render.render_views(chart.diff_chart(history.snapshot(k - 1), history.snapshot(k)))


def parse(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def entity_groups(root: ET.Element) -> dict[str, list[ET.Element]]:
    """Registry id -> the SVG groups that draw it (boxes, grid cells and rows)."""
    out: dict[str, list[ET.Element]] = {}
    for g in root.iter(f"{Q}g"):
        if g.get("data-entity"):
            out.setdefault(g.get("data-entity"), []).append(g)
    return out


def geometry(g: ET.Element) -> tuple:
    """Where a group is drawn: its first shape's points and its texts' positions."""
    shape = next((p.get("points") for p in g.iter(f"{Q}polygon")), None)
    texts = tuple((t.get("x"), t.get("y")) for t in g.iter(f"{Q}text"))
    return shape, texts


def test_every_snapshot_node_is_drawn_with_a_title(history, latest_svg):
    root = parse(latest_svg)
    groups = entity_groups(root)
    graph = history.snapshot("latest")
    assert set(groups) == set(graph.nodes)
    for nid, gs in groups.items():
        name = graph.nodes[nid]["name"]
        for g in gs:
            title = g.find("svg:title", NS)
            assert title is not None and title.text.split("\n")[0].startswith(name), (nid, title.text)


def test_every_node_and_edge_group_has_a_title(latest_svg, views):
    for svg in [latest_svg, *views.values()]:
        root = parse(svg)
        groups = [g for g in root.iter(f"{Q}g") if g.get("class", "").split()[:1] in (["node"], ["edge"])]
        assert groups
        for g in groups:
            title = g.find("svg:title", NS)
            assert title is not None and title.text and title.text.strip(), g.get("id")


def test_quotes_in_tooltips(history, latest_svg):
    root = parse(latest_svg)
    edge = root.find(".//svg:g[@id='e-part_of-taotian-group__ecommerce-business-group']", NS)
    assert "fully integrate the Taobao Tmall Group" in edge.find("svg:title", NS).text


def test_root_is_accessible(latest_svg):
    root = parse(latest_svg)
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    found = {el.get("id"): el for el in root if el.get("id") in ids}
    assert set(found) == set(ids) == {"chart-title", "chart-desc"}
    assert found["chart-title"].tag == f"{Q}title" and "E-commerce Business Group" in found["chart-title"].text
    assert found["chart-desc"].tag == f"{Q}desc" and "2024-11-21" in found["chart-desc"].text


def assert_inert(svg: bytes) -> None:
    text = svg.decode("utf-8")
    assert "<!--" not in text and "graphviz version" not in text.lower()
    root = parse(svg)
    for el in root.iter():
        assert el.tag.rsplit("}", 1)[-1] not in ("script", "a", "foreignObject", "image", "use", "style")
        for k, v in el.attrib.items():
            local = k.rsplit("}", 1)[-1]
            assert not local.lower().startswith("on"), (el.tag, k)
            assert local != "href", (el.tag, k, v)
            assert "url(" not in v and "javascript:" not in v.lower()


def test_svg_is_self_contained_and_inert(latest_svg, views):
    for svg in [latest_svg, *views.values()]:
        assert_inert(svg)


def test_deterministic_bytes(history, latest_svg):
    again = render.render_svg(chart.snapshot_dot(history.snapshot("latest")))
    assert again == latest_svg
    k = history.resolve(DIFF_VERSION)
    dc = chart.diff_chart(history.snapshot(k - 1), history.snapshot(k))
    assert render.render_views(dc) == render.render_views(chart.diff_chart(history.snapshot(k - 1),
                                                                           history.snapshot(k)))


def test_ids_come_from_the_registry(latest_svg):
    ids = [g.get("id") for g in parse(latest_svg).iter(f"{Q}g") if g.get("id")]
    assert len(ids) == len(set(ids))
    assert not [i for i in ids if re.fullmatch(r"(node|edge|a_)\d*.*", i)]


def test_cjk_names_and_font_list(history):
    svg = render.render_svg(chart.snapshot_dot(history.snapshot("latest"), lang="zh")).decode()
    assert "王明强" in svg and "淘天集团" in svg
    families = set(re.findall(r'font-family="([^"]+)"', svg))
    assert families == {styles.font_family_css()}
    assert "Noto Sans CJK SC" in styles.font_family_css()


EVIL = ['</text><script>alert(1)</script>', '"];evil[label="x', "a\\Nb & <i>c</i>"]


@pytest.mark.parametrize("evil", EVIL)
def test_hostile_names_render_as_text(evil):
    g = nx.DiGraph(version="v", date="2020", approximate=False, title=evil, sources=[evil])
    g.add_node("u", type="unit", name=evil, names={"en": evil}, aliases=[evil], kind=None,
               evidence=[{"announcement": "v", "source": "s", "quote": evil}])
    g.add_node("p", type="person", name=evil, names={"en": evil}, aliases=[])
    g.add_edge("p", "u", kind="heads", title="CEO", evidence=[{"announcement": "v", "source": "s", "quote": evil}])
    svg = render.render_svg(chart.snapshot_dot(g))
    assert_inert(svg)
    root = parse(svg)
    texts = [t.text for t in root.iter(f"{Q}text")]
    assert evil in texts  # the unit name, word for word, as one text
    assert set(entity_groups(root)) == {"u", "p"}
    assert any(evil in (t.text or "") for t in root.iter(f"{Q}title"))


def test_before_after_share_one_layout(views):
    after = entity_groups(parse(views["after"]))
    before = entity_groups(parse(views["before"]))
    common = set(before) & set(after)
    assert len(common) > 10
    for nid in common:
        b = {g.get("id"): geometry(g) for g in before[nid]}
        a = {g.get("id"): geometry(g) for g in after[nid]}
        for gid in set(a) & set(b):
            assert a[gid][0] == b[gid][0], gid
    # The root did not change: same box, same place.
    assert geometry(before["alibaba-group"][0])[0] == geometry(after["alibaba-group"][0])[0]


def test_views_show_what_they_have(views):
    before, after, diff = (parse(views[k]) for k in ("before", "after", "diff"))

    def ids(root):
        return {g.get("id") for g in root.iter(f"{Q}g") if g.get("id")}

    assert "n-ecommerce-business-group" in ids(after) and "n-ecommerce-business-group" not in ids(before)
    assert "e-part_of-taotian-group__alibaba-group" in ids(before)
    assert "e-part_of-taotian-group__alibaba-group" not in ids(after)
    assert ids(before) | ids(after) <= ids(diff)
    assert "legend" in ids(diff)
    row = "r-alibaba-group__xu-hong__holds"
    last = {name: list(root.find(f".//svg:g[@id='{row}']", NS).iter(f"{Q}text"))[-1]
            for name, root in (("before", before), ("after", after), ("diff", diff))}
    assert last["before"].text == "Deputy CFO" and last["before"].get("text-anchor") == "middle"
    assert last["after"].text == "Group Chief Financial Officer"
    assert last["diff"].text == "Group Chief Financial Officer (was Deputy CFO)"
    head = lambda root: root.find(".//svg:g[@id='title-head']/svg:text", NS).text  # noqa: E731
    assert head(before).startswith("Before:") and head(after).startswith("After:") and head(diff).startswith("Changes:")


def _shape(root: ET.Element, gid: str) -> list[ET.Element]:
    g = root.find(f".//svg:g[@id='{gid}']", NS)
    assert g is not None, gid
    return [p for p in g.iter() if p.tag in (f"{Q}polygon", f"{Q}path") and p.get("stroke") not in (None, "transparent")]


def test_change_styles_are_the_documented_ones(views):
    diff = parse(views["diff"])
    added = _shape(diff, "n-ecommerce-business-group")
    assert added[0].get("stroke").lower() == styles.CHANGE["added"]["color"].lower()
    assert added[0].get("stroke-width") == styles.CHANGE["added"]["node"]["penwidth"]
    moved = _shape(diff, "n-taotian-group")
    assert {p.get("stroke").lower() for p in moved[:2]} == {styles.CHANGE["moved"]["color"].lower()}
    assert len([p for p in moved if p.get("stroke").lower() == styles.CHANGE["moved"]["color"].lower()]) >= 2
    old_line = _shape(diff, "e-part_of-taotian-group__alibaba-group")[0]
    assert old_line.get("stroke").lower() == styles.CHANGE["removed"]["color"].lower()
    assert old_line.get("stroke-dasharray")
    new_line = _shape(diff, "e-part_of-taotian-group__ecommerce-business-group")[0]
    assert new_line.get("stroke").lower() == styles.CHANGE["moved"]["color"].lower()
    assert new_line.get("stroke-dasharray")  # dotted
    unchanged = _shape(diff, "n-china-digital-commerce")[0]
    assert unchanged.get("stroke").lower() == styles.ENTITY["unit"]["color"].lower()
    changed_row = diff.find(".//svg:g[@id='r-alibaba-group__xu-hong__holds']", NS)
    assert "was Deputy CFO" in "".join(t.text or "" for t in changed_row.iter(f"{Q}text"))
    assert any((t.get("fill") or "").lower() == styles.CHANGE["changed"]["color"].lower()
               for t in changed_row.iter(f"{Q}text"))


def test_png_and_pdf(history):
    dot = chart.snapshot_dot(history.snapshot("latest"), lang="zh")
    png = render.render(dot, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert render.render(dot, "pdf")[:5] == b"%PDF-"
    assert render.render(dot, "dot") == dot.encode()


def test_changed_elements_carry_the_change_and_its_quote(history):
    from orgmodel.build import diff_svgs

    k = history.resolve(DIFF_VERSION)
    diff = parse(diff_svgs(history, k - 1, k)["diff.svg"])
    row = diff.find(".//svg:g[@id='r-ecommerce-business-group__jiang-fan__heads']/svg:title", NS).text
    assert row.startswith("ADDED\nJiang Fan: CEO, Alibaba E-commerce Business Group")
    assert "appointed" in row and "\u201cappointing Jiang Fan as the CEO, who will report to me\u201d" in row
    moved = diff.find(".//svg:g[@id='n-taotian-group']/svg:title", NS).text
    assert "MOVED" in moved and "unit moved: \u201cThe e-commerce business group will fully integrate" in moved
