"""German rules: press texts and translated news ("X ist Generaldirektor von Y").

Same placeholders as the English rules (see :mod:`.core`). German nouns are
all capitalised, so new unit names are only taken when they end in a unit
word and are not a bare noun ("die Gruppe").
"""

from __future__ import annotations

import re

from . import actions as a
from .core import OPEN, TOKEN, rule_table

NAME = (r"(?!(?:Der|Die|Das|Den|Dem|Des|Ein|Eine|Laut|Im|Am|In|Nach|Mit|Er|Sie|Es|Herr|Frau|Gruppe)\b)"
        r"(?![A-Z]\w*(?:chef|chefin|leiter|leiterin|direktor|direktorin|präsident|präsidentin|vorsitzende[rn]?)\b)"
        r"[A-Z][a-zäöüß]+(?: [A-Z][a-zäöüß]+){1,2}")
PN = rf"(?P<p>{{P}}|{NAME})"
_NOT_TITLE = r"(?!(?:und|oder|der|die|das|den|dem|des|zu|an|von|wird|ist|als|mit|für|bei|im|am|berichtet)\b)"
TITLE = (rf"(?P<t>(?:{_NOT_TITLE}[\wÄÖÜäöüß-]+ ){{0,3}}?(?:CEO|CFO|COO|CTO|Generaldirektor\w*|Geschäftsführer\w*|Direktor\w*|"
         r"Leiter\w*|Chef\w*|Präsident\w*|Vorsitzende\w*|Vorstandsvorsitzende\w*|Finanzvorstand|Finanzchef\w*|"
         r"Rechtsvorstand|Vorstand))\b")
ART = (r"(?:(?:der|die|das|den|dem|des|ein|eine|einen|einer|eines|neue|neuen|neuer|neues|neu gegründete[nrs]?|"
       r"neu geschaffene[nrs]?) )*")
GAP = rf"(?:[^.;{OPEN}]|{TOKEN['U']})"
UEND = r"(?=\s*(?:[,.;:)\"“”]|$|(?:und|seit|unter|bei|ab|mit|wird|war|ist)\b))"

GROUP_NAME = re.compile(r"(?:Gruppe|Konzern|Group|AG|SE|Holding)$")
CARRY_DATE = re.compile(r"^(?:Damals|Er|Sie|Es)\b")
SIGNATURE = r"^[^.!?:]{3,60},[^.!?:]{2,80}$"
SIGNATURE_TITLE = re.compile(TITLE.replace("(?P<t>", "(?:"))
LETTER = re.compile(r"\b(?:interne|internen)\s+(?:E-Mail|Mail|Brief|Schreiben|Mitteilung)\b[^.]{0,60}"
                    r"\b(?:veröffentlicht|verschickt|geschrieben|versandt)", re.I)

_UNIT_NAME = re.compile(r"\b(?:[A-Z][\w&.-]*[ -])*(?:[A-Z][\w&.-]*-)?(?:Gruppe|Geschäftsbereich|Geschäftsgruppe|"
                        r"Abteilung|Zentrum|Sparte|Division|Gesellschaft|GmbH|AG|Konzern)\b")
_LEADING = re.compile(r"^(?:(?:Der|Die|Das|Den|Dem|Des|Ein|Eine|Einer|Neue[nrs]?|Im|Am|In)\s+)+")
_REFERENCES = [
    (re.compile(r"\b(?:[Dd]e[rnm]|[Dd]ie|[Dd]as) neuen? (?:Gruppe|Geschäftsbereichs?|Geschäftsgruppe|Einheit|Abteilung|Sparte|"
                r"Gesellschaft|Tochter(?:gesellschaft)?|Division|Zentrums?)\b"), "new"),
    (re.compile(r"\b(?:de[rnm]|des) Konzern[s]?\b|\b(?:[Dd]as|de[mn]|des) Unternehmen[s]?\b"), "root"),
    (re.compile(r"(?<=\ban )mich\b"), "author"),
    (re.compile(r"^(?:Er|Sie)\b|(?<=, und )(?:er|sie)\b"), "he"),
]


def unit_candidates(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _UNIT_NAME.finditer(text):
        lead = _LEADING.match(m.group(0))
        start = m.start() + (lead.end() if lead else 0)
        name = text[start:m.end()]
        if ("-" in name or " " in name) and not re.search(r"Joint|Gemeinschafts", name):
            out.append((start, m.end()))
    return out


def references(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), ref) for pattern, ref in _REFERENCES for m in pattern.finditer(text)]


_NEW = r"\b(?:neue\w*|drei|zwei|vier|fünf|mehrere|\d+)\b"
_MERGE = r"\b(?:zusammengelegt|fusioniert|verschmolzen|zusammengeführt|zusammen|ursprünglich\w*|bisherig\w*)\b"

RULES = rule_table([
    ("de.gruenden", rf"(?:gründe\w*|errichte\w*|schaff\w*) (?:{ART}{{U}} )?{ART}(?P<u>{{U}})"
                    rf"(?: (?:unter|in|innerhalb) {ART}(?P<parent>{{U}}))?", a.create(), 0.85),
    ("de.gegruendet", rf"(?P<u>{{U}})(?: [^.;{OPEN}]{{0,20}})? (?:gegründet|geschaffen|eingerichtet|errichtet) "
                      r"(?:wird|wurde|werden|wurden|worden)", a.create(), 0.8),
    ("de.wird-gegruendet", rf"(?:wird|wurde|werden|wurden) {ART}(?P<u>{{U}}) (?:gegründet|geschaffen|eingerichtet|"
                           r"errichtet)", a.create(), 0.8),
    ("de.neu-gegruendet", r"neu (?:gegründete[nrs]?|geschaffene[nrs]?|eingerichtete[nrs]?) (?P<u>{U})",
     a.create(False), 0.7),
    ("de.aufgehen", rf"(?P<u>{{UL}}) (?:geht|gehen|ging|gingen|wird|werden) (?:(?:künftig|vollständig|ganz) )?in {ART}"
                    r"(?P<into>{U}) (?:auf|aufgehen)\b", a.merge_active(r"(?!)"), 0.7),
    ("de.gruendung", rf"(?:Gründung|Einrichtung|Schaffung|Errichtung) {ART}(?P<u>{{U}})", a.create(False), 0.75),
    ("de.integrieren", rf"(?P<parent>{{U}}) {ART}(?P<u>{{UL}}) (?:(?:vollständig|ganz|künftig|komplett) )?"
                       r"(?:integrieren|integriert|eingliedern|übernehmen|übernimmt|zusammenführen)",
     a.place("move_unit"), 0.7),
    ("de.wird-verschmolzen", rf"(?:wird|werden|wurde|wurden) {ART}(?P<u>{{UL}}) (?P<into>(?:in|unter|zu|zur|zum) "
                             r"[^;]*?) (?:integriert|eingegliedert|überführt|zusammengeführt|zusammengelegt|fusioniert|"
                             r"verschmolzen)", a.merge_or_move(_NEW, _MERGE), 0.75),
    ("de.legt-zusammen", rf"(?:legt|legen|legte|legten|führt|führen|führte|fasst|fassen|fasste) (?:{ART}|ihre |seine )?"
                         rf"(?:(?:Sparten|Bereiche|Geschäfte|Gesellschaften|Einheiten|Töchter) )?(?P<u>{{UL}}) "
                         r"(?P<into>(?:zu|in) [^;]*?) zusammen\b", a.merge_or_move(_NEW, _MERGE), 0.75),
    ("de.integriert-in", r"(?P<u>{UL}) (?:werden|wurden|wird|wurde) (?:(?:vollständig|künftig) )?(?P<into>(?:in|unter|zu|zur|zum) "
                         r"[^;]*?) (?:integriert|eingegliedert|überführt|zusammengeführt|zusammengelegt|fusioniert|"
                         r"verschmolzen)", a.merge_or_move(_NEW, _MERGE), 0.75),
    ("de.teil-von", r"(?P<u>{UL}) (?:gehört|gehören|ist|sind|wird|werden|bleibt|bleiben) (?:(?:nun|künftig|jetzt|weiter) )?"
                    r"(?:Teil (?:der|des|von)|unter dem Dach (?:der|des|von)|"
                    r"unter(?:halb)? (?:der|dem|des)|zur|zum|zu) (?P<parent>{U})", a.place("move_unit"), 0.6),
    ("de.umbenannt", r"(?P<unit>{U}) (?:wird|wurde) (?:in|zu) (?P<new>{U}|[A-Z][\w-]*(?: [A-Z][\w-]*){0,3}) "
                     r"umbenannt", a.rename(), 0.7),
    ("de.ist-titel-von", rf"{PN}{GAP}{{0,160}}? (?:ist|war|wird|wurde|bleibt) (?:(?:auch|gleichzeitig|zugleich|nun|jetzt|"
                         rf"zum|neuer|neue|seit \d{{4}}) )*{ART}{TITLE} (?:von|der|des|bei) {ART}(?P<u>{{UL}}){UEND}",
     a.appoint(units_default="none"), 0.8),
    ("de.position-des", rf"(?:übernahm|übernimmt|übernehmen wird|übernommen) {PN} die (?:Position|Rolle|Leitung|Funktion) "
                        rf"(?:des|der|als) {TITLE} (?:der|des|von) {ART}(?P<u>{{UL}}){UEND}", a.appoint(units_default="none"), 0.8),
    ("de.titel-der-name", rf"(?:der|die) {TITLE} (?:der|des|von) {ART}(?P<u>{{U}}), {PN}", a.appoint(units_default="none"),
     0.75),
    ("de.dessen-titel", rf"(?P<u>{{U}})[^.;{OPEN}]{{0,40}}?, (?:dessen|deren) {TITLE} {PN} (?:ist|wird)",
     a.appoint(units_default="none"), 0.8),
    ("de.geleitet", rf"(?P<u>{{U}})(?: (?:wird|wurde)|, (?:die|der|das)) (?:künftig )?von {PN} (?:geleitet|geführt)",
     a.appoint(units_default="none", title="Leiter"), 0.75),
    ("de.leitung", rf"{PN} (?:übernimmt|übernahm|übernehmen wird|übernommen hat)(?:[^.;{OPEN}]|\d\.){{0,30}}? die "
                   rf"(?:Leitung|Führung) (?:der|des|von) {ART}(?P<u>{{UL}})", a.appoint(units_default="none", title="Leitung"),
     0.75),
    ("de.zugeordnet", rf"(?P<u>{{UL}}) (?:wird|werden|wurde|wurden) (?:künftig )?{ART}(?P<parent>{{U}}) "
                      r"(?:zugeordnet|unterstellt|angegliedert|zugeschlagen)", a.place("move_unit"), 0.7),
    ("de.leitung-uebernimmt", rf"(?:^|(?<=[,;:] ))(?:Die|die) (?:Leitung|Führung)(?: (?:(?:der|des) )?{ART}(?P<u>{{U}}))? "
                              rf"(?:übernimmt|übernahm|übernehmen wird) {PN}", a.appoint(title="Leitung"), 0.75),
    ("de.konzernchef", rf"(?P<t>(?:Konzern|Gruppen|Vorstands)(?:chef(?:in)?|-CEO)|Vorstandsvorsitzende[rn]?) {PN}",
     a.appoint(units_default="root"), 0.65),
    ("de.titel-wird", rf"(?:^|(?<=[,;:] )){TITLE} (?:(?:der|des|von) )?{ART}(?P<u>{{U}}) (?:wird|ist|bleibt|wurde) {PN}",
     a.appoint(units_default="none"), 0.75),
    ("de.uebernimmt-leitung", rf"(?:übernimmt|übernahm|übernehmen wird) {PN}(?: (?:als|zum|zur|ab) [^.;{OPEN}]{{0,40}}?"
                              rf"(?:{{P}}[^.;{OPEN}]{{0,5}}?)?)? die (?:Leitung|Führung) (?:der|des|von) {ART}(?P<u>{{UL}})",
     a.appoint(units_default="none", title="Leitung"), 0.75),
    ("de.wird-titel", rf"(?:^|(?<=[,;:] )){PN} (?:wird|ist|bleibt|wurde) (?:(?:neuer|neue|künftig|zudem|auch) )*{TITLE}"
                      r"(?=[,.;]| und\b|$)", a.appoint(units_default="root"), 0.65),
    ("de.signatur", rf"^{PN}, {TITLE}(?: (?:der|des))?,? {ART}(?P<u>{{U}})$", a.appoint(units_default="none"), 0.7),
    ("de.mit-als", rf"mit {PN} als {ART}{TITLE}", a.appoint(), 0.8),
    ("de.zum-ernannt", rf"{PN} (?:zum|zur) {TITLE} (?:der|des|von) {ART}(?P<u>{{UL}})[^.;]{{0,30}}? "
                       r"(?:ernannt|berufen|bestellt|befördert)", a.appoint(), 0.8),
    ("de.zum-bestellt", rf"(?:hat|haben|hatte|wurde|wird|ist) {PN} (?:zum|zur) {TITLE} (?:(?:der|des|von) {ART}"
                        r"(?P<u>{UL}) )?(?:ernannt|berufen|bestellt|befördert|gewählt)", a.appoint(), 0.8),
    ("de.ernennt", rf"(?:ernennt|ernannte|ernannt|beruft|berief|berufen) {PN} (?:zum|zur|als) {TITLE}(?: (?:der|des|von) "
                   rf"{ART}(?P<u>{{UL}}))?", a.appoint(), 0.85),
    ("de.leitet", rf"{PN}[^.;{OPEN}]{{0,30}}? (?:leitet|leitete|führt|führte|verantwortet|verantwortete) {ART}(?P<u>{{UL}})"
                  rf"{UEND}", a.appoint(units_default="none", title="Leiter"), 0.65),
    ("de.berichtet-an", r"(?:berichtet|berichten|berichtete|berichteten|unterstellt|unterstehen|untersteht) "
                        r"(?:(?:direkt|künftig|nun|weiterhin|weiter) )*"
                        rf"(?:an )?{ART}(?:[\wÄÖÜäöüß-]+ ){{0,3}}?(?P<to>{{P}}|{NAME})", a.reports(), 0.8),
    ("de.name-berichtet", rf"(?:^|(?<=[,;:] )){PN}(?: (?:wird|ist|bleibt) [^.;{OPEN}]{{0,40}}? und)? "
                          r"(?:berichtet|berichtete) (?:(?:direkt|künftig|nun|weiterhin|weiter) )*"
                          rf"an {ART}(?:[\wÄÖÜäöüß-]+ ){{0,3}}?(?P<to>{{P}}|{NAME})", a.reports(), 0.75),
    ("de.list-berichten", rf"(?:^|(?<=[,;:] ))(?P<pl>(?:{{P}}|{NAME})(?:, (?:{{P}}|{NAME}))* und (?:{{P}}|{NAME})) "
                          r"(?:berichten|berichteten|werden) (?:(?:künftig|direkt|weiterhin|alle|beide) )*(?:an )?"
                          rf"{ART}(?:[\wÄÖÜäöüß-]+ ){{0,3}}?(?P<to>{{P}}|{NAME})(?: berichten)?",
     a.list_reports(r", | und "), 0.75),
    ("de.an-berichtet", r"\ban (?P<to>{P}) (?:direkt )?(?:berichtet|berichten|berichtete|berichteten)\b", a.reports(), 0.8),
])
