"""Parity and did-it-run gates on the real site, and each shown failing on a broken copy."""

from __future__ import annotations

import shutil
from pathlib import Path

from extensions.sitebuild.gates import (
    built_parity,
    did_it_run,
    source_parity,
    typed_numbers,
    unglued_numbers,
)
from tests.conftest import ROOT

DOCS = ROOT / "docs"


def test_sources_are_in_parity() -> None:
    assert source_parity(DOCS) == []


def test_built_pages_are_in_parity(built_site: Path) -> None:
    assert built_parity(built_site, DOCS) == []


def test_prose_numbers_are_glued_or_written_in_the_code() -> None:
    assert unglued_numbers(DOCS) == []


def test_a_typed_number_is_found_and_glued_or_coded_ones_are_not() -> None:
    page = (
        "---\njupyter:\n  kernelspec:\n    language: python\n---\n\n"
        "```python\nlearning_rate = 1e-6\nepochs = 1000\n```\n\n"
        "At $\\eta = 10^{-6}$ for 1,000 epochs the loss is {{ loss:.2f }}, about 377.04,\n"
        "four times 2 and `x = 12.5` aside.\n<!--alt: 맨 끝은 약 -0.9에서 끝납니다-->\n"
    )
    found = typed_numbers(page)
    assert len(found) == 2 and "377.04" in found[0] and "-0.9" in found[1], found


def test_every_tutorial_ran(built_site: Path) -> None:
    assert did_it_run(built_site, DOCS) == []


def broken_docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    # The copy starts in parity, so that the problems a test finds are the ones it made (a page
    # edited in one language only fails here, by name, not as one problem too many below).
    assert source_parity(docs) == []
    return docs


def test_parity_names_a_code_cell_changed_in_one_language(tmp_path: Path) -> None:
    docs = broken_docs(tmp_path)
    page = docs / "ko" / "hand-gradients.md"
    page.write_text(page.read_text().replace("learning_rate = 1e-6", "learning_rate = 2e-6"))
    (problem,) = source_parity(docs)
    assert problem.startswith("hand-gradients.md: code cell 5 differs between en and ko")
    assert "learning_rate = 2e-6" in problem


def test_parity_names_a_missing_page_and_a_heading(tmp_path: Path) -> None:
    docs = broken_docs(tmp_path)
    (docs / "en" / "extra.md").write_text("# Extra\n")
    page = docs / "en" / "index.md"
    page.write_text(page.read_text().replace("## The course", "### The course"))
    problems = source_parity(docs)
    assert "extra.md: missing in ko (exists in en)" in problems
    assert any(p.startswith("index.md: heading structure differs") for p in problems)


def test_did_it_run_fails_on_a_page_built_without_outputs(unexecuted_site: Path) -> None:
    problems = did_it_run(unexecuted_site, DOCS)
    for language in ("en", "ko"):
        figures = (DOCS / language / "hand-gradients.md").read_text().count("<!--alt:")
        assert figures >= 1
        assert f"{language}/hand-gradients.md: 0 figures built, expected {figures}" in problems
        assert f"{language}/hand-gradients.md: no printed output" in problems
        assert f"{language}/hand-gradients.md: the loss log is missing" in problems


def test_parity_ignores_translated_comments_but_not_code(tmp_path: Path) -> None:
    docs = broken_docs(tmp_path)
    page = docs / "ko" / "hand-gradients.md"
    text = page.read_text(encoding="utf-8")
    commented = text.replace("learning_rate = 1e-6", "learning_rate = 1e-6  # 학습률", 1)
    assert commented != text
    page.write_text(commented, encoding="utf-8")
    assert source_parity(docs) == []
    page.write_text(commented.replace("1e-6  # 학습률", "2e-6  # 학습률"), encoding="utf-8")
    (problem,) = source_parity(docs)
    assert "differs between en and ko" in problem
