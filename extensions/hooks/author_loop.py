"""MkDocs adapter: what `mkdocs serve` does between an author's save and the page shown.

* **Search entries of unchanged pages reused.** Material's search plugin parses every page's
  HTML again on every rebuild; an unchanged page now gets the entries it got last time (the
  logic: extensions/sitebuild/search_index.py).
* **The watcher looks every 0.1 s, not 0.5 s.** MkDocs polls the watched files (docs/,
  mkdocs.yml, sinfit/: a few dozen files, so a look costs next to nothing) every half second:
  a save waited a quarter of a second on average before the rebuild began.

Both patches go through :func:`extensions.sitebuild.upstream.replace`, which fails the build
naming the attribute and the installed version when upstream moves it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from material.plugins.search import plugin as search
from mkdocs import livereload

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extensions.sitebuild.search_index import entries_once  # noqa: E402
from extensions.sitebuild.upstream import replace  # noqa: E402

POLLING_INTERVAL = 0.1  # seconds


def _material(index, page) -> None:
    _original(index, page)


_original = replace(
    search.SearchIndex,
    "add_entry_from_context",
    entries_once(_material),
    parameters=["self", "page"],
)


def _server(
    self,
    builder,
    host,
    port,
    root,
    mount_path="/",
    polling_interval=POLLING_INTERVAL,
    shutdown_delay=0.25,
) -> None:
    _server_init(self, builder, host, port, root, mount_path, polling_interval, shutdown_delay)


_server_init = replace(
    livereload.LiveReloadServer,
    "__init__",
    _server,
    parameters=[
        "self",
        "builder",
        "host",
        "port",
        "root",
        "mount_path",
        "polling_interval",
        "shutdown_delay",
    ],
)
