"""The data model, loading, snapshots, refs and the core commands, on the seeds
and on small data folders written for each case."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orgmodel import model as m
from orgmodel.errors import InputError, RefError
from orgmodel.history import History, load_history
from orgmodel.load import load_dataset
from orgmodel.report import log_entries, snapshot_json

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orgmodel", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def seeds() -> History:
    return load_history(SEEDS)


# ---------------------------------------------------------------- a small data folder per case

SOURCE_TEXT = """Acme Group letter.
We are establishing Acme Platforms, led by Ana Ruiz as CEO, who will report to Tom Berg.
Tom Berg is CEO of Acme Group. Li Wei is the Group CFO.
Acme Retail moves into Acme Platforms. Ana reports to Li. Li reports to Ana.
Tom reports to Tom. Acme Retail was closed. Acme Retail reopened.
"""

REGISTRY = """
people:
  - {id: tom-berg, names: {en: Tom Berg, zh: 汤姆}, aliases: [Tommy]}
  - {id: ana-ruiz, names: {en: Ana Ruiz}}
  - {id: li-wei, names: {en: Li Wei, zh: 李伟}}
units:
  - {id: acme-group, names: {en: Acme Group}}
  - {id: acme-platforms, names: {en: Acme Platforms}}
  - {id: acme-retail, names: {en: Acme Retail}, aliases: [Retail]}
posts:
  - {id: finance-leads, names: {en: Finance leaders}, collective: true}
"""

BASE = """
id: 2025-01-01-base
date: 2025-01-01
title: Acme as it stands
sources: [letter]
changes:
  - record_unit: {unit: acme-group}
    evidence: {source: letter, quote: "Acme Group letter."}
  - record_unit: {unit: acme-retail, parent: acme-group}
    evidence: {source: letter, quote: "Acme Retail moves into Acme Platforms."}
  - appoint: {person: tom-berg, title: CEO, unit: acme-group, head: true}
    evidence: {source: letter, quote: "Tom Berg is CEO of Acme Group."}
  - appoint: {person: li-wei, title: Group CFO, unit: acme-group, reports_to: tom-berg}
    evidence: {source: letter, quote: "Li Wei is the Group CFO."}
"""


def make_folder(tmp: Path, *announcements: str, registry: str = REGISTRY, text: str = SOURCE_TEXT) -> Path:
    root = tmp / "data"
    (root / "announcements").mkdir(parents=True)
    (root / "sources").mkdir()
    (root / "sources" / "letter.txt").write_text(text, encoding="utf-8")
    (root / "sources.yaml").write_text(textwrap.dedent("""
        sources:
          - {id: letter, file: sources/letter.txt, language: en, title: Letter, published: 2025-03-03}
    """), encoding="utf-8")
    (root / "registry.yaml").write_text(registry, encoding="utf-8")
    for i, ann in enumerate(announcements):
        (root / "announcements" / f"{i:02d}.yaml").write_text(textwrap.dedent(ann), encoding="utf-8")
    return root


def change(body: str, quote: str = "Acme Group letter.") -> str:
    return f"  - {body}\n    evidence: {{source: letter, quote: \"{quote}\"}}\n"


def ann(ident: str, date: str, *changes: str) -> str:
    return f"id: {ident}\ndate: {date}\ntitle: {ident}\nsources: [letter]\nchanges:\n" + "".join(changes)


def problems_of(root: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_history(root)
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------- the seeds


def test_seeds_load_and_every_quote_is_verified(seeds: History) -> None:
    ds = seeds.dataset
    assert len(seeds.versions) >= 12
    quotes = [(e.source, e.quote) for v in seeds.versions for c in v.announcement.changes for e in c.evidence]
    assert len(quotes) > 50
    from orgmodel.load import fold

    for source, quote in quotes:
        assert fold(quote) in ds.source_texts[source]


def test_seed_versions_are_in_date_order_with_precision(seeds: History) -> None:
    entries = log_entries(seeds)
    starts = [m.parse_date(e["date"])[0] for e in entries]
    assert starts == sorted(starts)
    by_id = {e["id"]: e for e in entries}
    assert by_id["2023-09-wu-yongming-ceo"]["precision"] == "month"
    assert by_id["2021-12-06-china-digital-commerce"]["precision"] == "day"
    assert by_id["2011-taobao-split"]["precision"] == "year"
    assert by_id["2013-aliexpress-russia"]["approximate"] is True
    assert by_id["2024-11-21-ecommerce-business-group"]["sources"] == [
        "36kr-2024-11-21-ecommerce-en.txt", "36kr-2024-11-21-ecommerce-de.txt"]


def test_one_announcement_reported_in_two_languages(seeds: History) -> None:
    a = seeds.version("2024-11-21-ecommerce-business-group").announcement
    assert set(a.sources) == {"36kr-2024-11-21-en", "36kr-2024-11-21-de"}
    cited = {e.source for c in a.changes for e in c.evidence}
    assert cited == set(a.sources)


def test_latest_snapshot_has_the_2024_structure(seeds: History) -> None:
    g = seeds.snapshot("latest")
    assert g.graph["version"] == "2024-11-21-ecommerce-business-group"
    assert g.edges["jiang-fan", "ecommerce-business-group"] == g.edges["jiang-fan", "ecommerce-business-group"]
    assert g.edges["jiang-fan", "ecommerce-business-group"]["kind"] == "heads"
    assert g.edges["jiang-fan", "ecommerce-business-group"]["title"] == "CEO"
    assert g.edges["jiang-fan", "wu-yongming"] | {} and g.edges["jiang-fan", "wu-yongming"]["line"] == "business"
    for unit in ("taotian-group", "international-digital-commerce-group", "alibaba-1688", "xianyu"):
        assert g.edges[unit, "ecommerce-business-group"]["kind"] == "part_of"
    assert g.edges["sector-finance-leads", "xu-hong"]["line"] == "functional"
    assert g.edges["sector-legal-leads", "yu-siying"]["line"] == "functional"
    assert g.nodes["sector-finance-leads"]["type"] == "post"
    heads = [u for _, u, d in g.out_edges("wu-yongming", data=True) if d["kind"] == "heads"]
    assert sorted(heads) == ["alibaba-group", "cloud-intelligence-group", "taotian-group"]
    # Journalists and outside bodies are not members of the organisation.
    assert "peng-qian" not in g


def test_rename_and_split_over_time(seeds: History) -> None:
    g2011 = seeds.snapshot("2011")
    assert g2011.nodes["tmall"]["names"]["en"] == "Taobao Mall"
    assert g2011.nodes["tmall"]["names"]["zh"] == "淘宝商城"
    g2012 = seeds.snapshot("2012")
    assert g2012.nodes["tmall"]["name"] == "Tmall"
    assert g2012.nodes["tmall"]["names"]["zh"] == "天猫"
    events = seeds.events[seeds.resolve("2011-taobao-split")]
    assert [(e.kind, e.units, e.into) for e in events] == [("split", ("taobao",), ("taobao", "tmall", "yitao"))]
    g2022 = seeds.snapshot("2022-01-06-taobao-tmall-centers")
    assert "taobao" not in g2022 and "tmall" not in g2022


def test_a_new_head_replaces_the_old_one(seeds: History) -> None:
    before = seeds.snapshot("2013-aliexpress-russia")
    after = seeds.snapshot("2017-aliexpress-wang-mingqiang")
    assert before.edges["shen-difan", "aliexpress"]["kind"] == "heads"
    assert "shen-difan" not in after
    assert after.edges["wang-mingqiang", "aliexpress"]["kind"] == "heads"


def test_graph_attributes(seeds: History) -> None:
    g = seeds.snapshot("2023-09")
    assert g.graph["version"] == "2023-09-wu-yongming-ceo"
    assert g.graph["date"] == "2023-09" and g.graph["precision"] == "month"
    assert g.graph["title"].startswith("Wu Yongming becomes CEO")
    for _, _, d in g.edges(data=True):
        assert d["kind"] in {"part_of", "heads", "holds", "reports_to", "member_of"}
        assert d["evidence"] and all({"announcement", "source", "quote"} <= set(e) for e in d["evidence"])


# ---------------------------------------------------------------- aliases and names


@pytest.mark.parametrize("text, expected", [
    ("Sihan", "wang-mingqiang"),
    ("王明强", "wang-mingqiang"),
    ("sihan", "wang-mingqiang"),
    ("blowing snow", "chuixue"),
    ("Daishan", "dai-shan"),
    ("Taobao Tmall Group", "taotian-group"),
    ("淘天集团", "taotian-group"),
    ("Taobao-Tmall-Gruppe", "taotian-group"),
    ("Idle Fish", "xianyu"),
    ("all ball express", "aliexpress"),
    ("速卖通", "aliexpress"),
    ("Taobao Mall", "tmall"),
    ("  Alibaba   Group ", "alibaba-group"),
    ("jiang-fan", "jiang-fan"),
])
def test_names_and_aliases_resolve_to_one_entity(seeds: History, text: str, expected: str) -> None:
    assert seeds.dataset.resolve_name(text) == expected


def test_unknown_name_does_not_resolve(seeds: History) -> None:
    assert seeds.dataset.resolve_name("Peng Qian") is None


def test_display_name_falls_back_to_english() -> None:
    assert m.display_name({"en": "Xuande"}, "zh") == "Xuande"
    assert m.display_name({"zh": "吹雪", "en": "Chuixue"}, "zh") == "吹雪"
    assert m.display_name({"de": "Nur Deutsch"}, "zh") == "Nur Deutsch"


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize("text, start, precision, end", [
    ("2024-11-21", "2024-11-21", "day", "2024-11-21"),
    ("2023-09", "2023-09-01", "month", "2023-09-30"),
    ("2024-02", "2024-02-01", "month", "2024-02-29"),
    ("2023-12", "2023-12-01", "month", "2023-12-31"),
    ("2011", "2011-01-01", "year", "2011-12-31"),
])
def test_dates_keep_their_precision(text: str, start: str, precision: str, end: str) -> None:
    first, prec = m.parse_date(text)
    assert (first.isoformat(), prec, m.period_end(text).isoformat()) == (start, precision, end)


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-13", "23-01-01", "2023/01/01", "September 2023"])
def test_impossible_dates_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        m.parse_date(bad)


def test_yaml_dates_of_every_form_are_accepted(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE,
                       ann("y", "2026", change("appoint: {person: ana-ruiz, title: CEO, unit: acme-group}")),
                       ann("mo", "'2025-06'", change("appoint: {person: ana-ruiz, title: COO, unit: acme-group}")))
    h = load_history(root)
    assert [(v.id, v.announcement.precision) for v in h.versions] == [
        ("2025-01-01-base", "day"), ("mo", "month"), ("y", "year")]


def test_approximate_dates_sort_after_exact_ones_of_the_same_year(seeds: History) -> None:
    ids = [v.id for v in seeds.versions]
    assert ids.index("2017-dai-shan-b2b") < ids.index("2017-aliexpress-wang-mingqiang")


# ---------------------------------------------------------------- refs


@pytest.mark.parametrize("ref, expected", [
    ("latest", "2024-11-21-ecommerce-business-group"),
    ("HEAD", "2024-11-21-ecommerce-business-group"),
    ("first", "2010-aliexpress-founded"),
    ("latest~1", "2023-09-wu-yongming-ceo"),
    ("latest~", "2023-09-wu-yongming-ceo"),
    ("latest~3", "2021-12-06-china-digital-commerce"),
    ("2012-tmall-renamed", "2012-tmall-renamed"),
    ("2012-tmall-renamed~1", "2011-taobao-split"),
    ("2015-sihan", "2015-sihan-taobao"),
    ("2021-12-05", "2021-12-xu-hong-deputy-cfo"),
    ("2021-12-06", "2021-12-06-china-digital-commerce"),
    ("2022", "2022-01-06-taobao-tmall-centers"),
    ("2023-10", "2023-09-wu-yongming-ceo"),
    ("2016", "2015-sihan-taobao"),
    ("2030-01-01", "2024-11-21-ecommerce-business-group"),
])
def test_refs_resolve_like_git(seeds: History, ref: str, expected: str) -> None:
    assert seeds.versions[seeds.resolve(ref)].id == expected


@pytest.mark.parametrize("ref, message", [
    ("nosuch", "unknown version"),
    ("20", "ambiguous"),
    ("latest~40", "goes back"),
    ("2009", "no version is in force"),
    ("2023-02-30", "not a real date"),
])
def test_bad_refs_say_what_is_wrong(seeds: History, ref: str, message: str) -> None:
    with pytest.raises(RefError) as info:
        seeds.resolve(ref)
    assert message in str(info.value)


# ---------------------------------------------------------------- invariants, each with a failing folder


def test_a_valid_small_folder_loads(tmp_path: Path) -> None:
    h = load_history(make_folder(tmp_path, BASE))
    g = h.snapshot("latest")
    assert g.edges["li-wei", "tom-berg"]["line"] == "business"


def test_reporting_cycle_is_printed(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann(
        "cycle", "2025-02-01",
        change("appoint: {person: ana-ruiz, title: COO, unit: acme-group, reports_to: li-wei}", "Ana reports to Li."),
        change("reports_to: {person: tom-berg, to: ana-ruiz}", "Ana reports to Li.")))
    (msg,) = problems_of(root)
    assert "announcements/01.yaml:" in msg
    assert "reporting cycle: tom-berg -> ana-ruiz -> li-wei -> tom-berg" in msg


def test_reporting_to_oneself_is_an_error(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann("self", "2025-02-01",
                                           change("reports_to: {person: tom-berg, to: tom-berg}", "Tom reports to Tom.")))
    (msg,) = problems_of(root)
    assert "cannot report to themselves" in msg and "01.yaml:6" in msg


def test_two_parents_at_once_is_an_error_naming_both(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann(
        "two", "2025-02-01",
        change("create_unit: {unit: acme-platforms, parent: acme-group}"),
        change("move_unit: {unit: acme-retail, parent: acme-platforms}"),
        change("move_unit: {unit: acme-retail, parent: acme-group}")))
    (msg,) = problems_of(root)
    assert "contradicts" in msg and "01.yaml:8" in msg and "01.yaml:10" in msg
    assert "'acme-platforms'" in msg and "'acme-group'" in msg


def test_unit_under_its_own_descendant_is_an_error(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann(
        "loop", "2025-02-01",
        change("create_unit: {unit: acme-platforms, parent: acme-retail}"),
        change("move_unit: {unit: acme-retail, parent: acme-platforms}")))
    (msg,) = problems_of(root)
    assert "own descendant" in msg and "acme-retail -> acme-platforms -> acme-retail" in msg


def test_unknown_id_names_the_line_and_suggests(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann("typo", "2025-02-01",
                                           change("appoint: {person: ana-ruis, title: CEO, unit: acme-group}")))
    (msg,) = problems_of(root)
    assert "01.yaml:6" in msg and "unknown person 'ana-ruis'" in msg and "did you mean 'ana-ruiz'" in msg


def test_a_name_instead_of_an_id_is_explained(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann("name", "2025-02-01",
                                           change("appoint: {person: Tommy, title: CEO, unit: acme-group}")))
    (msg,) = problems_of(root)
    assert "'Tommy' is a name of 'tom-berg': use the id" in msg


def test_reference_to_a_dissolved_unit(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE,
                       ann("close", "2025-02-01", change("dissolve_unit: {unit: acme-retail}", "Acme Retail was closed.")),
                       ann("use", "2025-03-01", change("appoint: {person: ana-ruiz, title: CEO, unit: acme-retail}")))
    (msg,) = problems_of(root)
    assert "02.yaml" in msg and "was dissolved by close" in msg


def test_reference_before_creation(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE,
                       ann("use", "2025-02-01", change("appoint: {person: ana-ruiz, title: CEO, unit: acme-platforms}")),
                       ann("make", "2025-03-01", change("create_unit: {unit: acme-platforms, parent: acme-group}")))
    (msg,) = problems_of(root)
    assert "does not exist yet on 2025-02-01" in msg and "first created by make" in msg


def test_a_dissolved_unit_can_be_created_again(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE,
                       ann("close", "2025-02-01", change("dissolve_unit: {unit: acme-retail}", "Acme Retail was closed.")),
                       ann("open", "2025-03-01", change("create_unit: {unit: acme-retail, parent: acme-group}",
                                                         "Acme Retail reopened.")))
    h = load_history(root)
    assert "acme-retail" not in h.snapshot("close") and "acme-retail" in h.snapshot("open")


def test_quote_not_in_source_names_file_line_and_quote(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann("q", "2025-02-01",
                                           change("appoint: {person: ana-ruiz, title: CEO, unit: acme-group}",
                                                  "Tom Berg is CEO of Acme Corp.")))
    (msg,) = problems_of(root)
    assert "01.yaml:7:" in msg and "quote not found" in msg and "Tom Berg is CEO of Acme Corp." in msg
    assert "first 24 characters" in msg


def test_quotes_match_across_folded_white_space(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann("ws", "2025-02-01",
                                           change("appoint: {person: ana-ruiz, title: CEO, unit: acme-group}",
                                                  "led by   Ana Ruiz as CEO,\\n who will report")))
    load_history(root)


def test_manager_must_hold_a_post(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann("m", "2025-02-01",
                                           change("appoint: {person: li-wei, title: CFO, unit: acme-group, reports_to: ana-ruiz}")))
    (msg,) = problems_of(root)
    assert "reports to 'ana-ruiz', who holds no post" in msg


def test_same_date_contradiction_names_both_announcements(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE,
                       ann("a", "2025-02-01", change("create_unit: {unit: acme-platforms, parent: acme-group}"),
                           change("move_unit: {unit: acme-retail, parent: acme-platforms}")),
                       ann("b", "2025-02-01", change("move_unit: {unit: acme-retail, parent: acme-group}")))
    (msg,) = problems_of(root)
    assert "02.yaml" in msg and "announcement a of the same date" in msg and "01.yaml:8" in msg


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE,
                       ann("x", "2025-02-01", change("appoint: {person: nobody, title: CEO, unit: acme-group}")),
                       ann("y", "2025-02-02", change("join: {person: ana-ruiz, unit: nowhere}")),
                       "id: z\ndate: 2025-02-03\ntitle: z\nsources: [letter]\nchanges:\n  - reprots_to: {person: ana-ruiz}\n")
    problems = problems_of(root)
    text = "\n".join(problems)
    assert len(problems) == 3, text
    assert "unknown person 'nobody'" in text and "unknown unit 'nowhere'" in text
    assert "03.yaml:6" in text


def test_unknown_field_is_caught_with_a_suggestion(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann("f", "2025-02-01",
                                           change("appoint: {person: ana-ruiz, title: CEO, unit: acme-group, reprots_to: tom-berg}")))
    (msg,) = problems_of(root)
    assert "unknown field 'reprots_to'" in msg and "did you mean 'reports_to'" in msg and "01.yaml:6" in msg


def test_alias_shared_by_two_entities(tmp_path: Path) -> None:
    reg = REGISTRY.replace("{id: li-wei, names: {en: Li Wei, zh: 李伟}}", "{id: li-wei, names: {en: Li Wei}, aliases: [Tommy]}")
    with pytest.raises(InputError) as info:
        load_dataset(make_folder(tmp_path, BASE, registry=reg))
    (problem,) = info.value.problems
    assert "'Tommy' of 'li-wei' is already a name of 'tom-berg'" in str(problem)
    assert problem.file.endswith("registry.yaml") and problem.line == 5


# ---------------------------------------------------------------- JSON contracts and the CLI


def test_log_json_contract() -> None:
    proc = run_cli("log", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    for entry in data:
        assert set(entry) == {"id", "date", "precision", "approximate", "title", "sources", "changes"}
        assert isinstance(entry["changes"], int) and entry["changes"] > 0
        assert all(s.endswith(".txt") for s in entry["sources"])


def test_show_json_contract(seeds: History) -> None:
    proc = run_cli("show", "latest", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data == snapshot_json(seeds.snapshot("latest"))
    assert set(data) == {"version", "date", "nodes", "edges"}
    ids = {n["id"] for n in data["nodes"]}
    for node in data["nodes"]:
        assert set(node) == {"id", "type", "name", "names", "aliases"}
        assert node["type"] in {"person", "unit", "post"}
    for edge in data["edges"]:
        assert {"source", "target", "kind", "evidence"} <= set(edge) <= {"source", "target", "kind", "line", "title", "evidence"}
        assert edge["source"] in ids and edge["target"] in ids
        assert ("line" in edge) == (edge["kind"] == "reports_to")
        assert edge["evidence"]
    assert any(e["kind"] == "reports_to" and e["line"] == "functional" for e in data["edges"])


def test_show_text_is_a_tree_in_the_chosen_language() -> None:
    proc = run_cli("show", "latest", "--lang", "zh")
    assert proc.returncode == 0, proc.stderr
    assert "阿里巴巴集团 (group)" in proc.stdout
    assert "    * CEO: 蒋凡  [reports to 吴泳铭]" in proc.stdout
    assert "Xuande" in proc.stdout  # no Chinese name known: falls back to English


def test_check_cli_ok_and_error() -> None:
    ok = run_cli("check", "seeds")
    assert ok.returncode == 0 and ok.stdout.startswith("ok: 12 announcements")


def test_check_cli_bad_folder_exits_2_without_traceback(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann("self", "2025-02-01",
                                           change("reports_to: {person: tom-berg, to: tom-berg}", "Tom reports to Tom.")))
    proc = run_cli("--data", str(root), "check")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "01.yaml:6:" in proc.stderr and "cannot report to themselves" in proc.stderr


def test_history_cli_with_alias_and_quotes() -> None:
    proc = run_cli("history", "Sihan")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Wang Mingqiang (person wang-mingqiang)")
    assert "“阿里巴巴全球速卖通(Aliexpress)总经理王明强” [aliexpress-double11-zh]" in proc.stdout
    assert "- Wang Mingqiang: General Manager of AliExpress (head)" in proc.stdout
    bad = run_cli("history", "Nobody Known")
    assert bad.returncode == 2 and "no person, unit or post is called 'Nobody Known'" in bad.stderr


def test_show_bad_ref_exits_2() -> None:
    proc = run_cli("show", "nosuch")
    assert proc.returncode == 2 and "unknown version 'nosuch'" in proc.stderr and "Traceback" not in proc.stderr


def test_committed_schemas_are_current() -> None:
    from orgmodel.schemas import KINDS, schema_text

    for kind in KINDS:
        assert (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8") == schema_text(kind), (
            f"run: orgmodel schema {kind} > schemas/{kind}.schema.json")


def test_seed_files_point_editors_at_the_schema() -> None:
    for path in sorted((SEEDS / "announcements").glob("*.yaml")):
        assert path.read_text(encoding="utf-8").startswith(
            "# yaml-language-server: $schema=../../schemas/announcement.schema.json"), path
    assert (SEEDS / "registry.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schemas/registry.schema.json")


def test_merging_a_unit_into_itself_is_an_error(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann("m", "2025-02-01",
                                           change("merge_units: {units: [acme-retail], into: acme-retail}")))
    (msg,) = problems_of(root)
    assert "01.yaml:6" in msg and "not also its target" in msg


def test_merge_keeps_a_target_listed_among_the_units(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE, ann(
        "m", "2025-02-01",
        change("create_unit: {unit: acme-platforms, parent: acme-group}"),
        change("merge_units: {units: [acme-platforms, acme-retail], into: acme-platforms}")))
    g = load_history(root).snapshot("latest")
    assert "acme-platforms" in g and "acme-retail" not in g


def test_a_folder_without_announcements_is_an_error(tmp_path: Path) -> None:
    root = make_folder(tmp_path, BASE)
    (root / "announcements" / "00.yaml").unlink()
    (root / "announcements").rmdir()
    with pytest.raises(InputError) as info:
        load_dataset(root)
    assert "announcements/ is missing" in str(info.value)
