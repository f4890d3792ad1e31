"""The build's first stage: every tutorial executed, as a notebook any renderer can read.

::

    docs/<lang>/<page>.md        stage (this module): parity check, execution through
         │                       the cache, glue filled in, hidden cells dropped
         ▼
    .cache/stage/<lang>/<page>.ipynb
         │                       stage two, MkDocs + mkdocs-jupyter: render the
         ▼                       notebook as any notebook, theme, search, i18n
    site/<lang>/<page>/index.html (+ the page's notebook and script downloads)

``python -m extensions.sitebuild.stage [page.md ...]`` runs the stage alone (every page of
every language, or the named ones) and prints the execution report; every ``mkdocs build``
and every ``mkdocs serve`` rebuild runs it first for the pages it publishes, where an
unchanged page is a cache look-up. A staged notebook is rewritten only when its content
changed, so what renders it may key its own cache on the file's bytes.

Ctrl-C and SIGTERM during the stage stop its kernel, remove the kernel's socket folder and
whatever unfinished output the caller names (:meth:`Stage.stop_on_signals`).

Plain Python, no MkDocs: ``extensions/hooks/execution.py`` adapts it to the build.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from importlib.metadata import version
from pathlib import Path

import nbformat

from extensions.sitebuild import downloads, gates
from extensions.sitebuild.execution import (
    EXECUTION_KEY,
    ExecutionError,
    Executor,
    downloadable,
)
from extensions.sitebuild.project import ROOT, languages, tutorial_pages


class StageError(RuntimeError):
    """The stage cannot produce the pages: the message names the page and what to change."""


class Stage:
    """The executed notebooks of one checkout, written under ``.cache/stage/<language>/``."""

    def __init__(self, root: Path = ROOT, *, enabled: bool | None = None) -> None:
        if enabled is None:  # SINFIT_EXECUTE=0: pages without outputs, the benchmark's floor
            enabled = os.environ.get("SINFIT_EXECUTE", "1") != "0"
        self.root = root
        self.folder = root / ".cache" / "stage"
        self.executor = Executor(root / ".cache" / "execution", root / "sinfit", enabled=enabled)
        self.notebooks: dict[str, nbformat.NotebookNode] = {}  # staged path -> notebook
        self._parity_of = ""  # the tutorials' text the last parity check passed on
        self._downloaded: dict[str, tuple[str, tuple[str, str]]] = {}

    # --- the stage ----------------------------------------------------------------------------
    def check_parity(self) -> None:
        """Fail before anything runs if a tutorial's code differs between languages (each
        language is rendered on its own and would publish different numbers)."""
        langs = languages(self.root)
        text = json.dumps(
            {
                str(p): p.read_text(encoding="utf-8")
                for lang in langs
                for p in tutorial_pages(lang, self.root)
            }
        )
        if text == self._parity_of:
            return
        docs = self.root / "docs"
        if problems := gates.code_parity(docs, langs):
            raise StageError("\n".join(f"{docs.name}/{p}" for p in problems))
        self._parity_of = text

    def start(self) -> None:
        """Begin a run: the report and the notebooks of the last one are dropped."""
        self.executor.reset()
        self.notebooks.clear()

    def page(self, source: Path, language: str) -> Path:
        """Execute (or look up) one page and write its notebook; returns the staged path."""
        docs = self.root / "docs" / language
        name = source.resolve().relative_to(docs.resolve()).as_posix()
        try:
            # named as in docs/ ("en/why-slow.md"): the report's rows and its readers say so
            nb = self.executor.notebook(str(source.resolve()), f"{language}/{name}", language)
        except ExecutionError as err:
            raise StageError(str(err)) from None
        target = self.folder / language / Path(name).with_suffix(".ipynb")
        _write_if_changed(target, _notebook_text(published(nb)))
        self.notebooks[str(target)] = nb
        return target

    def run(self, pages: list[Path] | None = None) -> dict[Path, Path]:
        """Stage ``pages`` (every tutorial of every language if None): source -> staged."""
        self.check_parity()
        self.start()
        staged = {}
        for language in languages(self.root):
            for source in tutorial_pages(language, self.root):
                if pages is None or any(_same(source, p) for p in pages):
                    staged[source] = self.page(source, language)
        return staged

    def report(self, language: str) -> str | None:
        return self.executor.report(language)

    def close(self) -> None:
        """Stop the kernel (it is started again if a later run needs it)."""
        self.executor.kernel.stop()

    def prune(self) -> int:
        """Drop the cache entries and staged notebooks no current page has."""
        langs = languages(self.root)
        current = {
            (self.folder / lang / p.relative_to(self.root / "docs" / lang)).with_suffix(".ipynb")
            for lang in langs
            for p in tutorial_pages(lang, self.root)
        }
        if self.folder.is_dir():
            for old in self.folder.rglob("*.ipynb"):
                if old not in current:
                    old.unlink()
        if not (self.executor.enabled and self.executor.rows):
            return 0
        return self.executor.prune([p for lang in langs for p in tutorial_pages(lang, self.root)])

    # --- what a page's readers download -------------------------------------------------------
    def downloads(
        self, staged: str, stem: str, language: str, page_url: str, wheel_url: str
    ) -> tuple[str, str] | None:
        """The text of a staged page's notebook download and script download (None for a
        page the stage did not write); made again only when what they come from changed."""
        nb = self.notebooks.get(staged)
        if nb is None:
            return None
        made_from = json.dumps([nb, stem, language, page_url, wheel_url], sort_keys=True)
        known = self._downloaded.get(page_url)
        if known is None or known[0] != made_from:
            linked = downloads.absolute_links(downloadable(published(nb)), page_url)
            notebook = _notebook_text(downloads.notebook_download(linked, wheel_url, language))
            script = downloads.script_download(linked, stem, wheel_url, language)
            self._downloaded[page_url] = (made_from, (notebook, script))
        return self._downloaded[page_url][1]

    # --- stopping -----------------------------------------------------------------------------
    def stop_on_signals(self, unfinished: Path | None) -> None:
        """Ctrl-C or SIGTERM: stop the kernel, remove its sockets and ``unfinished`` (a
        half-written site), and stop with one line, not nbclient's traceback."""
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread may set handlers; a test's build thread does not

        def stop(signum, frame) -> None:
            self.executor.kernel.kill()
            if unfinished is not None:
                shutil.rmtree(unfinished, ignore_errors=True)
            name = "Interrupted" if signum == signal.SIGINT else "Terminated"
            removed = ", unfinished site removed" if unfinished is not None else ""
            sys.stderr.write(f"{name}: build stopped, kernel shut down{removed}.\n")
            sys.stderr.flush()
            os._exit(128 + signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)


# What decides a notebook's rendering besides the notebook: the renderer's versions and the
# hook that adjusts it (heading ids, the table of contents' slugs).
RENDERERS = ("mkdocs-jupyter", "nbconvert", "jupytext", "mistune", "pygments")
RENDER_HOOK = Path("extensions") / "hooks" / "notebook_pages.py"


def render_cache(root: Path, language: str) -> Path:
    """Where the renderer may keep its renderings of ``language``'s staged notebooks: a folder
    named by the renderer's versions and the hook adjusting it, so an upgrade or a change to
    the hook can only miss. Folders of other fingerprints are removed."""
    h = hashlib.sha256()
    for name in RENDERERS:
        h.update(f"{name}=={version(name)};".encode())
    h.update((root / RENDER_HOOK).read_bytes())
    folder = root / ".cache" / "render" / h.hexdigest()[:16]
    if folder.parent.is_dir():
        for old in folder.parent.iterdir():
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    return folder / language


def published(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as it leaves the build (staged, downloaded): without the seconds its code
    took, which differ from run to run, so that two builds of the same sources publish the
    same files. The page's proof line says the time coarsely; the execution report exactly."""
    run = nb.metadata.get(EXECUTION_KEY)
    if not run or "seconds" not in run:
        return nb
    nb = copy.deepcopy(nb)
    del nb.metadata[EXECUTION_KEY]["seconds"]
    return nb


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _notebook_text(nb: nbformat.NotebookNode) -> str:
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"  # as nbformat.write ends a file


def _write_if_changed(path: Path, text: str) -> None:
    """Write through a temporary file and a rename, so a reader never sees half a notebook;
    an unchanged notebook keeps its file (and its modification time)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
    ) as handle:
        handle.write(text)
    os.replace(handle.name, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m extensions.sitebuild.stage",
        description="Execute the tutorials through the cache and write their notebooks "
        "under .cache/stage/<language>/ (the build's first stage).",
    )
    parser.add_argument("pages", nargs="*", type=Path, help="docs/<lang>/<page>.md (all if none)")
    args = parser.parse_args(argv)
    stage = Stage()
    stage.stop_on_signals(None)
    for page in args.pages:
        if not page.is_file():
            parser.error(f"{page}: no such page")
    try:
        staged = stage.run([p.resolve() for p in args.pages] or None)
    except StageError as err:
        print(err, file=sys.stderr)
        return 1
    finally:
        stage.close()
    for language in languages(stage.root):
        if report := stage.report(language):
            print(report)
    print(f"{len(staged)} notebooks in {stage.folder.relative_to(stage.root)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
