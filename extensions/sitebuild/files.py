"""Files the build writes whole or not at all. Plain Python, no MkDocs imports."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file beside it and a
    rename: a reader, or a build killed half-way, sees the old file or the new one, never half
    of one. The parent folder is made if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
        handle.write(raw)
    os.replace(handle.name, path)
