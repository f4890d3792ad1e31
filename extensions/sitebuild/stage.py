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
and every ``mkdocs serve`` rebuild runs it for the pages it publishes, where an
unchanged page is a cache look-up. In a build the stage works on a thread of its own
(:meth:`Stage.page_ahead`), and each page waits for its own notebook (:meth:`Stage.ready`): the
kernel computes one page while MkDocs renders the ones before it. A staged notebook is
rewritten only when its content changed, so what renders it may key its own cache on the
file's bytes.

Ctrl-C and SIGTERM during the stage stop its kernel, remove the kernel's socket folder and
whatever unfinished output the caller names (:meth:`Stage.stop_on_signals`).

Plain Python, no MkDocs: ``extensions/hooks/execution.py`` adapts it to the build.
"""

from __future__ import annotations

import argparse
import copy
import functools
import hashlib
import json
import os
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

import nbformat

from extensions.sitebuild import downloads, figures, gates, glue
from extensions.sitebuild.execution import (
    EXECUTION_KEY,
    ExecutionError,
    Executor,
    downloadable,
    read_page,
)
from extensions.sitebuild.files import write_atomically
from extensions.sitebuild.project import ROOT, languages, tutorial_pages

MANIFEST = "manifest.json"


def kernel_lanes() -> int:
    """How many pages the stage executes at once, each in a kernel of its own:
    ``SINFIT_KERNELS`` (environment variable), else 2 where there are two cores or more. A
    page's code runs on one core (``SINFIT_TORCH_THREADS``), so a second kernel uses the core
    the renderer leaves idle while it waits for pages."""
    value = os.environ.get("SINFIT_KERNELS")
    if value is None:
        return 2 if (os.cpu_count() or 1) >= 2 else 1
    try:
        lanes = int(value)
    except ValueError:
        lanes = 0
    if lanes < 1:
        raise StageError(f"SINFIT_KERNELS={value!r}: the number of kernels, a whole number >= 1")
    return lanes


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
        self.sources: dict[str, Path] = {}  # staged path -> the page it was made from
        self._downloaded: dict[str, tuple[str, tuple[str, str, str]]] = {}
        # What the staged notebooks were made from (manifest.json): a page whose source and
        # execution store are those of its staged notebook is read back, not looked up again.
        self._manifest: dict | None = None
        self._touched: dict[str, dict] = {}  # staged path -> its manifest entry, this run
        self.executed_any = False  # did this process execute a page (and store an entry)?
        # The build's pages are staged on lanes of their own, in the order the build asks
        # for them (page_ahead), while it renders those already staged (ready): the kernels
        # compute pages while this process renders others. A lane is one thread with its own
        # kernel (a kernel runs one page at a time, and its client lives on the event loop of
        # the thread that started it); a page goes to the lane with the fewest waiting.
        self.lanes = kernel_lanes()
        self._workers: list[ThreadPoolExecutor] = []
        self._ahead: dict[str, Future] = {}
        self._lane_of: dict[str, int] = {}

    # --- the stage ----------------------------------------------------------------------------
    def check_parity(self) -> None:
        """Fail before anything runs if a tutorial's code differs between languages (each
        language is rendered on its own and would publish different numbers)."""
        langs = languages(self.root)
        text = json.dumps(
            {
                str(p.relative_to(self.root)): p.read_text(encoding="utf-8")
                for lang in langs
                for p in tutorial_pages(lang, self.root)
            }
        )
        digest = hashlib.sha256(text.encode()).hexdigest()
        if self.manifest.get("parity") == digest:
            return
        docs = self.root / "docs"
        if problems := gates.code_parity(docs, langs):
            raise StageError("\n".join(f"{docs.name}/{p}" for p in problems))
        self.manifest["parity"] = digest
        self._save_manifest()

    @property
    def manifest(self) -> dict:
        if self._manifest is None:
            try:
                self._manifest = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
            except (OSError, ValueError):  # none yet, or damaged: every page is looked up
                self._manifest = {}
            if not isinstance(self._manifest, dict):
                self._manifest = {}
        return self._manifest

    def _store_stamp(self) -> str | None:
        """The execution store a staged notebook was made against: its fingerprint (the
        ``sinfit`` sources and the versions), while its database is there and readable as one;
        None otherwise. A deleted or damaged store is noticed as it would be without the
        manifest: its pages are looked up, and executed, again. (Not its time of change: every
        look-up writes to it.) With it, the build's own code: a staged notebook made by other
        code (another figure slimming, another glue) is looked up and written again."""
        if not self.executor.enabled:
            return None
        db = self.executor.cache_root / self.executor.fingerprint / "global.db"
        try:
            with db.open("rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    return None
        except OSError:
            return None
        return f"{self.executor.fingerprint}+{_build_code()}"

    def _save_manifest(self) -> None:
        """Record this run's pages against the store as it is now (after what executed)."""
        stamp = self._store_stamp()
        pages = self.manifest.setdefault("pages", {})
        for target, entry in self._touched.items():
            if stamp is None:
                pages.pop(target, None)
            else:
                pages[target] = {**entry, "store": stamp}
        self._touched.clear()
        _write_if_changed(self.folder / MANIFEST, json.dumps(self.manifest, sort_keys=True))

    def start(self) -> None:
        """Begin a run: the report and the notebooks of the last one are dropped."""
        self.executor.reset()
        self.notebooks.clear()

    def page_ahead(self, source: Path, language: str) -> Path:
        """Queue one page on the stage's thread (once: a page queued and not yet rendered is
        not queued again); returns the path its notebook will have, which :meth:`ready` waits
        for. A page whose turn comes after another page failed is not executed: that failure
        is the build's."""
        target = self.staged_path(language, self._name(source, language))
        if str(target) in self._ahead:  # queued already (Session.begin), not yet rendered
            return target
        earlier = list(self._ahead.values())
        try:  # what parses Python runs here, on the caller's thread (Executor.prepare)
            prepared = None if self._current(source, target) else self.executor.prepare(str(source))
        except ExecutionError as err:
            failed: Future[Path] = Future()
            failed.set_exception(StageError(str(err)))
            self._ahead[str(target)] = failed
            return target

        def stage() -> Path:
            # a page still running on another lane is not waited for: its failure, if it
            # fails, is the build's all the same
            if any(f.done() and not f.cancelled() and f.exception() for f in earlier):
                raise StageError(f"{language}/{target.stem}: not staged, an earlier page failed")
            return self.page(source, language, prepared)

        if len(self._workers) < self.lanes:
            self._workers.append(
                ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"stage-{len(self._workers)}")
            )
        waiting = [0] * len(self._workers)
        for staged, future in self._ahead.items():
            if not future.done() and staged in self._lane_of:
                waiting[self._lane_of[staged]] += 1
        lane = waiting.index(min(waiting))
        self._lane_of[str(target)] = lane
        self._ahead[str(target)] = self._workers[lane].submit(stage)
        return target

    def ready(self, staged: str) -> None:
        """Wait until the page queued as ``staged`` is staged; raises its StageError. Nothing
        for a path that was not queued (another page, or one staged already)."""
        self._lane_of.pop(staged, None)
        if (future := self._ahead.pop(staged, None)) is not None:
            future.result()

    def _name(self, source: Path, language: str) -> str:
        return source.resolve().relative_to((self.root / "docs" / language).resolve()).as_posix()

    def _current(self, source: Path, target: Path) -> bool:
        """Whether the staged notebook ``target`` was made from ``source`` as it is now, against
        the execution store as it is now: then it is read back, not looked up again."""
        known = self.manifest.get("pages", {}).get(str(target))
        stamp = self._store_stamp()
        return bool(
            stamp is not None
            and known
            and known.get("source") == hashlib.sha256(source.read_bytes()).hexdigest()
            and known.get("store") == stamp
            and target.is_file()
        )

    def page(
        self, source: Path, language: str, prepared: nbformat.NotebookNode | None = None
    ) -> Path:
        """Execute (or look up) one page and write its notebook; returns the staged path.
        ``prepared``: the page as Executor.prepare read it, if the caller has it."""
        name = self._name(source, language)
        page = f"{language}/{name}"  # as in docs/: the report's rows and its readers say so
        target = self.staged_path(language, name)
        made_from = hashlib.sha256(source.read_bytes()).hexdigest()
        known = self.manifest.get("pages", {}).get(str(target))
        if self._current(source, target):
            start = time.perf_counter()
            nb = nbformat.read(target, as_version=4)
            if EXECUTION_KEY in nb.metadata:  # published without it; the proof line says it
                nb.metadata[EXECUTION_KEY]["seconds"] = known.get("seconds", 0.0)
            self.executor.served(page, language, str(source.resolve()), nb, start)
        else:
            before = len(self.executor.rows)
            try:
                nb = self.executor.notebook(str(source.resolve()), page, language, prepared)
            except ExecutionError as err:
                raise StageError(str(err)) from None
            self.executed_any |= any(r.status == "executed" for r in self.executor.rows[before:])
            figures.slim_figures(nb)
            _write_if_changed(target, _notebook_text(published(nb)))
        run = nb.metadata.get(EXECUTION_KEY, {})
        self._touched[str(target)] = {"source": made_from, "seconds": run.get("seconds", 0.0)}
        self.notebooks[str(target)] = nb
        self.sources[str(target)] = source
        return target

    def staged_path(self, language: str, name: str) -> Path:
        """Where the page ``name`` (relative to ``docs/<language>/``) is staged."""
        return self.folder / language / Path(name).with_suffix(".ipynb")

    def markdown_cells(self, staged: str) -> list[str] | None:
        """The Markdown cells' text of a staged page (None for a page the stage did not
        write): what its table of contents is read from."""
        nb = self.notebooks.get(staged)
        return None if nb is None else [c.source for c in nb.cells if c.cell_type == "markdown"]

    def finish(self) -> None:
        """End a run: every queued page staged (a failure raised), and what the staged
        notebooks were made from remembered."""
        for staged in list(self._ahead):
            self.ready(staged)
        if self._touched:
            self._save_manifest()

    def run(self, pages: list[Path] | None = None) -> dict[Path, Path]:
        """Stage ``pages`` (every tutorial of every language if None): source -> staged."""
        self.check_parity()
        self.start()
        staged = {}
        for language in languages(self.root):
            for source in tutorial_pages(language, self.root):
                if pages is None or any(_same(source, p) for p in pages):
                    staged[source] = self.page(source, language)
        self.finish()
        return staged

    def report(self, language: str) -> str | None:
        return self.executor.report(language)

    def close(self, *, now: bool = False) -> None:
        """Stop the kernel (it is started again if a later run needs it), on the thread its
        client lives on. ``now`` (a failed build): queued pages dropped and the running one
        stopped by killing the kernel, instead of waiting for it."""
        for future in self._ahead.values():
            future.cancel()
        self._ahead.clear()
        self._lane_of.clear()
        if now:
            for kernel in self.executor.kernels:
                kernel.kill()
        self.executor.kernel.stop()  # this thread's (Stage.run's pages, `outputs`)
        for worker in self._workers:  # each lane's, on the thread its client lives on
            worker.submit(lambda: self.executor.kernel.stop()).result()

    def prune(self) -> int:
        """Drop the cache entries and staged notebooks no current page has."""
        sources = {lang: tutorial_pages(lang, self.root) for lang in languages(self.root)}
        current = {
            self.staged_path(lang, p.relative_to(self.root / "docs" / lang).as_posix())
            for lang, pages in sources.items()
            for p in pages
        }
        if self.folder.is_dir():
            for old in self.folder.rglob("*.ipynb"):
                if old not in current:
                    old.unlink()
        if not (self.executor.enabled and self.executed_any):
            return 0  # entries go out of use only when edited code executes
        return self.executor.prune([p for pages in sources.values() for p in pages])

    # --- what a page's readers see around it --------------------------------------------------
    def framed(self, staged: str, content: str, language: str, colab: str | None) -> str | None:
        """A staged page's rendered ``content`` with its downloads under its title and its
        proof line (how it was executed) at its end; None for a page the stage did not write."""
        nb = self.notebooks.get(staged)
        if nb is None:
            return None
        execution = downloads.Execution.from_metadata(nb.metadata)
        device = glue.final_values(nb).get("device")
        device = device if isinstance(device, str) else "cpu"
        proof = downloads.proof_html(execution, downloads.shown_blocks(nb), language, device)
        block = downloads.header_html(Path(staged).stem, language, colab)
        head, h1, rest = content.partition("</h1>")
        return (head + h1 + block + rest if h1 else block + content) + proof

    # --- what a page's readers download -------------------------------------------------------
    def downloads(
        self, staged: str, stem: str, language: str, page_url: str, wheel_url: str
    ) -> tuple[str, str, str] | None:
        """The text of a staged page's notebook, script and checked-script downloads (None for
        a page the stage did not write); made again only when what they come from changed."""
        nb = self.notebooks.get(staged)
        if nb is None:
            return None
        source = self.sources[staged]
        page_text = source.read_text(encoding="utf-8")
        made_from = json.dumps([nb, page_text, stem, language, page_url, wheel_url], sort_keys=True)
        known = self._downloaded.get(page_url)
        if known is None or known[0] != made_from:
            shown = published(nb)
            linked = downloads.absolute_links(downloadable(shown), page_url)
            notebook = _notebook_text(downloads.notebook_download(linked, wheel_url, language))
            script = downloads.script_download(linked, stem, wheel_url, language)
            whole = downloads.with_checks(shown, read_page(source), language)
            checked = downloads.script_download(
                downloads.absolute_links(downloadable(whole), page_url),
                stem,
                wheel_url,
                language,
                kind="checked",
            )
            self._downloaded[page_url] = (made_from, (notebook, script, checked))
        return self._downloaded[page_url][1]

    # --- stopping -----------------------------------------------------------------------------
    def stop_on_signals(self, unfinished: Path | None) -> None:
        """Ctrl-C or SIGTERM: stop the kernel, remove its sockets and ``unfinished`` (a
        half-written site), and stop with one line, not nbclient's traceback."""
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread may set handlers; a test's build thread does not

        def stop(signum, frame) -> None:
            for kernel in self.executor.kernels:
                kernel.kill()
            if unfinished is not None:
                shutil.rmtree(unfinished, ignore_errors=True)
            name = "Interrupted" if signum == signal.SIGINT else "Terminated"
            removed = ", unfinished site removed" if unfinished is not None else ""
            sys.stderr.write(f"{name}: build stopped, kernel shut down{removed}.\n")
            sys.stderr.flush()
            os._exit(128 + signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)


# What decides a notebook's rendering besides the notebook: the renderer's versions and its
# settings in mkdocs.yml.
RENDERERS = ("mkdocs-jupyter", "nbconvert", "jupytext", "mistune", "pygments")


def render_cache(root: Path, language: str, settings: dict) -> Path:
    """Where the renderer may keep its renderings of ``language``'s staged notebooks: a folder
    named by the renderer's versions and ``settings``, so an upgrade or a changed option can
    only miss. Folders of other fingerprints are removed."""
    h = hashlib.sha256()
    for name in RENDERERS:
        h.update(f"{name}=={version(name)};".encode())
    h.update(json.dumps(settings, sort_keys=True, default=repr).encode())
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


@functools.cache
def _build_code() -> str:
    """A digest of the build's modules (this folder), which shape what the stage writes."""
    h = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        h.update(module.name.encode() + b"\0" + module.read_bytes())
    return h.hexdigest()[:16]


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
    write_atomically(path, text)


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
