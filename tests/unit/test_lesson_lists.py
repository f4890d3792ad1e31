"""The lists of lessons a reader meets (each home page, README) follow mkdocs.yml's nav."""

from __future__ import annotations

import re

from extensions.sitebuild.execution import is_tutorial
from extensions.sitebuild.project import ROOT, languages, mkdocs_config

LINK = re.compile(r"\[([^\]]+)\]\(([\w-]+\.md)\)")


def nav_pages(items=None) -> list[tuple[str, str]]:
    """(label, file) of every page in nav, in order, sections flattened."""
    found = []
    for item in mkdocs_config()["nav"] if items is None else items:
        for label, target in item.items():
            if isinstance(target, list):
                found += nav_pages(target)
            else:
                found.append((label, target))
    return found


def lessons() -> list[str]:
    """The tutorials in nav order: nav's other pages (the home page, the reference) are not
    lessons, and no list of lessons names them."""
    return [file for _, file in nav_pages() if is_tutorial(ROOT / "docs" / "en" / file)]


def title(language: str, file: str) -> str:
    text = (ROOT / "docs" / language / file).read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.MULTILINE).group(1).strip()


def test_every_lesson_is_in_nav_and_nav_names_only_pages_that_exist() -> None:
    in_nav = sorted(file for _, file in nav_pages())
    for language in languages():
        on_disk = sorted(p.name for p in (ROOT / "docs" / language).glob("*.md"))
        assert in_nav == on_disk, f"{language}: nav and docs/ disagree"
        tutorials = {p.name for p in (ROOT / "docs" / language).glob("*.md") if is_tutorial(p)}
        assert sorted(lessons()) == sorted(tutorials), f"{language}: a tutorial not in nav"
    assert "reference.md" in in_nav and "reference.md" not in lessons()


def home_problems(language: str, home: str) -> list[str]:
    """How the home page ``home`` of ``language`` strays from nav: order, missing, link text."""
    listed = [(text, file) for text, file in LINK.findall(home) if file != "index.md"]
    first = list(dict.fromkeys(file for _, file in listed))
    if first != lessons():
        return [f"docs/{language}/index.md lists {first}, nav has {lessons()}"]
    return [
        f"docs/{language}/index.md: the link to {file} does not say the page's title "
        f"{title(language, file)!r}"
        for file in lessons()
        if title(language, file) not in [text for text, f in listed if f == file]
    ]


def test_each_home_page_lists_the_lessons_in_nav_order_by_their_titles() -> None:
    for language in languages():
        home = (ROOT / "docs" / language / "index.md").read_text(encoding="utf-8")
        assert home_problems(language, home) == []


def test_a_home_page_out_of_order_or_mistitled_is_named() -> None:
    first, second = lessons()[:2]
    swapped = f"[{title('en', second)}]({second}) [{title('en', first)}]({first})"
    assert home_problems("en", swapped)[0].startswith("docs/en/index.md lists")
    renamed = " ".join(f"[Lesson]({f})" for f in lessons())
    assert len(home_problems("en", renamed)) == len(lessons())


def test_readme_names_the_lessons_in_nav_order() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## The course")
    course = readme[start : readme.index("\n## ", start)]
    positions = {file: course.find(title("en", file)) for file in lessons()}
    missing = [file for file, at in positions.items() if at == -1]
    assert not missing, f"README's course section does not name {missing}"
    assert list(positions.values()) == sorted(positions.values()), "README's order is not nav's"
