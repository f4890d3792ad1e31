"""Under `mkdocs serve`, a page's downloads are converted again only when what they are made
from changed (extensions/sitebuild/stage.py: Stage.downloads)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from extensions.sitebuild import downloads
from extensions.sitebuild.execution import downloadable
from extensions.sitebuild.stage import Stage

ROOT = Path(__file__).resolve().parents[2]


def test_downloads_are_made_again_only_when_their_notebook_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = []
    original = downloads.script_download
    monkeypatch.setattr(
        downloads, "script_download", lambda *a, **k: calls.append(a) or original(*a, **k)
    )
    stage = Stage(ROOT, enabled=False)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    page = tmp_path / "autograd.md"
    page.write_text("```python\nx = 1\n```\n\n```python\n#| hide\ny = x\n```\n")
    for staged in ("en.ipynb", "ko.ipynb"):
        stage.notebooks[staged] = nb
        stage.sources[staged] = page
    args = ("autograd", "en", "https://e.org/autograd/", "w.whl")
    one = stage.downloads("en.ipynb", *args)
    two = stage.downloads("en.ipynb", *args)
    assert one == two and len(calls) == 2, ("unchanged: reused", len(calls))
    assert "y = x" in one[2] and "y = x" not in one[1], "only the checked script has the check"
    nb.cells[0].source = "x = 2"
    three = stage.downloads("en.ipynb", *args)
    assert three is not None and len(calls) == 4, "changed: made again"
    assert all("x = 2" in text for text in three)
    linked = downloads.absolute_links(downloadable(nb), "https://e.org/autograd/")
    assert three[0] == nbformat.writes(downloads.notebook_download(linked, "w.whl", "en")) + "\n"
    page.write_text(page.read_text().replace("y = x", "y = 2 * x"))
    four = stage.downloads("en.ipynb", *args)
    assert len(calls) == 6 and "y = 2 * x" in four[2], "a changed check: made again"
    ko = stage.downloads("ko.ipynb", "autograd", "ko", "https://e.org/ko/autograd/", "w.whl")
    assert len(calls) == 8 and ko != four, "another page: its own"
    assert stage.downloads("missing.ipynb", *args) is None, "a page the stage did not write"
