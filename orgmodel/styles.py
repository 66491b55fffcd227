"""The one table of how charts look: fonts, entity boxes, lines and changes.

Every colour, shape and line style a chart uses is here as data, so that the
documentation (docs/charts.md), the chart builder and the tests read the same
values. The palette is restrained on purpose: snapshot charts are grey and
slate; colour is reserved for the four change categories of diff charts.
Each change category also differs by line style, line weight and a text
marker, so a diff chart still reads when printed in grey.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

# Fonts. Graphviz measures text with FONT (DejaVu Sans: installed wherever
# Graphviz is, and wider than the fonts after it, so text measured with it
# still fits when a browser picks another). CJK characters fall back to Noto
# Sans CJK when measuring. The SVG names the whole list, so a browser finds a
# CJK font for the characters DejaVu Sans lacks.
FONT = "DejaVu Sans"
FONT_STACK = ("DejaVu Sans", "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
              "PingFang SC", "sans-serif")
FONT_SIZE = 11
SMALL_FONT_SIZE = 9
TITLE_FONT_SIZE = 15


def font_family_css() -> str:
    """The font list as an SVG/CSS font-family value."""
    return ", ".join(f"'{f}'" if " " in f else f for f in FONT_STACK)


def _frozen(table: dict[str, dict[str, str]]) -> Mapping[str, Mapping[str, str]]:
    return MappingProxyType({k: MappingProxyType(v) for k, v in table.items()})


# Boxes for the three entity types (Graphviz node attributes).
ENTITY: Mapping[str, Mapping[str, str]] = _frozen({
    "unit": {"shape": "box", "style": "filled", "fillcolor": "#F1F4F8", "color": "#4A5568",
             "penwidth": "1.2", "fontcolor": "#1A202C"},
    "person": {"shape": "box", "style": "rounded,filled", "fillcolor": "#FFFFFF", "color": "#8A96A8",
               "penwidth": "1", "fontcolor": "#1A202C"},
    "post": {"shape": "box", "style": "rounded,dashed,filled", "fillcolor": "#FFFFFF", "color": "#718096",
             "penwidth": "1", "fontcolor": "#4A5568"},
})

# Text colours inside boxes.
TEXT = MappingProxyType({"name": "#1A202C", "title": "#4A5568", "kind": "#718096"})

# Lines (Graphviz edge attributes). Structure lines carry no arrowheads, as
# in printed org charts; a functional line points at the person it reports to.
LINE: Mapping[str, Mapping[str, str]] = _frozen({
    "structure": {"color": "#5A6578", "penwidth": "1.2", "arrowhead": "none", "style": "solid"},
    "business": {"color": "#4A5568", "penwidth": "1.2", "arrowhead": "none", "style": "solid"},
    "functional": {"color": "#9AA5B5", "penwidth": "1", "arrowhead": "vee", "arrowsize": "0.6",
                   "style": "dashed", "fontcolor": "#718096", "constraint": "false"},
})

# The four change categories of diff charts. "marker" prefixes changed text
# rows; "node" and "edge" are Graphviz attributes for whole boxes and lines.
CHANGE: Mapping[str, Mapping[str, Mapping[str, str] | str]] = MappingProxyType({
    "added": MappingProxyType({
        "label": "added", "marker": "+", "color": "#1B7F3B", "fill": "#E3F3E7",
        "node": MappingProxyType({"color": "#1B7F3B", "penwidth": "2.5", "fillcolor": "#E3F3E7"}),
        "edge": MappingProxyType({"color": "#1B7F3B", "penwidth": "2.5", "style": "solid"}),
        "print": "thick solid border, +",
    }),
    "removed": MappingProxyType({
        "label": "removed", "marker": "\u2212", "color": "#B3261E", "fill": "#FBE7E5",
        "node": MappingProxyType({"color": "#B3261E", "penwidth": "2", "fillcolor": "#FBE7E5",
                                  "dash": "dashed"}),
        "edge": MappingProxyType({"color": "#B3261E", "penwidth": "2", "style": "dashed"}),
        "print": "dashed border, struck-through text, \u2212",
    }),
    "moved": MappingProxyType({
        "label": "moved", "marker": "\u2192", "color": "#1D4ED8", "fill": "#E5ECFB",
        "node": MappingProxyType({"color": "#1D4ED8", "penwidth": "2", "fillcolor": "#E5ECFB",
                                  "peripheries": "2"}),
        "edge": MappingProxyType({"color": "#1D4ED8", "penwidth": "2.5", "style": "dotted"}),
        "print": "double border, dotted line to the new parent, \u2192",
    }),
    "changed": MappingProxyType({
        "label": "changed", "marker": "~", "color": "#A15C07", "fill": "#FBF0DC",
        "node": MappingProxyType({"color": "#A15C07", "penwidth": "2", "fillcolor": "#FBF0DC",
                                  "dash": "dotted"}),
        "edge": MappingProxyType({"color": "#A15C07", "penwidth": "2", "style": "solid"}),
        "print": "dotted border, ~",
    }),
})

CATEGORIES = ("added", "removed", "moved", "changed")

# The frame around a grid of leaf units (a wide level folded into rows).
GRID_COLOR = "#B8C2D0"

# Elements a diff chart draws only for context are drawn lighter.
CONTEXT = MappingProxyType({"color": "#A0AEC0", "fontcolor": "#4A5568"})

# Layout knobs.
WRAP = 5            # a unit with more sub-units than this draws its leaf sub-units as a grid
MAX_NODES = 2000    # above this, laying out is slow: refuse unless forced
RANKSEP = "0.45"
NODESEP = "0.25"


def node_attrs(entity_type: str, change: str | None = None) -> dict[str, str]:
    """Graphviz attributes of a box of ``entity_type`` in a change category."""
    attrs = dict(ENTITY[entity_type])
    if change:
        spec = CHANGE[change]["node"]
        styles = [s for s in attrs["style"].split(",") if s not in ("dashed", "dotted")]
        if "dash" in spec:
            styles.append(spec["dash"])
        attrs["style"] = ",".join(styles)
        attrs.update({k: v for k, v in spec.items() if k != "dash"})
    return attrs


def edge_attrs(line: str, change: str | None = None) -> dict[str, str]:
    """Graphviz attributes of a line of kind ``line`` in a change category."""
    attrs = dict(LINE[line])
    if change:
        attrs.update(CHANGE[change]["edge"])
        if line == "functional":
            attrs["style"] = "dashed"
            attrs["penwidth"] = str(max(1.5, float(attrs["penwidth"]) - 0.5))
    return attrs
