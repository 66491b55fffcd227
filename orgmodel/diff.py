"""Semantic diff of two snapshots: what an announcement (or a span of them) changed.

A list of added and removed edges is not an answer to "what changed?". This
module turns two snapshot graphs into :class:`Change` records in the words a
reader uses: a unit created, renamed, moved; a person appointed, reporting to
someone else; a functional (dotted) line added. Every change carries the
evidence (announcement, source, quote) behind it.

The diff is a *net effect*: only the states at the two ends count, so a unit
created and dissolved in between does not appear, and a person whose manager
changed twice shows where they started and where they ended.

Two entry points give the same changes:

* :func:`diff_snapshots` compares any two snapshot graphs. On its own a graph
  only knows the quotes behind what is in force, so the evidence of a removal
  is the quote that had established the removed thing. Given the
  ``history`` the graphs came from, it cites the announcements that made each
  change (endings included) and reports merges and splits, exactly as
  :func:`diff_versions` does.
* :func:`diff_versions` is the fast path over a :class:`~orgmodel.history.History`:
  only the entities whose facts started or ended between the two versions are
  looked at, each through its own facts (no graph is built), so its cost
  follows the size of the change, not of the organisation.

:func:`state_of` and :func:`apply_diff` make the diff checkable: applying
``diff(A, B)`` to the state of ``A`` gives the state of ``B``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .history import Fact, History

# kind -> (category, mirror kind, what it means). The one list of the vocabulary;
# docs/diff.md documents the same table.
KINDS: dict[str, tuple[str, str, str]] = {
    "unit_created": ("added", "unit_dissolved", "a unit exists that did not"),
    "unit_dissolved": ("removed", "unit_created", "a unit no longer exists"),
    "unit_renamed": ("changed", "unit_renamed", "a unit's names changed"),
    "unit_moved": ("moved", "unit_moved", "a unit sits under another parent"),
    "units_merged": ("changed", "unit_split", "units were merged into others"),
    "unit_split": ("changed", "units_merged", "a unit was split into others"),
    "person_joined": ("added", "person_left", "a person appears in the organisation"),
    "person_left": ("removed", "person_joined", "a person no longer appears"),
    "appointed": ("added", "left_post", "a person holds a title in a unit (or heads it) or in a post"),
    "left_post": ("removed", "appointed", "a title held is no longer held"),
    "title_changed": ("changed", "title_changed", "same unit or post, another title or head role"),
    "business_line_added": ("added", "business_line_removed", "now reports to someone, had no business line"),
    "business_line_changed": ("moved", "business_line_changed", "now reports to someone else"),
    "business_line_removed": ("removed", "business_line_added", "no longer has a business line"),
    "functional_line_added": ("added", "functional_line_removed", "a dotted line to someone"),
    "functional_line_removed": ("removed", "functional_line_added", "a dotted line ended"),
    "membership_added": ("added", "membership_removed", "a person became a member of a unit"),
    "membership_removed": ("removed", "membership_added", "a membership ended"),
}
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
_TYPE_ORDER = {"unit": 0, "person": 1, "post": 2}


@dataclass(frozen=True)
class Change:
    """One change in the reader's words; ``before``/``after`` are JSON-able."""

    kind: str
    subject: str
    subject_type: str
    before: Any = None
    after: Any = None
    evidence: tuple[dict, ...] = ()
    related: tuple[str, ...] = ()

    def __hash__(self) -> int:
        # Evidence holds dicts; a change is identified by what changed.
        return hash((self.kind, self.subject, self.subject_type, repr(self.before), repr(self.after), self.related))

    @property
    def category(self) -> str:
        """``added`` | ``removed`` | ``moved`` | ``changed``, for chart styling."""
        return KINDS[self.kind][0]

    def mirror(self) -> "Change":
        """The same change seen from the other end (``diff(B, A)``)."""
        return Change(KINDS[self.kind][1], self.subject, self.subject_type, self.after, self.before,
                      self.evidence, self.related)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "subject": self.subject, "subject_type": self.subject_type}
        if self.before is not None:
            out["before"] = self.before
        if self.after is not None:
            out["after"] = self.after
        if self.related:
            out["related"] = list(self.related)
        out["evidence"] = [dict(e) for e in self.evidence]
        return out

    def sort_key(self) -> tuple:
        return (_TYPE_ORDER.get(self.subject_type, 9), self.subject, _KIND_ORDER[self.kind], self.related,
                repr(self.before), repr(self.after))


@dataclass
class SnapshotDiff:
    """The changes from one version to another, in a deterministic order.

    ``names`` maps every entity id the changes mention to its names per
    language (as in force at the ``to`` end, else at the ``from`` end), so the
    diff can be shown without the snapshots.
    """

    from_version: str | None
    to_version: str | None
    changes: list[Change]
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    from_date: str | None = None
    to_date: str | None = None

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.from_version,
            "to": self.to_version,
            "changes": [c.to_json() for c in self.changes],
            "names": {i: dict(sorted(n.items())) for i, n in sorted(self.names.items())},
        }

    def by_subject(self) -> list[tuple[str, list[Change]]]:
        """Changes grouped by the entity they are about, in diff order."""
        groups: dict[str, list[Change]] = {}
        for c in self.changes:
            groups.setdefault(c.subject, []).append(c)
        return list(groups.items())


# ------------------------------------------------------------------ one entity's view


@dataclass
class _View:
    """What a snapshot says about one entity: its node and its outgoing edges."""

    present: bool = False
    type: str | None = None
    names: dict[str, str] | None = None
    recorded: bool = False
    parent: str | None = None
    posts: dict[str, tuple[str, bool]] = field(default_factory=dict)
    line: str | None = None
    flines: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)
    evidence: dict[tuple, list[dict]] = field(default_factory=dict)


def _edge_items(g: "nx.DiGraph", node: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for _, t, d in g.out_edges(node, data=True):
        yield t, d
        for extra in d.get("also", ()):
            yield t, extra


def _view(g: "nx.DiGraph", node: str) -> _View:
    if node not in g:
        return _View()
    d = g.nodes[node]
    v = _View(True, d["type"], dict(d["names"]) if d["type"] == "unit" else None, bool(d.get("recorded")))
    v.evidence[("unit",)] = list(d.get("evidence") or [])
    for t, e in _edge_items(g, node):
        kind = e["kind"]
        ev = list(e.get("evidence") or [])
        if kind == "part_of":
            v.parent = t
            v.evidence[("parent",)] = ev
        elif kind in ("heads", "holds"):
            v.posts[t] = (e.get("title", ""), kind == "heads")
            v.evidence[("pos", t)] = ev
        elif kind == "reports_to" and e.get("line") == "functional":
            v.flines.add(t)
            v.evidence[("fline", t)] = ev
        elif kind == "reports_to":
            v.line = t
            v.evidence[("line",)] = ev
        elif kind == "member_of":
            v.members.add(t)
            v.evidence[("member", t)] = ev
    return v


def _place(type_of: Callable[[str], str], target: str, title: str, head: bool) -> dict[str, Any]:
    return {"title": title, "head": head, "post" if type_of(target) == "post" else "unit": target}


def _unit_state(v: _View) -> dict[str, Any]:
    """A unit's state in a created/dissolved change; ``recorded`` marks a unit
    the texts only show existing (not its creation)."""
    state: dict[str, Any] = {"names": v.names, "parent": v.parent}
    if v.recorded:
        state["recorded"] = True
    return state


def _entity_changes(node: str, b: _View, a: _View,
                    type_of: Callable[[str], str]) -> list[tuple[str, Any, Any, tuple, tuple]]:
    """(kind, before, after, related, facet) for one entity; facet names the evidence."""
    out: list[tuple[str, Any, Any, tuple, tuple]] = []
    kind_of = a.type or b.type
    if kind_of == "unit":
        if not b.present:
            out.append(("unit_created", None, _unit_state(a),
                        (a.parent,) if a.parent else (), ("exists",)))
            return out
        if not a.present:
            out.append(("unit_dissolved", _unit_state(b), None,
                        (b.parent,) if b.parent else (), ("exists",)))
            return out
        if b.names != a.names:
            out.append(("unit_renamed", b.names, a.names, (), ("unit",)))
        if b.parent != a.parent:
            out.append(("unit_moved", b.parent, a.parent, tuple(p for p in (b.parent, a.parent) if p), ("parent",)))
        return out
    if kind_of == "person" and b.present != a.present:
        out.append(("person_joined" if a.present else "person_left", None, None, (), ("person",)))
    for t in sorted(set(b.posts) | set(a.posts)):
        was, now = b.posts.get(t), a.posts.get(t)
        if was == now:
            continue
        before = _place(type_of, t, *was) if was else None
        after = _place(type_of, t, *now) if now else None
        kind = "appointed" if was is None else "left_post" if now is None else "title_changed"
        out.append((kind, before, after, (t,), ("pos", t)))
    if b.line != a.line:
        kind = ("business_line_added" if b.line is None else "business_line_removed" if a.line is None
                else "business_line_changed")
        out.append((kind, b.line, a.line, tuple(p for p in (b.line, a.line) if p), ("line",)))
    for t in sorted(a.flines - b.flines):
        out.append(("functional_line_added", None, t, (t,), ("fline", t)))
    for t in sorted(b.flines - a.flines):
        out.append(("functional_line_removed", t, None, (t,), ("fline", t)))
    for t in sorted(a.members - b.members):
        out.append(("membership_added", None, t, (t,), ("member", t)))
    for t in sorted(b.members - a.members):
        out.append(("membership_removed", t, None, (t,), ("member", t)))
    return out


# ------------------------------------------------------------------ evidence


def _dedupe(items: Iterable[dict]) -> tuple[dict, ...]:
    seen: set[tuple] = set()
    out = []
    for e in items:
        key = (e["announcement"], e["source"], e["quote"])
        if key not in seen:
            seen.add(key)
            out.append(dict(e))
    return tuple(out)


def _graph_evidence(kind: str, facet: tuple, b: _View, a: _View) -> tuple[dict, ...]:
    """Evidence a pair of graphs can give: the quotes behind the side that has the thing."""
    side = b if KINDS[kind][0] == "removed" else a
    if facet == ("person",):
        other = a if side is b else b
        keys = [k for k in side.evidence if k[0] != "unit" and side.evidence.get(k) != other.evidence.get(k)]
        return _dedupe(e for k in sorted(keys) for e in side.evidence[k])
    if facet == ("exists",):
        return _dedupe(side.evidence.get(("unit",), []) + side.evidence.get(("parent",), []))
    return _dedupe(side.evidence.get(facet, ()))


def _fact_facet(fact: "Fact") -> tuple:
    """The part of an entity a fact is about, in the terms of :class:`_View`."""
    kind = fact.key[0]
    return (kind,) if kind in ("unit", "parent", "line") else (kind, fact.key[2])


class _Evidence:
    """Cites the announcements in ``(lo, hi]`` that started or ended the facts behind a change."""

    def __init__(self, history: "History", lo: int, hi: int):
        self.h = history
        self.lo, self.hi = lo, hi
        self.index = {v.id: v.index for v in history.versions}
        self.cache: dict[str, list["Fact"]] = {}

    def facts(self, node: str) -> list["Fact"]:
        if node not in self.cache:
            lo, hi = self.lo, self.hi
            self.cache[node] = [f for f in self.h.by_entity.get(node, ()) if lo < f.start <= hi or lo < f.end <= hi]
        return self.cache[node]

    def cite(self, node: str, facet: tuple) -> tuple[dict, ...]:
        facts = [f for f in self.facts(node) if f.key[1] == node]
        if facet == ("person",) and not facts:
            # Present only as someone's manager: the lines to them came or went.
            facts = self.facts(node)
        found = []
        for f in facts:
            own = _fact_facet(f)
            if facet == ("exists",):
                if own not in (("unit",), ("parent",)):
                    continue
            elif facet != ("person",) and own != facet:
                continue
            if self.lo < f.start <= self.hi:
                found += [e for e in f.evidence if self.lo < self.index[e.announcement] <= self.hi]
            if self.lo < f.end <= self.hi:
                found += f.end_evidence
        found.sort(key=lambda e: self.index[e.announcement])
        return _dedupe(e.as_dict() for e in found)


# ------------------------------------------------------------------ diffs


def _changes(subjects: Iterable[str], view_b: Callable[[str], _View], view_a: Callable[[str], _View],
             type_of: Callable[[str], str], cite: _Evidence | None) -> list[Change]:
    out = []
    for node in subjects:
        b, a = view_b(node), view_a(node)
        if not (b.present or a.present):
            continue
        stype = (a.type or b.type) or "person"
        for kind, before, after, related, facet in _entity_changes(node, b, a, type_of):
            evidence = cite.cite(node, facet) if cite else _graph_evidence(kind, facet, b, a)
            out.append(Change(kind, node, stype, before, after, evidence, tuple(sorted(set(related)))))
    return out


def _event_changes(history: "History", i: int, j: int, present: set[str]) -> list[Change]:
    """Merges and splits between versions ``i`` and ``j``, seen in the direction i -> j."""
    out = []
    for ev in history.events_between(i, j):
        if not (set(ev.units) | set(ev.into)) & present:
            continue
        evidence = _dedupe(e.as_dict() for e in ev.evidence)
        if ev.kind == "merged":
            c = Change("units_merged", ev.into[0], "unit", list(ev.units), list(ev.into), evidence,
                       tuple(sorted(set(ev.units) | set(ev.into))))
        else:
            c = Change("unit_split", ev.units[0], "unit", list(ev.units), list(ev.into), evidence,
                       tuple(sorted(set(ev.units) | set(ev.into))))
        out.append(c if i <= j else c.mirror())
    return out


def _names(changes: list[Change], names_of: Callable[[str], dict[str, str] | None]) -> dict[str, dict[str, str]]:
    ids = {c.subject for c in changes} | {r for c in changes for r in c.related}
    out = {}
    for node in sorted(ids):
        names = names_of(node)
        if names is not None:
            out[node] = names
    return out


def _graph_names(gb: "nx.DiGraph", ga: "nx.DiGraph", history: "History | None", k: int):
    """Names from the ``after`` graph, else the ``before`` graph, else the history."""
    last = _lookup(history, k) if history is not None else None

    def names_of(node: str) -> dict[str, str] | None:
        for g in (ga, gb):
            if node in g:
                return dict(g.nodes[node]["names"])
        return last(node) if last else None

    return names_of


def _unit_order(changes: list[Change]) -> dict[str, int]:
    """Units in the diff, parents before the units created or moved under them.

    The lexicographically smallest topological order (ties broken by id), or
    plain id order if the parent links form a cycle. Computed with plain
    sets and a heap: a networkx graph here would leave a reference cycle
    (its cached degree view points back at it) for every diff.
    """
    import heapq

    nodes: set[str] = set()
    children: dict[str, set[str]] = {}
    for c in changes:
        if c.subject_type != "unit":
            continue
        nodes.add(c.subject)
        parent = None
        if c.kind == "unit_created":
            parent = c.after["parent"]
        elif c.kind == "unit_dissolved":
            parent = c.before["parent"]
        elif c.kind == "unit_moved":
            parent = c.after
        if parent is not None:
            nodes.add(parent)
            children.setdefault(parent, set()).add(c.subject)
    indegree = dict.fromkeys(nodes, 0)
    for kids in children.values():
        for child in kids:
            indegree[child] += 1
    ready = sorted(n for n, d in indegree.items() if d == 0)
    order: list[str] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for child in children.get(node, ()):
            indegree[child] -= 1
            if indegree[child] == 0:
                heapq.heappush(ready, child)
    if len(order) < len(nodes):
        order = sorted(nodes)
    return {u: i for i, u in enumerate(order)}


def _finish(gb: dict, ga: dict, changes: list[Change], names: dict[str, dict[str, str]]) -> SnapshotDiff:
    """Sort the changes; ``gb``/``ga`` are the graph attributes of both ends."""
    rank = _unit_order(changes)
    changes.sort(key=lambda c: (_TYPE_ORDER.get(c.subject_type, 9), rank.get(c.subject, 0), c.sort_key()))
    return SnapshotDiff(gb.get("version"), ga.get("version"), changes, names, gb.get("date"), ga.get("date"))


def _index(g: "nx.DiGraph") -> int:
    return g.graph.get("index", -1)


def _lookup(history: "History", k: int):
    """Names of an entity absent from both snapshots: the last in force up to ``k``."""

    def names(node: str) -> dict[str, str]:
        best = None
        for f in history.by_entity.get(node, ()):
            if f.key == ("unit", node) and f.start <= k and (best is None or f.start > best.start):
                best = f
        return dict(best.value) if best else dict(history.dataset.entities[node].names)

    return names


def diff_snapshots(before: "nx.DiGraph", after: "nx.DiGraph", history: "History | None" = None) -> SnapshotDiff:
    """The net changes from snapshot ``before`` to snapshot ``after``.

    Pure: reads only the two graphs (and, when given, the ``history`` they
    came from, to cite the announcements in between and to report merges and
    splits). An empty ``nx.DiGraph()`` stands for the empty organisation.

    >>> import networkx as nx
    >>> g = nx.DiGraph(version="v1")
    >>> g.add_node("acme", type="unit", names={"en": "Acme"}, evidence=[])
    >>> [c.kind for c in diff_snapshots(nx.DiGraph(), g).changes]
    ['unit_created']
    """
    subjects = sorted(set(before) | set(after))
    i, j = _index(before), _index(after)
    cite = _Evidence(history, min(i, j), max(i, j)) if history is not None else None

    def type_of(node: str) -> str:
        return (after if node in after else before).nodes[node]["type"]

    changes = _changes(subjects, lambda n: _view(before, n), lambda n: _view(after, n), type_of, cite)
    if history is not None:
        changes += _event_changes(history, i, j, set(before) | set(after))
    names = _names(changes, _graph_names(before, after, history, max(i, j)))
    return _finish(before.graph, after.graph, changes, names)


def _fact_views(history: "History", node: str, ks: tuple[int, int]) -> tuple[_View, _View]:
    """What snapshots ``ks`` say about ``node``, read from its facts in one pass (no graph)."""
    views = (_View(), _View())
    kind_of = history.dataset.kinds[node]
    for f in history.by_entity.get(node, ()):
        for v, k in zip(views, ks):
            if not f.start <= k < f.end:
                continue
            v.present, v.type = True, kind_of
            key = f.key
            if key[1] != node:
                continue
            kind = key[0]
            if kind == "unit":
                v.names = dict(f.value)
                v.recorded = f.origin == "recorded"
            elif kind == "parent":
                v.parent = f.value
            elif kind == "pos":
                v.posts[key[2]] = (f.value[0], bool(f.value[1]))
            elif kind == "line":
                v.line = f.value
            elif kind == "fline":
                v.flines.add(key[2])
            elif kind == "member":
                v.members.add(key[2])
    return views


def diff_versions(history: "History", a: int, b: int) -> SnapshotDiff:
    """``diff_snapshots(history.snapshot(a), history.snapshot(b), history)``, fast.

    Only the entities whose facts started or ended between ``a`` and ``b``
    are looked at, each through its own facts (no graph is built), so the
    cost follows the number of changes, not the size of the organisation.
    ``a`` (or ``b``) may be ``-1``: the empty organisation before the first
    version.
    """
    touched = sorted(history.touched_between(a, b))
    views = {node: _fact_views(history, node, (a, b)) for node in touched}

    kinds = history.dataset.kinds
    cite = _Evidence(history, min(a, b), max(a, b))
    changes = _changes(touched, lambda n: views[n][0], lambda n: views[n][1], kinds.__getitem__, cite)
    present = {n for n in touched if views[n][0].present or views[n][1].present}
    changes += _event_changes(history, a, b, present)
    last = _lookup(history, max(a, b))

    def names_of(node: str) -> dict[str, str]:
        if kinds[node] != "unit":
            return dict(history.dataset.entities[node].names)
        pair = views.get(node) or _fact_views(history, node, (a, b))
        for v in (pair[1], pair[0]):
            if v.present:
                return dict(v.names)
        return last(node)

    meta = [{} if k < 0 else {"version": history.versions[k].id, "date": history.versions[k].announcement.date}
            for k in (a, b)]
    return _finish(meta[0], meta[1], changes, _names(changes, names_of))


# ------------------------------------------------------------------ state and apply


def state_of(g: "nx.DiGraph") -> dict[tuple, Any]:
    """A snapshot as the facets a diff speaks about (for checking diffs)."""
    state: dict[tuple, Any] = {}
    for node in g:
        v = _view(g, node)
        if v.type == "unit":
            state[("unit", node)] = tuple(sorted(v.names.items()))
        elif v.type == "person":
            state[("person", node)] = True
        if v.parent:
            state[("parent", node)] = v.parent
        for t, pos in v.posts.items():
            state[("pos", node, t)] = pos
        if v.line:
            state[("line", node)] = v.line
        for t in v.flines:
            state[("fline", node, t)] = True
        for t in v.members:
            state[("member", node, t)] = True
    return state


def _target(place: dict[str, Any]) -> str:
    return place.get("unit") or place["post"]


def apply_diff(state: dict[tuple, Any], diff: SnapshotDiff) -> dict[tuple, Any]:
    """The state after applying ``diff`` to ``state`` (a copy)."""
    out = dict(state)
    for c in diff.changes:
        s, kind = c.subject, c.kind
        if kind == "unit_created":
            out[("unit", s)] = tuple(sorted(c.after["names"].items()))
            if c.after["parent"]:
                out[("parent", s)] = c.after["parent"]
        elif kind == "unit_dissolved":
            out.pop(("unit", s), None)
            out.pop(("parent", s), None)
        elif kind == "unit_renamed":
            out[("unit", s)] = tuple(sorted(c.after.items()))
        elif kind == "unit_moved":
            _put(out, ("parent", s), c.after)
        elif kind in ("person_joined", "person_left"):
            _put(out, ("person", s), kind == "person_joined" or None)
        elif kind in ("appointed", "left_post", "title_changed"):
            place = c.after or c.before
            _put(out, ("pos", s, _target(place)), (c.after["title"], c.after["head"]) if c.after else None)
        elif kind.startswith("business_line_"):
            _put(out, ("line", s), c.after)
        elif kind.startswith("functional_line_"):
            _put(out, ("fline", s, c.after or c.before), c.after is not None or None)
        elif kind.startswith("membership_"):
            _put(out, ("member", s, c.after or c.before), c.after is not None or None)
    return out


def _put(state: dict[tuple, Any], key: tuple, value: Any) -> None:
    if value is None:
        state.pop(key, None)
    else:
        state[key] = value


def diff_refs(history: "History", a: str, b: str | None = None) -> SnapshotDiff:
    """The diff between two refs; with one ref, between it and the version before it.

    The version before the first one is the empty organisation, so
    ``diff_refs(h, "first")`` shows everything the first announcement created.
    """
    if b is None:
        j = history.resolve(a)
        return diff_versions(history, j - 1, j)
    return diff_versions(history, history.resolve(a), history.resolve(b))
