"""MkDocs adapter: when the outermost build ends, with every language's pages on disk, the
whole site's last rewrites (extensions/sitebuild/session.py's finish_site): the words Korean
readers type added to the search index (issue #23), then what a first visit waits for cut to
what the pages use (extensions/sitebuild/first_visit.py)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from extensions.sitebuild.session import Session
from extensions.sitebuild.upstream import UpstreamChanged

log = logging.getLogger("mkdocs.hooks.site_finish")
SESSION = Session.shared()


@event_priority(-150)  # after mkdocs-static-i18n's (-100): the other languages, the index
def on_post_build(config: MkDocsConfig) -> None:
    if not SESSION.end():
        return
    try:
        log.info(SESSION.finish_site(Path(config.site_dir)))
    except (UpstreamChanged, FileNotFoundError) as err:
        raise PluginError(str(err)) from None
