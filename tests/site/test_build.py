"""The built site: both languages, outputs in place, Korean anchors, offline, notebooks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import nbformat
import pytest
from bs4 import BeautifulSoup

from extensions.sitebuild import downloads
from extensions.sitebuild.execution import REPORT_ROW
from extensions.sitebuild.gates import built_page
from tests.conftest import (
    LANGUAGES,
    ROOT,
    build_log,
    copy_project,
    mkdocs_config,
    page_path,
    run_build,
    tutorial_pages,
)

HANGUL = re.compile("[\uac00-\ud7a3]")


def in_korean(text: str) -> bool:
    """Mostly Hangul among its letters: Korean text (an English page may quote a Korean
    title, as the credits do)."""
    letters = [c for c in text if c.isalpha()]
    return sum(bool(HANGUL.match(c)) for c in letters) > 0.3 * max(len(letters), 1)


def page_dir(site: Path, language: str, stem: str) -> Path:
    return site / page_path(language, stem).strip("/")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def tutorials() -> list[str]:
    return [p.stem for p in tutorial_pages()]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stem", tutorials())
def test_tutorial_is_built_with_its_outputs(built_site: Path, language: str, stem: str) -> None:
    html = soup(page_dir(built_site, language, stem) / "index.html")
    assert html.html["lang"] == language
    source = (ROOT / "docs" / language / f"{stem}.md").read_text(encoding="utf-8")
    images = html.select(".jupyter-wrapper img.sinfit-figure")
    assert len(images) == source.count("<!--alt:") >= 1, "every figure the page describes"
    folder = page_dir(built_site, language, stem)
    for img in images:
        assert re.fullmatch(r"fig-[0-9a-f]{12}\.svg", img["src"])
        assert (folder / img["src"]).read_bytes().lstrip().startswith(b"<?xml")
        alt = img["alt"]
        assert len(alt) > 20 and "No description" not in alt
        assert in_korean(alt) == (language == "ko"), "alt text in the page's language"
    outputs = "\n".join(pre.get_text() for pre in html.select(".jp-OutputArea-output pre"))
    if "loss {loss.item():10.2f}" in source:  # a page that prints the lessons' loss log
        assert re.search(r"t = 1000  loss +\d+\.\d\d", outputs), "the loss log is on the page"
    assert "Traceback" not in html.get_text() and not html.select(".jp-OutputArea-output.error")


@pytest.mark.parametrize("stem", tutorials())
def test_both_languages_show_the_same_numbers(built_site: Path, stem: str) -> None:
    texts = [
        [
            pre.get_text()
            for pre in soup(page_dir(built_site, lang, stem) / "index.html").select(
                ".jp-OutputArea-output pre"
            )
        ]
        for lang in LANGUAGES
    ]
    assert texts[0] == texts[1] and texts[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_toc_links_resolve_to_headings(built_site: Path, language: str) -> None:
    for stem in tutorials():
        html = soup(page_dir(built_site, language, stem) / "index.html")
        ids = {tag["id"] for tag in html.find_all(id=True)}
        links = [a["href"] for a in html.select(".md-sidebar--secondary a.md-nav__link")]
        assert len(links) >= 3
        for href in links:
            assert href.startswith("#") and unquote(href[1:]) in ids, href
        if language == "ko":
            assert any(HANGUL.search(unquote(h)) for h in links), (
                "Korean headings keep their letters"
            )


@pytest.mark.parametrize("language", LANGUAGES)
def test_math_is_mathml_and_nothing_loads_from_elsewhere(built_site: Path, language: str) -> None:
    for stem in tutorials():
        html = soup(page_dir(built_site, language, stem) / "index.html")
        source = (ROOT / "docs" / language / f"{stem}.md").read_text(encoding="utf-8")
        inline = "$" in source.replace("$$", "")  # a page may have display maths only
        assert len(html.find_all("math")) >= source.count("$$") // 2 + (1 if inline else 0)
        text = html.select_one("article").get_text()
        assert "$" not in text.replace("$ ", ""), "no raw TeX left behind"
    for path in built_site.rglob("*.html"):
        page = soup(path)
        for script in page.find_all("script"):
            assert not re.search(r"https?://", script.get_text()), (
                f"{path}: {script.get_text()[:200]}"
            )
        for tag in page.find_all(["script", "link", "img", "iframe"]):
            if tag.name == "link" and "canonical" in tag.get("rel", []):
                continue  # names the published address; nothing is fetched
            url = tag.get("src") or (tag.get("href") if tag.name == "link" else None)
            if url and not url.startswith("data:"):
                resolved = urljoin("http://site.invalid/x/", url)
                assert resolved.startswith("http://site.invalid/"), f"{path}: {url}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stem", tutorials())
def test_each_tutorial_offers_its_notebook(built_site: Path, language: str, stem: str) -> None:
    folder = page_dir(built_site, language, stem)
    link = soup(folder / "index.html").select_one(".sinfit-download a")
    assert link is not None and link["href"] == f"{stem}.ipynb"
    nb = nbformat.read(folder / f"{stem}.ipynb", as_version=4)
    nbformat.validate(nb)
    prose = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert in_korean(prose) == (language == "ko")
    assert "pytest-codeblocks" not in prose
    figures = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/svg+xml" in o.get("data", {})
    ]
    assert len(figures) >= 1


def test_language_switcher_points_at_the_same_page(built_site: Path) -> None:
    for stem in tutorials():
        for language, other, expected in (("en", "ko", f"ko/{stem}/"), ("ko", "en", f"{stem}/")):
            page = page_dir(built_site, language, stem) / "index.html"
            link = soup(page).select_one(f'.md-select a[hreflang="{other}"]')
            assert link is not None
            target = (page.parent / link["href"]).resolve()
            assert target == (built_site / expected).resolve(), link["href"]


def test_search_index_has_both_languages(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "gradient" in text and "기울기" in text


def nav_files(items) -> list[str]:
    """The pages of ``nav`` in order, its sections' pages in their place."""
    files = []
    for item in items:
        target = next(iter(item.values()))
        files += nav_files(target) if isinstance(target, list) else [target]
    return files


def test_course_pages_link_to_the_previous_and_next_in_both_languages(built_site: Path) -> None:
    order = nav_files(mkdocs_config()["nav"])  # the reading order: sections flattened
    assert order[0] == "index.md" and len(order) >= 6
    for language in LANGUAGES:
        for i, name in enumerate(order[1:], start=1):
            page = built_page(built_site, language, name)
            footer = soup(page)
            for cls, neighbour in (("prev", i - 1), ("next", i + 1)):
                link = footer.select_one(f"a.md-footer__link--{cls}")
                if neighbour >= len(order):
                    assert link is None
                    continue
                assert link is not None, f"{language}/{name}: no {cls} link"
                target = (page.parent / link["href"]).resolve() / "index.html"
                assert target == built_page(built_site, language, order[neighbour]).resolve()
            if language == "ko":
                # The site's labels; not the page's own contents (Material nests them in the
                # primary nav), where the reference lists sinfit's names as they are spelled.
                nav = [
                    a.get_text(strip=True)
                    for a in footer.select(".md-nav--primary .md-nav__link")
                    if not a.find_parent(class_="md-nav--secondary")
                ]
                assert all(HANGUL.search(t) or t == "Autograd" for t in nav if t), nav


def test_nav_labels_are_the_page_titles(built_site: Path) -> None:
    """The sidebar names each lesson as its page does, in each language."""
    for language in LANGUAGES:
        for stem in tutorials():
            html = soup(page_dir(built_site, language, stem) / "index.html")
            title = html.select_one("article h1").get_text(strip=True).rstrip("¶")
            labels = [
                a.get_text(" ", strip=True)
                for a in html.select(".md-nav--primary a.md-nav__link")
                if (a.get("href") or "").rstrip("/").endswith(stem) or "--active" in str(a)
            ]
            assert title in labels, f"{language}/{stem}: title {title!r}, nav {labels}"


def test_each_tutorial_ends_saying_how_it_was_executed_as_the_report_does(built_site: Path) -> None:
    rows = {
        page: (float(code_seconds), date)
        for page, _, _, _, code_seconds, date in REPORT_ROW.findall(
            build_log(built_site).read_text()
        )
    }
    words = {"en": ("Every output and figure", "on the CPU"), "ko": ("CPU에서 실행한 결과",)}
    for language in LANGUAGES:
        for stem in tutorials():
            seconds, date = rows[f"{language}/{stem}.md"]
            html = soup(page_dir(built_site, language, stem) / "index.html")
            proof = html.select("article .sinfit-proof")
            assert len(proof) == 1, f"{language}/{stem}: one proof line, got {len(proof)}"
            assert not proof[0].find_next(["h2", "h3", "pre"]), (
                f"{language}/{stem}: the proof line is the page's end, after every section"
            )
            text = proof[0].get_text()
            shown = html.select("article .jp-CodeCell .jp-InputArea")
            # the time as the report measured it, said coarsely (downloads.duration)
            assert date in text and downloads.duration(seconds, language) in text, text
            count = re.search(rf"(?<!\d){len(shown)}(?!\d)", text)
            assert count, f"{language}/{stem}: {len(shown)} blocks shown: {text}"
            assert all(w in text for w in words.get(language, ())), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_copy_button_copies_each_shown_cell_as_written(built_site: Path, language: str) -> None:
    """What a reader pastes is the page's code, indentation and all (hidden cells are not
    shown, so they have no button)."""
    for stem in tutorials():
        html = soup(page_dir(built_site, language, stem) / "index.html")
        # the text of what each button names: the cell's <pre> (markup.with_copy_from_code)
        # or mkdocs-jupyter's hidden copy
        copied = [html.find(id=b["for"]).get_text() for b in html.select("clipboard-copy[for]")]
        shown = [
            c.source.strip()
            for c in jupytext_cells(language, stem)
            if c.cell_type == "code" and not c.source.lstrip().startswith("#| hide")
        ]
        assert [c.strip() for c in copied] == shown, f"{language}/{stem}: copied code differs"


def test_each_page_describes_itself_in_its_language(built_site: Path) -> None:
    for language in LANGUAGES:
        for stem in tutorials():
            html = soup(page_dir(built_site, language, stem) / "index.html")
            meta = html.select_one('meta[name="description"]')["content"]
            assert in_korean(meta) == (language == "ko"), f"{language}/{stem}: {meta!r}"


def jupytext_cells(language: str, stem: str):
    import jupytext

    return jupytext.read(ROOT / "docs" / language / f"{stem}.md").cells


def test_colab_links_follow_repo_url(built_site: Path, tmp_path: Path) -> None:
    html = soup(page_dir(built_site, "ko", tutorials()[0]) / "index.html")
    assert not html.select('a[href*="colab"]'), "no repo_url: no Colab link"
    project = copy_project(tmp_path / "project", with_cache=True)
    config = project / "mkdocs.yml"
    config.write_text(
        "repo_url: https://github.com/example/sinfit\n" + config.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    proc = run_build(project, site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    stem = tutorials()[0]
    for language in LANGUAGES:
        link = soup(page_dir(site, language, stem) / "index.html").select_one('a[href*="colab"]')
        path = page_path(language, stem).strip("/") + f"/{stem}.ipynb"
        expected = f"https://colab.research.google.com/github/example/sinfit/blob/notebooks/{path}"
        assert link is not None and link["href"] == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_figure_has_a_caption_in_the_pages_language(built_site: Path, language: str) -> None:
    """The figures carry symbols and numbers only; their words are the caption's, so one
    execution serves both languages."""
    for stem in tutorials():
        html = soup(page_dir(built_site, language, stem) / "index.html")
        figures = html.select(".jupyter-wrapper img.sinfit-figure")
        captions = [
            img.find_parent("figure").figcaption.get_text()
            for img in figures
            if img.find_parent("figure") is not None
        ]
        assert len(captions) == len(figures) >= 1, f"{language}/{stem}"
        assert all(in_korean(c) == (language == "ko") for c in captions), captions
