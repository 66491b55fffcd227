"""Property-based tests: valid histories stay valid, broken files fail cleanly.

1. Random organisation histories that are valid by construction (a small
   registry, then announcements that create, move, rename and dissolve units
   and appoint people with business lines, each change quoting its source)
   load, pass ``check``, and every snapshot satisfies the invariants: no
   business-line cycle, at most one parent per unit, every edge endpoint a
   real node, and the same units and parents as a plain model of the history.
2. Random mutations (one or two) of the valid files in ``tests/bad/base`` and
   ``seeds/`` (a key deleted or misspelt, a value's type changed, ids swapped,
   a quote broken, YAML text or bytes corrupted, a file truncated) give either
   a clean error (exit 2, every message with a file and a line) or data that
   still passes; never a crash. These run the CLI in-process for speed, and a
   few through a real child process.

Run with ``--hypothesis-show-statistics`` to see how many cases ran.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import networkx as nx
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import BASE, ROOT, run_cli, run_inprocess, write_dataset

SEEDS = ROOT / "seeds"

@pytest.fixture(scope="module", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One parse cache for every in-process run: unchanged files hit it, mutated ones miss it.

    Both paths of the loader (a cached model, a fresh parse) then meet the
    mutations, and no run leaves a cache folder beside its temporary data.
    """
    old = os.environ.get("ORGMODEL_CACHE_DIR")
    os.environ["ORGMODEL_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        del os.environ["ORGMODEL_CACHE_DIR"]
    else:
        os.environ["ORGMODEL_CACHE_DIR"] = old


LOCATED_ERROR = re.compile(r"^error: [^:]+:\d+(:\d+)?: \S")

# Names may be anything a person could paste, except what a data file refuses
# (control characters) or what YAML treats as a line break.
NAME_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"), blacklist_characters="\ufeff\x85"),
    min_size=1,
    max_size=12,
)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=1000)


# ------------------------------------------------------------------ valid histories


@dataclass
class Org:
    """A plain model of the organisation, to generate valid changes and to check snapshots against."""

    units: list[str]
    people: list[str]
    alive: dict[str, str | None] = field(default_factory=dict)  # unit -> parent
    created: set[str] = field(default_factory=set)
    posts: dict[str, set[str]] = field(default_factory=dict)  # person -> units
    heads: dict[str, str] = field(default_factory=dict)  # unit -> person
    boss: dict[str, str] = field(default_factory=dict)  # person -> business manager
    names: dict[str, str] = field(default_factory=dict)  # unit -> English name given by a rename

    def descendants(self, unit: str) -> set[str]:
        out, todo = set(), [unit]
        while todo:
            u = todo.pop()
            for child, parent in self.alive.items():
                if parent == u and child not in out:
                    out.add(child)
                    todo.append(child)
        return out

    def chain(self, person: str) -> list[str]:
        out = [person]
        while out[-1] in self.boss:
            out.append(self.boss[out[-1]])
        return out


SENTENCES = 60


def sentence(i: int) -> str:
    return f"Statement number {i} of the board."


@st.composite
def histories(draw: st.DrawFn) -> tuple[dict[str, str], list[list[tuple[str, dict[str, Any]]]], list[Org]]:
    """Files of a valid data folder, the changes per announcement, and the model after each."""
    n_units = draw(st.integers(2, 7))
    n_people = draw(st.integers(1, 6))
    org = Org([f"unit-{i}" for i in range(n_units)], [f"person-{i}" for i in range(n_people)])
    registry = {
        "people": [{"id": p, "names": {"en": f"{draw(NAME_TEXT)} #{p}"}} for p in org.people],
        "units": [{"id": u, "names": {"en": f"{draw(NAME_TEXT)} #{u}", "zh": f"{draw(NAME_TEXT)} #{u}"}}
                  for u in org.units],
    }
    quote = iter(range(10**6))
    announcements: list[list[tuple[str, dict[str, Any]]]] = []
    states: list[Org] = []
    first = [("record_unit", {"unit": org.units[0]})]
    org.alive[org.units[0]] = None
    org.created.add(org.units[0])
    announcements.append(first)
    states.append(_copy(org))
    for _ in range(draw(st.integers(0, 8))):
        changes: list[tuple[str, dict[str, Any]]] = []
        touched: set[str] = set()
        for _ in range(draw(st.integers(1, 4))):
            change = _one_change(draw, org, touched)
            if change:
                changes.append(change)
        if changes:
            announcements.append(changes)
            states.append(_copy(org))
    files = {"registry.yaml": dump(registry)}
    n_quotes = 0
    for k, changes in enumerate(announcements):
        items = []
        for action, body in changes:
            n_quotes = next(quote)
            items.append({action: body, "evidence": {"source": "board", "quote": sentence(n_quotes % SENTENCES)}})
        ann = {"id": f"a{k:02d}", "date": f"2020-01-{k + 1:02d}", "title": f"Decision {k}", "sources": ["board"],
               "changes": items}
        files[f"announcements/a{k:02d}.yaml"] = dump(ann)
    files["sources.yaml"] = dump({"sources": [{"id": "board", "file": "sources/board.txt", "language": "en",
                                               "title": "Board minutes"}]})
    files["sources/board.txt"] = "\n".join(sentence(i) for i in range(SENTENCES)) + "\n"
    return files, announcements, states


def _copy(org: Org) -> Org:
    return Org(list(org.units), list(org.people), dict(org.alive), set(org.created),
               {p: set(u) for p, u in org.posts.items()}, dict(org.heads), dict(org.boss), dict(org.names))


def _one_change(draw: st.DrawFn, org: Org, touched: set[str]) -> tuple[str, dict[str, Any]] | None:
    """One change that is valid in the current state; ``touched`` keeps one change per entity per announcement."""
    alive = sorted(u for u in org.alive if u not in touched)
    kind = draw(st.sampled_from(["create", "create", "move", "move", "rename", "dissolve", "appoint", "appoint"]))
    if kind == "create":
        new = [u for u in org.units if u not in org.created]
        parents = sorted(org.alive)
        if not new or not parents:
            return None
        unit, parent = draw(st.sampled_from(new)), draw(st.sampled_from(parents))
        org.alive[unit] = parent
        org.created.add(unit)
        touched.update({unit, parent})
        return "create_unit", {"unit": unit, "parent": parent}
    if kind == "move":
        movable = [u for u in alive if org.alive[u] is not None]
        if not movable:
            return None
        unit = draw(st.sampled_from(movable))
        targets = sorted(u for u in org.alive if u != unit and u != org.alive[unit] and u not in org.descendants(unit))
        if not targets:
            return None
        parent = draw(st.sampled_from(targets))
        org.alive[unit] = parent
        touched.add(unit)
        return "move_unit", {"unit": unit, "parent": parent}
    if kind == "rename":
        if not alive:
            return None
        unit = draw(st.sampled_from(alive))
        name = f"{draw(NAME_TEXT)} renamed #{unit}"
        if org.names.get(unit) == name:
            return None  # renaming to the name in force is an error by design
        org.names[unit] = name
        touched.add(unit)
        return "rename_unit", {"unit": unit, "name": {"en": name}}
    if kind == "dissolve":
        leaves = [u for u in alive if org.alive[u] is not None and not org.descendants(u)
                  and not any(u in units for units in org.posts.values())]
        if not leaves:
            return None
        unit = draw(st.sampled_from(leaves))
        del org.alive[unit]
        org.heads.pop(unit, None)
        touched.add(unit)
        return "dissolve_unit", {"unit": unit}
    people = [p for p in org.people if p not in touched]
    if not people or not alive:
        return None
    person, unit = draw(st.sampled_from(people)), draw(st.sampled_from(alive))
    body: dict[str, Any] = {"person": person, "title": draw(NAME_TEXT), "unit": unit}
    if unit not in org.heads and draw(st.booleans()):
        body["head"] = True
        org.heads[unit] = person
    managers = [p for p in sorted(org.posts) if org.posts[p] and p != person and person not in org.chain(p)
                and p not in touched]
    if managers and draw(st.booleans()):
        body["reports_to"] = draw(st.sampled_from(managers))
        org.boss[person] = body["reports_to"]
    org.posts.setdefault(person, set()).add(unit)
    touched.update({person, unit})
    return "appoint", body


def check_snapshot(g: nx.DiGraph, org: Org) -> None:
    """The invariants every snapshot keeps, and agreement with the plain model."""
    for n, attrs in g.nodes(data=True):
        assert attrs.get("type") in ("person", "unit", "post"), (n, attrs)
    relations = [(s, t, a) for s, t, d in g.edges(data=True) for a in [d, *d.get("also", [])]]
    parents: dict[str, list[str]] = {}
    business = nx.DiGraph()
    for s, t, a in relations:
        assert s in g and t in g
        if a["kind"] == "part_of":
            parents.setdefault(s, []).append(t)
        if a["kind"] == "reports_to" and a.get("line") == "business":
            business.add_edge(s, t)
    assert all(len(p) == 1 for p in parents.values()), parents
    assert nx.is_directed_acyclic_graph(business)
    units = {n for n, a in g.nodes(data=True) if a["type"] == "unit"}
    assert units == set(org.alive)
    assert {u: p[0] for u, p in parents.items()} == {u: p for u, p in org.alive.items() if p is not None}
    assert {s: t for s, t in business.edges} == {p: b for p, b in org.boss.items()}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_valid_histories_load_check_and_keep_the_invariants(case) -> None:
    from orgmodel.history import load_history

    files, announcements, states = case
    with tempfile.TemporaryDirectory(prefix="orgmodel-prop-") as tmp:
        root = write_dataset(Path(tmp) / "data", files, base=None)
        result = run_inprocess("--data", root, "check")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"ok: {len(announcements)} announcements")
        history = load_history(str(root))
        assert len(history) == len(announcements)
        for action in sorted({a for changes in announcements for a, _ in changes}):
            event(f"history has {action}")
        for k, org in enumerate(states):
            check_snapshot(history.snapshot(k), org)


# ------------------------------------------------------------------ mutations of valid files

BASE_FILES = sorted(str(p.relative_to(BASE)) for p in BASE.rglob("*.yaml"))
IDS = ["tom-berg", "ana-ruiz", "li-wei", "northwind-group", "retail", "logistics", "platforms-group",
       "finance-leaders", "letter-2024", "letter-2025", "2025-03-03-platforms"]
ODD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.just([]), st.just({}),
                       st.just(["x"]), st.just({"unit": "retail"}), st.text(max_size=8), st.sampled_from(IDS),
                       st.just("2023-02-30"), st.just("2024-13"), st.just(1.5))


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, prefix + (i,))
    return out


def _get_parent(data: Any, path: tuple) -> tuple[Any, Any]:
    for part in path[:-1]:
        data = data[part]
    return data, path[-1]


@st.composite
def structural_mutation(draw: st.DrawFn, data: Any) -> Any:
    """Delete a key, change a value's type, or swap ids, on parsed data."""
    kind = draw(st.sampled_from(["delete", "retype", "swap", "rename-key", "quote"]))
    paths = _paths(data)
    if kind == "quote":
        quotes = [p for p in paths if p and p[-1] == "quote"]
        if quotes:
            parent, key = _get_parent(data, draw(st.sampled_from(quotes)))
            text = parent[key]
            i = draw(st.integers(0, len(text) - 1))
            parent[key] = text[:i] + draw(st.sampled_from(["X", "", "  ", "é", "\n"])) + text[i + 1:]
            return data
        kind = "retype"
    if kind == "swap":
        strings = [p for p in paths if _get_parent(data, p)[0][p[-1]] in IDS]
        if strings:
            parent, key = _get_parent(data, draw(st.sampled_from(strings)))
            parent[key] = draw(st.sampled_from(IDS))
            return data
        kind = "retype"
    path = draw(st.sampled_from(paths))
    parent, key = _get_parent(data, path)
    if kind == "delete":
        del parent[key]
    elif kind == "rename-key" and isinstance(parent, dict):
        value = parent.pop(key)
        parent[draw(st.sampled_from(["reprots_to", "titel", "unit", "parent", "to", "names", "evidence", "x"]))] = value
    else:
        parent[key] = draw(ODD_VALUES)
    return data


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str | bytes:
    """One file's text changed: its parsed data (then re-dumped), or its raw text or bytes."""
    how = draw(st.sampled_from(["data", "data", "text", "truncate", "bytes"]))
    if how == "data":
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            data = None  # already corrupted by an earlier mutation: change the text instead
        if isinstance(data, (dict, list)) and data:
            return dump(draw(structural_mutation(data)))
        how = "text"
    if how == "truncate":
        return text[: draw(st.integers(0, max(0, len(text) - 1)))]
    if how == "bytes":
        raw = bytearray(text.encode("utf-8"))
        i = draw(st.integers(0, max(0, len(raw) - 1)))
        raw[i:i + 1] = draw(st.binary(min_size=1, max_size=3))
        return bytes(raw)
    i = draw(st.integers(0, len(text)))
    j = draw(st.integers(i, min(len(text), i + 3)))
    junk = draw(st.sampled_from(["", ":", "- ", "[", "]", "{", "}", "\"", "'", "\t", "  ", "\n", "&a ", "*a", "!!", "#",
                                 "|", ">", "? ", "---\n", "%", "@", "`"]))
    return text[:i] + junk + text[j:]


@st.composite
def mutated_folder(draw: st.DrawFn, base: Path = BASE) -> dict[str, str | bytes]:
    """One or two mutations of a folder's YAML files (possibly both in one file)."""
    names = BASE_FILES if base == BASE else sorted(str(p.relative_to(base)) for p in base.rglob("*.yaml"))
    files: dict[str, str | bytes] = {}
    for _ in range(draw(st.integers(1, 2))):
        rel = draw(st.sampled_from(names))
        current = files.get(rel)
        text = current if isinstance(current, str) else (base / rel).read_text(encoding="utf-8")
        files[rel] = draw(mutated_text(text))
    return files


def assert_clean(result_code: int, stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert result_code in (0, 2), (result_code, stderr)
    if result_code == 2:
        errors = [line for line in stderr.splitlines() if line.startswith("error:")]
        assert errors, stderr
        for line in errors:
            assert LOCATED_ERROR.match(line), line


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_folder())
def test_mutated_files_fail_cleanly_or_stay_valid(files) -> None:
    with tempfile.TemporaryDirectory(prefix="orgmodel-mut-") as tmp:
        root = write_dataset(Path(tmp) / "data", files)
        result = run_inprocess("--data", root, "check")
        assert_clean(result.returncode, result.stderr)
        event(f"exit {result.returncode}")
        if result.returncode == 0:
            assert result.stdout.startswith("ok: ")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_folder(SEEDS))
def test_mutated_seeds_fail_cleanly_or_stay_valid(files) -> None:
    """The same on the seeds, whose announcements also merge, split, rename and use posts."""
    with tempfile.TemporaryDirectory(prefix="orgmodel-mut-") as tmp:
        root = write_dataset(Path(tmp) / "data", files, base=SEEDS)
        result = run_inprocess("--data", root, "check")
        assert_clean(result.returncode, result.stderr)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_folder())
def test_mutated_files_fail_cleanly_through_the_real_command(files) -> None:
    with tempfile.TemporaryDirectory(prefix="orgmodel-mut-") as tmp:
        root = write_dataset(Path(tmp) / "data", files)
        proc = run_cli("--data", root, "check")
        assert_clean(proc.returncode, proc.stderr)
