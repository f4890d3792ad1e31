"""The execution cache: keyed on code cells, sinfit and versions; never stale, never fatal.

One copy of the project is built cold once; each test edits a copy of that built copy (its
cache and site included) and rebuilds, so the tests hold in any order and alone. The kernel
imports the copy's ``sinfit`` (PYTHONPATH), so a library edit is a real edit.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from extensions.sitebuild.execution import REPORT_ROW
from tests.conftest import LANGUAGES, copy_project, page_path, run_build, tutorial_pages

PAGE = "hand-gradients"


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.site = root / "site"
        self.cache = root / ".cache" / "execution"

    def build(self) -> dict[str, str]:
        """Build; return {page: executed|cached} from the execution report."""
        proc = run_build(self.root, self.site, env={"PYTHONPATH": str(self.root)})
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0, output
        return {row[0]: row[2] for row in REPORT_ROW.findall(output)}

    def page(self, language: str) -> Path:
        return self.root / "docs" / language / f"{PAGE}.md"

    def html(self, language: str) -> str:
        folder = self.site / page_path(language, PAGE).strip("/")
        return (folder / "index.html").read_text(encoding="utf-8")

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict[str, str]]:
    """A copy whose only tutorial is PAGE (the other tutorials become plain pages, so every
    build here executes at most one page per language and the reports stay short), built
    cold once; with the report of that build."""
    root = copy_project(tmp_path_factory.mktemp("cache") / "project")
    for language in LANGUAGES:
        for other in tutorial_pages(language):
            if other.stem != PAGE:
                (root / "docs" / language / other.name).write_text(f"# {other.stem}\n")
    project = Project(root)
    return project, project.build()


@pytest.fixture
def project(built: tuple[Project, dict[str, str]], tmp_path: Path) -> Project:
    """This test's own copy of the built copy: what one test edits, no other test sees."""
    root = tmp_path / "project"
    shutil.copytree(built[0].root, root, symlinks=True)
    return Project(root)


EN, KO = f"en/{PAGE}.md", f"ko/{PAGE}.md"


def test_cold_build_executes_identical_code_once_for_both_languages(
    built: tuple[Project, dict[str, str]],
) -> None:
    assert built[1] == {EN: "executed", KO: "cached"}


def test_warm_rebuild_executes_nothing(project: Project) -> None:
    assert project.build() == {EN: "cached", KO: "cached"}


def test_prose_edit_does_not_execute(project: Project) -> None:
    project.edit(project.page("ko"), "## 데이터", "## 데이터 준비")
    assert project.build() == {EN: "cached", KO: "cached"}
    assert "데이터 준비" in project.html("ko")


def test_code_edit_executes_once_and_shows_the_new_output(project: Project) -> None:
    for language in LANGUAGES:
        project.edit(project.page(language), "print(x.shape, y.shape)", 'print("edited", x.shape)')
    assert project.build() == {EN: "executed", KO: "cached"}
    for language in LANGUAGES:
        assert "edited torch.Size([1000])" in project.html(language)


def prose(html: str) -> list[str]:
    """The text of the page's Markdown cells: what the author wrote, glue filled in."""
    from bs4 import BeautifulSoup

    cells = BeautifulSoup(html, "html.parser").select(".jp-MarkdownCell")
    return [c.get_text(" ", strip=True) for c in cells]


def test_code_edit_moves_the_glued_numbers_of_both_languages(project: Project) -> None:
    """No prose is edited: the numbers the prose cites follow the code, in both languages."""
    before = {language: prose(project.html(language)) for language in LANGUAGES}
    sources = {language: project.page(language).read_text(encoding="utf-8") for language in before}
    assert all("{{" in text for text in sources.values()), "the page cites computed values"
    # 9e-7 moves the loss and the fitted cubic's glued numbers while every hidden claim still
    # holds (a rate further from 1e-6 can turn a claim false, and the build would fail instead)
    for language in LANGUAGES:
        project.edit(project.page(language), "learning_rate = 1e-6", "learning_rate = 9e-7")
    assert project.build() == {EN: "executed", KO: "cached"}
    for language in LANGUAGES:
        after = prose(project.html(language))
        assert len(after) == len(before[language])
        changed = [b for a, b in zip(before[language], after, strict=True) if a != b]
        assert changed, f"{language}: no cited number moved"


def test_code_edit_in_one_language_fails_the_build_before_executing(project: Project) -> None:
    project.edit(project.page("ko"), "print(x.shape, y.shape)", 'print("only ko", x.shape)')
    proc = run_build(project.root, project.site, env={"PYTHONPATH": str(project.root)})
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"docs/{PAGE}.md: code cell " in output and "differs between en and ko" in output
    assert '-print(x.shape, y.shape)\n    +print("only ko", x.shape)' in output
    assert not REPORT_ROW.findall(output), "nothing was executed"


def test_sinfit_edit_executes_again_with_the_new_library(project: Project) -> None:
    # The fitted cubic as the page prints it, e.g. "y = 0.0093 + 0.8437 x ..."
    shown = re.search(r"y = (-?\d+\.\d+ [^<\n]*)", project.html("en"))
    assert shown, "the page prints the fitted cubic as y = ..."
    project.edit(
        project.root / "sinfit" / "model.py",
        'return "y = " + " ".join(terms)',
        'return "y(x) = " + " ".join(terms)',
    )
    assert project.build() == {EN: "executed", KO: "cached"}
    assert f"y(x) = {shown.group(1)}" in project.html("en"), "the new library's formula"


def test_corrupted_cache_is_rebuilt_without_a_crash(project: Project) -> None:
    (db,) = project.cache.glob("*/global.db")
    db.write_bytes(b"this is not a database")
    assert project.build() == {EN: "executed", KO: "cached"}
    assert project.build() == {EN: "cached", KO: "cached"}


def test_missing_cache_is_rebuilt(project: Project) -> None:
    shutil.rmtree(project.cache)
    assert project.build() == {EN: "executed", KO: "cached"}


def test_make_clean_removes_the_cache(project: Project) -> None:
    shutil.copy2(Path(__file__).resolve().parents[2] / "Makefile", project.root / "Makefile")
    assert project.cache.is_dir()
    subprocess.run(["make", "clean"], cwd=project.root, check=True, capture_output=True)
    assert not (project.root / ".cache").exists() and not project.site.exists()
