"""The built site in a real headless Chromium: images, switcher, search, no errors, no network."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import LANGUAGES, page_path, tutorial_pages

pytestmark = pytest.mark.browser
STEMS = [p.stem for p in tutorial_pages()]


@pytest.fixture
def tab(browser, site_url: str):
    """A fresh tab that records console errors, failed responses and every requested host."""
    page = browser.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.hosts = set()  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on(
        "request", lambda r: r.url.startswith("data:") or page.hosts.add(urlsplit(r.url).netloc)
    )
    page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))
    page.on(
        "worker",
        lambda w: w.on("console", lambda m: m.type == "error" and page.errors.append(m.text)),
    )
    yield page
    local = urlsplit(site_url).netloc
    assert page.hosts == {local}, f"requests left localhost: {page.hosts}"
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stem", STEMS)
def test_tutorial_shows_its_images(tab, site_url: str, language: str, stem: str) -> None:
    tab.goto(site_url + page_path(language, stem))
    tab.wait_for_load_state("networkidle")
    # the explorer's static picture steps aside once its script has drawn the live one
    images = tab.locator("article img:not(.sinfit-explorer-static > img)")
    assert images.count() >= 1
    for i in range(images.count()):
        img = images.nth(i)
        img.scroll_into_view_if_needed()  # figures load lazily, as they come into view
        loaded = "el => el.complete && el.naturalWidth > 0"
        tab.wait_for_function(loaded, arg=img.element_handle(), timeout=5_000)
        assert img.bounding_box()["width"] >= 300
    assert tab.evaluate("document.documentElement.lang") == language


@pytest.mark.parametrize(("language", "other"), [("en", "ko"), ("ko", "en")])
@pytest.mark.parametrize("stem", STEMS)
def test_switcher_goes_to_the_same_page(
    tab, site_url: str, language: str, other: str, stem: str
) -> None:
    tab.goto(site_url + page_path(language, stem))
    tab.locator(".md-header .md-select").first.hover()
    tab.locator(f'.md-select a[hreflang="{other}"]').first.click()
    tab.wait_for_load_state("networkidle")
    assert urlsplit(tab.url).path == urlsplit(site_url).path + page_path(other, stem)
    assert tab.evaluate("document.documentElement.lang") == other


@pytest.mark.parametrize(
    ("language", "query"), [("en", "gradient"), ("ko", "가중치"), ("ko", "경사"), ("en", "학습률")]
)
def test_search_finds_the_tutorial(tab, site_url: str, language: str, query: str) -> None:
    tab.goto(site_url + ("/" if language == "en" else "/ko/"))
    tab.wait_for_load_state("networkidle")
    tab.locator(".md-search__input").click()
    tab.keyboard.type(query)
    tab.keyboard.press("End")  # Hangul arrives as text input; Material searches on key events
    # Results arrive from a web worker and are re-rendered as they come: wait (ten seconds at
    # most) until the list holds the lesson, then read them all at once.
    found = """() => [...document.querySelectorAll(".md-search-result__item a")]
        .some(a => (a.getAttribute("href") || "").includes("/hand-gradients/"))"""
    with contextlib.suppress(PlaywrightTimeout):
        tab.wait_for_function(found, timeout=10_000)
    links = tab.eval_on_selector_all(
        ".md-search-result__item a", "els => els.map(e => e.getAttribute('href') || '')"
    )
    assert any("/hand-gradients/" in (href or "") for href in links), links


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_index_waits_for_the_page_and_the_cut_stylesheet_stands_in_place(
    tab, site_url: str, language: str
) -> None:
    """The first visit (extensions/sitebuild/first_visit.py): the search index is asked for
    after the load event; the site's cut of Material's stylesheet stands where the whole one
    stood (before the palette), and the whole one is never loaded."""
    tab.goto(site_url + page_path(language, STEMS[0]))
    tab.wait_for_load_state("networkidle")
    times = tab.evaluate(
        """() => ({
        load: performance.getEntriesByType("navigation")[0].loadEventStart,
        index: performance.getEntriesByType("resource")
            .filter(e => e.name.endsWith("/search/search_index.json")).map(e => e.startTime),
        sheets: [...document.styleSheets].map(s => (s.href || "").split("/").pop()),
    })"""
    )
    assert len(times["index"]) == 1 and times["index"][0] >= times["load"], times
    first, palette = times["sheets"][:2]
    assert first.startswith("main-cut-"), times["sheets"]
    assert palette.startswith("palette."), times["sheets"]
    assert not any(re.fullmatch(r"main\.[0-9a-f]+\.min\.css", s) for s in times["sheets"])


# The palette on the body when the HTML has been parsed, before any of Material's script ran
# (first_visit.js starts it after the load event).
SCHEME_AT_PARSE = """
    document.addEventListener("DOMContentLoaded", () => {
        window.sinfitSchemeAtParse = document.body.dataset.mdColorScheme;
        window.sinfitMaterialRan = typeof window.document$ !== "undefined";
    });
"""


def first_visit(tab, url: str, system: str, *init: str) -> None:
    """``url`` as a reader on a ``system`` (light or dark) who never chose a palette sees it,
    with the ``init`` scripts run before the page's own."""
    tab.emulate_media(color_scheme=system)
    tab.goto(url)
    tab.evaluate("localStorage.clear()")  # the shared profile may remember a choice
    for script in init:
        tab.add_init_script(script)
    tab.reload()
    tab.wait_for_load_state("networkidle")


def test_a_first_visit_on_a_dark_system_is_dark_from_the_start(tab, site_url: str) -> None:
    """A reader who never chose a palette sees the one Material's script will pick for their
    system (first_palette.js), from the first paint, not after the load event."""
    first_visit(tab, site_url + page_path("ko", "why-slow"), "dark", SCHEME_AT_PARSE)
    assert tab.evaluate("window.sinfitMaterialRan") is False, "Material's script ran early"
    assert tab.evaluate("window.sinfitSchemeAtParse") == "slate"
    tab.wait_for_function("window.document$ !== undefined")
    # Material's components (the palette's among them) mount when document$ emits
    tab.evaluate("new Promise(done => document$.subscribe(() => requestAnimationFrame(done)))")
    assert tab.evaluate("document.body.dataset.mdColorScheme") == "slate", "Material agrees"


def test_a_palette_the_reader_chose_wins_over_the_system_s(tab, site_url: str) -> None:
    first_visit(tab, site_url + page_path("en", "autograd"), "dark")
    tab.wait_for_function("window.document$ !== undefined")
    tab.locator("label[for=__palette_0]").click()  # Material's toggle: to light
    tab.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    tab.add_init_script(SCHEME_AT_PARSE)
    tab.goto(site_url + page_path("en", "why-slow"))
    tab.wait_for_load_state("networkidle")
    assert tab.evaluate("window.sinfitSchemeAtParse") == "default"


# A key pressed as soon as the header is parsed, long before the end of the body, where the
# placeholders of Material's script and the explorer's are.
EARLY_KEY = """
    new MutationObserver((_, observer) => {
        if (!document.querySelector("header")) return;
        observer.disconnect();
        window.sinfitPressedWhile = document.readyState;
        dispatchEvent(new KeyboardEvent("keydown", { key: "Shift" }));
    }).observe(document, { childList: true, subtree: true });
"""


def test_a_key_pressed_while_the_page_arrives_starts_every_script(tab, site_url: str) -> None:
    first_visit(tab, site_url + page_path("en", "round-bowl"), "light", EARLY_KEY)
    assert tab.evaluate("window.sinfitPressedWhile") == "loading"
    tab.wait_for_function("window.document$ !== undefined", timeout=5_000)
    assert tab.evaluate("customElements.get('clipboard-copy') !== undefined")
    tab.locator(".sinfit-explorer").scroll_into_view_if_needed()
    tab.wait_for_selector(".sinfit-explorer--live", timeout=5_000)


def test_korean_lines_break_between_words_on_a_phone(tab, site_url: str) -> None:
    """At 390 px a Korean line ends at a space, never inside a word ("무/작위"); every line of a
    paragraph starts where a word starts."""
    tab.set_viewport_size({"width": 390, "height": 900})
    tab.goto(site_url + page_path("ko", "hand-gradients"))
    tab.wait_for_load_state("networkidle")
    # Each line break inside a text node of the page's paragraphs: the characters on either
    # side of it.
    starts = tab.evaluate(
        """() => {
        const out = [];
        for (const p of document.querySelectorAll("article p")) {
            const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (node.parentElement.closest("code, .katex, a")) continue;
                let top = null;  // pairs within one text node only
                for (let i = 0; i < node.length; i++) {
                    const range = document.createRange();
                    range.setStart(node, i);
                    range.setEnd(node, i + 1);
                    const rect = range.getClientRects()[0];
                    if (!rect) continue;
                    if (top !== null && rect.top > top + 4)
                        out.push(node.data[i - 1] + node.data[i]);
                    top = rect.top;
                }
            }
        }
        return out;
    }"""
    )
    hangul = re.compile(r"[가-힣]{2}")
    assert len(starts) > 20, "too few line breaks measured"
    inside = [pair for pair in starts if hangul.fullmatch(pair)]
    assert not inside, f"lines broken inside Korean words: {inside[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_animation_plays_when_it_comes_into_view_and_again_on_a_click(
    tab, site_url: str, language: str
) -> None:
    """An SVG animation in an <img> starts when the image loads, long before a reader scrolls
    to it: animation.js starts it again (a new fragment on its address) when most of it is in
    view, and on a click or Enter."""
    tab.goto(site_url + page_path(language, "watch-it-learn"))
    tab.wait_for_load_state("load")
    animations = tab.locator("img[data-sinfit-animation]")
    assert animations.count() == 1, "watch-it-learn shows one animation"
    img = animations.first
    tab.wait_for_function("() => document.querySelector('script[src$=\"animation.js\"]')")
    assert "#" not in img.get_attribute("src"), "nothing plays again before it is in view"
    img.scroll_into_view_if_needed()
    tab.wait_for_function(
        "() => document.querySelector('img[data-sinfit-animation]').src.endsWith('#play-1')"
    )
    img.click()
    assert img.get_attribute("src").endswith("#play-2")
    img.focus()
    tab.keyboard.press("Enter")
    assert img.get_attribute("src").endswith("#play-3")
    assert not tab.errors, tab.errors
