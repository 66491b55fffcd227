"""Files on disk -> a validated :class:`Dataset`.

A data folder holds::

    sources.yaml            the source registry
    sources/*.txt           the source texts the quotes are checked against
    registry.yaml           people, units and posts, named once
    announcements/*.yaml    one announcement per file

Loading checks the shape of every file (pydantic), that every id used is in
the registry with the right type, and that every quote occurs in its source
after folding white space. All problems are collected and raised together as
one :class:`~orgmodel.errors.InputError`, each with its file and line.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from pydantic import BaseModel, ValidationError

from . import model as m
from .cache import Cache, code_version, digest, located_for, paused_gc, plain_parse, read_file
from .errors import InputError, Problem
from .yamlsrc import Located, parse_yaml, read_text

SOURCES_FILE = "sources.yaml"
REGISTRY_FILE = "registry.yaml"
ANNOUNCEMENTS_DIR = "announcements"


def fold(text: str) -> str:
    """Fold runs of white space into one space (and normalise to NFC)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def name_key(text: str) -> str:
    """The form names and aliases are matched in: folded and case-folded."""
    return fold(text).casefold()


@dataclass
class AnnouncementFile:
    announcement: m.Announcement
    located: Located

    def line_of(self, *path: Any) -> tuple[int | None, int | None]:
        return self.located.where(path)

    def problem(self, path: tuple, message: str, hint: str | None = None) -> Problem:
        return self.located.problem(path, message, hint)


@dataclass
class Dataset:
    """Everything in a data folder, validated and cross-checked."""

    root: Path
    sources: dict[str, m.Source]
    source_texts: Mapping[str, str]
    registry: m.Registry
    announcements: list[AnnouncementFile]
    entities: dict[str, m.Entity] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    name_index: dict[str, str] = field(default_factory=dict)

    def entity(self, entity_id: str) -> m.Entity:
        return self.entities[entity_id]

    def resolve_name(self, text: str) -> str | None:
        """An entity id from an id, a name in any language or an alias."""
        if text in self.entities:
            return text
        return self.name_index.get(name_key(text))

    def suggest(self, text: str, kind: str | None = None) -> list[str]:
        """Ids close to ``text``; failing those, names and aliases close to it."""
        ids = [i for i, k in self.kinds.items() if kind is None or k == kind]
        close = difflib.get_close_matches(text, ids, n=3, cutoff=0.6)
        if close or len(ids) > 5000:
            return close
        labels = sorted({label for i in ids for label in (*self.entities[i].names.values(), *self.entities[i].aliases)})
        return difflib.get_close_matches(text, labels, n=3, cutoff=0.6)


# --------------------------------------------------------------------------


def _validation_problems(err: ValidationError, located: Located, ds: "Dataset | None" = None) -> list[Problem]:
    out = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        msg = e["msg"]
        hint = None
        if e["type"] == "extra_forbidden":
            name = loc[-1] if loc else "?"
            msg = f"unknown field {name!r}"
            close = difflib.get_close_matches(str(name), _field_names(), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else "remove it or check its spelling"
        elif e["type"] == "missing":
            msg = f"missing required field {loc[-1]!r}" if loc else "missing field"
            hint = f"add '{loc[-1]}: ...'"
        elif e["type"] == "change_kind":
            hint = "start the change with one of those keys"
        elif e["type"].startswith("string_pattern"):
            hint = "ids use lower-case letters, digits and hyphens, e.g. 'jiang-fan'"
            named = ds.name_index.get(name_key(str(e.get("input", "")))) if ds else None
            if named:
                hint = f"{e['input']!r} is a name of {named!r}: use the id"
        elif e["type"] in ("dict_type", "model_type", "list_type", "string_type"):
            hint = "check the indentation and the kind of value"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        shown = ".".join(str(p) for p in _data_path(loc, located.data))
        if shown:
            msg = f"{shown}: {msg}"
        out.append(located.problem(loc, msg, hint))
    return out


def _data_path(loc: tuple, data: Any) -> list[Any]:
    """The parts of a pydantic location that are real keys or indexes in the data."""
    out, node = [], data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            if isinstance(node, dict) and part == loc[-1]:
                out.append(part)
            continue
        out.append(part)
    return out


_FIELDS: list[str] = []


def _field_names() -> list[str]:
    if not _FIELDS:
        seen: set[str] = set(m.ACTIONS)
        models: list[type[BaseModel]] = [m.Announcement, m.Source, m.SourcesFile, m.Registry,
                                         m.Person, m.Unit, m.Post, m.Evidence, *m.ACTIONS.values()]
        for model_cls in models:
            seen.update(model_cls.model_fields)
        _FIELDS.extend(sorted(seen))
    return _FIELDS


def _validate(model_cls: type[BaseModel], located: Located, problems: list[Problem], ds: "Dataset | None" = None) -> Any:
    if not isinstance(located.data, dict):
        problems.append(located.problem((), f"expected a mapping at the top of the file, found {type(located.data).__name__}",
                                        "see the example files in seeds/"))
        return None
    try:
        return model_cls.model_validate(located.data)
    except ValidationError as err:
        problems.extend(_validation_problems(err, located, ds))
        return None


class FoldedTexts(Mapping[str, str]):
    """Source texts by source id, white space folded on first use.

    A load whose quotes are all known to be verified (see
    :mod:`orgmodel.cache`) folds no text at all.
    """

    def __init__(self) -> None:
        self._raw: dict[str, str] = {}
        self._folded: dict[str, str] = {}

    def add(self, source: str, raw: str) -> None:
        self._raw[source] = raw
        self._folded.pop(source, None)

    def __getitem__(self, source: str) -> str:
        text = self._folded.get(source)
        if text is None:
            text = self._folded[source] = fold(self._raw[source])
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def _read(model_cls: type[BaseModel], path: Path, root: Path, problems: list[Problem], cache: Cache,
          ds: "Dataset | None" = None) -> tuple[Any, Located | None, str]:
    """A validated model of one file, where it came from, and its content key.

    Fast path first (the cache, else a plain libyaml parse and validation with
    the collector paused); the exact reader with its line map runs only for
    files the plain parse cannot take or that fail validation, so every
    problem keeps its exact line.
    """
    display = _display(path, root)
    try:
        text, content = read_file(path, display)
    except InputError as e:
        problems.extend(e.problems)
        return None, None, ""
    key = digest(code_version(), model_cls.__name__, content)
    model = cache.get("model", key)
    if model is not None:
        return model, located_for(path, display), key
    data = plain_parse(text)
    if isinstance(data, dict):
        try:
            with paused_gc():
                model = model_cls.model_validate(data)
        except ValidationError:
            model = None
    del data
    if model is not None:
        located: Located = located_for(path, display)
    else:
        try:
            located = parse_yaml(text, display)
        except InputError as e:
            problems.extend(e.problems)
            return None, None, key
        model = _validate(model_cls, located, problems, ds)
    if model is not None:
        cache.put("model", key, model)
    return model, located, key


def _cited(ann: m.Announcement) -> list[str]:
    return sorted(set(ann.sources).union(ev.source for ch in ann.changes for ev in ch.evidence))


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent)) if root.parent != Path("") else str(path)
    except ValueError:
        return str(path)


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (symbolic links followed) lies inside ``root``: data never points outside its folder."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def announcement_paths(root: Path) -> list[Path]:
    """The announcement files, in name order.

    Hidden files are skipped: ``._x.yaml`` (macOS metadata) or ``.#x.yaml``
    (an editor's lock) are leftovers, never announcements.
    """
    folder = root / ANNOUNCEMENTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix in (".yaml", ".yml") and not p.name.startswith(".") and p.is_file())


def load_dataset(root: str | Path) -> Dataset:
    """Load and check a data folder; raise one :class:`InputError` with every problem."""
    with paused_gc(freeze=True):  # millions of objects are made and kept: collections only cost
        return _load_dataset(Path(root))


def _load_dataset(root: Path) -> Dataset:
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        raise InputError(Problem(f"data folder {root} not found", hint="pass the folder that holds sources.yaml"))
    for needed in (SOURCES_FILE, REGISTRY_FILE):
        if not (root / needed).is_file():
            problems.append(Problem(f"{needed} is missing", _display(root / needed, root),
                                    hint=f"a data folder needs {SOURCES_FILE}, {REGISTRY_FILE} and {ANNOUNCEMENTS_DIR}/"))
    if not (root / ANNOUNCEMENTS_DIR).is_dir():
        problems.append(Problem(f"{ANNOUNCEMENTS_DIR}/ is missing or not a folder", _display(root / ANNOUNCEMENTS_DIR, root),
                                hint=f"create {ANNOUNCEMENTS_DIR}/ and put one YAML file per announcement in it"))
    if problems:
        raise InputError(problems)

    cache = Cache.for_data(root)
    sources_file, src_loc, src_key = _read(m.SourcesFile, root / SOURCES_FILE, root, problems, cache)
    registry, reg_loc, reg_key = _read(m.Registry, root / REGISTRY_FILE, root, problems, cache)

    sources: dict[str, m.Source] = {}
    texts = FoldedTexts()
    text_keys: dict[str, str] = {}
    if sources_file:
        for i, src in enumerate(sources_file.sources):
            if src.id in sources:
                problems.append(src_loc.problem(("sources", i, "id"), f"source id {src.id!r} is used twice",
                                                "give each source its own id"))
                continue
            sources[src.id] = src
            text_path = root / src.file
            if not _inside(text_path, root):
                problems.append(src_loc.problem(("sources", i, "file"),
                                                f"source {src.id!r}: {src.file!r} is outside the data folder",
                                                "keep source texts inside the data folder, e.g. sources/NAME.txt"))
                continue
            try:
                raw_text = read_text(text_path, _display(text_path, root))
                text_keys[src.id] = digest(raw_text)
                texts.add(src.id, raw_text)
            except InputError as e:
                line, col = src_loc.where(("sources", i, "file"))
                for p in e.problems:
                    problems.append(Problem(f"source {src.id!r}: {p.location()}: {p.message}", src_loc.file, line, col, p.hint))

    ds = Dataset(root, sources, texts, registry or m.Registry(), [])
    if registry is not None:
        index = cache.get("index", reg_key)
        if index is not None:
            ds.entities, ds.kinds, ds.name_index = index
        else:
            before = len(problems)
            _index_registry(ds, reg_loc, problems)
            if len(problems) == before:
                cache.put("index", reg_key, (ds.entities, ds.kinds, ds.name_index))

    seen_ids: dict[str, str] = {}
    for path in announcement_paths(root):
        ann, loc, ann_key = _read(m.Announcement, path, root, problems, cache, ds)
        if ann is None or loc is None:
            continue
        af = AnnouncementFile(ann, loc)
        if ann.id in seen_ids:
            problems.append(af.problem(("id",), f"announcement id {ann.id!r} is also used by {seen_ids[ann.id]}",
                                       "give each announcement its own id"))
            continue
        seen_ids[ann.id] = loc.file
        if registry is not None and sources_file is not None:
            # Verified once for this content of the file, the registry, the
            # source list and every text it cites.
            checked = digest(ann_key, reg_key, src_key, *(f"{s}={text_keys.get(s, '')}" for s in _cited(ann)))
            if cache.get("verified", checked) is None:
                found = check_references(ds, af)
                if not found:
                    cache.put("verified", checked, True)
                problems.extend(found)
        ds.announcements.append(af)
    cache.save()
    if problems:
        raise InputError(problems)
    ds.announcements.sort(key=lambda a: a.announcement.sort_key())
    return ds


def _index_registry(ds: Dataset, located: Located, problems: list[Problem]) -> None:
    owners: dict[str, tuple[str, tuple]] = {}
    first_seen: dict[str, tuple] = {}
    for group, kind in (("people", "person"), ("units", "unit"), ("posts", "post")):
        for i, ent in enumerate(getattr(ds.registry, group)):
            path = (group, i, "id")
            if ent.id in ds.entities:
                first = located.where(first_seen[ent.id])[0]
                problems.append(located.problem(path, f"id {ent.id!r} is used twice in the registry (first on line {first})",
                                                "give each person, unit and post its own id"))
                continue
            first_seen[ent.id] = path
            ds.entities[ent.id] = ent
            ds.kinds[ent.id] = kind
            labels = [(n, (group, i, "names", lang)) for lang, n in ent.names.items()]
            labels += [(a, (group, i, "aliases", j)) for j, a in enumerate(ent.aliases)]
            for text, where in labels:
                key = name_key(text)
                owner = owners.get(key)
                if owner and owner[0] != ent.id:
                    line = located.where(owner[1])[0]
                    problems.append(located.problem(
                        where, f"name or alias {text!r} of {ent.id!r} is already a name of {owner[0]!r} (line {line})",
                        "an alias must point to one entity: remove it from one of them"))
                    continue
                owners[key] = (ent.id, where)
    ds.name_index = {k: v[0] for k, v in owners.items()}
    for i, post in enumerate(ds.registry.posts):
        if post.unit and ds.kinds.get(post.unit) != "unit":
            problems.append(located.problem(("posts", i, "unit"), f"post {post.id!r} names unknown unit {post.unit!r}",
                                            "use a unit id from the registry"))


# Fields of each action that hold ids, and the kind of entity each must be.
_REF_FIELDS: dict[str, dict[str, str]] = {
    "person": {"person": "person", "reports_to": "person", "to": "person"},
    "unit": {"unit": "unit", "parent": "unit", "units": "unit", "into": "unit"},
    "post": {"post": "post"},
}
_FIELD_KIND = {f: kind for group in _REF_FIELDS.values() for f, kind in group.items()}


def _ids(value: Any) -> Iterable[tuple[Any, str]]:
    if isinstance(value, str):
        yield (), value
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (i,), v


def check_references(ds: Dataset, af: AnnouncementFile) -> list[Problem]:
    """Ids known with the right type; evidence sources listed; quotes found."""
    ann = af.announcement
    problems: list[Problem] = []
    for i, sid in enumerate(ann.sources):
        if sid not in ds.sources:
            problems.append(af.problem(("sources", i), f"unknown source {sid!r}",
                                       _hint_for(ds, sid, None, "register it in sources.yaml")))
    if ann.author is not None:
        problems.extend(_check_id(ds, af, ("author",), ann.author, "person"))
    cursors: dict[str, int] = {}
    for ci, change in enumerate(ann.changes):
        action = _ACTION_OF[type(change)]
        body = getattr(change, action)
        for fname, kind in _ref_fields(type(body)):
            value = getattr(body, fname)
            if value is None:
                continue
            for sub, ident in _ids(value):
                problems.extend(_check_id(ds, af, ("changes", ci, action, fname) + sub, ident, kind))
        for ei, ev in enumerate(change.evidence):
            base = ("changes", ci, "evidence", ei)
            if ev.source not in ds.sources:
                problems.append(af.problem(base + ("source",), f"unknown source {ev.source!r}",
                                           _hint_for(ds, ev.source, None, "register it in sources.yaml")))
                continue
            if ev.source not in ann.sources:
                problems.append(af.problem(base + ("source",),
                                           f"evidence cites {ev.source!r}, which is not in this announcement's sources",
                                           f"add {ev.source!r} to 'sources'"))
            text = ds.source_texts.get(ev.source)
            if text is not None and not _quote_found(text, fold(ev.quote), cursors, ev.source):
                problems.append(af.problem(
                    base + ("quote",),
                    f"quote not found in source {ev.source!r} ({ds.sources[ev.source].file}): {_short(ev.quote)!r}",
                    _quote_hint(text, fold(ev.quote))))
    return problems


_ACTION_OF: dict[type, str] = {cls: name for name, cls in m.CHANGE_MODELS.items()}
_REF_FIELDS_OF: dict[type, list[tuple[str, str]]] = {}


def _ref_fields(body_cls: type[BaseModel]) -> list[tuple[str, str]]:
    """The fields of an action that hold ids, with the kind each must be (looked up once)."""
    found = _REF_FIELDS_OF.get(body_cls)
    if found is None:
        found = [(f, _FIELD_KIND[f]) for f in body_cls.model_fields if f in _FIELD_KIND]
        _REF_FIELDS_OF[body_cls] = found
    return found


def _quote_found(text: str, quote: str, cursors: dict[str, int], source: str) -> bool:
    """Whether ``quote`` occurs in ``text``.

    Quotes mostly follow the order of their source, so the search starts
    where the previous quote from the same source was found, and only looks
    at the whole text when that fails: a long source is not scanned once per
    quote.
    """
    at = text.find(quote, cursors.get(source, 0))
    if at < 0:
        at = text.find(quote)
        if at < 0:
            return False
    cursors[source] = at
    return True


def _check_id(ds: Dataset, af: AnnouncementFile, path: tuple, ident: str, kind: str) -> list[Problem]:
    actual = ds.kinds.get(ident)
    if actual == kind:
        return []
    if actual is None:
        return [af.problem(path, f"unknown {kind} {ident!r}", _hint_for(ds, ident, kind, f"add it to {REGISTRY_FILE}"))]
    return [af.problem(path, f"{ident!r} is a {actual}, but a {kind} is expected here",
                       _hint_for(ds, ident, kind, f"use a {kind} id"))]


def _hint_for(ds: Dataset, ident: str, kind: str | None, default: str) -> str:
    named = ds.name_index.get(name_key(ident))
    if named and (kind is None or ds.kinds[named] == kind):
        return f"{ident!r} is a name of {named!r}: use the id"
    if kind is None:
        close = difflib.get_close_matches(ident, list(ds.sources), n=1, cutoff=0.6)
    else:
        close = ds.suggest(ident, kind)
    if close:
        return f"did you mean {close[0]!r}? or {default}"
    return default


def _short(text: str, limit: int = 80) -> str:
    text = fold(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote_hint(text: str, quote: str) -> str:
    """Point at the longest start of the quote that the source does contain."""
    lo, hi = 0, len(quote)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if quote[:mid] in text:
            lo = mid
        else:
            hi = mid - 1
    if lo >= 8:
        return f"the source has the first {lo} characters but then differs after {_short(quote[:lo], 40)!r}; copy the sentence verbatim"
    return "copy the sentence verbatim from the source text"
