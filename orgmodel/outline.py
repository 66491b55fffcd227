"""The text alternative of a chart: the unit tree and reporting lines as a nested list.

A chart is an image; people who use a screen reader, read a diff of the docs
or search the page need the same content as text. The outline says what the
chart draws: each unit with its kind, its head and the people and posts in
it, sub-units nested below, and every reporting line ("reports to", "dotted
line to"). Posts and people that sit in no unit come last.

The outline is built once as a small tree of :class:`Item` (so the Sphinx
extension can turn it into docutils nodes) and formatted as Markdown by
:func:`outline_markdown`, for ``charts/README.md`` and any Markdown docs.

>>> from orgmodel.history import load_history
>>> graph = load_history("seeds").snapshot("latest")
>>> outline_markdown(graph).splitlines()[0]
'- **Alibaba Group** (group)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import networkx as nx

from .errors import RefError
from .model import display_name


@dataclass
class Item:
    """One line of the outline: ``label`` (a name, strong for units), then ``note``."""

    label: str
    strong: bool = False
    note: str = ""
    children: list["Item"] = field(default_factory=list)


class _Index:
    """The snapshot's relations grouped the way the outline reads them."""

    def __init__(self, g: nx.DiGraph, lang: str):
        self.g, self.lang = g, lang
        self.children: dict[str, list[str]] = {}
        self.parent: dict[str, str] = {}
        self.heads: dict[str, list[tuple[str, str]]] = {}
        self.members: dict[str, list[tuple[str, str]]] = {}
        self.lines: dict[str, list[tuple[str, str]]] = {}
        self.placed: dict[str, list[str]] = {}
        for s, t, d in _relations(g):
            kind = d["kind"]
            if kind == "part_of":
                self.children.setdefault(t, []).append(s)
                self.parent[s] = t
            elif kind == "heads":
                self.heads.setdefault(t, []).append((s, d.get("title") or "Head"))
                self.placed.setdefault(s, []).append(t)
            elif kind in ("holds", "member_of"):
                title = d.get("title") or ("Member" if kind == "member_of" else "")
                self.members.setdefault(t, []).append((s, title))
                self.placed.setdefault(s, []).append(t)
            elif kind == "reports_to":
                self.lines.setdefault(s, []).append((d.get("line", "business"), t))

    def name(self, nid: str) -> str:
        d = self.g.nodes[nid]
        return display_name(d["names"], self.lang) if d.get("names") else d["name"]

    def by_name(self, ids) -> list[str]:
        return sorted(ids, key=lambda n: (self.name(n).casefold(), n))

    def reporting(self, nid: str) -> str:
        parts = [f"{'reports to' if line == 'business' else 'dotted line to'} {self.name(t)}"
                 for line, t in sorted(self.lines.get(nid, []), key=lambda x: (x[0], self.name(x[1])))]
        return "; ".join(parts)


def _relations(g: nx.DiGraph):
    for s, t, d in g.edges(data=True):
        yield s, t, d
        for extra in d.get("also", ()):
            yield s, t, extra


def _person(ix: _Index, nid: str, title: str, seen: set[str]) -> Item:
    note = ix.reporting(nid)
    post = " (post)" if ix.g.nodes[nid]["type"] == "post" else ""
    label = f"{title}: {ix.name(nid)}" if title else ix.name(nid)
    item = Item(label + post, note=f", {note}" if note else "")
    if ix.g.nodes[nid]["type"] == "post" and nid not in seen:
        seen.add(nid)
        item.children = [_person(ix, p, t, seen) for p, t in sorted(ix.members.get(nid, []),
                                                                     key=lambda x: (ix.name(x[0]), x[1]))]
    return item


def _unit(ix: _Index, uid: str, depth: int | None, seen: set[str]) -> Item:
    seen.add(uid)
    kind = ix.g.nodes[uid].get("kind")
    item = Item(ix.name(uid), strong=True, note=f" ({kind})" if kind else "")
    for p, title in sorted(ix.heads.get(uid, []), key=lambda x: (ix.name(x[0]), x[1])):
        item.children.append(_person(ix, p, title, seen))
    for p, title in sorted(ix.members.get(uid, []), key=lambda x: (ix.name(x[0]), x[1])):
        item.children.append(_person(ix, p, title, seen))
    if depth is None or depth > 0:
        for c in ix.by_name(ix.children.get(uid, [])):
            if c not in seen:
                item.children.append(_unit(ix, c, None if depth is None else depth - 1, seen))
    return item


def _roots(ix: _Index, focus: str | None) -> list[str]:
    g = ix.g
    if focus is None:
        return ix.by_name(n for n, d in g.nodes(data=True) if d["type"] == "unit" and n not in ix.parent)
    if focus not in g:
        raise RefError(f"{focus!r} is not in snapshot {g.graph.get('version')} "
                       "(use a registry id of a unit, person or post that exists then)")
    if g.nodes[focus]["type"] == "unit":
        return [focus]
    return ix.by_name({u for u in ix.placed.get(focus, []) if g.nodes[u]["type"] == "unit"})


def outline_items(g: nx.DiGraph, lang: str = "en", focus: str | None = None,
                  depth: int | None = None) -> list[Item]:
    """The outline as a tree of :class:`Item`.

    ``focus`` limits it to a unit's subtree (or, for a person or post, the
    units they sit in) and ``depth`` to that many levels of sub-units below
    (0: the unit alone with its people). Without a focus, people and posts in
    no unit are listed under "Outside any unit".
    """
    ix = _Index(g, lang)
    seen: set[str] = set()
    items = [_unit(ix, u, depth, seen) for u in _roots(ix, focus)]
    if focus is None:
        loose = ix.by_name(n for n, d in g.nodes(data=True)
                           if d["type"] in ("person", "post") and n not in ix.placed and n not in seen)
        if loose:
            items.append(Item("Outside any unit", children=[_person(ix, n, "", seen) for n in loose]))
    elif g.nodes[focus]["type"] != "unit" and not items:
        items = [_person(ix, focus, "", seen)]
    return items


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LIST_START = re.compile(r"^(\d+)([.)])")


def markdown_escape(text: str) -> str:
    """Text that Markdown shows literally: no emphasis, links, HTML, entities,
    and no heading or list marker where the text starts. Line breaks become
    spaces, so a name never ends its list item."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))
    if text[:1] in ("#", "+", "-", "="):
        return "\\" + text
    return _MD_LIST_START.sub(r"\1\\\2", text)


def items_markdown(items: list[Item], indent: int = 0) -> list[str]:
    lines = []
    for item in items:
        label = markdown_escape(item.label)
        if item.strong:
            label = f"**{label}**"
        lines.append(f"{'  ' * indent}- {label}{markdown_escape(item.note)}")
        lines.extend(items_markdown(item.children, indent + 1))
    return lines


def outline_markdown(g: nx.DiGraph, lang: str = "en", focus: str | None = None,
                     depth: int | None = None) -> str:
    """The chart's text alternative as a nested Markdown list (see :func:`outline_items`)."""
    return "\n".join(items_markdown(outline_items(g, lang, focus, depth))) + "\n"
