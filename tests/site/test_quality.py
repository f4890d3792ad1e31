"""Weight, accessibility and dark mode of the built site, in a real browser where it counts."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import LANGUAGES, ROOT, page_path, serious_violations, serve, tutorial_pages

STEMS = [p.stem for p in tutorial_pages()]
# Bytes of a tutorial's HTML. Lighthouse's phone line (Lantern, mobile preset) delivers a new
# connection's response in round trips of 150 ms: 10 TCP segments of 1,460 bytes with the first
# byte, then 20, then 21 a round trip (its 1.6 Mbit/s cap), so 105,120 bytes in all after three
# more round trips. The first paint waits for the whole HTML: a page past that pays a fifth
# round trip on its first and largest paint (why-slow did, at 120 KB: 94 in Lighthouse). The
# response's headers (about 200 bytes) and a margin come off.
BUDGET = 104_000
# Bytes a tutorial's first visit fetches before the page is on screen and its scripts run: the
# HTML, the stylesheets and the font it links for that (the site's cut of Material's sheet)
# and its scripts; figures load lazily and the search index waits
# (extensions/sitebuild/first_visit.py). `make bench-pages` measures what Lighthouse makes of
# it; this keeps a page from growing back (it was 1.1 MB with the whole JupyterLab
# stylesheet, 480 KB with Material's whole sheet and a 69 KB math font).
FIRST_VISIT_BUDGET = 420_000
# The indices of the page's figures that move (SVG animations play inside an <img>, where
# Playwright's animations="disabled" does not reach).
ANIMATED_FIGURES = """async () => {
    const figures = [...document.querySelectorAll("img.sinfit-figure")];
    const texts = await Promise.all(figures.map(async img => (await fetch(img.src)).text()));
    return texts.flatMap((text, i) => /<animate|@keyframes/.test(text) ? [i] : []);
}"""
HIDE_HEADER = ".md-header, .md-tabs { visibility: hidden !important; }"


def open_page(
    browser,
    url: str,
    scheme: str = "light",
    *,
    width: int = 1280,
    replace: tuple[re.Pattern, Path] | None = None,
):
    """A tab ``width`` pixels wide on ``url`` in the given colour scheme; ``replace``: the
    requests for URLs matching its pattern are answered with its file. Material remembers
    the last palette in localStorage, which the shared browser profile keeps: clear it, then
    reload."""
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    if replace is not None:
        pattern, file = replace
        page.route(pattern, lambda route: route.fulfill(path=file, content_type="text/css"))
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    page.evaluate("localStorage.clear()")
    page.reload()
    page.wait_for_load_state("networkidle")
    # Figures load lazily, as they come into view; a screenshot of the whole article must not
    # depend on how far the browser got: load them all.
    page.evaluate("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    # Material's palette script sets the scheme from the media query after the load: wait for
    # it rather than read it once (read too early, a dark page still said "default").
    expected = "slate" if scheme == "dark" else "default"
    try:
        page.wait_for_function(
            "s => document.body.dataset.mdColorScheme === s", arg=expected, timeout=10_000
        )
    except PlaywrightTimeout:
        seen = page.evaluate("document.body.dataset.mdColorScheme")
        raise AssertionError(f"{url}: colour scheme {seen!r}, not {expected!r}") from None
    return page


# Known over budget (page, language): none since layers was cut back under it (2026-12-04). A
# page that goes over goes on this list with its measurement and the levers left. Strict: a page
# that comes back under the budget fails here until it is taken off this list.
OVER_BUDGET: set[tuple[str, str]] = set()


@pytest.mark.parametrize(
    ("stem", "language"),
    [
        pytest.param(
            s,
            language,
            marks=pytest.mark.xfail(
                strict=True, reason=f"{language}/{s}: over the first-visit HTML budget"
            ),
        )
        if (s, language) in OVER_BUDGET
        else (s, language)
        for s in STEMS
        for language in LANGUAGES
    ],
)
def test_tutorial_weight_is_within_budget(built_site: Path, language: str, stem: str) -> None:
    html_path = built_site / page_path(language, stem).strip("/") / "index.html"
    html = html_path.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    own_css = sum(len(s.get_text().encode()) for s in soup.find_all("style"))
    assert len(html.encode()) <= BUDGET, f"{html_path}: {len(html.encode())} bytes"
    assert own_css < 5_000, "the notebook styles live in the shared stylesheet"
    shared = [
        link["href"]
        for link in soup.find_all("link", rel="stylesheet")
        if "notebook-" in link["href"]
    ]
    assert len(shared) == 1
    assert (html_path.parent / shared[0]).resolve().is_file()


@pytest.fixture(scope="module")
def inline_url(inline_css_site: Path):
    with serve(inline_css_site) as url:
        yield url


@pytest.mark.parametrize("language", LANGUAGES)
def test_first_visit_of_each_tutorial_is_within_budget(built_site: Path, language: str) -> None:
    for stem in STEMS:
        html_path = built_site / page_path(language, stem).strip("/") / "index.html"
        soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
        linked = [link["href"] for link in soup.find_all("link", rel=["stylesheet", "preload"])]
        linked += [script["src"] for script in soup.find_all("script", src=True)]
        files = [(html_path.parent / href).resolve() for href in linked]
        assert all(f.is_file() for f in files), linked
        total = html_path.stat().st_size + sum(f.stat().st_size for f in files)
        assert total <= FIRST_VISIT_BUDGET, f"{language}/{stem}: {total} bytes on first visit"


@pytest.mark.browser
@pytest.mark.parametrize(("scheme", "language"), [("light", "ko"), ("dark", "en")])
@pytest.mark.parametrize("stem", STEMS)
def test_cut_down_stylesheet_looks_the_same_as_the_full_inline_one(
    browser, site_url: str, inline_url: str, stem: str, scheme: str, language: str
) -> None:
    """Every tutorial, in each scheme (one language each): the article with the cut-down
    shared stylesheet is pixel for pixel the article with nbconvert's full inline styles."""
    from PIL import Image, ImageChops

    shots = []
    for base in (site_url, inline_url):
        page = open_page(browser, base + page_path(language, stem), scheme)
        # the article: what the notebook styles dress. Material's sticky header lies over the
        # article's top in a tall element's screenshot, and its icons move on load: hide it.
        # An animated figure (watch-it-learn) shows whatever frame it is at: mask it.
        figures = page.locator("img.sinfit-figure")
        mask = [figures.nth(i) for i in page.evaluate(ANIMATED_FIGURES)]
        shot = page.locator("article").screenshot(
            animations="disabled", style=HIDE_HEADER, mask=mask
        )
        shots.append(Image.open(io.BytesIO(shot)).convert("RGB"))
        page.close()
    shared, inline = shots
    assert shared.size == inline.size
    assert ImageChops.difference(shared, inline).getbbox() is None, "pixels differ"


def test_the_notebook_stylesheet_is_cut_down(built_site: Path, inline_css_site: Path) -> None:
    sheets = list((built_site / "assets" / "stylesheets").glob("notebook-*.css"))
    inline = (inline_css_site / page_path("en", STEMS[0]).strip("/") / "index.html").read_bytes()
    assert sheets and all(sheet.stat().st_size < 40_000 for sheet in sheets)
    assert len(inline) > 500_000, "the full stylesheet it is cut from"


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_accessibility_violation(
    browser, site_url: str, scheme: str, language: str
) -> None:
    # every page in the light scheme; the home page and one tutorial in the dark one
    stems = STEMS if scheme == "light" else ["hand-gradients"]
    home = "/" if language == "en" else f"/{language}/"
    for path in [home, *(page_path(language, stem) for stem in stems)]:
        page = open_page(browser, site_url + path, scheme)
        bad = serious_violations(page)
        page.close()
        assert bad == [], f"{path} ({scheme}): {bad}"


# WCAG contrast ratio of an element's text against the first opaque background behind it.
CONTRAST = """el => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const channel = x => (x /= 255) <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  const lum = c => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  let bg = el, color = getComputedStyle(el).backgroundColor;
  while (bg && (color === "rgba(0, 0, 0, 0)" || color === "transparent")) {
    bg = bg.parentElement;
    color = getComputedStyle(bg).backgroundColor;
  }
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(color))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_dark_mode_keeps_plots_and_outputs_readable(browser, site_url: str, language: str) -> None:
    page = open_page(browser, site_url + page_path(language, STEMS[0]), "dark")
    figure = page.locator("img.sinfit-figure").first
    assert figure.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 255, 255)"
    log = page.locator(".jp-OutputArea-output pre", has_text="t = 1000  loss").first
    assert log.evaluate(CONTRAST) >= 4.5
    page.close()


def local(site: Path, page: Path, href: str) -> Path:
    """The file of ``site`` that ``href`` on ``page`` names (404.html's are absolute)."""
    if href.startswith("/"):
        return site / href.lstrip("/").split("/", 1)[1]  # the site's path prefix aside
    return (page.parent / href).resolve()


def test_every_page_is_rewritten_for_its_first_visit(built_site: Path) -> None:
    """Every page of every language (extensions/sitebuild/first_visit.py): the site's cut of
    Material's stylesheet in the whole one's place, every script held for first_visit.js
    (Material's marked as such), the explorer's script, its data and picture files and the
    font preload only where they are used; the site's math font cut to the formulas'
    characters, all of them."""
    from fontTools.ttLib import TTFont

    from extensions.sitebuild import first_visit

    pages = {p: p.read_text(encoding="utf-8") for p in built_site.rglob("*.html")}
    # Every page of docs/, tutorials or not (the home page, the reference), and 404.html.
    sources = sum(len(list((ROOT / "docs" / lang).glob("*.md"))) for lang in LANGUAGES)
    assert len(pages) == sources + 1 > 2 * len(STEMS), sorted(pages)
    cut = list((built_site / "assets" / "stylesheets").glob("main-cut-*.css"))
    assert len(cut) == 1
    for path, html in pages.items():
        soup = BeautifulSoup(html, "html.parser")
        sheets = [link["href"] for link in soup.select("head > link[rel=stylesheet]")]
        assert sheets[0].endswith(cut[0].name), (path, sheets)
        assert not any(re.search(r"main\.[0-9a-f]+\.min\.css", s) for s in sheets), path
        assert not soup.find_all("script", src=True), path
        held = [s["data-sinfit-later"] for s in soup.select("script[data-sinfit-later]")]
        assert all(local(built_site, path, src).is_file() for src in held), path
        assert len(soup.select("script[data-sinfit-later][data-sinfit-material]")) == 1, path
        for data in soup.select("script.sinfit-explorer-data"):
            assert not data.get_text() and local(built_site, path, data["data-src"]).is_file()
        for picture in soup.select(".sinfit-explorer-static img"):
            assert picture["alt"] and local(built_site, path, picture["src"]).is_file(), path
        assert not soup.select(".sinfit-explorer-static svg"), path
        explorer = [src for src in held if src.endswith("explorer.js")]
        assert len(explorer) == (1 if soup.select_one(".sinfit-explorer") else 0), path
        assert bool(soup.select("link[rel=preload][as=font]")) == ("<math" in html), path
        assert all(img.get("loading") == "lazy" for img in soup.select("img.sinfit-figure")), path
    font = TTFont(built_site / first_visit.MATH_FONT)
    cmap = font.getBestCmap()
    missing = [c for c in first_visit.math_text(pages.values()) if ord(c) not in cmap]
    assert not missing and "MATH" in font


# What a reader can see of an element's style (custom properties and the long tail aside,
# which reading every property of every element would take a minute per page to compare).
SEEN = [
    "display",
    "position",
    "top",
    "right",
    "bottom",
    "left",
    "width",
    "height",
    "margin",
    "padding",
    "border-width",
    "border-color",
    "border-radius",
    "color",
    "background-color",
    "background-image",
    "box-shadow",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "line-height",
    "text-align",
    "text-decoration-line",
    "white-space",
    "visibility",
    "opacity",
    "transform",
    "overflow-x",
    "overflow-y",
    "z-index",
    "fill",
    "mask-image",
    "content",
    "cursor",
    "flex-direction",
    "justify-content",
    "align-items",
    "gap",
    "list-style-type",
    "outline-style",
]
SETTLED = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
COMPUTED = """props => [...document.querySelectorAll("body *")].flatMap(el =>
    [null, "::before", "::after"].map(pseudo => {
        const s = getComputedStyle(el, pseudo);
        if (pseudo && s.content === "none") return null;
        const name = el.tagName + (el.id ? "#" + el.id : "") + "." +
            (el.getAttribute("class") || "").trim().split(/\\s+/).join(".") + (pseudo || "");
        return [name, props.map(p => p + ":" + s.getPropertyValue(p)).join(";")];
    }).filter(Boolean))"""


@pytest.mark.browser
@pytest.mark.parametrize(
    ("scheme", "language", "width"), [("dark", "en", 390), ("light", "ko", 1280)]
)
@pytest.mark.parametrize("stem", ["", "hand-gradients", "round-bowl"])
def test_cut_material_stylesheet_styles_pages_as_the_whole_one(
    browser, built_site: Path, site_url: str, stem: str, scheme: str, language: str, width: int
) -> None:
    """The site's cut of Material's stylesheet computes the same style for every element and
    pseudo-element as the whole sheet in its place, on the page as it loads and with search
    open on a query (results and their markup come from Material's script, not the pages):
    the home page (Material's code blocks and copy buttons), a tutorial, the explorer's
    page."""
    path = page_path(language, stem) if stem else ("/" if language == "en" else f"/{language}/")
    whole = next((built_site / "assets" / "stylesheets").glob("main.*.min.css"))
    query = "gradient" if language == "en" else "가중치"
    pages = [
        open_page(browser, site_url + path, scheme, width=width, replace=replace)
        for replace in (None, (re.compile(r".*/main-cut-[0-9a-f]+\.css$"), whole))
    ]

    def differences() -> list[tuple[str, list[str]]]:
        cut, whole_sheet = (page.evaluate(COMPUTED, SEEN) for page in pages)
        assert len(cut) == len(whole_sheet) > 100
        return [
            (name, sorted(set(a.split(";")) ^ set(b.split(";")))[:4])
            for (name, a), (_, b) in zip(cut, whole_sheet, strict=True)
            if a != b
        ]

    def settled_differences() -> list[tuple[str, list[str]]]:
        # A used value such as an auto margin is read from the layout, which a tab may still be
        # settling (a scrollbar arriving, a transition not yet started): a difference the sheet
        # causes persists, one of timing goes away. Look again before calling it a difference.
        differ = differences()
        for _ in range(3):
            if not differ:
                break
            for page in pages:  # let each tab lay out two more frames
                page.evaluate(SETTLED)
            differ = differences()
        return differ

    try:
        assert not (differ := settled_differences()), ("as the page loads", differ[:5])
        for page in pages:
            page.keyboard.press("s")  # Material's key for its search
            page.keyboard.type(query)
            page.keyboard.press("End")  # Hangul arrives as text input; Material searches on keys
            page.locator(".md-search-result__item").first.wait_for()
            # The search panel fades in: compare once its transitions are over.
            page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
        assert not (differ := settled_differences()), ("with search open", differ[:5])
    finally:
        for page in pages:
            page.close()
