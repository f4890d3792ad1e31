"""MkDocs adapter for :mod:`extensions.sitebuild.execution`: executed pages for mkdocs-jupyter.

Upstream gap. mkdocs-jupyter runs every notebook page in a fresh Jupyter kernel at every build
(~3 s a page here, almost all of it kernel start-up, ``import torch`` and teardown), once per
language. Its own ``cache`` option does not help under mkdocs-static-i18n: each language's build
evicts the other language's entries, and its key is the page's bytes, so an edit to prose re-runs
the code while an edit to ``sinfit`` serves stale output. Tracked upstream as mkdocs-jupyter
issues #102, #161, #245 and #250 (slow builds and caching).

So mkdocs-jupyter keeps rendering the pages, with ``execute: false`` and ``cache: false``, and
this hook hands it an already-executed notebook, glue filled in, by wrapping the ``jupytext``
module that ``mkdocs_jupyter.nbconvert2`` reads pages with. After each page it writes the page's
notebook (``.ipynb``, in the page's language, with outputs) beside it for download; after each
language's build it logs the execution report.

``SINFIT_EXECUTE=0`` turns execution off (pages render without outputs): the benchmark's floor.
``SINFIT_TORCH_THREADS`` sets the kernel's torch thread count (1 unless set; see
:mod:`extensions.sitebuild.execution`).

Upstream gaps filled on the way, each failing the build with the page named: a tutorial whose
code differs between languages (the i18n plugin builds each language on its own and would
publish different numbers), and two headings of one notebook page with the same id (nbconvert
names headings from their text without making the ids unique, as the toc extension does).
SIGINT and SIGTERM stop the kernel, remove its socket folder and the half-built site.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import sys
import threading
from pathlib import Path
from types import ModuleType

import jupytext
import mkdocs_jupyter.convert
import mkdocs_jupyter.nbconvert2 as nbconvert2
import nbformat
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extensions.sitebuild import downloads, gates, glue  # noqa: E402
from extensions.sitebuild.execution import (  # noqa: E402
    ExecutionError,
    Executor,
    downloadable,
    is_tutorial,
)
from extensions.sitebuild.project import languages, tutorial_pages  # noqa: E402
from extensions.sitebuild.upstream import UpstreamChanged, installed, replace  # noqa: E402

log = logging.getLogger("mkdocs.hooks.execution")

EXECUTOR = Executor(
    ROOT / ".cache" / "execution",
    ROOT / "sinfit",
    enabled=os.environ.get("SINFIT_EXECUTE", "1") != "0",
)
_current: dict[str, tuple[str, str]] = {}  # abs source path -> (page, language)
# The default language's build comes first and owns the site's root: the wheel goes there.
_root: dict[str, str] = {}
WHEEL_CACHE = ROOT / ".cache" / "wheel"


class _JupytextReadingExecutedPages:
    """Stands in for ``jupytext`` inside mkdocs_jupyter.nbconvert2: ``read`` returns outputs."""

    def __getattr__(self, name: str):
        return getattr(jupytext, name)

    @staticmethod
    def read(path, *args, **kwargs):
        key = os.path.abspath(path)
        if key not in _current:
            return jupytext.read(path, *args, **kwargs)
        if key in EXECUTOR.executed:
            return EXECUTOR.executed[key]
        page, language = _current[key]
        try:
            return EXECUTOR.notebook(key, page, language)
        except ExecutionError as err:
            raise PluginError(str(err)) from None


replace(nbconvert2, "jupytext", _JupytextReadingExecutedPages(), kind=ModuleType)

# nbconvert's renderings of a page (its HTML, and the Markdown mkdocs-jupyter reads its table of
# contents from), kept per page for the life of the process and reused while the page's
# executed notebook (glue filled in) is the same: under `mkdocs serve` a rebuild after an edit
# renders again only the page that changed, not every notebook of both languages.
_rendered: dict[tuple[str, str], tuple[str, str]] = {}  # (what, abs path) -> (key, rendering)


def _reused(store: dict, slot, made_from: str, make):
    """``make()``, kept in ``store[slot]`` and made again only when ``made_from`` changed."""
    key = hashlib.sha256(made_from.encode()).hexdigest()
    if store.get(slot, ("", None))[0] != key:
        store[slot] = (key, make())
    return store[slot][1]


def _once(what: str, render, nb_path, args, kwargs) -> str:
    path = os.path.abspath(nb_path)
    nb = _JupytextReadingExecutedPages.read(path)
    # json, not nbformat.writes: the same text for the same notebook, without validating it
    text = json.dumps(nb, sort_keys=True) + repr(args) + repr(sorted(kwargs.items()))
    return _reused(_rendered, (what, path), text, lambda: render(nb_path, *args, **kwargs))


def _nb2html_once(nb_path, *args, **kwargs):
    return _once("html", _nb2html, nb_path, args, kwargs)


def _nb2md_once(nb_path, *args, **kwargs):
    return _once("md", _nb2md, nb_path, args, kwargs)


_NB2HTML_PARAMETERS = [
    "nb_path", "execute", "kernel_name", "theme", "start", "end", "allow_errors", "show_input",
    "no_input", "no_prompt", "remove_tag_config", "highlight_extra_classes", "include_requirejs",
    "custom_mathjax_url",
]  # fmt: skip
_nb2html = replace(mkdocs_jupyter.convert, "nb2html", _nb2html_once, parameters=_NB2HTML_PARAMETERS)
_nb2md = replace(
    mkdocs_jupyter.convert,
    "nb2md",
    _nb2md_once,
    parameters=["nb_path", "start", "end", "execute", "kernel_name"],
)


LANGUAGES = languages(ROOT)


def _language(config) -> str:
    """The language being built: mkdocs-static-i18n sets the theme's language per build."""
    language = str(config["theme"]["language"])
    if language not in LANGUAGES:
        raise PluginError(
            str(
                UpstreamChanged(
                    f"the theme's language is {language!r}, none of {LANGUAGES}: "
                    f"{installed('mkdocs_static_i18n')} no longer sets it per language build"
                )
            )
        )
    return language


# What a signal must not leave behind: the site folder of a build (mkdocs emptied it at the
# start, so a stopped build leaves only a part of the new one), set on startup.
_stopping: dict[str, object] = {}


def _interrupted(signum, frame) -> None:
    """Ctrl-C or SIGTERM: stop the kernel, remove its sockets and the half-written site, and
    stop with one line, not nbclient's traceback."""
    EXECUTOR.kernel.kill()
    site = _stopping.get("site_dir")
    if site:
        shutil.rmtree(str(site), ignore_errors=True)
    name = "Interrupted" if signum == signal.SIGINT else "Terminated"
    removed = ", unfinished site removed" if site else ""
    sys.stderr.write(f"{name}: build stopped, kernel shut down{removed}.\n")
    sys.stderr.flush()
    os._exit(128 + signum)


def on_startup(command, dirty) -> None:
    _stopping["remove_site"] = not dirty  # a --dirty build keeps what it did not rewrite
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _interrupted)
        signal.signal(signal.SIGTERM, _interrupted)


def on_config(config):
    _root.setdefault("site_dir", str(config["site_dir"]))
    if _stopping.get("remove_site"):
        _stopping.setdefault("site_dir", _root["site_dir"])
    _root.setdefault("site_url", str(config.get("site_url") or "/"))
    return config


# The code of every tutorial, comments aside, checked for parity once per version of the pages.
_parity_checked: dict[str, str] = {}


def on_pre_build(config) -> None:
    EXECUTOR.reset()
    _current.clear()
    _check_code_parity(Path(config["docs_dir"]))
    # Built once per version of the library's sources (a hash look-up otherwise), so a
    # `mkdocs serve` rebuild after a sinfit edit publishes the new library with the new pages.
    _root["wheel"] = str(downloads.wheel(ROOT, WHEEL_CACHE))


def _check_code_parity(docs: Path) -> None:
    """Fail before anything runs if a tutorial's code differs between languages."""
    made_from = json.dumps(
        {
            str(p): p.read_text(encoding="utf-8")
            for lang in LANGUAGES
            for p in tutorial_pages(lang, ROOT)
        }
    )
    if _parity_checked.get("pages") == made_from:
        return
    if problems := gates.code_parity(docs, LANGUAGES):
        raise PluginError("\n".join(f"{docs.name}/{p}" for p in problems))
    _parity_checked["pages"] = made_from


def _wheel_url() -> str:
    return _root["site_url"].rstrip("/") + "/downloads/" + Path(_root["wheel"]).name


def on_files(files, config):
    for f in files.documentation_pages():
        if f.abs_src_path and is_tutorial(f.abs_src_path):
            _current[os.path.abspath(f.abs_src_path)] = (f.src_uri, _language(config))
    return files


def on_page_content(html_content: str, page, config, files) -> str:
    """Under a tutorial's title its downloads; at its end how it was executed."""
    src = os.path.abspath(page.file.abs_src_path or "")
    if problems := gates.duplicate_heading_ids(html_content):
        where = os.path.relpath(src, ROOT)
        raise PluginError("\n".join(f"{where}: {p}" for p in problems))
    nb = EXECUTOR.executed.get(src)
    if nb is None:
        return html_content
    language = _language(config)
    stem = Path(src).stem
    execution = downloads.Execution.from_metadata(nb.metadata)
    device = glue.final_values(nb).get("device")
    device = device if isinstance(device, str) else "cpu"
    proof = downloads.proof_html(execution, downloads.shown_blocks(nb), language, device)
    colab = downloads.colab_url(
        config.get("repo_url"),
        config["extra"].get("notebooks_branch", "notebooks"),
        page.url + f"{stem}.ipynb",
    )
    block = downloads.header_html(stem, language, colab)
    head, h1, rest = html_content.partition("</h1>")
    return (head + h1 + block + rest if h1 else block + html_content) + proof


def on_post_page(output, page, config):
    """Write the page's notebook and script beside it, for the download links."""
    src = os.path.abspath(page.file.abs_src_path or "")
    nb = EXECUTOR.executed.get(src)
    if nb is not None:
        folder = Path(page.file.abs_dest_path).parent
        folder.mkdir(parents=True, exist_ok=True)
        stem, language = Path(src).stem, _language(config)
        page_url = _root["site_url"].rstrip("/") + "/" + page.url
        notebook, script = _downloads(nb, stem, language, page_url, _wheel_url())
        (folder / f"{stem}.ipynb").write_text(notebook, encoding="utf-8")
        (folder / f"{stem}.py").write_text(script, encoding="utf-8")
    return output


# A page's two downloads, kept per page for the life of the process and reused while what they
# are made from is the same: under `mkdocs serve` a rebuild writes the unchanged pages' files
# again without converting and validating their notebooks again.
_downloaded: dict[tuple[str, str], tuple[str, tuple[str, str]]] = {}


def _downloads(nb, stem: str, language: str, page_url: str, wheel_url: str) -> tuple[str, str]:
    """The text of the page's notebook download and of its script download."""

    def make() -> tuple[str, str]:
        linked = downloads.absolute_links(downloadable(nb), page_url)
        notebook = downloads.notebook_download(linked, wheel_url, language)
        text = nbformat.writes(notebook)
        text += "" if text.endswith("\n") else "\n"  # as nbformat.write ends a file
        return text, downloads.script_download(linked, stem, wheel_url, language)

    made_from = json.dumps([nb, stem, language, page_url, wheel_url], sort_keys=True)
    return _reused(_downloaded, (page_url, stem), made_from, make)


def on_post_build(config) -> None:
    EXECUTOR.kernel.stop()
    if str(config["site_dir"]) == _root["site_dir"]:
        target = Path(_root["site_dir"]) / "downloads" / Path(_root["wheel"]).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(_root["wheel"], target)
    if report := EXECUTOR.report(_language(config)):
        log.info(report)


def on_build_error(error) -> None:
    EXECUTOR.kernel.stop()


def on_shutdown() -> None:
    EXECUTOR.kernel.stop()
    if EXECUTOR.enabled and EXECUTOR.rows:  # the cache was used: drop what no page uses now
        EXECUTOR.prune([p for lang in LANGUAGES for p in tutorial_pages(lang, ROOT)])
