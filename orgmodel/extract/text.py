"""Cleaning article text and cutting it into sentences.

Articles arrive as they were copied from the web: menu lines, bylines,
left-over HTML tags, "related reading" lists and, at times, blocks of spam.
Rules only ever see the sentences kept here, and every sentence is an exact
slice of one raw line (HTML tags cut a line into pieces rather than being
removed), so a quote taken from it is always found again by the loader's
quote check (which folds white space only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CJK = re.compile(r"[\u3400-\u9fff]")
_TAG = re.compile(r"<[^>]{0,200}>")
# Script and style blocks on one line hold no prose.
_SKIP_BLOCKS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
# Lines after which an article is over: lists of other articles follow.
_END_MARKERS = re.compile(
    r"^\W*(related reading|related articles|read the next article|recommended reading|"
    r"verwandte artikel|weitere artikel|lesen sie auch|相关阅读|延伸阅读|推荐阅读|阅读下一篇)\b",
    re.I,
)
# Bylines and editor lines: "Text | Peng Qian", "Redaktion|Qiao Qian", "彭倩2024-11-21 17:44".
_BYLINE = re.compile(
    r"^\s*(text|editor|author|photo|source|reporter|redaktion|text|autor|foto|quelle|"
    r"文|编辑|作者|来源|记者|责编)\s*[|｜:：]", re.I)
_DATELINE = re.compile(r"^\s*\S{0,12}\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*\d*\s*$")
# Abbreviations that end in a full stop inside a sentence ("Dr. Maria Gonzalez").
_NO_ABBREV = "".join(rf"(?<!\b{a}\.)" for a in ("Dr", "Mr", "Ms", "St", "Co", "Nr", "vs", "ca"))
_NO_ABBREV += "".join(rf"(?<!{a}\.)" for a in ("Mrs", "Prof", "Inc", "Corp", "Ltd", "bzw", "Dipl"))
_SENT_END = re.compile(_NO_ABBREV + r"(?<=[.!?;])[\"”»“]?\s+(?=[\"“„»(]?[A-Z0-9\u00c0-\u00de])|(?<=[。！？；])")
# German writes ordinal days with a full stop ("am 21. November"): no sentence ends there.
_SENT_END_DE = re.compile(_NO_ABBREV + r"(?<=[.!?;])(?<!\d\.)[\"”»“]?\s+(?=[\"“„»(]?[A-Z0-9\u00c0-\u00de])|(?<=[。！？；])")


# A Chinese sentence without a subject continues the one before ("…平台。成立于2010年").
_CONTINUES = re.compile(r"^(?:成立于|创立于|创建于|隶属于|于\d{4}年成立)")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text (a slice of a raw line), its paragraph and position."""

    text: str
    para: int
    index: int


def detect_language(text: str) -> str:
    """'zh' when CJK characters dominate the prose lines, else 'de' or 'en' by function words."""
    body = "\n".join(_prose_lines(text)) or text
    cjk = len(CJK.findall(body))
    latin = len(re.findall(r"[A-Za-z]", body))
    if cjk > latin / 2:
        return "zh"
    words = re.findall(r"[a-zäöüß]+", body.lower())
    de = sum(w in {"der", "die", "das", "und", "ist", "nicht", "mit", "von", "für", "wurde", "ein", "eine"} for w in words)
    en = sum(w in {"the", "and", "is", "of", "with", "for", "was", "will", "to", "a", "an"} for w in words)
    return "de" if de > en else "en"


def _prose_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if len(ln.strip()) > 30 or len(CJK.findall(ln)) > 10]


def _is_spam(line: str, lang: str) -> bool:
    """A block of keyword spam: many short '|'-separated items, or CJK prose in a Latin text."""
    if line.count("|") >= 4 and len(line) / (line.count("|") + 1) < 40:
        return True
    if line.count("|") >= 2 and len(line) / (line.count("|") + 1) < 20:
        return True  # a menu: "Home | News | About"
    if lang != "zh":
        cjk = len(CJK.findall(line))
        return cjk > 10 and cjk > len(re.findall(r"[A-Za-z]", line))
    return False


def paragraphs(text: str, lang: str) -> list[str]:
    """The prose lines of an article, without markup, bylines, end matter or spam."""
    out = []
    for raw in _SKIP_BLOCKS.sub("<>", text).splitlines():
        for piece in _TAG.split(raw):
            line = piece.strip()
            if not line:
                continue
            if _END_MARKERS.match(line):
                return out
            if _BYLINE.match(line) or _DATELINE.match(line) or _is_spam(line, lang):
                continue
            if lang != "zh" and len(line.split()) < 4 and not re.search(r"[.!?]$", line):
                continue  # menu entries, headings of one or two words
            out.append(line)
    return out


def sentences(text: str, lang: str) -> list[Sentence]:
    """Split the kept paragraphs into sentences (each an exact slice of its line)."""
    out: list[Sentence] = []
    for p, line in enumerate(paragraphs(text, lang)):
        for piece in (_SENT_END_DE if lang == "de" else _SENT_END).split(line):
            piece = piece.strip()
            if out and out[-1].para == p and _CONTINUES.match(piece) and (out[-1].text + piece) in line:
                out[-1] = Sentence(out[-1].text + piece, p, out[-1].index)
            elif len(piece) >= 4:
                out.append(Sentence(piece, p, len(out)))
    return out


def clauses(sentence: str) -> list[str]:
    """Comma/semicolon clauses of a sentence, for shorter quotes."""
    return [c.strip() for c in re.split(r"[,;，；]", sentence) if c.strip()]
