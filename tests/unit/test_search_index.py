"""Material's search entries made once per page text (extensions/sitebuild/search_index.py),
checked against Material's own SearchIndex."""

from __future__ import annotations

from types import SimpleNamespace

from material.plugins.search.plugin import SearchIndex

from extensions.sitebuild.search_index import entries_once, page_key


def page(content: str, url: str = "why-slow/", title: str = "Why slow") -> SimpleNamespace:
    return SimpleNamespace(url=url, title=title, content=content, meta={}, toc=[])


CONTENT = '<h2 id="bound">The bound</h2><p>eta below two over lambda</p>'


def test_the_entries_are_material_s_and_made_once_per_page_text() -> None:
    calls = []

    def add(index, p) -> None:
        calls.append(p.url)
        SearchIndex.add_entry_from_context(index, p)

    wrapped = entries_once(add)
    first, second, plain = SearchIndex(), SearchIndex(), SearchIndex()
    wrapped(first, page(CONTENT))
    wrapped(second, page(CONTENT))
    SearchIndex.add_entry_from_context(plain, page(CONTENT))
    assert first.entries == second.entries == plain.entries
    assert any("eta below two" in e["text"] for e in plain.entries)
    assert calls == ["why-slow/"], "the second build reused the first's entries"
    second.entries[0]["text"] = "changed"
    third = SearchIndex()
    wrapped(third, page(CONTENT))
    assert third.entries == plain.entries, "each build gets its own copy"


def test_a_changed_page_is_parsed_again() -> None:
    calls = []

    def add(index, p) -> None:
        calls.append(p.content)
        SearchIndex.add_entry_from_context(index, p)

    wrapped = entries_once(add)
    index = SearchIndex()
    wrapped(index, page(CONTENT))
    wrapped(index, page(CONTENT.replace("two", "2")))
    wrapped(index, page(CONTENT, url="ko/why-slow/"))
    assert len(calls) == 3
    assert page_key(page(CONTENT)) != page_key(page(CONTENT, title="Other"))
