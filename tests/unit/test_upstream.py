"""Every touch of an upstream internal is loud when upstream moves: each patched attribute and
each markup rewrite, simulated gone or changed, fails (or warns once) naming the piece."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from extensions.sitebuild import pages
from extensions.sitebuild.upstream import Rewrite, UpstreamChanged, installed, replace

ROOT = Path(__file__).resolve().parents[2]


def test_replace_swaps_a_known_attribute_and_returns_the_original() -> None:
    module = types.ModuleType("nbconvert.fake")
    module.f = lambda value: value
    original = module.f
    assert replace(module, "f", str.upper, parameters=["value"]) is original
    assert module.f is str.upper


def test_replace_names_a_missing_attribute_and_the_installed_version() -> None:
    module = types.ModuleType("nbconvert.fake")
    with pytest.raises(UpstreamChanged) as err:
        replace(module, "gone", print)
    assert str(err.value).startswith(
        f"nbconvert.fake.gone no longer exists in {installed('nbconvert')}"
    )
    assert re.search(r"nbconvert \d+\.\d+", str(err.value))


def test_replace_refuses_a_changed_signature_or_kind() -> None:
    module = types.ModuleType("mkdocs_jupyter.fake")
    module.f = lambda value, extra: value
    with pytest.raises(UpstreamChanged, match=r"takes \(value, extra\) .* not \(value\)"):
        replace(module, "f", print, parameters=["value"])
    module.jupytext = "not a module"
    with pytest.raises(UpstreamChanged, match="is a str, not a module"):
        replace(module, "jupytext", print, kind=types.ModuleType)


# What the hooks patch at import: (module, attribute). Each, deleted before the hook loads,
# must stop the build with a message naming it.
PATCHED = [
    (
        "material.plugins.search.plugin",
        "SearchIndex.add_entry_from_context",
        "extensions/hooks/author_loop.py",
    ),
    ("mkdocs.livereload", "LiveReloadServer.__init__", "extensions/hooks/author_loop.py"),
    (
        "nbconvert.exporters.templateexporter",
        "TemplateExporter._create_environment",
        "extensions/hooks/page_markup.py",
    ),
]


@pytest.mark.parametrize(("module", "attribute", "hook"), PATCHED)
def test_each_patched_attribute_gone_upstream_stops_the_hook(
    module: str, attribute: str, hook: str
) -> None:
    *owner, name = attribute.split(".")
    code = (
        f"import importlib, runpy; m = importlib.import_module({module!r}); "
        + "".join(f"m = getattr(m, {part!r}); " for part in owner)
        + f"delattr(m, {name!r}); runpy.run_path({hook!r})"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    # gone, or (a method a base class also has: __init__) no longer the one patched
    assert f"UpstreamChanged: {module}.{attribute} " in proc.stderr
    assert "no longer exists in " in proc.stderr or "no longer fits" in proc.stderr


NOTEBOOK = (
    "<head><!-- Load mathjax --><script src=x></script><!-- End of mathjax configuration -->"
    '<style>.jp-Cell {}</style></head><body><div class="highlight-ipynb"></div></body>'
)


@pytest.mark.parametrize(
    ("rewrite", "markup", "what"),
    [
        (lambda t: pages.render_math(t, "p.md", notebook=True), "<!-- Load mathjax -->", "MathJax"),
        (
            lambda t: pages.share_styles(t, "p.md", "p/", Path("/nonexistent"), inline=True),
            "<style>",
            "inline <style> blocks",
        ),
        (lambda t: pages.focusable_code_cells(t, "p.md"), 'class="highlight-ipynb', "code cell"),
    ],
)
def test_each_notebook_markup_rewrite_fails_when_its_markup_changed(rewrite, markup, what) -> None:
    rewrite(NOTEBOOK)  # today's markup: nothing fires
    changed = NOTEBOOK.replace(markup, markup.replace("<", "<x-").replace('"h', '"x-h'))
    with pytest.raises(UpstreamChanged, match=f"p.md: .*{what}.* not found; nbconvert "):
        rewrite(changed)


def test_the_search_dialog_gets_its_name_or_the_build_fails() -> None:
    page = '<div class="md-search" data-md-component="search" role="dialog"><input></div>'
    named = pages.name_search_dialog(page, "ko/index.md", "ko")
    assert 'role="dialog" aria-label="검색">' in named
    with pytest.raises(UpstreamChanged, match=r"search dialog .* not found; mkdocs-material "):
        pages.name_search_dialog(page.replace('role="dialog"', 'role="search"'), "x.md", "en")


def test_a_figure_in_new_markup_fails_rather_than_losing_its_description() -> None:
    alt = "<!--alt: a curve-->"
    png = "iVBORw0KGgo="
    today = (
        f'{alt}<img alt="No description has been provided for this image" class="x" '
        f'src="data:image/png;base64,{png}">'
    )
    assert 'alt="a curve"' in pages.extract_figures(today, "p.md", None)
    changed = f'{alt}<img src="data:image/png;base64,{png}" alt="">'
    with pytest.raises(UpstreamChanged, match=r"p\.md: an inline figure is not in the markup"):
        pages.extract_figures(changed, "p.md", None)


def test_a_harmless_rewrite_warns_once_per_process(caplog: pytest.LogCaptureFixture) -> None:
    rewrite = Rewrite("the x links", re.compile("<x>"), "", "mkdocs-material", required=False)
    with caplog.at_level(logging.WARNING, logger="mkdocs.sitebuild.upstream"):
        assert rewrite.apply("<y>", "a.md") == "<y>"
        rewrite.apply("<y>", "b.md")
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "a.md: the x links not found; mkdocs-material" in warnings[0]
    assert pages.ALTERNATE_LINKS.required is False


def test_hooks_fail_when_the_i18n_plugin_stops_setting_the_language() -> None:
    code = (
        "import runpy; hook = runpy.run_path('extensions/hooks/execution.py'); "
        "hook['_language']({'theme': {'language': 'xx'}})"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    assert "the theme's language is 'xx'" in proc.stderr and "mkdocs-static-i18n" in proc.stderr
