"""``orgmodel build`` and the chart commands, run for real."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from orgmodel.build import build_all
from orgmodel.history import load_history

ROOT = Path(__file__).resolve().parent.parent


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_committed_charts_are_what_build_makes(tmp_path):
    """charts/ in the repository is exactly what `orgmodel build` writes from seeds/."""
    committed = ROOT / "charts"
    result = build_all(load_history(str(ROOT / "seeds")), tmp_path / "charts")
    assert not result.removed
    fresh = files(tmp_path / "charts")
    assert sorted(fresh) == sorted(files(committed)), "run `orgmodel build` and commit charts/"
    different = [name for name, data in fresh.items() if (committed / name).read_bytes() != data]
    assert not different, f"charts/ is out of date (run `orgmodel build`): {different[:5]}"


def test_build_layout_and_rerun(make_dataset, tmp_path):
    history = load_history(str(make_dataset()))
    out = tmp_path / "charts"
    first = build_all(history, out)
    ids = [v.id for v in history.versions]
    expected = {f"{i}.svg" for i in ids} | {"README.md"}
    expected |= {f"diffs/{i}/{n}.svg" for i in ids[1:] for n in ("before", "after", "diff")}
    assert set(files(out)) == expected
    assert {p.relative_to(out).as_posix() for p in first.written} == expected
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    again = build_all(history, out)
    assert again.written == [] and not again.removed
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == stamps


def test_readme_index(make_dataset, tmp_path):
    history = load_history(str(make_dataset()))
    out = tmp_path / "charts"
    build_all(history, out)
    text = (out / "README.md").read_text(encoding="utf-8")
    for v in history.versions:
        assert f"Version `{v.id}`." in text
        assert f"## {v.announcement.date}: {v.announcement.title}" in text
    for link in re.findall(r"\]\(([^)#]+\.svg)\)", text):
        assert (out / link).is_file(), link
    assert "letter-2025.txt" in text
    # the change summary of the second version comes from the diff
    second = text.split(f"Version `{history.versions[1].id}`.")[1].split("Version `")[0]
    assert "What changed since" in second and "Platforms" in second and "\u201c" in second


def test_stale_charts_removed_other_files_kept(make_dataset, tmp_path):
    history = load_history(str(make_dataset()))
    out = tmp_path / "charts"
    build_all(history, out)
    old = out / "diffs" / "gone-version"
    old.mkdir(parents=True)
    (old / "diff.svg").write_bytes((out / "diffs" / history.versions[1].id / "diff.svg").read_bytes())
    (out / "gone.svg").write_bytes((out / f"{history.versions[0].id}.svg").read_bytes())
    (out / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (out / "notes.md").write_text("mine")
    result = build_all(history, out)
    assert sorted(p.name for p in result.removed) == ["diff.svg", "gone.svg"]
    assert not old.exists()
    assert (out / "logo.svg").exists() and (out / "notes.md").exists()


def test_cli_render_formats(make_dataset, run_orgmodel, tmp_path):
    data = make_dataset()
    svg = tmp_path / "org.svg"
    proc = run_orgmodel("--data", data, "render", "latest", "-o", svg)
    assert proc.returncode == 0, proc.stderr
    assert b'role="img"' in svg.read_bytes()
    proc = run_orgmodel("--data", data, "render", "first", "--format", "dot")
    assert proc.returncode == 0 and proc.stdout.startswith("digraph orgchart {")
    check = subprocess.run(["dot", "-Tsvg"], input=proc.stdout.encode(), capture_output=True)
    assert check.returncode == 0
    pdf = tmp_path / "org.pdf"
    assert run_orgmodel("--data", data, "render", "latest", "-o", pdf).returncode == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_cli_render_diff(make_dataset, run_orgmodel, tmp_path):
    data = make_dataset()
    proc = run_orgmodel("--data", data, "render-diff", "latest", "-o", tmp_path / "d")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["after.svg", "before.svg", "diff.svg"]


@pytest.mark.parametrize("args, message", [
    (["render", "latest", "--focus", "no-such-unit", "-o", "x.svg"], "no-such-unit"),
    (["render", "nope", "-o", "x.svg"], "nope"),
    (["render", "latest", "-o", "x.gif"], "format"),
    (["render-diff", "first", "-o", "out"], "first version"),
])
def test_cli_errors_exit_2_without_traceback(make_dataset, run_orgmodel, tmp_path, args, message):
    data = make_dataset()
    proc = run_orgmodel("--data", data, *[str(tmp_path / a) if a in ("x.svg", "x.gif", "out") else a for a in args])
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_cli_build_quiet_when_piped(make_dataset, run_orgmodel, tmp_path):
    data = make_dataset()
    out = tmp_path / "c"
    proc = run_orgmodel("--data", data, "build", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.strip().endswith("0 removed") and "written" in proc.stdout
    proc = run_orgmodel("--data", data, "--quiet", "build", "-o", out)
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""


# ------------------------------------------------------------------ focused diffs of a large organisation


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory):
    """A generated organisation of 3,000 people and 30 announcements (valid by construction)."""
    import os
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    root = tmp_path_factory.mktemp("large")
    generate(root / "data", 3000, 30, seed=5)
    old = os.environ.get("ORGMODEL_CACHE_DIR")
    os.environ["ORGMODEL_CACHE_DIR"] = str(root / "cache")
    try:
        return load_history(str(root / "data"))
    finally:
        if old is None:
            del os.environ["ORGMODEL_CACHE_DIR"]
        else:
            os.environ["ORGMODEL_CACHE_DIR"] = old


def whole_union_chart(history, a: int, b: int):
    """The diff chart as drawn from both whole snapshots (the reference the focused one must equal)."""
    from orgmodel import chart
    from orgmodel.build import _lookup_diff, source_labels

    sd = _lookup_diff(history, a, b)
    return chart.diff_chart(history.snapshot(a), history.snapshot(b), sources=source_labels(history),
                            changes=sd.changes)


def svg_by_meaning(data: bytes) -> dict[str, tuple]:
    """Every element of an SVG with an id: its title, its tooltips and the coordinates it is drawn at."""
    import xml.etree.ElementTree as ET

    svg, xlink = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}"
    found = {}
    for el in ET.fromstring(data).iter():
        eid = el.get("id")
        if not eid:
            continue
        title = el.find(f"{svg}title")
        tips = tuple(a.get(f"{xlink}title") for a in el.iter(f"{svg}a"))
        coords = tuple(c.get(attr) for c in el.iter() for attr in ("points", "d", "x", "y") if c.get(attr))
        found[eid] = (title.text if title is not None else None, tips, coords)
    return found


def test_focused_context_is_the_whole_unions_context(large):
    """For every pair, the context found from the facts is what the whole union would keep."""
    from orgmodel import chart, chart_union

    pairs = [(k - 1, k) for k in range(1, len(large))] + [(0, len(large) - 1), (len(large) - 1, 3)]
    focused = 0
    for a, b in pairs:
        u = chart.union(large.snapshot(a), large.snapshot(b))
        expected = chart.context_nodes(u)
        got = chart_union.diff_context(large, a, b)
        assert got == expected, (a, b)
        changed = {n for n, c in u.node_change.items() if c}
        changed.update(n for k, c in u.edge_change.items() if c for n in k[:2])
        assert changed and changed <= got, (a, b)
        focused += len(got) < len(u.nodes) // 4
    assert focused >= len(pairs) - 2  # the context really is a small part of the organisation


def test_focused_diff_chart_draws_what_the_whole_union_draws(large):
    """Partial snapshots give the same DOT text, and so the same drawing, as the whole union cut down."""
    from orgmodel import render
    from orgmodel.build import _lookup_diff, diff_chart_of, diff_svgs

    sizes = {}
    for k in range(1, len(large)):
        dc = diff_chart_of(large, k - 1, k, sd=_lookup_diff(large, k - 1, k))
        ref = whole_union_chart(large, k - 1, k)
        assert dc.keep == ref.keep and dc.keep is not None
        assert dc.dot == ref.dot, large.versions[k].id
        assert dc.views == ref.views
        sizes[k] = len(dc.keep)
    k = max((k for k in sizes if "reorganisation" in large.versions[k].id), key=sizes.get)
    svgs = diff_svgs(large, k - 1, k)
    expected = {f"{name}.svg": data for name, data in render.render_views(whole_union_chart(large, k - 1, k)).items()}
    assert svgs.keys() == expected.keys()
    for name in svgs:
        drawn = svg_by_meaning(svgs[name])
        assert drawn == svg_by_meaning(expected[name]), name
        assert len(drawn) > 20
    diff = svg_by_meaning(svgs["diff.svg"])
    sd = _lookup_diff(large, k - 1, k)
    boxes = {eid[2:] for eid in diff if eid.startswith("n-")}
    rows = {part for eid in diff if eid.startswith("r-") for part in eid[2:].split("__")[:2]}
    subjects = {ch.subject for ch in sd.changes if ch.subject in large.dataset.kinds}
    assert subjects and subjects <= boxes | rows  # every changed entity is on the chart


def test_small_organisation_and_all_draw_the_whole_union(tmp_path, large):
    """Seeds (under the limit) and --all keep drawing from whole snapshots."""
    from orgmodel import chart_union
    from orgmodel.build import diff_chart_of

    seeds = load_history(str(ROOT / "seeds"))
    assert all(chart_union.diff_context(seeds, k - 1, k) is None for k in range(1, len(seeds)))
    everything = diff_chart_of(large, 0, 1, everything=True, force=True)
    assert everything.keep is None
    assert everything.dot.count('class="person') + everything.dot.count('class="unit') >= 300
