"""Drafting announcements from raw article text.

``extract_text(text, dataset, lang=..., date=..., source=...)`` reads an
article (plain text or HTML-ish), finds appointments, reporting lines and
unit changes with per-language rules, resolves names against the registry
and returns a :class:`~orgmodel.extract.draft.Draft`: announcements in the
project's own format, each change quoting the sentence behind it, plus the
registry entries it proposes. ``draft.to_yaml()`` writes it out.

The rules are deliberately plain regular expressions over sentences in which
known names are replaced by placeholders (see :mod:`.core`): a reviewer can
read why a change was drafted (``--explain`` prints the rule and confidence).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import TYPE_CHECKING

from . import de, en, zh
from .core import Context, Template, apply_rules
from .dates import find_date
from .draft import Draft, build_draft
from .resolve import Mention, Resolver, short_name
from .text import CJK, Sentence, detect_language, sentences

if TYPE_CHECKING:
    from ..load import Dataset

LANG_MODULES = {"en": en, "de": de, "zh": zh}
__all__ = ["Draft", "extract_text", "LANG_MODULES"]


def extract_text(text: str, dataset: "Dataset | None" = None, *, lang: str = "auto",
                 date: dt.date | None = None, source: str = "new-source", split: bool = False) -> Draft:
    """Draft announcements from one article's text.

    ``date`` is the article's date: relative dates are resolved against it
    and it dates the draft. Without it, the draft is placed (approximately)
    at the latest year the text mentions, the earliest it can have been
    written. ``split`` makes one announcement per date the text gives.
    """
    if lang == "auto":
        lang = detect_language(text)
    mod = LANG_MODULES[lang]
    sents = sentences(text, lang)
    resolver = Resolver(dataset, lang)
    ctx = Context(resolver, lang)
    ctx.root = _root(sents, resolver, mod)
    ctx.org_prefixes = _org_prefixes(ctx, lang)
    ctx.author = _author(sents, ctx, mod)
    root_paras = {s.para for s in sents if ctx.root in {m.id for m in _mentions(s, ctx, mod)}}
    carried: tuple[str, str] | None = None
    last_para = -1
    for sent in sents:
        if sent.para != last_para:
            carried, last_para = None, sent.para
        before = len(ctx.findings)
        _read_sentence(sent, ctx, mod)
        when = find_date(sent.text, lang, date)
        if when is None and mod.CARRY_DATE.match(sent.text):
            when = carried
        carried = when or carried
        for finding in ctx.findings[before:]:
            # a date inside the matched words is more precise than the sentence's
            # ("Taobao Mall (renamed tmall in 2012)" in a sentence about 2011)
            own = find_date(finding.span, lang, date) if finding.span else None
            finding.date = own or when
            if finding.action == "appoint":
                finding.body["_root_near"] = sent.para in root_paras
    years = [int(y) for s in sents for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", s.text)]
    return build_draft(ctx, source=source, date=date, lang=lang, split=split,
                       latest_year=max(years) if years else None)


def _mentions(sent: Sentence, ctx: Context, mod) -> list[Mention]:
    """Registry names, new unit names and references ("the group", "me", "he") in a sentence."""
    found = ctx.resolver.find(sent.text)
    for start, end in mod.unit_candidates(sent.text):
        found.append(Mention(start, end, "?new", "unit", sent.text[start:end]))
    shorts = {short_name(n) for n in ctx.resolver.names_of(ctx.root)} if ctx.root else set()
    for pattern in ctx.org_prefixes:
        for m in pattern.finditer(sent.text):
            if not any(o.start < m.end() and m.start() < o.end for o in found):
                ident = ctx.root if m.group(0) in shorts else "?new"  # "Adventure Works" is the group itself
                found.append(Mention(m.start(), m.end(), ident, "unit", m.group(0)))
    for start, end, ref in mod.references(sent.text):
        target = {"root": ctx.root, "new": ctx.last_created[0] if ctx.last_created else None, "author": ctx.author,
                  "he": ctx.last_subject}.get(ref)
        if target:
            found.append(Mention(start, end, target, ctx.resolver.kinds.get(target, "person"), sent.text[start:end]))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for men in found:
        if out and men.start < out[-1].end:
            continue
        out.append(men)
    return out


def _read_sentence(sent: Sentence, ctx: Context, mod) -> None:
    """Apply the rules; if they named new people, apply them again so later rules see them."""
    for _ in range(3):
        known = len(ctx.resolver.proposals)
        before = len(ctx.findings)
        tpl = Template.build(sent, _mentions(sent, ctx, mod), ctx.resolver)
        apply_rules(mod.RULES, ctx, tpl)
        if len(ctx.resolver.proposals) == known:
            break
        ctx.resolver.refresh()
        del ctx.findings[before:]
    ctx.seen.update(tpl.ids(tpl.text))
    people = [m.id for m in tpl.mentions if ctx.resolver.kinds.get(m.id) == "person"]
    if people:
        ctx.last_subject = people[0]


def _root(sents: list[Sentence], resolver: Resolver, mod) -> str | None:
    """The organisation the article is about: its most-named group-level unit."""
    counts: Counter[str] = Counter()
    for sent in sents:
        for men in resolver.find(sent.text):
            if men.kind == "unit" and (resolver.unit_kind.get(men.id) == "group"
                                       or mod.GROUP_NAME.search(resolver.name_of(men.id))):
                counts[men.id] += 1
    if not counts:
        # no group the registry knows: the most-named new "... Group" of the text
        # No group the registry knows: among the new "... Group" / "... Inc." names, the one
        # whose short name starts most other names ("Proseware" in "Proseware Engineering
        # Group"), else the first, as articles name the organisation before its parts.
        names: list[str] = []
        for sent in sents:
            names += [" ".join(sent.text[a:b].split()) for a, b in sorted(mod.unit_candidates(sent.text))]
        groups = list(dict.fromkeys(n for n in names if mod.GROUP_NAME.search(n)))
        if not groups:
            return None

        def parts(group: str) -> int:
            short = short_name(group)
            return sum(1 for n in set(names) if n != group and n.startswith(short))

        best = max(groups, key=lambda g: (parts(g), -groups.index(g)))
        return resolver.propose(best, "unit", {"kind": "group"})
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _org_prefixes(ctx: Context, lang: str) -> list[re.Pattern]:
    """Names built on the organisation's name are its units ("Northwind Retail", "Fabrikam Cloud")."""
    if ctx.root is None:
        return []
    shorts = {short_name(n) for n in ctx.resolver.names_of(ctx.root)} - {""}
    # "Coho Vineyards" belongs to "Coho Winery Group": its first word, when it is a name
    shorts |= {s.split()[0] for s in shorts if " " in s and len(s.split()[0]) >= 4
               and s.split()[0].lower() not in _COMMON_FIRST_WORDS}
    # "启明云计算事业部" belongs to "启明科技集团": a Chinese brand is the name's first two characters
    shorts |= {s[:2] for s in shorts if len(s) >= 4 and CJK.fullmatch(s[0]) and CJK.fullmatch(s[1])
               and s[:2] not in _COMMON_ZH_BRANDS}
    shorts = sorted(shorts, key=len, reverse=True)
    if lang == "zh":
        return [re.compile(rf"{re.escape(short)}[\u4e00-\u9fff]{{1,6}}?(?={ZH_NAME_END})")
                for short in shorts if len(short) >= 2 and CJK.search(short)]
    return [re.compile(rf"\b{re.escape(short)}(?:[ -](?!(?:Group|Gruppe)\b)[A-Z][\w&-]*){{1,3}}\b")
            for short in shorts if len(short) >= 3 and not CJK.search(short)]


_COMMON_FIRST_WORDS = {"new", "global", "china", "first", "united", "general", "national", "international", "world",
                       "american", "european", "asia", "digital", "great", "royal", "central"}
_COMMON_ZH_BRANDS = {"中国", "中华", "北京", "上海", "深圳", "广州", "杭州", "南京", "天津", "重庆", "香港", "国际",
                     "全球", "华夏", "东方", "环球", "新华"}

# What may follow a Chinese unit name built on the organisation's name ("华信软件和…").
ZH_NAME_END = (r"和|与|及|、|，|,|。|；|将|已|合并|并入|划归|划入|整合|更名|的|旗下|下设|由|任|总经理|总裁|负责|成立|设立|"
               r"院长|主任|部长|总监|CEO|调整|转入|调入|归属|以及|"
               r"\(|（|$")


def _author(sents: list[Sentence], ctx: Context, mod) -> str | None:
    """Who wrote the letter: the signature line, or who "issued an internal letter"."""
    for sent in reversed(sents[-3:]):
        if re.match(mod.SIGNATURE, sent.text):
            people = [m.id for m in ctx.resolver.find(sent.text) if m.kind == "person"]
            if people:
                return people[0]
            # a signature "Julia Marsh, Chief Executive Officer, ..." names its writer even when new
            signed = re.match(rf"(?:(?:Dr|Prof)\.? )?({mod.NAME})\s*[,，]", sent.text)
            if signed and mod.SIGNATURE_TITLE.search(sent.text[signed.end():]):
                person = ctx.resolver.propose(signed.group(1), "person")
                ctx.resolver.refresh()
                return person
    for sent in sents:
        if mod.LETTER.search(sent.text):
            people = [m.id for m in ctx.resolver.find(sent.text) if m.kind == "person"]
            if len(people) == 1:
                return people[0]
    return None


def extract_file(path: str, data: str | None, *, lang: str = "auto", date: dt.date | None = None,
                 source: str | None = None, split: bool = False) -> Draft:
    """Read an article file (and the data folder's registry, when there is one) and draft from it."""
    from pathlib import Path

    from ..errors import InputError, Problem
    from ..load import load_dataset
    from .resolve import slug

    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem(f"{path}: file not found", hint="give the path of a text or HTML file")) from None
    except UnicodeDecodeError as e:
        raise InputError(Problem(f"{path}: not UTF-8 text ({e.reason})", hint="convert the file to UTF-8")) from None
    if lang not in ("auto", *LANG_MODULES):
        raise InputError(Problem(f"unknown language {lang!r}", hint="use en, de, zh or auto"))
    dataset = load_dataset(data) if data and Path(data).is_dir() else None
    return extract_text(text, dataset, lang=lang, date=date, source=source or slug(file.stem, "source"), split=split)
