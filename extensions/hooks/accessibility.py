"""Accessibility fixes axe-core asks for, where the upstream markup falls short.

* **The search dialog has no name.** Material renders ``<div class="md-search" role="dialog">``
  with no accessible name (axe rule ``aria-dialog-name``, serious). We name it, in the page's
  language.
* **Code cells that scroll sideways cannot be reached by keyboard.** mkdocs-jupyter's code
  cells overflow horizontally on narrow screens but are not focusable (axe rule
  ``scrollable-region-focusable``, serious); Material's own code blocks get ``tabindex="0"``
  from its JavaScript, notebook cells do not (mkdocs-jupyter issue #190 on keyboard access).
  We add the ``tabindex`` in the HTML.

Colour contrast of code tokens, links in running text and the footer is fixed in
``extensions/overrides/assets/stylesheets/sinfit.css``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extensions.sitebuild import pages  # noqa: E402
from extensions.sitebuild.upstream import UpstreamChanged  # noqa: E402

SEARCH_NAME = {"en": "Search", "ko": "검색"}


def on_post_page(output: str, page, config) -> str:
    name = SEARCH_NAME.get(str(config["theme"]["language"]), SEARCH_NAME["en"])
    try:
        output = pages.name_search_dialog(output, page.file.src_uri, name)
        if getattr(page, "nb_url", None):
            output = pages.focusable_code_cells(output, page.file.src_uri)
    except UpstreamChanged as err:
        raise PluginError(str(err)) from None
    return output
