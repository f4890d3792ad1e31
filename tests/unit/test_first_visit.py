"""What a first visit waits for: the page rewrite, the cut of Material's stylesheet and of the
math font."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from extensions.sitebuild import first_visit
from extensions.sitebuild.styles import used_names, used_tags
from extensions.sitebuild.upstream import UpstreamChanged

ROOT = Path(__file__).resolve().parents[2]
FONT = ROOT / "extensions" / "overrides" / first_visit.MATH_FONT
CUT = "assets/stylesheets/main-cut-0123456789ab.css"


PALETTE_FORM = (
    '<form class="md-header__option" data-md-component="palette"></form>'
    '<script>var palette=__md_get("__palette");if(palette&&palette.color){}</script>'
)


def material_page(body: str = "<p>text</p>", prefix: str = "../") -> str:
    """The parts of a Material page that the rewrite touches."""
    return (
        "<html><head>"
        f'<link rel="stylesheet" href="{prefix}assets/stylesheets/main.57a0d79d.min.css">'
        f'<link rel="stylesheet" href="{prefix}assets/stylesheets/palette.fb2fffe2.min.css">'
        f"</head><body>{PALETTE_FORM}{body}"
        f'<script src="{prefix}assets/javascripts/bundle.a5f9d56c.min.js"></script>\n'
        "</body></html>"
    )


def test_material_stylesheet_is_replaced_by_its_cut_at_its_place() -> None:
    out = first_visit.rewrite_page(material_page(), "hand-gradients/index.html", CUT)
    cut = out.index(f'<link rel="stylesheet" href="../{CUT}">')
    assert cut < out.index("palette.fb2fffe2"), "the cascade keeps upstream's order"
    assert "main.57a0d79d.min.css" not in out, "the whole sheet is not loaded at all"
    assert "document$.next(document)" in out
    # Material's script is not fetched until first_visit.js starts it, after the load event
    assert (
        '<script data-sinfit-later="../assets/javascripts/bundle.a5f9d56c.min.js" '
        "data-sinfit-material>"
    ) in out
    assert 'src="../assets/javascripts/bundle' not in out
    assert "explorer.js" not in out and "preload" not in out and 'loading="lazy"' not in out
    # the palette Material's script will pick is applied right after Material's own script
    palette = out.index("if(palette&&palette.color){}</script><script>")
    assert out.index('if (__md_get("__palette")) return;') > palette
    assert "// " not in out, "the inlined scripts go without their comments"


def test_formulas_explorer_and_figures_bring_what_they_need() -> None:
    body = (
        '<p><math><mi>x</mi></math></p><figure class="sinfit-explorer"></figure>'
        '<img class="sinfit-figure" src="a.svg" width="3" height="2">'
        '<img class="sinfit-figure" src="b.svg" width="3" height="2">'
    )
    out = first_visit.rewrite_page(material_page(body, "/sinfit/"), "404.html", CUT)
    assert (
        '<link rel="preload" href="/sinfit/assets/fonts/stix-two-math.woff2" as="font" '
        'type="font/woff2" crossorigin>'
    ) in out
    # started by first_visit.js with the others, once the page is on screen
    assert out.count('<script data-sinfit-later="/sinfit/assets/javascripts/explorer.js">') == 1
    assert out.count('<img class="sinfit-figure" loading="lazy" decoding="async" ') == 2


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("main.57a0d79d.min.css", "main.min.css", "Material's stylesheet link"),
        ('<script src="../assets/javascripts/bundle', '<script async src="x', "Material's script"),
        ("var palette=__md_get", "var p=__md_get", "Material's inline palette script"),
    ],
)
def test_changed_material_markup_fails_naming_the_page_and_the_package(
    old: str, new: str, what: str
) -> None:
    page = material_page().replace(old, new)
    with pytest.raises(UpstreamChanged) as err:
        first_visit.rewrite_page(page, "ko/autograd/index.html", CUT)
    message = str(err.value)
    assert message.startswith(f"ko/autograd/index.html: {what}") and "mkdocs-material" in message


def test_site_css_keeps_what_pages_and_script_can_use() -> None:
    main = (
        ":root { --md-used: red; --md-palette-reads: 1px; --md-nobody: 0; }"
        ".md-typeset { color: var(--md-used); }"
        ".md-clipboard { top: 0; }"
        ".md-search-result { left: 0; }"
        ".md-source__fact--stars::before { content: '*'; }"
        ".tabbed-control { right: 0; }"
        ".tabbed-set { bottom: 0; }"
        ".md-typeset table:not([class]) { margin: 0; }"
        ".md-typeset li:hover, .md-typeset kbd { padding: 0; }"
        ".md-typeset p::before { content: ''; }"
        ".md-typeset mark { color: red; }"
    )
    page = '<article class="md-typeset"><p>text</p></article>'
    out = first_visit.site_css(
        main,
        used_names([page]),
        used_tags([page]),
        'e.classList.add("md-clipboard");x("li",{class:`md-source__fact--${t}`});'
        'x("div",{class:"tabbed-control"});o=`${i}<mark data-md-highlight>${s}</mark>`',
        "[data-md-color-scheme=slate] { width: var(--md-palette-reads) }",
    )
    assert ".md-typeset{color:var(--md-used)}" in out
    assert ".md-clipboard{top:0}" in out, "a class Material's script adds"
    assert ".md-source__fact--stars::before" in out, "a class the script completes at run time"
    assert ".tabbed-control{right:0}" in out, "a class in the script's string literals"
    assert "md-search-result" not in out and "tabbed-set" not in out
    assert "table" not in out and "kbd" not in out, "elements neither the page nor script has"
    assert ".md-typeset li:hover{padding:0}" in out, "an element the script creates"
    assert ".md-typeset p::before" in out, "an element of the page"
    assert ".md-typeset mark{color:red}" in out, "an element the script's markup opens"
    assert "--md-palette-reads:1px" in out, "read by another stylesheet"
    assert "--md-nobody" not in out


def test_math_text_is_what_formulas_draw() -> None:
    page = (
        "<p>not this</p><math><semantics><mrow><mi>η</mi><mo>&#x2212;</mo><mn>2</mn></mrow>"
        '<annotation encoding="application/x-tex">\\eta - 2 QQ</annotation></semantics></math>'
    )
    assert first_visit.math_text([page]) == "2\u03b7\u2212"  # 2, eta, minus sign
    # a square root draws its radical sign from the font though no text holds it
    root = "<math><msqrt><mn>5</mn></msqrt></math>"
    assert first_visit.math_text([root]) == "5\u221a"


def test_cut_font_keeps_the_characters_and_the_math_table() -> None:
    from fontTools.ttLib import TTFont

    text = "\u03b7\u03bb\u2211\u2212\u22a4x"  # eta, lambda, sum, minus, transpose, x
    data = first_visit.subset_font(FONT.read_bytes(), text)
    font = TTFont(io.BytesIO(data))
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in text)
    assert ord("Ω") not in cmap, "only what the formulas draw"
    assert "MATH" in font and font.flavor == "woff2"
    assert len(data) < FONT.stat().st_size / 3


def material_site(site: Path) -> Path:
    """A site folder with the Material assets finish_site reads (no pages yet)."""
    (site / "assets" / "stylesheets").mkdir(parents=True)
    (site / "assets" / "javascripts").mkdir(parents=True)
    (site / "assets" / "stylesheets" / "main.57a0d79d.min.css").write_text(".md-typeset{x:1}")
    (site / "assets" / "stylesheets" / "palette.fb2fffe2.min.css").write_text("")
    (site / "assets" / "javascripts" / "bundle.a5f9d56c.min.js").write_text("")
    return site


def test_finish_site_rewrites_every_page_and_writes_whole_files(tmp_path: Path) -> None:
    site = material_site(tmp_path / "site")
    (site / "a").mkdir()
    formula = '<p class="md-typeset"><math><mi>x</mi></math></p>'
    (site / "a" / "index.html").write_text(material_page(formula))
    (site / "404.html").write_text(material_page(prefix="/sinfit/"))
    first_visit.finish_site(site, FONT, tmp_path / "cache")
    cut = list((site / "assets" / "stylesheets").glob("main-cut-*.css"))
    assert len(cut) == 1 and ".md-typeset" in cut[0].read_text()
    for page in (site / "a" / "index.html", site / "404.html"):
        assert f"assets/stylesheets/{cut[0].name}" in page.read_text()
    assert (site / first_visit.MATH_FONT).stat().st_size < FONT.stat().st_size
    assert not list(site.rglob("*.tmp"))
    kept = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").iterdir())
    pages = [p for p in tmp_path.joinpath("site").rglob("*.html")]
    # the cut sheet, the font, and each distinct page as slimmed (pages alike share one)
    assert kept.count("main") == 1 and kept.count("math") == 1, kept
    assert 1 <= kept.count("page") <= len(pages), kept


def test_finish_site_reuses_what_it_cut_for_the_same_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    test_finish_site_rewrites_every_page_and_writes_whole_files(tmp_path)
    before = {p.name: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    shutil.rmtree(tmp_path / "site")

    def fail(*args: object) -> None:
        raise AssertionError("cut again")

    monkeypatch.setattr(first_visit, "subset_font", fail)
    monkeypatch.setattr(first_visit, "site_css", fail)
    monkeypatch.setattr(first_visit, "slim", fail)
    stale = tmp_path / "cache" / "page-000000000000.html"  # a page of an earlier version
    stale.write_text("old")
    test_finish_site_rewrites_every_page_and_writes_whole_files(tmp_path)
    assert not stale.exists(), "slimmed pages no current page has are dropped"
    after = {p.name: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before


def test_finish_site_names_a_missing_material_asset(tmp_path: Path) -> None:
    (tmp_path / "assets" / "stylesheets").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match=r"main\\\.\[0-9a-f\]\+.*mkdocs-material"):
        first_visit.finish_site(tmp_path, FONT, tmp_path / "cache")


def explorer_site(tmp_path: Path, figure: str) -> Path:
    """A finished site whose why-slow page, in both languages, has the explorer ``figure``."""
    site = material_site(tmp_path / "site")
    for page in ("why-slow", "ko/why-slow"):
        (site / page).mkdir(parents=True)
        (site / page / "index.html").write_text(material_page(figure))
    first_visit.finish_site(site, FONT, tmp_path / "cache")
    return site


def test_explorer_data_moves_to_a_file_named_by_its_content(tmp_path: Path) -> None:
    payload = '{"rates": [1e-07, 2e-07], "note": "<\\/script>"}'
    figure = (
        '<figure class="sinfit-explorer"><script type="application/json" '
        f'class="sinfit-explorer-data">{payload}</script></figure>'
    )
    site = explorer_site(tmp_path, figure)
    (data,) = (site / "assets" / "data").iterdir()
    assert data.read_text() == payload, "one file for both languages, the payload unchanged"
    for page, prefix in (("why-slow", "../"), ("ko/why-slow", "../")):
        html = (site / page / "index.html").read_text()
        assert payload not in html
        assert f'data-src="{prefix}assets/data/{data.name}"></script>' in html


# As the built page has it: the notebook's HTML went through a parser that lowers names.
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="518.4pt" height="201.6pt" '
    'viewbox="0 0 518.4 201.6" role="img" aria-label="lr 1e-06 → L 378 &amp; more">'
    '<defs><clippath id="c"><rect x="0" y="0" width="1" height="1"></rect></clippath></defs>'
    '<path d="M 0 0 L 1 1" clip-path="url(#c)"></path><text textlength="9"> viewbox="x"</text>'
    "</svg>"
)


def test_explorer_picture_moves_to_a_file_shown_by_a_lazy_img(tmp_path: Path) -> None:
    from xml.etree import ElementTree

    figure = (
        f'<figure class="sinfit-explorer"><div class="sinfit-explorer-static">{SVG}</div></figure>'
    )
    site = explorer_site(tmp_path, figure)
    (picture,) = (site / "assets" / "images").iterdir()
    root = ElementTree.fromstring(picture.read_bytes())  # a document of its own
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("width") == "518.4pt"
    # XML is case-sensitive: the names an HTML parser would restore are restored
    assert root.get("viewBox") == "0 0 518.4 201.6" and root.get("viewbox") is None
    assert root.find("{http://www.w3.org/2000/svg}defs/{http://www.w3.org/2000/svg}clipPath")
    text = root.find("{http://www.w3.org/2000/svg}text")
    assert text.get("textLength") == "9" and text.text == ' viewbox="x"', "text is text"
    for page in ("why-slow", "ko/why-slow"):
        html = (site / page / "index.html").read_text()
        assert "<svg" not in html
        # 518.4 pt by 201.6 pt are 691.2 px by 268.8 px; the accessible name stays escaped
        assert (
            f'<div class="sinfit-explorer-static"><img src="../assets/images/{picture.name}" '
            'alt="lr 1e-06 → L 378 &amp; more" width="691" height="269" loading="lazy" '
            'decoding="async"></div>'
        ) in html


def test_explorer_picture_that_is_not_xml_on_its_own_fails_loudly() -> None:
    with pytest.raises(UpstreamChanged, match="not well-formed XML"):
        first_visit.svg_document(SVG.replace("</text>", "&nbsp;</text>"))


def test_explorer_picture_without_a_name_or_size_fails_loudly() -> None:
    nameless = SVG.replace(' aria-label="lr 1e-06 → L 378 &amp; more"', "")
    page = material_page(f'<div class="sinfit-explorer-static">{nameless}</div>')
    with pytest.raises(UpstreamChanged, match="aria-label or width and height"):
        first_visit.rewrite_page(page, "why-slow/index.html", CUT)


def test_finish_site_unwraps_spans_no_rule_styles_and_keeps_the_others(tmp_path: Path) -> None:
    site = material_site(tmp_path / "site")
    (site / "assets" / "stylesheets" / "notebook-0.css").write_text(
        ".highlight-ipynb .o{color:red}.highlight .n{color:blue}"
    )
    code = (
        '<div class="highlight-ipynb"><pre><span class="n">x</span> '
        '<span class="o">=</span> <span class="n">y</span></pre></div>'
    )
    (site / "a").mkdir()
    (site / "a" / "index.html").write_text(material_page(code))
    first_visit.finish_site(site, FONT, tmp_path / "cache")
    html = (site / "a" / "index.html").read_text()
    # `.highlight .n` cannot apply: no element of the page has the class highlight
    assert "<pre>x <span class=o>=</span> y</pre>" in html
    # an author's preview (mkdocs serve) keeps the bytes and the rebuild time
    (site / "a" / "index.html").write_text(material_page(code))
    first_visit.finish_site(site, FONT, tmp_path / "cache", slim_html=False)
    assert code in (site / "a" / "index.html").read_text()


def test_a_page_s_own_style_element_counts_as_styling_its_spans() -> None:
    code = '<pre><span class="o">=</span><span class="n">x</span></pre>'
    page = f"<style>pre .o{{color:red}}</style>{code}"
    assert (
        first_visit.slim(page, "")
        == "<style>pre .o{color:red}</style><pre><span class=o>=</span>x</pre>"
    )
    assert first_visit.slim(code, "") == "<pre>=x</pre>"
