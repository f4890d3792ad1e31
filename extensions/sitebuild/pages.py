"""How a notebook page's HTML is fixed up: formulas, figures, links, styles, accessibility.

Plain functions on HTML strings, no MkDocs imports; ``extensions/hooks/`` call them. Each
rewrite of markup that another package wrote is a :class:`~extensions.sitebuild.upstream.Rewrite`,
so a change of that markup upstream fails the build instead of passing silently.

Each fix names the upstream gap it fills:

* **Korean anchors.** mkdocs-jupyter's ``slugify`` folds headings to ASCII and nbconvert
  percent-encodes what is left, so a Hangul heading gets an empty id and its table-of-contents
  link goes nowhere (mkdocs-jupyter issue #175, "non-ASCII headers"). The rendered headings get
  the ids ``mkdocs.yml`` gives Markdown pages (``pymdownx.slugs``, lower case, Unicode kept), and
  the table of contents is read again from the notebook's Markdown cells with the same slugify.
* **Math without a CDN.** nbconvert's template loads MathJax 2 from cdnjs on every notebook page
  (nbconvert issue #1700 asks for a local option); offline, ``$...$`` stays raw text. We drop
  that script and render every formula at build time to MathML, which browsers draw natively:
  ``$...$`` / ``$$...$$`` in notebook Markdown, ``\\(...\\)`` / ``\\[...\\]`` from arithmatex.
* **Figures as files, with alternative text in the page's language.** nbconvert inlines every
  figure as a base64 ``data:`` URI with the alt text "No description has been provided for this
  image", in English on every page (nbconvert issue #1998 asks for real alt text). Code cells
  are identical across languages, so the description cannot come from the code: the author
  writes it in the Markdown before the cell, as ``<!--alt: ...-->``, and each figure takes the
  nearest description above it. We write each figure to its own file beside the page (a
  content-hashed name, cached by the browser) and fail the build, naming the page, for a figure
  without a description.
* **One cached stylesheet instead of 590 KB of CSS in every page.** nbconvert's lab template
  inlines the whole JupyterLab stylesheet into each notebook page (mkdocs-jupyter issue #134):
  a tutorial page weighed about 690 KB against 11 KB for a plain page. The styles are the same
  on every notebook page, so we move them into one content-hashed file under
  ``assets/stylesheets/``, linked from where the inline styles stood (same cascade order), which
  the browser downloads once and caches. ``SINFIT_INLINE_CSS=1`` keeps them inline, for the
  screenshot test that shows nothing visible changed.
* **Copy buttons without their weight.** mkdocs-jupyter's template writes each code cell's
  copy-button icon as a 0.7 KB inline SVG and inlines the 4 KB script defining the
  ``<clipboard-copy>`` element in every notebook page. The icon is now drawn by
  ``sinfit.css`` (an empty span in the SVG's place, the same box) and the script is one
  content-hashed file, deferred and cached.
* **Links between pages.** MkDocs rewrites ``[text](other.md#anchor)`` into the other page's
  URL only in the Markdown it renders itself; mkdocs-jupyter renders notebook Markdown with
  nbconvert, so such links stay ``other.md`` and 404 (mkdocs-jupyter issue #92). We resolve
  each one against the site's files, as MkDocs would, and fail the build on a link to a page
  that does not exist.

* **Exercise solutions, folded.** mkdocs-jupyter shows every cell of a notebook page open;
  Material's ``???`` blocks are Python-Markdown syntax that nbconvert's renderer does not read,
  and a ``<details>`` typed around the code would open in one notebook cell and close in
  another. The author writes ``<!--solution-->`` on the line above a solution's code cell; we
  wrap that cell, its input and its output, in ``<details>`` with a summary in the page's
  language, and fail the build, naming the page, for a marker not followed by a code cell.

The downloads (notebook, script, wheel), the line under each tutorial's title and its proof
line come from the executed notebook (``extensions/sitebuild/stage.py``).
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import html
import os
import posixpath
import re
from collections.abc import Callable
from pathlib import Path

import latex2mathml.converter
from markdown import Markdown
from markdown.extensions.toc import TocExtension
from pymdownx.slugs import slugify

from extensions.sitebuild import gates, styles
from extensions.sitebuild.code import SOLUTION
from extensions.sitebuild.files import write_atomically
from extensions.sitebuild.upstream import Rewrite, UpstreamChanged


class PageError(ValueError):
    """A problem of the page's own source (a figure without a description, a broken link)."""


def relative_url(url: str, page_url: str) -> str:
    """``url`` (relative to the site's root) as seen from the page at ``page_url``."""
    base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    rel = posixpath.relpath("/" + url, "/" + base)
    return rel + "/" if url.endswith("/") and not rel.endswith("/") else rel


# --- math ----------------------------------------------------------------------------------
MATHJAX = Rewrite(
    "nbconvert's MathJax <script> block (<!-- Load mathjax --> ... <!-- End of mathjax "
    "configuration -->)",
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL),
    "",
    "nbconvert",
)
# nbconvert's lab template also imports mermaid.js from cdnjs (when a page has diagrams, which
# ours never do); no script of a page may name another host.
_REMOTE_SCRIPT = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?https://cdnjs\.cloudflare\.com(?:(?!</script>).)*?</script>",
    re.DOTALL,
)
_SKIP = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>|<script\b.*?</script>)", re.DOTALL)
_MATH = re.compile(
    r"\$\$(?P<d1>.+?)\$\$"  # $$ display $$
    r"|\\\[(?P<d2>.+?)\\\]"  # \[ display \]
    # $inline$: may touch a letter (Korean particles follow formulas: $x$의), never a digit
    r"|(?<![\\$\w])\$(?P<i1>[^\s$](?:[^$]*?[^\s$])?)\$(?![\d$])"
    r"|\\\((?P<i2>.+?)\\\)",  # \( inline \)
    re.DOTALL,
)


# A minus that opens a group or follows a bracket, a comma or a relation is a sign, as TeX reads
# it: latex2mathml writes it as a plain <mo>, which browsers space as subtraction ("[ - pi, pi]").
_UNARY_MINUS = re.compile(
    r"(<mrow>|<mo[^>]*>(?:&#x0005B;|\[|&#x00028;|\(|&#x0007B;|&#x0002C;|,|&#x0003D;|=|"
    r"&#x0003C;|&#x0003E;|&#x02264;|&#x02265;)</mo>)<mo>&#x02212;</mo>"
)


@functools.lru_cache(maxsize=4096)  # under `mkdocs serve` every save renders every formula again
def latex_to_mathml(latex: str, display: bool) -> str:
    """One formula as MathML; the TeX stays in an annotation for copy and screen readers."""
    tex = html.unescape(latex).strip()
    mathml = latex2mathml.converter.convert(tex, display="block" if display else "inline")
    mathml = _UNARY_MINUS.sub(r'\1<mo form="prefix">&#x02212;</mo>', mathml)
    head, body = mathml.split(">", 1)
    body = body.removesuffix("</math>")
    annotation = f'<annotation encoding="application/x-tex">{html.escape(tex)}</annotation>'
    return f"{head}><semantics>{body}{annotation}</semantics></math>"


def _render_math(fragment: str) -> str:
    def one(m: re.Match[str]) -> str:
        display = m.group("d1") or m.group("d2")
        latex = display or m.group("i1") or m.group("i2")
        mathml = latex_to_mathml(latex, display=bool(display))
        if not display:
            return mathml
        # A box of its own that scrolls sideways when the formula is wider than the column
        # (browsers do not break MathML lines); a span, as it may sit inside a <p>.
        return f'<span class="sinfit-math" tabindex="0">{mathml}</span>'

    return _MATH.sub(one, fragment)


def render_math(content: str, page: str, *, notebook: bool) -> str:
    """Every formula outside code, pre and script blocks, as MathML; on a notebook page,
    nbconvert's MathJax loader (which must be there) and any script from cdnjs removed."""
    if notebook:
        content = _REMOTE_SCRIPT.sub("", MATHJAX.apply(content, page))
    parts = _SKIP.split(content)
    return "".join(p if i % 2 else _render_math(p) for i, p in enumerate(parts))


# --- figures -------------------------------------------------------------------------------
_ALT_OR_FIGURE = re.compile(
    r"<!--\s*alt:\s*(?P<alt>.*?)\s*-->"
    r"|<!--\s*caption:\s*(?P<caption>.*?)\s*-->"
    r'|<img alt="No description has been provided for this image"[^>]*?'
    r'src="data:image/(?P<kind>svg\+xml|png);base64,(?P<data>[A-Za-z0-9+/=\s]+)"[^>]*?/?>',
    re.DOTALL,
)
_INLINE_IMAGE = re.compile(r'<img\b[^>]*src="data:image/')
_SVG_SIZE = re.compile(r'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"')


def extract_figures(content: str, page_name: str, out_dir: Path | None) -> str:
    """Each inline figure to a file in ``out_dir`` and an <img> with its description, and its
    caption under it where the Markdown above its cell has one (``<!--caption: ...-->``).

    A figure left inline afterwards means nbconvert now writes figures in markup this does
    not recognise: that fails, rather than publishing figures without their descriptions.
    """
    pending: str | None = None
    caption: str | None = None
    count = 0

    def one(m: re.Match[str]) -> str:
        nonlocal count, pending, caption
        if m.group("alt") is not None:
            pending = html.unescape(m.group("alt"))
            return ""
        if m.group("caption") is not None:
            caption = html.unescape(m.group("caption"))
            return ""
        count += 1
        alt = pending
        if not alt:
            raise PageError(
                f"{page_name}: figure {count} has no description; write <!--alt: ...--> "
                "in the Markdown above its code cell"
            )
        pending = None
        data = base64.b64decode(m.group("data"))
        suffix = "svg" if m.group("kind") == "svg+xml" else "png"
        name = f"fig-{hashlib.sha256(data).hexdigest()[:12]}.{suffix}"
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / name).write_bytes(data)
        size = ""
        if suffix == "svg" and (dims := _SVG_SIZE.search(data[:2000].decode("utf-8", "replace"))):
            # SVG sizes are in points; 1 pt = 4/3 CSS px. Sizes stop the layout jumping.
            w, h = (round(float(v) * 4 / 3) for v in dims.groups())
            size = f' width="{w}" height="{h}"'
        # an animation (sinfit's animate_fit) plays when it comes into view (animation.js)
        moving = " data-sinfit-animation" if suffix == "svg" and b"<animate" in data else ""
        img = f'<img class="sinfit-figure" src="{name}"{moving} alt="{html.escape(alt)}"{size}>'
        if caption is None:
            return img
        # The words of a figure, in the page's language, under it: the picture itself carries
        # only symbols and numbers, so one execution serves every language.
        text, caption = caption, None
        figcaption = f"<figcaption>{html.escape(text)}</figcaption>"
        return f'<figure class="sinfit-figure-box">{img}{figcaption}</figure>'

    content = _ALT_OR_FIGURE.sub(one, content)
    if _INLINE_IMAGE.search(content):
        raise UpstreamChanged(
            f"{page_name}: an inline figure is not in the markup nbconvert used to write "
            '(<img alt="No description has been provided for this image" ... '
            'src="data:image/...">); the figure extraction needs updating'
        )
    return content


# --- links between pages ------------------------------------------------------------------
_MD_LINK = re.compile(r'href="(?![a-z]+:|/|#)([^"#]+\.md)(#[^"]*)?"')


def resolve_links(
    content: str, src_uri: str, page_url: str, url_of: Callable[[str], str | None]
) -> str:
    """``href="other.md#x"`` to the other page's URL, relative to this page; ``url_of`` maps
    a source path (``ko/other.md``) to its page's URL, or None for a missing page."""
    base = posixpath.dirname(src_uri)

    def one(m: re.Match[str]) -> str:
        target = url_of(posixpath.normpath(posixpath.join(base, m.group(1))))
        if target is None:
            raise PageError(f"{src_uri}: link to a missing page: {m.group(1)}")
        return f'href="{relative_url(target, page_url)}{m.group(2) or ""}"'

    return _MD_LINK.sub(one, content)


# --- heading ids and the table of contents -------------------------------------------------
#: The slugify mkdocs.yml gives Markdown pages' headings: lower case, Unicode kept (Hangul ids).
SLUGIFY = slugify(case="lower")
HEADINGS = Rewrite(
    'nbconvert\'s headings <hN id="...">...<a class="anchor-link" href="#...">',
    re.compile(
        r'<h(?P<level>[1-6]) id="(?P<id>[^"]*)">(?P<text>.*?)'
        r'<a class="anchor-link" href="#(?P=id)">(?P<mark>.*?)</a></h(?P=level)>',
        re.DOTALL,
    ),
    "",  # heading_ids
    "nbconvert",
)


def heading_ids(content: str, page: str) -> str:
    """Each notebook heading's id (and its anchor link) as the Markdown pages' headings get
    theirs, from the heading's text by ``SLUGIFY``. mkdocs-jupyter folds a heading's text to
    ASCII and nbconvert percent-encodes what is left, so a Hangul heading got an empty or
    encoded id that no table-of-contents link matched (mkdocs-jupyter issue #175)."""

    def one(m: re.Match[str]) -> str:
        text = html.unescape(re.sub(r"<[^>]+>", "", m.group("text"))).strip()
        ident = SLUGIFY(text, "-")
        return (
            f'<h{m["level"]} id="{ident}">{m["text"]}'
            f'<a class="anchor-link" href="#{ident}">{m["mark"]}</a></h{m["level"]}>'
        )

    return HEADINGS.with_replacement(one).apply(content, page)


@functools.lru_cache(maxsize=64)  # a `mkdocs serve` rebuild: again only for a changed page
def _toc_tokens(markdown: str, depth: int) -> tuple:
    # fenced_code: a "# comment" in a fenced block of a Markdown cell is not a heading
    md = Markdown(extensions=["fenced_code", TocExtension(toc_depth=depth, slugify=SLUGIFY)])
    md.convert(markdown)
    return tuple(md.toc_tokens)


def notebook_toc(markdown_cells: list[str], depth: int = 6) -> list[dict]:
    """The table of contents of a notebook page from its Markdown cells, with the ids
    :func:`heading_ids` gives its headings (MkDocs' toc tokens: level, id, name, children)."""
    return copy.deepcopy(list(_toc_tokens("\n\n".join(markdown_cells), depth)))


# --- one shared stylesheet -----------------------------------------------------------------
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)
STYLES = Rewrite(
    "nbconvert's inline <style> blocks (the JupyterLab stylesheet)", _STYLE, "", "nbconvert"
)


_MATERIAL_CLASS = re.compile(r"\.(md-[\w-]+)")


@functools.lru_cache(maxsize=64)
def _shared(content: str, page_url: str) -> tuple[str, str, str] | None:
    """(stylesheet, its name, the page linking it) for a page's HTML, or None without inline
    styles. Kept for the same HTML: a `mkdocs serve` rebuild cuts again only for a page that
    changed (the page's HTML holds the whole JupyterLab stylesheet: reading it is the work)."""
    blocks = _STYLE.findall(content)
    if not blocks:
        return None
    without = _STYLE.sub("", content)
    sheet = "\n".join(blocks)
    classes, ids = styles.used_names([without])
    # mkdocs-jupyter's sheet also restyles Material's own elements inside a notebook (e.g.
    # ".jupyter-wrapper .md-typeset__scrollwrap", the box Material's script wraps each table
    # in after load): classes no page's HTML holds yet, kept since the script adds them.
    classes |= set(_MATERIAL_CLASS.findall(sheet))
    css = styles.subset(sheet, classes, ids)
    name = f"assets/stylesheets/notebook-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    link = f'<link rel="stylesheet" href="{relative_url(name, page_url)}">'
    first = [True]

    def replace(m: re.Match[str]) -> str:
        if first[0]:
            first[0] = False
            return link
        return ""

    return css, name, _STYLE.sub(replace, content)


def share_styles(content: str, page: str, page_url: str, site_dir: Path, *, inline: bool) -> str:
    """Move the page's inline <style> blocks into a content-hashed stylesheet, cut down to
    the rules that can apply to the page (:mod:`extensions.sitebuild.styles`)."""
    shared = _shared(content, page_url)
    if shared is None:
        STYLES.apply(content, page)  # raises: a notebook page always had them
    if inline:
        return content
    css, name, out = shared
    _write_once(site_dir / name, css)
    return out


def _write_once(target: Path, text: str) -> None:
    """A content-hashed asset: written by the first page that needs it, whole or not at all."""
    if target.exists():
        return
    write_atomically(target, text)


# --- copy buttons ---------------------------------------------------------------------------
COPY_ICON = Rewrite(
    'mkdocs-jupyter\'s copy-button icon <svg ... class="clipboard-copy-icon">',
    re.compile(r'<svg\b[^>]*\bclass="clipboard-copy-icon"[^>]*>.*?</svg>', re.DOTALL),
    '<span aria-hidden="true" class="clipboard-copy-icon"></span>',
    "mkdocs-jupyter",
)
COPY_SCRIPT = Rewrite(
    "mkdocs-jupyter's inline script defining <clipboard-copy>",
    re.compile(
        r"<script>\s*(\(function \(global, factory\).*?customElements\.define\("
        r"'clipboard-copy'.*?)</script>",
        re.DOTALL,
    ),
    "",  # per page: with_replacement
    "mkdocs-jupyter",
)


#: A code cell's copy button: what a screen reader says for it and the notice it shows once it
#: copied, per language (Material's own words for its copy buttons); English otherwise.
COPY_LABEL = {"en": "Copy to clipboard", "ko": "클립보드로 복사"}
COPIED = {"en": "Copied to clipboard", "ko": "클립보드에 복사됨"}
COPY_NOTICE = Rewrite(
    'mkdocs-jupyter\'s copy notice <span class="notice" hidden="">Copied!</span>',
    re.compile(r'<span class="notice" hidden="">Copied!</span>'),
    "",  # per page (with_replacement)
    "mkdocs-jupyter",
)
COPY_BUTTON = Rewrite(
    'mkdocs-jupyter\'s copy button <clipboard-copy aria-label="Copy to Clipboard">',
    re.compile(r'<clipboard-copy\b(?P<before>[^>]*?) aria-label="Copy to Clipboard"'),
    "",  # per page (with_replacement): the label is in the page's language
    "mkdocs-jupyter",
)


def share_copy_buttons(
    content: str, page: str, page_url: str, site_dir: Path, language: str = "en"
) -> str:
    """Each code cell's copy button named in the page's language, with its icon drawn by the
    stylesheet (``sinfit.css``) instead of an inline SVG, and the script of the
    ``<clipboard-copy>`` element in one content-hashed file, started after the page is on
    screen, instead of inline in every notebook page."""
    if "clipboard-copy" not in content:
        return content
    label = html.escape(COPY_LABEL.get(language, COPY_LABEL["en"]), quote=True)
    content = COPY_BUTTON.with_replacement(
        lambda m: f'<clipboard-copy{m.group("before")} aria-label="{label}"'
    ).apply(content, page)
    copied = html.escape(COPIED.get(language, COPIED["en"]))
    content = COPY_NOTICE.with_replacement(
        lambda m: f'<span class="notice" hidden="">{copied}</span>'
    ).apply(content, page)
    content = COPY_ICON.apply(content, page)
    found = COPY_SCRIPT.pattern.search(content)
    if found is None:
        COPY_SCRIPT.apply(content, page)  # raises, naming the page and the package
        return content
    script = found.group(1).strip() + "\n"
    digest = hashlib.sha256(script.encode()).hexdigest()[:12]
    name = f"assets/javascripts/clipboard-copy-{digest}.js"
    _write_once(site_dir / name, script)
    # extensions/sitebuild/first_visit.js starts it once the page is on screen
    tag = f'<script data-sinfit-later="{relative_url(name, page_url)}"></script>'
    return COPY_SCRIPT.with_replacement(lambda m: tag).apply(content, page, count=1)


# --- accessibility and languages (whole pages) ---------------------------------------------
SEARCH_DIALOG = Rewrite(
    'Material\'s search dialog <div class="md-search" ... role="dialog">',
    re.compile(r'<div class="md-search" data-md-component="search" role="dialog">'),
    "",  # per page (with_replacement): the name is in the page's language
    "mkdocs-material",
)
CODE_CELLS = Rewrite(
    "nbconvert's code cell <div class=\"highlight-ipynb",
    re.compile(r'<div class="highlight-ipynb'),
    '<div tabindex="0" class="highlight-ipynb',
    "nbconvert",
)
ALTERNATE_LINKS = Rewrite(
    'Material\'s <link rel="alternate" href=... hreflang=...> head links',
    re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">'),
    "",
    "mkdocs-material",
    required=False,  # losing it brings back a 404 in the console, nothing a reader sees
)


#: The search dialog's accessible name, per language; a language without an entry gets English.
SEARCH_NAME = {"en": "Search", "ko": "검색"}


def name_search_dialog(output: str, page: str, language: str) -> str:
    """Give Material's search dialog an accessible name in the page's language: Material
    renders ``<div class="md-search" role="dialog">`` with none (axe: aria-dialog-name,
    serious)."""
    name = SEARCH_NAME.get(language, SEARCH_NAME["en"])
    label = f'<div class="md-search" data-md-component="search" role="dialog" aria-label="{name}">'
    return SEARCH_DIALOG.with_replacement(label).apply(output, page)


def focusable_code_cells(output: str, page: str) -> str:
    """Notebook code cells reachable by keyboard: they scroll sideways on narrow screens but
    are not focusable (axe: scrollable-region-focusable, serious); Material's own code blocks
    get ``tabindex="0"`` from its JavaScript, notebook cells do not (mkdocs-jupyter issue #190).
    Colour contrast of code tokens, links and the footer is fixed in ``sinfit.css``."""
    return CODE_CELLS.apply(output, page)


def finished_page(output: str, page: str, language: str, *, notebook: bool) -> str:
    """The fixes above on any finished page (``notebook``: mkdocs-jupyter rendered it)."""
    output = permalink_titles(output, language)
    output = drop_alternate_links(output, page)
    output = name_search_dialog(output, page, language)
    return focusable_code_cells(output, page) if notebook else output


#: The tooltip of a Markdown heading's ¶ link, per language. Python-Markdown's toc extension
#: takes one ``permalink_title`` for the whole site, and mkdocs-static-i18n builds every
#: language with the same extensions, so Korean pages showed "Permanent link".
PERMALINK_TITLE = {"en": "Permanent link", "ko": "이 제목으로 바로 가는 링크"}
_HEADERLINK = re.compile(r'(<a class="headerlink" href="#[^"]*" title=")Permanent link(")')


def permalink_titles(output: str, language: str) -> str:
    """Each heading's ¶ link titled in the page's language (English is left as it is)."""
    title = PERMALINK_TITLE.get(language)
    if title is None or title == PERMALINK_TITLE["en"]:
        return output
    return _HEADERLINK.sub(lambda m: m.group(1) + html.escape(title) + m.group(2), output)


def drop_alternate_links(output: str, page: str) -> str:
    """Material's hreflang head links, dropped (the language menu stays). mkdocs-static-i18n
    puts the same page in the other language into ``extra.alternate``, which Material also
    writes as ``<link rel="alternate" hreflang>``; its JavaScript takes each for a language
    root and fetches ``sitemap.xml`` beneath it, a 404 on every page view (mkdocs-static-i18n
    issue #290)."""
    return ALTERNATE_LINKS.apply(output, page)


# --- exercise solutions --------------------------------------------------------------------
#: The summary of a folded solution, per language; a language without an entry gets English.
SOLUTION_SUMMARY = {"en": "Solution", "ko": "풀이"}
# nbconvert opens every cell with <div class="jp-Cell jp-MarkdownCell ..."> or
# <div class="jp-Cell jp-CodeCell ...">; a code cell is wrapped twice (the outer div first).
NOTEBOOK_CELLS = Rewrite(
    "nbconvert's cell markup <div class=\"jp-Cell jp-CodeCell",
    re.compile(r'<div class="jp-Cell jp-CodeCell\b'),
    lambda m: m.group(0),  # nothing is replaced: the rewrite only checks the markup is there
    "nbconvert",
)
_CELL_START = re.compile(r'<div class="jp-Cell jp-(\w+)Cell\b')
# What may stand between a marker and the next cell: the rest of its Markdown cell, empty
# except for other comments (<!--pytest-codeblocks:cont-->) and the cell's closing tags.
_TO_CELL_END = re.compile(r"(?:\s|<!--.*?-->|</div>)*", re.DOTALL)
_DIV = re.compile(r"<div\b|</div>")


def _div_end(content: str, start: int) -> int | None:
    """The end of the <div> element that opens at ``start`` (None: never closed)."""
    depth = 0
    for m in _DIV.finditer(content, start):
        depth += 1 if m.group() == "<div" else -1
        if depth == 0:
            return m.end()
    return None


def fold_solutions(content: str, page: str, language: str) -> str:
    """Each code cell that follows a ``<!--solution-->`` marker (the last line of the Markdown
    cell above it), input and output, folded into ``<details class="sinfit-solution">`` with a
    summary in the page's language.

    A marker followed by prose or by no cell at all fails (:class:`PageError`), naming the page.
    """
    markers = list(SOLUTION.finditer(content))
    if not markers:
        return content
    NOTEBOOK_CELLS.apply(content, page)  # raises if nbconvert no longer writes these cells
    summary = html.escape(SOLUTION_SUMMARY.get(language, SOLUTION_SUMMARY["en"]))
    parts, done = [], 0
    for n, marker in enumerate(markers, start=1):
        if marker.start() < done:
            raise PageError(f"{page}: solution {n} has its <!--solution--> marker inside a cell")
        gap = _TO_CELL_END.match(content, marker.end())
        cell = _CELL_START.match(content, gap.end())
        if cell is None or cell.group(1) != "Code":
            found = "no cell" if cell is None else f"a {cell.group(1)} cell"
            if cell is None and (text := content[gap.end() :].strip()):
                found = f"more text ({html.unescape(re.sub(r'<[^>]+>', '', text))[:40]!r})"
            raise PageError(
                f"{page}: solution {n}: <!--solution--> is followed by {found}, not by a code "
                "cell; put it on the line above the solution's ```python block"
            )
        end = _div_end(content, cell.start())
        if end is None:
            raise UpstreamChanged(f"{page}: solution {n}: its code cell's <div> never closes")
        parts += [
            content[done : cell.start()],
            f'<details class="sinfit-solution"><summary>{summary}</summary>',
            content[cell.start() : end],
            "</details>",
        ]
        done = end
    parts.append(content[done:])
    return "".join(parts)


def notebook_page(
    content: str,
    page: str,
    *,
    where: str,
    page_url: str,
    out_dir: Path,
    site_dir: Path,
    language: str,
    url_of: Callable[[str], str | None],
) -> str:
    """Every fix above, in order, on a notebook page mkdocs-jupyter rendered. ``where`` names
    the page as its author finds it (``docs/en/x.md``), ``url_of`` gives a source file's URL.
    Math is left to :func:`render_math`, which every page gets. ``SINFIT_INLINE_CSS=1`` keeps
    the styles inline (see the module's docstring)."""
    # Heading ids as Markdown pages get them (Hangul kept); the table of contents with the
    # same ids comes from the staged notebook (extensions/hooks/execution.py)
    content = heading_ids(content, page)
    # nbconvert names headings from their text alone, never making the ids unique as the toc
    # extension does: two alike fail the build, naming the page
    if problems := gates.duplicate_heading_ids(content):
        raise PageError("\n".join(f"{where}: {p}" for p in problems))
    # Figures first: the math scan then no longer reads through their base64 data
    content = extract_figures(content, page, out_dir)
    content = fold_solutions(content, page, language)
    content = resolve_links(content, page, page_url, url_of)
    content = share_copy_buttons(content, page, page_url, site_dir, language)
    inline = os.environ.get("SINFIT_INLINE_CSS") == "1"
    return share_styles(content, page, page_url, site_dir, inline=inline)
