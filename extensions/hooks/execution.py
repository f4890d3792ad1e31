"""Execute the tutorial pages once per build, through a cache keyed on what determines their output.

Upstream gap. mkdocs-jupyter runs every notebook page in a fresh Jupyter kernel at every build
(~3 s a page here, almost all of it kernel start-up, ``import torch`` and teardown), once per
language. Its own ``cache`` option does not help under mkdocs-static-i18n: each language's build
evicts the other language's entries, and its key is the page's bytes, so an edit to prose re-runs
the code while an edit to ``sinfit`` serves stale output. Tracked upstream as mkdocs-jupyter
issues #102, #161, #245 and #250 (slow builds and caching).

What this hook does instead:

* mkdocs-jupyter keeps rendering the pages, with ``execute: false`` and ``cache: false``; this
  hook hands it an already-executed notebook by wrapping the ``jupytext`` module that
  ``mkdocs_jupyter.nbconvert2`` reads pages with.
* Executed notebooks live in a jupyter-cache store (what Jupyter Book uses), which hashes the code
  cells only, never the prose. The store sits in a folder named by a fingerprint of the ``sinfit``
  sources and of the Python, torch and matplotlib versions, so a change to any of them can only
  miss. A Korean and an English page with identical code cells share one entry: they execute once.
* Pages that miss run one after another in a single kernel per build (``%reset -f`` and closing
  every figure between pages), so ``import torch`` is paid once per build, not once per page.
* A failing cell fails the build with the page and cell named; nothing failed is cached.
* After each language's build: a per-page execution report (executed or cached, seconds), and
  each tutorial's notebook (``.ipynb``, in the page's language, with outputs) for download.

``SINFIT_EXECUTE=0`` turns execution off (pages render without outputs): the benchmark's floor.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import platform
import re
import shutil
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import jupytext
import mkdocs_jupyter.nbconvert2 as nbconvert2
import nbformat
from jupyter_cache import get_cache
from jupyter_cache.cache.main import CacheBundleIn
from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.execution")

ROOT = Path(__file__).resolve().parents[2]
CACHE_ROOT = ROOT / ".cache" / "execution"
PACKAGE = ROOT / "sinfit"
CELL_TIMEOUT_S = 300

# What runs in the shared kernel between two pages: a clean namespace, no figure left open,
# and the working directory of the next page.
RESET_CODE = """\
%reset -f
import os as _os, sys as _sys
if "matplotlib.pyplot" in _sys.modules:  # never import pyplot here: it costs time and
    _sys.modules["matplotlib.pyplot"].close("all")  # switches on a second figure formatter
_os.chdir({cwd!r})
del _os, _sys
"""


@dataclass
class Row:
    """One line of the execution report."""

    page: str
    language: str
    status: str  # "executed" or "cached"
    seconds: float


def fingerprint() -> str:
    """Everything outside the page that decides its output: sinfit's code and the versions."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(path.read_bytes())
    h.update(f"python={platform.python_version()}".encode())
    for dist in ("torch", "matplotlib", "numpy"):
        h.update(f"{dist}={version(dist)}".encode())
    return h.hexdigest()[:16]


def is_tutorial(path: str | os.PathLike[str]) -> bool:
    """A jupytext Markdown page with a python kernelspec (what mkdocs-jupyter renders)."""
    text = Path(path).read_text(encoding="utf-8")
    return text.startswith("---\njupyter:") and "language: python" in text.split("\n---", 1)[0]


class SharedKernel:
    """One Jupyter kernel, and one client talking to it, for all the pages a build executes.

    Started on first use. Each page runs as one notebook whose first cell is RESET_CODE, so
    a page costs no kernel start, no ``import torch`` after the first, and no client start-up.
    """

    def __init__(self) -> None:
        self.km = None
        self.kc = None

    def run(self, nb: nbformat.NotebookNode, cwd: Path) -> None:
        """Execute ``nb`` in place (outputs filled in); raises CellExecutionError on failure."""
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError

        if self.km is None:
            from jupyter_client.manager import KernelManager

            self.km = KernelManager(kernel_name="python3")
            self.km.start_kernel(cwd=str(cwd))
            self.kc = self.km.client()
            self.kc.start_channels()
            self.kc.wait_for_ready(timeout=60)
        nb.cells.insert(0, nbformat.v4.new_code_cell(RESET_CODE.format(cwd=str(cwd))))
        client = NotebookClient(
            nb,
            km=self.km,
            timeout=CELL_TIMEOUT_S,
            allow_errors=False,
            resources={"metadata": {"path": str(cwd)}},
        )
        client.kc = self.kc  # reuse the running client: no start-up wait per page
        try:
            client.execute()
        except CellExecutionError:
            self.stop()  # the kernel's state is unknown after a failure
            raise
        finally:
            nb.cells.pop(0)

    def stop(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            self.km.shutdown_kernel(now=True)
            self.km = None


class Executor:
    """Executed notebooks for this build: from the cache, or run and then cached."""

    def __init__(self) -> None:
        self.kernel = SharedKernel()
        self.rows: list[Row] = []
        self.executed: dict[str, nbformat.NotebookNode] = {}
        self.enabled = os.environ.get("SINFIT_EXECUTE", "1") != "0"
        self._cache = None

    def reset(self) -> None:
        """Start a build afresh. The cache is reopened too: its folder is named by the
        fingerprint, which a ``sinfit`` edit between two ``mkdocs serve`` rebuilds changes."""
        self.rows.clear()
        self.executed.clear()
        self._cache = None

    @property
    def cache(self):
        """The store for this fingerprint; a corrupted store is thrown away and rebuilt."""
        if self._cache is None:
            folder = CACHE_ROOT / fingerprint()
            if CACHE_ROOT.is_dir():  # entries of other fingerprints can never match again
                for old in CACHE_ROOT.iterdir():
                    if old != folder:
                        _remove(old)
            self._cache = self._open(folder)
        return self._cache

    @staticmethod
    def _open(folder: Path):
        try:
            cache = get_cache(folder)
            cache.list_cache_records()  # touches the database: fails here if it is corrupt
            return cache
        except Exception as err:  # any damage means: start again
            # info, not warning: --strict would turn a recovered cache into a failed build
            log.info("execution cache at %s is unreadable (%s); rebuilding it", folder, err)
            _remove(folder)
            return get_cache(folder)

    def _lookup(self, nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
        try:
            return self.cache.merge_match_into_notebook(nb)[1]
        except KeyError:
            return None
        except Exception as err:  # a damaged entry is a miss, never a crash
            log.info("execution cache entry unreadable (%s); re-executing", err)
            self.cache.clear_cache()
            self._cache = None
            return None

    def notebook(self, path: str, page: str, language: str) -> nbformat.NotebookNode:
        """The page as a notebook, with outputs (unless execution is off)."""
        nb = jupytext.read(path)
        if not self.enabled:
            self.executed[path] = nb  # still offered for download, without outputs
            return nb
        start = time.perf_counter()
        merged = self._lookup(nb)
        status = "cached"
        if merged is None:
            status = "executed"
            merged = self._execute(nb, Path(path), page)
        self.rows.append(Row(page, language, status, time.perf_counter() - start))
        self.executed[path] = merged
        return merged

    def _execute(self, nb: nbformat.NotebookNode, path: Path, page: str) -> nbformat.NotebookNode:
        from nbclient.exceptions import CellExecutionError

        run = copy.deepcopy(nb)
        try:
            self.kernel.run(run, cwd=path.parent)
        except CellExecutionError as err:
            cell = _failed_cell(run)
            summary = str(err).strip().splitlines()[-1] if str(err).strip() else repr(err)
            raise PluginError(
                f"{page}: code cell {cell} failed while executing the page: {summary}"
            ) from None
        # Pages share one kernel, so renumber each page's cells 1..n as a kernel of its own would.
        for n, cell in enumerate((c for c in run.cells if c.cell_type == "code"), start=1):
            cell.execution_count = n
            for out in cell.outputs:
                if "execution_count" in out:
                    out.execution_count = n
        # The cache hashes code cells with their metadata and the kernelspec; nbclient rewrites
        # both (timings, the running kernel's name), so put the page's own back before storing.
        run.metadata["kernelspec"] = nb.metadata.get("kernelspec", {})
        for ran, source in zip(run.cells, nb.cells, strict=True):
            ran.metadata = copy.deepcopy(source.metadata)
        self.cache.cache_notebook_bundle(CacheBundleIn(run, uri=str(path)), overwrite=True)
        return run

    def report(self, language: str) -> None:
        rows = [r for r in self.rows if r.language == language]
        if not rows:
            return
        width = max(len(r.page) for r in rows)
        lines = [f"Execution report ({language}):", f"  {'page':<{width}}  lang  status    seconds"]
        lines += [
            f"  {r.page:<{width}}  {r.language:<4}  {r.status:<8}  {r.seconds:7.2f}" for r in rows
        ]
        log.info("\n".join(lines))


def _remove(path: Path) -> None:
    """Delete a file or a folder, whichever ``path`` is, if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _failed_cell(nb: nbformat.NotebookNode) -> int:
    """The 1-based number of the code cell whose output holds the error."""
    for n, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return n
    return 0


def downloadable(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook a reader downloads: the test markers are of no use to them."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(
                r"<!--pytest-codeblocks:expected-output-->\s*<!--.*?-->\s*",
                "",
                cell.source,
                flags=re.DOTALL,
            )
            cell.source = re.sub(r"<!--\s*pytest-codeblocks:\S*\s*-->\s*", "", cell.source)
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown" or c.source.strip()]
    return nb


# --- the MkDocs side -----------------------------------------------------------------------

EXECUTOR = Executor()
_current: dict[str, tuple[str, str]] = {}  # abs source path -> (page, language)


class _JupytextReadingExecutedPages:
    """Stands in for ``jupytext`` inside mkdocs_jupyter.nbconvert2: ``read`` returns outputs."""

    def __getattr__(self, name: str):
        return getattr(jupytext, name)

    @staticmethod
    def read(path, *args, **kwargs):
        key = os.path.abspath(path)
        if key in _current:
            if key not in EXECUTOR.executed or not EXECUTOR.enabled:
                page, language = _current[key]
                return EXECUTOR.notebook(key, page, language)
            return EXECUTOR.executed[key]
        return jupytext.read(path, *args, **kwargs)


nbconvert2.jupytext = _JupytextReadingExecutedPages()


def _language(config) -> str:
    """The language being built: mkdocs-static-i18n sets the theme's language per build."""
    return str(config["theme"]["language"])


def on_pre_build(config) -> None:
    EXECUTOR.reset()
    _current.clear()


def on_files(files, config):
    for f in files.documentation_pages():
        if f.abs_src_path and is_tutorial(f.abs_src_path):
            _current[os.path.abspath(f.abs_src_path)] = (f.src_uri, _language(config))
    return files


def on_post_page(output, page, config):
    """Write the page's notebook beside it, for the download link."""
    src = os.path.abspath(page.file.abs_src_path or "")
    nb = EXECUTOR.executed.get(src)
    if nb is not None:
        target = Path(page.file.abs_dest_path).parent / (Path(src).stem + ".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(downloadable(nb), target)
    return output


def on_post_build(config) -> None:
    EXECUTOR.kernel.stop()
    EXECUTOR.report(_language(config))


def on_build_error(error) -> None:
    EXECUTOR.kernel.stop()


def on_shutdown() -> None:
    EXECUTOR.kernel.stop()
