"""Each tutorial's hidden expected-output block is the execution's output, in every language,
and one command rewrites the stale ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LANGUAGES, ROOT, copy_project

# Copies made with the execution cache: fill it first (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("warm_cache")


def outputs(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extensions.sitebuild.outputs", "--root", str(root), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


def test_every_expected_output_block_is_the_executions_output(built_site: Path) -> None:
    # After the session's build (built_site): the check then reads that execution from the
    # cache rather than running the pages beside another worker's build.
    proc = outputs(ROOT, "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_command_rewrites_every_language_after_a_printed_output_changed(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "project", with_cache=True)
    pages = [project / "docs" / lang / "hand-gradients.md" for lang in LANGUAGES]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "print(x.shape, y.shape)" in text
        page.write_text(text.replace("print(x.shape, y.shape)", 'print("n =", len(x))'), "utf-8")

    stale = outputs(project, "--check")
    assert stale.returncode == 1
    for lang in LANGUAGES:
        line = f"docs/{lang}/hand-gradients.md: expected-output block is stale; run `make outputs`"
        assert line in stale.stdout

    fixed = outputs(project)
    assert fixed.returncode == 0, fixed.stderr
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "\nn = 1000\n" in text and "torch.Size([1000]) torch.Size([1000])" not in text
    assert outputs(project, "--check").returncode == 0
