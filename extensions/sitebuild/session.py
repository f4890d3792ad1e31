"""What the build does, event by event, for the life of one process: one ``mkdocs build``, or
every rebuild of ``mkdocs serve``. Plain Python, no MkDocs imports: the hooks in
``extensions/hooks/`` turn MkDocs' events into these calls and these errors into MkDocs' own.

mkdocs-static-i18n builds every other language from inside the default language's
``on_post_build``, so each build's start and end run once per language, nested::

    begin (en) ... end_language (en) ─┬─ begin (ko) ... end_language (ko), end (ko: inner)
                                      └─ end (en: the outermost) → finish_site

The outermost build owns the site's root; what is done once on the whole site (the Korean
search words, the first-visit rewrite) is done when it ends, with every language on disk.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TypeVar

import jinja2

from extensions.sitebuild import downloads, first_visit, pages, search_korean
from extensions.sitebuild.nesting import NestedBuilds
from extensions.sitebuild.project import ROOT, languages, tutorial_pages
from extensions.sitebuild.search_index import EntryStore
from extensions.sitebuild.stage import Stage, render_cache
from extensions.sitebuild.upstream import UpstreamChanged, installed

T = TypeVar("T")


class Session:
    """The one object the hooks share; its fields are what one build tells the next."""

    def __init__(self, root: Path = ROOT) -> None:
        self.root = root
        self.languages = languages(root)
        self.stage = Stage(root)
        # nbconvert's and the theme's templates compiled once, not for every page (nbconvert)
        # and every build (MkDocs makes a new Jinja environment for each); on disk, so a warm
        # build compiles none. Jinja keys each on the template's name and source.
        templates = root / ".cache" / "templates"
        templates.mkdir(parents=True, exist_ok=True)
        self.templates = jinja2.FileSystemBytecodeCache(str(templates))
        # each page's search entries (search_index.entries_once), kept for the next build too
        self.search_entries = EntryStore(root / ".cache" / "search-entries")
        self.serving = False  # `mkdocs serve`: pages not slimmed (first_visit.finish_site)
        self._kiwi: threading.Thread | None = None  # Kiwi loading (search_korean), at most once
        self.keep_site = False  # `--dirty`: a stopped build keeps what it did not rewrite
        self.site_dir: Path | None = None  # the outermost build's
        self.site_url = "/"
        self._wheel: Future[Path] | None = None  # built on a thread while pages execute
        self._builds = NestedBuilds()

    @classmethod
    def shared(cls) -> Session:
        """The process's session: every hook module that asks gets the same one."""
        return _shared()

    def start(self, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.keep_site = dirty

    def language(self, theme_language: str) -> str:
        """The language being built: mkdocs-static-i18n sets the theme's per build."""
        if theme_language not in self.languages:
            raise UpstreamChanged(
                f"the theme's language is {theme_language!r}, none of {self.languages}: "
                f"{installed('mkdocs_static_i18n')} no longer sets it per language build"
            )
        return theme_language

    def configure(self, site_dir: Path, site_url: str | None) -> None:
        if self.site_dir is None:  # the outermost build's
            self.site_dir = site_dir
            self.site_url = site_url or "/"
            self.stage.stop_on_signals(None if self.keep_site else site_dir)

    def begin(self, language: str) -> None:
        """A build of ``language`` starts: the sources checked, the stage opened and this
        language's tutorials queued on it (the kernel starts and executes while MkDocs reads
        the theme's files, before it lists the pages), the library's wheel built once per
        version of its sources (a `mkdocs serve` rebuild after a sinfit edit publishes the
        new library with the new pages)."""
        self._builds.start()
        self.stage.check_parity()
        self.stage.start()
        for source in tutorial_pages(language, self.root):
            self.stage.page_ahead(source, language)
        self._wheel = _in_background(downloads.wheel, self.root, self.root / ".cache" / "wheel")
        if self._kiwi is None and not self.serving and self._korean_words_may_change():
            # Kiwi loads in one call that holds the GIL for seconds: now, while the kernel
            # starts, rather than at the end, when everything else is done and waits for it
            self._kiwi = search_korean.load_in_background(self.root / "glossary.toml")

    def _korean_words_may_change(self) -> bool:
        sources = [self.root / "glossary.toml", *(self.root / "sinfit").glob("*.py")]
        # Only Korean entries get words: an English edit needs none.
        korean = [lang for lang in self.languages if search_korean.gets_words(lang)]
        sources += [p for lang in korean for p in (self.root / "docs" / lang).glob("*.md")]
        return search_korean.words_may_change(self.root / ".cache" / "search-korean", sources)

    def render_cache(self, language: str, settings: dict) -> str:
        """Where mkdocs-jupyter keeps ``language``'s renderings. It keys each on the notebook's
        bytes and evicts, at a build's end, those the build did not use; static-i18n runs one
        build per language with the same plugin, so each language needs its own folder."""
        settings = {k: v for k, v in settings.items() if k != "cache_dir"}
        return str(render_cache(self.root, language, settings))

    def framed(
        self, staged: str, html: str, language: str, url: str, repo_url: str | None, branch: str
    ) -> tuple[str, list[dict]] | None:
        """A tutorial's rendered ``html`` with its downloads under its title and how it was
        executed at its end, and its table of contents (the ids pages.heading_ids gives the
        rendered headings, Hangul kept), as MkDocs' ``get_toc`` takes it; None for another
        page. ``branch``: where the repository keeps the executed notebooks, for Colab."""
        colab_path = url + Path(staged).with_suffix(".ipynb").name
        colab = downloads.colab_url(repo_url, branch, colab_path)
        framed = self.stage.framed(staged, html, language, colab)
        if framed is None:
            return None
        return framed, pages.notebook_toc(self.stage.markdown_cells(staged) or [])

    @property
    def wheel(self) -> Path | None:
        """The library's wheel, once built (a subprocess, run while the pages execute)."""
        return None if self._wheel is None else self._wheel.result()

    def wheel_url(self) -> str:
        assert self.wheel is not None, "begin() builds the wheel"
        return self.site_url.rstrip("/") + "/downloads/" + self.wheel.name

    def write_downloads(self, staged: str, folder: Path, language: str, url: str) -> None:
        """A tutorial's notebook, script and checked script, beside its page (nothing for
        other pages)."""
        page_url = self.site_url.rstrip("/") + "/" + url
        stem = Path(staged).stem
        made = self.stage.downloads(staged, stem, language, page_url, self.wheel_url())
        if made is not None:
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in zip(downloads.file_names(stem), made, strict=True):
                (folder / name).write_text(text, encoding="utf-8")

    def end_language(self, site_dir: Path, language: str) -> str | None:
        """One language's pages are written: its execution report (None without one)."""
        self.stage.finish()
        self.stage.close()
        if site_dir == self.site_dir and self.wheel is not None:  # the site's root
            target = site_dir / "downloads" / self.wheel.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self.wheel, target)
        return self.stage.report(language)

    def end(self) -> bool:
        """A build ends; true for the outermost, when every language is on disk."""
        return self._builds.ended()

    def abandon(self) -> None:
        """A build failed: none is under way any more."""
        self._builds.abandon()
        self.stage.close(now=True)

    def finish_site(self, site_dir: Path) -> str:
        """The whole site's last rewrites: the Korean search words (what is to be logged of
        them is returned), then what a first visit waits for, cut to what the pages use.
        ``SINFIT_KOREAN_SEARCH=0`` leaves the index as Material wrote it (to compare, or to
        see the search test fail without the step)."""
        index = site_dir / "search" / "search_index.json"
        if os.environ.get(search_korean.ENV_SWITCH, "1") == "0":
            message = f"Korean search words: off ({search_korean.ENV_SWITCH}=0)"
        elif not index.exists():
            message = "Korean search words: no search index (the search plugin is off)"
        else:
            entries, before, after = search_korean.rewrite_index(
                index,
                self.languages,
                self.root / "glossary.toml",
                self.root / ".cache" / "search-korean",
            )
            message = (
                f"Korean search words added to {entries} entries: index {before} -> "
                f"{after} bytes (+{100 * (after - before) / before:.1f} %)"
            )
            if self.serving and self._kiwi is None:  # the next save may need it
                self._kiwi = search_korean.load_in_background(self.root / "glossary.toml")
        first_visit.finish_site(
            site_dir,
            self.root / "extensions" / "overrides" / first_visit.MATH_FONT,
            self.root / ".cache" / "first-visit",
            slim_html=not self.serving,
        )
        return message

    def shutdown(self) -> None:
        self.stage.close()
        self.stage.prune()
        self.search_entries.prune()


def _in_background(function: Callable[..., T], *args: object) -> Future[T]:
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(function(*args))
        except BaseException as err:  # raised to whoever asks for the result
            future.set_exception(err)

    threading.Thread(target=run, name=function.__name__, daemon=True).start()
    return future


@functools.cache
def _shared() -> Session:
    return Session()
