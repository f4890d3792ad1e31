"""The build's whole-or-nothing writes (extensions/sitebuild/files.py)."""

from __future__ import annotations

import stat
from pathlib import Path

from extensions.sitebuild.files import write_atomically


def test_a_written_file_is_readable_by_others_as_a_plain_write_would_leave_it(
    tmp_path: Path,
) -> None:
    """A temporary file is owner-only (0600); a published page must be readable by a web
    server running as another user, as a file written with open() is."""
    plain = tmp_path / "plain.html"
    plain.write_text("<p>plain</p>", encoding="utf-8")
    page = tmp_path / "site" / "index.html"
    write_atomically(page, "<p>page</p>")
    write_atomically(page, "<p>page, again</p>")  # replacing a file keeps the same mode
    assert page.read_text(encoding="utf-8") == "<p>page, again</p>"
    assert stat.S_IMODE(page.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    assert not list(page.parent.glob("*.tmp")), "no temporary file is left behind"
