"""Material's search entries made once per page text (extensions/sitebuild/search_index.py),
checked against Material's own SearchIndex."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from material.plugins.search.plugin import SearchIndex

from extensions.sitebuild.search_index import EntryStore, entries_once, page_key


def page(content: str, url: str = "why-slow/", title: str = "Why slow") -> SimpleNamespace:
    return SimpleNamespace(url=url, title=title, content=content, meta={}, toc=[])


CONTENT = '<h2 id="bound">The bound</h2><p>eta below two over lambda</p>'


def counted(store: EntryStore | None = None) -> tuple[list[SimpleNamespace], Callable]:
    """Material's ``add_entry_from_context`` wrapped by ``entries_once``, and the pages it
    was really called with."""
    calls: list[SimpleNamespace] = []

    def add(index, p) -> None:
        calls.append(p)
        SearchIndex.add_entry_from_context(index, p)

    return calls, entries_once(add, store or EntryStore())


def test_the_entries_are_material_s_and_made_once_per_page_text() -> None:
    calls, wrapped = counted()
    first, second, plain = SearchIndex(), SearchIndex(), SearchIndex()
    wrapped(first, page(CONTENT))
    wrapped(second, page(CONTENT))
    SearchIndex.add_entry_from_context(plain, page(CONTENT))
    assert first.entries == second.entries == plain.entries
    assert any("eta below two" in e["text"] for e in plain.entries)
    assert [p.url for p in calls] == ["why-slow/"], "the second build reused the first's entries"
    second.entries[0]["text"] = "changed"
    third = SearchIndex()
    wrapped(third, page(CONTENT))
    assert third.entries == plain.entries, "each build gets its own copy"


def test_a_changed_page_is_parsed_again() -> None:
    calls, wrapped = counted()
    index = SearchIndex()
    wrapped(index, page(CONTENT))
    wrapped(index, page(CONTENT.replace("two", "2")))
    wrapped(index, page(CONTENT, url="ko/why-slow/"))
    assert len(calls) == 3
    assert page_key(page(CONTENT)) != page_key(page(CONTENT, title="Other"))


def test_a_new_process_reuses_the_entries_kept_on_disk(tmp_path: Path) -> None:
    _, wrapped = counted(EntryStore(tmp_path))
    first = SearchIndex()
    wrapped(first, page(CONTENT))
    later_calls, later = counted(EntryStore(tmp_path))  # as a later build's fresh store
    second = SearchIndex()
    later(second, page(CONTENT))
    assert second.entries == first.entries and later_calls == []
    other = SearchIndex(separator="[\\s]+")  # other settings: parsed again
    later(other, page(CONTENT))
    assert len(later_calls) == 1


def test_pruning_keeps_only_the_entries_this_process_used(tmp_path: Path) -> None:
    old = EntryStore(tmp_path)
    _, wrapped = counted(old)
    wrapped(SearchIndex(), page(CONTENT))
    wrapped(SearchIndex(), page(CONTENT.replace("two", "2")))
    assert len(list(tmp_path.glob("*.json"))) == 2
    new = EntryStore(tmp_path)
    _, later = counted(new)
    later(SearchIndex(), page(CONTENT))  # the page as it is now
    new.prune()
    (kept,) = tmp_path.glob("*.json")
    assert kept.stem in new.memory
