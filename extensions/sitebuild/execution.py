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
* Pages that miss run one after another in a kernel of the thread that asks for them
  (``%reset -f`` and every figure closed between pages): ``import torch`` is paid once per
  kernel, not once per page. The stage asks from ``SINFIT_KERNELS`` threads at once.
* After every code cell a snapshot records the values the prose may cite
  (:mod:`extensions.sitebuild.glue`); they are cached with the outputs.
* A failing cell raises :class:`ExecutionError` naming the page, the cell and its line; nothing
  failed is cached. A failed ``assert`` in a cell carrying a ``# claim: ...`` comment reads as
  the claim of the text that no longer holds. A cell that runs past its time limit
  (``CELL_TIMEOUT_S``, or its own ``#| timeout: <seconds>``) is stopped with its kernel, and one
  whose text output passes ``MAX_TEXT_OUTPUT`` fails the build rather than publish it.
* The kernel runs torch on the CPU code paths of :mod:`extensions.sitebuild.numerics`, and
  ``SINFIT_TORCH_THREADS`` threads (environment variable; 1 unless set):
  the pages' tensors are a few thousand elements, below what torch splits across threads, so
  more threads only compete with the other builds and kernels on the machine.
* Two builds of one checkout share the store: a page's look-up, execution and storing happen
  under a file lock for its cache key, so the second build waits and reads what the first
  stored instead of executing the page again. Entries no current page uses are pruned
  (:meth:`Executor.prune`).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import jupytext
import nbformat

from extensions.sitebuild import glue
from extensions.sitebuild.code import SOLUTION, cell_options, fence_lines, without_comments
from extensions.sitebuild.downloads import today
from extensions.sitebuild.numerics import NUMERICS

log = logging.getLogger("mkdocs.sitebuild.execution")

# The time limit of a cell unless it sets its own (``#| timeout: 20``). Every page's cell runs
# in seconds; the limit is there for the loop that never ends, so that it stops the build with
# a message instead of holding it forever.
CELL_TIMEOUT_S = 300
# Bytes of text (printed, or a value's plain-text form) one cell may publish. A page's longest
# output is a loss log of a few KB; 100 KB is a print in a loop by mistake. Such a cell fails
# the build rather than being cut: a cut output would be published, and written into the
# expected-output block, as if it were what the code prints.
MAX_TEXT_OUTPUT = 100_000
CELL_OPTIONS = {"hide": "shown nowhere", "timeout": "seconds"}  # what `#| key: value` may set
THREADS_VARIABLE = "SINFIT_TORCH_THREADS"
_CLAIM = re.compile(r"^\s*#\s*claim:\s*(.+?)\s*$", re.MULTILINE)
_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")
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
import os as _os
_os.chdir({cwd!r})  # first: the last page's folder is gone, and %reset asks where it is
%reset -f
%config InlineBackend.figure_formats = set()
import sys as _sys
if "matplotlib.pyplot" in _sys.modules:  # never import pyplot here: it costs time and
    _sys.modules["matplotlib.pyplot"].close("all")  # switches on a second figure formatter
del _sys
"""


class ExecutionError(RuntimeError):
    """A page's code failed; the message names the page and the cell."""


def torch_threads() -> int:
    """The kernel's torch thread count: ``SINFIT_TORCH_THREADS``, 1 when unset."""
    value = os.environ.get(THREADS_VARIABLE, "1").strip() or "1"
    if not value.isdigit() or int(value) < 1:
        raise ExecutionError(
            f"{THREADS_VARIABLE}={value!r}: expected a whole number of threads, 1 or more"
        )
    return int(value)


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
    # A reduction split over more threads may round differently: never serve one count's output
    # to another.
    h.update(f"threads={torch_threads()}".encode())
    # The CPU code paths decide the last digits too (numerics.py).
    h.update(json.dumps(NUMERICS, sort_keys=True).encode())
    return h.hexdigest()[:16]


def read_page(path: str | Path) -> nbformat.NotebookNode:
    """The page as a notebook, with cell ids that do not change from build to build."""
    nb = jupytext.read(path)
    for n, cell in enumerate(nb.cells, start=1):
        cell.id = f"cell-{n}"
    return nb


# Cell metadata that changes what a kernel does with the cell (nbclient's tags); jupytext's
# layout keys (``lines_to_next_cell``: blank lines after the cell in the Markdown) do not, and a
# translation that spaces its cells differently must not execute the same code again.
EXECUTED_CELL_METADATA = ("tags",)


def cache_key(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What the cache hashes: the code cells without their comments, and of their metadata
    only what execution reads."""
    key = copy.deepcopy(nb)
    for cell in key.cells:
        if cell.cell_type == "code":
            cell.source = without_comments(cell.source)
            kept = {k: v for k, v in cell.metadata.items() if k in EXECUTED_CELL_METADATA}
            cell.metadata = nbformat.from_dict(kept)
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
    """The notebook a reader downloads: the test markers are of no use to them, and each
    exercise's solution comes folded, as on the site (JupyterLab and Notebook 7 read the
    cell's ``jupyter`` metadata), so that a reader can try the question first."""
    nb = copy.deepcopy(nb)
    for cell, following in zip(nb.cells, nb.cells[1:], strict=False):
        question = cell.cell_type == "markdown" and SOLUTION.search(cell.source)
        if question and following.cell_type == "code":
            following.metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
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
    After a failure, ``failed_at`` is the index (in the notebook given to :meth:`run`) of the
    cell that was running.
    """

    def __init__(self) -> None:
        self.km = None
        self.kc = None
        self._sockets: str | None = None
        self.failed_at: int | None = None

    def _start(self, cwd: Path) -> None:
        from jupyter_client.manager import KernelManager
        from jupyter_core.utils import run_sync

        # IPC sockets and the connection file in a private folder, not TCP ports on
        # localhost: nothing else on the machine can connect, and removing the folder removes
        # everything the kernel left (kill() does that on SIGINT and SIGTERM).
        self._sockets = tempfile.mkdtemp(prefix="sinfit-kernel-")
        self.km = KernelManager(
            kernel_name="python3",
            transport="ipc",
            ip=os.path.join(self._sockets, "k"),
            connection_file=os.path.join(self._sockets, "kernel.json"),
            # The asynchronous client: nbclient's poll for output awaits its iopub channel.
            # With the blocking client that wait blocked the event loop, so the time limit's
            # poll never ran and a never-ending cell hung the build.
            client_class="jupyter_client.asynchronous.AsyncKernelClient",
        )
        threads = str(torch_threads())
        env = {**os.environ, **NUMERICS, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
        # The kernel exits by itself when this process dies, even by SIGKILL: ipykernel polls
        # its parent (JPY_PARENT_PID, set by jupyter_client) and quits once it changes.
        self.km.start_kernel(cwd=str(cwd), env=env)
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=60)

    def run(self, nb: nbformat.NotebookNode, cwd: Path, timeout=None) -> None:
        """Execute ``nb`` in place (outputs filled in). ``timeout(cell)`` gives a cell's limit
        in seconds. Raises nbclient's CellExecutionError, CellTimeoutError or DeadKernelError;
        after any of them the kernel is stopped (its state is unknown)."""
        from nbclient import NotebookClient

        if self.km is None:
            self._start(cwd)
        self.failed_at = None
        nb.cells.insert(0, nbformat.v4.new_code_cell(RESET_CODE.format(cwd=str(cwd))))
        client = NotebookClient(
            nb,
            km=self.km,
            timeout=CELL_TIMEOUT_S,
            timeout_func=(lambda cell: timeout(cell) if cell is not nb.cells[0] else None)
            if timeout
            else None,
            allow_errors=False,
            resources={"metadata": {"path": str(cwd)}},
        )
        client.kc = self.kc  # reuse the running client: no start-up wait per page
        client.log.addFilter(_said_by_us)
        # Cell by cell rather than client.execute(): that one also puts SIGINT and SIGTERM
        # handlers on its event loop which tear the client down mid-call, so Ctrl-C ended in an
        # AssertionError traceback; the build's own handler stops the kernel instead.
        client.reset_execution_trackers()
        index = 0
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        except Exception:
            self.failed_at = index - 1  # without the reset cell
            self.stop()
            raise
        finally:
            nb.cells.pop(0)

    def kill(self) -> None:
        """Kill the kernel at once, without the client (safe inside a signal handler, where
        the client's event loop may be mid-call), and remove its socket folder."""
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
            _cancel_pending_polls()
        if self.km is not None:
            self.km.shutdown_kernel(now=True)
            self.km = None
        if self._sockets is not None:
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = None


def _said_by_us(record: logging.LogRecord) -> bool:
    """nbclient logs a timeout as an error before raising it; the build's message says it."""
    return "Timeout waiting for execute reply" not in record.getMessage()


def _cancel_pending_polls() -> None:
    """After a timeout nbclient leaves its poll for the cell's output pending on the event
    loop; cancelled here, or it fails on the closed channel and asyncio prints its traceback
    when the build exits."""
    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    if loop.is_running():
        return
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


class Executor:
    """Executed notebooks for this build: from the cache, or run and then cached.

    ``notebook`` returns the page as readers get it (glue filled in, hidden cells gone); the
    same notebook is kept in ``executed`` for the download.
    """

    def __init__(self, cache_root: Path, package: Path, *, enabled: bool = True) -> None:
        self.cache_root = cache_root
        self.package = package
        self.enabled = enabled
        # One kernel per thread that executes pages: a kernel's client lives on the event loop
        # of the thread that started it, and the stage runs pages on several threads at once.
        self._kernels: dict[int, SharedKernel] = {}
        self._kernels_lock = threading.Lock()
        self.rows: list[Row] = []
        self.executed: dict[str, nbformat.NotebookNode] = {}
        self._cache = None
        self._fingerprint: str | None = None
        # (path, page, language) -> (source text, fingerprint, notebook): under `mkdocs serve`
        # a rebuild after an edit reads, looks up and glues again only the page that changed.
        self._resolved: dict[tuple[str, str, str], tuple[str, str, nbformat.NotebookNode]] = {}

    @property
    def kernel(self) -> SharedKernel:
        """The calling thread's kernel (created, not yet started, on first use)."""
        with self._kernels_lock:
            return self._kernels.setdefault(threading.get_ident(), SharedKernel())

    @property
    def kernels(self) -> list[SharedKernel]:
        """Every thread's kernel: what a signal handler kills."""
        with self._kernels_lock:
            return list(self._kernels.values())

    def reset(self) -> None:
        """Start a build afresh. The cache is reopened too: its folder is named by the
        fingerprint, which a ``sinfit`` edit between two ``mkdocs serve`` rebuilds changes."""
        self.rows.clear()
        self.executed.clear()
        self._cache = None
        self._fingerprint = None

    def where(self, path: str | Path) -> str:
        """A page as an author finds it: its path in the project (``docs/en/why-slow.md``)."""
        try:
            return Path(path).resolve().relative_to(self.package.parent.resolve()).as_posix()
        except ValueError:
            return str(path)

    @property
    def cache(self):
        """The store for this fingerprint; a damaged store is said, thrown away and rebuilt."""
        if self._cache is None:
            folder = self.cache_root / self.fingerprint
            with self._locked("store"):
                if self.cache_root.is_dir():  # entries of other fingerprints can never match
                    for old in self.cache_root.iterdir():
                        if old != folder and old.name != _LOCKS:
                            _remove(old)
                self._cache = _open(folder)
        return self._cache

    @contextlib.contextmanager
    def _locked(self, name: str, waiting: str | None = None):
        """An exclusive lock shared by every build of this checkout, released by the kernel
        when its holder exits, however it exits (``flock``: a killed build holds nothing)."""
        folder = self.cache_root / _LOCKS
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{name}.lock", "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting:
                    log.info(waiting)
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def fingerprint(self) -> str:
        """The ``sinfit`` sources' fingerprint, read once a build."""
        if self._fingerprint is None:
            self._fingerprint = fingerprint(self.package)
        return self._fingerprint

    def _lookup(self, key: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
        # Reads and writes of the store's database take the store's lock: another build of this
        # checkout may be storing a page (SQLite answers "database is locked", which
        # jupyter-cache reports as an error that "may need the cache cleared"); a busy store is
        # not a damaged one, and clearing it would pull the other build's entries from under it.
        cache = self.cache
        try:
            with self._locked("store"):
                kept = ("kernelspec", "language_info", EXECUTION_KEY)
                return cache.merge_match_into_notebook(key, nb_meta=kept)[1]
        except KeyError:
            return None
        except Exception as err:  # a damaged entry is a miss, never a crash
            log.info(
                "execution cache entry unreadable (%s); clearing the cache, executing again",
                _one_line(err),
            )
            with self._locked("store"):
                _remove(Path(cache.path))
            self._cache = None
            return None

    def prepare(self, path: str) -> nbformat.NotebookNode:
        """The page read as a notebook and checked before anything runs: its citations well
        formed, no shown cell reading a name that only hidden cells define.

        This is the part of a page's staging that parses Python (jupytext, ``ast``); a build
        calls it on the thread that renders, and leaves the rest to the stage's thread. In
        CPython 3.11 the AST constructor's state is shared by all threads, and two threads
        parsing at once can fail with "SystemError: AST constructor recursion depth mismatch"
        (python/cpython#106905): the reference page's renderer parses sinfit's sources."""
        where = self.where(path)
        if problems := glue.malformed_references(Path(path).read_text(encoding="utf-8")):
            raise ExecutionError("\n".join(f"{where}, {p}" for p in problems))
        nb = read_page(path)
        code = enumerate((c.source for c in nb.cells if c.cell_type == "code"), start=1)
        if problems := glue.names_only_hidden_cells_define(list(code)):
            raise ExecutionError("\n".join(f"{where}: {p}" for p in problems))
        return nb

    def notebook(
        self, path: str, page: str, language: str, prepared: nbformat.NotebookNode | None = None
    ) -> nbformat.NotebookNode:
        """The page as a notebook with outputs and glue filled in (unless execution is off);
        ``prepared``: what :meth:`prepare` returned for it, if the caller has it."""
        start = time.perf_counter()
        source = Path(path).read_text(encoding="utf-8")
        known = self._resolved.get((path, page, language))
        if self.enabled and known and known[:2] == (source, self.fingerprint):
            resolved = copy.deepcopy(known[2])  # the build's hooks may change their copy
            self.rows.append(Row(page, language, "cached", time.perf_counter() - start, path))
            self.executed[path] = resolved
            return resolved
        where = self.where(path)
        nb = self.prepare(path) if prepared is None else prepared
        if not self.enabled:
            resolved = glue.resolve(nb, where, executed=False)  # still offered for download
        else:
            key = cache_key(nb)
            digest = hashlib.sha256(nbformat.writes(key).encode()).hexdigest()[:16]
            # Look-up, execution and storing under one lock per page's code: a second build
            # of this checkout waits here, then finds the first one's entry.
            waiting = f"{where}: another build is executing this code; waiting to read its result"
            with self._locked(f"page-{digest}", waiting):
                ran = self._lookup(key)
                status = "cached"
                if ran is None:
                    status = "executed"
                    ran = self._execute(nb, key, Path(path), source)
            try:
                resolved = glue.resolve(with_outputs(nb, ran), where)
            except glue.GlueError as err:
                raise ExecutionError(str(err)) from None
            self.rows.append(Row(page, language, status, time.perf_counter() - start, path))
            self._resolved[(path, page, language)] = (source, self.fingerprint, resolved)
            resolved = copy.deepcopy(resolved)
        self.executed[path] = resolved
        return resolved

    def served(
        self, page: str, language: str, path: str, nb: nbformat.NotebookNode, start: float
    ) -> None:
        """Count a page its caller served from what this executor made before (the staged
        notebook of the same source, against the same store) as a cached row of the report."""
        self.rows.append(Row(page, language, "cached", time.perf_counter() - start, path))
        self.executed[path] = nb

    def prune(self, pages: list[Path]) -> int:
        """Remove every cache entry that none of ``pages`` (every tutorial of every language)
        would look up: the entries of code since edited. Returns how many went."""
        keys = [cache_key(read_page(p)) for p in pages]
        with self._locked("store"):
            used = set()
            for key in keys:
                with contextlib.suppress(KeyError):
                    used.add(self.cache.match_cache_notebook(key).pk)
            gone = 0
            for record in self.cache.list_cache_records():
                if record.pk not in used:
                    with contextlib.suppress(KeyError):
                        self.cache.remove_cache(record.pk)
                        gone += 1
        if gone:
            log.info("execution cache: removed %d entries no page uses", gone)
        return gone

    def _execute(
        self, nb: nbformat.NotebookNode, key: nbformat.NotebookNode, path: Path, source: str
    ) -> nbformat.NotebookNode:
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        where = self.where(path)
        lines = _cell_lines(source, nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        limits = [_time_limit(c.source, n, where, lines) for n, c in enumerate(code, start=1)]
        run = glue.with_snapshots(copy.deepcopy(nb))
        # Which page code cell each cell of `run` is or follows (snapshots follow one).
        owner, n = [], 0
        for cell in run.cells:
            if cell.cell_type == "code" and glue.SNAPSHOT_TAG not in cell.metadata.get("tags", []):
                n += 1
            owner.append(n)
        by_cell = {id(cell): limits[owner[i] - 1] for i, cell in enumerate(run.cells) if owner[i]}
        # Each page runs in an empty folder of its own: what its code writes (network's
        # sine_net.pt) lands neither in docs/ nor where a page running at the same time on the
        # other lane could read it half-written, and a page that looks for another lesson's
        # file finds none, so every build takes the same path through it.
        scratch = self.cache_root.parent / "scratch"
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            with tempfile.TemporaryDirectory(prefix="page-", dir=scratch) as cwd:
                self.kernel.run(run, cwd=Path(cwd), timeout=lambda cell: by_cell.get(id(cell)))
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
            index = self.kernel.failed_at
            n = owner[index] if index is not None and 0 <= index < len(owner) else 0
            raise ExecutionError(
                _failure(err, where, n, code[n - 1].source if n else "", lines, limits)
            ) from None
        glue.collect_snapshots(run)
        for n, cell in enumerate((c for c in run.cells if c.cell_type == "code"), start=1):
            size = _text_size(cell)
            if size > MAX_TEXT_OUTPUT:
                raise ExecutionError(
                    f"{where}: {_cell_name(n, lines)} wrote {size / 1000:,.0f} KB of text output, "
                    f"more than the {MAX_TEXT_OUTPUT / 1000:.0f} KB a cell may publish "
                    "(MAX_TEXT_OUTPUT); print less, e.g. a summary or every 100th step"
                )
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

        cache = self.cache
        with self._locked("store"):  # as in _lookup: one build at a time in the database
            cache.cache_notebook_bundle(CacheBundleIn(stored, uri=str(path)), overwrite=True)
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


_LOCKS = ".locks"  # the lock files' folder beside the stores


def _one_line(err: BaseException) -> str:
    """An error's first line (SQLAlchemy's messages go on with the SQL and a link)."""
    text = str(err).strip().split("\n", 1)[0]
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _open(folder: Path):
    """The store in ``folder``; a damaged database is said in one line, then rebuilt."""
    import sqlite3

    from jupyter_cache import get_cache
    from sqlalchemy.exc import DatabaseError

    try:
        cache = get_cache(folder)
        cache.list_cache_records()  # touches the database: fails here if it is damaged
        return cache
    except (DatabaseError, sqlite3.DatabaseError, OSError, ValueError) as err:
        # info, not warning: --strict would turn a recovered cache into a failed build
        log.info(
            "execution cache %s is damaged (%s); rebuilding it: every page executes again",
            folder / "global.db",
            _one_line(getattr(err, "orig", None) or err),
        )
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


def _cell_lines(source: str, nb: nbformat.NotebookNode) -> list[int]:
    """The line of the page where each code cell's fence opens (empty if they do not pair up:
    then messages name the cell by number only)."""
    lines = fence_lines(source)
    return lines if len(lines) == sum(c.cell_type == "code" for c in nb.cells) else []


def _page_line(n: int, lines: list[int], line_in_cell: int | None = None) -> int | None:
    """The page line of code cell ``n``'s first line, or of its ``line_in_cell``."""
    if not lines or not 0 < n <= len(lines):
        return None
    return lines[n - 1] + (line_in_cell or 1)


def _cell_name(n: int, lines: list[int], line_in_cell: int | None = None) -> str:
    """``code cell 4 (line 57)``: the cell's number, and the page line of its first line of
    code, or of its ``line_in_cell`` when known."""
    line = _page_line(n, lines, line_in_cell)
    return f"code cell {n}" + (f" (line {line})" if line else "")


def _time_limit(source: str, n: int, where: str, lines: list[int]) -> float:
    """A cell's time limit in seconds: its ``#| timeout: <seconds>``, or CELL_TIMEOUT_S. An
    option the build does not know, or a limit that is not a positive number, is an error."""
    options = cell_options(source)
    for name in options:
        if name not in CELL_OPTIONS:
            known = ", ".join(f"#| {k}" for k in CELL_OPTIONS)
            raise ExecutionError(
                f"{where}: {_cell_name(n, lines)} has an unknown cell option '#| {name}' "
                f"(known: {known})"
            )
    if "timeout" not in options:
        return CELL_TIMEOUT_S
    value = options["timeout"].removesuffix("s").strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ExecutionError(
            f"{where}: {_cell_name(n, lines)}: '#| timeout: {options['timeout']}' is not a time "
            "limit; write a number of seconds above 0, e.g. '#| timeout: 20'"
        )
    return seconds


def _failure(err, where: str, n: int, source: str, lines: list[int], limits) -> str:
    """The author's message for a cell that failed, timed out or took the kernel down."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    if isinstance(err, CellTimeoutError):
        limit = limits[n - 1] if n else CELL_TIMEOUT_S
        origin = (
            "its '#| timeout'"
            if "timeout" in cell_options(source)
            else "the default, CELL_TIMEOUT_S in extensions/sitebuild/execution.py"
        )
        return (
            f"{where}: {_cell_name(n, lines)} did not finish within its time limit of "
            f"{limit:g} s ({origin}) and was stopped with its kernel; a loop that never ends? "
            "A cell that needs longer sets '#| timeout: <seconds>' as its first line"
        )
    if isinstance(err, DeadKernelError):
        return (
            f"{where}: the kernel died while executing {_cell_name(n, lines)} "
            "(out of memory, or the code ended its process)"
        )
    text = _ANSI.sub("", str(err)).strip()  # nbclient colours tracebacks for terminals
    at = _CELL_LINE.search(text)
    line = _page_line(n, lines, int(at.group(1)) if at else None)
    claim = _CLAIM.search(source)
    if err.ename == "AssertionError" and claim:
        said = _ANSI.sub("", err.evalue).strip() or "(the assertion has no message)"
        cell = f"code cell {n}" + (f", line {line}" if line else "")
        return f'{where}: a claim of the text no longer holds ({cell}, "{claim.group(1)}"): {said}'
    summary = text.splitlines()[-1] if text else repr(err)
    failed = "failed" + (f" (line {line})" if line else "")
    return f"{where}: code cell {n} {failed} while executing the page: {summary}"


def _text_size(cell: nbformat.NotebookNode) -> int:
    """Bytes of text a cell publishes: its streams and its outputs' plain-text forms."""
    size = 0
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            size += len(out.get("text", "").encode())
        size += len(str(out.get("data", {}).get("text/plain", "")).encode())
    return size
