"""A page's HTML without what changes nothing on screen (extensions/sitebuild/markup.py)."""

from __future__ import annotations

import re

from extensions.sitebuild.markup import (
    without_hidden_collapsers,
    without_indentation,
    without_unstyled_spans,
)
from extensions.sitebuild.styles import styled_classes

PAGE = """<div class="md-content">
        <p>
          A line
          that goes on
        </p>

        <pre><code>def f():
    return 1
</code></pre>
  <p>inline <code>a
    b</code> and <kbd>x
      y</kbd></p>
  <script>
    const keep = "  this";
  </script>
  <textarea>
    typed
  </textarea>
</div>"""


def collapsed(html: str) -> str:
    """What a browser shows of text outside white-space-preserving elements."""
    return re.sub(r"\s+", " ", html)


def test_indentation_goes_outside_and_stays_inside_where_spaces_count() -> None:
    out = without_indentation(PAGE)
    assert "<p>\nA line\nthat goes on\n</p>\n<pre>" in out
    for kept in (
        "<pre><code>def f():\n    return 1\n</code></pre>",
        "<code>a\n    b</code>",
        "<kbd>x\n      y</kbd>",
        '<script>\n    const keep = "  this";\n  </script>',
        "<textarea>\n    typed\n  </textarea>",
    ):
        assert kept in out
    assert collapsed(out) == collapsed(PAGE)
    assert len(out) < len(PAGE)
    assert without_indentation(out) == out


def test_the_copy_buttons_text_keeps_its_indentation() -> None:
    # what the copy button puts on the clipboard is code as the reader pastes it
    page = (
        "<div>\n  <p>Loop</p>\n"
        '<div class="clipboard-copy-txt" id="cell-3">for t in range(3):\n'
        "    if t % 2 == 0:\n        print(t &lt; 2)</div>\n  </div>"
    )
    out = without_indentation(page)
    assert "for t in range(3):\n    if t % 2 == 0:\n        print(t &lt; 2)</div>" in out
    assert "<div>\n<p>Loop</p>" in out, "the markup around it still loses its indentation"


def test_a_page_without_such_elements_keeps_its_words() -> None:
    html = "<p>one\n   two</p>\n\n   <p>three</p>"
    assert without_indentation(html) == "<p>one\ntwo</p>\n<p>three</p>"


CODE = (
    '<div class="highlight-ipynb"><pre><span></span><span class="n">torch</span>'
    '<span class="o">.</span><span class="n">sin</span><span class="p">(</span>'
    '<span class="s2">&quot;a&lt;b&quot;</span><span class="p">)</span></pre></div>'
)


def test_unstyled_spans_become_their_text_and_styled_ones_stay() -> None:
    out = without_unstyled_spans(CODE, {"o", "p", "s2"})
    assert out == (
        '<div class="highlight-ipynb"><pre><span></span>torch<span class="o">.</span>sin'
        '<span class="p">(</span><span class="s2">&quot;a&lt;b&quot;</span>'
        '<span class="p">)</span></pre></div>'
    )
    assert re.sub(r"<[^>]+>", "", out) == re.sub(r"<[^>]+>", "", CODE), "the same text"


def test_spans_outside_code_blocks_are_left_alone() -> None:
    html = '<p><span class="n">note</span></p>' + CODE
    out = without_unstyled_spans(html, set())
    assert out.startswith('<p><span class="n">note</span></p>')
    assert '<span class="o">' not in out


def test_styled_classes_are_those_named_by_a_rule_that_can_apply() -> None:
    css = (
        ".highlight-ipynb .o{color:red}"
        ".highlight .n{color:blue}"  # needs .highlight, which the page lacks
        "@media screen{pre .p:not(.s2){color:green}}"
        "table .nb{color:gray}"  # needs a <table>
        "#missing .mi{color:red}"
    )
    classes = {"highlight-ipynb", "o", "n", "p", "s2", "nb", "mi"}
    styled = styled_classes(css, classes, set(), {"div", "pre", "span"})
    assert styled == {"highlight-ipynb", "o", "p", "s2"}


CELL = (
    '<div class="jp-Cell-inputWrapper" tabindex="0">\n'
    '<div class="jp-Collapser jp-InputCollapser jp-Cell-inputCollapser">\n</div>\n'
    '<div class="jp-InputArea jp-Cell-inputArea">code</div>\n</div>'
)


def test_collapse_controls_go_only_while_a_stylesheet_hides_them() -> None:
    hidden = ".x{color:red}\n.jupyter-wrapper .jp-Collapser{display:none}"
    out = without_hidden_collapsers(CELL, hidden)
    assert out == (
        '<div class="jp-Cell-inputWrapper" tabindex="0">\n'
        '<div class="jp-InputArea jp-Cell-inputArea">code</div>\n</div>'
    )
    shown = ".jupyter-wrapper .jp-Collapser{flex:0 0 8px}"
    assert without_hidden_collapsers(CELL, shown) == CELL


def test_only_text_between_tags_loses_its_indentation() -> None:
    html = (
        '<p title="one\n   two" alt="a > b\n   c">x\n\xa0\xa0y\n   z</p>'
        "<!-- keep\n   this -->\n   <br>"
    )
    out = without_indentation(html)
    assert 'title="one\n   two"' in out and 'alt="a > b\n   c"' in out, "attribute values"
    assert "x\n\xa0\xa0y\nz</p>" in out, "a no-break space shows: it is not indentation"
    assert "<!-- keep\n   this -->\n<br>" in out


def test_a_pre_in_a_script_or_comment_is_not_a_code_block() -> None:
    html = (
        '<script>const t = "<pre>";</script><p><span class="n">note</span></p>'
        '<!-- <pre> --><p><span class="n">more</span></p><pre><span class="n">x</span></pre>'
    )
    out = without_unstyled_spans(html, set())
    assert out.count('<span class="n">') == 2 and out.endswith("<pre>x</pre>")


def test_formulas_lose_only_their_redundant_spelling() -> None:
    from extensions.sitebuild.markup import without_math_spelling

    page = (
        '<p>&#x02212; stays</p><math xmlns="http://www.w3.org/1998/Math/MathML" '
        'display="inline"><semantics><mrow><mi>&#x003B7;</mi><mo>&#x02212;</mo><mo>&#x0003C;'
        '</mo><mo>&#38;</mo></mrow><annotation encoding="application/x-tex">\\eta - &lt;'
        "</annotation></semantics></math>"
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mi>x</mi></math>'
    )
    out = without_math_spelling(page)
    assert out == (
        "<p>&#x02212; stays</p><math><semantics><mrow><mi>η</mi><mo>\u2212</mo><mo>&#x0003C;</mo>"
        '<mo>&#38;</mo></mrow><annotation encoding="application/x-tex">\\eta - &lt;'
        '</annotation></semantics></math><math display="block"><mi>x</mi></math>'
    )
    assert without_math_spelling(out) == out


COPY_CELL = (
    '<clipboard-copy for="cell-{n}"></clipboard-copy></div>\n'
    '<div tabindex="0" class="highlight-ipynb hl-python"><pre><span></span>'
    '<span class="k">for</span> t <span class="ow">in</span> x<span class="p">:</span>\n'
    '    <span class="nb">print</span><span class="p">(</span>t &amp; 1<span class="p">)</span>\n'
    "</pre></div>\n"
    '<div class="clipboard-copy-txt" id="cell-{n}">{copy}</div>\n'
    "</div>"
)


def test_copy_buttons_copy_the_code_shown_and_its_hidden_copy_goes() -> None:
    from extensions.sitebuild.markup import with_copy_from_code

    same = "for t in x:\n    print(t &amp; 1)"
    output = '<div class="jp-RenderedText"><pre>t: 1\n</pre></div>'
    page = (
        output
        + COPY_CELL.format(n=1, copy=same)
        + output
        + COPY_CELL.format(n=2, copy="other code")
    )
    out = with_copy_from_code(page)
    assert out.count("clipboard-copy-txt") == 1 and 'id="cell-2">other code</div>' in out
    assert '<pre id="cell-1"><span></span>' in out and out.count("<pre id=") == 1
    assert out.startswith(output) and with_copy_from_code(out) == out


def test_jupyterlab_names_nothing_reads_go_and_the_rest_stay() -> None:
    from extensions.sitebuild.markup import without_unread_names

    page = (
        '<div class="jp-Cell jp-CodeCell jp-Notebook-cell" id="cell-id=c">'
        '<div class="jp-CodeMirrorEditor jp-Editor" data-type="inline">'
        '<clipboard-copy ,="" for="cell-1"></clipboard-copy>'
        '<div tabindex="0" class="highlight-ipynb hl-python"><pre class="jp-Editor">'
        'x = "class=\\"jp-Editor\\" data-type=\\"inline\\""</pre></div>'
        '<div class="jp-RenderedText" data-mime-type="text/plain">a</div>'
        '<div class="jp-RenderedText" data-mime-type="application/vnd.jupyter.stderr">b</div>'
        '<div class="jp-Editor">only</div><p data-class="jp-Editor">words class="jp-Editor"</p>'
    )
    css = (
        ".jp-Cell,.jp-RenderedText{padding:5px}.jp-CodeMirrorEditor{cursor:text}"
        ".highlight-ipynb{overflow:auto}"
    )
    out = without_unread_names(page, css, scripts="")
    assert '<div class="jp-Cell jp-CodeCell" id="cell-id=c">' in out  # cell kinds stay
    assert '<div class="jp-CodeMirrorEditor">' in out and '<clipboard-copy for="cell-1">' in out
    assert '<div tabindex="0" class="highlight-ipynb"><pre class="jp-Editor">' in out  # in <pre>
    assert 'x = "class=\\"jp-Editor\\" data-type=\\"inline\\""</pre>' in out
    assert '<div class="jp-RenderedText">a</div>' in out
    assert 'data-mime-type="application/vnd.jupyter.stderr">b' in out
    assert '<div>only</div><p data-class="jp-Editor">words class="jp-Editor"</p>' in out
    assert without_unread_names(out, css, scripts="") == out
    # a name a rule or a script reads stays
    kept = without_unread_names(page, css + ".jp-Editor{}", scripts="'hl-python' data-type")
    assert 'class="jp-CodeMirrorEditor jp-Editor" data-type="inline"' in kept
    assert 'class="highlight-ipynb hl-python"' in kept
    styled = without_unread_names(page, css + '[data-mime-type="text/plain"]{}', scripts="")
    assert 'data-mime-type="text/plain"' in styled


def test_blank_tokens_go_bare_while_only_a_colour_styles_them() -> None:
    from extensions.sitebuild.markup import without_blank_tokens

    page = (
        '<p><span class="w"> </span></p><pre><span class="kn">import</span>'
        '<span class="w"> </span>math<span class="w">\n    </span>x</pre>'
    )
    out = without_blank_tokens(page, ".highlight-ipynb .w{color:red}.p{background:red}")
    assert (
        out
        == '<p><span class="w"> </span></p><pre><span class="kn">import</span> math\n    x</pre>'
    )
    assert without_blank_tokens(page, ".hl .w{color:red;background:blue}") == page


def test_token_classes_lose_their_quotes_in_code_only() -> None:
    from extensions.sitebuild.markup import with_bare_token_classes

    prose = '<p><span class="p">(</span></p>'
    code = '<pre><span class="p">(</span><span class="a b">x</span></pre>'
    out = with_bare_token_classes(prose + code)
    assert out == prose + '<pre><span class=p>(</span><span class="a b">x</span></pre>'


def test_a_sign_minus_is_a_prefix_and_a_subtraction_stays_infix() -> None:
    """TeX reads the minus in [-π, π] or x = -1 as a sign; written as a plain <mo>, browsers
    space it as a subtraction."""
    from extensions.sitebuild.pages import latex_to_mathml

    prefix = '<mo form="prefix">&#x02212;</mo>'
    for sign in (r"[-\pi, \pi]", "x = -1", "-x^2", "f(-x)", r"[\pi, -\pi]"):
        assert prefix in latex_to_mathml(sign, display=False), sign
    for subtraction in ("a - b", r"\pi - 1", "(a) - b"):
        assert prefix not in latex_to_mathml(subtraction, display=False), subtraction
