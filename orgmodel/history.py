"""Announcements -> one temporal structure; snapshots materialised on demand.

Applying the announcements in date order once gives a list of *facts*. A fact
is one keyed statement (unit U exists with these names; U's parent is P;
person X holds title T in U; X reports to Y on a business line; ...) with the
interval of announcement indexes it is in force for: ``start <= k < end``.
Snapshot ``k`` is every fact in force at ``k``, built into a
``networkx.DiGraph`` only when asked for. No copy of the organisation is kept
per version, and the facts that start or end at ``k`` are exactly what
announcement ``k`` changed.

The facts are made, and every invariant checked, by replaying the
announcements once (:mod:`orgmodel.apply`).
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from . import model as m
from .cache import paused_gc
from .errors import Problem, RefError
from .load import AnnouncementFile, Dataset

if TYPE_CHECKING:
    import networkx as nx

INF = 1 << 62


@dataclass(frozen=True)
class Evidence:
    announcement: str
    source: str
    quote: str

    def as_dict(self) -> dict[str, str]:
        return {"announcement": self.announcement, "source": self.source, "quote": self.quote}


@dataclass
class Fact:
    """One keyed statement and the announcement indexes it is in force for."""

    key: tuple
    value: Any
    start: int
    evidence: list[Evidence]
    end: int = INF
    end_evidence: list[Evidence] = field(default_factory=list)
    where: tuple[str, int | None] | None = None
    #: For unit facts: "recorded" when the texts only show the unit existing
    #: (record_unit), "created" otherwise; kept across renames.
    origin: str | None = None

    def alive(self, k: int) -> bool:
        return self.start <= k < self.end


@dataclass(frozen=True)
class Event:
    """A structural event that is more than its facts: a merge or a split."""

    kind: str  # "merged" | "split"
    units: tuple[str, ...]
    into: tuple[str, ...]
    index: int
    evidence: tuple[Evidence, ...]


@dataclass
class Version:
    index: int
    file: AnnouncementFile

    @property
    def announcement(self) -> m.Announcement:
        return self.file.announcement

    @property
    def id(self) -> str:
        return self.announcement.id


class History:
    """All versions of one organisation, as facts with intervals."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.versions = [Version(i, af) for i, af in enumerate(dataset.announcements)]
        self.facts: list[Fact] = []
        self.started: list[list[Fact]] = [[] for _ in self.versions]
        self.ended: list[list[Fact]] = [[] for _ in self.versions]
        self.events: list[list[Event]] = [[] for _ in self.versions]
        self.by_entity: dict[str, list[Fact]] = {}
        self.problems: list[Problem] = []
        from .apply import Applier

        with paused_gc(freeze=True):
            Applier(self).run()

    # ---------------------------------------------------------------- queries

    def __len__(self) -> int:
        return len(self.versions)

    def resolve(self, ref: str) -> int:
        """The version index a ref names; see :func:`resolve_ref`."""
        return resolve_ref(self, ref)

    def version(self, ref: str | int) -> Version:
        return self.versions[ref if isinstance(ref, int) else self.resolve(ref)]

    def facts_at(self, k: int, entities: Iterable[str] | None = None) -> Iterator[Fact]:
        if entities is None:
            pool: Iterable[Fact] = self.facts
        else:
            seen: set[int] = set()
            pool = []
            for e in entities:
                for f in self.by_entity.get(e, ()):
                    if id(f) not in seen:
                        seen.add(id(f))
                        pool.append(f)  # type: ignore[union-attr]
        return _AliveFacts(pool, k, entities is None)  # type: ignore[return-value]

    def touched_between(self, i: int, j: int) -> set[str]:
        """Entities whose facts started or ended after version ``i`` up to ``j``."""
        lo, hi = min(i, j), max(i, j)
        out: set[str] = set()
        for k in range(lo + 1, hi + 1):
            for f in self.started[k] + self.ended[k]:
                out.update(_entities_of(f.key, f.value))
            for ev in self.events[k]:
                out.update(ev.units)
                out.update(ev.into)
        return out

    def events_between(self, i: int, j: int) -> list[Event]:
        lo, hi = min(i, j), max(i, j)
        return [ev for k in range(lo + 1, hi + 1) for ev in self.events[k]]

    def entity_facts(self, entity: str) -> list[Fact]:
        return sorted(self.by_entity.get(entity, ()), key=lambda f: (f.start, f.end, repr(f.key)))

    def snapshot(self, ref: str | int, entities: Iterable[str] | None = None) -> "nx.DiGraph":
        """The organisation after version ``ref``, as a typed ``DiGraph``.

        With ``entities``, only the facts that involve those entities (a
        partial snapshot, for diffs and focused charts).
        """
        k = ref if isinstance(ref, int) else self.resolve(ref)
        if not 0 <= k < len(self.versions):
            raise RefError(f"no version {k}: there are {len(self.versions)}")
        with paused_gc():
            return build_graph(self, k, self.facts_at(k, entities))


# ------------------------------------------------------------------ graphs


def _entities_of(key: tuple, value: Any) -> list[str]:
    kind = key[0]
    if kind in ("unit",):
        return [key[1]]
    if kind == "parent":
        return [key[1], value]
    if kind in ("pos", "member", "fline"):
        return [key[1], key[2]]
    if kind == "line":
        return [key[1], value]
    return []


class _ReadOnlyDict(dict):
    """An evidence entry shared by every snapshot: a dict that refuses changes.

    Snapshots reuse one such dict per quote instead of copying it for every
    edge of every snapshot; since it cannot be changed, no caller can alter
    what the next snapshot shows. Copies (``dict(e)``, ``copy``, ``deepcopy``,
    pickle) are plain dicts.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("snapshot evidence is read-only; copy it with dict(e) to change it")

    __setitem__ = __delitem__ = __ior__ = _refuse  # type: ignore[assignment]
    update = pop = popitem = clear = setdefault = _refuse  # type: ignore[assignment]

    def __copy__(self) -> dict:
        return dict(self)

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)

    def __reduce__(self) -> tuple:
        return dict, (dict(self),)


def _evidence(evidence: list[Evidence], memo: dict[Evidence, dict[str, str]]) -> tuple[dict[str, str], ...]:
    """The read-only dicts of a fact's evidence; one dict per distinct quote, via ``memo``."""
    out = []
    for e in evidence:
        d = memo.get(e)
        if d is None:
            d = memo[e] = _ReadOnlyDict(announcement=e.announcement, source=e.source, quote=e.quote)
        out.append(d)
    return tuple(out)


#: One row per edge fact: (order key, start, end, source, target, attrs template, evidence).
_EdgeRow = tuple[tuple[str, str, str, str], int, int, str, str, dict, tuple]


def _edge_row(fact: Fact, memo: dict) -> _EdgeRow | None:
    """What a fact contributes to every snapshot it is in force for, made once."""
    kind, value = fact.key[0], fact.value
    if kind == "unit":
        return None
    ev = _evidence(fact.evidence, memo)
    if kind == "parent":
        s, t, attrs = fact.key[1], value, {"kind": "part_of", "evidence": ev}
    elif kind == "pos":
        title, head = value
        s, t, attrs = fact.key[1], fact.key[2], {"kind": "heads" if head else "holds", "title": title, "evidence": ev}
    elif kind == "line":
        s, t, attrs = fact.key[1], value, {"kind": "reports_to", "line": "business", "evidence": ev}
    elif kind == "fline":
        s, t, attrs = fact.key[1], fact.key[2], {"kind": "reports_to", "line": "functional", "evidence": ev}
    elif kind == "member":
        s, t, attrs = fact.key[1], fact.key[2], {"kind": "member_of", "evidence": ev}
    else:
        return None
    return (s, t, attrs["kind"], attrs.get("line", "")), fact.start, fact.end, s, t, attrs, ev


class _Plan:
    """Per-history work shared by all snapshots: edge rows in graph order, node templates.

    Sorting 190,000 edges and making their attribute and evidence dicts is
    most of a snapshot's cost at 100,000 people; done once here, a whole
    snapshot only filters the rows in force and copies their templates.
    (source, target, kind, line) is unique among the facts in force at one
    version, so the order is the same as sorting each snapshot's edges.
    Facts do not change once the history is built; ``size`` guards against
    a history whose facts were added to since.
    """

    def __init__(self, history: History) -> None:
        facts = history.facts
        self.size = len(facts)
        rows = []
        memo: dict[Evidence, dict[str, str]] = {}
        for f in facts:
            r = _edge_row(f, memo)
            if r is not None:
                rows.append((r, id(f)))
        rows.sort(key=lambda r: r[0][0])
        self.edges: list[_EdgeRow] = [r for r, _ in rows]
        self.ids = [fid for _, fid in rows]
        self.units = [f for f in facts if f.key[0] == "unit"]
        self.memo = memo
        # Node templates are made on first use: by id for nodes without a
        # unit fact in force, by the fact's id for units.
        self.templates: dict[Any, dict[str, Any]] = {}
        self._rank: dict[int, int] | None = None

    @property
    def rank(self) -> dict[int, int]:
        """Position of each edge fact (by id) in :attr:`edges`, for partial snapshots."""
        if self._rank is None:
            self._rank = {fid: i for i, fid in enumerate(self.ids)}
        return self._rank


def _node_template(ds: Dataset, nid: str, unit: Fact | None, memo: dict) -> dict[str, Any]:
    """A node's attributes; snapshots copy it, with new lists and dicts inside."""
    ent = ds.entities[nid]
    kind = ds.kinds[nid]
    attrs: dict[str, Any] = {"type": kind, "aliases": tuple(ent.aliases)}
    if kind == "unit":
        names = dict(unit.value) if unit else dict(ent.names)
        attrs["kind"] = getattr(ent, "kind", None)
        attrs["evidence"] = _evidence(unit.evidence, memo) if unit else ()
        attrs["recorded"] = bool(unit and unit.origin == "recorded")
    else:
        names = dict(ent.names)
        if kind == "post":
            attrs["collective"] = getattr(ent, "collective", False)
    attrs["names"] = names
    attrs["name"] = m.display_name(names, "en")
    return attrs


def _plan(history: History) -> _Plan:
    plan = history.__dict__.get("_graph_plan")
    if plan is None or plan.size != len(history.facts):
        plan = _Plan(history)
        history.__dict__["_graph_plan"] = plan
        # The plan lives as long as its history, which is frozen out of the
        # collector's reach too (see History and cache.paused_gc): otherwise
        # every full collection walks its hundreds of thousands of rows again.
        gc.freeze()
    return plan


class _AliveFacts:
    """The facts in force at ``k`` among ``pool``; iterates like a generator of facts.

    :func:`build_graph` recognises the whole history's pool and then walks its
    pre-sorted rows instead.
    """

    __slots__ = ("pool", "k", "whole")

    def __init__(self, pool: Iterable[Fact], k: int, whole: bool):
        self.pool = pool
        self.k = k
        self.whole = whole

    def __iter__(self) -> Iterator[Fact]:
        k = self.k
        return (f for f in self.pool if f.start <= k < f.end)


def build_graph(history: History, k: int, facts: Iterable[Fact]) -> "nx.DiGraph":
    """A snapshot graph from the facts in force at version ``k``.

    Every attribute dict and list in the graph is new, so a caller may change
    them freely; only the evidence entries (read-only dicts) are shared
    between snapshots. The graph is written straight into networkx's
    adjacency dicts, in the order ``add_nodes_from`` of the sorted nodes and
    ``add_edges_from`` of the sorted edges would give, without their copies.
    """
    import networkx as nx

    ds = history.dataset
    ann = history.versions[k].announcement
    plan = _plan(history)
    g = nx.DiGraph(
        version=ann.id,
        index=k,
        date=ann.date,
        precision=ann.precision,
        approximate=ann.approximate,
        title=ann.title,
        sources=list(ann.sources),
    )
    if isinstance(facts, _AliveFacts) and facts.whole:
        units = {f.key[1]: f for f in plan.units if f.start <= k < f.end}
        rows = [r for r in plan.edges if r[1] <= k < r[2]]
        present = set(units)
        present.update([r[3] for r in rows])
        present.update([r[4] for r in rows])
        order = sorted(present)
    else:
        units = {}
        picked = []
        rank = plan.rank
        for fact in facts:
            if fact.key[0] == "unit":
                units[fact.key[1]] = fact
            else:
                i = rank.get(id(fact))
                if i is not None:
                    picked.append(i)
        picked.sort()
        rows = [plan.edges[i] for i in picked]
        present = set(units)
        present.update([r[3] for r in rows])
        present.update([r[4] for r in rows])
        order = sorted(present)
    node, succ, pred = g._node, g._succ, g._pred
    templates = plan.templates
    for nid in order:
        unit = units.get(nid)
        key = nid if unit is None else id(unit)
        t = templates.get(key)
        if t is None:
            t = templates[key] = _node_template(ds, nid, unit, plan.memo)
        a = t.copy()
        a["aliases"] = [*t["aliases"]]
        if "evidence" in t:
            a["evidence"] = [*t["evidence"]]
        a["names"] = t["names"].copy()
        node[nid] = a
        succ[nid] = {}
        pred[nid] = {}
    last_s = last_t = None
    attrs: dict[str, Any] = {}
    for _, _, _, s, t, tmpl, ev in rows:
        new = tmpl.copy()
        new["evidence"] = [*ev]
        if s == last_s and t == last_t:
            # A second relation between the same two nodes (different kinds)
            # rides on the one DiGraph edge.
            attrs.setdefault("also", []).append(new)
            continue
        attrs = new
        succ[s][t] = attrs
        pred[t][s] = attrs
        last_s, last_t = s, t
    return g


# ------------------------------------------------------------------ refs

_REL = re.compile(r"^(.+?)~(\d*)$")
_DATE_REF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def resolve_ref(history: History, ref: str) -> int:
    """A version index from a ref, as a git user would expect.

    Accepted: an announcement id; ``latest`` (also ``HEAD``) and ``first``;
    ``REF~N`` (N versions before REF; ``~`` alone is ``~1``); a date
    ``YYYY-MM-DD`` / ``YYYY-MM`` / ``YYYY`` (the version in force at the end of
    that day, month or year); or a unique prefix of an id.
    """
    ref = ref.strip()
    n = len(history.versions)
    if n == 0:
        raise RefError("there are no announcements yet")
    ids = {v.id: v.index for v in history.versions}
    if ref in ids:
        return ids[ref]
    if ref in ("latest", "HEAD"):
        return n - 1
    if ref == "first":
        return 0
    rel = _REL.match(ref)
    if rel:
        base = resolve_ref(history, rel.group(1))
        steps = int(rel.group(2) or 1)
        if base - steps < 0:
            raise RefError(f"{ref!r} goes back {steps} from version {base + 1} of {n}: there are only {base} before it")
        return base - steps
    if _DATE_REF.match(ref):
        try:
            end = m.period_end(ref)
        except ValueError as e:
            raise RefError(str(e)) from None
        found = [v.index for v in history.versions if v.announcement.start <= end]
        if not found:
            first = history.versions[0].announcement
            raise RefError(f"no version is in force on {ref}: the first is {first.id} ({first.date})")
        return found[-1]
    matches = [i for vid, i in ids.items() if vid.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = ", ".join(sorted(history.versions[i].id for i in matches)[:5])
        raise RefError(f"{ref!r} is ambiguous: it starts {len(matches)} ids ({names})")
    raise RefError(f"unknown version {ref!r}: use an announcement id, a date, 'latest' or 'latest~N' (see 'orgmodel log')")


def load_history(root: str) -> History:
    from .load import load_dataset

    return History(load_dataset(root))
