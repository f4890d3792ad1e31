"""The same sources build the same site, byte for byte, wherever they are checked out and
whichever of the two engines builds them."""

from __future__ import annotations

import calendar
import filecmp
import os
import re
import time
from pathlib import Path

import pytest

from tests.conftest import copy_project, run_build

# Copies made with the execution cache: fill it first (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("warm_cache")


def differing(a: Path, b: Path) -> list[str]:
    """Files that differ between two trees, or exist in one only (``diff -r``)."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        found.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found.extend(prefix + n for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return sorted(found)


def test_two_checkouts_of_the_same_sources_build_identical_sites(tmp_path: Path) -> None:
    """Both copies start from the same execution cache (a cold one would re-measure how long
    each page took, the one figure of a page that is a measurement); the second copy's files
    are all newer, as in a later clone. SOURCE_DATE_EPOCH dates the build, as a deploy does."""
    env = {"SOURCE_DATE_EPOCH": "1796083200"}
    first = copy_project(tmp_path / "a" / "project", with_cache=True)
    second = copy_project(tmp_path / "b" / "checkout" / "project", with_cache=True)
    later = time.time() + 3600
    for path in second.rglob("*"):
        os.utime(path, (later, later))
    sites = []
    for project in (first, second):
        site = project.parent / "site"
        proc = run_build(project, site, env=env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        sites.append(site)
    assert list(sites[0].rglob("*.ipynb")) and list(sites[0].rglob("*.whl"))
    assert differing(*sites) == []


# The one line that names the engine: Material writes MkDocs' version into every page.
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def test_properdocs_builds_the_mkdocs_site(built_site: Path, tmp_path: Path) -> None:
    """ProperDocs, the maintained fork of MkDocs 1.x, builds the site from the same mkdocs.yml,
    plugins and hooks, and publishes it file for file, byte for byte, but for the generator
    tag: when MkDocs 1.6 stops being installable, the site moves without a change."""
    project = copy_project(tmp_path / "project", with_cache=True)
    site = tmp_path / "site"
    # Dated as the shared site was (its sitemap's <lastmod>): a test run that crosses midnight
    # would otherwise compare two build days
    sitemap = (built_site / "sitemap.xml").read_bytes()
    day = re.search(rb"<lastmod>(\d{4}-\d\d-\d\d)</lastmod>", sitemap)
    epoch = calendar.timegm(time.strptime(day.group(1).decode(), "%Y-%m-%d"))
    proc = run_build(project, site, engine="properdocs", env={"SOURCE_DATE_EPOCH": str(epoch)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (site / "index.html").read_bytes()
    assert b"ProperDocs" in GENERATOR.search(page).group(), "not built by ProperDocs"
    differ = [
        name
        for name in differing(built_site, site)
        if not (
            name.endswith(".html")
            and (built_site / name).is_file()
            and (site / name).is_file()
            and GENERATOR.sub(b"", (built_site / name).read_bytes())
            == GENERATOR.sub(b"", (site / name).read_bytes())
        )
    ]
    assert differ == []
