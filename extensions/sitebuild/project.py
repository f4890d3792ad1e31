"""The project as the build sees it: which files a build reads, and a copy to experiment on."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a copy of the project needs to build: everything the build reads (the wheel published
# with the site is built from pyproject.toml, README.md and sinfit/).
PROJECT_PARTS = ("mkdocs.yml", "docs", "extensions", "sinfit", "pyproject.toml", "README.md")


def copy_project(dest: Path, *, with_cache: bool = False, root: Path = ROOT) -> Path:
    """A copy of what the build reads, so a test or a benchmark can change it freely.

    ``with_cache`` also copies the execution cache, for work about rendering, not execution.
    """
    dest.mkdir(parents=True, exist_ok=True)
    if with_cache and (root / ".cache").is_dir():
        shutil.copytree(root / ".cache", dest / ".cache")
    for part in PROJECT_PARTS:
        src = root / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    return dest
