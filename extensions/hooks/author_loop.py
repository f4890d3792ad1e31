"""MkDocs adapter: what `mkdocs serve` does between an author's save and the page shown. Both
patches stand in for mkdocs/mkdocs#3695 (the authoring loop of `mkdocs serve`: every save
rebuilds and re-indexes every page) and go through extensions/sitebuild/upstream.replace, which
fails the build, naming the attribute and the installed version, when upstream moves it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from material.plugins.search import plugin as search
from mkdocs import livereload

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from extensions.sitebuild.search_index import entries_once
from extensions.sitebuild.session import Session
from extensions.sitebuild.upstream import replace

SESSION = Session.shared()

# An unchanged page gets the search entries it got last time: Material's search plugin parses
# every page's HTML again on every rebuild (extensions/sitebuild/search_index.py)
_add_entry = replace(
    search.SearchIndex,
    "add_entry_from_context",
    entries_once(lambda index, page: _add_entry(index, page), SESSION.search_entries),
    parameters=["self", "page"],
)

# The watcher looks every 0.1 s, not 0.5 (`mkdocs serve` passes no interval): a save waited a
# quarter of a second on average before the rebuild began; a look at a few dozen files is cheap.
POLLING_INTERVAL = 0.1  # seconds


def _server(self: livereload.LiveReloadServer, *args: Any, **kwargs: Any) -> None:
    kwargs.setdefault("polling_interval", POLLING_INTERVAL)
    _server_init(self, *args, **kwargs)


_server_init = replace(
    livereload.LiveReloadServer,
    "__init__",
    _server,
    parameters=[
        *("self", "builder", "host", "port", "root"),
        *("mount_path", "polling_interval", "shutdown_delay"),
    ],
)
