"""YAML files -> plain Python data plus a map from data paths to line numbers.

PyYAML's parser (libyaml when available) gives a stream of events that still
know where every key and item stood. We build dicts and lists from that stream
ourselves, in one loop with an explicit stack, so that a pydantic error at
``("changes", 3, "appoint", "title")`` can be reported as ``file.yaml:41:7``.

The loop is also the defence against hostile files. PyYAML's own composer
recurses once per nesting level (deep enough nesting crashes the interpreter)
and expands aliases; here nesting is capped at :data:`MAX_DEPTH` levels and
anchors, aliases and merge keys are refused outright: hand-written
announcement files have no use for them, and refusing them makes "billion
laughs" documents fail at once with bounded memory. Files over the size limit
(:func:`max_file_bytes`) are refused before they are read.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_FILE_ENV = "ORGMODEL_MAX_FILE_MB"
MAX_DEPTH = 64
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap", "!"}

Path_ = tuple[Any, ...]


@dataclass
class Located:
    """Data read from one file, and where each part of it was written."""

    file: str
    data: Any
    lines: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_) -> tuple[int | None, int | None]:
        """Line and column of the deepest part of ``path`` that exists in the data.

        Path elements that are not keys or indexes of the data (pydantic adds
        tags and model names to error locations) are skipped.
        """
        node = self.data
        found: Path_ = ()
        best = self.lines.get((), (None, None))
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                continue
            found = found + (part,)
            best = self.lines.get(found, best)
        return best

    def problem(self, path: Path_, message: str, hint: str | None = None) -> Problem:
        line, col = self.where(path)
        return Problem(message, self.file, line, col, hint)


def max_file_bytes() -> int:
    """The size limit for any file read: $ORGMODEL_MAX_FILE_MB mebibytes, else 64 MiB.

    Parsing YAML takes about 30 times the file's size in memory, so the limit
    keeps one bad file from exhausting the machine; the variable raises it
    for a legitimately huge registry, or lowers it.
    """
    raw = os.environ.get(MAX_FILE_ENV, "").strip()
    if not raw:
        return MAX_FILE_BYTES
    try:
        mib = float(raw)
    except ValueError:
        raise InputError(Problem(f"{MAX_FILE_ENV}={raw!r} is not a number",
                                 hint="set it to a size in MiB, e.g. 64, or unset it")) from None
    if not mib > 0:
        raise InputError(Problem(f"{MAX_FILE_ENV}={raw!r} must be above 0", hint="set it to a size in MiB, e.g. 64"))
    return int(mib * 1024 * 1024)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.3g} MiB"


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 file, with errors that name the byte's line."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(Problem("file not found", display, hint="check the path")) from None
    except OSError as e:
        raise InputError(Problem(f"cannot read the file: {e.strerror}", display, hint="check the path")) from None
    if not stat.S_ISREG(info.st_mode):
        # A folder, a device such as /dev/zero or a pipe: reading it could block or never end.
        raise InputError(Problem("is not a regular file", display, hint="point at a text file"))
    limit = max_file_bytes()
    too_big = Problem(f"file is {_mib(info.st_size)}, over the {_mib(limit)} limit", display,
                      hint=f"split it into several files, or raise the limit with {MAX_FILE_ENV}")
    if info.st_size > limit:
        raise InputError(too_big)
    try:
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)  # the file may have grown since stat()
    except OSError as e:
        raise InputError(Problem(f"cannot read the file: {e.strerror}", display, hint="check its permissions")) from None
    if len(raw) > limit:
        raise InputError(too_big)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputError(
            Problem(
                f"not valid UTF-8 (byte 0x{raw[e.start]:02x})",
                display,
                line,
                col,
                "save the file as UTF-8",
            )
        ) from None


def load_yaml(path: Path, display: str | None = None) -> Located:
    """Parse one YAML file into a :class:`Located`; raise :class:`InputError`."""
    display = display or str(path)
    text = read_text(path, display)
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> Located:
    """Parse YAML text (one document) into a :class:`Located`; raise :class:`InputError`."""
    if not text.strip():
        raise InputError(Problem("file is empty", display, 1, None, "write a YAML mapping into it or delete it"))
    loader = _Loader(text)
    located = Located(display, None)
    builder = _Builder(loader, located)
    try:
        located.data = builder.run()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = e.problem or "malformed YAML"
        raise InputError(
            Problem(f"malformed YAML: {what}", display, line, col, "fix the YAML syntax at that place")
        ) from None
    except yaml.reader.ReaderError as e:
        char = e.character if isinstance(e.character, int) else ord(e.character)
        # libyaml counts bytes, the pure-Python reader characters: find the character itself.
        at = text.find(chr(char))
        at = e.position if at < 0 else at
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        raise InputError(
            Problem(f"control character U+{char:04X} is not allowed in a data file", display, line, col,
                    "delete it: names and titles are plain text")
        ) from None
    except yaml.YAMLError as e:
        raise InputError(Problem(f"malformed YAML: {e}", display, hint="fix the YAML syntax")) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise InputError(builder.problems)
    if located.data is None:
        raise InputError(Problem("file has no content", display, 1, None, "write a YAML mapping into it"))
    return located


class _Open:
    """A mapping or sequence being filled.

    ``path`` is None for a collection that is dropped (used as a key, or the
    value of a refused key): it is still parsed, but not recorded.
    """

    __slots__ = ("value", "path", "mark", "key", "expect_key")

    def __init__(self, value: Any, path: Path_ | None, mark: tuple[int, int]):
        self.value = value
        self.path = path
        self.mark = mark
        self.key: Any = _NOT_A_KEY
        self.expect_key = True


_NOT_A_KEY = object()
# C0 and C1 control characters except tab, line feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Builder:
    """Turns the parser's events into plain data, with a line for every path."""

    def __init__(self, loader: Any, located: Located):
        self.loader = loader
        self.located = located
        self.problems: list[Problem] = []
        self.stack: list[_Open] = []
        self.root: Any = None
        self.documents = 0

    def _refuse(self, message: str, mark: Any, hint: str) -> None:
        raise InputError(Problem(message, self.located.file, mark.line + 1, mark.column + 1, hint))

    def run(self) -> Any:
        get_event = self.loader.get_event
        while True:
            ev = get_event()
            if ev is None or isinstance(ev, yaml.StreamEndEvent):
                return self.root
            kind = type(ev)
            if kind is yaml.ScalarEvent:
                self._check_anchor(ev)
                mark = (ev.start_mark.line + 1, ev.start_mark.column + 1)
                self._place(self._scalar(ev), mark, self._child_path())
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self._open(ev, {} if kind is yaml.MappingStartEvent else [])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                done = self.stack.pop()
                self._place(done.value, done.mark, done.path, collection=True)
            elif kind is yaml.AliasEvent:
                self._refuse("YAML aliases (*name) are not supported", ev.start_mark, "write the value out in full")
            elif kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    self._refuse("a second YAML document (---) in the same file", ev.start_mark,
                                 "keep one document per file: put each announcement in its own file")

    def _check_anchor(self, ev: Any) -> None:
        if ev.anchor is not None:
            self._refuse(f"YAML anchors (&{ev.anchor}) are not supported", ev.start_mark,
                         "write the value out in full where it is used")

    def _open(self, ev: Any, value: Any) -> None:
        self._check_anchor(ev)
        if ev.tag is not None and ev.tag not in _COLLECTION_TAGS:
            self._refuse(f"YAML tag {ev.tag!r} is not supported", ev.start_mark, "remove the tag")
        if len(self.stack) >= MAX_DEPTH:
            self._refuse(f"nested more than {MAX_DEPTH} levels deep", ev.start_mark,
                         "announcement files need only a few levels: check the brackets and indentation")
        mark = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        path = self._child_path()
        self.stack.append(_Open(value, path, mark))
        if path is not None:
            self.located.lines.setdefault(path, mark)

    def _child_path(self) -> Path_ | None:
        """The data path of the next value; None when it is a key or is dropped."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.path is None:
            return None
        if isinstance(top.value, list):
            return top.path + (len(top.value),)
        if top.expect_key or top.key is _NOT_A_KEY:
            return None
        return top.path + (top.key,)

    def _scalar(self, ev: Any) -> Any:
        tag = ev.tag
        if tag is None or tag == "!":
            if ev.style or tag == "!":
                return self._text(ev)  # quoted or block text, or the non-specific tag: a string
            tag = self.loader.resolve(yaml.ScalarNode, ev.value, ev.implicit)
            implicit = True
        else:
            implicit = False
        if tag == _STR:
            return self._text(ev)
        if tag == _MERGE:
            self._refuse("YAML merge keys (<<) are not supported", ev.start_mark, "write the keys out in full")
        constructors = self.loader.yaml_constructors
        node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
        try:
            return constructors.get(tag, constructors[None])(self.loader, node)
        except yaml.YAMLError as e:
            self._refuse(f"bad value: {getattr(e, 'problem', None) or e}", ev.start_mark, "quote the value")
        except (ValueError, OverflowError) as e:
            if implicit:
                # It looked like a date or a number but is not one (2023-02-30): keep
                # the text, so that the field's own check says what is wrong with it.
                return ev.value
            self._refuse(f"bad value for !!{tag.rsplit(':', 1)[-1]}: {e}", ev.start_mark, "fix or quote the value")
        return None

    def _text(self, ev: Any) -> str:
        """A string value; control characters written as escapes ("\\x01") are refused."""
        value = ev.value
        bad = _CONTROL.search(value)
        if bad:
            self.problems.append(Problem(
                f"control character U+{ord(bad.group()):04X} in {_short(value)!r}", self.located.file,
                ev.start_mark.line + 1, ev.start_mark.column + 1,
                "remove it: names, titles and quotes are plain text; tabs and line breaks are allowed"))
        return value

    def _place(self, value: Any, mark: tuple[int, int], path: Path_ | None, collection: bool = False) -> None:
        """Put a finished scalar or collection into the collection around it."""
        if path is not None:
            self.located.lines.setdefault(path, mark)
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
        elif top.expect_key:
            top.expect_key = False
            top.key = self._key(top, value, mark, collection)
        else:
            if top.key is not _NOT_A_KEY:
                top.value[top.key] = value
            top.expect_key = True
            top.key = _NOT_A_KEY

    def _key(self, top: _Open, key: Any, mark: tuple[int, int], collection: bool) -> Any:
        if top.path is None:
            return _NOT_A_KEY
        if collection or not _hashable(key):
            self.problems.append(Problem("a mapping key must be a plain value", self.located.file, *mark,
                                         "write the key as plain text"))
            return _NOT_A_KEY
        if key in top.value:
            first = self.located.lines.get(top.path + (key,), (None, None))[0]
            self.problems.append(Problem(f"key {key!r} appears twice in the same mapping (first on line {first})",
                                         self.located.file, *mark, "keep one of them"))
            return _NOT_A_KEY
        self.located.lines[top.path + (key,)] = mark
        return key


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
