"""Reading data files fast: a content-keyed cache and a lean first parse.

A large organisation's files take many seconds to parse and validate, yet
between two commands they rarely change. Three things keep loading fast
without ever giving a stale or less exact answer:

* **A cache of validated models keyed by file content.** Each file's entry
  is keyed by the SHA-256 of its bytes; the pack holding the entries is
  tagged with :func:`code_version` (a hash of the modules that parse and
  validate, and of the Python and pydantic versions). An edited file has
  another key, so an entry can never be stale; a pack that cannot be read
  back (truncated, corrupt, from another version) is ignored and rewritten.
  Quote checks are cached the same way, keyed by the announcement, the
  registry, the source list and every source text the announcement cites.
  The pack of a data folder lives in ``.orgmodel-cache/`` next to it, or in
  ``$ORGMODEL_CACHE_DIR``; set that to ``off`` to read without a cache.
  Packs are written atomically (:mod:`orgmodel.fsutil`). They are pickles,
  so a pack is only unpickled when its HMAC-SHA256, under a secret key of
  the user's own (``$XDG_CACHE_HOME/orgmodel/cache.key``, mode 0600), is
  right: a pack committed to a repository or planted beside the data by
  someone else is ignored, never loaded. Without a usable key nothing is
  cached.
* **A plain libyaml parse first.** The exact reader (:mod:`orgmodel.yamlsrc`)
  records a line for every value, which costs as much as the parse itself.
  Most files are fine, so they are parsed with libyaml alone, with the
  garbage collector paused; any file the plain parse might read differently
  from the exact reader (anchors, tags, escapes, duplicate keys, control
  characters, anything it raises on) goes through the exact reader instead.
* **Line maps on demand.** :class:`LazyLocated` parses the file again with
  the exact reader the first time an error needs a line number.
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import hashlib
import hmac
import os
import pickle
import re
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from . import model as m
from .fsutil import write_bytes
from .yamlsrc import Located, parse_yaml, read_text

CACHE_ENV = "ORGMODEL_CACHE_DIR"
CACHE_DIRNAME = ".orgmodel-cache"
_MAGIC = b"orgmodel-cache-4\n"
KEY_ENV = "ORGMODEL_CACHE_KEY_FILE"


def _key_path() -> Path:
    env = os.environ.get(KEY_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "orgmodel" / "cache.key"


def secret_key() -> bytes | None:
    """The user's cache key, made on first use; None when it cannot be trusted.

    A key file that others can read or write, or that belongs to someone
    else, is not used: whoever knows the key could forge a pack.
    """
    path = _key_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return secret_key()
        except OSError:
            return None
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32))
        st = path.stat()
    except OSError:
        return None
    if st.st_mode & 0o077 or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
        return None
    try:
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) >= 32 else None


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()
_CODE_MODULES = ("model.py", "yamlsrc.py", "load.py", "cache.py")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Text the plain parse might read differently from the exact reader: anchors,
# aliases, tags, escapes, merge keys, directives, document markers, controls.
_NOT_PLAIN = re.compile(r"[&*!\\%\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|<<|^(?:---|\.\.\.)", re.M)


# Bounds on nesting for the plain parse: libyaml's composer recurses once per
# level in C, so a deeply nested file must go to the exact reader, which
# refuses it cleanly. Data files nest a few levels; these bounds are generous.
_MAX_LEAD = 64  # indentation and "- " / "? " marks before a line's content
_MAX_FLOW = 64  # [ and { open at once
_DEEP_LEAD = re.compile(r"^[ \t?:-]{%d,}" % _MAX_LEAD, re.M)
_ONE_LINE_QUOTED = re.compile(r'"[^"\n]*"|\'[^\'\n]*\'')
_BRACKETS = re.compile(r"[\[\]{}]")


def _nesting_bounded(text: str) -> bool:
    """True when ``text`` certainly nests less deep than the bounds above.

    Brackets inside one-line quoted strings are ignored; a quote that spans
    lines, or a stray quote mark, makes the answer False (the exact reader
    then decides).
    """
    if _DEEP_LEAD.search(text):
        return False
    bare = _ONE_LINE_QUOTED.sub("", text)
    if '"' in bare or "'" in bare:
        return False
    depth = 0
    for ch in _BRACKETS.findall(bare):
        if ch in "[{":
            depth += 1
            if depth >= _MAX_FLOW:
                return False
        else:
            depth -= 1
    return True


class _Irregular(Exception):
    """The plain parse saw something the exact reader treats its own way."""


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _PlainLoader(_Loader):  # type: ignore[misc,valid-type]
    """libyaml's loader with a shortcut for the tags of most nodes.

    The composer asks for every node's tag. Quoted scalars are strings, and a
    plain scalar can only be something else when it starts with a character
    some implicit resolver listens to; everything else takes the usual way.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0] or (value and value[0] not in self.yaml_implicit_resolvers):
                return _STR
        elif kind is yaml.MappingNode:
            return _MAP
        elif kind is yaml.SequenceNode:
            return _SEQ
        return super().resolve(kind, value, implicit)


def _build(loader: Any, node: Any) -> Any:
    """Plain data from a composed node: what the safe constructor makes, without its detours.

    Strings (nearly every scalar) are taken as they are; other scalars go to
    the loader's own constructors, so ints, booleans, nulls and dates come
    out exactly as with ``yaml.safe_load``.
    """
    kind = type(node)
    if kind is yaml.ScalarNode:
        return node.value if node.tag == _STR else loader.construct_object(node)
    if kind is yaml.MappingNode and node.tag == _MAP:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(loader, key_node)
            if key in out:  # unhashable keys raise TypeError: the exact reader reports both
                raise _Irregular("duplicate key")
            out[key] = _build(loader, value_node)
        return out
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_build(loader, item) for item in node.value]
    raise _Irregular(f"unexpected node {node.tag}")


@contextlib.contextmanager
def paused_gc(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    Parsing and validation allocate millions of containers and free none of
    them; every collection pass would walk them all for nothing. With
    ``freeze``, what exists at the end is moved out of the collector's reach
    (``gc.freeze``): a loaded dataset or history lives as long as the command,
    and otherwise the first collection after the pause, and every full one
    later, walks all of it again (half a second at 100,000 people, and
    pauses of that size in the middle of a diff). Objects are still freed
    when no longer referenced; only reference cycles made before the freeze
    wait for ``gc.unfreeze``.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            if freeze:
                gc.freeze()
            gc.enable()


def plain_parse(text: str) -> Any | None:
    """The data in ``text`` by libyaml alone, or None to use the exact reader."""
    if not text.strip() or _NOT_PLAIN.search(text) or not _nesting_bounded(text):
        return None
    loader = _PlainLoader(text)
    try:
        with paused_gc():
            return _build(loader, loader.get_single_node())
    except Exception:  # anything unusual: the exact reader will say what is wrong
        return None
    finally:
        loader.dispose()


class LazyLocated(Located):
    """A :class:`Located` that parses its file for lines only when asked.

    Used for files read from the cache or by the plain parse: the data and
    line map are rebuilt by the exact reader the first time a problem needs
    a location.
    """

    def __init__(self, file: str, text: Callable[[], str]):  # noqa: D107 - no dataclass init
        self.file = file
        self._text = text
        self._exact: Located | None = None

    def _parsed(self) -> Located:
        if self._exact is None:
            self._exact = parse_yaml(self._text(), self.file)
        return self._exact

    @property  # type: ignore[override]
    def data(self) -> Any:
        return self._parsed().data

    @property  # type: ignore[override]
    def lines(self) -> dict:
        return self._parsed().lines


def code_version() -> str:
    """A hash of everything that decides what a file validates to."""
    if not _VERSION:
        import pydantic

        h = hashlib.sha256()
        h.update(f"{sys.version_info[:3]} {pydantic.VERSION}".encode())
        here = Path(__file__).parent
        for name in _CODE_MODULES:
            h.update(name.encode())
            h.update((here / name).read_bytes())
        _VERSION.append(h.hexdigest()[:16])
    return _VERSION[0]


_VERSION: list[str] = []


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        b = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


class Cache:
    """Validated values stored under content keys, one pack file per data folder.

    Each load reads the pack once and, if anything was missing or unused,
    writes it again holding exactly the entries this load used: one atomic
    write per load rather than one per file, and a pack that never grows
    with old versions. ``folder=None`` stores nothing.
    """

    def __init__(self, folder: Path | None, name: str = "default"):
        self.folder = folder
        self.name = name
        self.hits = 0
        self.misses = 0
        self._pack: dict[str, Any] | None = None
        self._used: dict[str, Any] = {}

    @classmethod
    def for_data(cls, root: Path) -> "Cache":
        """The cache for a data folder: ``$ORGMODEL_CACHE_DIR`` or ``.orgmodel-cache`` beside it."""
        name = digest(str(root.resolve()))[:24]
        env = os.environ.get(CACHE_ENV)
        if env is not None:
            return cls(None if env.strip().lower() in ("", "off", "0", "no") else Path(env), name)
        return cls(root.resolve().parent / CACHE_DIRNAME, name)

    @property
    def path(self) -> Path:
        assert self.folder is not None
        return self.folder / f"{self.name}.pack"

    def _entries(self) -> dict[str, Any]:
        if self._pack is None:
            self._pack = self._read() if self.folder is not None else {}
        return self._pack

    def _read(self) -> dict[str, Any]:
        """The stored pack, or nothing when it is absent or unreadable (never trusted blindly)."""
        try:
            blob = self.path.read_bytes()
        except OSError:
            return {}
        key = secret_key()
        if key is None:
            return {}
        head = len(_MAGIC) + 32
        body = blob[head:]
        if blob[: len(_MAGIC)] != _MAGIC or not hmac.compare_digest(_mac(key, body), blob[len(_MAGIC):head]):
            return {}
        try:
            with paused_gc():
                version, entries = pickle.loads(body)  # noqa: S301 - authenticated with the user's own key
        except Exception:
            return {}
        if version != code_version() or not isinstance(entries, dict):
            return {}
        return entries

    def get(self, kind: str, key: str) -> Any | None:
        full = f"{kind}:{key}"
        value = self._entries().get(full)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used[full] = value
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        self._used[f"{kind}:{key}"] = value

    def save(self) -> None:
        """Write the pack if this load changed what it should hold; failures only cost speed."""
        if self.folder is None or self._used.keys() == self._entries().keys():
            return
        key = secret_key()
        if key is None:
            return
        try:
            body = pickle.dumps((code_version(), self._used), protocol=pickle.HIGHEST_PROTOCOL)
            write_bytes(self.path, _MAGIC + _mac(key, body) + body)
        except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
            return
        self._pack = dict(self._used)


def _model(cls: type, fields: dict, fields_set: set) -> Any:
    """A validated model rebuilt from its fields, as pydantic's own unpickling does, minus its overhead."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", fields_set)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def _change(action: str, fields: dict, fields_set: set) -> Any:
    return _model(m.CHANGE_MODELS[action], fields, fields_set)


def _reduce(obj: Any) -> tuple:
    action = _ACTION_OF.get(type(obj))
    if action is not None:
        # The change models are made at run time, so pickle cannot find them
        # by name: they are rebuilt from their action.
        return _change, (action, obj.__dict__, obj.__pydantic_fields_set__)
    return _model, (type(obj), obj.__dict__, obj.__pydantic_fields_set__)


def _strict_models() -> list[type]:
    found, todo = [], [m.Strict]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


# Every data model takes no extra fields and no private attributes (Strict),
# so its fields and the set of fields given are all there is to store.
_ACTION_OF = {cls: name for name, cls in m.CHANGE_MODELS.items()}
for _cls in _strict_models():
    copyreg.pickle(_cls, _reduce)


def read_file(path: Path, display: str) -> tuple[str, str]:
    """The text of a data file and the digest of its content (exact errors from yamlsrc)."""
    text = read_text(path, display)
    return text, digest(text)


def located_for(path: Path, display: str, text: str | None = None) -> LazyLocated:
    """A lazily located view of ``path``; ``text`` is reused instead of re-reading when given."""
    if text is not None:
        return LazyLocated(display, lambda: text)
    return LazyLocated(display, lambda: read_text(path, display))
