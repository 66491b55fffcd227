"""GraphML read back by igraph, the JSON contract, the CSV table, the outline, and
the `export` / `show --format` commands."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import igraph
import networkx as nx
import pytest

from orgmodel.errors import OrgModelError, RefError
from orgmodel.export import csv_rows, csv_text, export_text, graphml_text, json_text
from orgmodel.history import History, load_history
from orgmodel.outline import markdown_escape, outline_items, outline_markdown
from orgmodel.report import dumps, snapshot_json

ROOT = Path(__file__).resolve().parents[1]
EV = [{"announcement": "v1", "source": "letter", "quote": "a quote, with \"marks\""}]


@pytest.fixture(scope="module")
def history() -> History:
    return load_history(ROOT / "seeds")


@pytest.fixture(scope="module")
def latest(history: History) -> nx.DiGraph:
    return history.snapshot("latest")


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orgmodel", *args], capture_output=True, text=True, cwd=cwd)


def small_graph() -> nx.DiGraph:
    """Names that break naive CSV/Markdown writers, and a second relation in ``also``."""
    g = nx.DiGraph(version="v1", index=0, date="2025", precision="year", approximate=True,
                   title="Small", sources=["letter"])
    g.add_node("grp", type="unit", name='Acme, "The" Group', names={"en": 'Acme, "The" Group', "zh": "艾克米集团"},
               aliases=["Acme", "AG"], kind="group", evidence=EV)
    g.add_node("lab", type="unit", name="R&D *lab*\nnorth", names={"en": "R&D *lab*\nnorth"}, aliases=[],
               kind=None, evidence=EV)
    g.add_node("ana", type="person", name="Ana [Ruiz]", names={"en": "Ana [Ruiz]"}, aliases=[])
    g.add_node("tom", type="person", name="# Tom", names={"en": "# Tom"}, aliases=[])
    g.add_node("fin", type="post", name="Finance leads", names={"en": "Finance leads"}, aliases=[], collective=True)
    g.add_edge("lab", "grp", kind="part_of", evidence=EV)
    g.add_edge("tom", "grp", kind="heads", title="CEO", evidence=EV)
    g.add_edge("ana", "lab", kind="heads", title="Head, interim", evidence=EV,
               also=[{"kind": "member_of", "evidence": EV}])
    g.add_edge("ana", "tom", kind="reports_to", line="business", evidence=EV)
    g.add_edge("fin", "tom", kind="reports_to", line="functional", evidence=EV)
    return g


def relations(g: nx.DiGraph) -> Counter:
    out = Counter()
    for s, t, d in g.edges(data=True):
        for rel in [d, *d.get("also", ())]:
            out[(s, t, rel["kind"], rel.get("title", ""), rel.get("line", ""))] += 1
    return out


def read_graphml(text: str, tmp_path: Path) -> igraph.Graph:
    path = tmp_path / "g.graphml"
    path.write_text(text, encoding="utf-8")
    return igraph.Graph.Read_GraphML(str(path))


def igraph_relations(ig: igraph.Graph) -> Counter:
    out = Counter()
    for e in ig.es:
        s, t = ig.vs[e.source]["id"], ig.vs[e.target]["id"]
        a = e.attributes()
        out[(s, t, a["kind"], a.get("title") or "", a.get("line") or "")] += 1
    return out


# ---------------------------------------------------------------- GraphML


@pytest.mark.parametrize("which", ["latest", "first", "small"])
def test_graphml_read_back_by_igraph(which, history, tmp_path):
    g = small_graph() if which == "small" else history.snapshot(which)
    ig = read_graphml(graphml_text(g), tmp_path)
    assert ig.is_directed()
    assert sorted(ig.vs["id"]) == sorted(g.nodes)
    for v in ig.vs:
        d = g.nodes[v["id"]]
        assert v["type"] == d["type"]
        assert v["name"] == d["name"]
        assert (v.attributes().get("kind") or None) == d.get("kind")
        for lang, name in d["names"].items():
            assert v[f"name_{lang}"] == name
    assert igraph_relations(ig) == relations(g)
    assert ig["version"] == g.graph["version"]
    assert ig["approximate"] is bool(g.graph["approximate"])


def test_graphml_flattens_lists_and_evidence(tmp_path):
    ig = read_graphml(graphml_text(small_graph()), tmp_path)
    grp = ig.vs.find(id="grp")
    assert grp["aliases"] == "Acme; AG"
    assert ig.vs.find(id="fin")["collective"] is True
    heads = [e for e in ig.es if e["kind"] == "heads" and ig.vs[e.source]["id"] == "ana"][0]
    assert heads["quotes"] == EV[0]["quote"]
    assert heads["announcements"] == "v1" and heads["sources"] == "letter"
    assert ig["sources"] == "letter"


def test_graphml_is_deterministic(latest):
    shuffled = nx.DiGraph()
    shuffled.graph.update(latest.graph)
    nodes = list(latest.nodes(data=True))
    edges = list(latest.edges(data=True))
    random.Random(7).shuffle(nodes)
    random.Random(7).shuffle(edges)
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)
    assert graphml_text(shuffled) == graphml_text(latest)
    assert "True" not in graphml_text(small_graph()).split("<graph ")[1].replace(">True<", "")


# ---------------------------------------------------------------- JSON


def test_json_is_the_documented_contract(latest):
    text = json_text(latest)
    assert text == dumps(snapshot_json(latest))
    data = json.loads(text)
    assert {n["id"] for n in data["nodes"]} == set(latest.nodes)
    assert sum(1 for _ in data["edges"]) == sum(relations(latest).values())


# ---------------------------------------------------------------- CSV


def test_csv_table(latest):
    text = csv_text(latest)
    assert text.startswith("id,name,parent,title,reports_to\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["id"] for r in rows] == sorted(latest.nodes)
    by_id = {r["id"]: r for r in rows}
    for s, t, d in latest.edges(data=True):
        if d["kind"] == "part_of":
            assert by_id[s]["parent"] == t
        if d["kind"] == "reports_to" and d["line"] == "business":
            assert by_id[s]["reports_to"] == t
        if d["kind"] == "reports_to" and d["line"] == "functional":
            assert by_id[s]["reports_to"] != t
    assert by_id["jiang-fan"] == {"id": "jiang-fan", "name": "Jiang Fan", "parent": "ecommerce-business-group",
                                  "title": "CEO", "reports_to": "wu-yongming"}
    # Wu Yongming is CEO of three units: placed at the one highest in the tree.
    assert by_id["wu-yongming"]["parent"] == "alibaba-group"
    assert by_id["alibaba-group"]["parent"] == ""


def test_csv_rfc4180_quoting_round_trips():
    g = small_graph()
    text = csv_text(g)
    assert '"Acme, ""The"" Group"' in text
    assert '"R&D *lab*\nnorth"' in text
    assert text.endswith("\r\n") and "\r\n" in text.split('"R&D')[0]
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows == [dict(r) for r in csv_rows(g)]
    assert {r["id"]: r["title"] for r in rows}["ana"] == "Head, interim"
    assert {r["id"]: r["name"] for r in csv_rows(g, "zh")}["grp"] == "艾克米集团"


def test_unknown_format_is_an_orgmodel_error(latest):
    with pytest.raises(OrgModelError, match="unknown export format"):
        export_text(latest, "xlsx")


# ---------------------------------------------------------------- outline


def _flatten(items) -> list[str]:
    out = []
    for item in items:
        out.append(item.label + item.note)
        out.extend(_flatten(item.children))
    return out


def test_outline_names_every_node_and_line(latest):
    text = "\n".join(_flatten(outline_items(latest)))
    for nid, d in latest.nodes(data=True):
        assert d["name"] in text, nid
    assert "CEO: Jiang Fan, reports to Wu Yongming" in text
    assert "Finance leaders of each business sector (post), dotted line to Xu Hong" in text
    md = outline_markdown(latest)
    assert md.startswith("- **Alibaba Group** (group)\n  - CEO: Wu Yongming\n")
    assert "\n    - **Taotian Group** (business group)\n      - CEO: Wu Yongming\n" in md


def test_outline_focus_depth_and_lang(latest):
    md = outline_markdown(latest, "zh", focus="china-digital-commerce", depth=0)
    assert md.splitlines()[0] == "- **中国数字商业板块** (sector)"
    assert "道放" in md and "平台策略与运营中心" not in md
    deeper = outline_markdown(latest, "zh", focus="china-digital-commerce", depth=1)
    assert "  - **平台策略与运营中心** (centre)" in deeper and "SME Growth Team" not in deeper
    person = outline_markdown(latest, focus="wu-yongming", depth=0)
    assert [line for line in person.splitlines() if not line.startswith(" ")] == [
        "- **Alibaba Group** (group)", "- **Cloud Intelligence Group** (business group)",
        "- **Taotian Group** (business group)"]
    with pytest.raises(RefError):
        outline_markdown(latest, focus="nobody")


def test_outline_markdown_escapes_names():
    md = outline_markdown(small_graph())
    assert "- **Acme, \"The\" Group** (group)" in md
    assert "CEO: # Tom" in md and "Ana \\[Ruiz\\]" in md and "**R\\&D \\*lab\\* north**" in md
    assert all(re.match(r"^( {2})*- \S", line) for line in md.splitlines())
    assert markdown_escape("# Tom") == "\\# Tom"
    assert markdown_escape("1. first") == "1\\. first"
    assert markdown_escape("<script>") == "\\<script\\>"


# ---------------------------------------------------------------- commands


def test_export_command_writes_through_fsutil(tmp_path):
    out = tmp_path / "org.graphml"
    first = run_cli("export", "latest", "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert first.stdout == "" and "wrote" in first.stderr
    again = run_cli("export", "latest", "-o", str(out))
    assert "unchanged" in again.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["org.graphml"]
    assert out.read_text(encoding="utf-8").startswith("<?xml")


def test_export_and_show_print_the_same_formats(latest):
    exported = run_cli("export", "latest", "--format", "csv")
    shown = run_cli("show", "latest", "--format", "csv")
    assert exported.returncode == shown.returncode == 0
    assert exported.stdout == shown.stdout == csv_text(latest).replace("\r\n", "\n")
    mermaid = run_cli("show", "latest", "--format", "mermaid", "--lang", "zh")
    assert "淘天集团" in mermaid.stdout and mermaid.stdout.splitlines()[1] == "flowchart TD"


def test_export_errors_exit_2():
    bad_ref = run_cli("export", "no-such-version", "--format", "csv")
    assert bad_ref.returncode == 2 and "Traceback" not in bad_ref.stderr
    bad_format = run_cli("export", "latest", "--format", "xlsx")
    assert bad_format.returncode == 2 and "Traceback" not in bad_format.stderr


def test_dot_and_svg_exports_are_the_chart(latest, tmp_path):
    from orgmodel.chart import snapshot_dot
    from orgmodel.export import export_bytes

    assert export_text(latest, "dot", "zh") == snapshot_dot(latest, lang="zh")
    out = tmp_path / "latest.svg"
    proc = run_cli("export", "latest", "-o", str(out), "--lang", "zh")
    assert proc.returncode == 0, proc.stderr
    import xml.etree.ElementTree as ET

    svg = ET.parse(out).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    boxes = {el.get("id")[2:] for el in svg.iter() if (el.get("id") or "").startswith("n-")}
    units = {n for n, d in latest.nodes(data=True) if d["type"] == "unit"}
    assert units <= boxes <= set(latest.nodes)
    assert "淘天集团" in out.read_text(encoding="utf-8")
    assert out.read_bytes() == export_bytes(latest, "svg", "zh")
    assert export_bytes(latest, "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_graphml_survives_characters_xml_cannot_carry(tmp_path):
    g = small_graph()
    g.nodes["tom"]["name"] = "Tom\x01Berg\x0b"
    g.nodes["tom"]["names"] = {"en": "Tom\x01Berg\x0b"}
    ig = read_graphml(graphml_text(g), tmp_path)
    assert ig.vs.find(id="tom")["name"] == "Tom Berg "
