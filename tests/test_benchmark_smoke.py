"""The scale benchmark at a small size, and the cache that keeps loading fast.

The generator must write valid, reproducible data; the benchmark must print
its table; the cache must never answer with stale data, and errors found on
the fast path must keep their exact lines. No timing is asserted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402

from orgmodel.cache import Cache  # noqa: E402
from orgmodel.errors import InputError  # noqa: E402
from orgmodel.history import History  # noqa: E402
from orgmodel.load import load_dataset  # noqa: E402

PEOPLE, ANNOUNCEMENTS = 400, 40


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orgmodel", *args], capture_output=True, text=True,
                          cwd=REPO, env=env, check=False)


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gen") / "data"
    generate(root, PEOPLE, ANNOUNCEMENTS, seed=7)
    return root


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ORGMODEL_CACHE_DIR", str(folder))
    return folder


def test_generated_data_passes_check(data: Path, tmp_path: Path) -> None:
    proc = cli("check", str(data), env=dict(os.environ, ORGMODEL_CACHE_DIR=str(tmp_path / "c")))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"ok: {ANNOUNCEMENTS} announcements")
    entities = int(re.search(r"(\d+) entities", proc.stdout).group(1))
    assert entities > PEOPLE  # the people and their units


def test_generator_is_seeded(data: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, PEOPLE, ANNOUNCEMENTS, seed=7)
    assert files_of(again) == files_of(data)
    other = tmp_path / "other"
    generate(other, PEOPLE, ANNOUNCEMENTS, seed=8)
    assert files_of(other) != files_of(data)


def test_generated_history_has_the_promised_shape(data: Path, cached: Path) -> None:
    h = History(load_dataset(data))
    first = h.snapshot(0)
    depth = {}
    for n, d in first.nodes(data=True):
        if d["type"] == "unit":
            chain, node = 0, n
            while True:
                ups = [t for _, t, e in first.out_edges(node, data=True) if e["kind"] == "part_of"]
                if not ups:
                    break
                node, chain = ups[0], chain + 1
            depth[n] = chain + 1
    assert 6 <= max(depth.values()) <= 10
    actions = {type(c).__name__ for v in h.versions[1:] for c in v.announcement.changes}
    for kind in ("appoint", "leave", "reports_to", "rename_unit", "move_unit", "merge_units", "split_unit",
                 "create_unit", "join"):
        assert f"Change_{kind}" in actions, kind
    assert any(e.get("line") == "functional" for _, _, e in h.snapshot(len(h) - 1).edges(data=True))


def test_benchmark_prints_its_table(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "150x12",
                           "--out", str(tmp_path)], capture_output=True, text=True, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Command: `python benchmarks/run.py --sizes 150x12`" in out
    assert re.search(r"Machine: .*\d+ cores", out)
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    for measure in ("cold load + validation", "warm load (nothing changed)", "diff consecutive, median of all pairs",
                    "orgmodel log", "orgmodel --help"):
        assert measure in rows, measure
    assert re.search(r"\| [\d.]+ m?s \| [\d.]+ m?s \| libyaml alone, same YAML \| [\d.]+x \|",
                     rows["cold load + validation"])
    assert any(k.startswith("snapshot latest") for k in rows)
    assert any(k.startswith("before/after charts") and "dot alone" in v for k, v in rows.items())


def test_cache_is_used_and_never_stale(data: Path, tmp_path: Path, cached: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(data, root)
    first = load_dataset(root)
    assert (cached / f"{Cache.for_data(root).name}.pack").is_file()
    again = load_dataset(root)
    assert [a.announcement for a in again.announcements] == [a.announcement for a in first.announcements]

    path = sorted((root / "announcements").glob("*.yaml"))[3]
    text = path.read_text(encoding="utf-8")
    old_title = re.search(r'^title: "(.*)"$', text, re.M).group(1)
    path.write_text(text.replace(old_title, "A title edited by hand"), encoding="utf-8")
    edited = load_dataset(root)
    titles = {a.announcement.title for a in edited.announcements}
    assert "A title edited by hand" in titles and old_title not in titles


def test_editing_a_source_text_invalidates_verified_quotes(data: Path, tmp_path: Path, cached: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(data, root)
    load_dataset(root)
    letter = root / "sources" / "letter-0005.txt"
    quote = re.search(r'quote: "([^"]+)"', next((root / "announcements").glob("a0005-*.yaml")).read_text()).group(1)
    body = letter.read_text(encoding="utf-8")
    assert " ".join(body.split()).find(quote) >= 0
    letter.write_text(" ".join(body.split()).replace(quote, "Something else entirely."), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_dataset(root)
    assert "quote not found in source 'letter-0005'" in str(err.value)


def test_corrupt_cache_is_ignored(data: Path, tmp_path: Path, cached: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(data, root)
    good = load_dataset(root)
    pack = cached / f"{Cache.for_data(root).name}.pack"
    blob = bytearray(pack.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    pack.write_bytes(bytes(blob))
    assert Cache.for_data(root).get("model", "anything") is None
    again = load_dataset(root)
    assert [a.announcement for a in again.announcements] == [a.announcement for a in good.announcements]
    pack.write_bytes(b"not a pack")
    assert len(load_dataset(root).announcements) == ANNOUNCEMENTS


def test_errors_after_a_cache_hit_keep_their_lines(data: Path, tmp_path: Path, cached: Path) -> None:
    """Announcements read from the cache still report invariant errors at the exact line."""
    root = tmp_path / "data"
    shutil.copytree(data, root)
    History(load_dataset(root))  # fills the cache
    creator = next(p for p in sorted((root / "announcements").glob("*.yaml"))
                   if "create_unit:" in p.read_text() and p.name > "a0001")
    unit = re.search(r"create_unit: \{unit: (u\d+)", creator.read_text()).group(1)
    users = [p for p in sorted((root / "announcements").glob("*.yaml"))
             if p.name > creator.name and re.search(rf"\b{unit}\b", p.read_text())]
    if not users:
        pytest.skip("no later announcement uses the created unit in this seed")
    creator.unlink()
    proc = cli("check", str(root))
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:") and unit in ln]
    assert lines, proc.stderr
    for ln in lines:
        m = re.match(r"error: (\S+?):(\d+)(?::\d+)?: ", ln)
        assert m, ln
        file = tmp_path / m.group(1)
        assert unit in file.read_text(encoding="utf-8").splitlines()[int(m.group(2)) - 1], ln


def test_a_planted_pack_is_never_unpickled(data: Path, tmp_path: Path, cached: Path) -> None:
    """A pack that was not written with the user's own key is ignored, not loaded.

    The planted pack carries a correct plain SHA-256 and a pickle that would
    create a file when loaded; loading the data must neither create it nor fail.
    """
    import hashlib
    import pickle

    from orgmodel import cache as cache_mod

    root = tmp_path / "data"
    shutil.copytree(data, root)
    load_dataset(root)
    pack = cached / f"{Cache.for_data(root).name}.pack"
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    body = pickle.dumps((cache_mod.code_version(), {"model:x": Payload()}))
    pack.write_bytes(cache_mod._MAGIC + hashlib.sha256(body).digest() + body)
    assert len(load_dataset(root).announcements) == ANNOUNCEMENTS
    assert not marker.exists()


def test_a_key_others_can_read_disables_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from orgmodel import cache as cache_mod

    key = tmp_path / "cache.key"
    monkeypatch.setenv(cache_mod.KEY_ENV, str(key))
    assert cache_mod.secret_key() is not None
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    key.chmod(0o644)
    assert cache_mod.secret_key() is None
