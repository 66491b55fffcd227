"""Text and JSON views of versions, snapshots and timelines (pure functions).

The JSON shapes here are a documented contract (see README, "JSON output"):

``log``::

    [{"id", "date", "precision", "approximate", "title", "sources": [file names], "changes": N}]

``show``::

    {"version", "date", "nodes": [{"id", "type", "name", "names", "aliases"}],
     "edges": [{"source", "target", "kind", "line"?, "title"?, "evidence": [{"announcement", "source", "quote"}]}]}
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .history import Fact, History
from .model import display_name

if TYPE_CHECKING:
    import networkx as nx


def dumps(data: Any) -> str:
    """Deterministic JSON: sorted keys where order carries no meaning, UTF-8 text."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def date_label(date: str, approximate: bool) -> str:
    return f"c. {date}" if approximate else date


# ---------------------------------------------------------------- log


def log_entries(history: History) -> list[dict[str, Any]]:
    ds = history.dataset
    out = []
    for v in history.versions:
        a = v.announcement
        out.append({
            "id": a.id,
            "date": a.date,
            "precision": a.precision,
            "approximate": a.approximate,
            "title": a.title,
            "sources": [ds.sources[s].file.rsplit("/", 1)[-1] for s in a.sources],
            "changes": len(a.changes),
        })
    return out


def log_text(history: History) -> str:
    lines = []
    for e in log_entries(history):
        date = date_label(e["date"], e["approximate"])
        lines.append(f"{e['id']}  {date} ({e['precision']})  {e['title']}")
        lines.append(f"    {e['changes']} change{'s' if e['changes'] != 1 else ''}; sources: {', '.join(e['sources'])}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- show


def _edge_items(g: nx.DiGraph):
    for s, t, d in g.edges(data=True):
        yield s, t, {k: v for k, v in d.items() if k != "also"}
        for extra in d.get("also", ()):
            yield s, t, extra


def snapshot_json(g: nx.DiGraph) -> dict[str, Any]:
    nodes = []
    for nid in sorted(g.nodes):
        d = g.nodes[nid]
        nodes.append({
            "id": nid,
            "type": d["type"],
            "name": d["name"],
            "names": dict(sorted(d["names"].items())),
            "aliases": list(d["aliases"]),
        })
    edges = []
    for s, t, d in sorted(_edge_items(g), key=lambda e: (e[0], e[1], e[2]["kind"], e[2].get("line", ""))):
        edge: dict[str, Any] = {"source": s, "target": t, "kind": d["kind"]}
        if "line" in d:
            edge["line"] = d["line"]
        if "title" in d:
            edge["title"] = d["title"]
        edge["evidence"] = [dict(e) for e in d["evidence"]]
        edges.append(edge)
    return {"version": g.graph["version"], "date": g.graph["date"], "nodes": nodes, "edges": edges}


def _name(g: nx.DiGraph, nid: str, lang: str) -> str:
    return display_name(g.nodes[nid]["names"], lang)


def snapshot_tree(g: nx.DiGraph, lang: str = "en") -> str:
    """The snapshot as an indented outline a person can read in a terminal."""
    lines = [f"{g.graph['version']}  {date_label(g.graph['date'], g.graph['approximate'])}  {g.graph['title']}", ""]
    children: dict[str, list[str]] = {}
    heads: dict[str, list[tuple[str, str]]] = {}
    holders: dict[str, list[tuple[str, str, str]]] = {}
    lines_out: dict[str, list[tuple[str, str]]] = {}
    placed: set[str] = set()
    for s, t, d in _edge_items(g):
        kind = d["kind"]
        if kind == "part_of":
            children.setdefault(t, []).append(s)
        elif kind == "heads":
            heads.setdefault(t, []).append((s, d.get("title", "")))
            placed.add(s)
        elif kind in ("holds", "member_of"):
            holders.setdefault(t, []).append((s, d.get("title", ""), kind))
            placed.add(s)
        elif kind == "reports_to":
            lines_out.setdefault(s, []).append((t, d["line"]))

    def who(p: str) -> str:
        text = _name(g, p, lang)
        extra = [f"{'reports to' if line == 'business' else 'dotted line to'} {_name(g, t, lang)}"
                 for t, line in sorted(lines_out.get(p, []), key=lambda x: (x[1], x[0]))]
        return text + (f"  [{'; '.join(extra)}]" if extra else "")

    def unit(u: str, depth: int) -> None:
        pad = "  " * depth
        kind = g.nodes[u].get("kind")
        lines.append(f"{pad}{_name(g, u, lang)}" + (f" ({kind})" if kind else ""))
        for p, title in sorted(heads.get(u, [])):
            lines.append(f"{pad}  * {title}: {who(p)}")
        for p, title, kind_ in sorted(holders.get(u, [])):
            label = title if kind_ == "holds" else "member"
            lines.append(f"{pad}  - {label}: {who(p)}")
        for c in sorted(children.get(u, []), key=lambda c: _name(g, c, lang)):
            unit(c, depth + 1)

    units = [n for n, d in g.nodes(data=True) if d["type"] == "unit"]
    roots = sorted((u for u in units if not any(d["kind"] == "part_of" for _, _, d in g.out_edges(u, data=True))),
                   key=lambda u: _name(g, u, lang))
    for r in roots:
        unit(r, 0)
    others = sorted(n for n, d in g.nodes(data=True) if d["type"] in ("person", "post") and n not in placed)
    if others:
        lines.append("")
        lines.append("Outside any unit:")
        for p in others:
            kind = " (post)" if g.nodes[p]["type"] == "post" else ""
            lines.append(f"  - {who(p)}{kind}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- history of an entity


def describe_fact(history: History, fact: Fact, entity: str, lang: str = "en") -> str:
    ds = history.dataset

    def n(i: str) -> str:
        return ds.entities[i].name(lang)

    kind, key, value = fact.key[0], fact.key, fact.value
    if kind == "unit":
        return f"unit {display_name(dict(value), lang)}"
    if kind == "parent":
        return f"{n(key[1])} is part of {n(value)}"
    if kind == "pos":
        title, head = value
        return f"{n(key[1])}: {title} of {n(key[2])}" + (" (head)" if head else "")
    if kind == "line":
        return f"{n(key[1])} reports to {n(value)}"
    if kind == "fline":
        return f"{n(key[1])} has a dotted (functional) line to {n(key[2])}"
    if kind == "member":
        return f"{n(key[1])} is a member of {n(key[2])}"
    return repr(key)


def timeline(history: History, entity: str, lang: str = "en") -> list[dict[str, Any]]:
    """Every fact about ``entity`` as events in version order.

    ``from``: the fact starts; ``confirmed``: a later announcement restates it;
    ``until``: it ends. Each event carries the quotes of its own announcement.
    """
    index_of = {v.id: v.index for v in history.versions}
    events = []

    def add(k: int, kind: str, text: str, evidence) -> None:
        ann = history.versions[k].announcement
        events.append({"index": k, "version": ann.id, "date": date_label(ann.date, ann.approximate),
                       "event": kind, "what": text, "evidence": [e.as_dict() for e in evidence]})

    for fact in history.entity_facts(entity):
        text = describe_fact(history, fact, entity, lang)
        by_ann: dict[int, list] = {}
        for e in fact.evidence:
            by_ann.setdefault(index_of[e.announcement], []).append(e)
        for k, evidence in sorted(by_ann.items()):
            add(k, "from" if k == fact.start else "confirmed", text, evidence)
        if fact.end < len(history.versions):
            add(fact.end, "until", text, fact.end_evidence)
    order = {"until": 0, "from": 1, "confirmed": 2}
    events.sort(key=lambda e: (e["index"], order[e["event"]], e["what"]))
    return events


def timeline_text(history: History, entity: str, lang: str = "en") -> str:
    ent = history.dataset.entities[entity]
    kind = history.dataset.kinds[entity]
    head = f"{ent.name(lang)} ({kind} {entity})"
    others = [n for l_, n in sorted(ent.names.items()) if n != ent.name(lang)] + list(ent.aliases)
    if others:
        head += f"; also: {', '.join(others)}"
    lines = [head]
    events = timeline(history, entity, lang)
    if not events:
        lines.append("  no announcement mentions it")
    last = None
    for e in events:
        if e["version"] != last:
            lines.append("")
            lines.append(f"{e['date']}  {e['version']}")
            last = e["version"]
        verb = {"from": "+", "until": "-", "confirmed": "="}[e["event"]]
        lines.append(f"  {verb} {e['what']}")
        for ev in e["evidence"]:
            lines.append(f"      “{ev['quote']}” [{ev['source']}]")
    return "\n".join(lines) + "\n"
