"""Snapshot and diff graphs -> DOT, checked by meaning through the real ``dot -Tjson``."""

from __future__ import annotations

import json
import subprocess

import networkx as nx
import pytest

from orgmodel import chart, styles
from orgmodel.errors import RefError, RenderError


def org(units: dict[str, str | None], heads: dict[str, tuple[str, str]] = (), **extra) -> nx.DiGraph:
    """A snapshot graph: units {id: parent}, heads {unit: (person, title)}."""
    g = nx.DiGraph(version="v2", date="2025-03-03", precision="day", approximate=False, title="Test org",
                   sources=["letter"])
    for u in units:
        g.add_node(u, type="unit", name=u.title(), names={"en": u.title(), "zh": f"{u}部"}, aliases=[],
                   kind="group", evidence=[{"announcement": "v1", "source": "letter", "quote": f"{u} exists"}])
    for u, p in units.items():
        if p:
            g.add_edge(u, p, kind="part_of", evidence=[{"announcement": "v1", "source": "letter", "quote": f"{u} under {p}"}])
    for u, (person, title) in dict(heads).items():
        if person not in g:
            g.add_node(person, type="person", name=person.title(), names={"en": person.title()}, aliases=[])
        g.add_edge(person, u, kind="heads", title=title, evidence=[])
    for s, t, attrs in extra.get("edges", ()):
        for n in (s, t):
            if n not in g:
                g.add_node(n, type=attrs.pop("_type", "person"), name=n.title(), names={"en": n.title()},
                           aliases=[], collective=True)
        g.add_edge(s, t, evidence=[], **attrs)
    return g


def layout(dot_text: str) -> dict:
    """The chart as Graphviz itself reads it: nodes by name, edges as (tail, head, attrs)."""
    proc = subprocess.run(["dot", "-Tjson0"], input=dot_text.encode(), capture_output=True, check=True)
    data = json.loads(proc.stdout)
    objects = data.get("objects", [])
    names = [o["name"] for o in objects]
    edges = [(names[e["tail"]], names[e["head"]], e) for e in data.get("edges", [])]
    return {"nodes": {o["name"]: o for o in objects}, "edges": edges}


@pytest.fixture
def base() -> nx.DiGraph:
    return org({"group": None, "retail": "group", "logistics": "group"},
               {"group": ("tom", "CEO"), "retail": ("ana", "CEO"), "logistics": ("tom", "Acting head")},
               edges=[("ana", "tom", {"kind": "reports_to", "line": "business"}),
                      ("li", "group", {"kind": "holds", "title": "CFO"}),
                      ("finance-leads", "li", {"kind": "reports_to", "line": "functional", "_type": "post"})])


def test_structure_by_meaning(base):
    """Units are nodes, sub-units hang below parents, people sit in their unit's box."""
    got = layout(chart.snapshot_dot(base))
    assert set(got["nodes"]) == {"group", "retail", "logistics", "finance-leads"}
    structure = {(t, h) for t, h, e in got["edges"] if e["id"].startswith("e-part_of")}
    assert structure == {("group", "retail"), ("group", "logistics")}
    for _, _, e in got["edges"]:
        if e["id"].startswith("e-part_of"):
            assert e["arrowhead"] == "none" and e["color"] == styles.LINE["structure"]["color"]
    # Tom heads two units: a row in each box, and no person box of his own.
    assert "tom" not in got["nodes"]
    assert 'ID="r-group__tom__heads"' in got["nodes"]["group"]["label"]
    assert 'ID="r-logistics__tom__heads"' in got["nodes"]["logistics"]["label"]
    assert 'ID="r-group__li__holds"' in got["nodes"]["group"]["label"]


def test_implied_business_line_is_not_drawn(base):
    """Ana heads Retail under the Group that Tom heads: the structure already says she reports to him."""
    got = layout(chart.snapshot_dot(base))
    assert not [e for *_, e in got["edges"] if e["id"].startswith("e-business")]


def test_business_line_across_the_structure_is_drawn(base):
    base.add_node("sam", type="person", name="Sam", names={"en": "Sam"}, aliases=[])
    base.add_edge("sam", "logistics", kind="holds", title="Analyst", evidence=[])
    base.add_edge("sam", "ana", kind="reports_to", line="business", evidence=[])
    got = layout(chart.snapshot_dot(base))
    lines = [(t, h, e) for t, h, e in got["edges"] if e["id"] == "e-business-sam__ana"]
    assert len(lines) == 1
    tail, head, e = lines[0]
    assert (tail, head) == ("retail", "logistics")
    assert e["tailport"] == "p-retail__ana__heads" and e["headport"] == "p-logistics__sam__holds"
    assert e["constraint"] == "false" and e["style"] == "solid"


def test_functional_line_dashed_labelled_and_free(base):
    got = layout(chart.snapshot_dot(base))
    (tail, head, e), = [x for x in got["edges"] if x[2]["id"] == "e-functional-finance-leads__li"]
    assert (tail, head) == ("finance-leads", "group")
    assert e["headport"] == "p-group__li__holds"
    assert e["style"] == "dashed" and e["constraint"] == "false" and e["label"] == "functional"
    post = got["nodes"]["finance-leads"]
    assert "dashed" in post["style"] and "rounded" in post["style"]
    assert "<I>" in post["label"]


def test_wide_level_is_folded_into_a_grid():
    units = {"root": None, **{f"leaf{i}": "root" for i in range(9)}, "deep": "root", "deeper": "deep"}
    got = layout(chart.snapshot_dot(org(units)))
    assert "grid-root" in got["nodes"]
    label = got["nodes"]["grid-root"]["label"]
    for i in range(9):
        assert f'ID="n-leaf{i}"' in label and f"leaf{i}" not in got["nodes"]
    assert "deep" in got["nodes"]  # sub-units with sub-units of their own stay boxes
    grid_rows = label.count("<TR><TD ALIGN")
    assert 2 <= grid_rows <= 3


def test_few_children_stay_separate_boxes():
    got = layout(chart.snapshot_dot(org({"root": None, "a": "root", "b": "root"})))
    assert set(got["nodes"]) == {"root", "a", "b"}


def test_title_block(base):
    base.graph["approximate"] = True
    dot = chart.snapshot_dot(base, sources={"letter": "letter-2025.txt"})
    block = layout(dot)
    assert block  # dot reads it
    assert "c. 2025-03-03" in dot and "version v2" in dot and "Sources: letter-2025.txt" in dot


@pytest.mark.parametrize("evil", [
    '</text><script>alert(1)</script>',
    '"];evil[label="x',
    'back\\slash \\N \\G \\L & <b>bold</b>',
    "line\nbreak\ttab\x00nul",
])
def test_names_are_escaped(base, evil):
    base.nodes["retail"]["names"] = {"en": evil}
    base.nodes["retail"]["kind"] = evil
    base.edges["ana", "retail"]["title"] = evil
    got = layout(chart.snapshot_dot(base))
    assert set(got["nodes"]) == {"group", "retail", "logistics", "finance-leads"}
    assert "evil" not in got["nodes"]


def test_lang_picks_names_with_fallback(base):
    dot = chart.snapshot_dot(base, lang="zh")
    assert "retail部" in dot and "Ana" in dot  # no Chinese name for Ana: English


def test_focus_unit_subtree_and_depth():
    g = org({"root": None, "a": "root", "b": "a", "c": "b", "x": "root"}, {"b": ("bob", "Head")})
    sub = chart.focus_graph(g, "a", depth=1)
    assert set(sub) == {"a", "b", "bob"}
    assert set(chart.focus_graph(g, "a")) == {"a", "b", "c", "bob"}
    got = layout(chart.snapshot_dot(g, focus="a", depth=1))
    assert set(got["nodes"]) == {"a", "b"}


def test_focus_person_neighbourhood(base):
    sub = chart.focus_graph(base, "li", depth=1)
    assert {"li", "group", "finance-leads", "tom"} <= set(sub)
    with pytest.raises(RefError):
        chart.focus_graph(base, "nobody")


def test_large_chart_refused_unless_forced(monkeypatch, base):
    monkeypatch.setattr(styles, "MAX_NODES", 3)
    with pytest.raises(RenderError, match="--focus"):
        chart.snapshot_dot(base)
    assert chart.snapshot_dot(base, force=True)


def test_diff_union_marks_changes(base):
    after = base.copy()
    after.graph.update(base.graph)
    after.remove_edge("logistics", "group")
    after.add_edge("logistics", "retail", kind="part_of", evidence=[])
    after.remove_node("finance-leads")
    after.nodes["group"]["names"] = {"en": "Northwind"}
    after.add_node("labs", type="unit", name="Labs", names={"en": "Labs"}, aliases=[], kind=None, evidence=[])
    after.add_edge("labs", "group", kind="part_of", evidence=[])
    after.edges["li", "group"]["title"] = "Group CFO"
    u = chart.union(base, after)
    assert u.node_change == {"group": "changed", "retail": None, "logistics": "moved", "finance-leads": "removed",
                             "labs": "added", "tom": None, "ana": None, "li": None}
    assert u.edge_change[("logistics", "retail", "part_of", "")] == "moved"
    assert u.edge_change[("logistics", "group", "part_of", "")] == "removed"
    assert u.edge_change[("li", "group", "holds", "")] == "changed"

    dc = chart.diff_chart(base, after)
    got = layout(dc.dot)
    assert "legend" in got["nodes"]
    assert got["nodes"]["labs"]["color"] == styles.CHANGE["added"]["color"]
    assert got["nodes"]["logistics"]["peripheries"] == "2"
    assert "dashed" in got["nodes"]["finance-leads"]["style"]
    assert "dotted" in got["nodes"]["group"]["style"]
    assert "n-labs" in dc.views["before"].hide and "n-labs" not in dc.views["after"].hide
    assert "n-finance-leads" in dc.views["after"].hide
    assert "e-part_of-logistics__group" in dc.views["after"].hide
    assert "e-part_of-logistics__retail" in dc.views["before"].hide
    assert dc.views["before"].text["t-group"] == "Group" and dc.views["after"].text["t-group"] == "Northwind"
    assert dc.views["before"].text["r-group__li__holds#last"] == "CFO"
    assert not dc.views["diff"].hide


def test_diff_of_a_large_union_shows_context_only():
    units = {"root": None, **{f"u{i}": "root" for i in range(80)}, "sub": "u3"}
    before = org(units)
    after = org({**units, "new": "u5"})
    dc = chart.diff_chart(before, after)
    assert dc.keep == frozenset({"new", "u5", "root"})
    assert set(layout(dc.dot)["nodes"]) == {"new", "u5", "root", "legend"}
    everything = chart.diff_chart(before, after, everything=True)
    assert everything.keep is None
    assert 'ID="n-u40"' in layout(everything.dot)["nodes"]["grid-root"]["label"]


def test_docs_list_every_style():
    """docs/charts.md's tables name every colour of the styles table, so they cannot drift apart."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "charts.md").read_text(encoding="utf-8")
    colours = {v["color"] for v in styles.ENTITY.values()} | {v["color"] for v in styles.LINE.values()}
    colours |= {v["fillcolor"] for v in styles.ENTITY.values() if v["fillcolor"] != "#FFFFFF"}
    colours |= {c["color"] for c in styles.CHANGE.values()} | {c["fill"] for c in styles.CHANGE.values()}
    colours.add(styles.GRID_COLOR)
    missing = sorted(c for c in colours if f"`{c}`" not in doc)
    assert not missing, f"docs/charts.md does not mention {missing}"
    for cat in styles.CATEGORIES:
        assert f"| {cat} |" in doc and f"`{styles.CHANGE[cat]['marker']}`" in doc
    assert ", ".join(f"`{f}`" for f in styles.FONT_STACK) in doc.replace("\n", " ")


def test_odd_ids_stay_inside_their_attributes():
    """Ids are registry slugs, but the DOT must survive any node id a caller passes."""
    weird = 'u"<x>&'
    g = org({weird: None, "child": weird}, {weird: ('p"<>', "CEO")})
    got = layout(chart.snapshot_dot(g))
    assert set(got["nodes"]) == {weird, "child"}
    assert [(t, h) for t, h, _ in got["edges"]] == [(weird, "child")]


def test_units_with_lines_stay_out_of_the_grid():
    units = {"root": None, **{f"leaf{i}": "root" for i in range(7)}}
    g = org(units, {"leaf1": ("ann", "Head"), "leaf2": ("bob", "Head"), "root": ("ceo", "CEO")},
            edges=[("ann", "bob", {"kind": "reports_to", "line": "business"})])
    got = layout(chart.snapshot_dot(g))
    assert {"leaf1", "leaf2"} <= set(got["nodes"])
    label = got["nodes"]["grid-root"]["label"]
    assert 'ID="n-leaf0"' in label and 'ID="n-leaf1"' not in label
    (tail, head, e), = [x for x in got["edges"] if x[2]["id"] == "e-business-ann__bob"]
    assert (tail, head) == ("leaf2", "leaf1")
