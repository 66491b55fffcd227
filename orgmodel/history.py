"""Announcements -> one temporal structure; snapshots materialised on demand.

Applying the announcements in date order once gives a list of *facts*. A fact
is one keyed statement (unit U exists with these names; U's parent is P;
person X holds title T in U; X reports to Y on a business line; ...) with the
interval of announcement indexes it is in force for: ``start <= k < end``.
Snapshot ``k`` is every fact in force at ``k``, built into a
``networkx.DiGraph`` only when asked for. No copy of the organisation is kept
per version, and the facts that start or end at ``k`` are exactly what
announcement ``k`` changed.

Invariants are checked while applying, announcement by announcement: no
reporting cycle, one parent per unit and no unit under its own descendant, no
reference to a unit before it exists or after it is dissolved, nobody
reporting to themselves or to someone who holds no post, and no two
announcements of the same date setting the same fact two ways.
"""

from __future__ import annotations

import datetime as _dt
import gc
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from . import model as m
from .cache import paused_gc
from .errors import InputError, Problem, RefError
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


class _Where:
    """The file and line of a change, looked up only when a message shows them.

    Behaves as the pair ``(file, line)``. Finding a line may mean parsing the
    file again for its line map (see :mod:`orgmodel.cache`), which only
    error messages should pay for.
    """

    __slots__ = ("af", "path")

    def __init__(self, af: AnnouncementFile, path: tuple):
        self.af = af
        self.path = path

    def pair(self) -> tuple[str, int | None]:
        return self.af.located.file, self.af.line_of(*self.path)[0]

    def __getitem__(self, i: int) -> Any:
        return self.pair()[i]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.pair())

    def __len__(self) -> int:
        return 2

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (_Where, tuple)):
            return self.pair() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pair())

    def __repr__(self) -> str:
        return repr(self.pair())


_ACTION_OF: dict[type, str] = {cls: name for name, cls in m.CHANGE_MODELS.items()}


class _Skip(Exception):
    """A change that cannot be applied; its problem is already recorded."""


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
        with paused_gc(freeze=True):
            _Applier(self).run()

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


# ------------------------------------------------------------------ applying


class _Applier:
    """Replays the announcements once, building facts and checking invariants."""

    def __init__(self, history: History) -> None:
        self.h = history
        self.ds = history.dataset
        self.current: dict[tuple, Fact] = {}
        self.children: dict[str, set[str]] = {}
        self.positions: dict[str, set[tuple]] = {}  # target -> pos keys
        self.subject_keys: dict[str, set[tuple]] = {}  # person/post -> keys where it is the subject
        self.reports_in: dict[str, set[tuple]] = {}  # manager -> line keys
        self.heads: dict[str, str] = {}
        self.unit_end: dict[str, tuple[int, str]] = {}  # unit -> (index, announcement) it was dissolved
        self.set_here: dict[tuple, tuple[Any, tuple]] = {}
        self.broken: set[str] = set()  # units whose creation failed (already reported)
        self.asserted: dict[tuple, tuple[int, tuple | None]] = {}  # key -> (version, where) that last set it

    # -- bookkeeping

    def run(self) -> None:
        for version in self.h.versions:
            self.k = version.index
            self.af = version.file
            self.ann = version.announcement
            self.set_here = {}
            self.left: set[str] = set()
            self.new_lines: list[tuple[tuple, int]] = []
            for ci, change in enumerate(self.ann.changes):
                self.ci = ci
                self.ev = [Evidence(self.ann.id, e.source, e.quote) for e in change.evidence]
                action = _ACTION_OF[type(change)]
                try:
                    getattr(self, "do_" + action)(getattr(change, action))
                except _Skip:
                    pass
            self.check_lines()
        if self.h.problems:
            raise InputError(self.h.problems)

    def where(self, *path: Any) -> "_Where":
        return _Where(self.af, ("changes", self.ci, *path))

    def fail(self, message: str, hint: str | None = None, path: tuple = ()) -> None:
        line, col = self.af.line_of("changes", self.ci, self.ann.changes[self.ci].action, *path)
        self.h.problems.append(Problem(f"{self.ann.id}: {message}", self.af.located.file, line, col, hint))
        raise _Skip

    def describe(self, fact: Fact) -> str:
        if fact.where:
            return f"{fact.where[0]}:{fact.where[1]}"
        return "?"

    def set(self, key: tuple, value: Any) -> None:
        here = self.where()
        if key in self.set_here and self.set_here[key][0] != value:
            other = self.set_here[key][1]
            self.fail(f"contradicts {other[0]}:{other[1]} in the same announcement: {_show_key(key)} is set to "
                      f"{_show_value(self.set_here[key][0])} there and to {_show_value(value)} here",
                      "keep one of the two changes")
        self.set_here[key] = (value, here)
        old = self.current.get(key)
        if old is not None:
            if old.value == value:
                if old.start != self.k:
                    old.evidence.extend(e for e in self.ev if e not in old.evidence)
                    self.asserted[key] = (self.k, here)
                return
            # The last announcement that said so, even if it only repeated an older fact.
            last, last_where = self.asserted.get(key, (old.start, old.where))
            prev = self.h.versions[last].announcement
            if last != self.k and prev.date == self.ann.date:
                shown = f"{last_where[0]}:{last_where[1]}" if last_where else "?"
                self.fail(f"contradicts announcement {prev.id} of the same date ({shown}): "
                          f"{_show_key(key)} is {_show_value(old.value)} there and {_show_value(value)} here",
                          "give the later announcement a later date, or correct one of them")
            self.close(key)
        fact = Fact(key, value, self.k, list(self.ev), where=here,
                    origin=old.origin if old is not None else None)
        self.asserted[key] = (self.k, here)
        self.current[key] = fact
        self.h.facts.append(fact)
        self.h.started[self.k].append(fact)
        for ent in _entities_of(key, value):
            self.h.by_entity.setdefault(ent, []).append(fact)
        self._index(key, value, add=True)

    def close(self, key: tuple) -> None:
        fact = self.current.pop(key)
        self._index(key, fact.value, add=False)
        if fact.start == self.k:
            # Set and ended by the same announcement: it never was in force.
            self.h.facts.remove(fact)
            self.h.started[self.k].remove(fact)
            for ent in _entities_of(key, fact.value):
                self.h.by_entity[ent].remove(fact)
            return
        fact.end = self.k
        fact.end_evidence = list(self.ev)
        self.h.ended[self.k].append(fact)

    def _index(self, key: tuple, value: Any, add: bool) -> None:
        kind = key[0]

        def upd(d: dict[str, set], k: str, item: Any) -> None:
            if add:
                d.setdefault(k, set()).add(item)
            else:
                d.get(k, set()).discard(item)

        if kind == "parent":
            upd(self.children, value, key[1])  # type: ignore[arg-type]
        elif kind == "pos":
            upd(self.positions, key[2], key)
            upd(self.subject_keys, key[1], key)
            if value[1]:
                if add:
                    self.heads[key[2]] = key[1]
                elif self.heads.get(key[2]) == key[1]:
                    del self.heads[key[2]]
        elif kind == "member":
            upd(self.positions, key[2], key)
            upd(self.subject_keys, key[1], key)
        elif kind == "line":
            upd(self.subject_keys, key[1], key)
            upd(self.reports_in, value, key)
        elif kind == "fline":
            upd(self.subject_keys, key[1], key)
            upd(self.reports_in, key[2], key)

    # -- checks

    def alive(self, unit: str) -> bool:
        return ("unit", unit) in self.current

    def need_unit(self, unit: str, path: tuple) -> None:
        if self.alive(unit):
            return
        if unit in self.broken:
            raise _Skip  # its creation failed and was reported: say nothing more about it
        if unit in self.unit_end:
            idx, ann = self.unit_end[unit]
            self.fail(f"unit {unit!r} was dissolved by {ann} ({self.h.versions[idx].announcement.date})",
                      "refer to a unit in force, or move this change before the dissolution", path)
        later = [v for v in self.ds.announcements if _creates(v.announcement, unit)]
        if later:
            other = later[0].announcement
            if other.id == self.ann.id:
                self.fail(f"unit {unit!r} is used before the change of this announcement that creates it",
                          "put the create_unit or record_unit change first", path)
            self.fail(f"unit {unit!r} does not exist yet on {self.ann.date}: it is first created by {other.id} ({other.date})",
                      "create or record the unit first, or check the dates", path)
        self.fail(f"unit {unit!r} does not exist on {self.ann.date}",
                  "add a create_unit or record_unit change for it first", path)

    def present(self, who: str) -> bool:
        return bool(self.subject_keys.get(who))

    def names_for(self, unit: str, given: dict[str, str] | None, rename: bool = False) -> tuple:
        reg = dict(self.ds.entities[unit].names)
        if not given:
            names = reg
        elif rename and all(reg.get(lang) == n for lang, n in given.items()):
            names = reg
        else:
            names = dict(given)
        return tuple(sorted(names.items()))

    def ancestors(self, unit: str) -> list[str]:
        """``unit`` and the units above it, nearest first."""
        chain = [unit]
        seen = {unit}
        while True:
            nxt = self.current.get(("parent", chain[-1]))
            if nxt is None or nxt.value in seen:
                return chain
            chain.append(nxt.value)
            seen.add(nxt.value)

    def line_cycle(self, who: str, to: str) -> list[str] | None:
        """A path from ``to`` back to ``who`` along reporting lines, if any."""
        if not self.reports_in.get(who):
            return None  # nobody reports to ``who``: no line can lead back to them
        stack = [(to, [who, to])]
        seen = {to}
        while stack:
            node, path = stack.pop()
            if node == who:
                return path
            targets = []
            bl = self.current.get(("line", node, "business"))
            if bl:
                targets.append(bl.value)
            targets += sorted(k[2] for k in self.subject_keys.get(node, ()) if k[0] == "fline")
            for t in targets:
                if t == who:
                    return path + [t]
                if t not in seen:
                    seen.add(t)
                    stack.append((t, path + [t]))
        return None

    def _cycle_sources(self, cycle: list[str]) -> str:
        """Where each existing line of a cycle was set, for the error message."""
        parts = []
        for a, b in zip(cycle[1:], cycle[2:]):
            fact = self.current.get(("line", a, "business"))
            if fact is None or fact.value != b:
                fact = self.current.get(("fline", a, b))
            if fact is not None and fact.where:
                parts.append(f"{a} -> {b} set at {fact.where[0]}:{fact.where[1]}")
        return f" (existing lines: {'; '.join(parts)})" if parts else ""

    def check_lines(self) -> None:
        for key, ci in self.new_lines:
            fact = self.current.get(key)
            if fact is None or fact.start != self.k:
                continue
            manager = fact.value if key[0] == "line" else key[2]
            if not self.present(manager):
                self.ci = ci
                try:
                    self.fail(f"{key[1]!r} reports to {manager!r}, who holds no post on {self.ann.date}",
                              f"appoint {manager!r} to a post first (or in this announcement)")
                except _Skip:
                    pass
        for person in sorted(self.left):
            if self.present(person):
                continue
            for key in sorted(self.reports_in.get(person, ()), key=repr):
                fact = self.current[key]
                line = f"{fact.where[0]}:{fact.where[1]}" if fact.where else "?"
                self.h.problems.append(Problem(
                    f"{self.ann.id}: {key[1]!r} still reports to {person!r} ({line}), who leaves the organisation here",
                    self.af.located.file, self.af.line_of("changes")[0], None,
                    f"add a reports_to or end_reporting change for {key[1]!r} in this announcement"))

    # -- actions

    def _new_unit(self, unit: str, parent: str | None, names: dict[str, str] | None,
                  origin: str = "created") -> None:
        try:
            self._check_new_unit(unit, parent)
        except _Skip:
            if not self.alive(unit):
                self.broken.add(unit)
            raise
        self.broken.discard(unit)
        self.set(("unit", unit), self.names_for(unit, names))
        self.current[("unit", unit)].origin = origin
        self.unit_end.pop(unit, None)
        if parent is not None:
            self.set(("parent", unit), parent)

    def _check_new_unit(self, unit: str, parent: str | None) -> None:
        if self.alive(unit):
            since = self.h.versions[self.current[("unit", unit)].start].announcement
            self.fail(f"unit {unit!r} already exists (since {since.id}, {since.date})",
                      "use move_unit or rename_unit for a unit that exists")
        if parent is not None:
            if parent == unit:
                self.fail(f"unit {unit!r} cannot be its own parent", "name another parent", ("parent",))
            self.need_unit(parent, ("parent",))

    def do_record_unit(self, body: m.RecordUnit) -> None:
        self._new_unit(body.unit, body.parent, body.name, origin="recorded")

    def do_create_unit(self, body: m.CreateUnit) -> None:
        self._new_unit(body.unit, body.parent, body.name)

    def _dissolve(self, unit: str, path: tuple = ("unit",)) -> None:
        self.need_unit(unit, path)
        kids = sorted(c for c in self.children.get(unit, ()) if self.alive(c))
        if kids:
            self.fail(f"unit {unit!r} is dissolved while {', '.join(map(repr, kids))} still sit under it",
                      "move or dissolve the sub-units first", path)
        for key in sorted(self.positions.get(unit, set()), key=repr):
            self.close(key)
        self.close(("unit", unit))
        if ("parent", unit) in self.current:
            self.close(("parent", unit))
        self.unit_end[unit] = (self.k, self.ann.id)

    def do_dissolve_unit(self, body: m.DissolveUnit) -> None:
        self._dissolve(body.unit)

    def do_rename_unit(self, body: m.RenameUnit) -> None:
        self.need_unit(body.unit, ("unit",))
        names = self.names_for(body.unit, body.name, rename=True)
        if names == self.current[("unit", body.unit)].value:
            self.fail(f"unit {body.unit!r} already has that name", "remove the rename", ("name",))
        self.set(("unit", body.unit), names)

    def _move(self, unit: str, parent: str, path: tuple) -> None:
        if unit == parent:
            self.fail(f"unit {unit!r} cannot be its own parent", "name another parent", path)
        chain = self.ancestors(parent)
        if unit in chain:
            shown = " -> ".join(chain[: chain.index(unit) + 1][::-1] + [unit])
            self.fail(f"moving {unit!r} under {parent!r} puts it under its own descendant: {shown}",
                      f"{parent!r} is inside {unit!r}; move {parent!r} out first", path)
        self.set(("parent", unit), parent)

    def do_move_unit(self, body: m.MoveUnit) -> None:
        self.need_unit(body.unit, ("unit",))
        self.need_unit(body.parent, ("parent",))
        self._move(body.unit, body.parent, ("parent",))

    def do_merge_units(self, body: m.MergeUnits) -> None:
        targets = body.targets()
        if all(u in targets for u in body.units):
            self.fail("a merge needs at least one unit that is not also its target",
                      "list the units that are merged under 'units' and the unit they form under 'into'", ("units",))
        for i, u in enumerate(body.units):
            self.need_unit(u, ("units", i))
        for i, t in enumerate(targets):
            self.need_unit(t, ("into",) if isinstance(body.into, str) else ("into", i))
        for i, u in enumerate(body.units):
            if u in targets:
                continue
            kids = sorted(c for c in self.children.get(u, ()) if self.alive(c))
            if kids and len(targets) == 1:
                for kid in kids:
                    self._move(kid, targets[0], ("units", i))
            self._dissolve(u, ("units", i))
        self.h.events[self.k].append(Event("merged", tuple(body.units), tuple(targets), self.k, tuple(self.ev)))

    def do_split_unit(self, body: m.SplitUnit) -> None:
        self.need_unit(body.unit, ("unit",))
        parent_fact = self.current.get(("parent", body.unit))
        parent = body.parent or (parent_fact.value if parent_fact else None)
        if parent is not None:
            self.need_unit(parent, ("parent",))
        for i, new in enumerate(body.into):
            if new != body.unit and not self.alive(new):
                self._new_unit(new, parent, None)
        if body.unit not in body.into:
            self._dissolve(body.unit)
        self.h.events[self.k].append(Event("split", (body.unit,), tuple(body.into), self.k, tuple(self.ev)))

    def do_appoint(self, body: m.Appoint) -> None:
        target = body.unit or body.post
        if body.unit:
            self.need_unit(body.unit, ("unit",))
        if body.head:
            prev = self.heads.get(body.unit)  # type: ignore[arg-type]
            if prev and prev != body.person:
                self.close(("pos", prev, body.unit))
                self.left.add(prev)
        self.set(("pos", body.person, target), (body.title, body.head))
        if body.reports_to:
            self._line(body.person, body.reports_to, "business", ("reports_to",))

    def do_leave(self, body: m.Leave) -> None:
        target = body.unit or body.post
        if target:
            key = ("pos", body.person, target)
            if key not in self.current:
                self.fail(f"{body.person!r} holds no post in {target!r} on {self.ann.date}",
                          "check the person and the unit, or remove the change")
            self.close(key)
        else:
            keys = sorted(self.subject_keys.get(body.person, ()), key=repr)
            if not keys:
                self.fail(f"{body.person!r} is not in the organisation on {self.ann.date}",
                          "check the person, or remove the change")
            for key in keys:
                self.close(key)
        self.left.add(body.person)

    def _line(self, who: str, to: str, line: str, path: tuple) -> None:
        if who == to:
            self.fail(f"{who!r} cannot report to themselves", "name the person's manager", path)
        cycle = self.line_cycle(who, to)
        if cycle:
            self.fail(f"reporting cycle: {' -> '.join(cycle)}{self._cycle_sources(cycle)}",
                      "one of these lines is wrong; end it or point it elsewhere", path)
        key = ("line", who, "business") if line == "business" else ("fline", who, to)
        self.set(key, to if line == "business" else True)
        self.new_lines.append((key, self.ci))

    def do_reports_to(self, body: m.ReportsTo) -> None:
        self._line(body.who, body.to, body.line, ("to",))

    def do_end_reporting(self, body: m.EndReporting) -> None:
        key = ("line", body.who, "business") if body.line == "business" else ("fline", body.who, body.to)
        fact = self.current.get(key)
        if fact is None or (body.line == "business" and fact.value != body.to):
            self.fail(f"{body.who!r} has no {body.line} line to {body.to!r} on {self.ann.date}",
                      "check the names and the line kind", ("to",))
        self.close(key)

    def do_join(self, body: m.Join) -> None:
        self.need_unit(body.unit, ("unit",))
        self.set(("member", body.person, body.unit), True)

    def do_end_membership(self, body: m.EndMembership) -> None:
        key = ("member", body.person, body.unit)
        if key not in self.current:
            self.fail(f"{body.person!r} is not a member of {body.unit!r} on {self.ann.date}",
                      "check the person and the unit")
        self.close(key)
        self.left.add(body.person)


def _creates(ann: m.Announcement, unit: str) -> bool:
    for ch in ann.changes:
        b = ch.body
        if isinstance(b, (m.CreateUnit, m.RecordUnit)) and b.unit == unit:
            return True
        if isinstance(b, m.SplitUnit) and unit in b.into:
            return True
    return False


def _show_key(key: tuple) -> str:
    kind = key[0]
    if kind == "unit":
        return f"the name of {key[1]!r}"
    if kind == "parent":
        return f"the parent of {key[1]!r}"
    if kind == "pos":
        return f"the post of {key[1]!r} in {key[2]!r}"
    if kind == "line":
        return f"the business line of {key[1]!r}"
    if kind == "fline":
        return f"the functional line of {key[1]!r} to {key[2]!r}"
    return repr(key)


def _show_value(value: Any) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return repr(dict(value).get("en", dict(value)))
    if isinstance(value, tuple):
        return repr(value[0]) + (" (head)" if value[1] else "")
    return repr(value)


def load_history(root: str) -> History:
    from .load import load_dataset

    return History(load_dataset(root))


def today() -> _dt.date:
    return _dt.date.today()
