"""The learning-rate explorer on the built round-bowl page: in a real Chromium (keyboard, both
languages, two widths, both schemes, JavaScript off) and in the did-it-run gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from extensions.sitebuild.gates import built_page, did_it_run, explorer_data
from tests.conftest import LANGUAGES, ROOT, page_path, serious_violations

STEM = "round-bowl"
WIDTHS = [390, 1280]
LABELS = {"en": "Learning rate", "ko": "학습률"}
DIVERGED = {"en": "diverges: L = ∞ at t =", "ko": "발산: t ="}
BOUND = {"en": "stability bound", "ko": "안정 한계"}


def open_explorer(browser, url: str, width: int, scheme: str = "light"):
    """A tab on the page at ``width`` px, the explorer scrolled into view and drawn."""
    page = browser.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    page.evaluate("localStorage.clear()")  # Material remembers the last palette
    page.reload()
    page.wait_for_load_state("networkidle")
    page.locator(".sinfit-explorer").scroll_into_view_if_needed()
    page.wait_for_selector(".sinfit-explorer--live path.sinfit-explorer-loss[d]")
    return page


def state(page) -> dict:
    return page.evaluate(
        """() => {
          const f = document.querySelector('.sinfit-explorer');
          const d = p => p.getAttribute('d');
          return {
            output: f.querySelector('output').textContent,
            label: f.querySelector('label').textContent,
            value: f.querySelector('input[type=range]').value,
            loss: [...f.querySelectorAll('path.sinfit-explorer-loss')].map(d),
            fit: [...f.querySelectorAll('path.sinfit-explorer-fit')].map(d),
          };
        }"""
    )


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_keyboard_moves_the_rate_and_the_drawn_curves(
    browser, site_url: str, language: str, width: int
) -> None:
    page = open_explorer(browser, site_url + page_path(language, STEM), width)
    figure = page.locator(".sinfit-explorer")
    slider = figure.locator('input[type="range"]')
    assert figure.locator(".sinfit-explorer-static").is_hidden()  # the script took over
    assert slider.is_visible() and figure.locator("output").is_visible()
    box = figure.bounding_box()
    assert box["width"] <= width, "the explorer overflows the page"
    before = state(page)
    assert before["label"] == LABELS.get(language, LABELS["en"])
    assert len(before["loss"]) == 2 and all(before["loss"]), "one loss curve per basis"

    slider.focus()
    page.keyboard.press("ArrowRight")
    after = state(page)
    assert after["value"] == str(int(before["value"]) + 1)
    assert after["output"] != before["output"]
    assert after["output"].startswith("η = ")  # the position, a fraction of each bound
    assert "\u00d710⁻" in after["output"]  # each basis's own rate, as sinfit.rate_label writes it
    assert after["loss"][0] != before["loss"][0], "the drawn loss curve did not change"
    assert after["fit"][0] != before["fit"][0], "the drawn cubic did not change"

    page.keyboard.press("End")  # 1.25 times each basis's own stability bound
    last = state(page)
    # the cliff in both panes: both bases diverge, and neither has a fitted cubic to draw
    assert last["output"].count(DIVERGED.get(language, DIVERGED["en"])) == 2
    assert last["fit"] == ["", ""], "a diverged run has no fitted cubic to draw"
    assert slider.get_attribute("aria-valuetext") == last["output"].split(" · ")[0]
    # each panel says its own rate and result under its name; the output, on screen, only the
    # position (the results are there for a screen reader, clipped out of sight)
    lines = figure.locator(".sinfit-explorer-rate").all_inner_texts()
    assert len(lines) == 2, lines
    assert all(DIVERGED.get(language, DIVERGED["en"]) in line for line in lines)
    said = figure.locator(".sinfit-explorer-said").bounding_box()
    assert said is not None and said["width"] <= 1 and said["height"] <= 1, said
    assert page.errors == []  # type: ignore[attr-defined]
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_explorer_text_is_12_px_or_more_with_its_caption_and_bound_in_the_page_language(
    browser, site_url: str, language: str, width: int
) -> None:
    page = open_explorer(browser, site_url + page_path(language, STEM), width)
    figure = page.locator(".sinfit-explorer")
    assert BOUND.get(language, BOUND["en"]) in figure.locator(".sinfit-explorer-bound").inner_text()
    caption = figure.locator(":scope > figcaption")
    assert caption.is_visible() and caption.inner_text().strip()
    # the smallest text the reader sees: scale labels, subscripts, chart ticks (SVG text is in
    # the chart's units, drawn at the chart's scale)
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll(
            '.sinfit-explorer-scale span, .sinfit-explorer sub, .sinfit-explorer-caption,'
            + ' .sinfit-explorer text.sinfit-explorer-tick')].map(e => {
              const size = parseFloat(getComputedStyle(e).fontSize);
              const svg = e.ownerSVGElement;
              if (!svg) return size;
              return size * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            }))"""
    )
    assert smallest >= 12, f"text of {smallest:.1f} px on the explorer at {width} px"
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_explorer_page_has_no_serious_accessibility_violation(
    browser, site_url: str, language: str, scheme: str
) -> None:
    page = open_explorer(browser, site_url + page_path(language, STEM), 1280, scheme)
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("document.body.dataset.mdColorScheme") == expected
    # the drawn charts take their colours from the scheme
    stroke = page.locator("path.sinfit-explorer-loss").first.evaluate(
        "el => getComputedStyle(el).stroke"
    )
    assert stroke not in ("none", "rgb(0, 0, 0)", "")
    bad = serious_violations(page)
    page.close()
    assert bad == [], bad


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_without_javascript_the_static_picture_shows(browser, site_url: str, language: str) -> None:
    page = browser.new_page()
    # The shared browser is one persistent context, so JavaScript is switched off for this
    # tab through the DevTools protocol rather than a new context.
    cdp = browser.new_cdp_session(page)
    cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.goto(site_url + page_path(language, STEM))
    page.wait_for_load_state("load")
    figure = page.locator(".sinfit-explorer")
    assert "sinfit-explorer--live" not in (figure.get_attribute("class") or "")
    picture = figure.locator(".sinfit-explorer-static img")
    picture.scroll_into_view_if_needed()
    # loaded and decoded: a broken file would still take its width and height
    loaded = "el => el.complete && el.naturalWidth > 0"
    page.wait_for_function(loaded, arg=picture.element_handle(), timeout=5_000)
    assert picture.is_visible()
    assert picture.bounding_box()["width"] >= 300
    # described and captioned in the page's language, as every figure (the page's alt/caption)
    korean = any("\uac00" <= ch <= "\ud7a3" for ch in picture.get_attribute("alt"))
    assert korean == (language == "ko")
    caption = figure.locator(":scope > figcaption").inner_text()
    assert caption and any("\uac00" <= ch <= "\ud7a3" for ch in caption) == (language == "ko")
    assert figure.locator(".sinfit-explorer-controls").is_hidden()  # a slider that does nothing
    assert figure.locator(".sinfit-explorer-charts svg").count() == 0
    cdp.detach()
    page.close()


def test_every_built_explorer_holds_the_same_data_in_every_language(built_site: Path) -> None:
    data = []
    for language in LANGUAGES:
        built = built_page(built_site, language, f"{STEM}.md")
        (figure,) = BeautifulSoup(built.read_text(), "html.parser").select("figure.sinfit-explorer")
        data.append(json.loads(explorer_data(figure, built)))
    assert all(d == data[0] for d in data)
    assert len(data[0]["rates"]) == 30  # the slider's positions
    assert data[0]["rates"][0] == 0.01 and data[0]["rates"][-1] == 1.25  # times each bound


def test_did_it_run_names_a_page_whose_explorer_has_no_data(
    built_site: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page = built_page(site, LANGUAGES[-1], f"{STEM}.md")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    script = soup.select_one("figure.sinfit-explorer script")
    # the data file is shared by the languages: point this page at an empty one of its own
    (page.parent / "empty.json").write_text("{}", encoding="utf-8")
    script["data-src"] = "empty.json"
    page.write_text(str(soup), encoding="utf-8")
    problems = did_it_run(site, ROOT / "docs")
    assert problems == [
        f"{LANGUAGES[-1]}/{STEM}.md: learning-rate explorer 1 has no data (did it run?)"
    ]


def test_did_it_run_names_a_page_built_without_its_explorer(unexecuted_site: Path) -> None:
    problems = did_it_run(unexecuted_site, ROOT / "docs")
    for language in LANGUAGES:
        assert f"{language}/{STEM}.md: 0 learning-rate explorers built, expected 1" in problems
