"""Replaying announcements into facts, checking invariants on the way.

:class:`Applier` applies the announcements of a :class:`~orgmodel.history.History`
in date order, once. Each change sets or ends keyed facts; the invariants are
checked announcement by announcement: no reporting cycle, one parent per unit
and no unit under its own descendant, no reference to a unit before it exists
or after it is dissolved, nobody reporting to themselves or to someone who
holds no post, and no two announcements of the same date setting the same
fact two ways. Every problem names the file and line of the change (and of the
other change it conflicts with) and is collected; the run raises them together.
"""

from __future__ import annotations

from typing import Any, Iterator

from . import model as m
from .errors import InputError, Problem
from .history import Event, Evidence, Fact, History, _entities_of
from .load import AnnouncementFile


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


class Applier:
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
