"""MkDocs adapter: each finished page's markup fixed where Material, mkdocs-static-i18n and
mkdocs-jupyter fall short (the search dialog's name, keyboard access to code cells, the hreflang
links); the reasons are in :mod:`extensions.sitebuild.pages`."""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extensions.sitebuild import pages  # noqa: E402
from extensions.sitebuild.upstream import UpstreamChanged  # noqa: E402


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    name = page.file.src_uri
    try:
        output = pages.drop_alternate_links(output, name)
        output = pages.name_search_dialog(output, name, str(config["theme"]["language"]))
        if getattr(page, "nb_url", None):  # mkdocs-jupyter's mark of a notebook page
            output = pages.focusable_code_cells(output, name)
    except UpstreamChanged as err:
        raise PluginError(str(err)) from None
    return output
