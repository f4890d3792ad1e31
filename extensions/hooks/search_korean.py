"""After the build: the Korean pages' search entries get the words Korean readers type.

Material's search (lunr, in the browser) matches a query as the prefix of a word split on the
separator: no word segmentation for Korean. A compound typed without its space (경사하강법),
a word from inside one (배치 in 미니배치), or the glossary's other spellings (변화도, 아담,
그래디언트) found nothing (issue #23). The build adds those words to two more fields of each
Korean entry of ``search/search_index.json``, one boosted as the title, one as the text (the
logic, with kiwipiepy: extensions/sitebuild/search_korean.py); the reader's browser downloads
no analyser.

``SINFIT_KOREAN_SEARCH=0`` leaves the index as Material wrote it (to compare, or to see the
search test fail without the step).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extensions.sitebuild import search_korean  # noqa: E402
from extensions.sitebuild.nesting import NestedBuilds  # noqa: E402
from extensions.sitebuild.project import languages  # noqa: E402

log = logging.getLogger("mkdocs.hooks.search_korean")
GLOSSARY = ROOT / "glossary.toml"
CACHE = ROOT / ".cache" / "search-korean"  # each entry's words, by its title and text

# mkdocs-static-i18n builds the other languages from inside the default language's
# on_post_build and writes the index of all of them at its end: builds nest, and the index is
# final only when the outermost one ends.
_builds = NestedBuilds()


def on_pre_build(config) -> None:
    _builds.start()


def on_build_error(error) -> None:
    _builds.abandon()


@event_priority(-150)  # after mkdocs-static-i18n's (-100), which writes the final index
def on_post_build(config) -> None:
    if not _builds.ended():
        return
    if os.environ.get(search_korean.ENV_SWITCH, "1") == "0":
        log.info("Korean search words: off (%s=0)", search_korean.ENV_SWITCH)
        return
    index = Path(config["site_dir"]) / "search" / "search_index.json"
    if not index.exists():  # the search plugin is off
        return
    entries, before, after = search_korean.rewrite_index(
        index, languages(Path(config["config_file_path"]).parent), GLOSSARY, CACHE
    )
    log.info(
        "Korean search words added to %d entries: index %d -> %d bytes (+%.1f %%)",
        entries,
        before,
        after,
        100 * (after - before) / before,
    )
