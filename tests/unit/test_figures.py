"""The build's slimming of figures (extensions/sitebuild/figures.py), on matplotlib's own SVG."""

from __future__ import annotations

import base64
import io
import re
from xml.etree import ElementTree

import matplotlib
import nbformat
import pytest
from matplotlib.figure import Figure

from extensions.sitebuild.figures import slim_figures, slim_svg

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _svg(fonttype: str) -> str:
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.plot([0.0, 1.0, 2.0], [0.123456, 0.5, 0.05], label="η = 1.2345")
    ax.set_title("0.05 and 307.58431")
    ax.legend()
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": fonttype, "svg.hashsalt": "test"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _elements(svg: str) -> list[tuple[str, dict[str, str], str]]:
    root = ElementTree.fromstring(svg.encode())
    return [(e.tag, dict(e.attrib), (e.text or "").strip()) for e in root.iter()]


@pytest.mark.parametrize("fonttype", ["path", "none"])
def test_a_slimmed_figure_is_smaller_and_draws_the_same_elements(fonttype: str) -> None:
    svg = _svg(fonttype)
    slim = slim_svg(svg)
    assert len(slim) < 0.85 * len(svg)
    assert "<metadata" not in slim and "<!--" not in slim and "\n" not in slim
    before = [e for e in _elements(svg) if not e[0].endswith("metadata") and "}" in e[0]]
    after = _elements(slim)
    # the same elements in the same order (metadata aside), the same text in each
    drawn = [e for e in before if "metadata" not in e[0] and not _in_metadata(svg, e)]
    assert [(t, x) for t, _, x in after] == [(t, x) for t, _, x in drawn]
    for (_, a, _), (_, b, _) in zip(drawn, after, strict=True):
        assert a.keys() == b.keys()
        for name in a:
            old, new = NUMBER.findall(a[name]), NUMBER.findall(b[name])
            assert len(old) == len(new), name
            for u, v in zip(old, new, strict=True):  # geometry within half a tenth of a point
                assert abs(float(u) - float(v)) <= 0.05 + 1e-9, (name, u, v)
                if abs(float(u)) < 1:  # a glyph's scale, an opacity: every digit kept
                    assert u == v, (name, u, v)


def _in_metadata(svg: str, element: tuple) -> bool:
    metadata = re.search(r"<metadata>.*?</metadata>", svg, re.DOTALL)
    tags = {e.tag for e in ElementTree.fromstring(metadata.group(0)).iter()} if metadata else set()
    return element[0] in tags


def test_text_and_labels_keep_every_digit() -> None:
    svg = '<svg width="403.2pt"><g aria-label="1.2345 ηmax" transform="translate(57.60375 9)">'
    svg += '<text x="10.04999" y="2.2222">0.05 and 307.58431</text></g></svg>'
    assert slim_svg(svg) == (
        '<svg width="403.2pt"><g aria-label="1.2345 ηmax" transform="translate(57.6 9)">'
        '<text x="10.0" y="2.2">0.05 and 307.58431</text></g></svg>'
    )
    assert slim_svg(slim_svg(svg)) == slim_svg(svg)


def test_every_svg_of_a_notebook_is_slimmed_the_explorers_inside_html_too() -> None:
    svg = _svg("none")
    uri = base64.b64encode(svg.encode()).decode()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("plot()")
    cell.outputs = [
        nbformat.v4.new_output("display_data", {"image/svg+xml": svg, "text/plain": "<Figure>"}),
        nbformat.v4.new_output(
            "display_data",
            {"text/html": f'<figure><img alt="x" src="data:image/svg+xml;base64,{uri}"></figure>'},
        ),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# A page"), cell]
    slim_figures(nb)
    first, second = cell.outputs
    assert first.data["image/svg+xml"] == slim_svg(svg)
    assert first.data["text/plain"] == "<Figure>"
    (inner,) = re.findall(r"base64,([^\"]+)", second.data["text/html"])
    assert base64.b64decode(inner).decode() == slim_svg(svg)
