"""Material's search index entries of a page, made once per page text and process.

Material's search plugin parses every page's HTML into sections on every build (an HTML parser
in pure Python over every page of both languages: the largest part of a rebuild under `mkdocs
serve` after a one-line edit). :func:`entries_once` wraps its ``add_entry_from_context`` so a
page whose text, address, title, metadata and table of contents are what they were gets the
entries it got then. Plain Python, no MkDocs imports; ``extensions/hooks/author_loop.py``
installs it.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any


def _toc(items: Iterable[Any]) -> list:
    return [
        (item.id, item.url, item.title, item.level, _toc(item.children)) for item in items or ()
    ]


def page_key(page: Any) -> str:
    """What the entries of ``page`` are made from, as one digest."""
    text = json.dumps(
        [
            page.url,
            page.title,
            page.content,
            json.dumps(page.meta, sort_keys=True, default=str),
            _toc(page.toc),
        ],
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def entries_once(
    add: Callable[[Any, Any], None], made: dict[str, list[dict]]
) -> Callable[[Any, Any], None]:
    """``add`` (``SearchIndex.add_entry_from_context(self, page)``, which appends to
    ``self.entries``), made once for each page key and kept in ``made``; later calls append
    copies."""

    def add_entry_from_context(self: Any, page: Any) -> None:
        key = page_key(page)
        if key in made:
            self.entries.extend(copy.deepcopy(made[key]))
            return
        before = len(self.entries)
        add(self, page)
        made[key] = copy.deepcopy(self.entries[before:])

    return add_entry_from_context
