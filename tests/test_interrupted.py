"""Nothing lost: a build killed halfway leaves every previous chart whole, and seeds/ is never written.

Every file the tool writes goes to a temporary file in the same folder and is
renamed into place (:mod:`orgmodel.fsutil`). So after ``kill -9`` in the
middle of ``orgmodel build``, each chart on disk is either the previous
build's file or the new build's file, byte for byte, and parses; nothing is
truncated and no temporary file is left under a chart's name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, cli_env, run_cli

SEEDS = ROOT / "seeds"

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")


def folder_digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` (hidden ones too) and the SHA-256 of its bytes."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def build(data: Path, out: Path, *extra: str) -> None:
    proc = run_cli("--data", data, "build", "-o", out, *extra)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """A complete English build and a complete Chinese build of the seeds (every chart differs in name language)."""
    before = folder_digest(SEEDS)
    out = tmp_path_factory.mktemp("reference")
    build(SEEDS, out / "en")
    build(SEEDS, out / "zh", "--lang", "zh")
    check = run_cli("--data", SEEDS, "check")
    assert check.returncode == 0, check.stderr
    assert folder_digest(SEEDS) == before, "build or check changed seeds/"
    return {"en": files(out / "en"), "zh": files(out / "zh")}


def test_build_and_check_never_modify_seeds(builds: dict[str, dict[str, bytes]]) -> None:
    """The fixture hashed seeds/ around two builds and a check; here, the builds really wrote charts."""
    en, zh = builds["en"], builds["zh"]
    assert set(en) == set(zh)
    assert sum(name.endswith(".svg") for name in en) >= 20
    assert sum(en[name] != zh[name] for name in en) >= 10, "the two builds must differ for this test to mean much"


def _wait_for_change(out: Path, previous: dict[str, bytes], proc: subprocess.Popen, limit: float = 60) -> None:
    """Return as soon as any chart in ``out`` has new bytes (or the build ended)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        for rel, data in previous.items():
            path = out / rel
            try:
                if path.stat().st_size != len(data) or path.read_bytes() != data:
                    return
            except FileNotFoundError:
                return
        time.sleep(0.005)


def test_a_killed_build_leaves_every_chart_whole(builds: dict[str, dict[str, bytes]], tmp_path: Path) -> None:
    data = tmp_path / "seeds"
    shutil.copytree(SEEDS, data)
    out = tmp_path / "charts"
    out.mkdir()
    for rel, content in builds["en"].items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(content)

    proc = subprocess.Popen([sys.executable, "-m", "orgmodel", "--data", str(data), "build", "-o", str(out),
                             "--lang", "zh"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=cli_env(),
                            cwd=ROOT)
    try:
        _wait_for_change(out, builds["en"], proc)
        still_running = proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert still_running, "the build ended before it could be killed: " + proc.stderr.read().decode()
    assert proc.returncode == -signal.SIGKILL

    on_disk = files(out)
    old = new = 0
    for rel, content in on_disk.items():
        name = Path(rel).name
        if rel not in builds["en"]:
            # Only a hidden temporary file may be left behind, never under a chart's name.
            assert name.startswith(".") and name.endswith(".tmp"), rel
            continue
        assert content in (builds["en"][rel], builds["zh"][rel]), f"{rel} is neither the old nor the new file"
        if content != builds["zh"][rel]:
            old += 1
        if content != builds["en"][rel]:
            new += 1
        if name.endswith(".svg"):
            ET.fromstring(content)
    assert set(builds["en"]) <= set(on_disk), "a previous chart went missing"
    assert new >= 1 and old >= 1, (old, new)

    build(data, out, "--lang", "zh")
    finished = {rel: c for rel, c in files(out).items() if not Path(rel).name.startswith(".")}
    assert finished == builds["zh"]
    assert folder_digest(data) == folder_digest(SEEDS)
