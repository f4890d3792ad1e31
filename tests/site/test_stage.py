"""The build's first stage on its own: ``python -m extensions.sitebuild.stage`` executes the
tutorials through the cache and writes the notebooks the second stage renders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_project

# Copies made with the execution cache: fill it first (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("warm_cache")


def stage(project: Path, *pages: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "extensions.sitebuild.stage", *pages],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_stage_writes_executed_notebooks_and_rewrites_only_what_changed(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "project", with_cache=True)
    pages = ("docs/en/hand-gradients.md", "docs/ko/hand-gradients.md")
    proc = stage(project, *pages)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 notebooks in .cache/stage/" in proc.stdout
    assert "ko/hand-gradients.md  ko    cached" in proc.stdout, "the second language looks it up"
    staged = [project / ".cache" / "stage" / lang / "hand-gradients.ipynb" for lang in ("en", "ko")]
    for path in staged:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        assert code and all(c["outputs"] for c in code if "print(" in "".join(c["source"]))
        assert not any("".join(c["source"]).startswith("#| hide") for c in code), "hidden cells"
        assert "{{" not in prose, "glue citations left unfilled"
        run = nb["metadata"]["sinfit_execution"]
        assert run["date"] and "seconds" not in run, "the measured time varies: not published"
    assert "손실" in staged[1].read_text(encoding="utf-8"), "the Korean page's own prose"
    before = [p.stat().st_mtime_ns for p in staged]
    again = stage(project, *pages)
    assert again.returncode == 0, again.stdout + again.stderr
    assert [p.stat().st_mtime_ns for p in staged] == before, "unchanged notebooks rewritten"
    manifest = project / ".cache" / "stage" / "manifest.json"
    assert str(staged[0]) in json.loads(manifest.read_text(encoding="utf-8"))["pages"]
    manifest.write_text("{not json", encoding="utf-8")  # damaged: every page is looked up
    damaged = stage(project, *pages)
    assert damaged.returncode == 0 and "en/hand-gradients.md  en    cached" in damaged.stdout
    assert [p.stat().st_mtime_ns for p in staged] == before
    page = project / pages[0]
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", "utf-8")
    assert stage(project, *pages).returncode == 0
    assert staged[0].stat().st_mtime_ns != before[0] and "One more sentence." in staged[
        0
    ].read_text(encoding="utf-8")
    assert staged[1].stat().st_mtime_ns == before[1]


def test_the_stage_names_a_page_that_does_not_exist(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    proc = stage(project, "docs/en/hand-gradient.md")
    assert proc.returncode == 2
    assert "docs/en/hand-gradient.md: no such page" in proc.stderr
    assert not (project / ".cache" / "stage").exists(), "nothing written"
