"""Figures as the build publishes them: matplotlib's SVG without what a picture in a page does
not need. Plain Python, no MkDocs imports; the stage (extensions/sitebuild/stage.py) applies it
to every executed notebook it writes, so the pages and the downloads carry the same figures.

matplotlib writes each SVG with a metadata block, a comment before every group, white space
between tags and coordinates to a thousandth of a point: about a quarter of each figure's bytes.
A tenth of a point (0.13 CSS px) is finer than any screen draws, so coordinates of 1 or more are
cut to one decimal; smaller numbers (a glyph's scale such as 0.015625, an opacity) and every
text (labels, an ``aria-label``) keep all their digits.
"""

from __future__ import annotations

import base64
import re

import nbformat

_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# The attributes that hold geometry: their numbers, and no reader's text
_GEOMETRY = re.compile(
    r'(?<=\s)(d|points|transform|x|y|x1|x2|y1|y2|cx|cy|r|rx|ry|width|height|viewBox)="([^"]*)"'
)
_LONG_NUMBER = re.compile(r"(?<![\w.])[1-9]\d*\.\d{2,}")
_BETWEEN_TAGS = re.compile(r">\s+<")
_LINE_BREAK = re.compile(r"\s*\n\s*")
# An SVG inside HTML output as a data URI (the learning-rate explorer's static picture)
_SVG_DATA_URI = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=\s]+)"')


def slim_svg(svg: str) -> str:
    """``svg`` without its metadata, comments and white space between tags, and with its
    geometry to a tenth of a point (see the module's docstring)."""
    svg = _METADATA.sub("", svg)
    svg = _COMMENT.sub("", svg)

    def geometry(m: re.Match[str]) -> str:
        value = _LONG_NUMBER.sub(lambda n: f"{float(n.group(0)):.1f}", m.group(2))
        return f'{m.group(1)}="{value}"'

    svg = _TAG.sub(lambda tag: _GEOMETRY.sub(geometry, tag.group(0)), svg)
    svg = _BETWEEN_TAGS.sub("><", svg)
    return _LINE_BREAK.sub(" ", svg)


def slim_html(html: str) -> str:
    """``html`` with each SVG data URI in it slimmed."""

    def one(m: re.Match[str]) -> str:
        svg = slim_svg(base64.b64decode(m.group(1)).decode("utf-8"))
        return f'src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}"'

    return _SVG_DATA_URI.sub(one, html)


def slim_figures(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with every SVG of its outputs slimmed (in place; returned for convenience): each
    ``image/svg+xml`` output, and each SVG data URI inside an HTML output."""

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if isinstance(svg := data.get("image/svg+xml"), str):
                data["image/svg+xml"] = slim_svg(svg)
            if isinstance(page := data.get("text/html"), str):
                data["text/html"] = slim_html(page)
    return nb
