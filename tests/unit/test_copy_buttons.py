"""The notebook copy buttons' icon and script shared instead of repeated in every cell and page
(extensions/sitebuild/pages.py: share_copy_buttons), on markup shaped like mkdocs-jupyter's."""

from __future__ import annotations

from pathlib import Path

import pytest

from extensions.sitebuild.pages import share_copy_buttons
from extensions.sitebuild.upstream import UpstreamChanged

ICON = (
    '<svg aria-hidden="true" class="clipboard-copy-icon" data-view-component="true" '
    'height="20" version="1.1" viewbox="0 0 16 16" width="20">\n<path d="M0 6.75z" '
    'fill="currentColor" fill-rule="evenodd"></path>\n</svg>'
)
SCRIPT = (
    "<script>\n (function (global, factory) {\n  factory();\n })(this, (function () {\n"
    "  if (!window.customElements.get('clipboard-copy')) {\n"
    "    window.customElements.define('clipboard-copy', ClipboardCopyElement);\n  }\n}));\n"
    "</script>"
)


def cell(n: int) -> str:
    return (
        f'<div class="zeroclipboard-container">'
        # as mkdocs-jupyter 0.26 writes it, stray attribute included
        f'<clipboard-copy ,="" aria-label="Copy to Clipboard" for="cell-{n}"><div>'
        f'<span class="notice" hidden="">Copied!</span>{ICON}</div></clipboard-copy></div>'
    )


def page(cells: int = 2) -> str:
    return SCRIPT + "<main>" + "".join(cell(n) for n in range(cells)) + "</main>"


def test_icons_become_empty_spans_and_the_script_one_file_started_later(tmp_path: Path) -> None:
    out = share_copy_buttons(page(), "autograd.md", "autograd/", tmp_path)
    assert "<svg" not in out
    assert out.count('<span aria-hidden="true" class="clipboard-copy-icon"></span>') == 2
    files = list((tmp_path / "assets" / "javascripts").glob("clipboard-copy-*.js"))
    assert len(files) == 1 and "customElements.define('clipboard-copy'" in files[0].read_text()
    # first_visit.js starts it once the page is on screen
    assert f'<script data-sinfit-later="../assets/javascripts/{files[0].name}"></script>' in out
    assert "factory" not in out, "the script is no longer inline"


def test_the_buttons_speak_the_page_s_language(tmp_path: Path) -> None:
    ko = share_copy_buttons(page(2), "ko/autograd.md", "ko/autograd/", tmp_path, "ko")
    assert ko.count('aria-label="클립보드로 복사"') == 2 and "Copy to Clipboard" not in ko
    assert ko.count(">클립보드에 복사됨</span>") == 2 and "Copied!" not in ko
    en = share_copy_buttons(page(1), "autograd.md", "autograd/", tmp_path, "en")
    assert 'aria-label="Copy to clipboard"' in en and ">Copied to clipboard</span>" in en


def test_every_page_links_the_same_file(tmp_path: Path) -> None:
    one = share_copy_buttons(page(1), "autograd.md", "autograd/", tmp_path)
    two = share_copy_buttons(page(3), "ko/why-slow.md", "ko/why-slow/", tmp_path)
    assert len(list((tmp_path / "assets" / "javascripts").iterdir())) == 1
    name = next((tmp_path / "assets" / "javascripts").iterdir()).name
    assert f'data-sinfit-later="../assets/javascripts/{name}"' in one
    assert f'data-sinfit-later="../../assets/javascripts/{name}"' in two


def test_a_page_without_copy_buttons_is_unchanged(tmp_path: Path) -> None:
    assert share_copy_buttons("<p>prose</p>", "index.md", "", tmp_path) == "<p>prose</p>"


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ('class="clipboard-copy-icon"', 'class="copy-icon"', "copy-button icon"),
        ("customElements.define(", "customElements.register(", "defining <clipboard-copy>"),
    ],
)
def test_changed_markup_fails_naming_the_page_and_the_package(
    tmp_path: Path, old: str, new: str, what: str
) -> None:
    with pytest.raises(UpstreamChanged) as err:
        share_copy_buttons(page().replace(old, new), "ko/autograd.md", "ko/autograd/", tmp_path)
    assert str(err.value).startswith("ko/autograd.md: mkdocs-jupyter's") and what in str(err.value)
    assert "mkdocs-jupyter" in str(err.value)
