"""The Korean words the build adds to the search index (extensions/sitebuild/search_korean.py)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from extensions.sitebuild import search_korean as sk
from extensions.sitebuild.project import mkdocs_config

ROOT = Path(__file__).resolve().parents[2]
# mkdocs.yml's search settings: the tests split words with the site's separator.
SEARCH = next(
    p["search"] for p in mkdocs_config()["plugins"] if isinstance(p, dict) and "search" in p
)
SEPARATOR = SEARCH["separator"]


@dataclass
class Tok:
    form: str
    tag: str
    start: int
    len: int


class Fake:
    """An analyser that knows a few words (as Kiwi tags them), for exact expectations."""

    WORDS: ClassVar[dict[str, str]] = {
        "경사": "NNG", "하강": "NNG", "법": "XSN", "헤세": "NNP", "행렬": "NNG", "미니": "NNG",
        "배치": "NNG", "무": "XPN", "작위": "NNG", "때": "NNG", "실행": "NNG", "첫": "MM",
        "째": "XSN", "강의": "NNG", "이": "JKS", "을": "JKO", "기본": "NNG",
    }  # fmt: skip

    def tokenize(self, text: str) -> list[Tok]:
        tokens, i = [], 0
        while i < len(text):
            for n in (3, 2, 1):
                piece = text[i : i + n]
                if piece in self.WORDS:
                    tokens.append(Tok(piece, self.WORDS[piece], i, n))
                    i += n
                    break
            else:
                i += 1
        return tokens


def test_a_run_of_nouns_across_spaces_gets_its_joined_forms() -> None:
    joined = {"기본경사", "경사하강법", "기본경사하강법"}
    assert sk.compounds("기본 경사 하강법이", Fake()) == joined
    assert sk.compounds("헤세 행렬(Hessian)", Fake()) == {"헤세행렬"}


def test_a_noun_inside_a_word_gets_the_rest_of_the_word() -> None:
    assert sk.compounds("미니배치의", Fake()) == {"배치"}


def test_no_words_from_prefixes_suffixes_or_single_syllables() -> None:
    # 무+작위 is a prefixed word, not two nouns; 때 glued to 실행 is no term; 첫째 강의 starts
    # with a suffix; punctuation ends a run.
    assert sk.compounds("무작위", Fake()) == set()
    assert sk.compounds("때 실행", Fake()) == set()
    assert sk.compounds("첫째 강의", Fake()) == set()
    assert sk.compounds("경사, 하강", Fake()) == set()


TERMS = [
    sk.Term("gradient", "기울기", ("그래디언트", "경사도", "곧 ", "닫힌 해(", "변화도")),
    sk.Term("leaf tensor", "리프 텐서", ()),
    sk.Term("automatic differentiation (autograd)", "자동 미분", ()),
    sk.Term("step (one update)", "걸음", ()),
    sk.Term("Adam", "Adam", ("아담",)),
]


def test_a_glossary_term_brings_its_other_spellings() -> None:
    assert TERMS[0].words() == ["gradient", "그래디언트", "경사도", "변화도"]  # no fragments
    assert TERMS[1].words() == ["리프텐서", "leaf", "tensor"]
    assert TERMS[2].words() == ["자동미분", "automatic", "differentiation", "autograd"]
    assert TERMS[3].words() == ["step"]  # a parenthesis that explains is not the term


def test_a_term_is_found_through_its_first_use_parenthesis() -> None:
    # First use is written 한글(English), sometimes inside a spaced term.
    assert TERMS[1].pattern.search("직접 만든 리프(leaf) 텐서이고")
    assert TERMS[1].pattern.search("리프 텐서")
    assert not TERMS[1].pattern.search("리프와 텐서")


def test_a_section_gets_only_words_that_find_something_new() -> None:
    title, words = sk.keywords(
        "기울기를 직접 계산하기",
        "<p>Adam은 <code>경사 하강법</code>의 기울기(gradient)를 씁니다</p>",
        Fake(),
        TERMS,
        SEPARATOR,
    )
    # From the title: the term's other spellings, boosted as the title.
    assert title.split() == ["gradient", "경사도", "그래디언트", "변화도"]
    # From the text: 경사하강법 (joined) and 아담 (Adam on the page); not gradient (the text
    # writes it, and the title's field has it) nor 하강법 (a word of the text already).
    assert words.split() == ["경사하강법", "아담"]


def test_a_prefix_of_a_word_already_there_is_not_added() -> None:
    _, words = sk.keywords("", "<p>경사하강법, 경사 하강법</p>", Fake(), [], SEPARATOR)
    assert words == ""  # 경사하강법 is written; its prefixes match already


def test_the_separator_splits_what_korean_text_glues_to_words() -> None:
    words = sk.search_words("'변화도'라고 기울기(gradient)를 nn.Module에 1.5배", SEPARATOR)
    assert words == ["변화도", "라고", "기울기", "gradient", "를", "nn", "module에", "1.5배"]


def fake_words(title: str, text: str, separator: str) -> tuple[str, str]:
    return sk.keywords(title, text, Fake(), TERMS, separator)


def index(*docs: dict) -> dict:
    fields = {"title": {"boost": 1000}, "text": {"boost": 1}, "title_keywords": {}, "keywords": {}}
    return {"config": {"separator": SEPARATOR, "fields": fields}, "docs": list(docs)}


def test_only_korean_entries_get_words() -> None:
    data = index(
        {"location": "autograd/", "title": "Autograd", "text": "기울기 경사 하강법"},
        {"location": "ko/autograd/", "title": "Autograd", "text": "경사 하강법"},
        {"location": "ko/#start", "title": "시작", "text": "작위"},
    )
    assert sk.add_keywords(data, ("en", "ko"), fake_words) == 1
    en, ko, nothing = data["docs"]
    assert "keywords" not in en and "title_keywords" not in en
    assert ko["keywords"] == "경사하강법"
    assert set(nothing) == {"location", "title", "text"}


def test_the_fields_must_be_declared_or_the_browser_ignores_them() -> None:
    data = index()
    del data["config"]["fields"]["keywords"]
    with pytest.raises(ValueError, match=r"mkdocs\.yml's search plugin must list it"):
        sk.add_keywords(data, ("en", "ko"), fake_words)


def test_mkdocs_yml_declares_the_fields() -> None:
    assert set(sk.FIELDS) <= set(SEARCH["fields"])  # the fields written are the ones indexed
    assert SEARCH["fields"]["title_keywords"]["boost"] == 1000  # Material's title boost
    assert SEARCH["pipeline"] == []  # no stop words dropped (동안, 다음, 시간)


def test_without_keywords_is_what_material_wrote() -> None:
    data = index({"location": "ko/", "title": "홈", "text": "경사 하강법"})
    before = sk.dumps(data)
    sk.add_keywords(data, ("en", "ko"), fake_words)
    after = sk.dumps(data)
    assert after != before and sk.without_keywords(after) == before


def test_the_glossary_feeds_the_search() -> None:
    terms = {t.en: t for t in sk.glossary_terms(ROOT / "glossary.toml")}
    assert "변화도" in terms["gradient"].words()
    assert "아담" in terms["Adam"].words()
    assert "경사하강법" in terms["gradient descent"].words()


def test_kiwi_finds_the_course_s_compounds() -> None:
    """The real analyser, told the glossary: the compounds of issue #23 come out."""
    pytest.importorskip("kiwipiepy")
    analyser = sk.kiwi(sk.glossary_terms(ROOT / "glossary.toml"))
    text = "기본 경사 하강법이 느린 이유. 헤세 행렬(Hessian)과 자동 미분, 계산 그래프에 미니배치"
    found = sk.compounds(text, analyser)
    assert {"경사하강법", "헤세행렬", "자동미분", "계산그래프", "배치"} <= found
    assert analyser.tokenize("옵티마이저가")[0].form == "옵티마이저"


def test_the_index_file_is_rewritten_and_its_words_remembered(tmp_path, monkeypatch) -> None:
    """rewrite_index adds the words to the file and keeps them by entry: a second build with
    the same Korean text does not load the analyser."""
    site = tmp_path / "search_index.json"
    data = index({"location": "ko/", "title": "홈", "text": "경사 하강법"})
    site.write_text(sk.dumps(data), encoding="utf-8")
    glossary = tmp_path / "glossary.toml"
    glossary.write_text('[[term]]\nen = "Adam"\nko = "Adam"\navoid = ["아담"]\n', "utf-8")
    loads = []

    def fake_kiwi(terms):
        loads.append(terms)
        return Fake()

    monkeypatch.setattr(sk, "kiwi", fake_kiwi)
    sk._kiwi_for.cache_clear()
    first = sk.rewrite_index(site, ("en", "ko"), glossary, tmp_path / "cache")
    assert json.loads(site.read_text())["docs"][0]["keywords"] == "경사하강법"
    assert first[0] == 1 and first[2] > first[1]
    site.write_text(sk.dumps(data), encoding="utf-8")
    sk._kiwi_for.cache_clear()
    assert sk.rewrite_index(site, ("en", "ko"), glossary, tmp_path / "cache") == first
    assert len(loads) == 1, "the second build loaded the analyser again"
    sk._kiwi_for.cache_clear()


def test_kiwi_loads_once_whichever_thread_asks_first() -> None:
    """`mkdocs serve` starts loading Kiwi on a thread after its first build; a save that needs
    it meanwhile waits for that load instead of starting a second one."""
    glossary = ROOT / "glossary.toml"
    loading = sk.load_in_background(glossary)
    analyser, terms = sk.analyser_for(glossary)
    loading.join(timeout=120)
    assert not loading.is_alive()
    again, _ = sk.analyser_for(glossary)
    assert again is analyser, "one Kiwi per process and glossary"
    assert {t.en for t in terms} >= {"gradient", "learning rate"}
    assert any(t.tag.startswith("NN") for t in analyser.tokenize("경사 하강법"))


def test_kiwi_is_loaded_early_only_when_the_memo_may_miss(tmp_path: Path) -> None:
    page = tmp_path / "docs" / "ko" / "page.md"
    page.parent.mkdir(parents=True)
    page.write_text("손실", encoding="utf-8")
    memo = tmp_path / "memo"
    assert sk.words_may_change(memo, [page]), "no memo: every entry is new"
    memo.mkdir()
    (memo / "key.json").write_text("{}", encoding="utf-8")
    os.utime(memo / "key.json", (100, 100))  # the last build's memo
    os.utime(page, (1, 1))
    assert not sk.words_may_change(memo, [page]), "nothing edited since the memo"
    os.utime(page, (200, 200))  # an edit after the last build
    assert sk.words_may_change(memo, [page])
    assert not sk.words_may_change(memo, [tmp_path / "gone.md"]), "a removed page"
