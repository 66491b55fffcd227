"""The README promises what the code does: its command table matches the CLI,
and CI runs the README's test command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_command_table_matches_help() -> None:
    table = README.split("<!-- commands:start -->")[1].split("<!-- commands:end -->")[0]
    rows = dict(re.findall(r"^\| `orgmodel ([a-z-]+)` \| (.+?) \|$", table, flags=re.M))
    out = subprocess.run([sys.executable, "-m", "orgmodel", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    listed = dict(re.findall(r"^  ([a-z-]+)\s{2,}(.+)$", out.stdout.split("Commands:")[1], flags=re.M))
    assert rows == listed


def test_ci_runs_the_readme_test_command() -> None:
    assert "bash scripts/test.sh     # runs the tests" in README
    assert "bash scripts/build.sh    # builds every chart from seeds/ into charts/" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "exec bash scripts/test.sh" in ci
