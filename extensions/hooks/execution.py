"""MkDocs adapter for the build's first stage (extensions/sitebuild/stage.py): tutorials staged
as executed notebooks, which mkdocs-jupyter renders; their downloads and proof line around them."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from extensions.sitebuild.execution import is_tutorial
from extensions.sitebuild.session import Session
from extensions.sitebuild.stage import StageError
from extensions.sitebuild.upstream import UpstreamChanged

log = logging.getLogger("mkdocs.hooks.execution")
SESSION = Session.shared()


def _language(config: MkDocsConfig) -> str:
    try:
        return SESSION.language(str(config["theme"]["language"]))
    except UpstreamChanged as err:
        raise PluginError(str(err)) from None


def on_startup(command: str, dirty: bool) -> None:
    SESSION.start(command, dirty)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    SESSION.configure(Path(config.site_dir), config.site_url)
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    try:
        SESSION.begin(_language(config))
    except StageError as err:
        raise PluginError(str(err)) from None
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is not None and plugin.config["cache"]:
        plugin.config["cache_dir"] = SESSION.render_cache(_language(config), dict(plugin.config))


@event_priority(-200)  # after static-i18n's on_files (-100), which picks this language's pages
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Queue this language's tutorials on the stage; their pages render the staged notebooks."""
    language = _language(config)
    for file in files.documentation_pages():
        if file.abs_src_path and is_tutorial(file.abs_src_path):
            file.abs_src_path = str(SESSION.stage.page_ahead(Path(file.abs_src_path), language))
    return files


@event_priority(100)  # before mkdocs-jupyter's, which reads the notebook
def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> None:
    try:  # the page's notebook staged: its execution may still be under way
        SESSION.stage.ready(page.file.abs_src_path or "")
    except StageError as err:
        raise PluginError(str(err)) from None


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Under a tutorial's title its downloads; at its end how it was executed."""
    branch = str(config.extra.get("notebooks_branch", "notebooks"))
    staged = page.file.abs_src_path or ""
    if made := SESSION.framed(staged, html, _language(config), page.url, config.repo_url, branch):
        html, page.toc = made[0], get_toc(made[1])
    return html


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    folder = Path(page.file.abs_dest_path).parent  # the downloads go beside the page
    SESSION.write_downloads(page.file.abs_src_path or "", folder, _language(config), page.url)
    return output


def on_post_build(config: MkDocsConfig) -> None:
    if report := SESSION.end_language(Path(config.site_dir), _language(config)):
        log.info(report)


def on_build_error(error: Exception) -> None:
    SESSION.abandon()


def on_shutdown() -> None:
    SESSION.shutdown()
