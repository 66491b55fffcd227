"""Drafting announcements from raw text: seeds, unseen invented letters, the CLI."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from orgmodel.extract import extract_text
from orgmodel.extract.dates import find_date
from orgmodel.extract.evaluate import Score, change_keys, evaluate
from orgmodel.extract.text import detect_language, sentences
from orgmodel.history import load_history
from orgmodel.load import fold, load_dataset

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).resolve().parent / "fixtures" / "extract"
LETTERS = {"en": dt.date(2025, 3, 3), "de": dt.date(2025, 5, 12), "zh": dt.date(2025, 6, 18)}


def draft_for(lang: str):
    ds = load_dataset(FIX / "data")
    text = (FIX / f"letter-{lang}.txt").read_text(encoding="utf-8")
    return extract_text(text, ds, lang="auto", date=LETTERS[lang], source=f"letter-{lang}"), text


def keys_of(draft) -> set[tuple]:
    out: set[tuple] = set()
    for ch in draft.changes():
        out |= change_keys(ch.action, ch.body)
    return out


# --- the evaluation against the hand-modelled seeds --------------------------------


def test_seed_precision_and_recall_stay_above_floors():
    scores = evaluate(ROOT / "seeds")
    for lang in ("en", "de", "zh"):
        agg = scores[lang]["all"]
        assert agg.gold, lang
        assert agg.precision >= 0.95, (lang, agg.precision)
        assert agg.recall >= 0.95, (lang, agg.recall)
    total = scores["all"]["all"]
    assert len(total.gold) >= 60
    assert total.precision >= 0.95 and total.recall >= 0.95


def test_seed_scores_without_registry_aliases_stay_above_floors():
    """The seeds' aliases were written for these texts; without them the rules still carry most of the way."""
    total = evaluate(ROOT / "seeds", aliases=False)["all"]["all"]
    assert total.precision >= 0.8 and total.recall >= 0.6


def test_score_counts_hits_misses_and_extras():
    s = Score({("head", "a", "u"), ("reports", "a", "b")}, {("head", "a", "u"), ("create", "x")})
    assert (s.hits, s.precision, s.recall) == (1, 0.5, 0.5)


# --- unseen invented letters ---------------------------------------------------------

EXPECTED = {
    "en": {
        ("create", "northwind-platforms-group"), ("parent", "northwind-platforms-group", "northwind-group"),
        ("head", "ana-ruiz", "northwind-platforms-group"), ("reports", "ana-ruiz", "tom-berg"),
        ("parent", "northwind-retail", "northwind-platforms-group"),
        ("parent", "northwind-logistics", "northwind-platforms-group"),
        ("reports", "finance-leaders-of-each-business-group", "li-wei"),
        ("create", "data-science-center"), ("parent", "data-science-center", "northwind-platforms-group"),
        ("head", "omar-haddad", "data-science-center"), ("head", "sara-lind", "northwind-pay"),
        ("reports", "sara-lind", "ana-ruiz"), ("head", "tom-berg", "northwind-group"),
    },
    "de": {
        ("create", "northwind-mobility-gruppe"), ("parent", "northwind-mobility-gruppe", "northwind-group"),
        ("head", "paul-kramer", "northwind-mobility-gruppe"), ("reports", "paul-kramer", "tom-berg"),
        ("parent", "northwind-logistics", "northwind-mobility-gruppe"),
        ("parent", "northwind-pay", "northwind-mobility-gruppe"), ("head", "jonas-weber", "northwind-retail"),
    },
}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_unseen_letters_are_read_well(lang):
    draft, _ = draft_for(lang)
    found = keys_of(draft)
    expected = EXPECTED[lang]
    hits = len(found & expected)
    assert hits / len(expected) >= 0.85, sorted(expected - found)
    assert hits / len(found) >= 0.8, sorted(found - expected)


def test_unseen_html_release_without_any_registry():
    text = (FIX / "release-en.html").read_text(encoding="utf-8")
    draft = extract_text(text, None, date=dt.date(2025, 4, 2), source="release-en", split=True)
    expected = {
        ("create", "fabrikam-technology-group"), ("parent", "fabrikam-technology-group", "fabrikam-group"),
        ("merge", "fabrikam-cloud", "fabrikam-technology-group"),
        ("merge", "fabrikam-devices", "fabrikam-technology-group"),
        ("head", "marta-novak", "fabrikam-technology-group"), ("reports", "marta-novak", "david-chen"),
        ("parent", "fabrikam-security-team", "fabrikam-technology-group"), ("head", "david-chen", "fabrikam-group"),
    }
    assert keys_of(draft) == expected
    assert {a.date for a in draft.announcements} == {"2025-04-02", "2025-05-01"}  # "effective May 1"
    renames = [c.body for c in draft.changes() if c.action == "rename_unit"]
    assert renames == [{"unit": "fabrikam-labs", "name": {"en": "Fabrikam Research Center"}}]
    names = {n for p in draft.proposals for n in p.names.values()}
    assert not names & {"Evan Stone", "Rita Moss", "Jane Doe", "Contoso Retail Group"}
    assert all(p.note.startswith("proposed") for p in draft.proposals)
    for ch in draft.changes():
        assert all(fold(q) in fold(text) for q in ch.quotes)


NO_REGISTRY = {
    "litware-en.txt": {
        ("create", "litware-data-division"), ("parent", "litware-data-division", "litware-health"),
        ("merge", "litware-analytics", "litware-data-division"), ("merge", "litware-insights", "litware-data-division"),
        ("head", "priya-raman", "litware-health"), ("reports", "priya-raman", "tom-baker"),
        ("head", "tom-baker", "litware-group"), ("head", "carlos-mendez", "litware-data-division"),
        ("create", "litware-ai-lab"), ("parent", "litware-ai-lab", "litware-group"),
        ("head", "john-kim", "litware-ai-lab"), ("reports", "john-kim", "tom-baker"),
    },
    "contoso-de.txt": {
        ("create", "contoso-digital-gruppe"), ("parent", "contoso-digital-gruppe", "contoso-gruppe"),
        ("merge", "contoso-software", "contoso-digital-gruppe"), ("merge", "contoso-services", "contoso-digital-gruppe"),
        ("parent", "contoso-forschungszentrum", "contoso-digital-gruppe"),
        ("head", "anna-schmidt", "contoso-cloud-sparte"), ("reports", "anna-schmidt", "michael-braun"),
        ("head", "michael-braun", "contoso-gruppe"), ("head", "peter-lang", "contoso-digital-gruppe"),
    },
    "huaxin-zh.txt": {
        ("create", "hua-xin-zhi-neng-shi-ye-bu"), ("parent", "hua-xin-zhi-neng-shi-ye-bu", "hua-xin-ji-tuan"),
        ("create", "hua-xin-shu-zi-zhong-xin"), ("parent", "hua-xin-shu-zi-zhong-xin", "hua-xin-ji-tuan"),
        ("merge", "hua-xin-ruan-jian", "hua-xin-shu-zi-zhong-xin"), ("merge", "hua-xin-fu-wu", "hua-xin-shu-zi-zhong-xin"),
        ("parent", "hua-xin-yan-jiu-yuan", "hua-xin-zhi-neng-shi-ye-bu"),
        ("head", "zhou-ming", "hua-xin-ji-tuan"), ("head", "liu-yang", "hua-xin-zhi-neng-shi-ye-bu"),
        ("reports", "liu-yang", "zhou-ming"), ("head", "wang-fang", "hua-xin-shu-zi-zhong-xin"),
    },
    "tailspin-en.txt": {
        ("create", "tailspin-play-division"), ("parent", "tailspin-play-division", "tailspin-group"),
        ("merge", "tailspin-toys", "tailspin-play-division"), ("merge", "tailspin-games", "tailspin-play-division"),
        ("head", "grace-liu", "tailspin-play-division"), ("reports", "grace-liu", "omar-farouk"),
        ("head", "grace-liu", "tailspin-toys"), ("parent", "tailspin-studios", "tailspin-play-division"),
        ("create", "tailspin-ventures-unit"), ("parent", "tailspin-ventures-unit", "tailspin-group"),
        ("head", "nina-park", "tailspin-ventures-unit"), ("head", "omar-farouk", "tailspin-group"),
    },
    "woodgrove-de.txt": {
        ("create", "woodgrove-digitalbank-sparte"), ("parent", "woodgrove-digitalbank-sparte", "woodgrove-gruppe"),
        ("head", "julia-neumann", "woodgrove-digitalbank-sparte"), ("reports", "julia-neumann", "thomas-keller"),
        ("head", "thomas-keller", "woodgrove-gruppe"), ("parent", "woodgrove-direktbank", "woodgrove-digitalbank-sparte"),
    },
    "yuanhang-zh.txt": {
        ("create", "yuan-hang-guo-ji-shi-ye-qun"), ("parent", "yuan-hang-guo-ji-shi-ye-qun", "yuan-hang-ji-tuan"),
        ("head", "li-qiang", "yuan-hang-guo-ji-shi-ye-qun"), ("reports", "li-qiang", "zhao-lei"),
        ("head", "zhao-lei", "yuan-hang-ji-tuan"),
        ("parent", "yuan-hang-hai-wai-ye-wu-bu", "yuan-hang-guo-ji-shi-ye-qun"),
        ("parent", "dong-nan-ya-zhong-xin", "yuan-hang-guo-ji-shi-ye-qun"),
        ("parent", "ou-zhou-zhong-xin", "yuan-hang-guo-ji-shi-ye-qun"),
        ("head", "sun-li", "yuan-hang-yan-jiu-yuan"),
        # inferred: a unit whose head is named next to the group is recorded under it
        ("parent", "yuan-hang-yan-jiu-yuan", "yuan-hang-ji-tuan"),
    },
    "adventure-en.txt": {
        ("create", "adventure-works-cloud-group"), ("create", "adventure-works-online"),
        ("create", "adventure-works-stores"), ("head", "laura-chen", "adventure-works-cloud-group"),
        ("head", "mark-stevens", "adventure-works-group"),
        ("merge", "adventure-works-hosting", "adventure-works-cloud-group"),
        ("merge", "adventure-works-storage", "adventure-works-cloud-group"),
        ("parent", "adventure-works-cloud-group", "adventure-works-group"),
        ("parent", "adventure-works-online", "adventure-works-group"),
        ("parent", "adventure-works-stores", "adventure-works-group"), ("reports", "laura-chen", "mark-stevens"),
    },
    "tailwind-de.txt": {
        ("create", "tailwind-asien-sparte"), ("head", "markus-hofmann", "tailwind-asien-sparte"),
        ("head", "sabine-wolf", "tailwind-konzern"), ("merge", "tailwind-japan", "tailwind-asien-sparte"),
        ("merge", "tailwind-korea", "tailwind-asien-sparte"),
        ("parent", "tailwind-asien-sparte", "tailwind-konzern"), ("reports", "markus-hofmann", "sabine-wolf"),
    },
    "xingchen-zh.txt": {
        ("create", "xing-chen-ren-gong-zhi-neng-shi-yan-shi"), ("create", "xing-chen-yu-le-shi-ye-qun"),
        ("head", "chen-chen", "xing-chen-yu-le-shi-ye-qun"), ("head", "lin-feng", "xing-chen-ji-tuan"),
        ("head", "wu-di", "xing-chen-ren-gong-zhi-neng-shi-yan-shi"),
        ("merge", "xing-chen-ying-ye", "xing-chen-yu-le-shi-ye-qun"),
        ("merge", "xing-chen-you-xi", "xing-chen-yu-le-shi-ye-qun"),
        ("parent", "xing-chen-dian-shang-ye-wu", "xing-chen-ling-shou-shi-ye-bu"),
        ("parent", "xing-chen-ren-gong-zhi-neng-shi-yan-shi", "xing-chen-ji-tuan"),
        ("parent", "xing-chen-yu-le-shi-ye-qun", "xing-chen-ji-tuan"), ("reports", "chen-chen", "lin-feng"),
    },
    # round 7: appositions ("X, its CEO", "X, the newly appointed head of U"), "X succeeds Y as",
    # lists of new names reporting to one manager, "hat X zur Vorstandsvorsitzenden bestellt",
    # "übernimmt X ... die Leitung", Chinese units named by the brand ("启明" of 启明科技集团), 新设
    "relecloud-en.txt": {
        ("head", "victor-lang", "relecloud-group"),
        ("create", "relecloud-commerce-division"), ("parent", "relecloud-commerce-division", "relecloud-group"),
        ("merge", "relecloud-payments", "relecloud-commerce-division"),
        ("merge", "relecloud-billing", "relecloud-commerce-division"),
        ("head", "samir-patel", "relecloud-commerce-division"), ("reports", "samir-patel", "victor-lang"),
        ("reports", "hannah-ortiz", "victor-lang"), ("reports", "leo-grant", "victor-lang"),
        ("head", "hannah-ortiz", "relecloud-research"), ("head", "leo-grant", "relecloud-cloud-services"),
        ("parent", "relecloud-security-team", "relecloud-commerce-division"),
        ("create", "relecloud-labs"), ("parent", "relecloud-labs", "relecloud-group"), ("head", "ivy-chen", "relecloud-labs"),
    },
    "nordlicht-de.txt": {
        ("head", "katrin-vogel", "nordlicht-versicherung-ag"), ("reports", "frank-weber", "katrin-vogel"),
        ("create", "nordlicht-personenversicherung-gmbh"),
        ("parent", "nordlicht-personenversicherung-gmbh", "nordlicht-versicherung-ag"),
        ("merge", "nordlicht-leben-gmbh", "nordlicht-personenversicherung-gmbh"),
        ("merge", "nordlicht-kranken-gmbh", "nordlicht-personenversicherung-gmbh"),
        ("head", "jorg-lehmann", "nordlicht-personenversicherung-gmbh"), ("reports", "jorg-lehmann", "katrin-vogel"),
        ("parent", "nordlicht-it-services-gmbh", "nordlicht-personenversicherung-gmbh"),
        ("head", "sandra-klein", "nordlicht-schaden-gmbh"),
    },
    "qiming-zh.txt": {
        ("head", "sun-yue", "qi-ming-yun-ji-suan-shi-ye-bu"), ("reports", "sun-yue", "zheng-hao"),
        ("head", "zheng-hao", "qi-ming-ke-ji-ji-tuan"),
        ("create", "qi-ming-zhi-neng-she-bei-shi-ye-qun"),
        ("parent", "qi-ming-zhi-neng-she-bei-shi-ye-qun", "qi-ming-ke-ji-ji-tuan"),
        ("merge", "qi-ming-ying-jian-gong-si", "qi-ming-zhi-neng-she-bei-shi-ye-qun"),
        ("merge", "qi-ming-zhong-duan-gong-si", "qi-ming-zhi-neng-she-bei-shi-ye-qun"),
        ("head", "he-jing", "qi-ming-zhi-neng-she-bei-shi-ye-qun"),
        # "原…总经理冯涛调任…": the former post is no appointment
        ("head", "feng-tao", "qi-ming-guo-ji-ye-wu-bu"),
        ("parent", "qi-ming-yan-jiu-yuan", "qi-ming-yun-ji-suan-shi-ye-bu"),
        ("create", "shu-ju-an-quan-zhong-xin"), ("parent", "shu-ju-an-quan-zhong-xin", "qi-ming-ke-ji-ji-tuan"),
        ("head", "liu-yang", "shu-ju-an-quan-zhong-xin"),
        # inferred: a unit whose head is named next to the group is recorded under it
        ("parent", "qi-ming-yun-ji-suan-shi-ye-bu", "qi-ming-ke-ji-ji-tuan"),
        # 董事长 of the new group is a post held, not its head: no ("head", "zheng-hao", ...)
    },
    # round 8: a new signer as "me", "will now be part of", "in die neue U eingegliedert" (a merger),
    # "das Unternehmen", "U由X负责" for a unit other than the last created, "X升任…集团副总裁" no group
    "lamna-en.txt": {
        ("create", "lamna-medical-technologies-division"),
        ("parent", "lamna-medical-technologies-division", "lamna-group"),
        ("merge", "lamna-diagnostics-unit", "lamna-medical-technologies-division"),
        ("merge", "lamna-imaging-unit", "lamna-medical-technologies-division"),
        ("head", "elena-rossi", "lamna-medical-technologies-division"),
        ("reports", "elena-rossi", "julia-marsh"), ("reports", "chris-novak", "julia-marsh"),
        ("parent", "lamna-clinical-trials-office", "lamna-medical-technologies-division"),
        ("create", "lamna-digital-health-team"), ("parent", "lamna-digital-health-team", "lamna-group"),
        ("head", "omar-haddad", "lamna-digital-health-team"), ("head", "julia-marsh", "lamna-group"),
    },
    "kessler-de.txt": {
        ("head", "thomas-roth", "kessler-maschinenbau-ag"),
        ("create", "kessler-kundendienst-gmbh"), ("parent", "kessler-kundendienst-gmbh", "kessler-maschinenbau-ag"),
        ("merge", "kessler-service-gmbh", "kessler-kundendienst-gmbh"),
        ("merge", "kessler-ersatzteile-gmbh", "kessler-kundendienst-gmbh"),
        ("head", "miriam-scholz", "kessler-kundendienst-gmbh"), ("reports", "miriam-scholz", "thomas-roth"),
        ("parent", "kessler-digital-gmbh", "kessler-kundendienst-gmbh"),
        ("create", "kessler-robotik-gmbh"), ("parent", "kessler-robotik-gmbh", "kessler-maschinenbau-ag"),
        ("head", "paul-lenz", "kessler-robotik-gmbh"),
    },
    "haichuan-zh.txt": {
        ("create", "hai-chuan-gong-ying-lian-gong-si"), ("parent", "hai-chuan-gong-ying-lian-gong-si", "hai-chuan-ji-tuan"),
        ("merge", "hai-chuan-wu-liu-you-xian-gong-si", "hai-chuan-gong-ying-lian-gong-si"),
        ("merge", "hai-chuan-cang-chu-you-xian-gong-si", "hai-chuan-gong-ying-lian-gong-si"),
        ("head", "zhao-gang", "hai-chuan-gong-ying-lian-gong-si"),
        ("head", "sun-qiang", "hai-chuan-dian-shang-shi-ye-bu"), ("reports", "sun-qiang", "zhao-gang"),
        ("parent", "hai-chuan-yan-jiu-yuan", "hai-chuan-ji-tuan"), ("parent", "hai-chuan-jin-rong-zhong-xin", "hai-chuan-ji-tuan"),
        ("head", "zheng-wei", "hai-chuan-jin-rong-zhong-xin"), ("head", "qian-ming", "hai-chuan-ji-tuan"),
    },
}


@pytest.mark.parametrize("name", sorted(NO_REGISTRY))
def test_invented_texts_read_without_a_registry(name):
    """Names built on the organisation's name, surnames of new people, "Konzernchef", 集团CEO..."""
    text = (FIX / name).read_text(encoding="utf-8")
    draft = extract_text(text, None, date=dt.date(2025, 6, 9), source="x", split=True)
    assert keys_of(draft) == NO_REGISTRY[name]


WITH_REGISTRY = {
    "proseware-en.txt": (False, {
        ("create", "proseware-engineering-group"), ("parent", "proseware-engineering-group", "proseware-inc"),
        ("merge", "platform-engineering-department", "proseware-engineering-group"),
        ("merge", "developer-tools-department", "proseware-engineering-group"),
        ("head", "kevin-walsh", "proseware-engineering-group"), ("reports", "kevin-walsh", "anita-rao"),
        ("head", "anita-rao", "proseware-inc"), ("parent", "quality-assurance-team", "proseware-engineering-group"),
    }),
    "northwind2-de.txt": (True, {
        ("head", "oliver-brandt", "northwind-logistics"), ("reports", "oliver-brandt", "tom-berg"),
        ("parent", "northwind-pay", "northwind-retail"),
    }),
    "northwind2-zh.txt": (True, {
        ("create", "bei-feng-shang-ye-shi-ye-qun"), ("parent", "bei-feng-shang-ye-shi-ye-qun", "northwind-group"),
        ("merge", "northwind-logistics", "bei-feng-shang-ye-shi-ye-qun"),
        ("merge", "northwind-retail", "bei-feng-shang-ye-shi-ye-qun"),
        ("head", "sara-lind", "bei-feng-shang-ye-shi-ye-qun"), ("reports", "sara-lind", "tom-berg"),
        ("parent", "northwind-pay", "bei-feng-shang-ye-shi-ye-qun"),
    }),
    "wideworld-en.txt": (False, {
        ("create", "wide-world-digital-unit"), ("parent", "wide-world-digital-unit", "wide-world-importers-ltd"),
        ("head", "hannah-becker", "wide-world-digital-unit"), ("reports", "hannah-becker", "samuel-ortiz"),
        ("reports", "samuel-ortiz", "ruth-green"), ("head", "ruth-green", "wide-world-importers-ltd"),
        ("parent", "wide-world-catalogue-team", "wide-world-digital-unit"),
        ("parent", "wide-world-web-team", "wide-world-digital-unit"),
    }),
    "fourthcoffee-de.txt": (False, {
        ("create", "fourth-coffee-sales-gmbh"), ("parent", "fourth-coffee-sales-gmbh", "fourth-coffee-gruppe"),
        ("merge", "fourth-coffee-vertrieb-gmbh", "fourth-coffee-sales-gmbh"),
        ("merge", "fourth-coffee-handel-gmbh", "fourth-coffee-sales-gmbh"),
        ("head", "claudia-richter", "fourth-coffee-sales-gmbh"), ("reports", "claudia-richter", "stefan-maier"),
        ("head", "stefan-maier", "fourth-coffee-gruppe"), ("parent", "fourth-coffee-rosterei", "fourth-coffee-gruppe"),
    }),
    "northwind3-zh.txt": (True, {
        ("head", "sara-lind", "northwind-retail"), ("reports", "sara-lind", "tom-berg"),
        ("head", "tom-berg", "northwind-group"),
        ("create", "bei-feng-gong-ying-lian-fu-wu-zhong-xin"),
        ("parent", "bei-feng-gong-ying-lian-fu-wu-zhong-xin", "northwind-group"),
        ("merge", "northwind-pay", "bei-feng-gong-ying-lian-fu-wu-zhong-xin"),
        ("merge", "northwind-logistics", "bei-feng-gong-ying-lian-fu-wu-zhong-xin"),
        ("head", "li-wei", "bei-feng-gong-ying-lian-fu-wu-zhong-xin"),
    }),
    "coho-en.txt": (False, {
        ("head", "diego-alvarez", "coho-vineyards"), ("reports", "diego-alvarez", "rachel-adams"),
        ("head", "rachel-adams", "coho-winery-group"), ("create", "coho-export-division"),
        ("parent", "coho-export-division", "coho-winery-group"), ("head", "kenji-watanabe", "coho-export-division"),
        ("parent", "coho-logistics", "coho-export-division"),
    }),
    "litware-de.txt": (False, {
        ("head", "petra-schulz", "litware-cloud"), ("reports", "petra-schulz", "martin-koch"),
        # inferred: "das Unternehmen" names the group in the paragraph of the head appointment
        ("parent", "litware-cloud", "litware-gruppe"),
        ("head", "martin-koch", "litware-gruppe"), ("create", "litware-analytics-gmbh"),
        ("parent", "litware-analytics-gmbh", "litware-cloud"), ("head", "jan-fischer", "litware-analytics-gmbh"),
    }),
    "northwind4-zh.txt": (True, {
        ("head", "zhang-min", "northwind-retail"), ("head", "sara-lind", "northwind-pay"),
        ("parent", "bei-feng-kua-jing-zhi-fu-bu", "northwind-pay"), ("head", "zhao-qiang", "bei-feng-kua-jing-zhi-fu-bu"),
        ("reports", "zhao-qiang", "sara-lind"),
    }),
    "trey-en.txt": (False, {
        ("create", "trey-life-sciences-center"), ("parent", "trey-life-sciences-center", "trey-research-inc"),
        ("merge", "trey-biology-lab", "trey-life-sciences-center"), ("merge", "trey-chemistry-lab", "trey-life-sciences-center"),
        ("head", "maria-gonzalez", "trey-life-sciences-center"), ("head", "maria-gonzalez", "trey-biology-lab"),
        ("reports", "maria-gonzalez", "paul-jensen"), ("reports", "paul-jensen", "linda-park"),
        ("head", "linda-park", "trey-research-inc"),
    }),
    "adatum-de.txt": (False, {
        ("create", "adatum-infrastruktur"), ("parent", "adatum-infrastruktur", "adatum-ag"),
        ("merge", "adatum-energie", "adatum-infrastruktur"), ("merge", "adatum-netze", "adatum-infrastruktur"),
        ("head", "sven-kruger", "adatum-infrastruktur"), ("reports", "sven-kruger", "klaus-berger"),
        ("head", "klaus-berger", "adatum-ag"), ("parent", "adatum-solar-gmbh", "adatum-infrastruktur"),
    }),
    "lanhai-zh.txt": (False, {
        ("create", "lan-hai-zhi-neng-yun-shi-ye-qun"), ("parent", "lan-hai-zhi-neng-yun-shi-ye-qun", "lan-hai-ji-tuan"),
        ("merge", "lan-hai-yun", "lan-hai-zhi-neng-yun-shi-ye-qun"), ("merge", "lan-hai-shu-ju", "lan-hai-zhi-neng-yun-shi-ye-qun"),
        ("head", "ma-jun", "lan-hai-zhi-neng-yun-shi-ye-qun"),
        ("parent", "lan-hai-an-quan-zhong-xin", "lan-hai-zhi-neng-yun-shi-ye-qun"),
    }),
}


LISTS = [
    "Contoso Group named its new leaders. Mia Berg, Noah Stein and Liam Falk will report to Chief Executive Officer Ruth Kaye.",
    "Die Contoso Gruppe stellt sich neu auf. Mia Berg, Noah Stein und Liam Falk berichten künftig an Konzernchefin Ruth Kaye.",
    "星辰集团宣布组织调整。王磊、李娜和赵敏将向集团CEO陈峰汇报。",
]


@pytest.mark.parametrize("text", LISTS)
def test_a_list_of_new_names_reports_to_one_manager(text):
    """"A, B and C will report to D": each new name is proposed and reports to D, D heads the group."""
    draft = extract_text(text, None, date=dt.date(2025, 6, 9), source="x")
    lines = {(ch.body["person"], ch.body["to"]) for ch in draft.changes() if ch.action == "reports_to"}
    people = sorted(p.id for p in draft.proposals if p.id in {who for who, _ in lines})
    assert len(lines) == 3 and len(people) == 3
    assert len({boss for _, boss in lines}) == 1
    assert all(fold(q) in fold(text) for ch in draft.changes() for q in ch.quotes)


@pytest.mark.parametrize("name", sorted(WITH_REGISTRY))
def test_registry_names_in_every_language_and_outside_bodies(name):
    """German and Chinese registry names resolve (Northwind Logistik, 北风物流, 伯格); partners make nothing."""
    use_registry, expected = WITH_REGISTRY[name]
    ds = load_dataset(FIX / "data") if use_registry else None
    text = (FIX / name).read_text(encoding="utf-8")
    draft = extract_text(text, ds, date=dt.date(2025, 10, 2), source="x", split=True)
    assert keys_of(draft) == expected
    quotes = " ".join(q for ch in draft.changes() for q in ch.quotes)
    for outside in ("Rhein Cargo", "东方快运", "Dana Holt", "Wide World Cares", "Kaffeepreise", "Copyright"):
        assert outside not in quotes


def test_unseen_chinese_letter():
    draft, _ = draft_for("zh")
    by_action = {}
    for ch in draft.changes():
        by_action.setdefault(ch.action, []).append(ch.body)
    new_unit = [p for p in draft.proposals if p.kind == "unit"]
    assert [p.names for p in new_unit] == [{"zh": "北风云智事业群"}]
    unit = new_unit[0].id
    assert {"unit": unit, "parent": "northwind-group"} in by_action["create_unit"]
    assert {"unit": "northwind-retail", "parent": unit} in by_action["move_unit"]
    heads = {(b["unit"], b.get("reports_to")) for b in by_action["appoint"] if b.get("head")}
    assert (unit, "tom-berg") in heads and ("northwind-logistics", None) in heads
    people = sorted(p.names["zh"] for p in draft.proposals if p.kind == "person")
    assert people == ["张伟", "陈静"]


@pytest.mark.parametrize("lang", ["en", "de", "zh"])
def test_debris_outside_bodies_and_programmes_make_no_changes(lang):
    draft, text = draft_for(lang)
    quotes = " ".join(q for ch in draft.changes() for q in ch.quotes)
    for words in ("postal service", "Blue Harbor", "SwiftBox", "Related reading", "Emma Hart",
                  "Stadtverwaltung", "Grüne Flotte", "Lena Vogt", "合资公司", "年度报告", "李晓"):
        assert words not in quotes
    names = " ".join(str(p.names) for p in draft.proposals)
    for name in ("Kevin Moss", "Emma Hart", "Lena Vogt", "李晓"):
        assert name not in names


@pytest.mark.parametrize("lang", ["en", "de", "zh"])
def test_every_quote_is_found_in_the_text(lang):
    draft, text = draft_for(lang)
    assert draft.changes()
    for ch in draft.changes():
        assert ch.quotes and all(fold(q) in fold(text) for q in ch.quotes)
        assert "rule " in ch.note(None) and "confidence" in ch.note(None)


@pytest.mark.parametrize("lang", ["en", "de", "zh"])
def test_draft_passes_check_once_source_and_entries_are_added(lang, tmp_path):
    draft, _ = draft_for(lang)
    data = tmp_path / "data"
    shutil.copytree(FIX / "data", data)
    shutil.copy(FIX / f"letter-{lang}.txt", data / f"letter-{lang}.txt")
    sources = yaml.safe_load((data / "sources.yaml").read_text())
    sources["sources"].append({"id": f"letter-{lang}", "file": f"letter-{lang}.txt", "language": lang,
                               "title": "letter"})
    (data / "sources.yaml").write_text(yaml.safe_dump(sources))
    registry = yaml.safe_load((data / "registry.yaml").read_text())
    extra = yaml.safe_load(draft.registry_yaml()) or {}
    for group, items in extra.items():
        registry.setdefault(group, []).extend(items)
    (data / "registry.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True))
    for ann in draft.announcements:
        (data / "announcements" / f"{ann.id}.yaml").write_text(draft.announcement_yaml(ann), encoding="utf-8")
    history = load_history(data)
    assert len(history.versions) == len(draft.announcements) + 1
    assert history.snapshot("latest").number_of_edges() > 0


@pytest.mark.parametrize("name", ["relecloud-en.txt", "nordlicht-de.txt", "qiming-zh.txt", "lamna-en.txt",
                                  "kessler-de.txt", "haichuan-zh.txt", "litware-en.txt"])
def test_draft_about_an_organisation_new_to_the_data_passes_check(name, tmp_path):
    """The organisation and the units the text only names are recorded, parents first, before use."""
    data = tmp_path / "data"
    shutil.copytree(FIX / "data", data)
    source = name.removesuffix(".txt")
    draft = extract_text((FIX / name).read_text(encoding="utf-8"), load_dataset(data), date=dt.date(2025, 12, 1),
                         source=source)
    records = [ch for ch in draft.changes() if "draft.record-unplaced" in ch.rules]
    assert records and all(ch.action == "record_unit" and "parent" not in ch.body for ch in records)
    shutil.copy(FIX / name, data / name)
    sources = yaml.safe_load((data / "sources.yaml").read_text())
    sources["sources"].append({"id": source, "file": name, "language": source[-2:], "title": "article"})
    (data / "sources.yaml").write_text(yaml.safe_dump(sources))
    registry = yaml.safe_load((data / "registry.yaml").read_text())
    for group, items in (yaml.safe_load(draft.registry_yaml()) or {}).items():
        registry.setdefault(group, []).extend(items)
    (data / "registry.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True))
    for ann in draft.announcements:
        (data / "announcements" / f"{ann.id}.yaml").write_text(draft.announcement_yaml(ann), encoding="utf-8")
    snap = load_history(data).snapshot("latest")
    assert draft.announcements[0].id == snap.graph["version"]
    merged = {u for ch in draft.changes() if ch.action == "merge_units" for u in ch.body["units"]}
    recorded = {ch.body["unit"] for ch in records}
    assert recorded - merged and recorded - merged <= set(snap.nodes)


@pytest.mark.parametrize("source, path, replaced", [
    ("36kr-2024-11-21-en", "36kr-2024-11-21-ecommerce-en.txt",
     ["2024-11-21-ecommerce-business-group.yaml", "2023-09-wu-yongming-ceo.yaml"]),
    ("36kr-2024-11-21-de", "36kr-2024-11-21-ecommerce-de.txt",
     ["2024-11-21-ecommerce-business-group.yaml", "2023-09-wu-yongming-ceo.yaml"]),
])
def test_seed_article_drafts_pass_check_in_place_of_the_hand_modelled_ones(source, path, replaced, tmp_path):
    data = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", data)
    for name in replaced:
        (data / "announcements" / name).unlink()
    res = _run("--data", str(data), "extract", str(data / "sources" / path), "--date", "2024-11-21",
               "--source", source, "--split", "-o", str(data / "announcements") + "/")
    assert res.returncode == 0, res.stderr
    res = _run("check", str(data))
    assert res.returncode == 0, res.stderr
    history = load_history(data)
    latest = history.snapshot("latest")
    assert latest.has_edge("jiang-fan", "wu-yongming") and latest.has_edge("taotian-group", "ecommerce-business-group")


# --- pieces ----------------------------------------------------------------------------


@pytest.mark.parametrize("text, lang, ref, expected", [
    ("In September last year, Wu Yongming became the CEO", "en", dt.date(2024, 11, 21), "2023-09"),
    ("On December 6 last year, Ali announced", "en", dt.date(2022, 1, 7), "2021-12-06"),
    ("On January 6, Dai Shan issued an internal letter", "en", dt.date(2022, 1, 7), "2022-01-06"),
    ("Im September letzten Jahres übernahm Wu", "de", dt.date(2024, 11, 21), "2023-09"),
    ("am 21. November veröffentlichte", "de", dt.date(2024, 11, 21), "2024-11-21"),
    ("去年9月，吴泳铭出任CEO", "zh", dt.date(2024, 11, 21), "2023-09"),
    ("速卖通成立于2010年", "zh", None, "2010"),
])
def test_relative_dates(text, lang, ref, expected):
    assert find_date(text, lang, ref)[0] == expected


def test_new_ids_never_take_a_registry_id():
    from orgmodel.extract.resolve import Resolver

    resolver = Resolver(load_dataset(FIX / "data"), "zh")
    assert resolver.propose("李维", "person") == "li-wei"  # the registry's own Li Wei
    assert resolver.propose("黎伟", "person") == "li-wei-2"  # someone else whose pinyin is the same
    assert resolver.propose("黎伟", "person") == "li-wei-2"
    assert resolver.propose("北风云智事业群", "unit") == "bei-feng-yun-zhi-shi-ye-qun"


def test_same_input_gives_the_same_bytes():
    first, _ = draft_for("zh")
    second, _ = draft_for("zh")
    assert first.to_yaml() == second.to_yaml() and first.registry_yaml() == second.registry_yaml()


def test_cleaning_drops_markup_bylines_and_spam():
    text = ("Home | News | About\n<li id='x'><dl></dl></li>\nText | Peng Qian\n彭倩2024-11-21 17:44\n"
            "The board met today and agreed on a plan.\nRelated reading\nAnother story about things.\n")
    kept = [s.text for s in sentences(text, "en")]
    assert kept == ["The board met today and agreed on a plan."]
    assert detect_language("Die Gruppe ist nicht mit der Firma verbunden und das ist gut.") == "de"
    assert detect_language("北风集团宣布成立北风云智事业群，由张伟出任CEO。") == "zh"


def _run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "orgmodel", *args], cwd=cwd, capture_output=True, text=True)


def test_cli_writes_draft_and_registry_and_explains(tmp_path):
    out, reg = tmp_path / "draft.yaml", tmp_path / "registry-draft.yaml"
    res = _run("--data", str(FIX / "data"), "extract", str(FIX / "letter-en.txt"), "--date", "2025-03-03",
               "-o", str(out), "-r", str(reg), "--source", "letter-en", "--explain")
    assert res.returncode == 0, res.stderr
    assert "en.establish" in res.stdout and re.search(r"0\.\d\d  appoint\(person=ana-ruiz", res.stdout)
    doc = yaml.safe_load(out.read_text())
    assert doc["id"].startswith("2025-03-03-") and doc["sources"] == ["letter-en"] and doc["author"] == "tom-berg"
    assert all(c["evidence"] and "confidence" in c["note"] for c in doc["changes"])
    assert {p["id"] for p in yaml.safe_load(reg.read_text())["people"]} == {"ana-ruiz", "omar-haddad"}


def test_cli_bad_input_exits_2_without_traceback(tmp_path):
    res = _run("extract", str(tmp_path / "missing.txt"))
    assert res.returncode == 2 and "file not found" in res.stderr and "Traceback" not in res.stderr
    res = _run("extract", str(FIX / "letter-en.txt"), "--date", "2025-13-01")
    assert res.returncode == 2 and "Traceback" not in res.stderr
