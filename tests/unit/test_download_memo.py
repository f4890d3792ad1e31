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
    monkeypatch.setattr(downloads, "script_download", lambda *a: calls.append(a) or original(*a))
    stage = Stage(ROOT, enabled=False)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    stage.notebooks["en.ipynb"] = nb
    stage.notebooks["ko.ipynb"] = nb
    args = ("autograd", "en", "https://e.org/autograd/", "w.whl")
    one = stage.downloads("en.ipynb", *args)
    two = stage.downloads("en.ipynb", *args)
    assert one == two and len(calls) == 1, ("unchanged: reused", len(calls))
    nb.cells[0].source = "x = 2"
    three = stage.downloads("en.ipynb", *args)
    assert three is not None and len(calls) == 2, "changed: made again"
    assert "x = 2" in three[0] and "x = 2" in three[1]
    linked = downloads.absolute_links(downloadable(nb), "https://e.org/autograd/")
    assert three[0] == nbformat.writes(downloads.notebook_download(linked, "w.whl", "en")) + "\n"
    ko = stage.downloads("ko.ipynb", "autograd", "ko", "https://e.org/ko/autograd/", "w.whl")
    assert len(calls) == 3 and ko != three, "another page: its own"
    assert stage.downloads("missing.ipynb", *args) is None, "a page the stage did not write"
