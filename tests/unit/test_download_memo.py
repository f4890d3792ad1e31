"""Under `mkdocs serve`, a page's downloads are converted again only when what they are made
from changed (extensions/hooks/execution.py: _downloads)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run apart: importing the hook patches mkdocs-jupyter for the whole process.
SCRIPT = """
import nbformat
from extensions.hooks import execution
from extensions.sitebuild import downloads

calls = []
original = downloads.script_download
downloads.script_download = lambda *a: calls.append(a) or original(*a)
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
one = execution._downloads(nb, "autograd", "en", "https://e.org/autograd/", "w.whl")
two = execution._downloads(nb, "autograd", "en", "https://e.org/autograd/", "w.whl")
assert one == two and len(calls) == 1, ("unchanged: reused", len(calls))
nb.cells[0].source = "x = 2"
three = execution._downloads(nb, "autograd", "en", "https://e.org/autograd/", "w.whl")
assert len(calls) == 2 and "x = 2" in three[0] and "x = 2" in three[1], "changed: made again"
assert three[0] == nbformat.writes(downloads.notebook_download(
    downloads.absolute_links(execution.downloadable(nb), "https://e.org/autograd/"), "w.whl", "en"
)) + "\\n"
ko = execution._downloads(nb, "autograd", "ko", "https://e.org/ko/autograd/", "w.whl")
assert len(calls) == 3 and ko != three, "another page: its own"
print("ok")
"""


def test_downloads_are_made_again_only_when_their_notebook_changes() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr[-3000:]
