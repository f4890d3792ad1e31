"""Fixes to how mkdocs-jupyter renders notebook pages, for a bilingual site that works offline.

Each fix names the upstream gap it fills:

* **Korean anchors.** mkdocs-jupyter's ``slugify`` folds headings to ASCII, so a Hangul heading
  gets an empty id and its table-of-contents link goes nowhere (mkdocs-jupyter issue #175,
  "non-ASCII headers"). We give both the heading ids and the TOC the slugify that
  ``mkdocs.yml`` gives Markdown pages (``pymdownx.slugs``, lower case, Unicode kept), and stop
  nbconvert from percent-encoding the ids, which no longer match the TOC's links then.
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
* **Links between pages.** MkDocs rewrites ``[text](other.md#anchor)`` into the other page's
  URL only in the Markdown it renders itself; mkdocs-jupyter renders notebook Markdown with
  nbconvert, so such links stay ``other.md`` and 404 (mkdocs-jupyter issue #92). We resolve
  each one against the site's files, as MkDocs would, and fail the build on a link to a page
  that does not exist.

The downloads (notebook, script, wheel) and the line under each tutorial's title are the
execution hook's (``extensions/hooks/execution.py``): they come from the executed notebook.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import posixpath
import re
from pathlib import Path

import latex2mathml.converter
import mkdocs_jupyter.convert
import mkdocs_jupyter.plugin
import nbconvert.filters.strings
from markdown import Markdown
from markdown.extensions.toc import TocExtension
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url
from pymdownx.slugs import slugify

SLUGIFY = slugify(case="lower")


# --- Korean anchors ------------------------------------------------------------------------
def _slug(value: str) -> str:
    return SLUGIFY(value, "-")


def _markdown_toc(markdown_source: str, toc_depth: int):
    md = Markdown(extensions=[TocExtension(toc_depth=toc_depth, slugify=SLUGIFY)])
    md.convert(markdown_source)
    return md.toc_tokens


def _header_id(slug: str) -> str:
    # nbconvert percent-encodes ids ("%EB%8D%B0..."), but the TOC links to "#데이터" and a
    # browser matches a fragment against the decoded id: keep the id as the slug made it.
    return slug.replace(" ", "-")


mkdocs_jupyter.convert.slugify = _slug
nbconvert.filters.strings._convert_header_id = _header_id  # imported at call time upstream
mkdocs_jupyter.plugin._get_markdown_toc = _markdown_toc


# --- math ----------------------------------------------------------------------------------
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL)
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


def latex_to_mathml(latex: str, display: bool) -> str:
    """One formula as MathML; the TeX stays in an annotation for copy and screen readers."""
    tex = html.unescape(latex).strip()
    mathml = latex2mathml.converter.convert(tex, display="block" if display else "inline")
    head, body = mathml.split(">", 1)
    body = body.removesuffix("</math>")
    annotation = f'<annotation encoding="application/x-tex">{html.escape(tex)}</annotation>'
    return f"{head}><semantics>{body}{annotation}</semantics></math>"


def _render_math(fragment: str) -> str:
    def one(m: re.Match[str]) -> str:
        display = m.group("d1") or m.group("d2")
        latex = display or m.group("i1") or m.group("i2")
        return latex_to_mathml(latex, display=bool(display))

    return _MATH.sub(one, fragment)


def render_math(content: str) -> str:
    """Every formula outside code, pre and script blocks, as MathML."""
    content = _REMOTE_SCRIPT.sub("", _MATHJAX.sub("", content))
    parts = _SKIP.split(content)
    return "".join(p if i % 2 else _render_math(p) for i, p in enumerate(parts))


# --- figures -------------------------------------------------------------------------------
_ALT_OR_FIGURE = re.compile(
    r"<!--\s*alt:\s*(?P<alt>.*?)\s*-->"
    r'|<img alt="No description has been provided for this image" '
    r'src="data:image/(?P<kind>svg\+xml|png);base64,(?P<data>[A-Za-z0-9+/=\s]+)"\s*/?>',
    re.DOTALL,
)
_SVG_SIZE = re.compile(r'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"')


def extract_figures(content: str, page_name: str, out_dir: Path | None) -> str:
    """Each inline figure to a file in ``out_dir`` and an <img> with its description."""
    pending: str | None = None
    count = 0

    def one(m: re.Match[str]) -> str:
        nonlocal count, pending
        if m.group("alt") is not None:
            pending = html.unescape(m.group("alt"))
            return ""
        count += 1
        alt = pending
        if not alt:
            raise PluginError(
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
        return f'<img class="sinfit-figure" src="{name}" alt="{html.escape(alt)}"{size}>'

    return _ALT_OR_FIGURE.sub(one, content)


# --- links between pages ------------------------------------------------------------------
_MD_LINK = re.compile(r'href="(?![a-z]+:|/|#)([^"#]+\.md)(#[^"]*)?"')


def resolve_links(content: str, page, files) -> str:
    """``href="other.md#x"`` to the other page's URL, relative to this page."""
    base = posixpath.dirname(page.file.src_uri)

    def one(m: re.Match[str]) -> str:
        target = files.get_file_from_path(posixpath.normpath(posixpath.join(base, m.group(1))))
        if target is None:
            raise PluginError(f"{page.file.src_uri}: link to a missing page: {m.group(1)}")
        return f'href="{get_relative_url(target.url, page.url)}{m.group(2) or ""}"'

    return _MD_LINK.sub(one, content)


# --- one shared stylesheet -----------------------------------------------------------------
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)


def share_styles(content: str, page_url: str, site_dir: Path) -> str:
    """Move the page's inline <style> blocks into one shared, content-hashed stylesheet."""
    blocks = _STYLE.findall(content)
    if not blocks or os.environ.get("SINFIT_INLINE_CSS") == "1":
        return content
    css = "\n".join(blocks)
    name = f"assets/stylesheets/notebook-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    target = site_dir / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
    link = f'<link rel="stylesheet" href="{get_relative_url(name, page_url)}">'
    first = [True]

    def replace(m: re.Match[str]) -> str:
        if first[0]:
            first[0] = False
            return link
        return ""

    return _STYLE.sub(replace, content)


def on_page_content(html_content: str, page, config, files) -> str:
    if not getattr(page, "nb_url", None):  # mkdocs-jupyter marks the notebook pages it renders
        return render_math(html_content)
    # Figures first: the math scan then no longer reads through their base64 data.
    html_content = extract_figures(
        html_content, page.file.src_uri, Path(page.file.abs_dest_path).parent
    )
    html_content = resolve_links(html_content, page, files)
    html_content = share_styles(html_content, page.url, Path(config["site_dir"]))
    return render_math(html_content)
