"""Exercise solutions folded on a notebook page's HTML (extensions/sitebuild/pages.py), on
markup shaped like nbconvert's: a Markdown cell ending in the marker, then a code cell (wrapped
twice, as nbconvert's lab template writes it) with its input and output; and the heading links'
titles in the page's language."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from extensions.sitebuild import pages
from extensions.sitebuild.pages import PageError, fold_solutions
from extensions.sitebuild.upstream import UpstreamChanged

PAGE = "ko/autograd.md"


def markdown_cell(html: str) -> str:
    return (
        '<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell" id="cell-id=m">\n'
        '<div class="jp-Cell-inputWrapper" tabindex="0">\n'
        '<div class="jp-InputArea jp-Cell-inputArea"><div class="jp-RenderedHTMLCommon '
        f'jp-RenderedMarkdown jp-MarkdownOutput" data-mime-type="text/markdown">\n{html}\n'
        "</div>\n</div>\n</div>\n</div>"
    )


def code_cell(code: str, output: str) -> str:
    return (
        '<div class="jp-Cell jp-CodeCell jp-Notebook-cell">\n'
        '<div class="jp-Cell jp-CodeCell jp-Notebook-cell" id="cell-id=c">\n'
        '<div class="jp-Cell-inputWrapper" tabindex="0">\n'
        '<div class="jp-InputArea jp-Cell-inputArea">\n'
        f'<div class="highlight-ipynb hl-python"><pre>{code}</pre></div>\n'
        "</div>\n</div>\n</div>\n"
        '<div class="jp-Cell-outputWrapper">\n<div class="jp-OutputArea jp-Cell-outputArea">\n'
        '<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain">\n'
        f"<pre>{output}</pre>\n</div>\n</div>\n</div>\n</div>"
    )


QUESTION = markdown_cell("<p>Predict first.</p>\n<!--solution-->\n<!--pytest-codeblocks:cont-->")
SOLUTION = code_cell("print(2 + 2)", "4\n")
AFTER = markdown_cell("<h3>Next question</h3>")
PAGE_HTML = (
    '<div class="jupyter-wrapper">'
    + markdown_cell("<p>Intro</p>")
    + code_cell("x = 1", "")
    + QUESTION
    + SOLUTION
    + AFTER
    + "</div>"
)


def test_the_solution_cell_input_and_output_is_folded_and_nothing_else() -> None:
    folded = fold_solutions(PAGE_HTML, PAGE, "en")
    soup = BeautifulSoup(folded, "html.parser")
    (details,) = soup.select("details.sinfit-solution")
    assert details.summary.get_text() == "Solution"
    assert details.select_one("pre").get_text() == "print(2 + 2)"
    assert details.select_one(".jp-OutputArea-output pre").get_text() == "4\n"
    # exactly the cell: the question stays above, the next cell below, both outside
    assert "Predict first." not in details.get_text()
    assert "Next question" not in details.get_text()
    assert details.find_next_sibling().get_text(strip=True) == "Next question"
    assert (
        folded.replace('<details class="sinfit-solution"><summary>Solution</summary>', "").replace(
            "</details>", ""
        )
        == PAGE_HTML
    )


@pytest.mark.parametrize(
    ("language", "summary"), [("ko", "풀이"), ("en", "Solution"), ("fr", "Solution")]
)
def test_the_summary_is_in_the_page_language_with_english_as_fallback(
    language: str, summary: str
) -> None:
    soup = BeautifulSoup(fold_solutions(PAGE_HTML, PAGE, language), "html.parser")
    assert soup.select_one("details.sinfit-solution > summary").get_text() == summary


def test_every_marked_solution_is_folded_separately() -> None:
    page = '<div class="jupyter-wrapper">' + (QUESTION + SOLUTION) * 3 + AFTER + "</div>"
    soup = BeautifulSoup(fold_solutions(page, PAGE, "ko"), "html.parser")
    folded = soup.select("details.sinfit-solution")
    assert len(folded) == 3
    assert all(len(d.select(".jp-OutputArea-output")) == 1 for d in folded)


def test_a_page_without_markers_is_unchanged() -> None:
    page = PAGE_HTML.replace("<!--solution-->", "")
    assert fold_solutions(page, PAGE, "en") == page


def test_a_marker_followed_by_a_markdown_cell_fails_naming_the_page() -> None:
    page = QUESTION + AFTER + SOLUTION
    with pytest.raises(PageError) as err:
        fold_solutions(page, PAGE, "ko")
    message = str(err.value)
    assert message.startswith(f"{PAGE}: solution 1: <!--solution--> is followed by a Markdown cell")
    assert "put it on the line above the solution's ```python block" in message


def test_a_marker_followed_by_more_prose_fails_naming_the_page() -> None:
    question = markdown_cell("<!--solution-->\n<p>More words before the code.</p>")
    with pytest.raises(PageError) as err:
        fold_solutions(question + SOLUTION, "en/why-slow.md", "en")
    assert str(err.value).startswith(
        "en/why-slow.md: solution 1: <!--solution--> is followed by more text ('More words"
    )


def test_a_marker_at_the_end_of_the_page_fails_naming_the_page() -> None:
    with pytest.raises(PageError, match=r"^en/autograd\.md: solution 2: .* followed by no cell"):
        fold_solutions(QUESTION + SOLUTION + QUESTION, "en/autograd.md", "en")


def test_markers_without_nbconvert_code_cells_are_an_upstream_change() -> None:
    page = QUESTION.replace("jp-MarkdownCell", "nb-MarkdownCell") + "<div>print(2 + 2)</div>"
    with pytest.raises(UpstreamChanged, match="jp-CodeCell"):
        fold_solutions(page, PAGE, "en")


def test_heading_links_are_titled_in_the_page_language() -> None:
    heading = '<h2 id="a">A<a class="headerlink" href="#a" title="Permanent link">&para;</a></h2>'
    ko = pages.permalink_titles(heading, "ko")
    assert 'title="Permanent link"' not in ko
    assert f'title="{pages.PERMALINK_TITLE["ko"]}"' in ko and ko.count("headerlink") == 1
    assert pages.permalink_titles(heading, "en") == heading
    assert pages.permalink_titles(heading, "fr") == heading, "no title known: left in English"
