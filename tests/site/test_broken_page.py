"""A failing code cell fails the build, naming the page; nothing is published with a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import copy_project, run_build

# Copies made with the execution cache: fill it first (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("warm_cache")


def test_a_failing_cell_fails_the_build_and_names_the_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_cache=True)
    # In both languages: code that differs between them fails the build before it runs.
    for language in ("en", "ko"):
        page = project / "docs" / language / "hand-gradients.md"
        text = page.read_text(encoding="utf-8")
        broken = text.replace(
            "y_random = a + b", 'raise ValueError("deliberately broken")\ny_random = a + b', 1
        )
        assert broken != text
        page.write_text(broken, encoding="utf-8")

    site = tmp_path / "site"
    proc = run_build(project, site)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "docs/en/hand-gradients.md: code cell 4 failed (line " in output
    assert "deliberately broken" in output
    assert "\x1b[" not in output, "no terminal colour codes in a log"
    # nothing half-published: no page of the broken language carries a traceback
    for html in site.rglob("*.html") if site.exists() else []:
        assert "deliberately broken" not in html.read_text(encoding="utf-8")


def test_a_figure_without_a_description_fails_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_cache=True)
    page = project / "docs" / "en" / "hand-gradients.md"
    text = page.read_text(encoding="utf-8")
    start = text.rindex("<!--alt:")  # the page's last figure loses its description
    figure = text.count("<!--alt:")
    stripped = text[:start] + text[text.index("-->", start) + 3 :]
    page.write_text(stripped, encoding="utf-8")
    proc = run_build(project, tmp_path / "site")
    assert proc.returncode != 0
    message = f"en/hand-gradients.md: figure {figure} has no description"
    assert message in proc.stdout + proc.stderr


def test_a_link_to_a_missing_page_fails_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_cache=True)
    page = project / "docs" / "ko" / "autograd.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("(hand-gradients.md)", "(no-such-page.md)", 1), encoding="utf-8")
    proc = run_build(project, tmp_path / "site")
    assert proc.returncode != 0
    assert "ko/autograd.md: link to a missing page: no-such-page.md" in proc.stdout + proc.stderr


def test_a_reference_to_a_value_the_code_does_not_define_fails_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_cache=True)
    page = project / "docs" / "ko" / "autograd.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.rstrip() + "\n\n손실은 {{ no_such_value:.2f }}입니다.\n", encoding="utf-8")
    proc = run_build(project, tmp_path / "site")
    assert proc.returncode != 0
    assert (
        "ko/autograd.md: {{ no_such_value:.2f }} cites 'no_such_value'" in proc.stdout + proc.stderr
    )
