"""Sphinx directives that draw org charts from the data folder at build time.

Add the extension and say where the data is (relative to ``conf.py``)::

    extensions = ["orgmodel.sphinx"]
    orgmodel_data = "../seeds"
    orgmodel_lang = "en"          # optional default for :lang:

Then, in a reStructuredText page::

    .. orgmodel-chart:: latest
       :focus: china-digital-commerce
       :depth: 1
       :lang: zh

    .. orgmodel-diff:: latest~1 latest

``orgmodel-chart REF`` draws one snapshot; ``orgmodel-diff A B`` draws the
before/after pair (``orgmodel-diff REF`` compares REF with the version before
it), laid out once so nothing unchanged moves. Options: ``:focus: ID`` and
``:depth: N`` (a unit's subtree or a person's neighbourhood), ``:lang:``,
``:data: DIR`` (relative to the page; ``/DIR`` relative to the source folder),
``:inline:`` (the SVG inside the page, keeping its tooltips, instead of an
``<img>`` copied to ``_images``), ``:views: before after diff`` (diff only)
and ``:caption:``.

Charts are drawn only by HTML builders; every builder also gets the text
alternative, an outline of what the chart draws (or, for a pair, the list of
changes), so the content is there for screen readers, search and non-HTML
output. The pages depend on the data files: editing an announcement rebuilds
them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from . import __version__
from .errors import OrgModelError

_HISTORIES: dict[tuple, Any] = {}


class orgmodel_svg(nodes.General, nodes.Element):
    """A rendered chart: ``svg`` (bytes), ``alt`` (text) and ``inline`` (bool)."""


def _data_files(folder: Path) -> list[Path]:
    """The files a chart depends on: everything in the data folder but hidden files and folders."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def load(folder: Path):
    """The history of a data folder, loaded once per build for as long as its files are unchanged."""
    from .history import load_history

    files = _data_files(folder)
    key = (str(folder), tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))
    if key not in _HISTORIES:
        _HISTORIES.clear()
        _HISTORIES[key] = load_history(folder)
    return _HISTORIES[key], files


def _sources(history) -> dict[str, str]:
    return {sid: src.title for sid, src in history.dataset.sources.items()}


def snapshot_svg(history, graph, lang: str, focus: str | None, depth: int | None) -> bytes:
    """One snapshot chart as SVG bytes (the same drawing as ``orgmodel render``)."""
    from .chart import snapshot_dot
    from .render import render_svg

    return render_svg(snapshot_dot(graph, lang=lang, focus=focus, depth=depth, sources=_sources(history)))


def diff_svgs(history, before, after, changes, lang: str, views: list[str]) -> dict[str, bytes]:
    """The before/after (and diff) views of a change, from one layout."""
    from .chart import diff_chart
    from .render import render_views

    svgs = render_views(diff_chart(before, after, lang=lang, sources=_sources(history), changes=changes))
    return {view: svgs[view] for view in views}


class _Base(SphinxDirective):
    has_content = False
    common_options = {
        "lang": directives.unchanged,
        "data": directives.path,
        "inline": directives.flag,
        "caption": directives.unchanged,
    }

    def history(self):
        given = self.options.get("data")
        if given:
            folder = Path(self.env.relfn2path(given, self.env.docname)[1])
        else:
            folder = Path(self.env.app.confdir) / self.config.orgmodel_data
        if not (folder / "registry.yaml").is_file():
            raise self.error(f"orgmodel: no data folder at {folder} (set orgmodel_data in conf.py or :data:)")
        history, files = load(folder.resolve())
        for f in files:
            self.env.note_dependency(str(f))
        return history

    @property
    def lang(self) -> str:
        return self.options.get("lang") or self.config.orgmodel_lang

    def chart(self, svg: bytes, alt: str, caption: str, css: str) -> nodes.figure:
        figure = nodes.figure(classes=["orgmodel-chart", css])
        figure += orgmodel_svg(svg=svg, alt=alt, inline="inline" in self.options)
        figure += nodes.caption(caption, caption)
        return figure

    def run(self) -> list[nodes.Node]:
        try:
            return self.build()
        except OrgModelError as e:
            raise self.error(f"orgmodel: {e}") from None


class ChartDirective(_Base):
    """``.. orgmodel-chart:: REF``: one snapshot and its outline."""

    optional_arguments = 1
    option_spec = {**_Base.common_options, "focus": directives.unchanged, "depth": directives.nonnegative_int}

    def build(self) -> list[nodes.Node]:
        from .chart import date_label, focus_graph
        from .model import display_name
        from .outline import outline_items

        history = self.history()
        graph = history.snapshot(self.arguments[0] if self.arguments else "latest")
        focus, depth = self.options.get("focus"), self.options.get("depth")
        shown = focus_graph(graph, focus, depth) if focus else graph
        g = graph.graph
        where = f"; focus: {display_name(shown.nodes[focus]['names'], self.lang)}" if focus else ""
        caption = self.options.get("caption") or f"{g['title']} ({date_label(graph)}, version {g['version']}{where})"
        svg = snapshot_svg(history, graph, self.lang, focus, depth)
        container = nodes.container(classes=["orgmodel"])
        container += self.chart(svg, f"Org chart: {caption}. An outline follows.", caption, "orgmodel-snapshot")
        container += outline_list(outline_items(shown, self.lang))
        return [container]


class DiffDirective(_Base):
    """``.. orgmodel-diff:: A B`` (or ``REF``): the before/after pair and the list of changes."""

    required_arguments = 1
    optional_arguments = 1
    option_spec = {**_Base.common_options, "views": directives.unchanged}

    def build(self) -> list[nodes.Node]:
        from .chart import date_label
        from .diff import diff_versions

        history = self.history()
        if len(self.arguments) == 2:
            i, j = (history.resolve(a) for a in self.arguments)
        else:
            j = history.resolve(self.arguments[0])
            i = j - 1
        if i < 0:
            raise self.error(f"orgmodel: {self.arguments[0]} is the first version; give two refs")
        before, after = history.snapshot(i), history.snapshot(j)
        views = (self.options.get("views") or "before after").split()
        unknown = set(views) - {"before", "after", "diff"}
        if unknown or not views:
            raise self.error(f"orgmodel: unknown view(s) {sorted(unknown)}; use before, after, diff")
        diff = diff_versions(history, i, j)
        svgs = diff_svgs(history, before, after, diff.changes, self.lang, views)
        graphs = {"before": before, "after": after, "diff": after}
        container = nodes.container(classes=["orgmodel", "orgmodel-pair"])
        for view in views:
            g = graphs[view].graph
            if view == "diff":
                caption = f"Changes from {before.graph['version']} to {g['version']}"
            else:
                caption = f"{view.capitalize()}: {g['title']} ({date_label(graphs[view])}, version {g['version']})"
            container += self.chart(svgs[view], f"Org chart, {caption}. The changes are listed below.",
                                    caption, f"orgmodel-{view}")
        container += change_list(diff, self.lang)
        return [container]


# ---------------------------------------------------------------- text alternatives as docutils nodes


def outline_list(items) -> nodes.bullet_list:
    """The outline (:mod:`orgmodel.outline`) as a docutils bullet list."""
    bullets = nodes.bullet_list(classes=["orgmodel-outline"])
    for item in items:
        para = nodes.paragraph()
        para += nodes.strong(item.label, item.label) if item.strong else nodes.Text(item.label)
        if item.note:
            para += nodes.Text(item.note)
        li = nodes.list_item()
        li += para
        if item.children:
            li += outline_list(item.children)
        bullets += li
    return bullets


def change_list(diff, lang: str) -> nodes.bullet_list:
    """The changes of a diff, one item per entity, as a docutils bullet list."""
    from .diff_format import phrase
    from .model import display_name

    def name(node: str | None) -> str:
        names = diff.names.get(node) if node else None
        return display_name(dict(names), lang) if names else str(node)

    bullets = nodes.bullet_list(classes=["orgmodel-changes"])
    for subject, changes in diff.by_subject():
        text = "; ".join(phrase(c, name, lang) for c in changes if c.kind != "person_joined" or len(changes) == 1)
        para = nodes.paragraph()
        para += nodes.strong(name(subject), name(subject))
        para += nodes.Text(f": {text}")
        li = nodes.list_item()
        li += para
        bullets += li
    if not diff.changes:
        bullets += nodes.list_item("", nodes.paragraph("No changes.", "No changes."))
    return bullets


# ---------------------------------------------------------------- HTML output


_XML_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?")
_ID_REF = re.compile(r'(\bid="|\bhref="#|\bxlink:href="#|url\(#|\baria-labelledby="|\baria-describedby=")([^"\)]+)')


def prefix_ids(svg: str, prefix: str) -> str:
    """Give every id of an SVG (and every reference to one) a prefix, so that
    several charts inline in one page keep their ids apart."""

    def sub(m: re.Match) -> str:
        return m.group(1) + " ".join(f"{prefix}{part}" for part in m.group(2).split(" "))

    return _ID_REF.sub(sub, svg)


def visit_svg_html(self, node: orgmodel_svg) -> None:
    from .fsutil import write_bytes

    svg: bytes = node["svg"]
    digest = hashlib.sha1(svg).hexdigest()[:16]
    if node["inline"]:
        text = prefix_ids(_XML_PROLOG.sub("", svg.decode("utf-8"), count=1), f"om{digest}-")
        # Scale a wide chart down to the column, as themes do for <img>.
        text = re.sub(r"^<svg\b", '<svg style="max-width: 100%; height: auto"', text, count=1)
        self.body.append(f'<div class="orgmodel-svg" style="overflow-x: auto">{text}</div>\n')
    else:
        name = f"orgmodel-{digest}.svg"
        write_bytes(Path(self.builder.outdir) / self.builder.imagedir / name, svg)
        alt = self.attval(node["alt"])
        self.body.append(f'<img class="orgmodel-svg" src="{self.builder.imgpath}/{name}" alt="{alt}" />\n')
    raise nodes.SkipNode


def skip_node(self, node: orgmodel_svg) -> None:
    raise nodes.SkipNode


def setup(app) -> dict[str, Any]:
    app.add_config_value("orgmodel_data", "seeds", "env", [str])
    app.add_config_value("orgmodel_lang", "en", "env", [str])
    app.add_node(orgmodel_svg, html=(visit_svg_html, None), latex=(skip_node, None), text=(skip_node, None),
                 man=(skip_node, None), texinfo=(skip_node, None))
    app.add_directive("orgmodel-chart", ChartDirective)
    app.add_directive("orgmodel-diff", DiffDirective)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
