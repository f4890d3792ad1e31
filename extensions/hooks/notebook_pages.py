"""MkDocs adapter for :mod:`extensions.sitebuild.pages`: how mkdocs-jupyter's notebook pages
are fixed up (headings, figures, solutions, links, copy buttons, styles, math), and the one
patch that remains, templates compiled once per process. The reasons are in ``pages``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbconvert.exporters.templateexporter
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extensions.sitebuild import gates, pages  # noqa: E402
from extensions.sitebuild.upstream import (  # noqa: E402
    MemoryBytecodeCache,
    UpstreamChanged,
    replace,
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
            # Heading ids as Markdown pages get them (Hangul kept); the table of contents with
            # the same ids is set from the staged notebook (extensions/hooks/execution.py)
            html_content = pages.heading_ids(html_content, name)
            # nbconvert names headings from their text alone, never making the ids unique as
            # the toc extension does: two alike fail the build, naming the page
            if problems := gates.duplicate_heading_ids(html_content):
                where = Path(config["docs_dir"]).name + "/" + name  # as the author finds it
                raise PluginError("\n".join(f"{where}: {p}" for p in problems))
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
