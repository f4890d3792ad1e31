"""Adding a language is a folder and one mkdocs.yml entry: a copy with a third one builds
strictly, with its figures, and passes the gates; its own code changes fail parity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extensions.sitebuild.gates import built_parity, did_it_run, source_parity
from extensions.sitebuild.project import languages
from tests.conftest import copy_project, run_build

# Copies made with the execution cache: fill it first (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("warm_cache")

ENTRY = """\
        - locale: ja
          name: 日本語
          build: true
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("third") / "project", with_cache=True)
    default = languages(root)[0]
    shutil.copytree(root / "docs" / default, root / "docs" / "ja")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    anchor = "  - mkdocs-jupyter:\n"
    assert anchor in text
    config.write_text(text.replace(anchor, ENTRY + anchor, 1), encoding="utf-8")
    assert languages(root) == (default, "ko", "ja")
    return root


def test_a_third_language_builds_strictly_and_passes_the_gates(project: Path) -> None:
    site = project / "site"
    proc = run_build(project, site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    langs = languages(project)
    docs = project / "docs"
    assert source_parity(docs, langs) == []
    assert built_parity(site, docs, langs) == []
    assert did_it_run(site, docs, langs) == []
    assert list((site / "ja" / "hand-gradients").glob("fig-*.svg"))


def test_a_code_cell_changed_only_in_the_third_language_fails_parity(project: Path) -> None:
    page = project / "docs" / "ja" / "hand-gradients.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("learning_rate = 1e-6", "learning_rate = 3e-6", 1), "utf-8")
    problems = source_parity(project / "docs", languages(project))
    assert len(problems) == 1 and "code cell 5 differs between en and ja" in problems[0]
