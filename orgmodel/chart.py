"""Snapshots and diffs -> Graphviz DOT text for org charts (pure, no disk).

How a snapshot becomes a chart (the rule docs/charts.md documents):

* A unit is a box: its name in bold, its kind below, then one row per person
  with a place in it: heads first, then post holders, then members, each as
  name and title. A person who heads three units appears in all three boxes;
  no separate person box is drawn for anyone who has a row somewhere.
* Sub-units hang below their parent unit, connected without arrowheads.
* A person with no unit hangs below the box of the person they report to; a
  post (vacant or collective) the same, or below the person its functional
  line goes to.
* A business line is drawn only where the structure does not already say it
  (the head of a unit reporting to the head of its parent unit, or a person
  in a unit reporting to its head, goes without a line). Functional lines are
  dashed, lighter, labelled and do not take part in the layout.
* A unit with more than ``styles.WRAP`` sub-units draws those without
  sub-units of their own (and without lines other than the structure
  attached) as a grid of boxes in one frame, a few per row, so that wide
  levels fit a page.

Every entity of the snapshot is an SVG element with a stable id (``n-ID`` for
boxes, ``r-UNIT__PERSON__ROLE`` for rows) and a tooltip that becomes its
``<title>`` (see :mod:`orgmodel.render`).

A diff chart is the union of two snapshots laid out once. :func:`diff_chart`
returns the DOT text and, for each view (before, after, diff), which element
ids to drop and which texts to swap, so every view comes from one layout and
nothing unchanged moves between before and after. The union itself, and the
changed part and context a diff of a large organisation draws, are built in
:mod:`orgmodel.chart_union`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import networkx as nx

from . import styles as st
from .chart_union import CONTEXT_LIMIT, ROLE_ORDER, Union, context_nodes, edge_items, edge_items_from, single, union
from .errors import RefError, RenderError
from .model import display_name

# The union and its context live in chart_union; they are part of this module's interface too.
__all__ = ["CONTEXT_LIMIT", "ROLE_ORDER", "DiffChart", "Union", "View", "context_nodes", "date_label", "diff_chart",
           "edge_items", "edge_items_from", "focus_graph", "html", "quote", "single", "snapshot_dot", "union", "wrap"]


# ------------------------------------------------------------------ escaping


def _clean(text: Any) -> str:
    """Text without control characters (Graphviz and XML reject most of them); newlines kept."""
    return "".join(c if (c >= " " and c != "\x7f") or c == "\n" else " " for c in str(text))


def html(text: Any) -> str:
    """Escape text for a Graphviz HTML-like label (also safe in the SVG)."""
    t = _clean(text).replace("\\", "\\\\")
    t = t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return t.replace("\n", "&#10;")


def quote(text: Any) -> str:
    """A DOT double-quoted string; backslashes are doubled so no escape sequence survives."""
    t = _clean(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{t}"'


def _attrs(attrs: Mapping[str, Any]) -> str:
    parts = []
    for k, v in attrs.items():
        if k == "label" and isinstance(v, str) and v.startswith("<") and v.endswith(">"):
            parts.append(f"label={v}")
        else:
            parts.append(f"{k}={quote(v)}")
    return "[" + " ".join(parts) + "]"


def _row_id(k: tuple) -> str:
    s, t, kind, _ = k
    return f"r-{t}__{s}__{kind}"


# ------------------------------------------------------------------ focus


def focus_graph(g: nx.DiGraph, focus: str, depth: int | None = None) -> nx.DiGraph:
    """The part of a snapshot around ``focus``: a unit's subtree, or a person's neighbourhood.

    For a unit, its sub-units down to ``depth`` levels (all when None) with the
    people and posts attached to them. For a person or post, everything within
    ``depth`` relations (default 1), with the units they sit in.
    """
    if focus not in g:
        raise RefError(f"{focus!r} is not in snapshot {g.graph.get('version')} (use an id from `orgmodel show`)")
    keep: set[str] = set()
    if g.nodes[focus]["type"] == "unit":
        frontier, level = [focus], 0
        keep.add(focus)
        while frontier and (depth is None or level < depth):
            nxt = [s for u in frontier for s, _, d in g.in_edges(u, data=True) if d["kind"] == "part_of"]
            keep.update(nxt)
            frontier, level = nxt, level + 1
    else:
        keep = set(nx.ego_graph(g.to_undirected(as_view=True), focus, radius=1 if depth is None else depth))
        for n in list(keep):
            keep.update(t for _, t, d in edge_items_from(g, n) if d["kind"] in ROLE_ORDER)
    for n in list(keep):
        if g.nodes[n]["type"] == "unit":
            for s, _, d in g.in_edges(n, data=True):
                if d["kind"] in ROLE_ORDER or d.get("also"):
                    keep.add(s)
    sub = g.subgraph(sorted(keep)).copy()
    sub.graph.update(g.graph)
    sub.graph["focus"] = focus
    return sub



# ------------------------------------------------------------------ the builder


@dataclass
class View:
    """How one view of a diff chart differs from the laid-out union."""

    hide: frozenset[str]
    text: dict[str, str]


@dataclass
class DiffChart:
    """DOT text of a union layout and the views drawn from it."""

    dot: str
    views: dict[str, View]
    keep: frozenset[str] | None = None


class _Builder:
    """Turns a :class:`Union` into DOT text; one instance per chart."""

    def __init__(self, u: Union, lang: str, diff: bool, keep: set[str] | None = None):
        self.u, self.lang, self.diff = u, lang, diff
        self.keep = keep
        self.side: dict[str, str] = {}             # element id -> both | before | after
        self.text: dict[str, dict[str, str]] = {}  # element id -> view -> replacement text
        self.out: list[str] = []
        self._index()

    # -- reading the union

    def _in(self, n: str) -> bool:
        return self.keep is None or n in self.keep

    def name(self, n: str, names: Mapping[str, str] | None = None) -> str:
        d = self.u.nodes[n]
        return display_name(names if names is not None else (d.get("names") or {"en": d.get("name", n)}), self.lang)

    def _change(self, n: str) -> str | None:
        return self.u.node_change.get(n) if self.diff else None

    def _echange(self, k: tuple) -> str | None:
        return self.u.edge_change.get(k) if self.diff else None

    def _index(self) -> None:
        u = self.u
        self.units = sorted((n for n, d in u.nodes.items() if d["type"] == "unit" and self._in(n)), key=self._sort)
        self.parent: dict[str, tuple] = {}       # unit -> key of its drawn (newest) parent edge
        self.old_parent: list[tuple] = []
        self.roles: dict[str, list[tuple]] = {}  # unit or post -> role edge keys
        self.business: list[tuple] = []
        self.functional: list[tuple] = []
        for k in u.edges:
            s, t, kind, line = k
            if not (self._in(s) and self._in(t)):
                continue
            if kind == "part_of":
                if s not in self.parent:
                    self.parent[s] = k
                elif u.edge_side[k] == "before":
                    self.old_parent.append(k)
                else:
                    self.old_parent.append(self.parent[s])
                    self.parent[s] = k
            elif kind in ROLE_ORDER:
                self.roles.setdefault(t, []).append(k)
            elif kind == "reports_to":
                (self.business if line == "business" else self.functional).append(k)
        for rows in self.roles.values():
            rows.sort(key=lambda k: (ROLE_ORDER[k[2]], self._sort(k[0])))
        self.anchor: dict[str, tuple[str, str]] = {}  # person -> (box, port) where the person is drawn
        for box in sorted(self.roles, key=lambda b: (self._depth(b), self._sort(b))):
            for k in self.roles[box]:
                self.anchor.setdefault(k[0], (box, self._port(k)))
        self.loose = sorted((n for n, d in u.nodes.items() if d["type"] != "unit" and self._in(n)
                             and n not in self.anchor), key=self._sort)
        self._place()

    def _place(self) -> None:
        """Decide what hangs under what, and which leaf units share a grid box."""
        self.placed: dict[str, tuple[str, tuple | None]] = {}  # loose box -> (box above, line key)
        for k in self.business:
            s, t = k[0], k[1]
            if s in self.loose and s not in self.placed and (t in self.anchor or t in self.loose):
                self.placed[s] = (self.anchor.get(t, (t, ""))[0], k)
        for k in self.functional:
            s, t = k[0], k[1]
            if s in self.loose and s not in self.placed and t in self.anchor:
                self.placed[s] = (self.anchor[t][0], None)
        self.children: dict[str, list[tuple[str, tuple | None]]] = {}
        for n in self.units:
            if n in self.parent:
                self.children.setdefault(self.parent[n][1], []).append((n, self.parent[n]))
        for n in self.loose:
            if n in self.placed:
                self.children.setdefault(self.placed[n][0], []).append((n, self.placed[n][1]))
        self.grid: dict[str, list[str]] = {}   # parent unit -> leaf units drawn in one grid box
        self.where: dict[str, str] = {}        # unit in a grid -> the grid's node id
        linked = self._linked()
        for box, kids in self.children.items():
            leaves = sorted((c for c, _ in kids if c not in self.children and c not in linked
                             and self.u.nodes[c]["type"] == "unit"),
                            key=lambda c: (len(self.roles.get(c, ())), self._sort(c)))
            if len(kids) > st.WRAP and len(leaves) >= 3:
                self.grid[box] = leaves
                for leaf in leaves:
                    self.where[leaf] = f"grid-{box}"

    def _linked(self) -> set[str]:
        """Boxes that lines other than the structure attach to; they stay out of grids."""
        ends: set[str] = set()
        for k in self.functional + [k for k in self.business if self._drawn(k)]:
            ends.update(self.anchor[n][0] for n in k[:2] if n in self.anchor)
        for k in self.old_parent:
            ends.update(k[:2])
        return ends

    def _drawn(self, k: tuple) -> bool:
        """Whether business line ``k`` gets a line of its own (rather than being placement or implied)."""
        if k[0] in self.placed and self.placed[k[0]][1] == k:
            return False
        return not self._implied(k) or self._shows_change(k)

    def _sort(self, n: str) -> tuple:
        return (self.name(n).casefold(), n)

    def _depth(self, n: str) -> int:
        seen, d = {n}, 0
        while n in self.parent:
            n = self.parent[n][1]
            if n in seen:
                break
            seen.add(n)
            d += 1
        return d

    @staticmethod
    def _port(k: tuple) -> str:
        return f"p-{k[1]}__{k[0]}__{k[2]}"

    def _ref(self, box: str, port: str | None = None) -> str:
        """The DOT endpoint of a box (a node, or a cell of a grid node)."""
        if box in self.where:
            return f"{quote(self.where[box])}:{quote(port or 'u-' + box)}"
        return f"{quote(box)}:{quote(port)}" if port else quote(box)

    def _end(self, person: str) -> str:
        if person in self.anchor:
            return self._ref(*self.anchor[person])
        return quote(person)

    # -- labels

    def _tooltip(self, n: str) -> str:
        d = self.u.nodes[n]
        parts = [self.name(n)]
        other = [f"{lang}: {v}" for lang, v in sorted((d.get("names") or {}).items()) if v != parts[0]]
        if other:
            parts.append("; ".join(other))
        if d.get("kind"):
            parts.append(str(d["kind"]))
        change = self._change(n)
        if change:
            parts.append(change.upper())
        if n in self.u.old_names:
            parts.append(f"renamed from: {self.name(n, self.u.old_names[n])}")
        parts.extend(self.u.notes.get(n, ()))
        return _with_quotes(parts, d.get("evidence"))

    def _row(self, k: tuple, box_change: str | None) -> str:
        s, t, kind, _ = k
        d = self.u.edges[k]
        rid = _row_id(k)
        self.side[rid] = self.u.edge_side[k]
        change = self._echange(k)
        role = str(d.get("title") or ("member" if kind == "member_of" else ""))
        tip = [f"{self.name(s)}: {role}, {self.name(t)}"]
        if change:
            tip.insert(0, change.upper())
        if k in self.u.old_titles and self.diff:
            was = self.u.old_titles[k]
            self.text[f"{rid}#last"] = {"before": was, "after": role, "diff": f"{role} (was {was})"}
            tip.insert(1, f"title was: {was}")
            role = f"{role} (was {was})"
        tip = _with_quotes(tip + self.u.notes.get(s, []), d.get("evidence")).split("\n")
        color, marker = st.TEXT["name"], ""
        if change and change != box_change:
            color, marker = st.CHANGE[change]["color"], f"{st.CHANGE[change]['marker']} "
        who = html(self.name(s))
        name_html = f"<B>{who}</B>" if kind == "heads" else who
        if change == "removed":
            name_html = f"<S>{name_html}</S>"
        body = f'<FONT COLOR="{color}">{html(marker)}{name_html}</FONT>'
        if role:
            lines = [role] if k in self.u.old_titles else wrap(role, 34)
            body += "".join(f'<BR/><FONT POINT-SIZE="{st.SMALL_FONT_SIZE}" COLOR="{st.TEXT["title"]}">{html(line)}</FONT>'
                            for line in lines)
        frame = ' BGCOLOR="transparent"' if f"{rid}#last" in self.text else ""  # lets a view re-centre the text
        return (f'<TR><TD ID="{html(rid)}" PORT="{html(self._port(k))}" HREF="#" TOOLTIP="{html(chr(10).join(tip))}"'
                f'{frame}>{body}</TD></TR>')

    def _header(self, n: str) -> str:
        """Box heading; a renamed unit shows both names in the diff view, one in the others."""
        new = self.name(n)
        if n in self.u.old_names and self.diff:
            old = self.name(n, self.u.old_names[n])
            self.text[f"t-{n}"] = {"before": old, "after": new, "diff": f"{new} (was {old})"}
            return html(f"{new} (was {old})")
        return "<BR/>".join(html(line) for line in wrap(new))

    def _table(self, n: str, extra: str = "") -> str:
        """The inside of a box: heading, kind, and one row per person placed in it."""
        d = self.u.nodes[n]
        rows = self.roles.get(n, [])
        header = self._header(n)
        head = f"<I>{header}</I>" if d["type"] == "post" else f"<B>{header}</B>"
        sub = html(d.get("kind") or "") if d["type"] == "unit" else ""
        if d["type"] == "post":
            sub = "post, one in each" if d.get("collective") else ("post" if rows else "post, vacant or unnamed")
        frame = ' BGCOLOR="transparent"' if f"t-{n}" in self.text else ""
        cells = [f'<TR><TD ID="{html("t-" + n)}" HREF="#" TOOLTIP="{html(self._tooltip(n))}"{frame}>{head}</TD></TR>']
        if sub:
            cells.append(f'<TR><TD><FONT POINT-SIZE="{st.SMALL_FONT_SIZE}" COLOR="{st.TEXT["kind"]}">{sub}</FONT></TD></TR>')
        if rows:
            cells.append("<HR/>")
            cells.extend(self._row(k, self._change(n)) for k in rows)
        return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2"{extra}>{"".join(cells)}</TABLE>'

    # -- emitting

    def node(self, n: str) -> None:
        d = self.u.nodes[n]
        attrs = st.node_attrs(d["type"], self._change(n))
        cls = " ".join(c for c in (d["type"], self._change(n)) if c)
        attrs.update({"id": f"n-{n}", "class": cls, "tooltip": self._tooltip(n),
                      "label": f"<{self._table(n)}>"})
        self.side[f"n-{n}"] = self.u.node_side.get(n, "both")
        self.out.append(f"  {quote(n)} {_attrs(attrs)}")

    def grid_node(self, box: str, leaves: list[str]) -> None:
        """Leaf sub-units of a wide level as one box of boxes, a few per row."""
        rows = math.ceil(len(leaves) / max(2, math.ceil(math.sqrt(len(leaves) * 2))))
        cols = math.ceil(len(leaves) / rows)
        cells, row = [], []
        for i, leaf in enumerate(leaves):
            self.side[f"n-{leaf}"] = self.u.node_side.get(leaf, "both")
            a = st.node_attrs("unit", self._change(leaf))
            width = max(1, round(float(a["penwidth"])))
            style = next((s for s in a["style"].split(",") if s in ("dashed", "dotted")), None)
            inner = self._table(leaf)
            if a.get("peripheries") == "2":
                inner = (f'<TABLE BORDER="1" COLOR="{a["color"]}" CELLBORDER="0" CELLPADDING="0" CELLSPACING="2">'
                         f'<TR><TD>{inner}</TD></TR></TABLE>')
            row.append(f'<TD ID="{html("n-" + leaf)}" PORT="{html("u-" + leaf)}" HREF="#" TOOLTIP="{html(self._tooltip(leaf))}" '
                       f'BORDER="{width}" COLOR="{a["color"]}" BGCOLOR="{a["fillcolor"]}"'
                       f'{f" STYLE={chr(34)}{style}{chr(34)}" if style else ""} CELLPADDING="3" VALIGN="TOP">{inner}</TD>')
            if len(row) == cols or i == len(leaves) - 1:
                cells.append(f'<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="8" CELLPADDING="0">'
                             f"<TR>{''.join(row)}</TR></TABLE></TD></TR>")
                row = []
        label = f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{"".join(cells)}</TABLE>>'
        attrs = {"shape": "box", "style": "rounded,dashed", "color": st.GRID_COLOR, "penwidth": "1", "margin": "0.02",
                 "id": f"grid-{box}", "class": "grid", "tooltip": f"Units under {self.name(box)}", "label": label}
        self.side[f"grid-{box}"] = "both"
        self.out.append(f"  {quote('grid-' + box)} {_attrs(attrs)}")

    def edge(self, tail: str, head: str, eid: str, side: str, attrs: dict[str, str]) -> None:
        self.side[eid] = side
        change = next((c for c in st.CATEGORIES if attrs.get("color") == st.CHANGE[c]["color"]), None)
        extra = {"class": change} if change else {}
        self.out.append(f"  {tail} -> {head} {_attrs({'id': eid, **extra, **attrs})}")

    def build(self, title_rows: list[tuple[str, str, dict[str, str] | None]], legend: bool) -> str:
        u = self.u
        for n in self.units:
            if n not in self.where:
                self.node(n)
        for n in self.loose:
            self.node(n)
        for box in sorted(self.grid, key=self._sort):
            self.grid_node(box, self.grid[box])
        for box in sorted(self.children, key=self._sort):
            self._children(box)
        for k in self.old_parent:
            self.edge(self._ref(k[1]), self._ref(k[0]), f"e-part_of-{k[0]}__{k[1]}", u.edge_side[k],
                      {**st.edge_attrs("structure", self._echange(k)), "constraint": "false",
                       "tooltip": self._edge_tip(k)})
        for k in self.business:
            if not self._drawn(k):
                continue
            self.edge(self._end(k[1]), self._end(k[0]), f"e-business-{k[0]}__{k[1]}", u.edge_side[k],
                      {**st.edge_attrs("business", self._echange(k)), "constraint": "false",
                       "tooltip": self._edge_tip(k)})
        for k in self.functional:
            attrs = st.edge_attrs("functional", self._echange(k))
            attrs.update(label="functional", tooltip=self._edge_tip(k))
            self.edge(self._end(k[0]), self._end(k[1]), f"e-functional-{k[0]}__{k[1]}", u.edge_side[k], attrs)
        return self._document(title_rows, legend)

    def _children(self, box: str) -> None:
        grid = self.grid.get(box, [])
        if grid:
            side = "both" if any(self.u.node_side.get(c) == "both" for c in grid) else self.u.node_side[grid[0]]
            self.edge(quote(box) + ":s", quote(f"grid-{box}") + ":n", f"e-grid-{box}", side,
                      {**st.edge_attrs("structure"), "tooltip": f"Units under {self.name(box)}"})
        for child, k in sorted(self.children[box], key=lambda c: self._sort(c[0])):
            if child in grid:
                continue
            if k is None:
                self.edge(quote(box), quote(child), f"e-place-{child}__{box}", self.u.node_side.get(child, "both"),
                          {"style": "invis"})
                continue
            line = "structure" if k[2] == "part_of" else "business"
            tail = self._end(k[1]) if line == "business" else self._ref(box)
            self.edge(tail + ":s", quote(child) + ":n", f"e-{k[2]}-{k[0]}__{k[1]}", self.u.edge_side[k],
                      {**st.edge_attrs(line, self._echange(k)), "tooltip": self._edge_tip(k)})

    def _implied(self, k: tuple) -> bool:
        """True when the structure already says that ``k[0]`` reports to ``k[1]``."""
        s, t = k[0], k[1]

        def heads(box: str) -> set[str]:
            return {x[0] for x in self.roles.get(box, []) if x[2] == "heads"}

        for box, rows in self.roles.items():
            for r in rows:
                if r[0] != s:
                    continue
                if r[2] != "heads" and t in heads(box):
                    return True
                par = self.parent.get(box)
                if r[2] == "heads" and par and t in heads(par[1]):
                    return True
        return False

    def _shows_change(self, k: tuple) -> bool:
        return bool(self._echange(k) and not any(
            self._echange(r) for rows in self.roles.values() for r in rows if r[0] == k[0]))

    def _edge_tip(self, k: tuple) -> str:
        s, t, kind, line = k
        verb = {"part_of": "is part of", "heads": "heads", "holds": "holds a post in",
                "member_of": "is a member of"}.get(kind, "reports to" if line == "business"
                                                   else "has a functional (dotted) line to")
        parts = [f"{self.name(s)} {verb} {self.name(t)}"]
        change = self._echange(k)
        if change:
            parts.insert(0, change.upper())
        parts += [_cite(ev) for ev in self.u.edges[k].get("evidence") or ()]
        return "\n".join(parts)

    def _document(self, title_rows: list[tuple[str, str, dict[str, str] | None]], legend: bool) -> str:
        head = [
            "digraph orgchart {",
            f'  graph [rankdir="TB" splines="polyline" ranksep="{st.RANKSEP}" nodesep="{st.NODESEP}" '
            f'fontname="{st.FONT}" fontsize="{st.FONT_SIZE}" labelloc="t" labeljust="l" '
            f'outputorder="edgesfirst" pad="0.25" id="chart"',
            f"    label={_title_block(title_rows, self.text)}]",
            f'  node [fontname="{st.FONT}" fontsize="{st.FONT_SIZE}" margin="0.06,0.03"]',
            f'  edge [fontname="{st.FONT}" fontsize="{st.SMALL_FONT_SIZE}" fontcolor="{st.TEXT["kind"]}"]',
        ]
        if legend:
            head.append(f'  "legend" [shape="plain" id="legend" class="legend" tooltip="Legend" label={_legend()}]')
        return "\n".join(head + self.out + ["}"]) + "\n"


def wrap(text: str, width: int = 24) -> list[str]:
    """Split a long name into lines at spaces so boxes stay narrow (no split inside a word)."""
    words, lines, cur = text.split(" "), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    lines.append(cur)
    return lines


def _with_quotes(parts: list[str], evidence: Iterable[Mapping[str, Any]] | None) -> str:
    """Tooltip lines plus the quotes of ``evidence`` that no line already cites."""
    text = "\n".join(parts)
    extra = [_cite(ev) for ev in evidence or () if f"\u201c{ev.get('quote', '')}\u201d" not in text]
    return "\n".join([*parts, *extra])


def _cite(ev: Mapping[str, Any]) -> str:
    return f"\u201c{ev.get('quote', '')}\u201d ({ev.get('source', '')}, {ev.get('announcement', '')})"


def _title_block(rows: list[tuple[str, str, dict[str, str] | None]], text: dict[str, dict[str, str]]) -> str:
    cells = []
    for i, (rid, content, variants) in enumerate(rows):
        size = st.TITLE_FONT_SIZE if i == 0 else (st.FONT_SIZE if i == 1 else st.SMALL_FONT_SIZE)
        body = f"<B>{html(content)}</B>" if i == 0 else html(content)
        if variants:
            text[rid] = variants
        cells.append(f'<TR><TD ID="{rid}" HREF="#" TOOLTIP="{html(content)}" ALIGN="LEFT">'
                     f'<FONT POINT-SIZE="{size}" COLOR="{st.TEXT["name"] if i < 2 else st.TEXT["title"]}">{body}</FONT></TD></TR>')
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(cells)}</TABLE>>'


def _legend() -> str:
    rows = ['<TR><TD COLSPAN="3" ALIGN="LEFT"><B>Changes</B></TD></TR>']
    for cat in st.CATEGORIES:
        spec = st.CHANGE[cat]
        node = spec["node"]
        dash = f' STYLE="{node["dash"]}"' if "dash" in node else ""
        border = "3" if "peripheries" in node else str(int(float(node["penwidth"])))
        rows.append(
            f'<TR><TD BORDER="{border}" COLOR="{spec["color"]}" BGCOLOR="{spec["fill"]}"{dash} WIDTH="28" HEIGHT="14">'
            f'<FONT COLOR="{spec["color"]}">{html(spec["marker"])}</FONT></TD>'
            f'<TD ALIGN="LEFT"><FONT COLOR="{spec["color"]}">{html(spec["label"])}</FONT></TD>'
            f'<TD ALIGN="LEFT"><FONT POINT-SIZE="{st.SMALL_FONT_SIZE}" COLOR="{st.TEXT["title"]}">{html(spec["print"])}</FONT></TD></TR>')
    rows.append(f'<TR><TD COLSPAN="3" ALIGN="LEFT"><FONT POINT-SIZE="{st.SMALL_FONT_SIZE}" COLOR="{st.TEXT["title"]}">'
                'Hover a box or line for the change and its quote.</FONT></TD></TR>')
    return (f'<<TABLE BORDER="1" COLOR="#A0AEC0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2" BGCOLOR="#FFFFFF">'
            f'{"".join(rows)}</TABLE>>')


# ------------------------------------------------------------------ entry points


def date_label(graph: nx.DiGraph) -> str:
    date = graph.graph.get("date", "")
    return f"c. {date}" if graph.graph.get("approximate") else str(date)


def _sources(graph: nx.DiGraph, sources: Mapping[str, str] | None) -> str:
    ids = graph.graph.get("sources") or []
    return "Sources: " + "; ".join((sources or {}).get(s, s) for s in ids) if ids else "Sources: none"


def _check_size(n: int, force: bool) -> None:
    if n > st.MAX_NODES and not force:
        raise RenderError(f"this chart has {n} nodes; laying out more than {st.MAX_NODES} takes minutes "
                          "(draw a part with --focus ID --depth N, or pass --force to wait)")


def snapshot_dot(graph: nx.DiGraph, lang: str = "en", focus: str | None = None, depth: int | None = None,
                 sources: Mapping[str, str] | None = None, force: bool = False) -> str:
    """DOT text of the org chart of one snapshot.

    >>> import networkx as nx
    >>> g = nx.DiGraph(version="v1", date="2024", approximate=False, title="T", sources=[])
    >>> g.add_node("acme", type="unit", name="Acme", names={"en": "Acme"}, aliases=[], kind=None, evidence=[])
    >>> 'id="n-acme"' in snapshot_dot(g)
    True
    """
    if focus:
        graph = focus_graph(graph, focus, depth)
    _check_size(graph.number_of_nodes(), force)
    g = graph.graph
    rows = [("title-head", f"{g.get('title', '')}", None),
            ("title-date", f"{date_label(graph)}  \u00b7  version {g.get('version', '')}"
             + (f"  \u00b7  focus: {focus}" + (f", depth {depth}" if depth is not None else "") if focus else ""), None),
            ("title-sources", _sources(graph, sources), None)]
    return _Builder(single(graph), lang, diff=False).build(rows, legend=False)


def diff_chart(before: nx.DiGraph, after: nx.DiGraph, lang: str = "en", sources: Mapping[str, str] | None = None,
               changes: Iterable[Any] = (), everything: bool = False, context_limit: int = CONTEXT_LIMIT,
               force: bool = False, context: Iterable[str] | None = None) -> DiffChart:
    """The union of two snapshots laid out once, and its before, after and diff views.

    ``changes`` (objects with ``kind``, ``subject`` and
    ``evidence``, as :mod:`orgmodel.diff` makes them) add the change and its
    quote to the tooltips of what they are about. Unless ``everything``, a
    union larger than ``context_limit`` nodes is cut down to the changed
    part and its context. ``context``, when given, is that part computed
    beforehand (see :func:`orgmodel.chart_union.diff_context`); the snapshots
    may then be partial ones that hold at least every relation of it.
    """
    u = union(before, after)
    grouped: dict[str, dict[str, list[str]]] = {}  # subject -> quotes -> change kinds citing them
    for ch in changes:
        if ch.subject in u.nodes:
            quotes = " ".join(_cite(ev) for ev in getattr(ch, "evidence", ()) or ())
            kinds = grouped.setdefault(ch.subject, {}).setdefault(quotes, [])
            if ch.kind.replace("_", " ") not in kinds:
                kinds.append(ch.kind.replace("_", " "))
    for subject, by_quote in grouped.items():
        u.notes[subject] = [", ".join(kinds) + (f": {quotes}" if quotes else "") for quotes, kinds in by_quote.items()]
    if context is not None:
        keep: set[str] | None = set(context)
    else:
        keep = None if everything else context_nodes(u, context_limit)
    _check_size(len(keep if keep is not None else u.nodes), force)
    a, b = before.graph, after.graph
    head = {"before": f"Before: {a.get('title', '')}", "after": f"After: {b.get('title', '')}",
            "diff": f"Changes: {b.get('title', '')}"}
    dates = {"before": f"{date_label(before)}  \u00b7  version {a.get('version', '')}",
             "after": f"{date_label(after)}  \u00b7  version {b.get('version', '')}",
             "diff": f"{date_label(before)} \u2192 {date_label(after)}  \u00b7  "
                     f"{a.get('version', '')} \u2192 {b.get('version', '')}"}
    srcs = {"before": _sources(before, sources), "after": _sources(after, sources)}
    srcs["diff"] = srcs["after"]
    if keep is not None:
        dates = {k: v + "  \u00b7  changed part and its context" for k, v in dates.items()}
    rows = [("title-head", max(head.values(), key=len), head),
            ("title-date", max(dates.values(), key=len), dates),
            ("title-sources", max(srcs.values(), key=len), srcs)]
    builder = _Builder(u, lang, diff=True, keep=keep)
    dot = builder.build(rows, legend=True)
    views = {
        "before": View(frozenset(i for i, s in builder.side.items() if s == "after"),
                       {i: v["before"] for i, v in builder.text.items()}),
        "after": View(frozenset(i for i, s in builder.side.items() if s == "before"),
                      {i: v["after"] for i, v in builder.text.items()}),
        "diff": View(frozenset(), {i: v["diff"] for i, v in builder.text.items()}),
    }
    return DiffChart(dot, views, frozenset(keep) if keep is not None else None)
