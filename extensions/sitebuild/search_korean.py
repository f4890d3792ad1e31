"""The words a Korean reader types, added to the Korean pages' search entries at build time.

Material's search runs lunr in the reader's browser; lunr's Korean support splits text on the
search separator only and matches a query as a prefix of a word. A reader who types a compound
without its space (경사하강법 for the page's 경사 하강법), a word from inside a compound (배치 in
미니배치), or another spelling of a course term (PyTorch's Korean docs' 변화도, 아담 for Adam,
그래디언트) found nothing (issue #23). Segmenting the query in the browser would mean shipping a
morphological analyser to every reader; here the build does it once:

* **Compounds, both ways.** kiwipiepy (Kiwi, a Korean morphological analyser) finds each run of
  nouns in a Korean section. A run written across spaces gets its joined form (경사 하강법 →
  경사하강법, 헤세 행렬 → 헤세행렬); a noun written inside one word gets the rest of the word
  from it (미니배치 → 배치).
* **The glossary's terms in both scripts.** A section that uses a term of ``glossary.toml``
  gets the term's English words, its Korean form without spaces, the variants the glossary
  tells translators to avoid (which are what readers type) and its ``search`` words.

The words go to two more fields of each entry, :data:`FIELDS`, which mkdocs.yml's search
``fields`` declares, so Material's worker indexes them like the title and the text but never
shows them. A word is added only when no word of the section already starts with it (the
search matches prefixes, so it would find nothing new), which keeps the index small. Plain
Python, no MkDocs imports: ``extensions/hooks/page_markup.py`` runs it on the written index.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
import threading
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from extensions.sitebuild.files import write_atomically

# The fields the words go to: those from a section's title, those from its text. mkdocs.yml's
# search `fields` declares both, with the boosts of the title and the text.
FIELDS = ("title_keywords", "keywords")
ENV_SWITCH = "SINFIT_KOREAN_SEARCH"  # "0": the build leaves the index as Material wrote it

HANGUL = re.compile(r"[\uac00-\ud7a3]")
TAG = re.compile(r"<[^>]*>")
# Kiwi's tags for the parts of a compound noun: general and proper nouns, noun prefixes and
# suffixes (학습+률, 하강+법). Bound nouns (수, 것) and numbers are left out: joined to their
# neighbours they make words nobody types.
NOUN_TAGS = frozenset({"NNG", "NNP", "XPN", "XSN"})
# A run longer than this many words gives every joined stretch of up to this many: three covers
# "르장드르 다항식 기저"; longer stretches are phrases, not terms.
MAX_JOINED = 3
MIN_LENGTH = 2  # one syllable matches half the index as a prefix: not worth a word


class Token(Protocol):
    form: str
    tag: str
    start: int
    len: int


class Analyser(Protocol):
    def tokenize(self, text: str) -> Sequence[Token]: ...


@dataclass(frozen=True)
class Term:
    """One entry of glossary.toml, as search uses it."""

    en: str
    ko: str
    others: tuple[str, ...]  # avoided variants and `search` words: other spellings readers type

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        # The first use of a term is written 한글(English), sometimes inside a spaced term:
        # 리프(leaf) 텐서. Between the words of the term, space or such a parenthesis.
        parts = [re.escape(p) for p in self.ko.split()]
        return re.compile(r"(?:\s*(?:\([^()]*\))?\s*)".join(parts), re.IGNORECASE)

    def words(self) -> list[str]:
        """What a reader may type for this term, besides what the page writes."""
        found = ["".join(self.ko.split())] if " " in self.ko.strip() else []
        # English: the words outside parentheses, and a one-word parenthesis (autograd) too.
        en = self.en
        for inner in re.findall(r"\(([^()]*)\)", en):
            en = en.replace(f"({inner})", " " + inner if " " not in inner.strip() else " ")
        found += [w for w in re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]", en) if len(w) >= 3]
        for other in self.others:
            # Variants listed as fragments (곧 , 닫힌 해( ) are not words anyone searches for.
            word = "".join(other.split())
            if re.fullmatch(r"[\w가-힣.-]+", word) and len(word) >= MIN_LENGTH:
                found.append(word)
        return found


def glossary_terms(path: Path) -> list[Term]:
    """The glossary's terms (``[[term]]`` en, ko, avoid, optional search)."""
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["term"]
    return [
        Term(e["en"], e["ko"], tuple(e.get("avoid", ())) + tuple(e.get("search", ())))
        for e in entries
    ]


def plain(markup: str, between_tags: str = "") -> str:
    """The text of an entry's HTML, entities decoded."""
    return html.unescape(TAG.sub(between_tags, markup))


def search_words(text: str, separator: str) -> list[str]:
    """``text`` split as the search splits it (its separator), lower-cased."""
    return [w for w in re.split(separator, text.lower()) if w]


def compounds(text: str, analyser: Analyser) -> set[str]:
    """Joined forms of the noun runs written across spaces, and the rest of each word from a
    noun inside it."""
    found: set[str] = set()
    runs: list[list[list[Token]]] = []  # run -> words (space-separated) -> tokens
    previous: Token | None = None
    for token in analyser.tokenize(text):
        if token.tag not in NOUN_TAGS or not HANGUL.search(token.form):
            previous = None
            continue
        gap = text[previous.start + previous.len : token.start] if previous else None
        if gap is None or (gap and not gap.isspace()):
            if token.tag == "XSN":  # a suffix of what came before (첫+째): starts nothing
                previous = None
                continue
            runs.append([[token]])  # a new run: the first noun, or after punctuation
        elif gap:
            runs[-1].append([token])  # the run goes on in the next word
        else:
            runs[-1][-1].append(token)  # the same word
        previous = token

    def surface(tokens: list[Token]) -> str:
        return text[tokens[0].start : tokens[-1].start + tokens[-1].len]

    for run in runs:
        words = [surface(w) for w in run]
        for i in range(len(words)):
            for j in range(i + 2, min(i + MAX_JOINED, len(words)) + 1):
                # A one-syllable word (때, 위, 수) glued to its neighbour makes no term.
                if all(len(w) >= MIN_LENGTH for w in words[i:j]):
                    found.add("".join(words[i:j]))
        for word in run:
            for k in range(1, len(word)):
                # From a noun of its own after a noun (미니+배치 → 배치), not after a prefix
                # (무+작위) nor from a one-syllable piece (학습+률).
                nouns_before = any(t.tag in {"NNG", "NNP"} for t in word[:k])
                if nouns_before and word[k].tag in {"NNG", "NNP"} and word[k].len >= 2:
                    found.add(surface(word[k:]))
    return {w for w in found if len(w) >= MIN_LENGTH}


def candidates(reading: str, analyser: Analyser, terms: Iterable[Term]) -> set[str]:
    """The compounds' other forms and the glossary's words for the plain text ``reading``."""
    found = {w.lower() for w in compounds(reading, analyser)}
    for term in terms:
        if term.pattern.search(reading):
            found.update(w.lower() for w in term.words())
    return found


def _new(words: set[str], have: list[str]) -> list[str]:
    """``words`` but those that some word of ``have`` or a longer kept word starts with: the
    search matches a query as the prefix of a word, so they would find nothing new."""
    kept: list[str] = []
    for word in sorted(words, key=lambda w: (-len(w), w)):
        if not any(h.startswith(word) for h in have) and not any(k.startswith(word) for k in kept):
            kept.append(word)
    return sorted(kept)


def keywords(
    title: str, text: str, analyser: Analyser, terms: Sequence[Term], separator: str
) -> tuple[str, str]:
    """The words to add to one Korean section: (those its title gives, those its HTML text
    gives), each space-separated and sorted, "" for none. The title's go to a field boosted
    as the title is, so that 경사하강법 ranks the page titled 경사 하강법 as 경사 하강법 does."""
    title_plain, text_plain = plain(title), plain(text)
    title_have = search_words(plain(title, " "), separator)
    from_title = _new(candidates(title_plain, analyser, terms), title_have)
    have = title_have + from_title + search_words(plain(text, " "), separator)
    from_text = _new(candidates(title_plain + "\n" + text_plain, analyser, terms), have)
    return " ".join(from_title), " ".join(from_text)


def gets_words(language: str) -> bool:
    """Whether the entries of ``language`` get Korean search words: Korean ones only."""
    return language.startswith("ko")


def language_of(location: str, languages: Sequence[str]) -> str:
    """The language of an index entry, by its location: the default language (the first) has
    no folder, the others ``<locale>/``."""
    for language in languages[1:]:
        if location == language or location.startswith((language + "/", language + "#")):
            return language
    return languages[0]


def add_keywords(
    index: dict[str, Any],
    languages: Sequence[str],
    words_of: Callable[[str, str, str], tuple[str, str]],
) -> int:
    """Add :data:`FIELDS` to each Korean entry of a Material search index (its JSON, loaded),
    with ``words_of(title, text, separator)`` (:func:`keywords` with an analyser and the
    terms, or its memo); return how many entries got words."""
    fields = index["config"].get("fields", {})
    for field in FIELDS:
        if field not in fields:
            raise ValueError(
                f"the search index has no field {field!r}: mkdocs.yml's search plugin must "
                "list it under `fields`, or the browser would never index the words added to it"
            )
    separator = index["config"]["separator"]
    changed = 0
    for doc in index["docs"]:
        for field in FIELDS:
            doc.pop(field, None)
        if not gets_words(language_of(doc["location"], languages)):
            continue
        words = words_of(doc.get("title", ""), doc.get("text", ""), separator)
        for field, value in zip(FIELDS, words, strict=True):
            if value:
                doc[field] = value
        changed += any(words)
    return changed


def dumps(index: dict[str, Any]) -> str:
    """The index as Material writes it (compact, ASCII), so that an entry left alone is
    byte-for-byte what Material wrote."""
    return json.dumps(index, separators=(",", ":"), default=str)


def without_keywords(index_text: str) -> str:
    """The same index without the added words: what Material alone would have written."""
    index = json.loads(index_text)
    for doc in index["docs"]:
        for field in FIELDS:
            doc.pop(field, None)
    return dumps(index)


def kiwi(terms: Sequence[Term]) -> Analyser:
    """Kiwi, told the glossary's one-word Korean terms that it would cut into pieces that are
    not all nouns (alone, 옵티마이저 comes out as 옵티마 + 이 + 저가). A term it reads as nouns
    is left to it, so that 미니배치 still gives 미니 + 배치."""
    from kiwipiepy import Kiwi

    # Neither the typo dictionary (typos are not corrected unless asked) nor the multi-word one
    # changes how the pages are cut, and together they are most of its loading time.
    analyser = Kiwi(load_typo_dict=False, load_multi_dict=False)
    for term in terms:
        word = term.ko.strip()
        if re.fullmatch(r"[가-힣]+", word) and any(
            t.tag not in NOUN_TAGS for t in analyser.tokenize(word)
        ):
            analyser.add_user_word(word, "NNP")
    return analyser


def fingerprint(glossary: Path, separator: str) -> str:
    """What the words depend on besides an entry's own title and text: this module, the
    glossary, the analyser's version and the search separator."""
    from importlib.metadata import version

    parts = [
        Path(__file__).read_bytes(),
        glossary.read_bytes(),
        version("kiwipiepy").encode(),
        version("kiwipiepy_model").encode(),
        separator.encode(),
    ]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


class _Memo:
    """The words of each entry, kept on disk by the entry's title and text: Kiwi takes seconds
    to load, and most builds (a test's copy of the project, a rebuild after a code edit) change
    no Korean text. Kiwi is loaded on the first entry the memo does not hold."""

    def __init__(self, folder: Path, key: str, glossary: Path) -> None:
        self.file = folder / f"{key[:32]}.json"
        self.glossary = glossary
        try:
            self.held: dict[str, list[str]] = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.held = {}
        self.used: dict[str, list[str]] = {}

    def words(self, title: str, text: str, separator: str) -> tuple[str, str]:
        key = hashlib.sha256(json.dumps([title, text]).encode()).hexdigest()
        if key not in self.held:
            analyser, terms = analyser_for(self.glossary)
            self.held[key] = list(keywords(title, text, analyser, terms, separator))
        self.used[key] = self.held[key]
        return self.held[key][0], self.held[key][1]

    def save(self) -> None:
        # Only this build's entries, so the file does not grow with every edit; written
        # whole and moved into place, so a killed build leaves the old file or the new one.
        write_atomically(self.file, json.dumps(self.used, sort_keys=True))


_LOADING = threading.Lock()  # one load of Kiwi, whichever thread asks first


def analyser_for(glossary: Path) -> tuple[Analyser, tuple[Term, ...]]:
    """Kiwi told ``glossary``'s terms, and the terms: loaded once per process and glossary."""
    with _LOADING:
        return _kiwi_for(glossary, glossary.read_bytes())


def load_in_background(glossary: Path) -> threading.Thread:
    """Start loading Kiwi for ``glossary`` on a thread of its own. Under `mkdocs serve` the
    first build's words all come from the memo; the first Korean edit would otherwise wait
    seconds for Kiwi, which loads while the author reads the page instead."""
    thread = threading.Thread(target=analyser_for, args=(glossary,), daemon=True)
    thread.start()
    return thread


def words_may_change(cache: Path, sources: Iterable[Path]) -> bool:
    """Whether a build may meet Korean text its memo (``cache``) lacks, so that Kiwi is worth
    loading while the pages execute: no memo yet, or a source newer than the newest memo."""
    memos = [f.stat().st_mtime for f in cache.glob("*.json")] if cache.is_dir() else []
    newest = max(memos, default=None)
    return newest is None or any(s.stat().st_mtime > newest for s in sources if s.exists())


@functools.cache
def _kiwi_for(glossary: Path, content: bytes) -> tuple[Analyser, tuple[Term, ...]]:
    terms = tuple(glossary_terms(glossary))
    return kiwi(terms), terms


def rewrite_index(
    path: Path, languages: Sequence[str], glossary: Path, cache: Path
) -> tuple[int, int, int]:
    """Add the Korean words to the search index file at ``path``; return (entries given words,
    bytes before, bytes after). Each entry's words are memoised in ``cache``."""
    text = path.read_text(encoding="utf-8")
    index = json.loads(text)
    separator = index["config"]["separator"]
    memo = _Memo(cache, fingerprint(glossary, separator), glossary)
    changed = add_keywords(index, languages, memo.words)
    memo.save()
    new = dumps(index)
    path.write_text(new, encoding="utf-8")
    return changed, len(without_keywords(text).encode()), len(new.encode())
