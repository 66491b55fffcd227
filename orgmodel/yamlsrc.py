"""YAML files -> plain Python data plus a map from data paths to line numbers.

PyYAML's composer (libyaml when available) builds a node tree that still knows
where every key and item stood. We turn it into dicts and lists ourselves so
that a pydantic error at ``("changes", 3, "appoint", "title")`` can be reported
as ``file.yaml:41:7``. Anchors and aliases are refused: hand-written
announcement files have no use for them, and refusing them makes "billion
laughs" documents fail at once with bounded memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

MAX_FILE_BYTES = 64 * 1024 * 1024
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 file, with errors that name the byte's line."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(Problem("file not found", display, hint="check the path")) from None
    if size > MAX_FILE_BYTES:
        raise InputError(
            Problem(
                f"file is {size // (1024 * 1024)} MiB, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit",
                display,
                hint="split it into several files",
            )
        )
    raw = path.read_bytes()
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
    if not text.strip():
        raise InputError(Problem("file is empty", display, 1, None, "write a YAML mapping into it or delete it"))
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = e.problem or "malformed YAML"
        raise InputError(
            Problem(f"malformed YAML: {what}", display, line, col, "fix the YAML syntax at that place")
        ) from None
    except yaml.YAMLError as e:
        raise InputError(Problem(f"malformed YAML: {e}", display, hint="fix the YAML syntax")) from None
    finally:
        loader.dispose()
    if root is None:
        raise InputError(Problem("file has no content", display, 1, None, "write a YAML mapping into it"))
    located = Located(display, None)
    builder = _Builder(loader, located)
    located.data = builder.build(root, ())
    if builder.problems:
        raise InputError(builder.problems)
    return located


class _Builder:
    def __init__(self, loader: Any, located: Located):
        self.loader = loader
        self.located = located
        self.seen: set[int] = set()
        self.problems: list[Problem] = []

    def _mark(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: yaml.Node, path: Path_) -> Any:
        if id(node) in self.seen:
            line, col = self._mark(node)
            raise InputError(
                Problem(
                    "YAML anchors and aliases (&name, *name) are not supported",
                    self.located.file,
                    line,
                    col,
                    "write the value out in full",
                )
            )
        self.seen.add(id(node))
        self.located.lines.setdefault(path, self._mark(node))
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise InputError(
                        Problem("YAML merge keys (<<) are not supported", self.located.file,
                                *self._mark(key_node), "write the keys out in full")
                    )
                key = self.build(key_node, path + ("<key>",))
                if isinstance(key, (list, dict)):
                    self.problems.append(
                        Problem("a mapping key must be a plain value", self.located.file, *self._mark(key_node))
                    )
                    continue
                if key in out:
                    line, col = self._mark(key_node)
                    first = self.located.lines.get(path + (key,), (None, None))[0]
                    self.problems.append(
                        Problem(
                            f"key {key!r} appears twice in the same mapping (first on line {first})",
                            self.located.file,
                            line,
                            col,
                            "keep one of them",
                        )
                    )
                    continue
                self.located.lines[path + (key,)] = self._mark(key_node)
                out[key] = self.build(value_node, path + (key,))
            self.located.lines.pop(path + ("<key>",), None)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as e:
            line, col = self._mark(node)
            raise InputError(
                Problem(f"bad value: {getattr(e, 'problem', e)}", self.located.file, line, col, "quote the value")
            ) from None
