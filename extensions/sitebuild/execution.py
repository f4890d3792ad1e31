"""Executed tutorial notebooks, through a cache keyed on what decides their output.

Plain Python, no MkDocs: ``extensions/hooks/execution.py`` adapts it to the build.

* Pages are read with jupytext and given cell ids numbered in order, so two builds of the same
  sources write the same notebooks and the same HTML.
* Executed notebooks live in a jupyter-cache store (what Jupyter Book uses), which hashes code
  cells only, never the prose; we hand it the cells without their comments
  (:mod:`extensions.sitebuild.code`), so pages whose code differs only in the language of its
  comments share one entry and execute once. The store's folder is named by a fingerprint of
  the ``sinfit`` sources and the Python, torch, matplotlib and numpy versions, so a change to any
  of them can only miss.
* Pages that miss run one after another in one kernel per build (``%reset -f`` and every figure
  closed between pages): ``import torch`` is paid once per build, not once per page.
* After every code cell a snapshot records the values the prose may cite
  (:mod:`extensions.sitebuild.glue`); they are cached with the outputs.
* A failing cell raises :class:`ExecutionError` naming the page and the cell; nothing failed is
  cached.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
import os
import platform
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import jupytext
import nbformat

from extensions.sitebuild import glue
from extensions.sitebuild.code import without_comments
from extensions.sitebuild.downloads import today

log = logging.getLogger("mkdocs.sitebuild.execution")

CELL_TIMEOUT_S = 300
# One row of the report: page, language, status, seconds, code seconds, date executed.
REPORT_ROW = re.compile(
    r"^\s+(\S+\.md)\s+(\w+)\s+(executed|cached)\s+([\d.]+)\s+([\d.]+)\s+(\S+)$", re.MULTILINE
)
EXECUTION_KEY = "sinfit_execution"  # notebook metadata: when and how long the page ran
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# What runs in the shared kernel between two pages: a clean namespace, no figure left open,
# and the working directory of the next page. No inline-backend formats: once a page imports
# pyplot, matplotlib-inline would add a PNG copy to every later figure (sinfit's figures show
# their own SVG), and a page's outputs would depend on the pages that ran before it.
RESET_CODE = """\
%reset -f
%config InlineBackend.figure_formats = set()
import os as _os, sys as _sys
if "matplotlib.pyplot" in _sys.modules:  # never import pyplot here: it costs time and
    _sys.modules["matplotlib.pyplot"].close("all")  # switches on a second figure formatter
_os.chdir({cwd!r})
del _os, _sys
"""


class ExecutionError(RuntimeError):
    """A page's code failed; the message names the page and the cell."""


@dataclass
class Row:
    """One line of the execution report."""

    page: str
    language: str
    status: str  # "executed" or "cached"
    seconds: float
    path: str  # the source, a key of Executor.executed


def is_tutorial(path: str | Path) -> bool:
    """A jupytext Markdown page with a python kernelspec (what mkdocs-jupyter renders)."""
    text = Path(path).read_text(encoding="utf-8")
    return text.startswith("---\njupyter:") and "language: python" in text.split("\n---", 1)[0]


def fingerprint(package: Path) -> str:
    """Everything outside the page that decides its output: the library's code, the glue
    snapshot and the versions."""
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package.parent).as_posix().encode())
        h.update(path.read_bytes())
    # What the snapshots record decides what prose can cite from a cached entry.
    h.update(glue.SNAPSHOT_CODE.encode())
    h.update(f"python={platform.python_version()}".encode())
    for dist in ("torch", "matplotlib", "numpy"):
        h.update(f"{dist}={version(dist)}".encode())
    return h.hexdigest()[:16]


def read_page(path: str | Path) -> nbformat.NotebookNode:
    """The page as a notebook, with cell ids that do not change from build to build."""
    nb = jupytext.read(path)
    for n, cell in enumerate(nb.cells, start=1):
        cell.id = f"cell-{n}"
    return nb


def cache_key(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What the cache hashes: the code cells without their comments."""
    key = copy.deepcopy(nb)
    for cell in key.cells:
        if cell.cell_type == "code":
            cell.source = without_comments(cell.source)
    return key


def with_outputs(nb: nbformat.NotebookNode, ran: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` (the page in its own language) with the outputs of ``ran``, cell for cell."""
    nb = copy.deepcopy(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    done = [c for c in ran.cells if c.cell_type == "code"]
    if len(code) != len(done):
        raise ExecutionError(f"{len(code)} code cells on the page, {len(done)} executed")
    for cell, result in zip(code, done, strict=True):
        cell.outputs = copy.deepcopy(result.outputs)
        cell.execution_count = result.execution_count
    if EXECUTION_KEY in ran.metadata:
        nb.metadata[EXECUTION_KEY] = copy.deepcopy(ran.metadata[EXECUTION_KEY])
    return nb


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


class SharedKernel:
    """One Jupyter kernel, and one client talking to it, for all the pages a build executes.

    Started on first use. Each page runs as one notebook whose first cell is RESET_CODE, so a
    page costs no kernel start, no ``import torch`` after the first, and no client start-up.
    """

    def __init__(self) -> None:
        self.km = None
        self.kc = None
        self._sockets: str | None = None

    def run(self, nb: nbformat.NotebookNode, cwd: Path) -> None:
        """Execute ``nb`` in place (outputs filled in); raises CellExecutionError on failure."""
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError

        if self.km is None:
            from jupyter_client.manager import KernelManager

            # IPC sockets in a private folder, not TCP ports on localhost: nothing else on the
            # machine can connect, and nothing is left behind (the folder goes with the kernel).
            self._sockets = tempfile.mkdtemp(prefix="sinfit-kernel-")
            self.km = KernelManager(
                kernel_name="python3", transport="ipc", ip=os.path.join(self._sockets, "k")
            )
            # The kernel exits by itself when this process dies, even by SIGKILL: ipykernel polls
            # its parent (JPY_PARENT_PID, set by jupyter_client) and quits once it changes.
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
        # Cell by cell rather than client.execute(): that one also puts SIGINT and SIGTERM
        # handlers on its event loop which tear the client down mid-call, so Ctrl-C ended in an
        # AssertionError traceback; the build's own handler stops the kernel instead.
        client.reset_execution_trackers()
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        except CellExecutionError:
            self.stop()  # the kernel's state is unknown after a failure
            raise
        finally:
            nb.cells.pop(0)

    def kill(self) -> None:
        """Kill the kernel at once, without the client (safe inside a signal handler, where
        the client's event loop may be mid-call)."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=5)
        if self._sockets is not None:
            shutil.rmtree(self._sockets, ignore_errors=True)

    def stop(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            self.km.shutdown_kernel(now=True)
            self.km = None
        if self._sockets is not None:
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = None


class Executor:
    """Executed notebooks for this build: from the cache, or run and then cached.

    ``notebook`` returns the page as readers get it (glue filled in, hidden cells gone); the
    same notebook is kept in ``executed`` for the download.
    """

    def __init__(self, cache_root: Path, package: Path, *, enabled: bool = True) -> None:
        self.cache_root = cache_root
        self.package = package
        self.enabled = enabled
        self.kernel = SharedKernel()
        self.rows: list[Row] = []
        self.executed: dict[str, nbformat.NotebookNode] = {}
        self._cache = None
        self._fingerprint: str | None = None
        # (path, page, language) -> (source text, fingerprint, notebook): under `mkdocs serve`
        # a rebuild after an edit reads, looks up and glues again only the page that changed.
        self._resolved: dict[tuple[str, str, str], tuple[str, str, nbformat.NotebookNode]] = {}

    def reset(self) -> None:
        """Start a build afresh. The cache is reopened too: its folder is named by the
        fingerprint, which a ``sinfit`` edit between two ``mkdocs serve`` rebuilds changes."""
        self.rows.clear()
        self.executed.clear()
        self._cache = None
        self._fingerprint = None

    @property
    def cache(self):
        """The store for this fingerprint; a corrupted store is thrown away and rebuilt."""
        if self._cache is None:
            folder = self.cache_root / self.fingerprint
            if self.cache_root.is_dir():  # entries of other fingerprints can never match again
                for old in self.cache_root.iterdir():
                    if old != folder:
                        _remove(old)
            self._cache = _open(folder)
        return self._cache

    @property
    def fingerprint(self) -> str:
        """The ``sinfit`` sources' fingerprint, read once a build."""
        if self._fingerprint is None:
            self._fingerprint = fingerprint(self.package)
        return self._fingerprint

    def _lookup(self, key: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
        try:
            kept = ("kernelspec", "language_info", EXECUTION_KEY)
            return self.cache.merge_match_into_notebook(key, nb_meta=kept)[1]
        except KeyError:
            return None
        except Exception as err:  # a damaged entry is a miss, never a crash
            log.info("execution cache entry unreadable (%s); re-executing", err)
            self.cache.clear_cache()
            self._cache = None
            return None

    def notebook(self, path: str, page: str, language: str) -> nbformat.NotebookNode:
        """The page as a notebook with outputs and glue filled in (unless execution is off)."""
        start = time.perf_counter()
        source = Path(path).read_text(encoding="utf-8")
        known = self._resolved.get((path, page, language))
        if self.enabled and known and known[:2] == (source, self.fingerprint):
            resolved = copy.deepcopy(known[2])  # the build's hooks may change their copy
            self.rows.append(Row(page, language, "cached", time.perf_counter() - start, path))
            self.executed[path] = resolved
            return resolved
        nb = read_page(path)
        if not self.enabled:
            resolved = glue.resolve(nb, page, executed=False)  # still offered for download
        else:
            key = cache_key(nb)
            ran = self._lookup(key)
            status = "cached"
            if ran is None:
                status = "executed"
                ran = self._execute(nb, key, Path(path), page)
            try:
                resolved = glue.resolve(with_outputs(nb, ran), page)
            except glue.GlueError as err:
                raise ExecutionError(str(err)) from None
            self.rows.append(Row(page, language, status, time.perf_counter() - start, path))
            self._resolved[(path, page, language)] = (source, self.fingerprint, resolved)
            resolved = copy.deepcopy(resolved)
        self.executed[path] = resolved
        return resolved

    def _execute(
        self, nb: nbformat.NotebookNode, key: nbformat.NotebookNode, path: Path, page: str
    ) -> nbformat.NotebookNode:
        from nbclient.exceptions import CellExecutionError

        run = glue.with_snapshots(copy.deepcopy(nb))
        try:
            self.kernel.run(run, cwd=path.parent)
        except CellExecutionError as err:
            cell = _failed_cell(glue.collect_snapshots(run))
            text = _ANSI.sub("", str(err)).strip()  # nbclient colours tracebacks for terminals
            summary = text.splitlines()[-1] if text else repr(err)
            raise ExecutionError(
                f"{page}: code cell {cell} failed while executing the page: {summary}"
            ) from None
        glue.collect_snapshots(run)
        ran_for = sum(_seconds(c) for c in run.cells if c.cell_type == "code")
        # Pages share one kernel, so renumber each page's cells 1..n as a kernel of its own would.
        for n, cell in enumerate((c for c in run.cells if c.cell_type == "code"), start=1):
            cell.execution_count = n
            for out in cell.outputs:
                if "execution_count" in out:
                    out.execution_count = n
        # The cache hashes code cells with their metadata and the kernelspec; nbclient rewrites
        # both (timings, the running kernel's name), so store the key's own, cell for cell.
        stored = copy.deepcopy(key)
        for cell, result in zip(stored.cells, run.cells, strict=True):
            if cell.cell_type == "code":
                cell.outputs = result.outputs
                cell.execution_count = result.execution_count
        stored.metadata[EXECUTION_KEY] = {
            "date": today(os.environ.get("SOURCE_DATE_EPOCH")),
            "python": platform.python_version(),
            "torch": version("torch"),
            "seconds": round(ran_for, 2),
        }
        from jupyter_cache.cache.main import CacheBundleIn

        self.cache.cache_notebook_bundle(CacheBundleIn(stored, uri=str(path)), overwrite=True)
        return stored

    def report(self, language: str) -> str | None:
        """The execution report of one language's pages, or None if it executed none.

        ``seconds``: this build's time for the page (a cache hit costs a look-up); ``code s``
        and ``executed``: when the page's code last ran and how long it took, as its proof line
        says.
        """
        rows = [r for r in self.rows if r.language == language]
        if not rows:
            return None
        width = max(len(r.page) for r in rows)
        lines = [
            f"Execution report ({language}):",
            f"  {'page':<{width}}  lang  status    seconds   code s  executed",
        ]
        for r in rows:
            run = self.executed[r.path].metadata.get(EXECUTION_KEY, {})
            lines.append(
                f"  {r.page:<{width}}  {r.language:<4}  {r.status:<8}  {r.seconds:7.2f}  "
                f"{run.get('seconds', 0.0):7.2f}  {run.get('date', '-')}"
            )
        return "\n".join(lines)


def _open(folder: Path):
    from jupyter_cache import get_cache

    try:
        cache = get_cache(folder)
        cache.list_cache_records()  # touches the database: fails here if it is corrupt
        return cache
    except Exception as err:  # any damage means: start again
        # info, not warning: --strict would turn a recovered cache into a failed build
        log.info("execution cache at %s is unreadable (%s); rebuilding it", folder, err)
        _remove(folder)
        return get_cache(folder)


def _remove(path: Path) -> None:
    """Delete a file or a folder, whichever ``path`` is, if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _seconds(cell: nbformat.NotebookNode) -> float:
    """How long a cell ran, from the timestamps nbclient records in its metadata."""
    timing = cell.get("metadata", {}).get("execution", {})
    try:
        start = dt.datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = dt.datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return 0.0
    return max((end - start).total_seconds(), 0.0)


def _failed_cell(nb: nbformat.NotebookNode) -> int:
    """The 1-based number of the code cell whose output holds the error."""
    for n, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return n
    return 0
