"""Headless Chromium for tests that are about how a page looks or behaves.

Uses Debian's ``chromium`` with the flags this kind of machine needs (no
sandbox as root, no background networking). Tests that import this module
are skipped only when no Chromium is installed at all; the set-up script
installs it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def _run(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    assert CHROMIUM, "chromium is not installed"
    with tempfile.TemporaryDirectory(prefix="orgmodel-chromium-") as profile:
        return subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            timeout=timeout,
            check=False,
        )


def screenshot(page: Path, png: Path, size: tuple[int, int] = (1200, 900)) -> Path:
    """Render a local HTML/SVG file to a PNG screenshot."""
    proc = _run([f"--window-size={size[0]},{size[1]}", f"--screenshot={png}", page.resolve().as_uri()])
    if not png.exists():
        raise RuntimeError(f"chromium made no screenshot: {proc.stderr.decode(errors='replace')[-2000:]}")
    return png


def dump_dom(page: Path, budget_ms: int = 3000) -> str:
    """The page's DOM after its scripts (if any) had ``budget_ms`` to run."""
    proc = _run([f"--virtual-time-budget={budget_ms}", "--dump-dom", page.resolve().as_uri()])
    return proc.stdout.decode("utf-8", errors="replace")
