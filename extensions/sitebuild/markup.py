"""A built page's HTML without the bytes that change nothing on screen.

Lighthouse's model of a phone's line (its mobile preset, what ``make bench-pages`` runs)
delivers a page's HTML over a new connection in round trips of 150 ms: about 14.6 KB in the
first, 29.2 KB in the second and 30.7 KB in each one after (TCP's slow start, capped by the
line). The first paint waits for the whole HTML, so every round trip a page needs is 150 ms
on its first and largest paint: 105 KB arrive in four, and a tutorial of 106 to 136 KB pays
a fifth. What in a tutorial's HTML weighs and shows nothing:

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

* **MathML's spelling.** Each formula repeats the MathML namespace (an HTML parser puts
  ``<math>`` in it anyway), ``display="inline"`` (the default) and spells every operator and
  Greek letter as a numeric character reference (``&#x02212;``, nine bytes for a three-byte
  character): a formula-heavy lesson carried 7 KB of it. The formulas keep their markup and
  their TeX annotation; only these spellings go.
* **The copy buttons' second copy of the code.** mkdocs-jupyter puts each cell's code twice in
  the page: highlighted in its ``<pre>`` and as plain text in a hidden
  ``<div class="clipboard-copy-txt">`` that the cell's copy button names. The ``<pre>``'s text
  is that code (plus the line break Pygments ends it with), so where it is, the button names
  the ``<pre>`` and the hidden copy goes: 7 to 11 KB of a long lesson.

* **Names nothing reads.** nbconvert marks every cell ``jp-Notebook-cell``, every editor
  ``jp-Editor`` and every code block ``hl-python``, every Markdown cell and text output with
  its MIME type (``data-mime-type="text/markdown"``, ``"text/plain"``) and every editor with
  ``data-type="inline"``; mkdocs-jupyter's copy button carries a stray attribute named ``,``.
  A JupyterLab class (``jp-``, ``cm-``, ``hl-``) that no rule of the site's stylesheets and no
  script of the site names goes (the cell kinds ``jp-CodeCell`` and ``jp-MarkdownCell`` stay:
  the build and its tests find cells by them), and so does an attribute value no selector
  and no script reads. 3 to 5 KB of a long lesson.

* **Quotes and spans around code's blanks.** A token span's class is one Pygments name
  (``p``, ``s2``): HTML reads ``class=p`` as ``class="p"``, two bytes less for each of a
  long lesson's 1,300 tokens. And a run of spaces Pygments marks as white space
  (``<span class="w"> </span>``) only takes a colour, which a space does not show: while no
  rule gives such a span anything but a colour, the spaces go bare.

Plain functions on HTML strings; ``first_visit.finish_site`` applies them to every page.
"""

from __future__ import annotations

import html as html_lib
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
_ANY_TAG = re.compile(r"<[^>]*>")
_COLLAPSER = re.compile(r'<div class="jp-Collapser\b[^"]*">\s*</div>\s*')
_COLLAPSERS_HIDDEN = re.compile(r"\.jp-Collapser\s*\{\s*display\s*:\s*none\b")


_MATH = re.compile(r"<math\b.*?</math>", re.S)
_MATH_HEAD = re.compile(
    r'<math xmlns="http://www\.w3\.org/1998/Math/MathML"( display="block")?(?: display="inline")?'
)
_CHAR_REF = re.compile(r"&#(?:x([0-9A-Fa-f]+)|([0-9]+));")
_KEPT_REF = frozenset("<>&\"'")  # what must stay a reference in text or attribute values
# A cell's code shown and its copy: the hidden copy (mkdocs-jupyter's) follows its <pre>.
_PRE_AND_COPY = re.compile(
    r"(<pre)(>(?:(?!<pre[\s>]).)*?</pre>\s*</div>\s*)"
    r'<div class="clipboard-copy-txt" id="([^"]+)">([^<]*)</div>\s*',
    re.S,
)


def without_math_spelling(html: str) -> str:
    """``html`` with each ``<math>`` element written shorter: without the namespace an HTML
    parser gives it, the default ``display="inline"``, and with the characters its numeric
    references name written as themselves (see the module's docstring)."""

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        c = chr(code)
        return m.group(0) if c in _KEPT_REF or code < 0x20 or 0x7F <= code < 0xA0 else c

    def formula(m: re.Match[str]) -> str:
        f = _MATH_HEAD.sub(lambda h: "<math" + (h.group(1) or ""), m.group(0), count=1)
        return _CHAR_REF.sub(char, f)

    return _MATH.sub(formula, html)


def with_copy_from_code(html: str) -> str:
    """``html`` with each code cell's copy button copying the cell's ``<pre>`` instead of the
    hidden copy of its code, which goes; a cell whose ``<pre>`` text is not its copy's (but
    for the line break that ends it) keeps its copy."""

    def one(m: re.Match[str]) -> str:
        shown = html_lib.unescape(_ANY_TAG.sub("", m.group(2).split("</pre>", 1)[0][1:]))
        copy = html_lib.unescape(m.group(4))
        if shown.rstrip("\n") != copy.rstrip("\n"):
            return m.group(0)
        return f'{m.group(1)} id="{m.group(3)}"{m.group(2)}'

    return _PRE_AND_COPY.sub(one, html)


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


# Classes of nbconvert's and JupyterLab's markup that may go when nothing names them.
_LAB_CLASS = re.compile(r"(?:jp|cm|hl)-[\w-]+")
_KEPT_CLASSES = frozenset({"jp-CodeCell", "jp-MarkdownCell"})  # cells are found by them
_CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_CLASS_ATTRIBUTE = re.compile(r'(<[a-zA-Z][\w-]*\s(?:[^<>"]|"[^"]*")*?)(?<=\s)class="([^"]*)"')
_STRAY_COMMA = re.compile(r'(<clipboard-copy) ,=""')
# Attributes nbconvert writes whose values no selector or script needs: (name, value) pairs.
_UNREAD = (
    ("data-type", "inline"),
    ("data-mime-type", "text/markdown"),
    ("data-mime-type", "text/plain"),
)


def without_unread_names(html: str, css: str, scripts: str) -> str:
    """``html`` without the JupyterLab classes and the attribute values that no rule of
    ``css`` (the site's stylesheets and the page's own) and nothing in ``scripts`` (the
    site's) names, and without mkdocs-jupyter's stray ``,`` attribute (see the module's
    docstring). Only text outside ``<pre>``, ``<code>``, ``<script>``... is touched."""
    named = set(_CSS_CLASS.findall(css))

    def unread(name: str) -> bool:
        return name not in named and name not in _KEPT_CLASSES and name not in scripts

    def classes(m: re.Match[str]) -> str:
        tokens = m.group(2).split()
        kept = [t for t in tokens if not (_LAB_CLASS.fullmatch(t) and unread(t))]
        if kept == tokens:
            return m.group(0)
        return f'{m.group(1)}class="{" ".join(kept)}"' if kept else m.group(1).rstrip()

    gone = [
        f' {name}="{value}"'
        for name, value in _UNREAD
        if name not in scripts
        and f"{name}={value}" not in css
        and f'{name}="{value}"' not in css
        and f"{name}='{value}'" not in css
        and not re.search(rf"\[{name}\s*\]", css)  # a rule on the attribute's presence
    ]

    def tag(t: str) -> str:
        t = _CLASS_ATTRIBUTE.sub(classes, t)
        for g in gone:
            t = t.replace(g, "")
        return _STRAY_COMMA.sub(r"\1", t)

    out, end = [], 0
    for kept in _NOT_TEXT.finditer(html):
        text = kept.group(0)
        out.append(html[end : kept.start()])
        out.append(
            tag(text)
            if text.startswith("<")
            and not text.startswith("<!--")
            and text[1:4].lower() not in ("pre", "cod", "tex", "kbd", "scr", "sty")
            else text
        )
        end = kept.end()
    out.append(html[end:])
    return "".join(out)


_BLANK_TOKEN = re.compile(r'<span class="w">([ \t\n]*)</span>')
_CSS_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_W_CLASS = re.compile(r"\.w(?![\w-])")


def without_blank_tokens(html: str, css: str) -> str:
    """``html`` with the white-space tokens of its ``<pre>`` elements (``<span class="w">``
    around spaces) as bare spaces, if no rule of ``css`` that names the class ``w`` sets
    anything but ``color``; unchanged otherwise."""
    for selector, body in _CSS_RULE.findall(css):
        if _W_CLASS.search(selector):
            names = {d.split(":", 1)[0].strip().lower() for d in body.split(";") if d.strip()}
            if names - {"color"}:
                return html

    def pre(m: re.Match[str]) -> str:
        return _BLANK_TOKEN.sub(r"\1", m.group(0)) if m.group(1) else m.group(0)

    return _PRE_OR_SKIP.sub(pre, html)


_QUOTED_TOKEN = re.compile(r'<span class="([\w-]+)">')


def with_bare_token_classes(html: str) -> str:
    """``html`` with the class of each token span in its ``<pre>`` elements unquoted
    (``<span class=p>``: the same element to an HTML parser)."""

    def pre(m: re.Match[str]) -> str:
        return _QUOTED_TOKEN.sub(r"<span class=\1>", m.group(0)) if m.group(1) else m.group(0)

    return _PRE_OR_SKIP.sub(pre, html)
