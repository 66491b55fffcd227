"""A :class:`~orgmodel.diff.SnapshotDiff` as text for a terminal, Markdown or JSON.

The text reads like a changelog, grouped by entity, one line per entity
followed by the quotes behind it::

    + Alibaba E-commerce Business Group: created under Alibaba Group
        "the group has decided to establish the Alibaba E-commerce Business Group"
          (36kr-2024-11-21-en, 2024-11-21-ecommerce-business-group)

The first character says what kind of change the line is: ``+`` only
additions, ``-`` only removals, ``~`` anything else. Colour is optional and
only wraps words in ANSI codes; without it the bytes are stable, so the
output can be kept as a golden file. Names are shown in the chosen language,
falling back to English.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Mapping

from .diff import Change, SnapshotDiff
from .model import display_name

_ANSI = {"added": "32", "removed": "31", "moved": "36", "changed": "33", "name": "1", "quote": "2"}


class _Names:
    """Entity id -> name in one language, from the diff (or a given table)."""

    def __init__(self, diff: SnapshotDiff, source: Any, lang: str):
        self.table: dict[str, Mapping[str, str]] = dict(diff.names)
        if isinstance(source, Mapping):
            self.table.update(source)
        self.registry = getattr(getattr(source, "dataset", None), "entities", None)
        self.lang = lang

    def __call__(self, node: str | None) -> str:
        if node is None:
            return "?"
        if node in self.table:
            return display_name(dict(self.table[node]), self.lang)
        if self.registry and node in self.registry:
            return self.registry[node].name(self.lang)
        return node


def _list(items: list[str], name: Callable[[str], str]) -> str:
    names = [name(i) for i in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _place(place: dict[str, Any], name: Callable[[str], str]) -> str:
    if "unit" in place:
        return f"{place['title']} of {name(place['unit'])}"
    return f"{place['title']} ({name(place['post'])})"


def phrase(c: Change, name: Callable[[str | None], str], lang: str = "en") -> str:
    """One change as a short English phrase about its subject."""
    k, b, a = c.kind, c.before, c.after
    if k == "unit_created":
        verb = "first recorded" if a.get("recorded") else "created"
        return f"{verb} under {name(a['parent'])}" if a["parent"] else verb
    if k == "unit_dissolved":
        return f"dissolved (was under {name(b['parent'])})" if b["parent"] else "dissolved"
    if k == "unit_renamed":
        return f"renamed from {display_name(b, lang)} to {display_name(a, lang)}"
    if k == "unit_moved":
        if b and a:
            return f"moved from {name(b)} to {name(a)}"
        return f"moved under {name(a)}" if a else f"no longer under {name(b)}"
    if k == "units_merged":
        return f"{_list(b, name)} merged into {_list(a, name)}"
    if k == "unit_split":
        return f"{_list(b, name)} split into {_list(a, name)}"
    if k == "person_joined":
        return "joined"
    if k == "person_left":
        return "left the organisation"
    if k == "appointed":
        return f"appointed {_place(a, name)}"
    if k == "left_post":
        return f"left the post of {_place(b, name)}"
    if k == "title_changed":
        where = name(a.get("unit") or a.get("post"))
        parts = []
        if b["title"] != a["title"]:
            parts.append(f"title in {where} changed from {b['title']} to {a['title']}")
        if b["head"] != a["head"]:
            parts.append(f"now heads {where}" if a["head"] else f"no longer heads {where}")
        return ", ".join(parts)
    if k == "business_line_added":
        return f"reports to {name(a)}"
    if k == "business_line_changed":
        return f"now reports to {name(a)}, was {name(b)}"
    if k == "business_line_removed":
        return f"no longer reports to {name(b)}"
    if k == "functional_line_added":
        return f"dotted (functional) line to {name(a)}"
    if k == "functional_line_removed":
        return f"dotted (functional) line to {name(b)} ended"
    if k == "membership_added":
        return f"member of {name(a)}"
    if k == "membership_removed":
        return f"no longer a member of {name(b)}"
    raise ValueError(f"unknown change kind {k!r}")


def _phrases(changes: list[Change], name: Callable, lang: str) -> list[tuple[str, str]]:
    """(category, phrase) for one entity; "joined" folds into a first appointment."""
    out: list[tuple[str, str]] = []
    joined = any(c.kind == "person_joined" for c in changes)
    folded = False
    for c in changes:
        if c.kind == "person_joined" and len(changes) > 1:
            continue
        text = phrase(c, name, lang)
        if joined and not folded and c.kind == "appointed":
            text = "joined as " + text[len("appointed "):]
            folded = True
        out.append((c.category, text))
    return out


def _sign(changes: list[Change]) -> str:
    cats = {c.category for c in changes}
    return "+" if cats == {"added"} else "-" if cats == {"removed"} else "~"


def _evidence(changes: list[Change]) -> list[dict]:
    seen: set[tuple] = set()
    out = []
    for c in changes:
        for e in c.evidence:
            key = (e["announcement"], e["source"], e["quote"])
            if key not in seen:
                seen.add(key)
                out.append(e)
    return out


def _span(diff: SnapshotDiff) -> str:
    def end(version: str | None, date: str | None) -> str:
        if version is None:
            return "(empty)"
        return f"{version} ({date})" if date else version

    return f"{end(diff.from_version, diff.from_date)} -> {end(diff.to_version, diff.to_date)}"


def format_text(diff: SnapshotDiff, names: Any = None, lang: str = "en", color: bool = False) -> str:
    """The diff as a changelog for a terminal; ``color`` adds ANSI colours."""

    def paint(text: str, style: str) -> str:
        return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if color else text

    name = _Names(diff, names, lang)
    n = len(diff.changes)
    lines = [f"{_span(diff)}: {n} change{'s' if n != 1 else ''}" if n else f"{_span(diff)}: no changes"]
    for subject, changes in diff.by_subject():
        lines.append("")
        parts = [paint(text, cat) for cat, text in _phrases(changes, name, lang)]
        lines.append(f"{_sign(changes)} {paint(name(subject), 'name')}: {'; '.join(parts)}")
        for e in _evidence(changes):
            lines.append("    " + paint(f"\"{_fold(e['quote'])}\"", "quote"))
            lines.append(f"      ({e['source']}, {e['announcement']})")
    return "\n".join(lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _fold(text: str) -> str:
    return " ".join(text.split())


def format_markdown(diff: SnapshotDiff, names: Any = None, lang: str = "en", level: int = 2) -> str:
    """The diff as Markdown to paste into a changelog, a pull request or a README.

    ``level`` is the heading level of the title line (0 for no title).
    """
    name = _Names(diff, names, lang)

    def code(text: str | None) -> str:
        return f"`{text}`" if text else "the empty organisation"

    lines = []
    if level:
        lines += [f"{'#' * level} Changes from {code(diff.from_version)} to {code(diff.to_version)}", ""]
    if not diff.changes:
        lines.append("No changes.")
    for subject, changes in diff.by_subject():
        parts = [_md(text) for _, text in _phrases(changes, name, lang)]
        lines.append(f"- **{_md(name(subject))}**: {'; '.join(parts)}")
        for e in _evidence(changes):
            lines.append(f"  - \u201c{_md(_fold(e['quote']))}\u201d ({_md(e['source'])}, `{e['announcement']}`)")
    return "\n".join(lines) + "\n"


def format_json(diff: SnapshotDiff) -> str:
    """The documented JSON contract (see docs/diff.md), as stable UTF-8 text."""
    return json.dumps(diff.to_json(), ensure_ascii=False, indent=2) + "\n"
