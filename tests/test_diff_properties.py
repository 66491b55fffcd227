"""Properties of the diff on generated histories (hypothesis).

Histories are generated as data folders on disk (sources, registry,
announcements with quotes found in the source text) and loaded through the
real loader, so every generated change passed the same checks as the seeds.
A small simulator keeps the generated changes valid: it tracks units,
posts, lines and memberships and only emits changes the loader accepts.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgmodel.diff import KINDS, apply_diff, diff_snapshots, diff_versions, state_of
from orgmodel.history import load_history

UNITS = [f"u{i}" for i in range(6)]
PEOPLE = [f"p{i}" for i in range(5)]
POSTS = ["f0"]
TITLES = ["CEO", "CFO", "Head"]


class Sim:
    """Just enough of the organisation's state to emit only valid changes."""

    def __init__(self) -> None:
        self.parent: dict[str, str | None] = {}
        self.names: dict[str, str] = {}
        self.pos: dict[tuple[str, str], tuple[str, bool]] = {}
        self.line: dict[str, str] = {}
        self.flines: set[tuple[str, str]] = set()
        self.members: set[tuple[str, str]] = set()
        self.busy: set[str] = set()
        self.n = 0

    def present(self, who: str) -> bool:
        return (any(p == who for p, _ in self.pos) or any(p == who for p, _ in self.members)
                or who in self.line or any(p == who for p, _ in self.flines))

    def managers_of(self, who: str) -> list[str]:
        out = [self.line[who]] if who in self.line else []
        return out + sorted(t for s, t in self.flines if s == who)

    def reaches(self, start: str, goal: str) -> bool:
        stack, seen = [start], {start}
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            for t in self.managers_of(node):
                if t not in seen:
                    seen.add(t)
                    stack.append(t)
        return False

    def reported_to(self, who: str) -> bool:
        return any(t == who for t in self.line.values()) or any(t == who for _, t in self.flines)

    def subtree(self, unit: str) -> set[str]:
        out = {unit}
        grew = True
        while grew:
            grew = False
            for u, p in self.parent.items():
                if p in out and u not in out:
                    out.add(u)
                    grew = True
        return out

    def free(self, *ents: str) -> bool:
        return not (set(ents) & self.busy)

    def close_unit(self, unit: str) -> None:
        for key in [k for k in self.pos if k[1] == unit]:
            del self.pos[key]
        self.members = {m for m in self.members if m[1] != unit}
        del self.parent[unit]
        del self.names[unit]

    def step(self, op: int, x: int, y: int, z: int) -> dict | None:
        """One change from four random numbers, or None if it would be invalid."""
        alive = sorted(self.parent)
        dead = [u for u in UNITS if u not in self.parent]
        pick = lambda seq, i: seq[i % len(seq)] if seq else None  # noqa: E731
        kind = op % 12
        if kind == 0 and dead and alive:
            u, p = pick(dead, x), pick(alive, y)
            if not self.free(u, p):
                return None
            self.parent[u], self.names[u] = p, u.upper()
            self.busy |= {u, p}
            return {"create_unit": {"unit": u, "parent": p}}
        if kind == 1 and alive:
            u = pick(alive, x)
            kids = [c for c, p in self.parent.items() if p == u]
            holders = {k[0] for k in self.pos if k[1] == u} | {m[0] for m in self.members if m[1] == u}
            if kids or self.parent[u] is None or not self.free(u, *holders):
                return None
            self.busy |= {u} | holders
            self.close_unit(u)
            return {"dissolve_unit": {"unit": u}}
        if kind == 2 and alive:
            u = pick(alive, x)
            new = f"{u.upper()} v{y % 3}"
            if new == self.names[u] or not self.free(u):
                return None
            self.names[u] = new
            self.busy.add(u)
            return {"rename_unit": {"unit": u, "name": {"en": new}}}
        if kind == 3 and len(alive) > 1:
            u = pick(alive, x)
            p = pick([q for q in alive if q not in self.subtree(u) and q != self.parent[u]], y)
            if p is None or not self.free(u, p):
                return None
            self.parent[u] = p
            self.busy |= {u, p}
            return {"move_unit": {"unit": u, "parent": p}}
        if kind == 4 and alive:
            who, u, title = pick(PEOPLE, x), pick(alive, y), pick(TITLES, z)
            if z % 3 == 0 and self.pos:
                who, u = pick(sorted(self.pos), y)
            head = z % 2 == 0 and not any(k[1] == u and v[1] for k, v in self.pos.items())
            if self.pos.get((who, u)) == (title, head) or not self.free(who, u):
                return None
            self.pos[(who, u)] = (title, head)
            self.busy |= {who, u}
            return {"appoint": {"person": who, "title": title, "unit": u, "head": head}}
        if kind == 5 and self.pos:
            who, u = pick(sorted(self.pos), x)
            if self.reported_to(who) or not self.free(who, u):
                return None
            del self.pos[(who, u)]
            self.busy |= {who, u}
            return {"leave": {"person": who, "unit": u}}
        if kind in (6, 7):
            who, to = pick(PEOPLE + POSTS, x), pick([p for p in PEOPLE if self.present(p)], y)
            line = "business" if kind == 6 and who in PEOPLE else "functional"
            if to is None or who == to or self.reaches(to, who) or not self.free(who, to):
                return None
            if line == "business":
                if self.line.get(who) == to:
                    return None
                self.line[who] = to
            else:
                if (who, to) in self.flines:
                    return None
                self.flines.add((who, to))
            self.busy |= {who, to}
            role = "person" if who in PEOPLE else "post"
            return {"reports_to": {role: who, "to": to, "line": line}}
        if kind == 8 and (self.line or self.flines):
            edges = sorted([(w, t, "business") for w, t in self.line.items()]
                           + [(w, t, "functional") for w, t in self.flines])
            who, to, line = pick(edges, x)
            if not self.free(who, to):
                return None
            if line == "business":
                del self.line[who]
            else:
                self.flines.discard((who, to))
            self.busy |= {who, to}
            role = "person" if who in PEOPLE else "post"
            return {"end_reporting": {role: who, "to": to, "line": line}}
        if kind == 9 and alive:
            who, u = pick(PEOPLE, x), pick(alive, y)
            if (who, u) in self.members or not self.free(who, u):
                return None
            self.members.add((who, u))
            self.busy |= {who, u}
            return {"join": {"person": who, "unit": u}}
        if kind == 10 and len(alive) > 1:
            u, into = pick(alive, x), pick(alive, y)
            if into in self.subtree(u) or self.parent[u] is None or not self.free(u, into):
                return None
            kids = [c for c, p in self.parent.items() if p == u]
            holders = {k[0] for k in self.pos if k[1] == u} | {m[0] for m in self.members if m[1] == u}
            if not self.free(*kids, *holders):
                return None
            for kid in kids:
                self.parent[kid] = into
            self.busy |= {u, into, *kids, *holders}
            self.close_unit(u)
            return {"merge_units": {"units": [u], "into": into}}
        if kind == 11 and alive and dead:
            u, new = pick(alive, x), pick(dead, y)
            if not self.free(u, new, self.parent[u] or u):
                return None
            self.parent[new], self.names[new] = self.parent[u], new.upper()
            self.busy |= {u, new, self.parent[u] or u}
            return {"split_unit": {"unit": u, "into": [u, new]}}
        return None


def _first_valid(sim: Sim, step: tuple[int, int, int, int]) -> dict | None:
    """The step's change, or the next kind of change that is valid now."""
    op, x, y, z = step
    for offset in range(12):
        change = sim.step(op + offset, x, y, z)
        if change:
            return change
    return None


def write_history(root: Path, groups: list[list[tuple[int, int, int, int]]]) -> int:
    """Write a data folder from groups of random steps; return the number of announcements."""
    sim = Sim()
    anns = [[{"record_unit": {"unit": "u0"}},
             {"appoint": {"person": "p0", "title": "CEO", "unit": "u0", "head": True}}]]
    sim.parent["u0"], sim.names["u0"] = None, "U0"
    sim.pos[("p0", "u0")] = ("CEO", True)
    for group in groups:
        sim.busy = set()
        changes = [c for c in (_first_valid(sim, s) for s in group) if c]
        if changes:
            anns.append(changes)
    quotes = []
    (root / "announcements").mkdir(parents=True)
    for i, changes in enumerate(anns):
        body = []
        for j, change in enumerate(changes):
            quote = f"Statement {i}.{j} was made."
            quotes.append(quote)
            body.append({**change, "evidence": {"source": "s", "quote": quote}})
        ann = {"id": f"a{i:02d}", "date": f"{2000 + i}-01-01", "title": f"Announcement {i}", "sources": ["s"],
               "changes": body}
        (root / "announcements" / f"a{i:02d}.yaml").write_text(json.dumps(ann), encoding="utf-8")
    (root / "s.txt").write_text(" ".join(quotes), encoding="utf-8")
    (root / "sources.yaml").write_text(json.dumps(
        {"sources": [{"id": "s", "file": "s.txt", "language": "en", "title": "Generated"}]}), encoding="utf-8")
    registry = {
        "people": [{"id": p, "names": {"en": p.upper(), "de": p.upper() + "-de"}} for p in PEOPLE],
        "units": [{"id": u, "names": {"en": u.upper()}} for u in UNITS],
        "posts": [{"id": f, "names": {"en": "Finance leads"}, "collective": True} for f in POSTS],
    }
    (root / "registry.yaml").write_text(json.dumps(registry), encoding="utf-8")
    return len(anns)


steps = st.lists(st.lists(st.tuples(*(st.integers(0, 40) for _ in range(4))), min_size=1, max_size=4),
                 min_size=1, max_size=8)


def _snap(h, k: int) -> nx.DiGraph:
    return h.snapshot(k) if k >= 0 else nx.DiGraph()


def _canon(changes) -> list:
    return sorted((c.kind, c.subject, json.dumps(c.before, sort_keys=True), json.dumps(c.after, sort_keys=True),
                   c.related, json.dumps(c.evidence, sort_keys=True)) for c in changes)


@settings(max_examples=int(os.environ.get("ORGMODEL_DIFF_EXAMPLES", "80")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(groups=steps)
def test_diff_properties_on_generated_histories(groups):
    with tempfile.TemporaryDirectory() as tmp:
        write_history(Path(tmp), groups)
        h = load_history(tmp)
    n = len(h)
    snaps = {k: _snap(h, k) for k in range(-1, n)}
    states = {k: state_of(g) for k, g in snaps.items()}
    diffs = {(a, b): diff_versions(h, a, b) for a in range(-1, n) for b in range(-1, n)}
    for (a, b), d in diffs.items():
        # The fast path agrees with the whole-snapshot diff, evidence and all.
        assert d == diff_snapshots(snaps[a], snaps[b], h)
        # Applying diff(A, B) to A gives B.
        assert apply_diff(states[a], d) == states[b]
        # diff(B, A) is the mirror image of diff(A, B).
        assert _canon(c.mirror() for c in d.changes) == _canon(diffs[b, a].changes)
        if a == b:
            assert not d and d.changes == []
        lo, hi = min(a, b), max(a, b)
        for c in d.changes:
            assert c.kind in KINDS
            assert c.evidence, c
            assert all(lo < int(e["announcement"][1:]) <= hi for e in c.evidence), c
        # Without the history, the same changes (merges aside), quotes from the graphs.
        plain = diff_snapshots(snaps[a], snaps[b])
        assert not any(c.kind in ("units_merged", "unit_split") for c in plain.changes)
        strip = lambda cs: [(c.kind, c.subject, c.before, c.after, c.related) for c in cs  # noqa: E731
                            if c.kind not in ("units_merged", "unit_split")]
        assert strip(plain.changes) == strip(d.changes)
    # Composition: A -> M -> B gives the same state as A -> B, for every M.
    for a in range(-1, n):
        for m in range(-1, n):
            for b in range(-1, n):
                assert apply_diff(apply_diff(states[a], diffs[a, m]), diffs[m, b]) == apply_diff(states[a], diffs[a, b])


def _build(tmp: str, anns: list[list[dict]]) -> None:
    """A data folder from hand-written announcements (for the net-effect examples)."""
    root = Path(tmp)
    (root / "announcements").mkdir(parents=True)
    quotes = []
    for i, changes in enumerate(anns):
        body = []
        for j, change in enumerate(changes):
            quote = f"Statement {i}.{j} was made."
            quotes.append(quote)
            body.append({**change, "evidence": {"source": "s", "quote": quote}})
        ann = {"id": f"a{i:02d}", "date": f"{2000 + i}", "title": f"A{i}", "sources": ["s"], "changes": body}
        (root / "announcements" / f"a{i:02d}.yaml").write_text(json.dumps(ann), encoding="utf-8")
    (root / "s.txt").write_text(" ".join(quotes), encoding="utf-8")
    (root / "sources.yaml").write_text(json.dumps(
        {"sources": [{"id": "s", "file": "s.txt", "language": "en", "title": "Generated"}]}), encoding="utf-8")
    registry = {"people": [{"id": p, "names": {"en": p.upper()}} for p in PEOPLE],
                "units": [{"id": u, "names": {"en": u.upper()}} for u in UNITS]}
    (root / "registry.yaml").write_text(json.dumps(registry), encoding="utf-8")


def test_net_effect_hides_a_unit_created_and_dissolved_in_between(tmp_path):
    _build(str(tmp_path / "d"), [
        [{"record_unit": {"unit": "u0"}}, {"appoint": {"person": "p0", "title": "CEO", "unit": "u0", "head": True}}],
        [{"create_unit": {"unit": "u1", "parent": "u0"}}],
        [{"dissolve_unit": {"unit": "u1"}}],
        [{"create_unit": {"unit": "u2", "parent": "u0"}}],
    ])
    h = load_history(str(tmp_path / "d"))
    d = diff_versions(h, 0, 3)
    assert [(c.kind, c.subject) for c in d.changes] == [("unit_created", "u2")]
    assert [e["announcement"] for e in d.changes[0].evidence] == ["a03"]
    # Each step alone does show it.
    assert [(c.kind, c.subject) for c in diff_versions(h, 0, 1).changes] == [("unit_created", "u1")]
    assert [(c.kind, c.subject) for c in diff_versions(h, 1, 2).changes] == [("unit_dissolved", "u1")]


def test_net_effect_of_a_person_moved_twice_cites_both_announcements(tmp_path):
    _build(str(tmp_path / "d"), [
        [{"record_unit": {"unit": "u0"}},
         {"appoint": {"person": "p0", "title": "CEO", "unit": "u0", "head": True}},
         {"appoint": {"person": "p1", "title": "CFO", "unit": "u0"}},
         {"appoint": {"person": "p2", "title": "COO", "unit": "u0"}},
         {"appoint": {"person": "p3", "title": "Analyst", "unit": "u0", "reports_to": "p0"}}],
        [{"reports_to": {"person": "p3", "to": "p1"}}],
        [{"reports_to": {"person": "p3", "to": "p2"}}],
    ])
    h = load_history(str(tmp_path / "d"))
    d = diff_versions(h, 0, 2)
    assert len(d.changes) == 1
    c = d.changes[0]
    assert (c.kind, c.subject, c.before, c.after) == ("business_line_changed", "p3", "p0", "p2")
    assert c.category == "moved"
    assert sorted({e["announcement"] for e in c.evidence}) == ["a01", "a02"]
    # Back again is the mirror image, with the same evidence.
    back = diff_versions(h, 2, 0)
    assert back.changes == [c.mirror()]
