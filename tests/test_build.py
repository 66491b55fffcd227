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
