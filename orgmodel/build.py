"""Chart files: one snapshot, one before/after set, or everything (``orgmodel build``).

``build_all`` is the main job. It writes into one folder (``charts/`` by
default):

* ``<version>.svg`` for every version;
* ``diffs/<version>/before.svg``, ``after.svg`` and ``diff.svg`` for every
  version after the first, against the version before it;
* ``README.md``: an index a person reads on a code host, with each version's
  date, sources, change summary and embedded charts.

Every file goes through :mod:`orgmodel.fsutil`, which skips files whose bytes
did not change, so a second run with the same data writes nothing and leaves
``git status`` clean. Charts a previous run wrote for versions that no longer
exist are removed; other files in the folder are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import chart, chart_union, render
from .errors import RenderError
from .fsutil import write_text

DIFF_FILES = ("before.svg", "after.svg", "diff.svg")
MARKER = b'aria-labelledby="chart-title chart-desc"'  # how a generated chart is recognised


@dataclass
class BuildResult:
    """What a build did, for the CLI to report."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)

    def note(self, path: Path, changed: bool) -> None:
        (self.written if changed else self.unchanged).append(path)


def source_labels(history) -> dict[str, str]:
    """Source id -> how a chart's title block names it (its file name)."""
    return {sid: src.file.rsplit("/", 1)[-1] for sid, src in history.dataset.sources.items()}


def _lookup_diff(history, a: int, b: int):
    """The semantic diff of two versions, when the diff module is available."""
    try:
        from .diff import diff_versions
    except ImportError:
        return None
    return diff_versions(history, a, b)


# ------------------------------------------------------------------ single charts


def snapshot_bytes(history, ref: str | int, fmt: str = "svg", lang: str = "en", focus: str | None = None,
                   depth: int | None = None, force: bool = False) -> bytes:
    """One snapshot's chart in ``fmt`` (svg, png, pdf or dot), without touching the disk."""
    graph = history.snapshot(ref)
    if focus is not None:
        focus = history.dataset.resolve_name(focus) or focus
    dot = chart.snapshot_dot(graph, lang=lang, focus=focus, depth=depth, sources=source_labels(history), force=force)
    return render.render(dot, fmt)


def write_snapshot(history, ref: str | int, path: str | Path, fmt: str | None = None, **options) -> bool:
    """Write one snapshot's chart; the format defaults to the file's extension."""
    path = Path(path)
    fmt = fmt or (path.suffix.lstrip(".").lower() or "svg")
    if fmt not in render.FORMATS:
        raise RenderError(f"cannot tell the format of {path.name!r} (use --format {'|'.join(render.FORMATS)})")
    return render.write(path, snapshot_bytes(history, ref, fmt, **options))


def diff_chart_of(history, a: int, b: int, lang: str = "en", everything: bool = False, force: bool = False,
                  sd=None) -> chart.DiffChart:
    """The diff chart of versions ``a`` -> ``b`` (``sd``: their semantic diff, if already made).

    A large organisation's chart draws only the changed part and its context,
    so that part is found first and only its entities are materialised: the
    cost follows the announcement, not the size of the organisation. A small
    one (or ``everything``) is drawn from the whole snapshots.
    """
    context = None if everything else chart_union.diff_context(history, a, b)
    entities = sorted(context) if context is not None else None
    return chart.diff_chart(history.snapshot(a, entities=entities), history.snapshot(b, entities=entities),
                            lang=lang, sources=source_labels(history), changes=sd.changes if sd else (),
                            everything=everything, force=force, context=context)


def diff_svgs(history, a: int, b: int, lang: str = "en", everything: bool = False,
              force: bool = False) -> dict[str, bytes]:
    """before.svg, after.svg and diff.svg of versions ``a`` -> ``b``, from one layout."""
    dc = diff_chart_of(history, a, b, lang, everything, force, sd=_lookup_diff(history, a, b))
    views = render.render_views(dc)
    return {f"{name}.svg": data for name, data in views.items()}


def write_diff(history, a: str, b: str | None, out_dir: str | Path, **options) -> BuildResult:
    """Write before.svg, after.svg and diff.svg for refs ``a`` -> ``b`` (``b`` None: ``a~1`` -> ``a``)."""
    j = history.resolve(b if b is not None else a)
    i = history.resolve(a) if b is not None else j - 1
    if i < 0:
        raise RenderError(f"{a!r} is the first version: there is nothing before it to compare with")
    result = BuildResult()
    for name, data in diff_svgs(history, i, j, **options).items():
        path = Path(out_dir) / name
        result.note(path, render.write(path, data))
    return result


# ------------------------------------------------------------------ the whole folder


def _owned(out: Path) -> set[Path]:
    """Files in ``out`` that an earlier build wrote (recognised by name and content)."""
    found = set()
    candidates = list(out.glob("*.svg")) + [p for p in out.glob("diffs/*/*.svg") if p.name in DIFF_FILES]
    for p in candidates:
        try:
            with p.open("rb") as fh:
                if MARKER in fh.read(4096):
                    found.add(p)
        except OSError:
            continue
    return found


def build_all(history, out_dir: str | Path = "charts", lang: str = "en",
              step: Callable[[str], None] | None = None, force: bool = False) -> BuildResult:
    """Every snapshot chart, every consecutive before/after set, and README.md.

    ``step`` is called with a short label after each chart (for progress);
    ``force`` lays out snapshots of more than ``styles.MAX_NODES`` boxes.
    """
    out = Path(out_dir)
    result = BuildResult()
    stale = _owned(out) if out.is_dir() else set()
    summaries: dict[str, str] = {}
    for k, version in enumerate(history.versions):
        path = out / f"{version.id}.svg"
        result.note(path, render.write(path, snapshot_bytes(history, k, "svg", lang=lang, force=force)))
        stale.discard(path)
        if step:
            step(version.id)
        if k == 0:
            continue
        sd = _lookup_diff(history, k - 1, k)
        dc = diff_chart_of(history, k - 1, k, lang, force=force, sd=sd)
        for name, data in render.render_views(dc).items():
            p = out / "diffs" / version.id / f"{name}.svg"
            result.note(p, render.write(p, data))
            stale.discard(p)
        if sd is not None:
            summaries[version.id] = _summary(sd, history, lang)
        if step:
            step(f"{version.id} (diff)")
    readme = out / "README.md"
    result.note(readme, write_text(readme, index_markdown(history, summaries)))
    for p in sorted(stale):
        p.unlink()
        result.removed.append(p)
        try:
            p.parent.rmdir()  # an emptied diffs/<version>/ folder
        except OSError:
            pass
    return result


def chart_count(history) -> int:
    """How many charts :func:`build_all` draws (a snapshot and a diff set per version)."""
    return max(0, 2 * len(history.versions) - 1)


def _summary(sd, history, lang: str) -> str:
    try:
        from .diff_format import format_markdown
    except ImportError:
        return ""
    return format_markdown(sd, history, lang=lang, level=0)


def _md(text: str) -> str:
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def index_markdown(history, summaries: dict[str, str]) -> str:
    """charts/README.md: every version, newest first, with its charts and what changed."""
    ds = history.dataset
    data = Path(ds.root).resolve().name  # links assume the charts folder sits next to the data folder
    lines = [
        "# Charts",
        "",
        f"Generated by `orgmodel build` from the announcements in `{data}/`; do not edit by hand.",
        "One chart per version (the organisation after that announcement) and, for each version after",
        "the first, before/after charts of what it changed. Hover a box or a line in an SVG to see the",
        "quote behind it. See docs/charts.md for how to read the charts.",
        "",
        "| Version | Date | Title |",
        "|---|---|---|",
    ]
    for v in reversed(history.versions):
        a = v.announcement
        date = f"c. {a.date}" if a.approximate else a.date
        lines.append(f"| [`{v.id}`](#{v.id}) | {date} | {_md(a.title)} |")
    for k in range(len(history.versions) - 1, -1, -1):
        v = history.versions[k]
        a = v.announcement
        date = f"c. {a.date}" if a.approximate else a.date
        lines += ["", f'<a id="{v.id}"></a>', "", f"## {date}: {_md(a.title)}", "", f"Version `{v.id}`.", ""]
        lines.append("Sources:")
        lines.append("")
        for sid in a.sources:
            src = ds.sources[sid]
            bits = [b for b in (src.publisher, str(src.published) if src.published else None) if b]
            lines.append(f"- {_md(src.title)}" + (f" ({_md(', '.join(bits))})" if bits else "")
                         + f", [`{src.file.rsplit('/', 1)[-1]}`](../{data}/{src.file})")
        if k > 0:
            prev = history.versions[k - 1].id
            lines += ["", f"### What changed since `{prev}`", ""]
            summary = summaries.get(v.id, "").strip()
            lines.append(summary or "See the charts below.")
            lines += ["", f"![changes from {prev} to {v.id}](diffs/{v.id}/diff.svg)", "",
                      f"The same layout as two charts: [before](diffs/{v.id}/before.svg) and "
                      f"[after](diffs/{v.id}/after.svg); flip between them to see what moved."]
        lines += ["", "### The organisation after this announcement", "", f"![{v.id}]({v.id}.svg)"]
    return "\n".join(lines) + "\n"
