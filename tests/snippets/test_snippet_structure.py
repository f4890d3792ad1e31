"""The pages are written so that pytest-codeblocks really tests them.

pytest-codeblocks silently skips what it cannot read (```py fences, fences with attributes,
MyST code-cell directives), and runs each block in fresh globals unless it is joined to the
one before. These tests make sure every code cell of a tutorial reaches it, as one chain, with
its printed output checked.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
from pytest_codeblocks import extract_from_file

from tests.conftest import LANGUAGES, ROOT, tutorial_pages

PAGES = [p for lang in LANGUAGES for p in tutorial_pages(lang)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_cell_is_one_checked_chain(page: Path) -> None:
    cells = [c.source for c in jupytext.read(page).cells if c.cell_type == "code"]
    blocks = extract_from_file(page)
    assert len(blocks) == 1, "every block after the first is joined with pytest-codeblocks:cont"
    (block,) = blocks
    assert block.syntax == "python"
    assert block.code == "".join(c + "\n" for c in cells), "each notebook cell is a block"
    assert block.expected_output, "the page's printed output is checked"
    if "loss {loss.item():10.2f}" in block.code:  # a page that prints the lessons' loss log
        assert re.search(r"t = 1000  loss +\d+\.\d\d", block.expected_output)


def test_a_wrong_expected_output_fails(tmp_path: Path) -> None:
    page = tutorial_pages("en")[0]
    text = page.read_text(encoding="utf-8")
    wrong = text.replace("t =  100  loss", "t =  100  loss 1", 1)
    assert wrong != text
    (tmp_path / page.name).write_text(wrong, encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--codeblocks",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path / page.name),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert proc.returncode == 1, proc.stdout
    assert "Expected output" in proc.stdout
