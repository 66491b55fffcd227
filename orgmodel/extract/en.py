"""English rules: letters, press releases and (machine-translated) news.

Patterns are written over templates (see :mod:`.core`): ``{P}`` a known
person, ``{U}`` a known or newly named unit, ``{UL}`` a list of units. A
plain capitalised name in a person slot is proposed as a new person.
"""

from __future__ import annotations

import re

from . import actions as a
from .core import OPEN, TOKEN, rule_table

# Words that start a title or a sentence, never a person's name.
_NOT_NAME = (r"(?:The|This|That|These|Our|In|On|At|After|Before|Since|Dear|Group|Company|Mr|Ms|Chief|Officer|"
             r"President|Director|Head|Manager|Vice|Executive|Senior|General|Managing|Deputy|Chairman|Board)\b")
NAME = rf"(?!{_NOT_NAME})[A-Z][a-z]+(?:[ -](?!{_NOT_NAME})[A-Z][a-z]+){{1,2}}"
PN = rf"(?:(?:Dr|Prof|Mr|Mrs|Ms)\.? )?(?P<p>{{P}}|{NAME})"
# Words that never sit inside a title ("... and report to chief executive X" is no title).
_NOT_TITLE = r"(?!(?i:and|or|to|of|the|a|an|will|would|who|which|report|reports|as|in|on|at|for|with|by|is|was|be|has|"\
             r"have|said|says|named|appointed|also|then|previously|formerly)\b)"
TITLE = (rf"(?P<t>(?:{_NOT_TITLE}[A-Za-z][\w&-]* ){{0,4}}?(?i:chief executive officer|chief executive|ceo|cfo|coo|cto|cio|cmo|chro|"
         r"cpo|vice president|president|chairman|chairwoman|chair|managing director|director|head|general manager|"
         r"manager|officer|chief of staff|secretary general|secretary|partner|leader|lead))\b")
UEND = r"(?=\s*(?:[,.;:)\"”]|$|(?:and|in|since|from|when|under|after|before|who|which|to|until|at|with|will|was|is)\b))"
GAP = rf"(?:[^.;{OPEN}]|{TOKEN['U']})"
ART = r"(?:(?i:the|a|an|its|our|their|new|single|newly established|newly created|newly formed|newly founded) )*"

GROUP_NAME = re.compile(r"\b(?:Group|Inc|Corp|Corporation|Ltd|LLC|plc|AG|SE)\.?$")
CARRY_DATE = re.compile(r"^(?:At that time|Then|Back then|At the time|He|She|It|They)\b")
SIGNATURE = r"^[^.!?:]{3,60},[^.!?:]{2,80}$"
SIGNATURE_TITLE = re.compile(TITLE.replace("(?P<t>", "(?:"))
LETTER = re.compile(r"\b(?:issued|sent|published|released|wrote)\b[^.]{0,30}\b(?:letter|e-?mail|memo)\b", re.I)

_UNIT_WORDS = (r"Business Group|Group|Center|Centre|Department|Division|Unit|Team|Lab|Labs|Company|Office|"
               r"Committee|Academy|Institute|Bureau|Segment|Sector|Subsidiary|Inc|Corp|Corporation|Ltd|LLC|plc|AG|SE")
_UNIT_NAME = re.compile(rf"\b(?:[A-Z][\w&.'-]*\s+){{1,5}}(?:{_UNIT_WORDS})\b")
_LEADING = re.compile(r"^(?:(?:The|A|An|Our|This|That|Dear|In|On|At|After|Before|Since|With|From|New|Group)\s+)+")
_REFERENCES = [
    (re.compile(r"\b(?:the|our|this) (?:new|newly (?:established|created|formed)) (?:business group|group|unit|"
                r"company|department|division|center|centre|team|sector)\b", re.I), "new"),
    (re.compile(r"\b(?:the|our) (?:group|company)\b", re.I), "root"),
    (re.compile(r"\b(?:the|this) (?:unit|division|department|team|center|centre|business group|sector|lab|"
                r"laboratory|institute|office|academy|subsidiary)\b", re.I), "new"),
    (re.compile(r"(?<=\bto )me\b|(?<=\bunder )me\b"), "author"),
    (re.compile(r"^(?:He|She)\b|(?<=, )(?:and )?(?:he|she)\b|(?<=\. )(?:He|She)\b"), "he"),
]


def unit_candidates(text: str) -> list[tuple[int, int]]:
    """Capitalised names ending in a unit word ("Northwind Platforms Group")."""
    out = []
    for m in _UNIT_NAME.finditer(text):
        lead = _LEADING.match(m.group(0))
        start = m.start() + (lead.end() if lead else 0)
        if len(text[start:m.end()].split()) >= 2:
            out.append((start, m.end()))
    return out


def references(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), ref) for pattern, ref in _REFERENCES for m in pattern.finditer(text)]


_NEW = r"\b(?:new|newly|three|two|four|five|several|\d+)\b"
_MERGE = r"\b(?:merg\w*|consolidat\w*|combin\w*|fold\w*|original|former)\b"


def _post_names(hit):
    scope = " ".join(hit.group("scope").split())
    role = hit.group("role").lower()
    fields = [hit.group("f1"), hit.group("f2")]
    return [f"{f.strip().capitalize()} {role} of each {scope}" for f in fields if f]


RULES = rule_table([
    # --- units created (first, so appointments in the same sentence find "the new unit")
    ("en.establish", r"(?i:establish(?:es|ed|ing)?|set(?:s|ting)? up|creat(?:e|es|ed|ing)|form(?:s|ed|ing)? (?=(?i:a|an|the) new)|"
                     rf"found(?:s|ed|ing)?) {ART}(?P<u>{{U}})(?: (?i:under|within|in) (?:the )?(?P<parent>{{U}}))?",
     a.create(), 0.85),
    ("en.established-passive", r"(?P<u>{U}) (?i:has been|have been|was|were|will be|is|are|had been) (?i:newly )?"
                               r"(?i:established|set up|created|formed|founded)"
                               r"(?: (?i:in|under|within) (?:the )?(?P<parent>{U}))?", a.create(), 0.8),
    ("en.establishment-of", r"(?i:establishment|creation|formation|founding|newly established|newly created|"
                            rf"newly formed) (?:of )?{ART}(?P<u>{{U}})", a.create(with_parent=False), 0.6),
    # --- merges, integrations, splits, renames
    ("en.integrated-into", r"(?P<u>{UL})(?: (?i:business groups|businesses|units|departments|teams|groups|"
                           r"companies))? (?:(?i:are|were|will be|is|was|have been|has been|shall be) (?i:fully |all )?"
                           r"(?i:integrated|merged|consolidated|combined|folded)|(?i:will|shall|are to|to) merge|"
                           r"(?i:merge|merged)) (?i:into|to form)(?P<into>[^;]*)",
     a.merge_or_move(_NEW, _MERGE), 0.75),
    ("en.merge", rf"(?i:merg(?:e|es|ed|ing)|combin(?:e|es|ed|ing)|consolidat(?:e|es|ed|ing)) {ART}(?P<u>{{UL}}) (?i:into|to form|and form) {ART}"
                 r"(?P<into>{U})", a.merge_active(r"\b(?:form|new)\b"), 0.75),
    ("en.integrate", r"(?P<parent>{U})(?: (?i:will|shall|is to|to|has decided to))?(?: (?i:fully|further))? "
                     r"(?i:integrates?|absorbs?|takes? over) (?:(?i:the) )?(?P<u>{UL})", a.place("move_unit"), 0.7),
    ("en.combines", r"(?P<into>{U})(?: (?i:will|shall|is to))? (?i:combines?|brings? together|unites?) (?:(?i:the) )?"
                    r"(?P<u>{UL})", a.merge_active(r"(?!)"), 0.65),
    ("en.split", rf"(?P<unit>{{U}}) (?i:was|were|is|will be|has been) (?i:divided|split|broken up) into[^:{OPEN}]{{0,30}}:? "
                 r"(?P<u>{UL})", a.split(), 0.7),
    ("en.rename", r"(?P<unit>{U}) \(?(?:(?i:was|is|has been|will be) )?(?i:renamed) (?:(?i:as|to|into) )?"
                  r"(?P<new>{U}|[A-Z][\w&-]*(?: [A-Z][\w&-]*){0,4})(?: (?i:in|from|on|effective) [^,;.)]{1,20})?",
     a.rename(), 0.7),
    # --- units under units
    ("en.businesses-of", r"(?P<u>{UL}),? (?i:the )?(?:(?i:core|main|key|major) )?(?i:businesses|units|subsidiaries|"
                         r"divisions|business groups) of (?P<parent>{U})", a.place("record_unit"), 0.55),
    ("en.under", r"(?P<u>{UL}) (?i:is|are|will (?:now |also |then )?be|remains?|sits?|will sit|now sits?|will move|moves?|moved|"
                 r"will shift|shifts?|shifted|will be transferred|will transfer|transfers?|will join|joins|joined|"
                 r"(?:has been|have been|was|were|will be|is being|are being|is to be|are to be) "
                 r"(?:moved|transferred|shifted|reassigned|assigned)|"
                 r"(?:are|is|will be|were|are being|is being) (?:combined|grouped|brought together|placed|organi[sz]ed)|"
                 r"(?:will become|becomes|became|will be made) part of) "
                 r"(?:now )?"
                 r"(?:(?i:under|part of|within|into|to) )?(?:(?i:the) )?(?P<parent>{U})", a.place("move_unit"), 0.6),
    ("en.includes", r"(?P<parent>{U})(?:'s)? (?i:subsidiaries|units|businesses|divisions) (?i:include|including|"
                    r"such as) (?P<u>{UL})", a.place("record_unit"), 0.55),
    # --- appointments
    ("en.appoint-as", rf"(?i:appoint(?:s|ed|ing)?|nam(?:e|es|ed|ing)|promot(?:e|es|ed|ing)|select(?:s|ed|ing)?) {PN} "
                      rf"(?i:as|to be|to) {ART}{TITLE}(?: (?i:of) (?:the )?(?P<u>{{UL}}))?", a.appoint(), 0.85),
    ("en.with-as", rf"(?i:with) {PN} (?i:as) {ART}{TITLE}(?: (?i:of) (?:the )?(?P<u>{{UL}}))?", a.appoint(), 0.8),
    ("en.serve-as", rf"{PN}{GAP}{{0,150}}? (?i:will serve|serves|served|will act|acts|acted|has been appointed|"
                    r"was appointed|is appointed|will be appointed|will take over|takes over|took over|has been promoted to|"
                    r"was promoted to|will be promoted to|has been named|was named|"
                    rf"will continue|continues|concurrently served|will join|joins|joined) (?:(?i:as) )?{ART}{TITLE}"
                    r"(?: (?i:of) (?:the )?(?P<u>{UL}))?", a.appoint(), 0.8),
    ("en.became", rf"{PN}{GAP}{{0,60}}? (?i:became|becomes|will become|has become|is|was|remains|will be|had been) "
                  rf"(?:(?i:also|now|then|still) )*{ART}{TITLE} (?i:of) (?:the )?(?P<u>{{UL}}){UEND}",
     a.appoint(units_default="none"), 0.75),
    ("en.before-becoming", rf"(?i:before|after|since) (?i:becoming|being appointed|taking over as) {ART}{TITLE} (?i:of) "
                           rf"(?:the )?(?P<u>{{UL}})[^,{OPEN}]{{0,30}}, {PN}", a.appoint(units_default="none"), 0.7),
    ("en.apposition", rf"{PN}(?: \([^)]*\))?, (?!(?i:previously|formerly|former|until recently|once)\b)"
                      rf"(?:(?i:the|then|now|currently|then the|now the|newly|recently|new) )*"
                      rf"(?:(?i:appointed|named|promoted|elected|installed) )?{TITLE} (?i:of) (?:the )?"
                      rf"(?P<u>{{UL}}){UEND}", a.appoint(units_default="none"), 0.75),
    ("en.its-title", rf"{PN}, (?i:its|the (?:company|group)'s|our) (?:(?i:new|newly appointed) )?{TITLE}(?=[,.;)]| (?i:and|who|will|has|said)\b)",
     a.appoint(units_default="root"), 0.7),
    ("en.succeeds", rf"{PN} (?i:succeeds|will succeed|succeeded|has succeeded|replaces|will replace|replaced|has replaced) "
                    rf"(?:{{P}}|{NAME}) (?i:as) {ART}{TITLE}(?: (?i:of|at) (?:the )?(?P<u>{{UL}}))?", a.appoint(), 0.8),
    ("en.signature", rf"^{PN}, {TITLE}, (?:(?i:the) )?(?P<u>{{U}})$", a.appoint(units_default="none"), 0.7),
    ("en.unit-title-name", rf"(?P<u>{{U}}) {TITLE},? {PN}", a.appoint(units_default="none"), 0.7),
    ("en.group-title-name", rf"(?:^|(?<=[a-z,;:] ))(?P<g>Group|Company) {TITLE},? {PN}",
     a.appoint(units_default="none", prefix_root=True), 0.65),
    ("en.led-by", rf"(?P<u>{{U}})[^.;{OPEN}]{{0,60}}?,? (?i:led|headed|run) by {PN}(?: (?i:as) {ART}{TITLE})?",
     a.appoint(units_default="none", title="Head"), 0.75),
    ("en.in-charge", rf"{PN}(?: \([^)]*\))?,? (?:(?i:the|then the) )?(?i:person in charge|head|leader) of (?:the )?"
                     rf"(?P<u>{{UL}}){UEND}", a.appoint(units_default="none", title="Head"), 0.7),
    ("en.is-in-charge", rf"{PN}[^.;{OPEN}]{{0,40}}? (?i:was|is|will be|has been|became|will remain) (?i:also )?"
                        rf"(?i:the person )?(?i:in charge of|responsible for|leading|heading) (?:the )?(?P<u>{{UL}}){UEND}",
     a.appoint(units_default="none", title="Head"), 0.7),
    ("en.leads", rf"{PN}(?:, (?i:who|which) (?:(?i:currently|now|also) )?|{GAP}{{0,80}}? (?:(?i:will|to|shall) )?)"
                 rf"(?i:leads|lead|heads|head|runs|run|oversees|oversee|has led|has headed|has run) {ART}(?P<u>{{UL}}){UEND}",
     a.appoint(units_default="none", title="Head"), 0.65),
    ("en.title-name", rf"(?:^|(?<=[a-z,;:] ))(?P<t>(?i:chief executive(?: officer)?)|CEO|(?i:group) CEO) {PN}",
     a.appoint(units_default="root"), 0.6),
    ("en.respectively", rf"(?i:respectively)[^;{OPEN}]*?(?P<pl>{{PL}})", a.respectively(), 0.6),
    # --- reporting lines
    ("en.posts-report", r"(?i:the )?(?P<f1>[a-z]+)(?: and (?P<f2>[a-z]+))? (?P<role>leaders|heads|managers|directors|"
                        r"officers|chiefs) of (?:each|every|all) (?P<scope>[a-z][a-z\- ]+?) (?:will |shall )?"
                        r"(?:directly )?report (?:directly )?to(?P<rest>.*)", a.posts_report(_post_names), 0.75),
    ("en.reports-to", rf"(?i:report(?:s|ing|ed)?) (?i:directly )?to (?:(?i:the) )?(?:(?:[A-Za-z][\w-]*|{TOKEN['U']}) ){{0,4}}?"
                      rf"(?P<to>{{P}}|{NAME})", a.reports(), 0.8),
    ("en.list-report", rf"(?:^|(?<=[,;:] ))(?P<pl>(?:{{P}}|{NAME})(?:, (?:{{P}}|{NAME}))*,? and (?:{{P}}|{NAME})) "
                       r"(?:will |shall |now |all |both |each )*(?:continue to )?(?:directly )?report (?:directly )?to "
                       rf"(?:(?:the|our) )?(?:(?:[A-Za-z][\w-]*|{TOKEN['U']}) ){{0,4}}?(?P<to>{{P}}|{NAME})",
     a.list_reports(r", and |, | and "), 0.75),
    ("en.under-person", rf"{PN}(?: \([^)]*\))?{GAP}{{0,100}}? (?i:under) (?P<to>{{P}})", a.reports(), 0.5),
])
