"""MkDocs adapter: `mkdocs serve` rebuilds and re-indexes every page on every save
(mkdocs/mkdocs#3695): what did not change is reused. Each patch goes through upstream.replace,
which fails the build, naming the attribute and the installed version, when upstream moves it."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from material.plugins.search import plugin as search
from mkdocs import livereload
from mkdocs.config.defaults import MkDocsConfig
from mkdocstrings_handlers.python._internal import rendering as signatures

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

# The watcher looks every 0.05 s, not 0.5 (`mkdocs serve` passes none), and a rebuild starts
# after 0.05 s without another change, not 0.1: a look at a few dozen files is cheap.
POLLING_INTERVAL = BUILD_DELAY = 0.05  # seconds


def _server(self: livereload.LiveReloadServer, *args: Any, **kwargs: Any) -> None:
    kwargs.setdefault("polling_interval", POLLING_INTERVAL)
    _server_init(self, *args, **kwargs)
    self.build_delay = BUILD_DELAY  # an attribute __init__ sets, read by the build loop


_server_init = replace(
    livereload.LiveReloadServer,
    "__init__",
    _server,
    parameters=["self", "builder", "host", "port", "root", "mount_path", "polling_interval",
                "shutdown_delay"],
)  # fmt: skip


# The reference page formats each long signature in a ruff subprocess, in every build
# (mkdocstrings/python#216 chose the subprocess, ruff having no Python API): once per process
@functools.cache
def _formatter_once() -> Callable[[str, int], str]:
    return functools.cache(_get_formatter())


_get_formatter = replace(signatures, "_get_formatter", _formatter_once, parameters=[])


def on_pre_build(config: MkDocsConfig) -> None:
    if (docs := config.plugins.get("mkdocstrings")) is not None:  # a new handler every build
        docs.handlers.get_handler("python").env.bytecode_cache = SESSION.templates
