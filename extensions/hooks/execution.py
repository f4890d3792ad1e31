"""MkDocs adapter for :mod:`extensions.sitebuild.stage`, the build's first stage.

Each language's build stages the tutorials it publishes (executed through the cache, glue filled
in; an unchanged page is a look-up) and points their pages at the staged notebooks, which
mkdocs-jupyter then renders as it renders any notebook. After each tutorial page it writes the
page's notebook and script beside it for download, and puts the download links under the title
and the line saying how the page was executed at its end; after each language's build it logs
the execution report. ``SINFIT_EXECUTE=0`` turns execution off (pages render without outputs).
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extensions.sitebuild import downloads, pages  # noqa: E402
from extensions.sitebuild.execution import is_tutorial  # noqa: E402
from extensions.sitebuild.project import languages  # noqa: E402
from extensions.sitebuild.stage import Stage, StageError, render_cache  # noqa: E402
from extensions.sitebuild.upstream import UpstreamChanged, installed  # noqa: E402

log = logging.getLogger("mkdocs.hooks.execution")
WHEEL_CACHE = ROOT / ".cache" / "wheel"
LANGUAGES = languages(ROOT)


class Build:
    """What this hook keeps for the life of the process (one build, or every rebuild of
    `mkdocs serve`): the stage, and what the default language's build (the outermost, which
    owns the site's root) found out."""

    def __init__(self) -> None:
        self.stage = Stage(ROOT)
        self.keep_site = False  # `--dirty`: a stopped build keeps what it did not rewrite
        self.site_dir = ""
        self.site_url = "/"
        self.wheel = ""

    def wheel_url(self) -> str:
        return self.site_url.rstrip("/") + "/downloads/" + Path(self.wheel).name


BUILD = Build()


def _language(config: MkDocsConfig) -> str:
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


def on_startup(command: str, dirty: bool) -> None:
    BUILD.keep_site = dirty


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not BUILD.site_dir:  # the outermost build's
        BUILD.site_dir = str(config.site_dir)
        BUILD.site_url = str(config.site_url or "/")
        BUILD.stage.stop_on_signals(None if BUILD.keep_site else Path(BUILD.site_dir))
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    try:
        BUILD.stage.check_parity()
    except StageError as err:
        raise PluginError(str(err)) from None
    BUILD.stage.start()
    _render_cache_per_language(config)
    # Built once per version of the library's sources (a hash look-up otherwise), so a
    # `mkdocs serve` rebuild after a sinfit edit publishes the new library with the new pages.
    BUILD.wheel = str(downloads.wheel(ROOT, WHEEL_CACHE))


def _render_cache_per_language(config: MkDocsConfig) -> None:
    """mkdocs-jupyter keeps each rendered notebook in a file keyed on the notebook's bytes
    (the staged ones change only with their content) and, at the end of a build, evicts the
    entries that build did not use. mkdocs-static-i18n runs one build per language with the
    same plugin instance, so one folder would lose the other language's pages at every build:
    each language gets its own (mkdocs-jupyter's ``cache_dir`` option, set per build), named
    by what else decides a rendering (:func:`extensions.sitebuild.stage.render_cache`)."""
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or not plugin.config["cache"]:
        return
    plugin.config["cache_dir"] = str(render_cache(ROOT, _language(config)))


# After mkdocs-static-i18n's own on_files (-100), which chooses this language's pages.
@event_priority(-200)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Stage this language's tutorials; their pages render the staged notebooks."""
    language = _language(config)
    for file in files.documentation_pages():
        if file.abs_src_path and is_tutorial(file.abs_src_path):
            try:
                file.abs_src_path = str(BUILD.stage.page(Path(file.abs_src_path), language))
            except StageError as err:
                raise PluginError(str(err)) from None
    return files


def on_page_content(html_content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Under a tutorial's title its downloads; at its end how it was executed."""
    staged = page.file.abs_src_path or ""
    colab = downloads.colab_url(
        config.repo_url,
        config.extra.get("notebooks_branch", "notebooks"),
        page.url + Path(staged).with_suffix(".ipynb").name,
    )
    framed = BUILD.stage.framed(staged, html_content, _language(config), colab)
    if framed is None:
        return html_content
    # The contents' ids as pages.heading_ids gives the rendered headings (Hangul kept), read
    # from the notebook the stage holds
    page.toc = get_toc(pages.notebook_toc(BUILD.stage.markdown_cells(staged) or []))
    return framed


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Write the page's notebook and script beside it, for the download links."""
    src = page.file.abs_src_path or ""
    stem = Path(src).stem
    page_url = BUILD.site_url.rstrip("/") + "/" + page.url
    made = BUILD.stage.downloads(src, stem, _language(config), page_url, BUILD.wheel_url())
    if made is not None:
        folder = Path(page.file.abs_dest_path).parent
        folder.mkdir(parents=True, exist_ok=True)
        notebook, script = made
        (folder / f"{stem}.ipynb").write_text(notebook, encoding="utf-8")
        (folder / f"{stem}.py").write_text(script, encoding="utf-8")
    return output


def on_post_build(config: MkDocsConfig) -> None:
    BUILD.stage.finish()
    BUILD.stage.close()
    if str(config.site_dir) == BUILD.site_dir:  # the default language's: the site's root
        target = Path(BUILD.site_dir) / "downloads" / Path(BUILD.wheel).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(BUILD.wheel, target)
    if report := BUILD.stage.report(_language(config)):
        log.info(report)


def on_build_error(error: Exception) -> None:
    BUILD.stage.close()


def on_shutdown() -> None:
    BUILD.stage.close()
    BUILD.stage.prune()
