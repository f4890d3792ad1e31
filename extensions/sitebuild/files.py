"""Files the build writes whole or not at all. Plain Python, no MkDocs imports."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0)  # read once, at import: os.umask can only be read by setting it
os.umask(_UMASK)


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file beside it and a
    rename: a reader, or a build killed half-way, sees the old file or the new one, never half
    of one. The parent folder is made if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
        handle.write(raw)
    # A temporary file is made readable by its owner only; the file it replaces is published
    # (a web server running as another user must read it): the mode a plain open() gives
    os.chmod(handle.name, 0o666 & ~_UMASK)
    os.replace(handle.name, path)
