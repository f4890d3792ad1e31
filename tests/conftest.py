"""Shared fixtures: the built site, a copy of the project to break, a local server, a browser."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from extensions.sitebuild.project import copy_project, languages, mkdocs_config  # noqa: F401
from extensions.sitebuild.project import tutorial_pages as _tutorial_pages
from extensions.sitebuild.serve import serve, site_prefix  # noqa: F401 (for the tests)
from tests.shared import once

# Figures in snippet tests are never shown; no display is needed anywhere in the tests.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

ROOT = Path(__file__).resolve().parents[1]

# The front matter that makes a Markdown page a tutorial (is_tutorial): for the pages tests write.
TUTORIAL_HEADER = """---
jupyter:
  jupytext:
    text_representation:
      extension: .md
      format_name: markdown
  kernelspec:
    display_name: Python 3
    language: python
    name: python3
---
"""


def pytest_configure(config: pytest.Config) -> None:
    # The snippet tests run each page's code in this process: with the kernel's torch thread
    # count, so that they print what the build's execution printed (a sum split over threads is
    # added in another order, and a float32 result can differ in its last digit).
    import torch

    from extensions.sitebuild.execution import torch_threads

    torch.set_num_threads(torch_threads())


# The languages, default first, as mkdocs.yml's i18n entry lists them (one place for all).
LANGUAGES = languages()
CHROMIUM = Path("/usr/bin/chromium")


def tutorial_pages(language: str = LANGUAGES[0]) -> list[Path]:
    """The jupytext pages of one language (the ones that are executed)."""
    return _tutorial_pages(language)


def page_path(language: str, stem: str) -> str:
    """A tutorial's URL path below the site root."""
    return f"/{stem}/" if language == LANGUAGES[0] else f"/{language}/{stem}/"


def run_build(
    project: Path,
    site: Path,
    *extra: str,
    env: dict[str, str] | None = None,
    engine: str = "mkdocs",
):
    """``mkdocs build --strict`` of ``project`` into ``site``; returns the finished process.
    ``engine="properdocs"``: the same build by ProperDocs (told the config file's name, which
    it would otherwise look for as properdocs.yml first)."""
    command = [sys.executable, "-m", engine, "build", "--strict", "--site-dir", str(site)]
    if engine == "properdocs":
        command += ["-f", "mkdocs.yml"]
    return subprocess.run(
        [*command, *extra],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test run with ``--strict``."""

    def make(folder: Path) -> None:
        proc = run_build(ROOT, folder / "site")
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0, f"mkdocs build --strict failed:\n{output}"
        build_log(folder / "site").write_text(output, encoding="utf-8")

    return once(tmp_path_factory, "built", make) / "site"


@pytest.fixture(scope="session")
def warm_cache(built_site: Path) -> None:
    """The project's execution cache, filled by the real site's build: a test's copy made
    ``with_cache`` then executes only what it changed. Without it, in a fresh clone, every such
    copy made before the real build finished executed every page again (~20 s of CPU each)."""


def build_log(site: Path) -> Path:
    """Where the session's build of ``site`` left its output (the execution report)."""
    return site.with_suffix(".log")


@pytest.fixture(scope="session")
def inline_css_site(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same site with the notebook styles left inline in every page, as upstream does."""

    def make(root: Path) -> None:
        project = copy_project(root / "project", with_cache=True)
        proc = run_build(project, root / "site", env={"SINFIT_INLINE_CSS": "1"})
        assert proc.returncode == 0, proc.stdout + proc.stderr

    return once(tmp_path_factory, "inline-css", make) / "site"


@pytest.fixture(scope="session")
def unexecuted_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project built with execution off (pages without outputs), and with one
    Korean anchor broken: the fixture the did-it-run and links gates must fail on."""

    def make(root: Path) -> None:
        project = copy_project(root / "project")
        index = project / "docs" / "ko" / "index.md"
        text = index.read_text(encoding="utf-8")
        # The first link from the Korean home page to a heading of hand-gradients, read from
        # the page as it is now (its headings get renamed).
        link = re.search(r"\(hand-gradients\.md#[^)\s]+\)", text)
        assert link, "ko/index.md no longer links to a heading of hand-gradients.md"
        broken = text.replace(link.group(0), "(hand-gradients.md#없는-제목)", 1)
        index.write_text(broken, encoding="utf-8")
        proc = run_build(project, root / "site", env={"SINFIT_EXECUTE": "0"})
        assert proc.returncode == 0, proc.stdout + proc.stderr

    return once(tmp_path_factory, "unexecuted", make) / "site"


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory):
    """Debian's headless Chromium through Playwright (no browser download)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: apt-get install chromium fonts-nanum"
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI, but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


def serious_violations(page) -> list[tuple[str, str, list]]:
    """axe-core's serious and critical violations on ``page``: (rule, impact, first targets)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
