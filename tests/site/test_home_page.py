"""The home page's install command: a reader copies it, so it must name the wheel this very site
publishes, at the address the site is published at (mkdocs.yml's site_url). The command is typed
in the page, not filled in by the build, so that it reads as what it is; this test fails when a
new version or a new address makes it stale, and says what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from extensions.sitebuild.gates import built_page
from tests.conftest import LANGUAGES, mkdocs_config


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_install_command_names_the_published_wheel_at_the_site_s_address(
    built_site: Path, language: str
) -> None:
    (wheel,) = (built_site / "downloads").glob("*.whl")
    expected = f"pip install {mkdocs_config()['site_url'].rstrip('/')}/downloads/{wheel.name}"
    html = built_page(built_site, language, "index.md").read_text(encoding="utf-8")
    commands = [
        line.strip()
        for code in BeautifulSoup(html, "html.parser").select("article pre code")
        for line in code.get_text().splitlines()
        if line.strip().startswith("pip install")
    ]
    assert commands, f"{language}: the home page shows no pip install command"
    assert expected in commands, (
        f"{language}: the home page installs {commands}; the site publishes {wheel.name} at "
        f"its downloads/, so the command is: {expected}"
    )
