"""Names pasted from the web are data, never markup: every output keeps them as text.

A data folder is built whose names, titles, aliases, quotes and announcement
titles carry DOT syntax, HTML-like label markup, SVG/XML with scripts and event
handlers, ``javascript:`` URLs, entities, right-to-left marks, CJK and very
long strings. It must load; the JSON and text outputs must give the names back
verbatim; every SVG (snapshot charts through ``orgmodel render``, and the
before/after/diff charts through ``orgmodel render-diff``) must parse as XML
with no script, no event handler, no external reference, and with the names
as literal text; and headless Chromium must run none of the embedded scripts.

Decisions (documented in docs/errors.md): control characters are refused when
the data is read (a clear error with file, line and column); names and titles
are limited to 500 characters by the schema; announcement titles and quotes
are not, and a 10,000-character one renders as text.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

import pytest
import yaml

import browser
from conftest import BASE, run_cli, write_dataset

SVG_NS = "{http://www.w3.org/2000/svg}"
MARK = "pwned"

# What each piece of hostile text tries to do.
HOSTILE = {
    "dot": '"]; x [label="pwned" shape=none]; y [label="',
    "dot-escapes": "back\\slash \\N \\G \\l \\n end\\",
    "html-label": "<b>bold</b> <TABLE><TR><TD>cell</TD></TR></TABLE> <BR/> <IMG SRC=\"/etc/passwd\"/>",
    "svg-script": '</text><script>document.documentElement.setAttribute("data-pwned","1")</script><text>',
    "img-onerror": "<img src=x onerror=\"document.title='pwned'\">",
    "attr-break": "\" onload=\"document.title='pwned'\" x=\"",
    "js-url": "javascript:document.title='pwned'",
    "entities": "&amp; &lt; &#60;script&#62; &nbsp; <!-- c --> <![CDATA[x]]> <!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>&e;",
    "rtl": "\u202eevil\u202c \u200f\u05e9\u05dc\u05d5\u05dd\u200f \u0645\u0631\u062d\u0628\u0627 \u2066x\u2069",
    "cjk": "王明强 阿里巴巴集团 淘天集团 🙂",
    "xlink": '<a xlink:href="https://example.com/x">link</a> url(https://example.com/x.png)',
    "markdown": "[click](javascript:document.title='pwned') ![x](https://example.com/x.png) | cell | `code` **b**",
}
LONG_TITLE = "Long " + "reorganisation " * 666  # about 10,000 characters
NAME_MAX = "N" * 500


def _ids() -> Iterator[tuple[str, str]]:
    """The hostile texts in a fixed order (their index numbers the entities made from them)."""
    yield from sorted(HOSTILE.items())


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)


def hostile_folder(root: Path) -> Path:
    """The base folder plus one person and one unit per hostile text, all in one announcement."""
    people, units, changes, sentences = [], [], [], []
    for i, (key, text) in enumerate(_ids()):
        person, unit = f"p-{key}", f"u-{key}"
        people.append({"id": person, "names": {"en": f"{text} P{i}", "zh": f"{text} 人{i}"},
                       "aliases": [f"{text} alias P{i}"]})
        units.append({"id": unit, "kind": text, "names": {"en": f"{text} U{i}", "de": f"{text} E{i}"}})
        quote = f"Quote {i}: {text} ends here."
        sentences.append(quote)
        evidence = {"source": "letter-2025", "quote": quote}
        changes.append({"create_unit": {"unit": unit, "parent": "platforms-group"}, "evidence": dict(evidence)})
        changes.append({"appoint": {"person": person, "title": f"{text} T{i}", "unit": unit, "head": True,
                                    "reports_to": "ana-ruiz"}, "evidence": dict(evidence)})
    people.append({"id": "p-max", "names": {"en": NAME_MAX}})
    changes.append({"appoint": {"person": "p-max", "title": NAME_MAX, "unit": "retail"},
                    "evidence": {"source": "letter-2025", "quote": sentences[0]}})
    registry = yaml.safe_load((BASE / "registry.yaml").read_text(encoding="utf-8"))
    registry["people"] += people
    registry["units"] += units
    letter = (BASE / "sources" / "letter-2025.txt").read_text(encoding="utf-8") + "\n".join(sentences) + "\n"
    announcement = {"id": "2025-06-01-hostile", "date": "2025-06-01", "title": LONG_TITLE + HOSTILE["svg-script"],
                    "sources": ["letter-2025"], "changes": changes}
    return write_dataset(root, {
        "registry.yaml": _dump(registry),
        "sources/letter-2025.txt": letter,
        "announcements/2025-06-01-hostile.yaml": _dump(announcement),
    })


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_folder(tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="module")
def svgs(hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every chart of the hostile folder: the latest snapshot (en, zh) and the diff's three views."""
    out = tmp_path_factory.mktemp("charts")
    charts: dict[str, bytes] = {}
    for lang in ("en", "zh", "de"):
        target = out / f"latest-{lang}.svg"
        proc = run_cli("--data", hostile, "render", "latest", "--lang", lang, "-o", target)
        assert proc.returncode == 0, proc.stderr
        charts[target.name] = target.read_bytes()
    proc = run_cli("--data", hostile, "render-diff", "latest~1", "latest", "--all", "-o", out / "diff")
    assert proc.returncode == 0, proc.stderr
    diff_files = sorted((out / "diff").rglob("*.svg"))
    assert len(diff_files) >= 3, diff_files
    for path in diff_files:
        charts[f"diff/{path.name}"] = path.read_bytes()
    return charts


def test_hostile_names_load_and_check(hostile: Path) -> None:
    proc = run_cli("--data", hostile, "check")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok: 3 announcements")


def test_json_keeps_every_name_verbatim(hostile: Path) -> None:
    proc = run_cli("--data", hostile, "show", "latest", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    text = json.dumps(data, ensure_ascii=False)
    nodes = {n["id"]: n for n in data["nodes"]}
    for i, (key, value) in enumerate(_ids()):
        assert nodes[f"p-{key}"]["names"] == {"en": f"{value} P{i}", "zh": f"{value} 人{i}"}
        assert nodes[f"u-{key}"]["names"] == {"en": f"{value} U{i}", "de": f"{value} E{i}"}
        assert f"Quote {i}: {value} ends here." in {ev["quote"] for e in data["edges"] for ev in e["evidence"]}
    titles = {e.get("title") for e in data["edges"]}
    for i, (_, value) in enumerate(_ids()):
        assert f"{value} T{i}" in titles
    assert json.dumps(NAME_MAX) in text
    log = run_cli("--data", hostile, "log", "--format", "json")
    assert log.returncode == 0, log.stderr
    assert LONG_TITLE + HOSTILE["svg-script"] in [v["title"] for v in json.loads(log.stdout)]


@pytest.mark.parametrize("lang, suffix", [("en", "P"), ("zh", "人")])
def test_text_output_keeps_every_name_verbatim(hostile: Path, lang: str, suffix: str) -> None:
    proc = run_cli("--data", hostile, "show", "latest", "--lang", lang)
    assert proc.returncode == 0, proc.stderr
    for i, (_, value) in enumerate(_ids()):
        assert f"{value} {suffix}{i}" in proc.stdout


def test_history_finds_an_entity_by_a_hostile_alias(hostile: Path) -> None:
    proc = run_cli("--data", hostile, "history", f"{HOSTILE['svg-script']} alias P{list(dict(_ids())).index('svg-script')}",
                   "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == "p-svg-script"


# ------------------------------------------------------------------ exports


def _export(hostile: Path, fmt: str) -> str:
    proc = run_cli("--data", hostile, "export", "latest", "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_graphml_keeps_every_name_verbatim(hostile: Path) -> None:
    root = ET.fromstring(_export(hostile, "graphml").encode("utf-8"))
    values = {el.text for el in root.iter() if _local(el.tag) == "data"}
    for i, (_, value) in enumerate(_ids()):
        assert f"{value} U{i}" in values
        assert f"{value} P{i}" in values


def test_mermaid_labels_cannot_break_out(hostile: Path) -> None:
    """Mermaid renders labels as HTML: no raw markup, no interaction directives, one statement per line."""
    text = _export(hostile, "mermaid")
    assert "<" not in text and ">" not in text.replace("-->", "").replace("-.->", "").replace("==>", "")
    for line in text.splitlines():
        assert not line.strip().startswith(("click ", "call ", "href ", "%%{")), line
    assert "#quot;]; x [label=#quot;pwned" in text


def test_csv_cells_are_never_formulas(hostile: Path, tmp_path: Path) -> None:
    """A name a spreadsheet would run as a formula (CSV injection) is written with a leading apostrophe."""
    import csv
    import io

    registry = (hostile / "registry.yaml").read_text(encoding="utf-8")
    root = write_dataset(tmp_path / "data", {"registry.yaml": registry.replace(
        "en: Tom Berg", "en: '=HYPERLINK(\"http://example.com\",\"x\")'")}, base=hostile)
    rows = list(csv.reader(io.StringIO(_export(root, "csv"))))
    assert "'=HYPERLINK(\"http://example.com\",\"x\")" in {cell for row in rows for cell in row}
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "@", "-")]


def _markdown_is_inert(text: str, name: str) -> None:
    """No raw HTML but the index's own anchors, and links only to places inside the build (no URL scheme)."""
    text = re.sub(r'<a id="[a-z0-9][a-z0-9-]*"></a>', "", text)
    assert not re.search(r"(?<!\\)<", text), (name, re.search(r".{40}(?<!\\)<.{40}", text))
    for target in re.findall(r"(?<!\\)\]\(([^)]*)\)", text):
        assert not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target), (name, target)


def test_markdown_outputs_show_names_as_text(hostile: Path, tmp_path: Path) -> None:
    proc = run_cli("--data", hostile, "diff", "latest~1", "latest", "--format", "markdown")
    assert proc.returncode == 0, proc.stderr
    _markdown_is_inert(proc.stdout, "diff.md")
    build = run_cli("--data", hostile, "build", "-o", tmp_path / "charts")
    assert build.returncode == 0, build.stderr
    readme = (tmp_path / "charts" / "README.md").read_text(encoding="utf-8")
    _markdown_is_inert(readme, "README.md")
    assert "](diffs/" in readme or "](2025" in readme, "the check must see the build's own links"


def test_diff_json_and_text_keep_names_verbatim(hostile: Path) -> None:
    proc = run_cli("--data", hostile, "diff", "latest~1", "latest", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    created = {c["subject"]: c for c in json.loads(proc.stdout)["changes"] if c["kind"] == "unit_created"}
    text = run_cli("--data", hostile, "diff", "latest~1", "latest", "--no-color")
    assert text.returncode == 0, text.stderr
    for i, (key, value) in enumerate(_ids()):
        assert created[f"u-{key}"]["after"]["names"]["en"] == f"{value} U{i}"
        assert f"{value} U{i}" in text.stdout


# ------------------------------------------------------------------ SVG


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def assert_inert(svg: bytes, name: str) -> str:
    """The SVG parses, has no active content and no external reference; return all its text."""
    text = svg.decode("utf-8")
    assert "<!DOCTYPE" not in text and "<!ENTITY" not in text, name
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    for el in root.iter():
        tag = _local(el.tag)
        assert tag not in ("script", "foreignObject", "iframe", "object", "embed", "image", "use", "a",
                           "animate", "set", "handler"), (name, tag)
        for attr, value in el.attrib.items():
            local = _local(attr).lower()
            assert not local.startswith("on"), (name, tag, attr)
            assert local != "href", (name, tag, attr, value)
            assert "javascript:" not in value.lower() or local in ("title",), (name, tag, attr)
            urls = re.findall(r"url\(([^)]*)\)", value)
            assert all(u.strip("'\" ").startswith("#") for u in urls), (name, tag, attr, value)
    return "\n".join(t for el in root.iter() for t in (el.text, el.tail) if t)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_svg_is_inert_and_shows_the_names_as_text(svgs: dict[str, bytes]) -> None:
    for name, svg in sorted(svgs.items()):
        content = _squash(assert_inert(svg, name))
        if name.endswith("before.svg"):
            continue  # the hostile units are new: the "before" view has none of them
        suffix = {"latest-zh.svg": "人", "latest-de.svg": "P"}.get(name, "P")
        for i, (key, value) in enumerate(_ids()):
            unit_name = f"{value} {'E' if name == 'latest-de.svg' else 'U'}{i}"
            # Long names wrap onto several lines: compare with white space removed.
            assert _squash(unit_name) in content, (name, key)
            assert _squash(f"{value} {suffix}{i}") in content, (name, key)


def test_svg_tooltips_carry_the_quotes_verbatim(svgs: dict[str, bytes]) -> None:
    root = ET.fromstring(svgs["latest-en.svg"])
    titles = "\n".join(el.text or "" for el in root.iter(f"{SVG_NS}title"))
    for i, (_, value) in enumerate(_ids()):
        assert _squash(f"Quote {i}: {value} ends here.") in _squash(titles)


def test_the_checks_catch_an_unsafe_svg() -> None:
    """The inertness check itself fails on the things it looks for."""
    bad = [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><g onclick="alert(1)"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><g x:href="https://e.com"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://e.com/p.svg#a)"/></svg>',
    ]
    for svg in bad:
        with pytest.raises(AssertionError):
            assert_inert(svg, "bad")


# ------------------------------------------------------------------ a real browser


def _pwned(dom: str) -> bool:
    return bool(re.search(r'\sdata-pwned="1"', dom)) or f"<title>{MARK}</title>" in dom


@pytest.mark.skipif(not browser.CHROMIUM, reason="chromium is not installed")
def test_no_script_runs_in_a_browser(svgs: dict[str, bytes], tmp_path: Path) -> None:
    """Open the charts as SVG files and inlined into an HTML page; no hostile script may run.

    A page with a real script proves first that the browser does run scripts
    and that the check would notice.
    """
    control = tmp_path / "control.svg"
    control.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>x</text>'
                       '<script>document.documentElement.setAttribute("data-pwned","1")</script></svg>',
                       encoding="utf-8")
    assert _pwned(browser.dump_dom(control, 1000))
    svg = svgs["latest-en.svg"]
    direct = tmp_path / "chart.svg"
    direct.write_bytes(svg)
    body = svg.decode("utf-8").split("?>", 1)[1]
    page = tmp_path / "page.html"
    page.write_text(f"<!DOCTYPE html><html><head><title>chart</title></head><body>{body}</body></html>",
                    encoding="utf-8")
    for target in (direct, page):
        dom = browser.dump_dom(target, 1000)
        assert "Quote 0" in dom, dom[:500]
        assert not _pwned(dom), target.name
        assert "<script" not in dom.lower().replace("&lt;script", "")


# ------------------------------------------------------------------ what is refused, cleanly


@pytest.mark.parametrize("where, text, says", [
    ("name", "Tom\x07Berg", "control character U+0007"),
    ("name", "Tom\u0085Berg", "control character U+0085"),
    ("name", "N" * 10000, "at most 500 characters"),
    ("title", "T" * 10000, "at most 500 characters"),
])
def test_refused_names_fail_cleanly(make_dataset, where: str, text: str, says: str) -> None:
    if where == "name":
        registry = (BASE / "registry.yaml").read_text(encoding="utf-8")
        files = {"registry.yaml": registry.replace("names: {en: Tom Berg}", f"names: {{en: {json.dumps(text)}}}")}
    else:
        ann = (BASE / "announcements" / "2024-01-10-founding.yaml").read_text(encoding="utf-8")
        files = {"announcements/2024-01-10-founding.yaml": ann.replace("title: Group CFO", f"title: {json.dumps(text)}")}
    root = make_dataset(files)
    proc = run_cli("--data", root, "check")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    [line] = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
    assert re.match(r"error: \S+\.yaml:\d+:\d+: ", line), line
    assert says in line
    assert len(line) < 400, "the message quotes a short part of a long value, not all of it"
