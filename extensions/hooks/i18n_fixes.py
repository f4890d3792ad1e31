"""Fixes where mkdocs-static-i18n and Material disagree.

* **404s for sitemap.xml under every page.** mkdocs-static-i18n (``reconfigure_material``) puts
  the *same page* in the other language into ``extra.alternate``, which is what makes the
  language switcher land on the same page. Material also emits each of those as
  ``<link rel="alternate" hreflang>`` in the head, and its JavaScript takes every such link for
  a *language root* and fetches ``sitemap.xml`` beneath it: ``/ko/hand-gradients/sitemap.xml``,
  a 404 and a console error on every page view (mkdocs-static-i18n issue #290 tracks the
  interplay). We keep the switcher menu and drop those head links.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extensions.sitebuild import pages  # noqa: E402


def on_post_page(output: str, page, config) -> str:
    return pages.drop_alternate_links(output, page.file.src_uri)
