"""A built site served as a plain static server serves it: under its published path, without
compression (as ``python -m http.server``, a reader's own copy or an intranet mirror do).

For the tests and the benchmarks, on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from extensions.sitebuild.project import ROOT, mkdocs_config


def site_prefix(root: Path = ROOT) -> str:
    """The path the site is published under (site_url's path, e.g. "/sinfit"), no trailing /."""
    return urlsplit(mkdocs_config(root)["site_url"]).path.rstrip("/")


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under its published path, as GitHub Pages and `mkdocs serve` do."""

    prefix = ""

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix + "/"):
            return str(Path(self.directory) / "no-such-file")
        return super().translate_path(path[len(self.prefix) :])

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path, port: int = 0, prefix: str | None = None) -> Iterator[str]:
    """A built site served on 127.0.0.1 under its published path, at ``port`` (0: a free one)."""
    prefix = site_prefix() if prefix is None else prefix
    handler_class = type("Handler", (_SiteHandler,), {"prefix": prefix})
    handler = functools.partial(handler_class, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
