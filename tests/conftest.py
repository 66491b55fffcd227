"""Shared fixtures: small data folders written per test, and ways to run the CLI.

``make_dataset`` copies a minimal valid data folder (``tests/bad/base``: two
announcements of an invented company, two source letters, a registry of four
people, four units and a post) into the test's ``tmp_path`` and applies edits,
so a test states only what differs from a folder known to pass ``check``::

    def test_typo(make_dataset, run_orgmodel):
        root = make_dataset({"announcements/extra.yaml": "id: [\\n"})
        proc = run_orgmodel("--data", root, "check")
        assert proc.returncode == 2

``run_orgmodel`` runs the real ``orgmodel`` command in a child process;
``run_orgmodel_inprocess`` calls :func:`orgmodel.cli.main` in this process
(much faster, for property tests that run it hundreds of times).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASE = Path(__file__).resolve().parent / "bad" / "base"



def write_dataset(root: Path, files: Mapping[str, str | bytes | None] | None = None, base: Path | None = BASE) -> Path:
    """Copy ``base`` to ``root`` (when given) and apply ``files``.

    ``files`` maps a path relative to ``root`` to its new content: text is
    written as UTF-8, bytes as they are, None deletes the file.
    """
    if base is not None:
        shutil.copytree(base, root)
    else:
        root.mkdir(parents=True)
    for rel, content in (files or {}).items():
        path = root / rel
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_dataset(tmp_path: Path) -> Callable[..., Path]:
    """A factory: ``make_dataset(files=None, base=BASE, name="data") -> Path`` of a data folder."""

    def make(files: Mapping[str, str | bytes | None] | None = None, *, base: Path | None = BASE,
             name: str = "data") -> Path:
        return write_dataset(tmp_path / name, files, base)

    return make


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child ``orgmodel``: no colour, UTF-8, no inherited data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORGMODEL_")}
    env.update({"PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", "PYTHONUTF8": "1"})
    env.update(extra or {})
    return env


def run_cli(*args: str | os.PathLike, env: Mapping[str, str] | None = None, cwd: Path = ROOT,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m orgmodel ARGS`` and capture its output as text."""
    return subprocess.run([sys.executable, "-m", "orgmodel", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env=cli_env(env), cwd=cwd, timeout=timeout)


@pytest.fixture
def run_orgmodel() -> Callable[..., subprocess.CompletedProcess]:
    """``run_orgmodel(*args, env=None)``: the real CLI in a child process."""
    return run_cli


@dataclass
class Result:
    """What one in-process run of the CLI did."""

    returncode: int
    stdout: str
    stderr: str


def run_inprocess(*args: str | os.PathLike) -> Result:
    """Call :func:`orgmodel.cli.main` with ``args``; catch its exit and its output.

    Anything other than a clean exit (an exception that escapes ``main``) is
    left to propagate: that is exactly what the tests look for.
    """
    from orgmodel.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def run_orgmodel_inprocess() -> Callable[..., Result]:
    """``run_orgmodel_inprocess(*args)``: :func:`orgmodel.cli.main` in this process."""
    return run_inprocess
