"""A snapshot graph as text that other tools read: GraphML, JSON, Mermaid, CSV.

Every function here is pure (graph in, ``str`` out; only
:func:`export_bytes` runs Graphviz for the chart formats) and deterministic: nodes
and edges are written in sorted order and nothing depends on the clock, so a
committed export changes only when the organisation does. Writing files is the
caller's job (see :mod:`orgmodel.fsutil`).

Which format for which tool:

``graphml``
    yEd, Gephi, Cytoscape, igraph. One GraphML edge per relation (a second
    relation between the same pair becomes a parallel edge), attributes as
    scalars: lists are joined with ``"; "``, names per language become
    ``name_<lang>`` and evidence becomes ``quotes`` / ``sources`` /
    ``announcements``.
``json``
    The node-link contract of :func:`orgmodel.report.snapshot_json` (d3,
    custom tools). There is one JSON shape, documented there.
``mermaid``
    A top-down ``flowchart`` that code hosts render inside Markdown.
``csv``
    ``id,name,parent,title,reports_to``: one row per unit, person and post,
    the flat table spreadsheet users and chart libraries (d3.stratify,
    Google org chart) import. RFC 4180: CRLF line ends, minimal quoting.

>>> from orgmodel.history import load_history
>>> graph = load_history("seeds").snapshot("latest")
>>> export_text(graph, "csv").splitlines()[0]
'id,name,parent,title,reports_to'
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Callable, Iterator

import networkx as nx

from .errors import OrgModelError
from .model import display_name

#: Formats :func:`export_text` knows, in the order the CLI lists them.
FORMATS = ("graphml", "json", "mermaid", "csv", "dot", "outline")

#: Chart formats drawn by Graphviz (bytes, not text).
CHART_FORMATS = ("svg", "png", "pdf")

#: File name endings that imply a format (``export -o chart.mmd``).
SUFFIXES = {".graphml": "graphml", ".json": "json", ".mmd": "mermaid", ".mermaid": "mermaid", ".csv": "csv",
            ".dot": "dot", ".gv": "dot", ".md": "outline", ".svg": "svg", ".png": "png", ".pdf": "pdf"}

EdgeItem = tuple[str, str, dict[str, Any]]


def edge_items(g: nx.DiGraph) -> list[EdgeItem]:
    """Every relation of the snapshot, the rare second one (``also``) included, sorted."""
    items: list[EdgeItem] = []
    for s, t, d in g.edges(data=True):
        items.append((s, t, {k: v for k, v in d.items() if k != "also"}))
        for extra in d.get("also", ()):
            items.append((s, t, dict(extra)))
    items.sort(key=lambda e: (e[0], e[1], e[2]["kind"], e[2].get("line", ""), e[2].get("title", "")))
    return items


# ---------------------------------------------------------------- GraphML


def _joined(values: Any) -> str:
    return "; ".join(str(v) for v in values)


def _unique(values: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(values))


# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: _NOT_XML.sub(" ", v) if isinstance(v, str) else v for k, v in attrs.items()}


def _graphml_graph(g: nx.DiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` whose attribute values are all scalars GraphML can type."""
    out = nx.MultiDiGraph()
    for key in ("version", "index", "date", "precision", "approximate", "title"):
        if key in g.graph:
            out.graph[key] = g.graph[key]
    out.graph["sources"] = _joined(g.graph.get("sources", ()))
    out.graph.update(_xml_safe(out.graph))
    langs = sorted({lang for _, d in g.nodes(data=True) for lang in d.get("names", {})})
    for nid in sorted(g.nodes):
        d = g.nodes[nid]
        attrs: dict[str, Any] = {"type": d["type"], "name": d["name"], "label": d["name"]}
        if d.get("kind"):
            attrs["kind"] = d["kind"]
        if "collective" in d:
            attrs["collective"] = bool(d["collective"])
        for lang in langs:
            if lang in d.get("names", {}):
                attrs[f"name_{lang}"] = d["names"][lang]
        if d.get("aliases"):
            attrs["aliases"] = _joined(d["aliases"])
        out.add_node(_NOT_XML.sub(" ", nid), **_xml_safe(attrs))
    for n, (s, t, d) in enumerate(edge_items(g)):
        attrs = {"kind": d["kind"]}
        for key in ("title", "line"):
            if d.get(key):
                attrs[key] = d[key]
        evidence = d.get("evidence", ())
        attrs["announcements"] = _joined(_unique(e["announcement"] for e in evidence))
        attrs["sources"] = _joined(_unique(e["source"] for e in evidence))
        attrs["quotes"] = " | ".join(e["quote"] for e in evidence)
        out.add_edge(_NOT_XML.sub(" ", s), _NOT_XML.sub(" ", t), key=f"e{n}", **_xml_safe(attrs))
    return out


def graphml_text(g: nx.DiGraph) -> str:
    """The snapshot as GraphML (yEd, Gephi, igraph), one edge per relation."""
    buf = io.BytesIO()
    # The xml.etree writer (not lxml's) so the bytes do not depend on what else is installed.
    nx.write_graphml_xml(_graphml_graph(g), buf, encoding="utf-8", prettyprint=True)
    text = buf.getvalue().decode("utf-8").rstrip("\n") + "\n"
    return _xsd_booleans(text)


def _xsd_booleans(text: str) -> str:
    """Write booleans as XML Schema spells them (``true``), not as Python does (``True``)."""
    keys = re.findall(r'<key id="(\w+)" for="\w+" attr.name="[^"]*" attr.type="boolean"', text)
    for key in keys:
        text = re.sub(rf'(<data key="{key}">)(True|False)(</data>)',
                      lambda m: m.group(1) + m.group(2).lower() + m.group(3), text)
    return text


# ---------------------------------------------------------------- JSON


def json_text(g: nx.DiGraph) -> str:
    """The documented node-link JSON of ``orgmodel show --format json``."""
    from .report import dumps, snapshot_json

    return dumps(snapshot_json(g))


# ---------------------------------------------------------------- Mermaid

# Mermaid words that end a block or clash with its grammar when used as ids.
_MERMAID_RESERVED = {"end", "graph", "flowchart", "subgraph", "style", "class", "classdef",
                     "click", "call", "href", "linkstyle", "default", "direction"}

# Characters Mermaid would read as syntax inside a quoted label; written as
# its own "#code;" entities (decimal code points), which it decodes on render.
_MERMAID_ESCAPES = {'"': "#quot;", "#": "#35;", "<": "#lt;", ">": "#gt;", "&": "#amp;",
                    "`": "#96;", "|": "#124;", "\n": " ", "\r": " ", "\t": " "}


def mermaid_escape(text: str) -> str:
    """Text safe inside a double-quoted Mermaid label (node or edge)."""
    return "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in text)


def mermaid_ids(g: nx.DiGraph) -> dict[str, str]:
    """Registry id -> Mermaid node id: letters, digits and ``_`` only, unique, stable."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for nid in sorted(g.nodes):
        base = re.sub(r"[^A-Za-z0-9_]", "_", nid)
        if not base or not base[0].isalpha() or base.lower() in _MERMAID_RESERVED:
            base = f"n_{base}"
        candidate, n = base, 2
        while candidate in used:
            candidate, n = f"{base}_{n}", n + 1
        used.add(candidate)
        out[nid] = candidate
    return out


# Node shapes by type: units boxes, people rounded, posts stadiums.
_SHAPES = {"unit": ('["', '"]'), "person": ('("', '")'), "post": ('(["', '"])')}

_CLASS_DEFS = {
    "unit": "fill:#f4f6fa,stroke:#44546a,stroke-width:1px",
    "person": "fill:#ffffff,stroke:#44546a,stroke-width:1px",
    "post": "fill:#ffffff,stroke:#7f8c9a,stroke-width:1px,stroke-dasharray:4 3",
}


def _mermaid_edge(ids: dict[str, str], s: str, t: str, d: dict[str, Any]) -> str:
    """One relation drawn top-down: the parent unit above its sub-units and its
    people, a manager above a report. Only reporting lines have arrowheads."""
    kind = d["kind"]
    title = mermaid_escape(d.get("title") or "")
    if kind == "part_of":
        return f"  {ids[t]} --- {ids[s]}"
    if kind == "heads":
        return f'  {ids[t]} ===|"{title or "Head"}"| {ids[s]}'
    if kind == "holds":
        return f'  {ids[t]} ---|"{title}"| {ids[s]}' if title else f"  {ids[t]} --- {ids[s]}"
    if kind == "member_of":
        return f'  {ids[t]} -.-|"member"| {ids[s]}'
    if kind == "reports_to":
        if d.get("line") == "functional":
            return f'  {ids[t]} -.->|"dotted line"| {ids[s]}'
        return f"  {ids[t]} --> {ids[s]}"
    return f'  {ids[s]} -->|"{mermaid_escape(kind)}"| {ids[t]}'


def _implied_lines(items: list[EdgeItem]) -> set[tuple[str, str]]:
    """Business lines the unit tree already shows: a person in a unit reporting
    to its head, and the head of a unit reporting to the head of its parent."""
    parent = {s: t for s, t, d in items if d["kind"] == "part_of"}
    heads: dict[str, set[str]] = {}
    places: dict[str, set[str]] = {}
    for s, t, d in items:
        if d["kind"] == "heads":
            heads.setdefault(t, set()).add(s)
        if d["kind"] in ("heads", "holds", "member_of"):
            places.setdefault(s, set()).add(t)
    implied = set()
    for s, t, d in items:
        if d["kind"] != "reports_to" or d.get("line") == "functional":
            continue
        for unit in places.get(s, ()):
            own_heads = heads.get(unit, set()) - {s}
            if t in own_heads or (s in heads.get(unit, ()) and t in heads.get(parent.get(unit, ""), ())):
                implied.add((s, t))
    return implied


def mermaid_text(g: nx.DiGraph, lang: str = "en") -> str:
    """The snapshot as a Mermaid ``flowchart TD`` for Markdown on code hosts.

    Units are boxes, people rounded boxes, posts dashed stadiums. Sub-units
    and people hang below their unit on lines without arrowheads (thick for
    a head, labelled with the title). Arrows are reporting lines that the
    tree does not already show (a person reporting to the head of their own
    unit, or a head to the head of the parent unit, goes without one);
    dotted arrows are functional lines. Node ids derive from registry ids;
    every label is quoted and escaped, so any name (quotes, brackets, ``#``,
    CJK) is shown as written.
    """
    ids = mermaid_ids(g)
    title = mermaid_escape(f"{g.graph.get('version', '')} {g.graph.get('date', '')}".strip())
    lines = [f"%% {title}" if title else "%% snapshot", "flowchart TD"]
    for nid in sorted(g.nodes):
        d = g.nodes[nid]
        label = display_name(d["names"], lang) if d.get("names") else d["name"]
        start, end = _SHAPES.get(d["type"], _SHAPES["unit"])
        lines.append(f"  {ids[nid]}{start}{mermaid_escape(label)}{end}")
    items = edge_items(g)
    implied = _implied_lines(items)
    for s, t, d in items:
        if d["kind"] == "reports_to" and d.get("line") != "functional" and (s, t) in implied:
            continue
        lines.append(_mermaid_edge(ids, s, t, d))
    for kind, style in _CLASS_DEFS.items():
        members = [ids[n] for n in sorted(g.nodes) if g.nodes[n]["type"] == kind]
        if members:
            lines.append(f"  classDef {kind} {style}")
            lines.append(f"  class {','.join(members)} {kind}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- CSV

CSV_COLUMNS = ("id", "name", "parent", "title", "reports_to")

# Where a person sits when they have several positions: the unit they head
# first, then a post or unit they hold, then a membership.
_PLACEMENT = {"heads": 0, "holds": 1, "member_of": 2}


def _depths(g: nx.DiGraph, items: list[EdgeItem]) -> dict[str, int]:
    parent = {s: t for s, t, d in items if d["kind"] == "part_of"}

    def depth(u: str, seen: frozenset = frozenset()) -> int:
        if u not in parent or u in seen:
            return 0
        return 1 + depth(parent[u], seen | {u})

    return {n: depth(n) for n in g.nodes}


def csv_rows(g: nx.DiGraph, lang: str = "en") -> list[dict[str, str]]:
    """One row per node: a unit's parent unit; a person's unit and title.

    A person with several positions is placed at the one nearest the top:
    heading before holding before membership, then the unit highest in the
    tree, then by id. ``reports_to`` is the business manager only (dotted
    lines have no column; they are in the other formats).
    """
    items = edge_items(g)
    depth = _depths(g, items)
    parent: dict[str, str] = {}
    title: dict[str, str] = {}
    manager: dict[str, str] = {}
    placements: dict[str, list[tuple[int, int, str, str]]] = {}
    for s, t, d in items:
        kind = d["kind"]
        if kind == "part_of":
            parent[s] = t
        elif kind in _PLACEMENT:
            placements.setdefault(s, []).append((_PLACEMENT[kind], depth.get(t, 0), t, d.get("title") or ""))
        elif kind == "reports_to" and d.get("line") != "functional" and s not in manager:
            manager[s] = t
    for nid, options in placements.items():
        _, _, where, what = min(options)
        parent.setdefault(nid, where)
        title[nid] = what
    rows = []
    for nid in sorted(g.nodes):
        d = g.nodes[nid]
        rows.append({
            "id": nid,
            "name": display_name(d["names"], lang) if d.get("names") else d["name"],
            "parent": parent.get(nid, ""),
            "title": title.get(nid, ""),
            "reports_to": manager.get(nid, ""),
        })
    return rows


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection).

    Text that starts like a formula gets a leading apostrophe, which
    spreadsheets show as plain text; every other value is written as it is.
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_text(g: nx.DiGraph, lang: str = "en") -> str:
    """The ``id,name,parent,title,reports_to`` table (RFC 4180)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows({k: _inert_cell(v) for k, v in row.items()} for row in csv_rows(g, lang))
    return buf.getvalue()


# ---------------------------------------------------------------- DOT and dispatch


def dot_text(g: nx.DiGraph, lang: str = "en") -> str:
    """The chart's DOT source, from the chart module (the same DOT ``render`` lays out)."""
    try:
        from . import chart
    except ImportError as e:
        raise OrgModelError("DOT export needs the chart module (orgmodel.chart), which is not installed") from e
    return chart.snapshot_dot(g, lang=lang)


_WRITERS: dict[str, Callable[[nx.DiGraph, str], str]] = {
    "graphml": lambda g, lang: graphml_text(g),
    "json": lambda g, lang: json_text(g),
    "mermaid": mermaid_text,
    "csv": csv_text,
    "dot": dot_text,
    "outline": lambda g, lang: _outline(g, lang),
}


def _outline(g: nx.DiGraph, lang: str) -> str:
    from .outline import outline_markdown

    return outline_markdown(g, lang)


def format_for(path: str) -> str | None:
    """The format a file name implies by its ending, if any."""
    lower = path.lower()
    return next((fmt for suffix, fmt in SUFFIXES.items() if lower.endswith(suffix)), None)


def export_text(g: nx.DiGraph, fmt: str, lang: str = "en") -> str:
    """The snapshot ``g`` in format ``fmt`` (one of :data:`FORMATS`)."""
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise OrgModelError(f"unknown export format {fmt!r} (use one of: {', '.join(FORMATS)})") from None
    return writer(g, lang)


def export_bytes(g: nx.DiGraph, fmt: str, lang: str = "en") -> bytes:
    """Any export format as bytes: the text formats in UTF-8, and the chart
    drawn by Graphviz for ``svg``, ``png`` and ``pdf`` (as ``orgmodel render`` draws it)."""
    if fmt in CHART_FORMATS:
        from .render import render

        return render(dot_text(g, lang), fmt)
    return export_text(g, fmt, lang).encode("utf-8")
