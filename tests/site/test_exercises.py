"""Exercises on every lesson: 2 to 3 solutions per tutorial and language, folded on the built
page with a summary in the page's language, executed, and identical in code across languages;
a broken solution fails the gates or the build, naming the page."""

from __future__ import annotations

import shutil
from pathlib import Path

import jupytext
import pytest
from bs4 import BeautifulSoup

from extensions.sitebuild.code import SOLUTION
from extensions.sitebuild.gates import built_page, did_it_run, source_parity
from tests.conftest import LANGUAGES, ROOT, copy_project, run_build, tutorial_pages

# Copies made with the execution cache: fill it first (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("warm_cache")

DOCS = ROOT / "docs"
# Written out here rather than read from the build's table, so that a wrong word fails.
SUMMARY = {"en": "Solution", "ko": "풀이"}
PAGES = [(lang, page.name) for lang in LANGUAGES for page in tutorial_pages(lang)]


@pytest.mark.parametrize(("language", "name"), PAGES, ids=lambda v: str(v))
def test_every_tutorial_has_two_or_three_folded_executed_solutions(
    built_site: Path, language: str, name: str
) -> None:
    source = (DOCS / language / name).read_text(encoding="utf-8")
    markers = len(SOLUTION.findall(source))
    assert 2 <= markers <= 3, f"{language}/{name}: {markers} exercises with solutions, want 2-3"
    html = built_page(built_site, language, name).read_text(encoding="utf-8")
    article = BeautifulSoup(html, "html.parser").select_one("article")
    folded = article.select("details.sinfit-solution")
    assert len(folded) == markers
    for details in folded:
        assert not details.has_attr("open"), "a solution starts folded"
        assert details.summary.get_text(strip=True) == SUMMARY[language]
        assert details.select_one(".jp-CodeCell .highlight-ipynb pre").get_text().strip()
        output = details.select_one(".jp-OutputArea-output pre")
        assert output is not None and output.get_text().strip(), "the solution printed nothing"
        # the question stays outside the fold, in the Markdown cell just above it
        question = details.find_previous_sibling()
        assert "jp-MarkdownCell" in question["class"] and question.get_text(strip=True)


def changed_solution(docs: Path, language: str, name: str, old: str, new: str) -> None:
    page = docs / language / name
    text = page.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    start = text.index("<!--solution-->")
    assert text.index(old) > start, "the change is in a solution"
    page.write_text(text.replace(old, new), encoding="utf-8")


def test_a_korean_solution_whose_code_differs_fails_parity(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    assert source_parity(docs) == []
    # the second solution's rate (its last lines repeat 8e-6 elsewhere)
    old = "    w = train(8e-6, epochs=epochs)\n"
    changed_solution(docs, "ko", "hand-gradients.md", old, old.replace("8e-6", "9e-6"))
    (problem,) = source_parity(docs)
    assert problem.startswith("hand-gradients.md: code cell ")
    assert "differs between en and ko" in problem


def test_a_solution_that_did_not_run_fails_did_it_run(unexecuted_site: Path) -> None:
    problems = did_it_run(unexecuted_site, DOCS)
    for language in LANGUAGES:
        assert f"{language}/autograd.md: solution 1 has no output (did it run?)" in problems


def test_a_marker_without_its_folded_solution_fails_did_it_run(
    built_site: Path, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    page = docs / "ko" / "why-slow.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("## 정리", "<!--solution-->\n\n## 정리", 1), encoding="utf-8")
    problems = did_it_run(built_site, docs)
    (problem,) = [p for p in problems if "solution" in p]
    built = text.count("<!--solution-->")  # the page's own, all built
    expected = f"ko/why-slow.md: {built} folded solutions built, expected {built + 1}"
    assert problem.startswith(expected)


def test_a_raising_solution_fails_the_build_naming_the_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_cache=True)
    # In both languages: code that differs between them fails the build before it runs.
    raising = 'raise ValueError("a broken solution")'
    for language in LANGUAGES:
        changed_solution(
            project / "docs",
            language,
            "autograd.md",
            "loss_at(w64).backward()",
            f"{raising}\nloss_at(w64).backward()",
        )
    page = project / "docs" / LANGUAGES[0] / "autograd.md"
    cells = [c for c in jupytext.read(page).cells if c.cell_type == "code"]
    n = next(i for i, c in enumerate(cells, start=1) if raising in c.source)
    line = page.read_text(encoding="utf-8").splitlines().index(raising) + 1
    proc = run_build(project, tmp_path / "site")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    # the default language's page runs first and stops the build
    assert f"docs/{LANGUAGES[0]}/autograd.md: code cell {n} failed (line {line})" in output, output
    assert "ValueError: a broken solution" in output
