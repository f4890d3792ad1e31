"""MkDocs adapter for extensions/sitebuild/pages.py: each page's markup fixed where Material,
mkdocs-static-i18n and mkdocs-jupyter fall short (the reasons are in ``pages``), and templates
compiled once per process. When the outermost build ends, with every language on disk, the
site's last rewrites (Session.finish_site): Korean search words, then the first-visit cut."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import nbconvert.exporters.templateexporter as nbconvert_templates
from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from extensions.sitebuild import pages
from extensions.sitebuild.session import Session
from extensions.sitebuild.upstream import UpstreamChanged, replace

log = logging.getLogger("mkdocs.hooks.page_markup")
SESSION = Session.shared()


# mkdocs-jupyter makes a new nbconvert exporter, so a new Jinja environment, for each notebook
# page: Jinja's template cache lives on the environment and never helped (jupyter/nbconvert#336,
# "if we recreate the environment each time ... we can't use that"); a shared bytecode cache does
def _environment_with_shared_bytecode(self: nbconvert_templates.TemplateExporter) -> Environment:
    environment = _create_environment(self)
    environment.bytecode_cache = SESSION.templates  # read by Jinja's loaders at each load
    return environment


_create_environment = replace(
    nbconvert_templates.TemplateExporter,
    "_create_environment",
    _environment_with_shared_bytecode,
    parameters=["self"],
)


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    env.bytecode_cache = SESSION.templates  # MkDocs makes a new environment for every build
    return env


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    name = page.file.src_uri
    notebook = bool(getattr(page, "nb_url", None))  # mkdocs-jupyter's mark of its pages
    try:
        if (page.file.abs_src_path or "").endswith(".ipynb") and not notebook:
            raise UpstreamChanged(f"{name}: a notebook page without mkdocs-jupyter's nb_url mark")
        if notebook:
            html = pages.notebook_page(
                html,
                name,
                where=Path(config.docs_dir).name + "/" + name,
                page_url=page.url,
                out_dir=Path(page.file.abs_dest_path).parent,
                site_dir=Path(config.site_dir),
                language=str(config["theme"]["language"]),
                url_of=lambda src: f.url if (f := files.get_file_from_path(src)) else None,
            )
        return pages.render_math(html, name, notebook=notebook)
    except (pages.PageError, UpstreamChanged) as err:
        raise PluginError(str(err)) from None


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    language, notebook = str(config["theme"]["language"]), bool(getattr(page, "nb_url", None))
    try:
        return pages.finished_page(output, page.file.src_uri, language, notebook=notebook)
    except UpstreamChanged as err:
        raise PluginError(str(err)) from None


@event_priority(-150)  # after mkdocs-static-i18n's (-100): the other languages, the index
def on_post_build(config: MkDocsConfig) -> None:
    if not SESSION.end():
        return
    try:
        log.info(SESSION.finish_site(Path(config.site_dir)))
    except (UpstreamChanged, FileNotFoundError) as err:
        raise PluginError(str(err)) from None
