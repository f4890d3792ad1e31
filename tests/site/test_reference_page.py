"""The reference page (docs/*/reference.md): every public name of sinfit, from its docstrings,
in every language's site, with the page's own words in its language.

It is not a tutorial (nothing executes, no figures, no exercises), so the tests that walk the
tutorials (build, reading, quality budgets, exercises) leave it out; the gates, the links and
the first-visit rewrite cover it with every other page."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from extensions.sitebuild.gates import built_page
from tests.conftest import LANGUAGES, ROOT, mkdocs_config

HANGUL = re.compile("[\uac00-\ud7a3]")


def public_names() -> list[str]:
    """sinfit's ``__all__``, read from the source (no torch import)."""
    tree = ast.parse((ROOT / "sinfit" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "__all__":
            return list(ast.literal_eval(node.value))
    raise AssertionError("sinfit/__init__.py has no __all__")


def nav_label(language: str) -> str:
    (label,) = [
        k for item in mkdocs_config()["nav"] for k, v in item.items() if v == "reference.md"
    ]
    if language == LANGUAGES[0]:
        return label
    for entry in mkdocs_config()["plugins"]:
        if isinstance(entry, dict) and "i18n" in entry:
            for lang in entry["i18n"]["languages"]:
                if lang["locale"] == language:
                    return lang["nav_translations"][label]
    raise AssertionError(f"no nav_translations for {language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reference_documents_every_public_name(built_site: Path, language: str) -> None:
    html = built_page(built_site, language, "reference.md").read_text(encoding="utf-8")
    article = BeautifulSoup(html, "html.parser").select_one("article")
    ids = {tag["id"] for tag in article.find_all(id=True)}
    missing = [name for name in public_names() if f"sinfit.{name}" not in ids]
    assert not missing, f"{language}: the reference lacks {missing}"
    documented = [h for h in article.select("h2.doc-heading") if h.get("id", "").count(".") == 1]
    assert len(documented) == len(public_names()), "one heading per public name, no other"
    # The docstrings as Markdown: examples as code, no Sphinx role left as text.
    text = article.get_text()
    assert ":func:" not in text and ":class:" not in text
    assert not article.select("blockquote"), "a doctest line read as a quote"
    assert any(">>>" in pre.get_text() for pre in article.select("pre"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_s_title_and_introduction_are_in_its_language(
    built_site: Path, language: str
) -> None:
    html = built_page(built_site, language, "reference.md").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    title = soup.select_one("article h1").get_text(strip=True).rstrip("¶")
    assert title == nav_label(language), "nav names the page by its title"
    intro = soup.select_one("article h1").find_next("p").get_text()
    assert bool(HANGUL.search(intro)) == (language == "ko"), intro
    assert soup.html["lang"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_overview_names_every_public_name_once_in_the_page_s_language(
    built_site: Path, language: str
) -> None:
    """The overview above the docstrings (written by hand, in each language) cannot fall behind
    sinfit's ``__all__``: a name added, renamed or removed fails here until the list says so."""
    html = built_page(built_site, language, "reference.md").read_text(encoding="utf-8")
    article = BeautifulSoup(html, "html.parser").select_one("article")
    overview = article.select_one("h2:not(.doc-heading)")
    assert overview is not None, f"{language}: no overview section before the entries"
    links = []
    for sibling in overview.find_next_siblings():
        if "doc" in " ".join(sibling.get("class", [])) or sibling.name == "h2":
            break
        links += [a["href"] for a in sibling.select("a[href^='#sinfit.']")]
        for item in sibling.select("li"):
            assert bool(HANGUL.search(item.get_text())) == (language == "ko"), item.get_text()
    named = [href.removeprefix("#sinfit.") for href in links]
    doubled = sorted({name for name in named if named.count(name) > 1})
    assert not doubled, f"{language}: the overview lists {doubled} more than once"
    assert sorted(named) == sorted(public_names()), (
        f"{language}: the overview lacks {sorted(set(public_names()) - set(named))}"
        f" and names {sorted(set(named) - set(public_names()))} that sinfit does not export"
    )
