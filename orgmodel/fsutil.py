"""Writing files so that a reader never sees half of one.

Every file orgmodel writes goes to a temporary file in the same folder and is
renamed into place (an atomic step on POSIX): a run killed halfway leaves the
previous file intact. Unchanged content is not rewritten, so re-running a
build leaves modification times (and ``git status``) alone.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes(path: str | Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; return False if it was already equal."""
    path = Path(path)
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return True


def write_text(path: str | Path, text: str) -> bool:
    """Write UTF-8 text atomically (LF line ends); return False if unchanged."""
    return write_bytes(path, text.encode("utf-8"))
