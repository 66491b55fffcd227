"""Dates in announcement prose, absolute or relative to the article's date.

"September last year" in an article of 2024-11-21 is 2023-09; "On January 6"
in an article of 2022-01-07 is 2022-01-06; "去年9月" is the same as the first.
The result keeps its precision (year, month or day) and a note with the words
it came from, which goes into the announcement's ``date_note``.
"""

from __future__ import annotations

import datetime as dt
import re

EN_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december"]
DE_MONTHS = ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
             "september", "oktober", "november", "dezember"]
_EN_M = "|".join(EN_MONTHS)
_DE_M = "|".join(DE_MONTHS)

# Each pattern names the groups it has: month (name or number), day, year, rel.
_PATTERNS = {
    "en": [
        rf"\b(?:on|in|by|since|from)?\s*(?P<month>{_EN_M})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?:(?P<rel>last|this|next) year|(?P<year>\d{{4}})))?",
        rf"\b(?:in|by|since|from)\s+(?:early |mid-?|late )?(?P<month>{_EN_M})(?:\s+of)?(?:\s+(?:(?P<rel>last|this|next) year|(?P<year>\d{{4}})))?",
        r"\b(?:in|since|as early as|by|from)\s+(?P<year>(?:19|20)\d{2})\b",
        r"\b(?P<rel>last|this) year\b",
    ],
    "de": [
        rf"\b(?:am|seit|vom)\s+(?P<day>\d{{1,2}})\.\s*(?P<month>{_DE_M})(?:\s+(?P<year>\d{{4}}))?",
        rf"\b(?:im|seit|ab)\s+(?:(?P<rel2>vergangenen|letzten) )?(?P<month>{_DE_M})(?:\s+(?:(?P<rel>letzten|dieses|nächsten) Jahres|(?P<year>\d{{4}})))?",
        r"\b(?:im Jahr(?:e)?|seit|bereits|ab)\s+(?P<year>(?:19|20)\d{2})\b",
        r"\b(?P<rel>letzten|dieses|vergangenen) Jahres\b",
    ],
    "zh": [
        r"(?:(?P<rel>去年|今年|明年)|(?P<year>(?:19|20)\d{2})年)?(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?",
        r"(?P<year>(?:19|20)\d{2})年",
        r"(?P<rel>去年|今年)",
    ],
}
_REL = {"last": -1, "this": 0, "next": 1, "letzten": -1, "vergangenen": -1, "dieses": 0, "nächsten": 1,
        "去年": -1, "今年": 0, "明年": 1}
# A date without a year lies before the article unless the sentence speaks of the future.
_FUTURE = re.compile(r"\b(?:will|effective|starting|as of|ab|wird|werden|tritt)\b|将|起|生效", re.I)
_COMPILED = {lang: [re.compile(p, re.I) for p in pats] for lang, pats in _PATTERNS.items()}


def _month(text: str) -> int:
    t = text.lower()
    if t.isdigit():
        return int(t)
    if t in EN_MONTHS:
        return EN_MONTHS.index(t) + 1
    return DE_MONTHS.index(t) + 1


def find_date(text: str, lang: str, ref: dt.date | None) -> tuple[str, str] | None:
    """The first date the sentence speaks of, as ("YYYY[-MM[-DD]]", words), or None."""
    body = re.sub(r"\([^)]*\)|（[^）]*）", lambda m: " " * len(m.group(0)), text)
    best = None
    for pattern in _COMPILED.get(lang, []):
        m = pattern.search(body)
        if m and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return None
    return _value(best, ref, future=bool(_FUTURE.search(body)))


def _value(m: re.Match, ref: dt.date | None, future: bool = False) -> tuple[str, str] | None:
    g = m.groupdict()
    words = " ".join(m.group(0).split())
    rel = g.get("rel") or g.get("rel2")
    if g.get("year"):
        year = int(g["year"])
    elif rel is not None and ref is not None:
        year = ref.year + _REL[rel.lower()]
    elif ref is not None:
        year = ref.year
    else:
        return None
    month = _month(g["month"]) if g.get("month") else None
    if month is None:
        return f"{year:04d}", words
    if not 1 <= month <= 12:
        return None
    day = int(g["day"]) if g.get("day") else None
    if day is not None:
        try:
            when = dt.date(year, month, day)
        except ValueError:
            return None
        if ref is not None and not g.get("year") and rel is None and when > ref and not future:
            when = when.replace(year=year - 1)
        return when.isoformat(), words
    if (ref is not None and not g.get("year") and rel is None and (year, month) > (ref.year, ref.month)
            and not future):
        year -= 1
    return f"{year:04d}-{month:02d}", words
