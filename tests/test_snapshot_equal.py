"""Snapshots built from the shared per-history plan equal plainly built ones.

``build_graph`` writes networkx's adjacency dicts directly from rows sorted
once per history. Here every snapshot, whole and partial, is compared with a
graph built the plain way (``add_nodes_from`` / ``add_edges_from`` of sorted
rows with fresh dicts): same graph attributes, nodes, edges, attributes and
iteration order of successors and predecessors. Also: what a caller changes
in one snapshot never shows in the next.
"""

from __future__ import annotations

import copy
import json
import pickle
import sys
from pathlib import Path

import networkx as nx
import pytest

from orgmodel import model as m
from orgmodel.history import History, load_history

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402


def plain_graph(h: History, k: int, entities=None) -> nx.DiGraph:
    """A snapshot built without any shared state, through networkx's own methods."""
    ann = h.versions[k].announcement
    g = nx.DiGraph(version=ann.id, index=k, date=ann.date, precision=ann.precision,
                   approximate=ann.approximate, title=ann.title, sources=list(ann.sources))
    pool = h.facts if entities is None else {id(f): f for e in entities for f in h.by_entity.get(e, ())}.values()
    alive = [f for f in pool if f.start <= k < f.end]
    units = {f.key[1]: f for f in alive if f.key[0] == "unit"}
    edges = []
    for f in alive:
        kind, v, ev = f.key[0], f.value, [e.as_dict() for e in f.evidence]
        if kind == "parent":
            s, t, a = f.key[1], v, {"kind": "part_of", "evidence": ev}
        elif kind == "pos":
            s, t, a = f.key[1], f.key[2], {"kind": "heads" if v[1] else "holds", "title": v[0], "evidence": ev}
        elif kind == "line":
            s, t, a = f.key[1], v, {"kind": "reports_to", "line": "business", "evidence": ev}
        elif kind == "fline":
            s, t, a = f.key[1], f.key[2], {"kind": "reports_to", "line": "functional", "evidence": ev}
        elif kind == "member":
            s, t, a = f.key[1], f.key[2], {"kind": "member_of", "evidence": ev}
        else:
            continue
        edges.append((s, t, a["kind"], a.get("line", ""), a))
    nodes = set(units) | {e[0] for e in edges} | {e[1] for e in edges}
    rows = []
    for nid in sorted(nodes):
        ent, kind = h.dataset.entities[nid], h.dataset.kinds[nid]
        a = {"type": kind, "aliases": list(ent.aliases)}
        if kind == "unit":
            f = units.get(nid)
            names = dict(f.value) if f else dict(ent.names)
            a["kind"] = getattr(ent, "kind", None)
            a["evidence"] = [e.as_dict() for e in f.evidence] if f else []
            a["recorded"] = bool(f and f.origin == "recorded")
        else:
            names = dict(ent.names)
            if kind == "post":
                a["collective"] = getattr(ent, "collective", False)
        a["names"] = names
        a["name"] = m.display_name(names, "en")
        rows.append((nid, a))
    g.add_nodes_from(rows)
    out = []
    for s, t, _, _, a in sorted(edges, key=lambda e: e[:4]):
        if out and out[-1][:2] == (s, t):
            out[-1][2].setdefault("also", []).append(a)
        else:
            out.append((s, t, a))
    g.add_edges_from(out)
    return g


def assert_same(got: nx.DiGraph, want: nx.DiGraph) -> None:
    assert got.graph == want.graph
    assert list(got.nodes(data=True)) == list(want.nodes(data=True))
    assert list(got.edges(data=True)) == list(want.edges(data=True))
    for n in want:
        assert list(got.pred[n].items()) == list(want.pred[n].items())
        assert list(got.succ[n].items()) == list(want.succ[n].items())
    # What the tool prints from a graph depends only on plain values.
    assert json.dumps(nx.node_link_data(got, edges="links"), sort_keys=False) == \
        json.dumps(nx.node_link_data(want, edges="links"), sort_keys=False)


@pytest.fixture(scope="module")
def seeds() -> History:
    return load_history(str(REPO / "seeds"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> History:
    root = tmp_path_factory.mktemp("gen") / "data"
    generate(root, 300, 30, seed=3)
    return load_history(str(root))


@pytest.mark.parametrize("which", ["seeds", "generated"])
def test_every_whole_snapshot_equals_plain_build(which, request):
    h = request.getfixturevalue(which)
    assert len(h) > 1
    for k in range(len(h)):
        assert_same(h.snapshot(k), plain_graph(h, k))


@pytest.mark.parametrize("which", ["seeds", "generated"])
def test_partial_snapshots_equal_plain_build(which, request):
    h = request.getfixturevalue(which)
    ids = sorted(h.by_entity)
    picks = [ids[:3], ids[len(ids) // 2: len(ids) // 2 + 5], ids[-4:], ids[::7]]
    for k in {0, len(h) // 2, len(h) - 1}:
        for ents in picks:
            assert_same(h.snapshot(k, entities=ents), plain_graph(h, k, ents))
        # Touched entities, as diffs ask for them.
        if k:
            touched = sorted(h.touched_between(k - 1, k))
            assert_same(h.snapshot(k, entities=touched), plain_graph(h, k, touched))


def test_plain_build_differs_when_history_differs(seeds, generated):
    """The comparison can fail: versions with different facts give unequal graphs."""
    with pytest.raises(AssertionError):
        assert_same(seeds.snapshot(len(seeds) - 1), plain_graph(seeds, 0))


def test_changes_to_one_snapshot_do_not_reach_the_next(seeds):
    k = len(seeds) - 1
    g = seeds.snapshot(k)
    want = plain_graph(seeds, k)
    s, t, d = next(iter(g.edges(data=True)))
    d["evidence"].append({"announcement": "x", "source": "y", "quote": "z"})
    d["kind"] = "changed"
    unit = next(n for n, a in g.nodes(data=True) if a["type"] == "unit" and a["evidence"])
    g.nodes[unit]["evidence"].clear()
    g.nodes[unit]["names"]["en"] = "Changed"
    g.nodes[unit]["aliases"].append("changed")
    g.remove_node(t)
    assert_same(seeds.snapshot(k), want)


def test_shared_evidence_entries_refuse_changes_and_copy_plain(seeds):
    g = seeds.snapshot(len(seeds) - 1)
    ev = next(d["evidence"][0] for _, _, d in g.edges(data=True) if d["evidence"])
    before = dict(ev)
    for change in (lambda: ev.__setitem__("quote", "x"), lambda: ev.update(quote="x"),
                   lambda: ev.pop("quote"), lambda: ev.clear(), lambda: ev.setdefault("n", 1),
                   lambda: ev.popitem(), lambda: ev.__delitem__("quote")):
        with pytest.raises(TypeError):
            change()
    assert ev == before and set(ev) == {"announcement", "source", "quote"}
    for c in (dict(ev), copy.copy(ev), copy.deepcopy(ev), pickle.loads(pickle.dumps(ev))):
        assert type(c) is dict and c == before
        c["quote"] = "edited"
    assert ev == before
    assert json.loads(json.dumps(ev)) == before


def test_diffs_leave_no_reference_cycles(generated):
    """Each diff's garbage is freed by reference counting, never left for the collector."""
    import gc

    from orgmodel.diff import diff_versions

    gc.collect()
    was = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        total = 0
        for k in range(len(generated)):
            total += len(diff_versions(generated, k - 1, k).changes)
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(was)
        gc.garbage.clear()
    assert total > 0
    assert left == []


def test_unit_order_matches_topological_sort():
    from orgmodel.diff import Change, _unit_order

    def created(u, parent):
        return Change("unit_created", u, "unit", None, {"parent": parent})

    def moved(u, parent):
        return Change("unit_moved", u, "unit", "old", parent)

    cases = [
        [created("b", "a"), created("c", "a"), moved("a", "z"), created("d", None)],
        [created("m", "x"), created("x", "m")],  # a cycle: plain id order
        [Change("unit_dissolved", "q", "unit", {"parent": "p"}, None), created("p", None),
         Change("appointed", "sam", "person", None, {"unit": "p"})],
    ]
    for changes in cases:
        g = nx.DiGraph()
        for c in changes:
            if c.subject_type != "unit":
                continue
            g.add_node(c.subject)
            parent = None
            if c.kind == "unit_created":
                parent = c.after["parent"]
            elif c.kind == "unit_moved":
                parent = c.after
            elif c.kind == "unit_dissolved":
                parent = c.before["parent"]
            if parent is not None:
                g.add_edge(parent, c.subject)
        try:
            want = list(nx.lexicographical_topological_sort(g))
        except nx.NetworkXUnfeasible:
            want = sorted(g)
        assert _unit_order(changes) == {u: i for i, u in enumerate(want)}
