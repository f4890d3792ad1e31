"""Material's search index entries of a page, made once per page text.

Material's search plugin parses every page's HTML into sections on every build (an HTML parser
in pure Python over every page of both languages: the largest part of a rebuild under `mkdocs
serve` after a one-line edit, and of a warm build). :func:`entries_once` wraps its
``add_entry_from_context`` so a page whose text, address, title, metadata and table of contents
are what they were gets the entries it got then, in this process or, kept under ``.cache/``, an
earlier one. Plain Python, no MkDocs imports; ``extensions/hooks/author_loop.py`` installs it.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from extensions.sitebuild.files import write_atomically

MATERIAL = version("mkdocs-material")  # its parser makes the entries


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


class EntryStore:
    """Search entries by page key: in memory and, with a ``folder``, one JSON file per key there,
    so a new process (a warm build) reuses them too. Copies go in and out: a caller may change
    what it gets."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.memory: dict[str, list[dict]] = {}

    def get(self, key: str) -> list[dict] | None:
        if key not in self.memory and self.folder is not None:
            try:
                self.memory[key] = json.loads((self.folder / f"{key}.json").read_text("utf-8"))
            except (OSError, ValueError):
                return None
        found = self.memory.get(key)
        return None if found is None else copy.deepcopy(found)

    def put(self, key: str, entries: list[dict]) -> None:
        self.memory[key] = copy.deepcopy(entries)
        if self.folder is None:
            return
        try:
            text = json.dumps(entries, ensure_ascii=False)
        except TypeError:  # not plain data: kept in memory only
            return
        write_atomically(self.folder / f"{key}.json", text)

    def prune(self) -> None:
        """Remove the kept entries this process did not use (after a build that used some)."""
        if self.folder is None or not self.memory or not self.folder.is_dir():
            return
        for old in self.folder.glob("*.json"):
            if old.stem not in self.memory:
                old.unlink(missing_ok=True)


def entries_once(add: Callable[[Any, Any], None], store: EntryStore) -> Callable[[Any, Any], None]:
    """``add`` (``SearchIndex.add_entry_from_context(self, page)``, which appends to
    ``self.entries``), made once for each page key and the index's settings, and kept in
    ``store``; later calls append copies."""

    def add_entry_from_context(self: Any, page: Any) -> None:
        settings = json.dumps(getattr(self, "config", {}), sort_keys=True, default=str)
        key = hashlib.sha256(f"{MATERIAL};{settings};{page_key(page)}".encode()).hexdigest()
        known = store.get(key)
        if known is not None:
            self.entries.extend(known)
            return
        before = len(self.entries)
        add(self, page)
        store.put(key, self.entries[before:])

    return add_entry_from_context
