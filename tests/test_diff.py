"""The diff on the seeds: content, golden output, CLI exit codes and colour."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from orgmodel.cli import cli
from orgmodel.diff import KINDS, Change, apply_diff, diff_refs, diff_snapshots, diff_versions, state_of
from orgmodel.diff_format import format_json, format_markdown, format_text
from orgmodel.history import load_history

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden" / "diff"
ORGMODEL = Path(sys.executable).parent / "orgmodel"
LATEST = "2024-11-21-ecommerce-business-group"
UPDATE = os.environ.get("ORGMODEL_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def history():
    return load_history(str(SEEDS))


def _snap(h, k):
    return h.snapshot(k) if k >= 0 else nx.DiGraph()


def _find(diff, kind, subject):
    found = [c for c in diff.changes if c.kind == kind and c.subject == subject]
    assert len(found) == 1, (kind, subject, [(c.kind, c.subject) for c in diff.changes])
    return found[0]


def _quotes(change):
    return {e["quote"] for e in change.evidence}


# ---------------------------------------------------------------- content on the seeds


def test_the_2024_announcement_reads_as_expected(history):
    d = diff_refs(history, LATEST)
    assert (d.from_version, d.to_version) == ("2023-09-wu-yongming-ceo", LATEST)
    assert all(e["announcement"] == LATEST for c in d.changes for e in c.evidence)

    ebg = _find(d, "unit_created", "ecommerce-business-group")
    assert ebg.after["parent"] == "alibaba-group" and ebg.category == "added"
    assert "the group has decided to establish the Alibaba E-commerce Business Group" in _quotes(ebg)

    ceo = _find(d, "appointed", "jiang-fan")
    assert ceo.after == {"title": "CEO", "head": True, "unit": "ecommerce-business-group"}
    assert "appointing Jiang Fan as the CEO, who will report to me" in _quotes(ceo)
    line = _find(d, "business_line_added", "jiang-fan")
    assert line.after == "wu-yongming"
    assert "appointing Jiang Fan as the CEO, who will report to me" in _quotes(line)
    _find(d, "person_joined", "jiang-fan")

    moved = _find(d, "unit_moved", "taotian-group")
    assert (moved.before, moved.after, moved.category) == ("alibaba-group", "ecommerce-business-group", "moved")
    integrate = ("The e-commerce business group will fully integrate the Taobao Tmall Group, the International "
                 "Digital Commerce Group, as well as e-commerce businesses such as 1688 and Xianyu")
    assert integrate in _quotes(moved)
    for unit in ("international-digital-commerce-group", "alibaba-1688", "xianyu"):
        c = _find(d, "unit_created", unit)
        assert c.after["parent"] == "ecommerce-business-group" and integrate in _quotes(c)

    lines = ("The finance and legal leaders of each business sector will report directly to the Group Chief "
             "Financial Officer Xu Hong and the Group Chief Legal Officer Yu Siying respectively.")
    fin = _find(d, "functional_line_added", "sector-finance-leads")
    legal = _find(d, "functional_line_added", "sector-legal-leads")
    assert (fin.after, fin.subject_type, legal.after) == ("xu-hong", "post", "yu-siying")
    assert lines in _quotes(fin) and lines in _quotes(legal)

    cfo = _find(d, "title_changed", "xu-hong")
    assert (cfo.before["title"], cfo.after["title"]) == ("Deputy CFO", "Group Chief Financial Officer")
    assert _quotes(cfo) == {"the Group Chief Financial Officer Xu Hong"}
    # Nothing else: Wu Yongming's posts, the other units and people are untouched.
    assert {c.subject for c in d.changes} == {
        "ecommerce-business-group", "international-digital-commerce-group", "alibaba-1688", "xianyu",
        "taotian-group", "jiang-fan", "xu-hong", "yu-siying", "sector-finance-leads", "sector-legal-leads"}


def test_every_pair_of_seed_versions(history):
    n = len(history)
    snaps = {k: _snap(history, k) for k in range(-1, n)}
    states = {k: state_of(g) for k, g in snaps.items()}
    for a in range(-1, n):
        for b in range(-1, n):
            d = diff_versions(history, a, b)
            assert d == diff_snapshots(snaps[a], snaps[b], history), (a, b)
            assert apply_diff(states[a], d) == states[b], (a, b)
            assert bool(d) == (a != b and states[a] != states[b])
            assert all(c.kind in KINDS and c.evidence for c in d.changes)
    assert not diff_versions(history, 4, 4)


def test_split_rename_and_merge_on_the_seeds(history):
    split = diff_refs(history, "2011-taobao-split")
    c = _find(split, "unit_split", "taobao")
    assert (c.before, c.after) == (["taobao"], ["taobao", "tmall", "yitao"])
    assert _find(split, "unit_created", "tmall").after["names"]["en"] == "Taobao Mall"

    rename = diff_refs(history, "2012-tmall-renamed")
    renamed = [(c.kind, c.before["en"], c.after["en"]) for c in rename.changes]
    assert renamed == [("unit_renamed", "Taobao Mall", "Tmall")]

    merge = diff_refs(history, "2022-01-06-taobao-tmall-centers")
    m = _find(merge, "units_merged", "user-operation-center")
    assert m.before == ["taobao", "tmall"] and "industry-operation-center" in m.after
    back = diff_versions(history, history.resolve("2022-01-06-taobao-tmall-centers"),
                         history.resolve("2022-01-06-taobao-tmall-centers") - 1)
    assert _find(back, "unit_split", "user-operation-center").after == ["taobao", "tmall"]


def test_the_first_version_is_compared_with_the_empty_organisation(history):
    d = diff_refs(history, "first")
    assert d.from_version is None
    assert {c.kind for c in d.changes} == {"unit_created"}
    assert d.to_json()["from"] is None


def test_diff_snapshots_alone_cites_the_graphs(history):
    a, b = history.resolve("2021-12-xu-hong-deputy-cfo"), history.resolve(LATEST)
    d = diff_snapshots(history.snapshot(a), history.snapshot(b))
    assert not any(c.kind in ("units_merged", "unit_split") for c in d.changes)
    with_history = diff_versions(history, a, b)

    def strip(cs):
        return [(c.kind, c.subject, c.before, c.after) for c in cs if c.kind not in ("units_merged", "unit_split")]

    assert strip(d.changes) == strip(with_history.changes)
    left = _find(d, "unit_dissolved", "taobao")
    assert left.evidence and left.evidence[0]["announcement"] == "2011-taobao-split"


def test_change_json_and_mirror():
    c = Change("unit_moved", "x", "unit", "a", "b", ({"announcement": "v", "source": "s", "quote": "q"},), ("a", "b"))
    assert c.to_json() == {"kind": "unit_moved", "subject": "x", "subject_type": "unit", "before": "a", "after": "b",
                           "related": ["a", "b"], "evidence": [{"announcement": "v", "source": "s", "quote": "q"}]}
    assert c.mirror().mirror() == c
    assert len({c, c.mirror().mirror(), c.mirror()}) == 2
    assert Change("person_joined", "p", "person").mirror().kind == "person_left"
    assert "before" not in Change("person_joined", "p", "person").to_json()
    for kind, (category, mirror, meaning) in KINDS.items():
        assert category in ("added", "removed", "moved", "changed") and KINDS[mirror][1] == kind and meaning


# ---------------------------------------------------------------- golden output


CASES = {
    "latest": ["diff", "latest"],
    "range-2021-2024": ["diff", "2021-12-xu-hong-deputy-cfo", LATEST],
    "first": ["diff", "first"],
    "merge": ["diff", "2022-01-06-taobao-tmall-centers"],
    "rename": ["diff", "2012-tmall-renamed"],
}
FORMATS = {"text": ".txt", "markdown": ".md", "json": ".json"}


def _run(args):
    result = CliRunner().invoke(cli, ["--data", str(SEEDS), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case, fmt):
    out = _run(CASES[case] + ["--format", fmt])
    path = GOLDEN / f"{case}{FORMATS[fmt]}"
    if UPDATE:
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")
    assert "\x1b[" not in out


def test_golden_in_chinese():
    out = _run(["diff", "latest", "--format", "markdown", "--lang", "zh"])
    path = GOLDEN / "latest-zh.md"
    if UPDATE:
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")
    assert "**蒋凡**: joined as CEO of 阿里巴巴电商事业群; reports to 吴泳铭" in out


def test_json_output_is_the_contract(history):
    data = json.loads(_run(["diff", "latest", "--format", "json"]))
    assert set(data) == {"from", "to", "changes", "names"}
    for c in data["changes"]:
        assert {"kind", "subject", "subject_type", "evidence"} <= set(c) <= {
            "kind", "subject", "subject_type", "before", "after", "related", "evidence"}
        assert c["kind"] in KINDS
        for e in c["evidence"]:
            assert set(e) == {"announcement", "source", "quote"}
        for ident in [c["subject"], *c.get("related", [])]:
            assert ident in data["names"]
    assert data == diff_refs(history, "latest").to_json()


def test_text_reads_like_a_changelog(history):
    out = format_text(diff_refs(history, "latest"), history)
    assert "+ Alibaba E-commerce Business Group: created under Alibaba Group\n" in out
    assert "+ Jiang Fan: joined as CEO of Alibaba E-commerce Business Group; reports to Wu Yongming\n" in out
    assert "~ Taotian Group: moved from Alibaba Group to Alibaba E-commerce Business Group\n" in out
    assert "~ Xu Hong: title in Alibaba Group changed from Deputy CFO to Group Chief Financial Officer\n" in out
    assert "+ Finance leaders of each business sector: dotted (functional) line to Xu Hong\n" in out
    assert "      (36kr-2024-11-21-en, 2024-11-21-ecommerce-business-group)\n" in out
    units = [line for line in out.splitlines() if line.startswith(("+", "~", "-"))]
    assert units.index("+ Alibaba E-commerce Business Group: created under Alibaba Group") < units.index(
        "+ Xianyu: first recorded under Alibaba E-commerce Business Group")


def test_markdown_escapes_names():
    from orgmodel.diff import SnapshotDiff

    created = Change("unit_created", "u", "unit", None, {"names": {"en": "A*B_[x]"}, "parent": None},
                     ({"announcement": "v1", "source": "s", "quote": "say <b>"},))
    d = SnapshotDiff("v0", "v1", [created], {"u": {"en": "A*B_[x]"}})
    md = format_markdown(d)
    assert "**A\\*B\\_\\[x\\]**: created" in md and "say \\<b\\>" in md
    assert format_json(d).endswith("\n") and json.loads(format_json(d))["names"] == {"u": {"en": "A*B_[x]"}}


# ---------------------------------------------------------------- exit codes and colour


def _cli(*args, env=None):
    return subprocess.run([str(ORGMODEL), "--data", str(SEEDS), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=60)


def test_exit_codes():
    assert _cli("diff", "latest").returncode == 0
    changed = _cli("diff", "latest~1", "latest", "--exit-code")
    assert changed.returncode == 1 and changed.stdout.startswith("2023-09-wu-yongming-ceo")
    same = _cli("diff", "latest", LATEST, "--exit-code")
    assert (same.returncode, same.stdout) == (0, f"{LATEST} (2024-11-21) -> {LATEST} (2024-11-21): no changes\n")
    bad = _cli("diff", "no-such-version", "--exit-code")
    assert bad.returncode == 2 and "unknown version 'no-such-version'" in bad.stderr and "Traceback" not in bad.stderr
    first = _cli("diff", "first~1")
    assert first.returncode == 2 and "Traceback" not in first.stderr
    usage = _cli("diff")
    assert usage.returncode == 2 and "Missing argument" in usage.stderr


def test_colour_flags():
    plain = _run(["diff", "latest"])
    coloured = _run(["diff", "latest", "--color"])
    assert "\x1b[32mcreated under Alibaba Group\x1b[0m" in coloured
    assert "\x1b[" not in plain and "\x1b[" not in _run(["diff", "latest", "--no-color"])
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    assert "\x1b[" not in _cli("diff", "latest").stdout  # piped: no colour


def _on_terminal(*args, env=None):
    """Run the CLI with stdout on a pseudo-terminal; return what it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([str(ORGMODEL), "--data", str(SEEDS), *args], stdout=follower, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_colour_on_a_terminal_and_no_color():
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert "\x1b[32m" in _on_terminal("diff", "latest", env={**env, "NO_COLOR": ""})
    assert "\x1b[" not in _on_terminal("diff", "latest", env={"NO_COLOR": "1"})
    assert "\x1b[32m" in _on_terminal("diff", "latest", "--color", env={"NO_COLOR": "1"})


def test_docs_list_every_kind_with_its_category():
    text = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (added|removed|moved|changed) \|", text, flags=re.M))
    assert rows == {kind: category for kind, (category, _, _) in KINDS.items()}
