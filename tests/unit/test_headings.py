"""Notebook headings get the ids Markdown pages get (Hangul kept), and the table of contents
links to them (extensions/sitebuild/pages.py: heading_ids, notebook_toc)."""

from __future__ import annotations

import pytest

from extensions.sitebuild.pages import heading_ids, notebook_toc
from extensions.sitebuild.upstream import UpstreamChanged

# As mkdocs-jupyter 0.26 writes a Hangul heading: folded to ASCII, nothing is left
RAW = (
    '<h1 id="">학습 과정 지켜보기<a class="anchor-link" href="#">¶</a></h1>\n'
    '<h2 id="Why-no_grad?">Why <code>no_grad</code>?<a class="anchor-link" '
    'href="#Why-no_grad?">¶</a></h2>\n'
    '<h3 id="">손실은 얼마나 내려왔을까?<a class="anchor-link" href="#">¶</a></h3>'
)
CELLS = [
    "# 학습 과정 지켜보기\n\n글.",
    "## Why `no_grad`?",
    "```\n# a comment in a fenced block, not a heading\n```",
    "### 손실은 얼마나 내려왔을까?",
]


def test_ids_and_the_contents_agree_and_keep_hangul() -> None:
    out = heading_ids(RAW, "ko/watch-it-learn.md")
    toc = notebook_toc(CELLS)
    ids = [toc[0]["id"], toc[0]["children"][0]["id"], toc[0]["children"][0]["children"][0]["id"]]
    assert ids == ["학습-과정-지켜보기", "why-no_grad", "손실은-얼마나-내려왔을까"]
    for ident in ids:
        assert f'id="{ident}"' in out and f'href="#{ident}"' in out
    assert "<code>no_grad</code>" in out, "the heading's markup is kept"
    assert toc[0]["children"][0]["children"][0]["name"] == "손실은 얼마나 내려왔을까?"
    assert len(toc) == 1 and len(toc[0]["children"][0]["children"]) == 1, "no heading from code"


def test_changed_heading_markup_fails_naming_the_page() -> None:
    with pytest.raises(UpstreamChanged, match=r"ko/a\.md: nbconvert's headings"):
        heading_ids('<h2 id="x">X<a class="anchor" href="#x">#</a></h2>', "ko/a.md")
