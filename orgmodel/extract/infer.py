"""Inference across sentences: what the text implies but no one sentence says.

A rule sees one sentence; where a new unit hangs, or which of two dated
statements about the same unit belongs in this announcement, needs the
whole article. Findings made here name the rule they extend with
``+infer...`` and carry a lowered confidence.
"""

from __future__ import annotations

from .core import Context, Finding


def infer_parents(ctx: Context, findings: list[Finding]) -> list[Finding]:
    """Parents the text implies but does not state.

    A new unit whose head reports to someone sits under the unit that person
    heads ("led by Ana Ruiz, who will report to me" -> under the author's
    unit); otherwise under the organisation the article is about. A unit
    that only appears as the place of a head appointment is recorded under
    that organisation when the paragraph names it and the data does not
    already have it.
    """
    heads: dict[str, list[tuple[str, str]]] = {}
    boss: dict[str, str] = {}
    for f in findings:
        b = f.body
        if f.action == "appoint" and b.get("head") and b.get("unit"):
            heads.setdefault(b["person"], []).append((f.date[0] if f.date else "", b["unit"]))
        if f.action == "appoint" and b.get("reports_to"):
            boss.setdefault(b["person"], b["reports_to"])
        if f.action == "reports_to" and b.get("person") and b.get("line", "business") == "business":
            boss.setdefault(b["person"], b["to"])
    head_of_unit: dict[str, str] = {}
    for person, units in heads.items():
        for _, u in units:
            head_of_unit.setdefault(u, person)
    placed = {(f.body["unit"], f.date) for f in findings
              if f.action in ("create_unit", "record_unit", "move_unit") and f.body.get("parent")}
    created = {f.body["unit"] for f in findings if f.action == "create_unit"}
    known = known_units(ctx)

    def parent_for(unit: str, when: tuple[str, str] | None) -> tuple[str | None, str]:
        head = head_of_unit.get(unit)
        manager = boss.get(head) if head else None
        if manager and heads.get(manager):
            # the unit the manager heads at the time: the latest said no later than this change
            day = when[0] if when else "9999"
            led = sorted(heads[manager])
            current = [u for d, u in led if not d or d <= day] or [u for _, u in led]
            choice = ctx.root if ctx.root in current else current[-1]
            if choice != unit:
                return choice, "infer.parent-from-reporting-line"
        return ctx.root, "infer.parent-is-organisation"

    out = []
    for f in findings:
        if f.action == "create_unit" and not f.body.get("parent") and (f.body["unit"], f.date) not in placed:
            parent, rule = parent_for(f.body["unit"], f.date)
            if parent and parent != f.body["unit"]:
                out.append(Finding("create_unit", {"unit": f.body["unit"], "parent": parent}, f.quote,
                                   f"{f.rule}+{rule}", round(f.confidence * 0.7, 2), f.sentence, f.date))
                placed.add((f.body["unit"], f.date))
    for f in findings:
        unit = f.body.get("unit")
        if (f.action == "appoint" and f.body.get("head") and unit and unit != ctx.root
                and (unit, f.date) not in placed and unit not in created and unit not in known
                and f.body.get("_root_near")):
            parent, rule = parent_for(unit, f.date)
            if parent and parent != unit:
                out.append(Finding("record_unit", {"unit": unit, "parent": parent}, f.quote,
                                   f"{f.rule}+{rule}", 0.4, f.sentence, f.date))
                placed.add((unit, f.date))
    return out


def known_units(ctx: Context) -> set[str]:
    """Units the data folder's announcements already create or record."""
    dataset = ctx.resolver.dataset
    if dataset is None:
        return set()
    out = set()
    for af in dataset.announcements:
        for change in af.announcement.changes:
            if change.action in ("create_unit", "record_unit"):
                out.add(change.body.unit)
    return out


def drop_superseded(findings: list[Finding], main: str | None) -> list[Finding]:
    """In one announcement, a unit's parent or a person's manager is said once.

    When the text places a unit (or gives a business line) both at the
    draft's date and at an earlier date it mentions ("In September last
    year..."), the earlier statement is history, not part of this change.
    """

    def subject(f: Finding) -> tuple | None:
        if f.action in ("record_unit", "move_unit") or (f.action == "create_unit" and f.body.get("parent")):
            return ("place", f.body["unit"])
        if f.action == "reports_to" and f.body.get("line", "business") == "business":
            return ("line", f.body.get("person") or f.body.get("post"))
        return None

    current = {subject(f) for f in findings if subject(f) and (f.date is None or f.date[0] == main)}
    return [f for f in findings if not (subject(f) in current and f.date is not None and f.date[0] != main)]
