"""A built page's HTML without the bytes that change nothing on screen.

Lighthouse's model of a phone's line (its mobile preset, what ``make bench-pages`` runs)
delivers a page's HTML over a new connection in round trips of 150 ms: about 14.6 KB in the
first, 29.2 KB in the second and 30.7 KB in each one after (TCP's slow start, capped by the
line). The first paint waits for the whole HTML, so every round trip a page needs is 150 ms
on its first and largest paint: 105 KB arrive in four, and a tutorial of 106 to 136 KB pays
a fifth. Two things in a tutorial's HTML weigh and show nothing:

* **Spans no rule styles.** Pygments wraps every token of a code cell in a ``<span>`` whose
  class names its kind; the notebook stylesheet colours most kinds, but not plain names
  (``n``), a quarter of the spans of a cell. A span whose class no rule that can apply to
  the page names is only its text: it goes.
* **Collapse controls.** nbconvert writes an empty ``jp-Collapser`` box beside every cell's
  input and output, for JupyterLab's collapse-on-click; mkdocs-jupyter's stylesheet hides
  them (``display: none``), and a web page has no JupyterLab to collapse with. While a
  stylesheet of the site hides them, they go.
* **Indentation.** Jinja's templates indent the markup; a run of line breaks and spaces
  between tags or words shows as one space, as one line break does. Only text between tags
  is touched, and only HTML's white space (not a no-break space): not tags and their
  attribute values, comments, nor what is inside ``<pre>``, ``<code>``, ``<textarea>``,
  ``<kbd>``, ``<script>`` and ``<style>``, where spaces count or are code, nor the hidden text
  mkdocs-jupyter's copy button puts on the clipboard (``<div class="clipboard-copy-txt">``:
  a cell's code as the reader pastes it, indentation and all).

Plain functions on HTML strings; ``first_visit.finish_site`` applies them to every page.
"""

from __future__ import annotations

import re

# What is not text: where white space is content (Material's `.md-typeset code` is pre-wrap) or
# is code, comments, and tags with their attribute values.
_NOT_TEXT = re.compile(
    r"<(pre|code|textarea|kbd|script|style)\b.*?</\1\s*>|<!--.*?-->"
    r"|<div class=\"clipboard-copy-txt\"[^>]*>[^<]*</div\s*>"
    r"|<(?:[^\"'>]|\"[^\"]*\"|'[^']*')*>",
    re.S | re.I,
)
_INDENT = re.compile(r"\n[ \t\r\n\f]+")  # HTML's white space, not Python's \s
# A <pre> element, or what must be skipped to find one (a "<pre>" in a script is not one).
_PRE_OR_SKIP = re.compile(r"(<pre\b.*?</pre\s*>)|<script\b.*?</script\s*>|<!--.*?-->", re.S | re.I)
# A span with one class and only text inside: what Pygments writes for a token.
_TOKEN = re.compile(r'<span class="([\w-]+)">([^<]*)</span>')
_COLLAPSER = re.compile(r'<div class="jp-Collapser\b[^"]*">\s*</div>\s*')
_COLLAPSERS_HIDDEN = re.compile(r"\.jp-Collapser\s*\{\s*display\s*:\s*none\b")


def without_hidden_collapsers(html: str, css: str) -> str:
    """``html`` without its empty collapse controls, if ``css`` (the site's stylesheets) hides
    every one of them; unchanged otherwise."""
    if not _COLLAPSERS_HIDDEN.search(css):
        return html
    return _COLLAPSER.sub("", html)


def without_indentation(html: str) -> str:
    """``html`` with each run of white space that starts a line cut to the line break, in its
    text only (see the module's docstring)."""
    out, end = [], 0
    for kept in _NOT_TEXT.finditer(html):
        out.append(_INDENT.sub("\n", html[end : kept.start()]))
        out.append(kept.group(0))
        end = kept.end()
    out.append(_INDENT.sub("\n", html[end:]))
    return "".join(out)


def token_classes(html: str) -> set[str]:
    """The classes of the token spans in the ``<pre>`` elements of ``html``."""
    return {
        token.group(1)
        for pre in _PRE_OR_SKIP.finditer(html)
        if pre.group(1)
        for token in _TOKEN.finditer(pre.group(1))
    }


def without_unstyled_spans(html: str, styled: set[str]) -> str:
    """``html`` with each token span in a ``<pre>`` whose class is not in ``styled`` (the
    classes a rule that can apply to the page names) replaced by its text."""

    def unwrap(token: re.Match[str]) -> str:
        return token.group(0) if token.group(1) in styled else token.group(2)

    def pre(m: re.Match[str]) -> str:
        return _TOKEN.sub(unwrap, m.group(0)) if m.group(1) else m.group(0)

    return _PRE_OR_SKIP.sub(pre, html)
