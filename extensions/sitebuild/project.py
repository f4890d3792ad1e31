"""The project as the build sees it: which files a build reads, and a copy to experiment on."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a copy of the project needs to build: everything the build reads (the wheel published
# with the site is built from pyproject.toml, README.md, LICENSE and sinfit/).
PROJECT_PARTS = (
    "mkdocs.yml",
    "docs",
    "extensions",
    "sinfit",
    "pyproject.toml",
    "README.md",
    "glossary.toml",  # Korean search reads the course's terms
    "LICENSE",
)


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


def mkdocs_config(root: Path = ROOT) -> dict:
    """mkdocs.yml as data (its ``!ENV`` and ``!!python`` tags read as None)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)


def languages(root: Path = ROOT) -> tuple[str, ...]:
    """The site's languages, the default one first: the i18n plugin's entry in mkdocs.yml is
    the one place they are listed (each is a folder ``docs/<locale>/``)."""
    for plugin in mkdocs_config(root)["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            entries = plugin["i18n"]["languages"]
            break
    else:
        raise ValueError(f"{root / 'mkdocs.yml'} has no i18n plugin entry listing the languages")
    default = [e["locale"] for e in entries if e.get("default")]
    return tuple(default + [e["locale"] for e in entries if not e.get("default")])


def tutorial_pages(language: str, root: Path = ROOT) -> list[Path]:
    """The jupytext pages of one language (the ones that are executed), by name."""
    from extensions.sitebuild.execution import is_tutorial

    return sorted(p for p in (root / "docs" / language).rglob("*.md") if is_tutorial(p))
