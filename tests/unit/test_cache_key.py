"""What the execution cache hashes: each lesson's code once, whatever the language around it."""

from __future__ import annotations

from pathlib import Path

import pytest
from jupyter_cache import get_cache

from extensions.sitebuild.execution import cache_key, read_page
from extensions.sitebuild.project import ROOT, languages, tutorial_pages
from tests.conftest import TUTORIAL_HEADER

HEADER = TUTORIAL_HEADER + "\n"


@pytest.fixture
def digest(tmp_path: Path):
    cache = get_cache(tmp_path / "cache")
    return lambda path: cache.create_hashed_notebook(cache_key(read_page(path)))[1]


def test_every_lesson_hashes_to_one_entry_in_every_language(digest) -> None:
    """A cold build executes each lesson once: its translations share the entry."""
    default, *others = languages()
    lessons = tutorial_pages(default)
    assert lessons and others
    for page in lessons:
        for language in others:
            other = ROOT / "docs" / language / page.name
            assert digest(other) == digest(page), f"{language}/{page.name} would execute again"


def test_blank_lines_and_comments_do_not_change_the_key_and_code_does(digest, tmp_path) -> None:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(HEADER + text, encoding="utf-8")
        return path

    one = write("one.md", "Prose.\n\n```python\nx = 1\n```\n\nMore.\n\n```python\ny = x\n```\n")
    spaced = write(
        "spaced.md",
        "Prose.\n\n```python\nx = 1  # one\n```\n\n\n\nMore, longer.\n\n```python\ny = x\n```\n",
    )
    changed = write(
        "changed.md", "Prose.\n\n```python\nx = 2\n```\n\nMore.\n\n```python\ny = x\n```\n"
    )
    assert read_page(spaced).cells[1].metadata != read_page(one).cells[1].metadata, "same layout"
    assert digest(spaced) == digest(one)
    assert digest(changed) != digest(one)
