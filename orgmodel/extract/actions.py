"""Handlers shared by the language rules: from a match to findings.

Each factory returns a handler that reads named groups of a rule's match
(``p`` a person, ``t`` a title, ``u`` units, ``to`` a manager...) and emits
findings. The grammar differs per language; what a sentence *means* does not,
so the meaning lives here once.
"""

from __future__ import annotations

import re

from .core import OPEN as OPEN_MARK
from .core import Hit

# Titles that make their holder the unit's head (unless deputy/vice...).
_HEAD = re.compile(
    r"(?<![a-zäöüß])(ceo|chief executive|president|general manager|managing director|head|leader|person in charge|"
    r"generaldirektor\w*|geschäftsführer\w*|vorstandsvorsitzende\w*|leiter\w*|leitung|chef\w*|präsident\w*|"
    r"konzernchef\w*|gruppenchef\w*|vorstandschef\w*)(?![a-z])|总经理|总裁|负责人|首席执行官|院长|主任|部长", re.I)
_NOT_HEAD = re.compile(r"\b(deputy|vice|assistant|associate|acting|stellvertretende\w*|co-)\b|副|助理", re.I)
_RECENT = 2  # "the new group" and appointments without a unit look back this many sentences


def _first_seen(hit: Hit, unit: str) -> bool:
    """A unit the registry lacks, named here for the first time: most likely a new one."""
    return hit.ctx.resolver.is_new(unit) and unit not in hit.ctx.seen


def is_head(title: str) -> bool:
    return bool(_HEAD.search(title)) and not _NOT_HEAD.search(title)


def clean_title(title: str) -> str:
    title = re.sub(r"^(?:the|a|an|its|our|their|new|der|die|das|den|des|neue[nr]?)\s+", "", title.strip(), flags=re.I)
    title = " ".join(title.split()).strip(" ,.;:")
    if title.islower() and re.search(r"[a-z]", title):
        small = {"of", "and", "for", "the", "in"}
        title = " ".join(w if w in small else w[:1].upper() + w[1:] for w in title.split())
    return title


def _recent_unit(hit: Hit) -> str | None:
    last = hit.ctx.last_created
    if last and hit.tpl.sentence.index - last[1] <= _RECENT:
        return last[0]
    return None


def _unit_before(hit: Hit) -> str | None:
    """The last unit named in the sentence before the match ("北风支付下设…，由赵强负责")."""
    before = [u for u in hit.tpl.ids(hit.tpl.text[: hit.match.start()]) if hit.ctx.resolver.kinds.get(u) == "unit"]
    return before[-1] if before and before[-1] != hit.ctx.root else None


def appoint(units_default: str = "recent", title: str | None = None, prefix_root: bool = False):
    """X becomes TITLE (of U...): one appointment per unit named; head when the title says so."""

    def handle(hit: Hit) -> None:
        person = hit.person("p")
        text_title = title or clean_title(hit.text("t"))
        if not person or not text_title:
            return
        units = [u for u in hit.ids("u") if hit.ctx.resolver.kinds.get(u) == "unit"]
        if not units and hit.group("g"):
            units = [hit.ctx.root] if hit.ctx.root else []
            if prefix_root:
                text_title = f"{hit.group('g').strip().capitalize()} {text_title}"
        if not units and units_default == "recent":
            recent = _recent_unit(hit) or _unit_before(hit)
            units = [recent] if recent else []
        if not units and units_default in ("recent", "root") and hit.ctx.root:
            units = [hit.ctx.root]
        head = is_head(text_title)
        for unit in units:
            hit.emit("appoint", {"person": person, "title": text_title, "unit": unit, "head": head},
                     None if head else hit.rule.confidence * 0.9)
        if "to" in hit.match.groupdict() and hit.group("to"):
            boss = hit.person("to")
            if boss:
                hit.emit("reports_to", {"person": person, "to": boss, "line": "business"})

    return handle


def reports(line: str = "business"):
    """... report(s) to Y: every person named before the verb reports to Y."""

    def handle(hit: Hit) -> None:
        boss = hit.person("to")
        if not boss:
            return
        start = hit.match.start("to")
        earlier = [m for m in hit.rule.pattern.finditer(hit.tpl.text) if m.end() <= hit.match.start()]
        # after an earlier "X reports to Y", only who is named since counts ("..., who in turn reports to Z": Y)
        begin = earlier[-1].end() if earlier else 0
        if "p" in hit.match.groupdict() and hit.group("p"):
            subjects = [hit.person("p")]
        else:
            subjects = [i for i in hit.tpl.ids(hit.tpl.text[begin:start]) if hit.ctx.resolver.kinds.get(i) == "person"]
            if not subjects and earlier:
                subjects = [i for i in hit.tpl.ids(earlier[-1].group("to")) if hit.ctx.resolver.kinds.get(i) == "person"]
        for who in dict.fromkeys(s for s in subjects if s and s != boss):
            hit.emit("reports_to", {"person": who, "to": boss, "line": line})

    return handle


def list_reports(separators: str, line: str = "business"):
    """"A, B and C will report to D": every name of the list reports to D, new names included.

    The list may hold people the text has not named before; the rule's pattern
    only lets names through where the language's name pattern matches.
    """
    split = re.compile(separators)

    def handle(hit: Hit) -> None:
        boss = hit.person("to")
        if not boss:
            return
        people = []
        for part in split.split(hit.group("pl")):
            part = part.strip()
            if not part:
                continue
            found = [i for i in hit.tpl.ids(part) if hit.ctx.resolver.kinds.get(i) == "person"]
            people += found or ([hit.ctx.resolver.propose(part, "person")] if OPEN_MARK not in part else [])
        if len(people) < 2:
            return
        for who in dict.fromkeys(p for p in people if p and p != boss):
            hit.emit("reports_to", {"person": who, "to": boss, "line": line})

    return handle


def respectively(title: str = "Head"):
    """Units U1..Un ... respectively ... people P1..Pn: each Pi heads Ui."""

    def handle(hit: Hit) -> None:
        people = [i for i in hit.ids("pl") if hit.ctx.resolver.kinds.get(i) == "person"]
        before = hit.tpl.text[: hit.match.start("pl")]
        units = [i for i in hit.tpl.ids(before) if hit.ctx.resolver.kinds.get(i) == "unit"]
        if len(people) < 2 or len(units) < len(people):
            return
        for person, unit in zip(people, units[-len(people):]):
            hit.emit("appoint", {"person": person, "title": title, "unit": unit, "head": True})

    return handle


def posts_report(make_names, line: str = "functional"):
    """Unnamed post holders ("the finance leaders of each business sector") report to named people."""

    def handle(hit: Hit) -> None:
        names = make_names(hit)
        targets = [i for i in hit.ids("rest") if hit.ctx.resolver.kinds.get(i) == "person"]
        if not names or not targets:
            return
        pairs = zip(names, targets) if len(names) == len(targets) else [(n, targets[0]) for n in names]
        for name, boss in pairs:
            extra = {"collective": True, **({"unit": hit.ctx.root} if hit.ctx.root else {})}
            post = hit.ctx.resolver.propose(name, "post", extra)
            hit.emit("reports_to", {"post": post, "to": boss, "line": line})

    return handle


def create(with_parent: bool = True):
    """A unit is established (optionally under/in a parent)."""

    def handle(hit: Hit) -> None:
        parent = hit.unit("parent") if with_parent and "parent" in hit.match.groupdict() else None
        for unit in hit.ids("u"):
            if hit.ctx.resolver.kinds.get(unit) != "unit" or unit == hit.ctx.root:
                continue
            hit.emit("create_unit", {"unit": unit, "parent": parent})
            hit.ctx.last_created = (unit, hit.tpl.sentence.index)

    return handle


def place(action: str = "move_unit", parent_group: str = "parent"):
    """Units go (or are recorded) under a parent unit."""

    def handle(hit: Hit) -> None:
        parent = hit.unit(parent_group)
        if not parent:
            return
        for unit in hit.ids("u"):
            if unit not in (parent, hit.ctx.root) and hit.ctx.resolver.kinds.get(unit) == "unit":
                hit.emit(action, {"unit": unit, "parent": parent})

    return handle


def merge_or_move(new_words: str, merge_words: str):
    """A, B ... integrated/merged into T (or into several new units): merge or move."""

    def handle(hit: Hit) -> None:
        units = [u for u in hit.ids("u") if hit.ctx.resolver.kinds.get(u) == "unit" and u != hit.ctx.root]
        into_text = hit.group("into")
        targets = [u for u in hit.tpl.ids(into_text) if hit.ctx.resolver.kinds.get(u) == "unit" and u not in units]
        if not units or not targets:
            return
        head = into_text.split("\ue000", 1)[0]
        merging = len(targets) > 1 or bool(re.search(merge_words, hit.group(0), re.I))
        # merged into a unit named here for the first time: the merger forms it
        fresh = bool(re.search(new_words, head, re.I)) or (merging and any(_first_seen(hit, t) for t in targets))
        # several units folded into one unit this very sentence creates: they form it together
        merging = merging or (fresh and len(units) > 1 and len(targets) == 1)
        if fresh:
            for t in targets:
                hit.emit("create_unit", {"unit": t, "parent": None}, hit.rule.confidence * 0.9)
                hit.ctx.last_created = (t, hit.tpl.sentence.index)
        if merging:
            hit.emit("merge_units", {"units": units, "into": targets if len(targets) > 1 else targets[0]})
        else:
            for u in units:
                hit.emit("move_unit", {"unit": u, "parent": targets[0]})

    return handle


def merge_active(new_words: str):
    """Merge A and B into (a new) T."""

    def handle(hit: Hit) -> None:
        units = [u for u in hit.ids("u") if hit.ctx.resolver.kinds.get(u) == "unit"]
        target = hit.unit("into")
        if len(units) < 1 or not target or target in units:
            return
        if re.search(new_words, hit.group(0), re.I) or _first_seen(hit, target):
            hit.emit("create_unit", {"unit": target, "parent": None}, hit.rule.confidence * 0.9)
            hit.ctx.last_created = (target, hit.tpl.sentence.index)
        hit.emit("merge_units", {"units": units, "into": target})

    return handle


def split():
    """U is split into A, B, C: the split, and the parts that are new units."""

    def handle(hit: Hit) -> None:
        unit = hit.unit("unit")
        parts = list(dict.fromkeys(u for u in hit.ids("u") if hit.ctx.resolver.kinds.get(u) == "unit"))
        if not unit or len(parts) < 2:
            return
        hit.emit("split_unit", {"unit": unit, "into": parts})
        for part in parts:
            if part != unit:
                hit.emit("create_unit", {"unit": part, "parent": None}, hit.rule.confidence * 0.9)

    return handle


def rename():
    """U is renamed N: the new name in the article's language."""

    def handle(hit: Hit) -> None:
        unit = hit.unit("unit")
        new_name = hit.text("new")
        if not unit or not new_name:
            return
        if hit.ids("new") == [unit]:  # "Taobao Mall (renamed tmall)": the registry's spelling of the name in force
            new_name = hit.ctx.resolver.name_of(unit)
        hit.emit("rename_unit", {"unit": unit, "name": {hit.ctx.lang: new_name}})

    return handle
