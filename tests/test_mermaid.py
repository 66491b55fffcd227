"""The Mermaid export rendered by the real ``mermaid`` package in headless Chromium.

Needs ``node``/``npm`` (run ``npm ci`` in tests/js once) and Chromium. Where
CI is set, a missing tool fails the test instead of skipping it.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from browser import CHROMIUM, dump_dom
from orgmodel.export import mermaid_ids, mermaid_text
from orgmodel.history import load_history
from orgmodel.model import display_name

ROOT = Path(__file__).resolve().parents[1]
MERMAID_JS = ROOT / "tests" / "js" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"

HOSTILE = {
    "quote-unit": 'The "Quoted" Unit',
    "bracket-unit": "Units [beta] {gamma} (delta)",
    "hash-person": "#1 & <b>not bold</b> ; 50%",
    "end": "end",
    "pipe-post": "Leads | of each `sector`",
    "cjk-unit": "阿里巴巴集团 · 淘天",
    "amp-entity": "AT&T #quot; stays literal",
}


def _require_tools() -> None:
    missing = []
    if not MERMAID_JS.is_file():
        missing.append("mermaid (run: npm ci --prefix tests/js)")
    if not CHROMIUM:
        missing.append("chromium")
    if missing:
        message = "missing: " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


class _NodeText(HTMLParser):
    """Text inside each rendered flowchart node, keyed by the node's DOM id."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self.links: list[bool] = []  # one per drawn link: has it an arrowhead?
        self._stack: list[str | None] = []
        self.error = ""
        self._in_error = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "pre" and a.get("id") == "error":
            self._in_error = True
        if tag in ("br", "meta", "img", "hr", "input", "link"):
            return
        classes = (a.get("class") or "").split()
        if tag == "path" and "flowchart-link" in classes:
            self.links.append(bool(a.get("marker-end")))
        node_id = a.get("id") if tag == "g" and "node" in classes else None
        if node_id:
            self.texts[node_id] = ""
        self._stack.append(node_id)

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in_error = False
        if tag in ("br", "meta", "img", "hr", "input", "link"):
            return
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._in_error:
            self.error += data
        for node_id in self._stack:
            if node_id:
                self.texts[node_id] += data


def render(source: str, workdir: Path) -> _NodeText:
    """Render Mermaid source in Chromium; return the parsed DOM."""
    (workdir / "mermaid.min.js").symlink_to(MERMAID_JS)
    page = workdir / "page.html"
    literal = json.dumps(source).replace("<", "\\u003c")
    page.write_text(
        '<!doctype html><html><head><meta charset="utf-8"><script src="mermaid.min.js"></script></head>'
        '<body><div id="out"></div><pre id="error"></pre><script>\n'
        f"const source = {literal};\n"
        'mermaid.initialize({startOnLoad: false, securityLevel: "strict"});\n'
        'mermaid.render("chart", source).then(\n'
        '  (r) => { document.getElementById("out").innerHTML = r.svg; },\n'
        '  (e) => { document.getElementById("error").textContent = "mermaid error: " + e; });\n'
        "</script></body></html>\n",
        encoding="utf-8",
    )
    parser = _NodeText()
    parser.feed(dump_dom(page, budget_ms=5000))
    return parser


def _label_by_node(graph: nx.DiGraph, parsed: _NodeText) -> dict[str, str]:
    ids = mermaid_ids(graph)
    out = {}
    for nid, mid in ids.items():
        found = [text for dom_id, text in parsed.texts.items() if dom_id.startswith(f"chart-flowchart-{mid}-")
                 or dom_id.startswith(f"flowchart-{mid}-")]
        assert len(found) == 1, f"no single rendered node for {nid} ({mid}): {sorted(parsed.texts)}"
        out[nid] = found[0].strip()
    return out


def hostile_graph() -> nx.DiGraph:
    g = nx.DiGraph(version="v1", date="2024", title="t", sources=[])
    kinds = {"quote-unit": "unit", "bracket-unit": "unit", "cjk-unit": "unit", "end": "unit",
             "hash-person": "person", "amp-entity": "person", "pipe-post": "post"}
    for nid, name in HOSTILE.items():
        g.add_node(nid, type=kinds[nid], name=name, names={"en": name}, aliases=[])
    ev = [{"announcement": "v1", "source": "s", "quote": "q"}]
    g.add_edge("bracket-unit", "quote-unit", kind="part_of", evidence=ev)
    g.add_edge("cjk-unit", "quote-unit", kind="part_of", evidence=ev)
    g.add_edge("end", "cjk-unit", kind="part_of", evidence=ev)
    g.add_edge("hash-person", "quote-unit", kind="heads", title='CEO "acting" [interim]', evidence=ev)
    g.add_edge("amp-entity", "bracket-unit", kind="holds", title="Head | #2", evidence=ev)
    g.add_edge("amp-entity", "hash-person", kind="reports_to", line="business", evidence=ev)
    g.add_edge("pipe-post", "hash-person", kind="reports_to", line="functional", evidence=ev)
    return g


def test_every_seed_label_renders(tmp_path):
    _require_tools()
    graph = load_history(ROOT / "seeds").snapshot("latest")
    parsed = render(mermaid_text(graph, "zh"), tmp_path)
    assert parsed.error == ""
    labels = _label_by_node(graph, parsed)
    for nid, text in labels.items():
        assert text == display_name(graph.nodes[nid]["names"], "zh")


def test_only_reporting_lines_have_arrowheads(tmp_path):
    _require_tools()
    graph = load_history(ROOT / "seeds").snapshot("latest")
    source = mermaid_text(graph)
    links = [line for line in source.splitlines() if re.match(r"^  \w+ [-=.]+", line)]
    arrows = [line for line in links if ">" in line.split("|")[0]]
    parsed = render(source, tmp_path)
    assert len(parsed.links) == len(links)
    assert sum(parsed.links) == len(arrows) == 2  # the two dotted lines to the CFO and the CLO


def test_hostile_names_render_literally(tmp_path):
    _require_tools()
    graph = hostile_graph()
    parsed = render(mermaid_text(graph), tmp_path)
    assert parsed.error == ""
    assert _label_by_node(graph, parsed) == HOSTILE


def test_hostile_source_has_no_raw_syntax():
    text = mermaid_text(hostile_graph())
    node_lines = [line for line in text.splitlines() if line.startswith("  ") and ("[" in line or "(" in line)]
    for line in node_lines:
        label = line.split('"', 1)[1].rsplit('"', 1)[0]
        assert not set(label) & set('"<>`|'), line
    assert "  n_end[" in text


def test_deterministic():
    graph = load_history(ROOT / "seeds").snapshot("latest")
    assert mermaid_text(graph) == mermaid_text(graph.copy())
    assert mermaid_text(graph).splitlines()[1] == "flowchart TD"
