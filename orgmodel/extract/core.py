"""The machinery the language rules share: findings, templates, rule tables.

A rule is a regular expression over a *template* of a sentence, in which
every known entity is replaced by a placeholder (``{P}`` a person, ``{U}`` a
unit, ``{S}`` a post) and a handler that turns a match into findings. Writing
rules against placeholders keeps them about the grammar of announcements and
not about any one company's names; names the registry lacks are caught by
``{NAME}``-style groups and proposed as new entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .resolve import CLOSE, KIND_LETTER, OPEN, Mention, Resolver
from .text import Sentence

TOKEN = {k: rf"{OPEN}{k}\d+{CLOSE}" for k in ("P", "U", "S")}
MACROS = {
    "P": rf"({TOKEN['P']})",
    "U": rf"({TOKEN['U']})",
    "S": rf"({TOKEN['S']})",
    # A list of units or people: placeholders with short glue between them.
    "UL": rf"({TOKEN['U']}(?:[^{OPEN}.;。；]{{0,45}}?{TOKEN['U']})*)",
    "PL": rf"({TOKEN['P']}(?:[^{OPEN}.;。；]{{0,12}}?{TOKEN['P']})*)",
}
_TOKEN_RE = re.compile(rf"{OPEN}([PUS])(\d+){CLOSE}")


@dataclass
class Finding:
    """One drafted change before it becomes YAML: action, fields, and why."""

    action: str
    body: dict
    quote: str
    rule: str
    confidence: float
    sentence: int
    date: tuple[str, str] | None = None
    span: str = ""  # the words the rule matched, for a date of their own


@dataclass
class Template:
    """A sentence with its mentions replaced by numbered placeholders."""

    sentence: Sentence
    text: str
    mentions: list[Mention]
    resolver: Resolver

    @classmethod
    def build(cls, sentence: Sentence, mentions: list[Mention], resolver: Resolver) -> "Template":
        parts, pos = [], 0
        for i, men in enumerate(mentions):
            parts.append(sentence.text[pos:men.start])
            parts.append(f"{OPEN}{KIND_LETTER[men.kind]}{i}{CLOSE}")
            pos = men.end
        parts.append(sentence.text[pos:])
        return cls(sentence, "".join(parts), mentions, resolver)

    def ids(self, fragment: str | None) -> list[str]:
        """Entity ids of the placeholders in a fragment; new names are proposed here."""
        if not fragment:
            return []
        out = []
        for _, n in _TOKEN_RE.findall(fragment):
            men = self.mentions[int(n)]
            out.append(self.resolver.propose(men.surface, men.kind) if men.id.startswith("?") else men.id)
        return out

    def plain(self, fragment: str) -> str:
        """A fragment of the template with placeholders turned back into their surface text."""
        return _TOKEN_RE.sub(lambda m: self.mentions[int(m.group(2))].surface, fragment).strip()


@dataclass
class Rule:
    name: str
    pattern: re.Pattern
    handler: Callable[["Hit"], None]
    confidence: float


def rule_table(rows: Iterable[tuple[str, str, Callable, float]]) -> list[Rule]:
    """Compile rows of (name, pattern with {P}/{U}/{UL}/... macros, handler, confidence)."""
    out = []
    for name, pattern, handler, conf in rows:
        for key, value in MACROS.items():
            pattern = pattern.replace("{" + key + "}", value)
        out.append(Rule(name, re.compile(pattern), handler, conf))
    return out


@dataclass
class Context:
    """What the rules know about the whole article while reading it."""

    resolver: Resolver
    lang: str
    root: str | None = None
    author: str | None = None
    last_created: str | None = None
    last_subject: str | None = None
    org_prefixes: list = field(default_factory=list)
    seen: set = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Hit:
    """A rule's match in one template, with helpers to read it and emit findings."""

    ctx: Context
    tpl: Template
    match: re.Match
    rule: Rule

    def group(self, g: int | str) -> str:
        """A group's text; "" when the rule has no such group or it did not match."""
        try:
            return self.match.group(g) or ""
        except IndexError:
            return ""

    def ids(self, g: int | str) -> list[str]:
        return self.tpl.ids(self.group(g))

    def person(self, g: int | str) -> str | None:
        """A placeholder's person, or a new person proposed from a plain name."""
        text = self.group(g)
        found = [i for i in self.tpl.ids(text) if self.ctx.resolver.kinds.get(i) == "person"]
        if found:
            return found[0]
        if text and OPEN not in text:
            return self.ctx.resolver.propose(text, "person")
        return None

    def unit(self, g: int | str) -> str | None:
        text = self.group(g)
        found = [i for i in self.tpl.ids(text) if self.ctx.resolver.kinds.get(i) == "unit"]
        if found:
            return found[0]
        return None

    def text(self, g: int | str) -> str:
        return self.tpl.plain(self.group(g))

    def emit(self, action: str, body: dict, confidence: float | None = None, rule: str | None = None) -> None:
        conf = self.rule.confidence if confidence is None else confidence
        self.ctx.findings.append(Finding(action, body, self.tpl.sentence.text, rule or self.rule.name,
                                         round(conf, 2), self.tpl.sentence.index,
                                         span=self.tpl.plain(self.match.group(0))))


def apply_rules(rules: list[Rule], ctx: Context, tpl: Template) -> None:
    for rule in rules:
        for match in rule.pattern.finditer(tpl.text):
            rule.handler(Hit(ctx, tpl, match, rule))
