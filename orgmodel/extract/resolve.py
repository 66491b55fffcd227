"""Finding registry entities in a sentence, and naming the ones not yet known.

Every name and alias of every person, unit and post in the registry (in all
languages) is looked for, longest first, so "Taobao Tmall Group" wins over
"Taobao". Names the registry lacks are proposed as new entries with an id
made from the name; the reviewer adds them to registry.yaml (or renames).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from .text import CJK

# A mention is replaced in the sentence by OPEN + kind letter + number + CLOSE,
# so rules match "appointing \ue000P0\ue001 as CEO" without caring how a name is spelt.
OPEN, CLOSE = "\ue000", "\ue001"
_GROUP_SUFFIX = re.compile(r"[\s,-]*(?:Group|Gruppe|Konzern|集团|Inc|Corp|Corporation|Ltd|LLC|plc|AG|SE|GmbH)\.?$")


def short_name(name: str) -> str:
    """An organisation's name without "Group", "Inc.", "集团"...: how texts name its parts."""
    return _GROUP_SUFFIX.sub("", name).strip(" -")
KIND_LETTER = {"person": "P", "unit": "U", "post": "S"}


def slug(text: str, kind: str) -> str:
    """A registry id for a new name: ASCII words joined by hyphens.

    Chinese names are spelt in pinyin first (a person's given name as one
    word, as in the registry: 王明强 -> wang-mingqiang); what has no letters
    left gets a short hash, so the id is still stable.
    """
    if CJK.search(text):
        text = _pinyin(text, person=(kind == "person"))
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    if words and not CJK.search(text):
        return "-".join(words)[:80]
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{kind}-{digest}"


def _pinyin(text: str, person: bool) -> str:
    from pypinyin import lazy_pinyin

    syllables = [s for s in lazy_pinyin(text) if s.strip()]
    if person and CJK.fullmatch(text[0]) and len(syllables) >= 2 and all(CJK.match(c) for c in text):
        return f"{syllables[0]} {''.join(syllables[1:])}"
    return " ".join(syllables)


@dataclass
class Proposal:
    """A new registry entry the draft relies on."""

    id: str
    kind: str
    names: dict[str, str]
    note: str = "proposed by extract: not in the registry"
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    id: str
    kind: str
    surface: str


class Resolver:
    """Registry look-ups for one article, and the new entries it proposes."""

    def __init__(self, dataset=None, lang: str = "en"):
        self.lang = lang
        self.dataset = dataset
        self.kinds: dict[str, str] = dict(dataset.kinds) if dataset else {}
        self.unit_kind: dict[str, str | None] = {}
        self.proposals: dict[str, Proposal] = {}
        names: list[tuple[str, str]] = []
        if dataset is not None:
            for ent_id, ent in dataset.entities.items():
                if dataset.kinds[ent_id] == "post":
                    continue  # post names are descriptions; rules rebuild and look them up
                for text in [*ent.names.values(), *ent.aliases]:
                    names.append((text, ent_id))
                if dataset.kinds[ent_id] == "unit":
                    self.unit_kind[ent_id] = ent.kind
        self._derived = self._derive(dataset) if dataset is not None else {}
        self._surnames: dict[str, str] = {}
        names += [(text, ent_id) for text, ent_id in self._derived.values()]
        self._names = names
        self._pattern = self._compile(names)

    @staticmethod
    def _derive(dataset) -> dict[str, tuple[str, str]]:
        """Short forms texts use without listing them: a group without "Group"
        ("Alibaba", 阿里巴巴) and a unit without its group's name in front
        ("E-commerce Business Group" for "Alibaba E-commerce Business Group").
        A short form that is already a name, or would name two units, is dropped.
        """
        taken = set(dataset.name_index)
        found: dict[str, set[tuple[str, str]]] = {}
        shorts = []
        for ent in dataset.registry.units:
            for name in ent.names.values():
                short = short_name(name)
                if short != name and len(short) >= 2:
                    found.setdefault(" ".join(short.split()).casefold(), set()).add((short, ent.id))
                    shorts.append(short)
        for ent in dataset.registry.units:
            for name in ent.names.values():
                for short in shorts:
                    if name.startswith(short) and name != short:
                        rest = name[len(short):].strip(" -")
                        if (len(rest.split()) >= 2 or (CJK.search(rest) and len(rest) >= 3)) and not _GROUP_SUFFIX.fullmatch(rest):
                            found.setdefault(" ".join(rest.split()).casefold(), set()).add((rest, ent.id))
        return {k: min(v) for k, v in found.items()
                if k not in taken and len({i for _, i in v}) == 1}

    @staticmethod
    def _compile(names: list[tuple[str, str]]) -> re.Pattern | None:
        parts = []
        for text, _ in sorted(set(names), key=lambda n: (-len(n[0]), n[0])):
            esc = re.escape(text).replace(r"\ ", r"[\s\-]+")
            if CJK.search(text):
                parts.append(esc)
            else:
                parts.append(rf"(?<![A-Za-z0-9\u00c0-\u024f\-]){esc}(?![A-Za-z0-9\u00c0-\u024f\-])")
        return re.compile("|".join(parts), re.I) if parts else None

    def refresh(self) -> None:
        """Look for the proposed new names too from now on, and new people's surnames.

        Articles name a new person in full once and by surname after that
        ("Priya Raman ... Raman will report to"). Only new people get this:
        the registry's romanised Chinese names put the family name first.
        """
        extra = [(n, p.id) for p in self.proposals.values() if p.kind != "post" for n in p.names.values()]
        surnames: dict[str, set[str]] = {}
        for p in self.proposals.values():
            words = next(iter(p.names.values())).split()
            if p.kind == "person" and len(words) >= 2 and re.fullmatch(r"[A-Z][a-zäöüß]{2,}", words[-1]):
                surnames.setdefault(words[-1], set()).add(p.id)
        taken = set(self.dataset.name_index) if self.dataset is not None else set()
        self._surnames = {k.casefold(): next(iter(v)) for k, v in surnames.items()
                          if len(v) == 1 and k.casefold() not in taken}
        extra += [(k, v) for k, v in sorted(surnames.items()) if len(v) == 1 and k.casefold() in self._surnames
                  for v in v]
        self._pattern = self._compile(self._names + extra)

    def lookup(self, text: str) -> str | None:
        """The id of a registry (or already proposed) entity called ``text``."""
        text = text.strip()
        if self.dataset is not None:
            found = self.dataset.resolve_name(text)
            if found:
                return found
        key = " ".join(text.split()).casefold()
        if key in self._derived:
            return self._derived[key][1]
        if key in self._surnames:
            return self._surnames[key]
        for prop in self.proposals.values():
            if any(" ".join(n.split()).casefold() == key for n in prop.names.values()):
                return prop.id
        return None

    def find(self, sentence: str) -> list[Mention]:
        """Registry entities named in ``sentence``, left to right, longest match first."""
        out: list[Mention] = []
        if self._pattern is None:
            return out
        for m in self._pattern.finditer(sentence):
            ent = self.lookup(m.group(0))
            if ent:
                out.append(Mention(m.start(), m.end(), ent, self.kinds[ent], m.group(0)))
        return out

    def propose(self, name: str, kind: str, extra: dict | None = None) -> str:
        """The id for ``name``: a known entity's, else a new proposed entry's."""
        name = " ".join(name.split()).strip(" ,.;:\"'“”")
        known = self.lookup(name)
        if known and self.kinds.get(known) == kind:
            return known
        base = slug(name, kind)
        ident, n = base, 2
        while ident in self.kinds:  # the id is taken by someone else (the name did not resolve to it)
            ident, n = f"{base}-{n}", n + 1
        self.proposals[ident] = Proposal(ident, kind, {self.lang: name}, extra=dict(extra or {}))
        self.kinds[ident] = kind
        return ident

    def is_new(self, ident: str) -> bool:
        return ident in self.proposals

    def names_of(self, ident: str) -> list[str]:
        """Every name of a registry or proposed entity (not its aliases)."""
        if ident in self.proposals:
            return list(self.proposals[ident].names.values())
        if self.dataset is not None and ident in self.dataset.entities:
            return list(self.dataset.entities[ident].names.values())
        return []

    def name_of(self, ident: str) -> str:
        if ident in self.proposals:
            return next(iter(self.proposals[ident].names.values()))
        if self.dataset is not None and ident in self.dataset.entities:
            ent = self.dataset.entities[ident]
            return ent.names.get(self.lang) or ent.name("en")
        return ident
