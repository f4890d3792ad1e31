"""Reading on a phone and on a laptop: nothing is cut off, lines of output stay whole."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from tests.conftest import LANGUAGES, page_path, tutorial_pages

STEMS = [p.stem for p in tutorial_pages()]


@contextlib.contextmanager
def tab(browser, width: int, scheme: str | None = None) -> Iterator:
    """A tab of the shared browser at ``width`` px (and colour scheme), closed afterwards."""
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    if scheme:
        page.emulate_media(color_scheme=scheme)
    try:
        yield page
    finally:
        page.close()


WIDTHS = (390, 1280)

# Each display formula and printed output either fits inside every box that clips it, or sits
# in a box of its own that scrolls sideways (and that box fits). Returns what is cut off.
CLIPPED = """(selector) => {
  const scrolls = el => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const extent = el => {  // the content's own extent, overflow included
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect();
  };
  const clipped = (r, from) => {
    for (let a = from.parentElement; a; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === "hidden" || ox === "clip") {
        const box = a.getBoundingClientRect();
        if (r.right > box.right + 1 || r.left < box.left - 1) return true;
      }
    }
    return r.right > document.documentElement.clientWidth + 1;
  };
  const problems = [];
  for (const el of document.querySelectorAll(selector)) {
    let box = null;  // a box of its own that scrolls sideways, if it has one
    for (let a = el; a && a.tagName !== "ARTICLE"; a = a.parentElement) {
      if (scrolls(a)) { box = a; break; }
    }
    const cut = box ? clipped(box.getBoundingClientRect(), box) : clipped(extent(el), el);
    if (cut) problems.push((el.textContent || "").trim().slice(0, 60));
  }
  return problems;
}"""
TARGETS = 'math[display="block"], .jp-OutputArea-output pre'


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_formula_or_output_is_cut_off(browser, site_url: str, language: str, width: int) -> None:
    with tab(browser, width) as page:
        for stem in STEMS:
            page.goto(site_url + page_path(language, stem))
            page.wait_for_load_state("load")
            assert (
                page.locator('math[display="block"]').count()
                + page.locator(".jp-OutputArea-output pre").count()
            ), f"{stem}: nothing to check"
            assert page.evaluate(CLIPPED, TARGETS) == [], f"{language}/{stem} at {width} px"


@pytest.mark.browser
@pytest.mark.parametrize("scripts", [False, True], ids=["before-scripts", "with-scripts"])
def test_no_page_scrolls_sideways_on_a_phone(browser, site_url: str, scripts: bool) -> None:
    """At 390 px no page is wider than the screen: with scripts switched off (the page as it
    paints first, before any script runs) and with them, once loaded. What sticks out is
    named."""
    with tab(browser, 390) as page:
        if not scripts:
            cdp = browser.new_cdp_session(page)
            cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})
        paths = [
            path
            for language in LANGUAGES
            for path in (
                "/" if language == LANGUAGES[0] else f"/{language}/",
                page_path(language, "reference"),
                *(page_path(language, stem) for stem in STEMS),
            )
        ]
        for path in paths:
            page.goto(site_url + path)
            page.wait_for_load_state("load")
            ran = page.evaluate("typeof window.__md_scope !== 'undefined'")
            assert ran == scripts, f"{path}: Material's inline script ran: {ran}"
            wide, width, out = page.evaluate(
                """() => {
                  const width = document.documentElement.clientWidth;
                  const out = [...document.querySelectorAll("body *")]
                    .filter(el => el.getBoundingClientRect().right > width + 1
                      && ![...document.querySelectorAll("pre, .md-typeset__scrollwrap, math")]
                           .some(box => box !== el && box.contains(el)))
                    .map(el => el.tagName + "." + (el.getAttribute("class") || "")).slice(0, 5);
                  return [document.documentElement.scrollWidth, width, out];
                }"""
            )
            assert wide <= width, f"{path}: {wide} px wide on a {width} px screen; out: {out}"


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_display_formula_fits_a_phone_without_scrolling(
    browser, site_url: str, language: str
) -> None:
    """Stricter than not cut off: at 390 px no formula needs its own sideways scroll (a
    reader does not think to scroll an equation; a long one is split over lines)."""
    with tab(browser, 390) as page:
        for stem in STEMS:
            page.goto(site_url + page_path(language, stem))
            page.wait_for_load_state("load")
            wide = page.evaluate(
                """() => [...document.querySelectorAll("article .sinfit-math")]
                     .filter(box => box.scrollWidth > box.clientWidth + 1)
                     .map(box => (box.textContent || "").trim().slice(0, 60))"""
            )
            assert wide == [], f"{language}/{stem} at 390 px: {wide}"


@pytest.mark.browser
@pytest.mark.parametrize(("width", "scheme"), [(390, "light"), (1280, "dark")])
def test_every_figure_fits_its_column(browser, site_url: str, width: int, scheme: str) -> None:
    with tab(browser, width, scheme) as page:
        for stem in STEMS:
            page.goto(site_url + page_path(LANGUAGES[0], stem))
            page.wait_for_load_state("load")
            sizes = page.evaluate(
                """() => [...document.querySelectorAll("img.sinfit-figure")].map(img =>
                     [img.getBoundingClientRect().width,
                      img.closest(".jp-OutputArea-output").clientWidth])"""
            )
            assert sizes, stem
            assert all(w <= column + 1 for w, column in sizes), f"{stem} at {width} px: {sizes}"


@pytest.mark.browser
def test_the_copy_button_does_not_cover_the_code(browser, site_url: str) -> None:
    with tab(browser, 390) as page:
        for language in LANGUAGES:
            for stem in STEMS:
                page.goto(site_url + page_path(language, stem))
                page.wait_for_load_state("load")
                overlaps = page.evaluate(
                    """() => [...document.querySelectorAll(".jp-CodeCell")].filter(cell => {
                         const button = cell.querySelector("clipboard-copy");
                         const code = cell.querySelector(".highlight-ipynb pre");
                         if (!button || !code) return false;
                         const range = document.createRange();
                         range.selectNodeContents(code);
                         const b = button.getBoundingClientRect();
                         return [...range.getClientRects()].some(r =>
                           r.width > 0 && r.left < b.right && r.right > b.left
                           && r.top < b.bottom && r.bottom > b.top);
                       }).length"""
                )
                assert page.locator(".jp-CodeCell clipboard-copy").count() > 0, stem
                assert overlaps == 0, f"{language}/{stem}: {overlaps} cells"


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_copy_button_copies_the_cells_code(browser, site_url: str, language: str) -> None:
    """Each code cell's copy button (its icon drawn by the stylesheet, its element defined by
    a shared deferred script: extensions/sitebuild/pages.py) puts that cell's code on the
    clipboard, and its icon is drawn."""
    browser.grant_permissions(["clipboard-read", "clipboard-write"])
    with tab(browser, 390) as page:
        page.goto(site_url + page_path(language, STEMS[0]))
        page.wait_for_load_state("load")
        buttons = page.locator(".jp-CodeCell clipboard-copy")  # the first two: not folded
        code = page.locator(".jp-CodeCell .highlight-ipynb pre")
        for i in (0, 1):
            buttons.nth(i).click()
            expected = code.nth(i).inner_text()
            copied = "t => navigator.clipboard.readText().then(c => c === t)"
            page.wait_for_function(copied, arg=expected)
        icon = page.locator(".clipboard-copy-icon").first
        size = icon.evaluate("el => [el.offsetWidth, el.offsetHeight]")
        mask = icon.evaluate("el => getComputedStyle(el).maskImage")
        assert size == [15, 19] and mask.startswith('url("data:image/svg+xml'), (size, mask)


@pytest.mark.browser
def test_the_check_finds_a_wide_formula_in_a_clipping_box(browser, site_url: str) -> None:
    with tab(browser, 390) as page:
        page.goto(site_url + page_path(LANGUAGES[0], STEMS[0]))
        page.evaluate(
            """() => {
              const box = document.createElement("div");
              box.style.overflow = "hidden";
              box.style.width = "200px";
              const terms = Array.from({length: 40}, (_, i) => `<mi>x</mi><mo>+</mo><mn>${i}</mn>`);
              box.innerHTML = `<math display="block"><mi>wide</mi>${terms.join("")}</math>`;
              document.querySelector("article").appendChild(box);
            }"""
        )
        (problem,) = page.evaluate(CLIPPED, TARGETS)
        assert problem.startswith("widex+0x+1")


@pytest.mark.browser
def test_printed_lines_are_not_broken_on_a_phone(browser, site_url: str) -> None:
    with tab(browser, 390) as page:
        page.goto(site_url + page_path(LANGUAGES[-1], STEMS[0]))
        lines = page.evaluate(
            """() => [...document.querySelectorAll('.jp-OutputArea-output pre')].map(pre => {
                 const style = getComputedStyle(pre);
                 const lineHeight = parseFloat(style.lineHeight) || 16;
                 const rows = pre.textContent.replace(/\\n$/, '').split('\\n').length;
                 return [style.whiteSpace, Math.round(pre.scrollHeight / lineHeight) <= rows + 1];
               })"""
        )
        assert lines and all(ws == "pre" and whole for ws, whole in lines), lines


@pytest.mark.browser
def test_the_math_font_loads_only_where_there_are_formulas(browser, site_url: str) -> None:
    fetched = {}
    pages = (("tutorial", page_path(LANGUAGES[0], "hand-gradients")), ("404 page", "/404.html"))
    for name, path in pages:
        with tab(browser, 1280) as page:
            page.goto(site_url + path)
            page.wait_for_load_state("networkidle")
            fetched[name] = page.evaluate(
                """() => ({
                  fonts: performance.getEntriesByType("resource")
                    .filter(e => e.name.includes("stix-two-math")).length,
                  formulas: document.querySelectorAll("article math").length,
                  family: document.fonts.check('16px "STIX Two Math"', "∑"),
                })"""
            )
    assert fetched["tutorial"]["formulas"] and fetched["tutorial"]["fonts"] == 1
    assert fetched["tutorial"]["family"], "the font is there to draw the formulas"
    assert fetched["404 page"]["formulas"] == 0 and fetched["404 page"]["fonts"] == 0, fetched


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_shown_code_fits_a_phone_without_scrolling(browser, site_url: str, language: str) -> None:
    """At 390 px every line of a lesson's code shows whole: the stylesheet runs code edge to
    edge in a 12 px font and the pages keep their code within 48 columns (the source test
    counts them; this one measures them, Korean comments in the font the reader gets)."""
    with tab(browser, 390) as page:
        scrolling = []
        for stem in STEMS:
            page.goto(site_url + page_path(language, stem))
            page.wait_for_load_state("load")
            scrolling += [
                f"{stem}: {line}"
                for line in page.evaluate(
                    """() => [...document.querySelectorAll("article .highlight-ipynb pre")]
                         .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
                         .map(pre => pre.textContent.split("\\n")
                                        .reduce((a, b) => (b.length > a.length ? b : a)))"""
                )
            ]
        assert scrolling == [], f"{language}: code that scrolls sideways at 390 px:\n" + "\n".join(
            scrolling
        )
