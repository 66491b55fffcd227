"""Findings -> announcements in the project's format, and their YAML text.

Between the rules and the file: inference across sentences (see
:mod:`.infer`), merging duplicate findings into one change with several
quotes, grouping changes into announcements by date, and the YAML text.
Every change carries a ``note`` naming the rule and its confidence, so a
reviewer checks the weakest first.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from ..errors import InputError, Problem
from .core import Context, Finding
from .infer import drop_superseded, infer_parents, known_units
from .resolve import Proposal, slug

HEAD_OF = "appoint"


@dataclass
class Change:
    action: str
    body: dict
    quotes: list[str]
    rules: list[str]
    confidence: float
    date: tuple[str, str] | None
    new: list[str] = field(default_factory=list)

    def note(self, main_date: str | None) -> str:
        parts = [f"rule {', '.join(self.rules)}; confidence {self.confidence:.2f}"]
        if self.new:
            parts.append("new: " + ", ".join(self.new))
        if self.date and self.date[0] != main_date:
            parts.append(f"text dates it {self.date[0]} ({self.date[1]})")
        return "; ".join(parts)


@dataclass
class Announcement:
    id: str
    date: str
    title: str
    source: str
    author: str | None
    changes: list[Change]
    date_note: str | None = None
    approximate: bool = False


@dataclass
class Draft:
    """Announcements drafted from one article, and the registry entries they need."""

    lang: str
    source: str
    announcements: list[Announcement]
    proposals: list[Proposal]

    def changes(self) -> list[Change]:
        return [c for a in self.announcements for c in a.changes]

    def explain(self) -> str:
        lines = []
        for ann in self.announcements:
            lines.append(f"{ann.id} ({ann.date})")
            for ch in ann.changes:
                body = ", ".join(f"{k}={v}" for k, v in ch.body.items())
                lines.append(f"  {ch.confidence:.2f}  {ch.action}({body})  [{', '.join(ch.rules)}]")
                lines.append(f"        \"{_short(ch.quotes[0])}\"")
        return "\n".join(lines) + "\n"

    def announcement_yaml(self, ann: Announcement, with_registry: bool = True) -> str:
        out = ["# Drafted by orgmodel extract: review every change before use.",
               "# yaml-language-server: $schema=../../schemas/announcement.schema.json",
               f"id: {ann.id}", f"date: {_q(ann.date)}"]
        if ann.approximate:
            out.append("approximate: true")
        if ann.date_note:
            out.append(f"date_note: {_q(ann.date_note)}")
        out += [f"title: {_q(ann.title)}", f"sources: [{ann.source}]"]
        if ann.author:
            out.append(f"author: {ann.author}")
        out.append("changes:")
        for ch in ann.changes:
            out.append(f"  - {ch.action}: {_flow(ch.body)}")
            out.append("    evidence:")
            for quote in ch.quotes:
                out.append(f"      - source: {ann.source}")
                out.append(f"        quote: {_q(quote)}")
            out.append(f"    note: {_q(ch.note(ann.date))}")
        if with_registry and self.proposals:
            out.append("")
            out.append("# proposed registry entries (add them to registry.yaml):")
            out += ["# " + line for line in self.registry_yaml().splitlines()]
        return "\n".join(out) + "\n"

    def to_yaml(self, inline_registry: bool = True) -> str:
        """Every announcement as one YAML stream (documents separated by ---).

        With ``inline_registry`` the proposed registry entries follow as a
        comment block, which the loader ignores.
        """
        last = len(self.announcements) - 1
        return "---\n".join(self.announcement_yaml(a, inline_registry and i == last)
                             for i, a in enumerate(self.announcements))

    def registry_yaml(self) -> str:
        groups = {"person": "people", "unit": "units", "post": "posts"}
        out = []
        for kind, group in groups.items():
            items = [p for p in self.proposals if p.kind == kind]
            if not items:
                continue
            out.append(f"{group}:")
            for p in items:
                out.append(f"  - id: {p.id}")
                out.append(f"    names: {_flow(p.names)}")
                for k, v in sorted(p.extra.items()):
                    out.append(f"    {k}: {_q(v) if isinstance(v, str) else json.dumps(v)}")
                out.append(f"    note: {_q(p.note)}")
        return "\n".join(out) + "\n" if out else ""


def _short(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and slug(value, "x") == value and not value.isdigit():
        return value
    return _q(str(value))


# --------------------------------------------------------------------------


def build_draft(ctx: Context, *, source: str, date: dt.date | None, lang: str, split: bool = False,
                latest_year: int | None = None) -> Draft:
    findings = [f for f in ctx.findings if _valid(f)]
    findings += infer_parents(ctx, findings)
    _record_or_move(findings, known_units(ctx))
    if not findings:
        return Draft(lang, source, [], [])
    approximate = date is None
    dated = sorted(f.date[0] for f in findings if f.date)
    main = date.isoformat() if date else (f"{latest_year:04d}" if latest_year else (dated[-1] if dated else None))
    if not split:
        findings = drop_superseded(findings, main)
    changes = merge_findings(findings, ctx)
    changes = _record_unplaced(changes, ctx)
    if main is None:
        raise InputError(Problem("the text gives no date for its changes",
                                 hint="pass --date YYYY-MM-DD (the article's date)"))
    groups: dict[str, list[Change]] = {}
    for ch in changes:
        key = ch.date[0] if (split and ch.date) else main
        groups.setdefault(key, []).append(ch)
    anns = []
    for when in sorted(groups):
        chs = groups[when]
        title = _title(chs, ctx)
        notes = sorted({c.date[1] for c in chs if c.date and c.date[0] == when})
        note = f"from the text: {'; '.join(notes)}" if notes else None
        approx = approximate and when == main
        if approx:
            note = "The text is undated; placed at the latest year it mentions, the earliest it allows."
        anns.append(Announcement(f"{when}-{_short_slug(title)}", when, title, source,
                                 ctx.author if when == main else None, chs, note, approx))
    used = {i for c in changes for i in _ids(c.body)}
    props = [p for p in ctx.resolver.proposals.values() if p.id in used]
    return Draft(lang, source, anns, sorted(props, key=lambda p: (p.kind, p.id)))


def _record_unplaced(changes: list[Change], ctx: Context) -> list[Change]:
    """Record the new units the draft relies on but never creates or places.

    An article about an organisation the data has never seen takes the
    organisation (and the units it only names) for granted; the data folder
    wants each unit recorded before a change refers to it. The record gives
    no parent, since the text does not say one, and cites the first sentence
    that names the unit.
    """
    placed = {c.body["unit"] for c in changes if c.action in ("create_unit", "record_unit")}
    # a rename names the unit anew in the same announcement: a record would set its name twice
    placed |= {c.body["unit"] for c in changes if c.action == "rename_unit"}
    first: dict[str, Change] = {}
    for ch in sorted(changes, key=lambda c: c.date[0] if c.date else "9999"):
        for ident in _ids(ch.body):
            if (ctx.resolver.kinds.get(ident) == "unit" and ctx.resolver.is_new(ident)
                    and ident not in placed and ident not in first):
                first[ident] = ch
    records = [Change("record_unit", {"unit": unit}, ch.quotes[:1], ["draft.record-unplaced"], 0.4, ch.date, [unit])
               for unit, ch in sorted(first.items())]
    return _parents_first(records + changes)


def _parents_first(changes: list[Change], actions: tuple[str, ...] = ("create_unit", "record_unit")) -> list[Change]:
    """Changes of ``actions`` in an order where each unit's parent is placed before it, then the rest."""
    placing = [c for c in changes if c.action in actions]
    rest = [c for c in changes if c.action not in actions]
    done: list[Change] = []
    pending = list(placing)
    while pending:
        waiting = {c.body["unit"] for c in pending}
        ready = [c for c in pending if c.body.get("parent") not in waiting or c.body.get("parent") == c.body["unit"]]
        ready = ready or pending[:1]
        for c in ready:
            pending.remove(c)
        done += ready
    return done + rest


def _short_slug(title: str, limit: int = 60) -> str:
    """An id part from a title, cut at a word boundary."""
    words, out = slug(title, "x").split("-"), ""
    for w in words:
        if out and len(out) + 1 + len(w) > limit:
            break
        out = f"{out}-{w}" if out else w
    return out


def _record_or_move(findings: list[Finding], known: set[str]) -> None:
    """Place a unit with record_unit the first time it appears, with move_unit after.

    The data folder refuses to record a unit twice and to move one it has
    never seen; which applies depends on what the data already has and on
    what the draft said earlier (in date order).
    """
    seen = set(known)
    for f in sorted(findings, key=lambda f: f.date[0] if f.date else "9999"):
        unit = f.body.get("unit")
        if f.action in ("record_unit", "move_unit"):
            f.action = "move_unit" if unit in seen else "record_unit"
        if f.action in ("record_unit", "move_unit", "create_unit"):
            seen.add(unit)


def _valid(f: Finding) -> bool:
    b = f.body
    if f.action == "appoint":
        return bool(b.get("person")) and bool(b.get("unit") or b.get("post")) and b.get("person") != b.get("reports_to")
    if f.action == "reports_to":
        return bool(b.get("person") or b.get("post")) and bool(b.get("to")) and (b.get("person") or b.get("post")) != b["to"]
    if f.action in ("create_unit", "record_unit", "move_unit"):
        return bool(b.get("unit")) and b.get("unit") != b.get("parent") and (f.action != "move_unit" or b.get("parent"))
    if f.action == "merge_units":
        return bool(b.get("units")) and bool(b.get("into"))
    return True


def _ids(body: dict) -> list[str]:
    out = []
    for k, v in body.items():
        if k in ("title", "name", "head", "line"):
            continue
        out += v if isinstance(v, list) else [v] if isinstance(v, str) else []
    return out


def merge_findings(findings: list[Finding], ctx: Context) -> list[Change]:
    """One change per distinct (action, body); a business line said in the appointment's sentence joins it."""
    appoint_at = {}
    for f in findings:
        if f.action == "appoint":
            appoint_at.setdefault((f.body["person"], f.sentence), f)
    kept: list[Finding] = []
    for f in findings:
        b = f.body
        if f.action == "reports_to" and b.get("person") and b.get("line", "business") == "business":
            ap = appoint_at.get((b["person"], f.sentence))
            if ap is not None and not ap.body.get("reports_to"):
                ap.body["reports_to"] = b["to"]
                ap.rule = f"{ap.rule}+{f.rule}"
                continue
        kept.append(f)
    # a unit created and moved in one breath is created under its parent
    moved = {(f.body["unit"], f.date): f for f in kept if f.action == "move_unit"}
    for f in kept:
        if f.action == "create_unit" and not f.body.get("parent") and (f.body["unit"], f.date) in moved:
            move = moved.pop((f.body["unit"], f.date))
            f.body["parent"] = move.body["parent"]
            f.rule = f"{f.rule}+{move.rule}"
            kept.remove(move)
    # a create_unit with a parent replaces the same create without one
    with_parent = {f.body["unit"] for f in kept if f.action == "create_unit" and f.body.get("parent")}
    kept = [f for f in kept if not (f.action == "create_unit" and not f.body.get("parent")
                                    and f.body["unit"] in with_parent)]
    changes: dict[tuple, Change] = {}
    for f in kept:
        body = {k: v for k, v in f.body.items() if not k.startswith("_") and v not in (None, False)}
        key = (f.action, json.dumps(body, sort_keys=True))
        if f.action == "appoint":
            key = (f.action, body["person"], body.get("unit") or body.get("post"))
        ch = changes.get(key)
        if ch is None:
            new = [i for i in _ids(body) if ctx.resolver.is_new(i)]
            changes[key] = Change(f.action, body, [f.quote], [f.rule], f.confidence, f.date, new)
        else:
            if f.quote not in ch.quotes:
                ch.quotes.append(f.quote)
            if f.rule not in ch.rules:
                ch.rules.append(f.rule)
            ch.confidence = max(ch.confidence, f.confidence)
            for k, v in body.items():
                ch.body.setdefault(k, v)
            ch.date = ch.date or f.date
    order = {"create_unit": 0, "record_unit": 1, "rename_unit": 2, "split_unit": 3, "merge_units": 4,
             "move_unit": 5, "appoint": 6, "reports_to": 7}
    return _parents_first(sorted(changes.values(), key=lambda c: order.get(c.action, 9)), ("create_unit",))


def _title(changes: list[Change], ctx: Context) -> str:
    name = ctx.resolver.name_of
    for ch in changes:
        if ch.action == "create_unit":
            return f"{name(ch.body['unit'])} established"
    for ch in changes:
        if ch.action == "appoint" and ch.body.get("unit"):
            return f"{name(ch.body['person'])} {ch.body['title']} of {name(ch.body['unit'])}"
    for ch in changes:
        if ch.action == "rename_unit":
            return f"{name(ch.body['unit'])} renamed {next(iter(ch.body['name'].values()))}"
    for ch in changes:
        if ch.action == "merge_units":
            return f"{', '.join(name(u) for u in ch.body['units'])} merged"
    ch = changes[0]
    return f"{ch.action.replace('_', ' ').capitalize()}: {', '.join(name(i) for i in _ids(ch.body))}"


def write_draft(draft: Draft, out: str | None, registry_out: str | None = None) -> list[str]:
    """Write the draft: one file, or one file per announcement when ``out`` is a folder.

    Returns the paths written. With ``registry_out`` the proposed registry
    entries go to that file instead of a comment block in the announcement.
    A file holds one announcement, as the data folder wants; several (from
    ``split``) need a folder.
    """
    from pathlib import Path

    from ..fsutil import write_text

    written: list[str] = []
    inline = registry_out is None
    if out is not None:
        target = Path(out)
        if target.is_dir() or out.endswith(("/", "\\")):
            last = len(draft.announcements) - 1
            for i, ann in enumerate(draft.announcements):
                path = target / f"{ann.id}.yaml"
                write_text(path, draft.announcement_yaml(ann, inline and i == last))
                written.append(str(path))
        elif len(draft.announcements) > 1:
            raise InputError(Problem(f"{out}: the draft has {len(draft.announcements)} announcements",
                                     hint="give -o a folder (one file per announcement) or leave out --split"))
        else:
            write_text(target, draft.to_yaml(inline))
            written.append(str(target))
    if registry_out is not None:
        write_text(registry_out, draft.registry_yaml() or "people: []\n")
        written.append(registry_out)
    return written
