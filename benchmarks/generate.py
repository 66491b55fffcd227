"""Seeded generator of large, valid organisation histories in orgmodel's format.

The benchmark needs data the size of a real company: N people in units six
to ten levels deep, and M announcements that change them the way companies
change (hires, departures, promotions, moves, renames, merges and splits of
units, new units, functional lines, committee memberships). Every change
carries a quote that occurs in a generated source text, so the data passes
``orgmodel check``.

The generator keeps its own model of the organisation and only emits changes
that keep history.py's invariants: units exist before use and are leaves
before they are split, moves keep a unit at its depth (so no cycles), every
unit keeps a head who reports to the head of the parent unit, and everyone
reporting to a person who leaves is re-pointed in the same announcement. A
person is touched at most once per announcement, so no announcement sets a
fact two ways. The same seed writes the same bytes.

Usage::

    python benchmarks/generate.py --people 10000 --announcements 100 benchmarks/out/p10000-a100
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orgmodel.fsutil import write_text  # noqa: E402

FAMILY = ("Li Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao "
          "Berg Meyer Schulz Koch Wolf Braun Kraus Lang Roth Vogel Ruiz Diaz Costa Silva Rossi "
          "Bianchi Moreau Dubois Novak Horvat Kowal Nagy Sato Suzuki Tanaka Kim Park Singh Patel "
          "Khan Okafor Mensah Haddad Nasser Larsen Berger Fischer Weber Becker Hoffmann Hartmann").split()
SYLLABLES = ("an bo chen da en fa gu hao jin kai lan ming na ou pei qing rui shan tao wei xin yu zhi "
             "la ri ta mo se ka li no vi de ra el fe jo ma ni sa to").split()
AREAS = ("Cloud Retail Payments Logistics Media Search Maps Health Travel Mobility Security Data "
         "Devices Finance Legal Marketing Sales Growth Platform Commerce Ads Gaming Music Video "
         "Education Energy Supply Quality Research Design Support Trust Identity Storage Network "
         "Analytics Insurance Lending Wealth Food Fashion Home Auto Pharmacy Voice Vision Robotics").split()
QUALIFIERS = ("Global Domestic International Enterprise Consumer Core Applied Regional Digital "
              "Strategic Emerging Northern Southern Eastern Western Central Partner Merchant").split()
KINDS = ("group", "business group", "division", "department", "centre", "unit", "team", "squad",
         "pod", "cell")
KIND_DE = {"group": "Gruppe", "business group": "Geschäftsgruppe", "division": "Sparte",
           "department": "Abteilung", "centre": "Zentrum", "unit": "Einheit", "team": "Team",
           "squad": "Trupp", "pod": "Kapsel", "cell": "Zelle"}
HEAD_TITLES = ("Chief Executive Officer", "President", "General Manager", "Vice President",
               "Director", "Senior Manager", "Manager", "Team Lead", "Squad Lead", "Lead")
MEMBER_TITLES = ("Engineer", "Senior Engineer", "Analyst", "Designer", "Product Manager",
                 "Sales Manager", "Accountant", "Finance Lead", "Researcher", "Operations Manager",
                 "Data Scientist", "Counsel", "Marketing Manager", "Account Executive")
CHUNK = 2000  # quotes per source text of the initial announcement


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def flow(body: dict) -> str:
    parts = []
    for k, v in body.items():
        if isinstance(v, bool):
            s = "true" if v else "false"
        elif isinstance(v, list):
            s = "[" + ", ".join(v) + "]"
        elif isinstance(v, dict):
            s = "{" + ", ".join(f"{lk}: {q(lv)}" for lk, lv in v.items()) + "}"
        elif k in ("title",):
            s = q(v)
        else:
            s = v
        parts.append(f"{k}: {s}")
    return "{" + ", ".join(parts) + "}"


@dataclass
class Change:
    action: str
    body: dict
    sentence: str


@dataclass
class Org:
    """The generator's own model of the organisation in force."""

    rng: random.Random
    depth: int
    person_names: dict[str, str] = field(default_factory=dict)
    unit_names: dict[str, str] = field(default_factory=dict)  # registry (first) name
    unit_kind: dict[str, str] = field(default_factory=dict)
    current_name: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)
    level: dict[str, int] = field(default_factory=dict)
    children: dict[str, set[str]] = field(default_factory=dict)
    alive: list[str] = field(default_factory=list)
    head: dict[str, str] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)
    unit_of: dict[str, str] = field(default_factory=dict)
    flines: set[str] = field(default_factory=set)
    committee_members: set[str] = field(default_factory=set)
    pool: list[str] = field(default_factory=list)
    used_names: set[str] = field(default_factory=set)
    next_unit: int = 0

    # ---- names and ids

    def person_name(self) -> str:
        while True:
            given = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.choice((1, 2, 2))))
            name = f"{given.capitalize()} {self.rng.choice(FAMILY)}"
            if name.casefold() not in self.used_names:
                self.used_names.add(name.casefold())
                return name

    def unit_name(self, kind: str) -> str:
        while True:
            base = f"{self.rng.choice(QUALIFIERS)} {self.rng.choice(AREAS)} {kind.title()}"
            name = base if base.casefold() not in self.used_names else f"{base} {self.rng.randint(2, 999)}"
            if name.casefold() not in self.used_names:
                self.used_names.add(name.casefold())
                return name

    def new_unit_id(self, level: int) -> str:
        self.next_unit += 1
        uid = f"u{self.next_unit:06d}"
        kind = KINDS[min(level, len(KINDS) - 1)]
        self.unit_kind[uid] = kind
        self.unit_names[uid] = self.unit_name(kind)
        self.current_name[uid] = self.unit_names[uid]
        return uid

    # ---- state changes

    def add_unit(self, uid: str, parent: str | None) -> None:
        self.parent[uid] = parent
        self.level[uid] = 0 if parent is None else self.level[parent] + 1
        self.children[uid] = set()
        self.members[uid] = set()
        self.alive.append(uid)
        if parent is not None:
            self.children[parent].add(uid)

    def drop_unit(self, uid: str) -> None:
        self.alive.remove(uid)
        p = self.parent.pop(uid)
        if p is not None:
            self.children[p].discard(uid)
        self.head.pop(uid, None)

    def place(self, person: str, unit: str, is_head: bool) -> None:
        old = self.unit_of.get(person)
        if old is not None:
            self.members[old].discard(person)
            if self.head.get(old) == person:
                del self.head[old]
        self.unit_of[person] = unit
        if is_head:
            self.head[unit] = person
        else:
            self.members[unit].add(person)

    def remove_person(self, person: str) -> None:
        unit = self.unit_of.pop(person)
        self.members[unit].discard(person)
        if self.head.get(unit) == person:
            del self.head[unit]
        self.flines.discard(person)
        self.committee_members.discard(person)

    def manager_of_head(self, unit: str) -> str | None:
        p = self.parent.get(unit)
        return self.head[p] if p is not None else None

    def reports_of(self, person: str) -> list[str]:
        unit = self.unit_of[person]
        if self.head.get(unit) != person:
            return []
        out = set(self.members[unit])
        out.update(self.head[c] for c in self.children[unit] if c in self.head)
        return sorted(out)


class Generator:
    def __init__(self, people: int, announcements: int, seed: int):
        self.n_people = people
        self.n_ann = announcements
        self.rng = random.Random(seed)
        depth = 6 + min(4, max(0, len(str(people)) - 4))  # 1k: 6, 10k: 7, 100k: 8 ... up to 10
        self.org = Org(self.rng, depth)
        self.special: set[str] = set()
        self.touched: set[str] = set()
        self.protected: set[str] = set()
        self.budget = 100  # changes the current announcement may still take

    # ------------------------------------------------------------ initial

    def initial(self) -> list[Change]:
        org, rng = self.org, self.rng
        for i in range(self.n_people):
            pid = f"p{i + 1:06d}"
            org.person_names[pid] = org.person_name()
        people = sorted(org.person_names)
        rng.shuffle(people)
        n_units = max(12, self.n_people // 9)
        # Level sizes grow geometrically so that the deepest level is reached
        # by a fraction of the branches only.
        weights = [1.0]
        for lvl in range(1, org.depth):
            weights.append(weights[-1] * (3.2 if lvl < 3 else 1.9))
        total = sum(weights[1:])
        sizes = [1] + [max(1, round((n_units - 1) * w / total)) for w in weights[1:]]
        levels: list[list[str]] = []
        changes: list[Change] = []
        for lvl, size in enumerate(sizes):
            ids = []
            for _ in range(size):
                uid = org.new_unit_id(lvl)
                parent = None if lvl == 0 else rng.choice(levels[lvl - 1][: max(1, len(levels[lvl - 1]) * 4 // 5)])
                org.add_unit(uid, parent)
                ids.append(uid)
                body = {"unit": uid} if parent is None else {"unit": uid, "parent": parent}
                where = f" within {org.current_name[parent]}" if parent else ""
                changes.append(Change("record_unit", body, f"{org.current_name[uid]} operates{where}."))
            levels.append(ids)
        root = levels[0][0]
        self.root = root
        committee = org.new_unit_id(1)
        org.unit_kind[committee] = "committee"
        org.add_unit(committee, root)
        self.committee = committee
        self.protected = {root, committee}
        changes.append(Change("record_unit", {"unit": committee, "parent": root},
                              f"The {org.current_name[committee]} advises the group."))
        employed = people[: int(self.n_people * 0.9)]
        org.pool = sorted(people[len(employed):], reverse=True)
        staff = iter(employed)
        units = [u for lvl in levels for u in lvl]
        for u in units:
            changes.append(self.appoint(next(staff), u, True))
        self.ceo = org.head[root]
        cfo = next(staff)
        changes.append(self.appoint(cfo, root, False, title="Chief Financial Officer"))
        self.cfo = cfo
        self.special = {self.ceo, cfo}
        rest = list(staff)
        for i, person in enumerate(rest):
            # Bigger teams at the leaves, some staff higher up.
            u = units[-1 - (i * 7919) % len(units)] if i % 4 else rng.choice(units)
            changes.append(self.appoint(person, u, False))
        for person in rest[:: max(1, len(rest) // 40)][:40]:
            changes.append(self.fline(person))
        return changes

    # ------------------------------------------------------------ changes

    def appoint(self, person: str, unit: str, is_head: bool, title: str | None = None) -> Change:
        org = self.org
        lvl = org.level[unit]
        if title is None:
            title = HEAD_TITLES[min(lvl, len(HEAD_TITLES) - 1)] if is_head else self.rng.choice(MEMBER_TITLES)
        org.place(person, unit, is_head)
        mgr = org.manager_of_head(unit) if is_head else org.head.get(unit)
        body: dict = {"person": person, "title": title, "unit": unit}
        if is_head:
            body["head"] = True
        if mgr is not None and mgr != person:
            body["reports_to"] = mgr
        self.touched.add(person)
        text = f"{org.person_names[person]} is appointed {title} of {org.current_name[unit]}"
        if "reports_to" in body:
            text += f", reporting to {org.person_names[mgr]}"
        return Change("appoint", body, text + ".")

    def report(self, person: str, to: str) -> Change:
        self.touched.add(person)
        return Change("reports_to", {"person": person, "to": to},
                      f"{self.org.person_names[person]} will report to {self.org.person_names[to]}.")

    def fline(self, person: str) -> Change:
        self.org.flines.add(person)
        self.touched.add(person)
        return Change("reports_to", {"person": person, "to": self.cfo, "line": "functional"},
                      f"{self.org.person_names[person]} will also report to {self.org.person_names[self.cfo]} "
                      "on finance matters.")

    def free(self, *people: str) -> bool:
        return not any(p in self.touched or p in self.special for p in people)

    def pick_unit(self, min_level: int = 0, leaf: bool = False) -> str | None:
        org = self.org
        for _ in range(20):
            u = self.rng.choice(org.alive)
            if u in self.protected or u in self.touched or org.level[u] < min_level:
                continue
            if leaf and org.children[u]:
                continue
            return u
        return None

    def pick_member(self) -> tuple[str, str] | None:
        for _ in range(20):
            u = self.pick_unit()
            if u and self.org.members[u]:
                m = self.rng.choice(sorted(self.org.members[u]))
                if self.free(m):
                    return m, u
        return None

    def op_hire(self) -> list[Change]:
        u = self.pick_unit()
        if not u or not self.org.pool:
            return []
        return [self.appoint(self.org.pool.pop(), u, False)]

    def op_depart_member(self) -> list[Change]:
        found = self.pick_member()
        if not found:
            return []
        m, _ = found
        self.org.remove_person(m)
        self.touched.add(m)
        return [Change("leave", {"person": m}, f"{self.org.person_names[m]} will leave the company.")]

    def op_replace_head(self) -> list[Change]:
        org = self.org
        u = self.pick_unit(min_level=1)
        if not u:
            return []
        h = org.head[u]
        reports = org.reports_of(h)
        if not self.free(h, *reports) or org.manager_of_head(u) in self.touched or len(reports) + 2 > self.budget:
            return []
        out = []
        if self.rng.random() < 0.5 or not org.members[u]:
            if not org.pool:
                return []
            successor = org.pool.pop()
        else:
            successor = self.rng.choice(sorted(org.members[u]))
        org.remove_person(h)
        self.touched.add(h)
        out.append(Change("leave", {"person": h}, f"{org.person_names[h]} steps down and leaves the company."))
        out.append(self.appoint(successor, u, True))
        out += [self.report(r, successor) for r in reports if r != successor]
        return out

    def op_move_person(self) -> list[Change]:
        found = self.pick_member()
        v = self.pick_unit()
        if not found or not v or v == found[1] or self.org.head.get(v) in self.touched:
            return []
        m, u = found
        leave = Change("leave", {"person": m, "unit": u},
                       f"{self.org.person_names[m]} leaves {self.org.current_name[u]}.")
        return [leave, self.appoint(m, v, False)]

    def op_rename(self) -> list[Change]:
        u = self.pick_unit(min_level=1)
        if not u:
            return []
        org = self.org
        old = org.current_name[u]
        new = org.unit_name(org.unit_kind[u])
        org.current_name[u] = new
        self.touched.add(u)
        return [Change("rename_unit", {"unit": u, "name": {"en": new}}, f"{old} is renamed {new}.")]

    def op_move_unit(self) -> list[Change]:
        org = self.org
        u = self.pick_unit(min_level=2)
        if not u:
            return []
        p = org.parent[u]
        peers = [v for v in org.children[org.parent[p]] if v != p and v not in self.protected]
        if not peers:
            return []
        v = self.rng.choice(sorted(peers))
        h = org.head[u]
        if v in self.touched or not self.free(h) or org.head.get(v) in self.touched:
            return []
        org.children[p].discard(u)
        org.children[v].add(u)
        org.parent[u] = v
        self.touched.update((u, p, v))
        return [Change("move_unit", {"unit": u, "parent": v},
                       f"{org.current_name[u]} moves under {org.current_name[v]}."),
                self.report(h, org.head[v])]

    def op_merge(self) -> list[Change]:
        org = self.org
        a = self.pick_unit(min_level=2)
        if not a:
            return []
        sibs = sorted(s for s in org.children[org.parent[a]] if s != a and s not in self.protected)
        if not sibs:
            return []
        b = self.rng.choice(sibs)
        kids = sorted(org.children[a])
        people = [org.head[a], *sorted(org.members[a]), *(org.head[k] for k in kids)]
        if b in self.touched or any(k in self.touched for k in kids) or not self.free(*people) \
                or org.head[b] in self.touched or len(people) + len(kids) + 1 > min(60, self.budget):
            return []
        out = [Change("merge_units", {"units": [a], "into": b},
                      f"{org.current_name[a]} will be integrated into {org.current_name[b]}.")]
        for k in kids:
            org.children[a].discard(k)
            org.children[b].add(k)
            org.parent[k] = b
            org.level[k] = org.level[b] + 1
        old_head = org.head[a]
        staff = sorted(org.members[a])
        org.drop_unit(a)
        self.touched.update((a, b, *kids))
        out.append(self.appoint(old_head, b, False, title="Deputy " + HEAD_TITLES[min(org.level[b], 9)]))
        out += [self.appoint(s, b, False) for s in staff]
        out += [self.report(org.head[k], org.head[b]) for k in kids]
        return out

    def op_split(self) -> list[Change]:
        org = self.org
        a = self.pick_unit(min_level=2, leaf=True)
        if not a or len(org.members[a]) < 2:
            return []
        p = org.parent[a]
        staff = sorted(org.members[a])
        if not self.free(org.head[a], *staff) or p in self.touched or org.head[p] in self.touched \
                or len(staff) + 2 > min(60, self.budget):
            return []
        lvl = org.level[a]
        n1, n2 = org.new_unit_id(lvl), org.new_unit_id(lvl)
        old_head = org.head[a]
        org.drop_unit(a)
        org.add_unit(n1, p)
        org.add_unit(n2, p)
        self.touched.update((a, p, n1, n2))
        out = [Change("split_unit", {"unit": a, "into": [n1, n2]},
                      f"{org.current_name[a]} is split into {org.current_name[n1]} and {org.current_name[n2]}.")]
        out.append(self.appoint(old_head, n1, True))
        out.append(self.appoint(staff[0], n2, True))
        out += [self.appoint(s, (n1, n2)[i % 2], False) for i, s in enumerate(staff[1:])]
        return out

    def op_create(self) -> list[Change]:
        org = self.org
        p = self.pick_unit()
        if not p or org.level[p] >= org.depth - 1 or org.head[p] in self.touched or len(org.pool) < 3 \
                or self.budget < 4:
            return []
        u = org.new_unit_id(org.level[p] + 1)
        org.add_unit(u, p)
        self.touched.update((u, p))
        out = [Change("create_unit", {"unit": u, "parent": p},
                      f"We are establishing {org.current_name[u]} within {org.current_name[p]}.")]
        out.append(self.appoint(org.pool.pop(), u, True))
        out += [self.appoint(org.pool.pop(), u, False) for _ in range(self.rng.randint(0, 2))]
        return out

    def op_fline(self) -> list[Change]:
        found = self.pick_member()
        if not found or found[0] in self.org.flines:
            return []
        return [self.fline(found[0])]

    def op_end_fline(self) -> list[Change]:
        cands = sorted(p for p in self.org.flines if p not in self.touched)
        if not cands:
            return []
        p = self.rng.choice(cands)
        self.org.flines.discard(p)
        self.touched.add(p)
        return [Change("end_reporting", {"person": p, "to": self.cfo, "line": "functional"},
                       f"{self.org.person_names[p]} no longer reports to {self.org.person_names[self.cfo]} "
                       "on finance matters.")]

    def op_committee(self) -> list[Change]:
        org = self.org
        out = []
        u = self.pick_unit(min_level=1)
        if u and org.head[u] not in org.committee_members and self.free(org.head[u]):
            h = org.head[u]
            org.committee_members.add(h)
            self.touched.add(h)
            out.append(Change("join", {"person": h, "unit": self.committee},
                              f"{org.person_names[h]} joins the {org.current_name[self.committee]}."))
        old = sorted(p for p in org.committee_members if p not in self.touched)
        if len(old) > 5:
            p = self.rng.choice(old)
            org.committee_members.discard(p)
            self.touched.add(p)
            out.append(Change("end_membership", {"person": p, "unit": self.committee},
                              f"{org.person_names[p]} steps down from the {org.current_name[self.committee]}."))
        return out

    OPS = {
        "appointments": ((("op_hire", 3), ("op_replace_head", 3), ("op_move_person", 2), ("op_committee", 1)), (1, 8)),
        "departures": ((("op_depart_member", 4), ("op_replace_head", 2)), (1, 6)),
        "reorganisation": ((("op_merge", 2), ("op_split", 2), ("op_move_unit", 3), ("op_create", 2),
                            ("op_rename", 2), ("op_replace_head", 1)), (2, 100)),
        "functional lines": ((("op_fline", 5), ("op_end_fline", 1)), (3, 30)),
        "renaming": ((("op_rename", 1),), (1, 4)),
    }
    MIX = (("appointments", 40), ("departures", 20), ("reorganisation", 22), ("functional lines", 10),
           ("renaming", 8))

    def later(self) -> tuple[str, list[Change]]:
        rng = self.rng
        kind = rng.choices([k for k, _ in self.MIX], [w for _, w in self.MIX])[0]
        ops, (lo, hi) = self.OPS[kind]
        target = rng.randint(lo, hi) if kind != "reorganisation" else int(min(hi, lo + rng.expovariate(1 / 15)))
        self.touched = set()
        out: list[Change] = []
        for _ in range(target * 8):
            if len(out) >= target:
                break
            self.budget = 100 - len(out)
            if self.budget < 2:
                break
            op = rng.choices([o for o, _ in ops], [w for _, w in ops])[0]
            out += getattr(self, op)()
        if not out:
            out = self.op_rename()
        return kind, out


# ---------------------------------------------------------------- writing


def wrap(sentences: list[str], header: str) -> str:
    """A source text: a header, then the sentences in paragraphs, some split over lines."""
    lines = [header, ""]
    for i, s in enumerate(sentences):
        if i % 7 == 3 and " " in s:
            cut = s.index(" ", len(s) // 2) if " " in s[len(s) // 2:] else s.index(" ")
            lines.append(s[:cut])
            lines.append("  " + s[cut + 1:])
        else:
            lines.append(s)
        if i % 12 == 11:
            lines.append("")
    return "\n".join(lines) + "\n"


def announcement_yaml(aid: str, date: str, title: str, sources: list[str], changes: list[Change],
                      source_of: list[str]) -> str:
    out = [f"id: {aid}", f"date: {date}", f"title: {q(title)}", f"sources: [{', '.join(sources)}]", "changes:"]
    for ch, src in zip(changes, source_of):
        out.append(f"  - {ch.action}: {flow(ch.body)}")
        out.append(f"    evidence: {{source: {src}, quote: {q(ch.sentence)}}}")
    return "\n".join(out) + "\n"


def generate(root: Path, people: int, announcements: int, seed: int = 1) -> dict[str, int]:
    """Write a data folder at ``root``; return counts of what was written."""
    gen = Generator(people, announcements, seed)
    org = gen.org
    day = dt.date(2012, 1, 2)
    sources_yaml = ["sources:"]
    files: dict[str, str] = {}
    n_changes = 0

    def add_source(sid: str, title: str, published: dt.date, text: str) -> None:
        files[f"sources/{sid}.txt"] = text
        sources_yaml.extend([f"  - id: {sid}", f"    file: sources/{sid}.txt", "    language: en",
                             f"    title: {q(title)}", "    publisher: Corporate Communications",
                             f"    published: {published.isoformat()}"])

    first = gen.initial()
    chunks = [first[i:i + CHUNK] for i in range(0, len(first), CHUNK)]
    sids = [f"directory-{i + 1:03d}" for i in range(len(chunks))]
    for sid, chunk in zip(sids, chunks):
        title = f"Organisation directory, part {sid[-3:]}"
        add_source(sid, title, day, wrap([c.sentence for c in chunk], title))
    source_of = [sids[i // CHUNK] for i in range(len(first))]
    files["announcements/a0000-initial-organisation.yaml"] = announcement_yaml(
        "a0000-initial-organisation", day.isoformat(), "The organisation at the start of the record",
        sids, first, source_of)
    n_changes += len(first)
    for k in range(1, announcements):
        day += dt.timedelta(days=1 + gen.rng.randint(1, 5))
        kind, changes = gen.later()
        aid = f"a{k:04d}-{kind.replace(' ', '-')}"
        sid = f"letter-{k:04d}"
        title = f"{kind.capitalize()} announced on {day.isoformat()}"
        intro = f"{title}\nDear colleagues, today we announce the following changes."
        add_source(sid, title, day, wrap([c.sentence for c in changes], intro))
        files[f"announcements/{aid}.yaml"] = announcement_yaml(aid, day.isoformat(), title, [sid], changes,
                                                               [sid] * len(changes))
        n_changes += len(changes)

    reg = ["people:"]
    for pid in sorted(org.person_names):
        reg.append(f"  - {{id: {pid}, names: {{en: {q(org.person_names[pid])}}}}}")
    reg.append("units:")
    for uid in sorted(org.unit_names):
        name = org.unit_names[uid]
        kind = org.unit_kind[uid]
        de = name.replace(kind.title(), KIND_DE.get(kind, kind.title()))
        names = f"{{en: {q(name)}" + (f", de: {q(de)}" if de != name and de.casefold() not in org.used_names else "") + "}"
        reg.append(f"  - {{id: {uid}, kind: {q(kind)}, names: {names}}}")
    files["registry.yaml"] = "\n".join(reg) + "\n"
    files["sources.yaml"] = "\n".join(sources_yaml) + "\n"

    root.mkdir(parents=True, exist_ok=True)
    for folder, pattern in (("announcements", "*.yaml"), ("sources", "*.txt")):
        for old in sorted((root / folder).glob(pattern)):
            if f"{folder}/{old.name}" not in files:
                old.unlink()  # left by an earlier run with other sizes
    for rel, text in sorted(files.items()):
        write_text(root / rel, text)
    return {"people": people, "units": len(org.unit_names), "announcements": announcements,
            "changes": n_changes, "files": len(files), "bytes": sum(len(t.encode()) for t in files.values())}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--people", type=int, default=1000)
    ap.add_argument("--announcements", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    counts = generate(args.folder, args.people, args.announcements, args.seed)
    print(", ".join(f"{k}: {v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
