"""DOT text -> SVG, PNG or PDF through Graphviz's ``dot``, and SVG clean-up.

Graphviz's SVG is close to what documents need but not quite: it carries a
version comment, tooltips sit on ``<a>`` wrappers instead of ``<title>``, and
fonts are named one by one. :func:`clean_svg` makes the output

* deterministic: comments dropped, ids come from registry ids (set in the DOT
  by :mod:`orgmodel.chart`), attribute order as written;
* self-contained and inert: no links, no scripts, no ``on*`` attributes, no
  external references;
* accessible: the root has ``role="img"`` and ``aria-labelledby`` pointing at
  its ``<title>`` and ``<desc>``; every node, row and edge group has a
  ``<title>`` with the name, the title and the quotes behind it;
* portable: one font list that covers Latin and CJK (:data:`styles.FONT_STACK`).

Only :func:`write` touches the disk, through :mod:`orgmodel.fsutil`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from . import styles
from .errors import RenderError
from .fsutil import write_bytes

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

FORMATS = ("svg", "png", "pdf", "dot")
TIMEOUT = 600


def _q(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


def run_dot(dot_text: str, fmt: str, engine: str = "dot") -> bytes:
    """Run a Graphviz layout program on DOT text and return its output."""
    exe = shutil.which(engine)
    if exe is None:
        raise RenderError(f"Graphviz `{engine}` is not installed (install the graphviz package, e.g. apt-get install graphviz)")
    args = [exe, f"-T{fmt}"]
    if fmt == "png":
        args.append("-Gdpi=144")
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    try:
        proc = subprocess.run(args, input=dot_text.encode("utf-8"), capture_output=True, timeout=TIMEOUT,
                              check=False, env=env)
    except subprocess.TimeoutExpired:
        raise RenderError(f"Graphviz took more than {TIMEOUT} s (draw a part with --focus ID --depth N)") from None
    if proc.returncode != 0 or not proc.stdout:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz failed: {message[-1] if message else 'no output'}")
    return proc.stdout


def render_svg(dot_text: str, view=None) -> bytes:
    """DOT text -> clean SVG bytes (see :func:`clean_svg`)."""
    return clean_svg(run_dot(dot_text, "svg"), view)


def render(dot_text: str, fmt: str = "svg") -> bytes:
    """DOT text -> bytes in ``fmt`` (svg, png, pdf, or the DOT text itself)."""
    if fmt == "dot":
        return dot_text.encode("utf-8")
    if fmt == "svg":
        return render_svg(dot_text)
    if fmt in ("png", "pdf"):
        return run_dot(dot_text, fmt)
    raise RenderError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")


def render_views(chart) -> dict[str, bytes]:
    """The before, after and diff SVGs of a :class:`~orgmodel.chart.DiffChart` from one layout."""
    raw = run_dot(chart.dot, "svg")
    return {name: clean_svg(raw, view) for name, view in sorted(chart.views.items())}


def write(path: str | Path, data: bytes) -> bool:
    """Write a chart atomically; False when the file already had these bytes."""
    return write_bytes(path, data)


# ------------------------------------------------------------------ clean-up


def _text_of(el: ET.Element) -> str:
    return " ".join((t.text or "").strip() for t in el.iter(_q("text")) if (t.text or "").strip())


def _lift_anchor(group: ET.Element) -> str | None:
    """Replace ``<a xlink:title=...>`` wrappers inside ``group`` by their children; return the tooltip."""
    tip = None
    for child in list(group):
        inner = child
        if child.tag == _q("g") and child.get("id", "").startswith("a_") and len(child) == 1 and child[0].tag == _q("a"):
            inner = child[0]
        if inner.tag != _q("a"):
            continue
        tip = inner.get(f"{{{XLINK_NS}}}title", tip)
        idx = list(group).index(child)
        group.remove(child)
        for offset, grandchild in enumerate(list(inner)):
            group.insert(idx + offset, grandchild)
    return tip


def _set_title(group: ET.Element, text: str) -> None:
    title = group.find(_q("title"))
    if title is None:
        title = ET.Element(_q("title"))
        group.insert(0, title)
    title.text = text
    for k in list(title.attrib):
        del title.attrib[k]


def _cells(parent: ET.Element) -> None:
    """Turn each linked table cell (``<g id="a_ID"><a ...>``) into ``<g id="ID"><title>``."""
    for i, child in enumerate(list(parent)):
        if child.tag == _q("g") and child.get("id", "").startswith("a_") and len(child) == 1 and child[0].tag == _q("a"):
            anchor = child[0]
            new = ET.Element(_q("g"), {"id": child.get("id")[2:]})
            cid = new.get("id")
            if cid.startswith("r-"):
                new.set("class", "row")
                new.set("data-entity", cid[2:].rsplit("__", 2)[-2])
            elif cid.startswith("t-"):
                new.set("class", "heading")
            elif cid.startswith("n-"):
                new.set("class", "node unit")
                new.set("data-entity", cid[2:])
            title = ET.SubElement(new, _q("title"))
            title.text = anchor.get(f"{{{XLINK_NS}}}title", "")
            new.extend(list(anchor))
            parent.remove(child)
            parent.insert(i, new)
            _cells(new)
        else:
            _cells(child)


def _sanitize(el: ET.Element) -> None:
    for child in list(el):
        if child.tag in (_q("script"), _q("foreignObject"), _q("a"), _q("style")):
            idx = list(el).index(child)
            el.remove(child)
            if child.tag == _q("a"):
                for offset, grandchild in enumerate(list(child)):
                    el.insert(idx + offset, grandchild)
    for k in list(el.attrib):
        local = k.rsplit("}", 1)[-1]
        if local.lower().startswith("on") or local == "href":
            del el.attrib[k]
    if "font-family" in el.attrib:
        el.set("font-family", styles.font_family_css())
    for child in el:
        _sanitize(child)


def _centre(cell: ET.Element, texts: list[ET.Element]) -> None:
    """Centre swapped-in text in its cell (Graphviz placed the longer text it measured)."""
    frame = cell.find(_q("polygon"))
    if frame is None:
        return
    xs = [float(pt.split(",")[0]) for pt in frame.get("points", "").split() if "," in pt]
    if xs:
        for t in texts:
            t.set("text-anchor", "middle")
            t.set("x", f"{(min(xs) + max(xs)) / 2:g}")


def _apply_view(root: ET.Element, view) -> None:
    hide, text = view.hide, view.text
    for parent in list(root.iter()):
        for child in list(parent):
            cid = child.get("id")
            if cid in hide:
                parent.remove(child)
                continue
            if f"{cid}#last" in text:
                texts = list(child.iter(_q("text")))
                if texts:
                    texts[-1].text = text[f"{cid}#last"]
                    _centre(child, texts[-1:])
            if cid in text:
                texts = [t for t in child.iter(_q("text"))]
                if texts:
                    texts[0].text = text[cid]
                    for extra in texts[1:]:
                        extra.text = ""
                    if not cid.startswith("title-"):
                        _centre(child, texts[:1])
                title = child.find(_q("title"))
                if title is not None:
                    title.text = text[cid] + "\n" + "\n".join((title.text or "").split("\n")[1:])


def clean_svg(raw: bytes, view=None) -> bytes:
    """Graphviz SVG -> deterministic, self-contained, accessible SVG (optionally one view of a diff)."""
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        raise RenderError(f"Graphviz wrote SVG that does not parse: {e}") from None
    graph = root.find(_q("g"))
    if graph is None:
        raise RenderError("Graphviz wrote an SVG without a drawing")
    for group in graph.iter(_q("g")):
        cls = group.get("class", "")
        if cls.startswith("node") or cls.startswith("edge"):
            tip = _lift_anchor(group)
            if tip is not None:
                _set_title(group, tip)
            gid = group.get("id", "")
            if gid.startswith("n-"):
                group.set("data-entity", gid[2:])
    _cells(graph)
    _sanitize(root)
    if view is not None:
        _apply_view(graph, view)
    heading = {g.get("id"): _text_of(g) for g in graph.iter(_q("g")) if g.get("id", "").startswith("title-")}
    name = heading.get("title-head") or "Organisation chart"
    desc_text = " \u2014 ".join(v for k, v in sorted(heading.items()) if k != "title-head" and v)
    _set_title(graph, name)
    for el in list(root):
        if el.tag in (_q("title"), _q("desc")):
            root.remove(el)
    title = ET.Element(_q("title"), {"id": "chart-title"})
    title.text = name
    desc = ET.Element(_q("desc"), {"id": "chart-desc"})
    desc.text = f"Organisation chart. {desc_text}".strip()
    root.insert(0, desc)
    root.insert(0, title)
    root.set("role", "img")
    root.set("aria-labelledby", "chart-title chart-desc")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + body + "\n").encode("utf-8")
