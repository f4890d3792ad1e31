"""Links gate: every internal link and anchor of the built site resolves, in both languages.

LinkChecker crawls the site as served (under its published path): every page, figure,
stylesheet and download a link names must be there. Anchors (a link to a heading that does not
exist, Korean headings included) are checked over the built files by
``extensions.sitebuild.gates.broken_anchors``: LinkChecker's AnchorCheck needed a single thread
to be dependable and still missed a broken Korean anchor in one CI run out of several, and the
crawl took most of a minute.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from extensions.sitebuild.gates import broken_anchors
from tests.conftest import serve

CONFIG = """\
[checking]
threads=8
[filtering]
checkextern=0
"""


def linkcheck(url: str, tmp_path: Path) -> str:
    config = tmp_path / "linkcheckerrc"
    config.write_text(CONFIG)
    proc = subprocess.run(
        [sys.executable, "-m", "linkcheck", "--config", str(config), "--no-status", url],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc.stdout + proc.stderr


def counts(report: str) -> tuple[int, int, int]:
    """(links, warnings, errors) from LinkChecker's closing line."""
    summary = re.search(
        r"(\d+) links? in \d+ URLs checked\. (\d+) warnings? found\. (\d+) errors? found", report
    )
    assert summary, report
    links, warnings, errors = (int(g) for g in summary.groups())
    return links, warnings, errors


def assert_clean(report: str) -> None:
    links, warnings, errors = counts(report)
    assert (warnings, errors) == (0, 0), report
    assert links > 20


def test_every_internal_link_and_anchor_resolves(site_url: str, tmp_path: Path) -> None:
    report = linkcheck(site_url + "/", tmp_path)
    assert_clean(report)


def test_a_missing_file_is_reported(unexecuted_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(unexecuted_site, site)
    (site / "ko" / "hand-gradients" / "hand-gradients.ipynb").unlink()
    with serve(site) as url:
        report = linkcheck(url + "/ko/hand-gradients/", tmp_path)
    assert counts(report)[2] == 1 and "hand-gradients.ipynb" in report, report


def test_a_broken_anchor_is_reported(unexecuted_site: Path) -> None:
    assert broken_anchors(unexecuted_site) == [
        "ko/index.html: #없는-제목 not found in ko/hand-gradients/index.html"
    ]


def test_every_anchor_of_the_real_site_resolves(built_site: Path) -> None:
    assert broken_anchors(built_site) == []
