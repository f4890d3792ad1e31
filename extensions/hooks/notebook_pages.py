"""MkDocs adapter: fixes to how mkdocs-jupyter renders notebook pages, for a bilingual site that
works offline. The logic is in :mod:`extensions.sitebuild.pages`; every patch of an upstream
attribute goes through :func:`extensions.sitebuild.upstream.replace`, which fails the build
naming the attribute and the installed version when upstream moved it.

Each fix names the upstream gap it fills:

* **Korean anchors.** mkdocs-jupyter's ``slugify`` folds headings to ASCII, so a Hangul heading
  gets an empty id and its table-of-contents link goes nowhere (mkdocs-jupyter issue #175,
  "non-ASCII headers"). We give both the heading ids and the TOC the slugify that
  ``mkdocs.yml`` gives Markdown pages (``pymdownx.slugs``, lower case, Unicode kept), and stop
  nbconvert from percent-encoding the ids, which no longer match the TOC's links then.
* **Math without a CDN.** nbconvert's template loads MathJax 2 from cdnjs on every notebook page
  (nbconvert issue #1700 asks for a local option); offline, ``$...$`` stays raw text. We drop
  that script and render every formula at build time to MathML, which browsers draw natively:
  ``$...$`` / ``$$...$$`` in notebook Markdown, ``\\(...\\)`` / ``\\[...\\]`` from arithmatex.
* **Figures as files, with alternative text in the page's language.** nbconvert inlines every
  figure as a base64 ``data:`` URI with the alt text "No description has been provided for this
  image", in English on every page (nbconvert issue #1998 asks for real alt text). Code cells
  are identical across languages, so the description cannot come from the code: the author
  writes it in the Markdown before the cell, as ``<!--alt: ...-->``, and each figure takes the
  nearest description above it. We write each figure to its own file beside the page (a
  content-hashed name, cached by the browser) and fail the build, naming the page, for a figure
  without a description.
* **One cached stylesheet instead of 590 KB of CSS in every page.** nbconvert's lab template
  inlines the whole JupyterLab stylesheet into each notebook page (mkdocs-jupyter issue #134):
  a tutorial page weighed about 690 KB against 11 KB for a plain page. The styles are the same
  on every notebook page, so we move them into one content-hashed file under
  ``assets/stylesheets/``, linked from where the inline styles stood (same cascade order), which
  the browser downloads once and caches. ``SINFIT_INLINE_CSS=1`` keeps them inline, for the
  screenshot test that shows nothing visible changed.
* **Copy buttons without their weight.** mkdocs-jupyter's template writes each code cell's
  copy-button icon as a 0.7 KB inline SVG and inlines the 4 KB script defining the
  ``<clipboard-copy>`` element in every notebook page. The icon is now drawn by
  ``sinfit.css`` (an empty span in the SVG's place, the same box) and the script is one
  content-hashed file, deferred and cached.
* **Links between pages.** MkDocs rewrites ``[text](other.md#anchor)`` into the other page's
  URL only in the Markdown it renders itself; mkdocs-jupyter renders notebook Markdown with
  nbconvert, so such links stay ``other.md`` and 404 (mkdocs-jupyter issue #92). We resolve
  each one against the site's files, as MkDocs would, and fail the build on a link to a page
  that does not exist.

* **Exercise solutions, folded.** mkdocs-jupyter shows every cell of a notebook page open;
  Material's ``???`` blocks are Python-Markdown syntax that nbconvert's renderer does not read,
  and a ``<details>`` typed around the code would open in one notebook cell and close in
  another. The author writes ``<!--solution-->`` on the line above a solution's code cell; we
  wrap that cell, its input and its output, in ``<details>`` with a summary in the page's
  language, and fail the build, naming the page, for a marker not followed by a code cell.

The downloads (notebook, script, wheel) and the line under each tutorial's title are the
execution hook's (``extensions/hooks/execution.py``): they come from the executed notebook.
"""

from __future__ import annotations

import copy
import functools
import os
import sys
from pathlib import Path

import mkdocs_jupyter.convert
import mkdocs_jupyter.plugin
import nbconvert.exporters.templateexporter
import nbconvert.filters.strings
from markdown import Markdown
from markdown.extensions.toc import TocExtension
from mkdocs.exceptions import PluginError
from pymdownx.slugs import slugify

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extensions.sitebuild import pages  # noqa: E402
from extensions.sitebuild.upstream import (  # noqa: E402
    MemoryBytecodeCache,
    UpstreamChanged,
    replace,
)

SLUGIFY = slugify(case="lower")


# --- Korean anchors ------------------------------------------------------------------------
def _slug(value: str) -> str:
    return SLUGIFY(value, "-")


def _markdown_toc(markdown_source: str, toc_depth: int):
    return copy.deepcopy(_toc_tokens(markdown_source, toc_depth))


@functools.lru_cache(maxsize=64)  # a `mkdocs serve` rebuild: again only for a changed page
def _toc_tokens(markdown_source: str, toc_depth: int):
    # attr_list: mkdocs-jupyter 0.27 writes each heading as "# Title {#id}" for its own reader
    # (which has it); without it every title would read "Title {#id}". Nothing changes on 0.26.
    md = Markdown(extensions=["attr_list", TocExtension(toc_depth=toc_depth, slugify=SLUGIFY)])
    md.convert(markdown_source)
    return md.toc_tokens


def _header_id(header_contents: str) -> str:
    # nbconvert percent-encodes ids ("%EB%8D%B0..."), but the TOC links to "#데이터" and a
    # browser matches a fragment against the decoded id: keep the id as the slug made it.
    return header_contents.replace(" ", "-")


replace(mkdocs_jupyter.convert, "slugify", _slug, parameters=["value"])
# imported at call time upstream, so replacing the module attribute reaches every caller
replace(nbconvert.filters.strings, "_convert_header_id", _header_id, parameters=["header_contents"])
replace(
    mkdocs_jupyter.plugin,
    "_get_markdown_toc",
    _markdown_toc,
    parameters=["markdown_source", "toc_depth"],
)


# --- templates compiled once per process -----------------------------------------------------
_TEMPLATES = MemoryBytecodeCache()
_Exporter = nbconvert.exporters.templateexporter.TemplateExporter


def _environment_with_shared_bytecode(self):
    environment = _create_environment(self)
    environment.bytecode_cache = _TEMPLATES  # read by Jinja's loaders at each template load
    return environment


_create_environment = replace(
    _Exporter, "_create_environment", _environment_with_shared_bytecode, parameters=["self"]
)


def on_env(env, config, files):
    # The theme's templates too: MkDocs makes a new Jinja environment for every build (each
    # language's, and each rebuild under `mkdocs serve`), which compiled Material's templates
    # from source again. on_env is MkDocs' own event for this; hooks live for the process.
    env.bytecode_cache = _TEMPLATES
    return env


def on_page_content(html_content: str, page, config, files) -> str:
    name = page.file.src_uri
    # mkdocs-jupyter marks the notebook pages it renders with nb_url
    notebook = bool(getattr(page, "nb_url", None))
    # a tutorial, staged as a notebook (extensions/hooks/execution.py), must be rendered as one
    if not notebook and (page.file.abs_src_path or "").endswith(".ipynb"):
        raise PluginError(
            str(UpstreamChanged(f"{name}: a notebook page without mkdocs-jupyter's nb_url mark"))
        )
    try:
        if notebook:
            # Figures first: the math scan then no longer reads through their base64 data.
            out_dir = Path(page.file.abs_dest_path).parent
            html_content = pages.extract_figures(html_content, name, out_dir)
            # Exercise solutions folded under their questions, the summary in the page's
            # language (mkdocs-static-i18n sets the theme's language per build).
            language = str(config["theme"]["language"])
            html_content = pages.fold_solutions(html_content, name, language)

            def url_of(src: str) -> str | None:
                target = files.get_file_from_path(src)
                return None if target is None else target.url

            html_content = pages.resolve_links(html_content, name, page.url, url_of)
            html_content = pages.share_copy_buttons(
                html_content, name, page.url, Path(config["site_dir"]), language
            )
            html_content = pages.share_styles(
                html_content,
                name,
                page.url,
                Path(config["site_dir"]),
                inline=os.environ.get("SINFIT_INLINE_CSS") == "1",
            )
        return pages.render_math(html_content, name, notebook=notebook)
    except (pages.PageError, UpstreamChanged) as err:
        raise PluginError(str(err)) from None
