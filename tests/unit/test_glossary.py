"""The Korean pages keep the course's terms (glossary.toml), and their captions are noun phrases."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from extensions.sitebuild import downloads, pages

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "glossary.toml"
KOREAN_PAGES = sorted((ROOT / "docs" / "ko").glob("*.md"))
EXPLORER = ROOT / "extensions" / "overrides" / "assets" / "javascripts" / "explorer.js"
CAPTION = re.compile(r"<!--\s*caption:\s*(.*?)\s*-->", re.DOTALL)


def terms() -> list[dict]:
    return tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["term"]


def korean_texts() -> dict[str, str]:
    """Every Korean text a reader meets: the pages, and the words the build and widgets write."""
    texts = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in KOREAN_PAGES}
    texts["extensions/sitebuild/downloads.py TEXT['ko']"] = "\n".join(downloads.TEXT["ko"].values())
    texts["extensions/sitebuild/pages.py SOLUTION_SUMMARY['ko']"] = pages.SOLUTION_SUMMARY["ko"]
    hangul = re.findall(r'"([^"\n]*[\uac00-\ud7a3][^"\n]*)"', EXPLORER.read_text(encoding="utf-8"))
    texts["explorer.js (Korean labels)"] = "\n".join(hangul)
    return texts


def test_the_glossary_is_well_formed() -> None:
    seen = set()
    for term in terms():
        assert {"en", "ko", "avoid"} <= term.keys(), term
        assert term["en"] not in seen, f"{term['en']!r} twice in glossary.toml"
        seen.add(term["en"])
        for variant in term["avoid"]:
            assert variant and variant not in term["ko"], (
                f"{term['en']}: avoiding {variant!r} would forbid the term itself, {term['ko']!r}"
            )
    assert len(seen) >= 20


def test_there_are_korean_pages_to_check() -> None:
    assert len(KOREAN_PAGES) == len(list((ROOT / "docs" / "en").glob("*.md")))


def misses(name: str, text: str) -> list[str]:
    """Each avoided variant in ``text``, with its line and the term to write instead."""
    found = []
    for term in terms():
        for variant in term["avoid"]:
            for m in re.finditer(re.escape(variant), text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{name}:{line}: {variant!r}, write {term['ko']!r} ({term['en']})")
    return found


@pytest.mark.parametrize("name", sorted(korean_texts()))
def test_korean_text_uses_the_glossary_terms(name: str) -> None:
    found = misses(name, korean_texts()[name])
    assert not found, "glossary.toml terms not kept:\n" + "\n".join(found)


@pytest.mark.parametrize("page", KOREAN_PAGES, ids=lambda p: p.name)
def test_korean_captions_are_noun_phrases(page: Path) -> None:
    sentences = [
        c
        for c in CAPTION.findall(page.read_text(encoding="utf-8"))
        if re.search(r"(니다|세요|이다|한다)\.?$", c)
    ]
    assert not sentences, f"{page.name}: sentences, not noun phrases, as captions: {sentences}"


def test_a_variant_is_found_and_named() -> None:
    # the check itself can fail: a listed variant is reported with its line and the term
    text = "# 제목\n\n학습률이 안정 조건을 넘으면 발산합니다.\n"
    assert misses("p.md", text) == ["p.md:3: '안정 조건', write '안정 한계' (stability bound)"]
    assert misses("p.md", "학습률이 안정 한계를 넘으면 발산합니다.") == []


INVISIBLE = {
    "\u200b": "zero width space",
    "\u200c": "zero width non-joiner",
    "\u200d": "zero width joiner",
    "\u2060": "word joiner",
    "\ufeff": "BOM",
}


@pytest.mark.parametrize("page", sorted((ROOT / "docs").glob("*/*.md")), ids=lambda p: p.name)
def test_pages_hold_no_invisible_characters(page: Path) -> None:
    """An invisible character inside a word ("y\u2060축") is copied with it and hides the word
    from search (the page's and the browser's): a reader searching "y축" does not find it."""
    found = [
        f"line {n}: {INVISIBLE[c]} (U+{ord(c):04X}) in {line.strip()[:60]!r}"
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        for c in INVISIBLE
        if c in line
    ]
    assert not found, f"{page.relative_to(ROOT)}: " + "; ".join(found)
