"""Weight, accessibility and dark mode of the built site, in a real browser where it counts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import LANGUAGES, page_path, serious_violations, serve, tutorial_pages

STEMS = [p.stem for p in tutorial_pages()]
BUDGET = 150_000  # bytes: a tutorial's HTML plus the CSS it alone needs, images aside
# Bytes of a tutorial's first visit that hold up its first paint and its scripts: the HTML, every
# stylesheet and every script it links (figures, fonts and the search index aside). Measured
# with `make bench-pages`; this keeps a page from growing back towards the 1.1 MB it weighed
# with the whole JupyterLab stylesheet.
FIRST_VISIT_BUDGET = 480_000
HIDE_HEADER = ".md-header, .md-tabs { visibility: hidden !important; }"


def open_page(browser, url: str, scheme: str = "light"):
    """A tab on ``url`` in the given colour scheme. Material remembers the last palette in
    localStorage, which the shared browser profile keeps: clear it, then reload."""
    page = browser.new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    page.evaluate("localStorage.clear()")
    page.reload()
    page.wait_for_load_state("networkidle")
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("document.body.dataset.mdColorScheme") == expected
    return page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stem", STEMS)
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
        linked = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
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
        shot = page.locator("article").screenshot(animations="disabled", style=HIDE_HEADER)
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
    log = page.locator(".jp-OutputArea-output pre", has_text="epoch 1000").first
    assert log.evaluate(CONTRAST) >= 4.5
    page.close()
