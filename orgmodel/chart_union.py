"""The union of two snapshots, and the part of it a focused diff chart draws.

A diff chart lays out the elements of both snapshots at once, each marked
with its side (both, before, after) and its change. For a large organisation
only the changed part and its context is drawn (:func:`context_nodes`).
Building two whole snapshots just to cut them down to a few dozen boxes costs
seconds at 100,000 people, so :func:`diff_context` finds the same context
from the history's facts first: the caller then materialises partial
snapshots of only those entities, whose union, restricted to the context,
has exactly the elements the whole union would have there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator, Mapping

if TYPE_CHECKING:
    import networkx as nx

    from .history import Fact, History

ROLE_ORDER = {"heads": 0, "holds": 1, "member_of": 2}
CONTEXT_LIMIT = 60  # a diff of a union with more nodes draws only the changed part and its context


# ------------------------------------------------------------------ the union of two snapshots


def edge_items(g: nx.DiGraph) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every relation of a snapshot, including the rare second one in ``also``."""
    for s, t, d in g.edges(data=True):
        yield s, t, {k: v for k, v in d.items() if k != "also"}
        for extra in d.get("also", ()):
            yield s, t, dict(extra)


def _ekey(s: str, t: str, d: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (s, t, d["kind"], d.get("line", ""))


@dataclass
class Union:
    """One or two snapshots as one set of elements, each with its side and change."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    node_side: dict[str, str] = field(default_factory=dict)       # both | before | after
    node_change: dict[str, str | None] = field(default_factory=dict)
    old_names: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str, str], dict[str, Any]] = field(default_factory=dict)
    edge_side: dict[tuple, str] = field(default_factory=dict)
    edge_change: dict[tuple, str | None] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)      # extra tooltip lines per id
    old_titles: dict[tuple, str] = field(default_factory=dict)      # role edge -> title before


def single(g: nx.DiGraph) -> Union:
    """One snapshot as a :class:`Union` with nothing changed (elements in sorted order)."""
    u = Union()
    for n in sorted(g.nodes, key=str):
        u.nodes[n] = g.nodes[n]
        u.node_side[n] = "both"
        u.node_change[n] = None
    for s, t, d in sorted(edge_items(g), key=lambda e: tuple(map(str, _ekey(*e)))):
        k = _ekey(s, t, d)
        u.edges[k] = d
        u.edge_side[k] = "both"
        u.edge_change[k] = None
    return u


def _parent(g: nx.DiGraph, n: str) -> str | None:
    for _, t, d in edge_items_from(g, n):
        if d["kind"] == "part_of":
            return t
    return None


def edge_items_from(g: nx.DiGraph, n: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for _, t, d in g.out_edges(n, data=True):
        yield n, t, d
        for extra in d.get("also", ()):
            yield n, t, extra


def union(before: nx.DiGraph, after: nx.DiGraph) -> Union:
    """The elements of both snapshots, each marked added, removed, moved or changed."""
    u = Union()
    for n in sorted(set(before) | set(after)):
        if n in after and n in before:
            u.nodes[n] = after.nodes[n]
            u.node_side[n] = "both"
            old, new = before.nodes[n], after.nodes[n]
            change = None
            if old["type"] == "unit" and _parent(before, n) != _parent(after, n) and _parent(before, n) and _parent(after, n):
                change = "moved"
            elif old.get("names") != new.get("names"):
                change = "changed"
                u.old_names[n] = dict(old.get("names") or {})
            u.node_change[n] = change
        else:
            side = "after" if n in after else "before"
            u.nodes[n] = (after if side == "after" else before).nodes[n]
            u.node_side[n] = side
            u.node_change[n] = "added" if side == "after" else "removed"
    old = {_ekey(s, t, d): d for s, t, d in edge_items(before)}
    new = {_ekey(s, t, d): d for s, t, d in edge_items(after)}
    for k in sorted(set(old) | set(new)):
        if k in old and k in new:
            u.edges[k] = new[k]
            u.edge_side[k] = "both"
            u.edge_change[k] = "changed" if old[k].get("title") != new[k].get("title") else None
            if u.edge_change[k]:
                u.old_titles[k] = str(old[k].get("title") or "")
        elif k in new:
            u.edges[k] = new[k]
            u.edge_side[k] = "after"
            moved = k[2] == "part_of" and u.node_change.get(k[0]) == "moved"
            u.edge_change[k] = "moved" if moved else "added"
        else:
            u.edges[k] = old[k]
            u.edge_side[k] = "before"
            u.edge_change[k] = "removed"
    return u


# ------------------------------------------------------------------ the context of a change


def context_nodes(u: Union, limit: int = CONTEXT_LIMIT) -> set[str] | None:
    """For a large diff, the changed elements and their context; None means draw everything.

    Context is every changed entity, the units its changed relations touch,
    their ancestors up to the root, and the direct sub-units of changed units.
    """
    if len(u.nodes) <= limit:
        return None
    changed = {n for n, c in u.node_change.items() if c}
    for k, c in u.edge_change.items():
        if c:
            changed.update(k[:2])
    keep = set(changed)
    parents: dict[str, set[str]] = {}
    for (s, t, kind, _), _d in u.edges.items():
        if kind == "part_of":
            parents.setdefault(s, set()).add(t)
            if t in changed and u.nodes[t]["type"] == "unit":
                keep.add(s)
    stack = list(keep)
    while stack:
        n = stack.pop()
        for p in parents.get(n, ()):
            if p not in keep:
                keep.add(p)
                stack.append(p)
    for (s, t, kind, _), _d in u.edges.items():
        if kind in ROLE_ORDER and t in keep and kind == "heads":
            keep.add(s)
    return keep


def _alive(f: Fact, a: int, b: int) -> bool:
    """Whether fact ``f`` is in force in version ``a`` or ``b``."""
    return f.start <= a < f.end or f.start <= b < f.end


def _union_larger_than(history: History, a: int, b: int, limit: int) -> bool:
    """Whether the union of snapshots ``a`` and ``b`` has more than ``limit`` nodes.

    A snapshot's nodes are the entities of the facts in force, so counting
    them needs no graph; the count stops as soon as it passes the limit.
    """
    from .history import _entities_of

    if len(history.dataset.entities) <= limit:
        return False
    seen: set[str] = set()
    for f in history.facts:
        if _alive(f, a, b):
            seen.update(_entities_of(f.key, f.value))
            if len(seen) > limit:
                return True
    return False


def _parents(history: History, unit: str, a: int, b: int) -> Iterator[str]:
    """The parent units of ``unit`` in version ``a`` or ``b``."""
    for f in history.by_entity.get(unit, ()):
        if f.key[0] == "parent" and f.key[1] == unit and _alive(f, a, b):
            yield f.value


def _heads(history: History, box: str, a: int, b: int) -> Iterator[str]:
    """The people heading ``box`` in version ``a`` or ``b``."""
    for f in history.by_entity.get(box, ()):
        if f.key[0] == "pos" and f.key[2] == box and f.value[1] and _alive(f, a, b):
            yield f.key[1]


def diff_context(history: History, a: int, b: int, limit: int = CONTEXT_LIMIT) -> set[str] | None:
    """What :func:`context_nodes` keeps for versions ``a`` -> ``b``, without building whole snapshots.

    None when the union is small enough to draw whole. Otherwise the same
    set, found from the facts: the entities whose facts started or ended in
    between are the only ones that can have changed, and their partial
    snapshots hold every relation they take part in, so their changes (and
    the changed relations' other ends and direct sub-units) come out exact;
    ancestors and heads are then read from each entity's own facts.
    """
    if not _union_larger_than(history, a, b, limit):
        return None
    touched = history.touched_between(a, b)
    u = union(history.snapshot(a, entities=touched), history.snapshot(b, entities=touched))
    changed = {n for n in touched if u.node_change.get(n)}
    for k, c in u.edge_change.items():
        if c:
            changed.update(k[:2])
    kinds = history.dataset.kinds
    keep = set(changed)
    for s, t, kind, _ in u.edges:
        if kind == "part_of" and t in changed and kinds[t] == "unit":
            keep.add(s)
    stack = list(keep)
    while stack:
        for p in _parents(history, stack.pop(), a, b):
            if p not in keep:
                keep.add(p)
                stack.append(p)
    keep.update([h for n in list(keep) for h in _heads(history, n, a, b)])
    return keep
