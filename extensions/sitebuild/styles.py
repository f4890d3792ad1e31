"""The notebook stylesheet, cut down to what the pages use.

nbconvert's lab template inlines the whole JupyterLab stylesheet (about 590 KB) into every
notebook page, for a few dozen classes. We keep the rules whose selectors can match the site's
notebook pages (every class and id they name is used there; ``:not(...)`` aside), the at-rules
around them, and of the custom properties (``--jp-...``) only those the kept rules reach,
directly or through other properties. Nothing that applied before is dropped, so the pages look
the same (the browser test compares screenshots against the full stylesheet).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import tinycss2

from extensions.sitebuild.files import write_atomically

_ATTRIBUTE = re.compile(r"\[[^\]]*\]")
# :not(), :is(), :where() and :has() take selector lists: what they name is not required of the
# page (kept on the safe side: a rule kept for nothing costs bytes, one dropped costs looks).
_FUNCTIONAL = re.compile(r":(?:not|is|where|has)\([^()]*\)")
_PSEUDO = re.compile(r"::?[\w-]+(?:\([^()]*\))?")
# A type selector starts a compound: at the start or after a combinator (or a comma).
_TYPE = re.compile(r"(?:^|[\s>+~,])([a-zA-Z][\w-]*)")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_HTML_CLASS = re.compile(r'\bclass="([^"]*)"')
_HTML_ID = re.compile(r'\bid="([^"]*)"')
_HTML_TAG = re.compile(r"<([a-zA-Z][\w-]*)")


def used_names(pages: Iterable[str]) -> tuple[set[str], set[str]]:
    """The classes and ids the HTML of ``pages`` uses."""
    classes: set[str] = set()
    ids: set[str] = set()
    for page in pages:
        page_classes, page_ids = _names_in(page)
        classes |= page_classes
        ids |= page_ids
    return classes, ids


@functools.lru_cache(maxsize=256)
def _names_in(page: str) -> tuple[frozenset[str], frozenset[str]]:
    """One page's classes and ids. Memoised on the page's HTML: under `mkdocs serve` every
    save rebuilds every page, and all but the saved one come out as before."""
    classes = {name for value in _HTML_CLASS.findall(page) for name in value.split()}
    return frozenset(classes), frozenset(_HTML_ID.findall(page))


_SKIP = {"skip_whitespace": True, "skip_comments": True}


def _selector_list(prelude: str) -> list[str]:
    """The selectors of a rule: split at the commas outside parentheses and brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [p.strip() for p in parts if p.strip()]


def used_tags(pages: Iterable[str]) -> set[str]:
    """The element names the HTML of ``pages`` uses, lower case."""
    return {tag.lower() for page in pages for tag in _HTML_TAG.findall(page)}


@dataclass(frozen=True)
class _Selector:
    text: str
    classes: frozenset[str]
    ids: frozenset[str]
    tags: frozenset[str]  # lower case


@dataclass(frozen=True)
class _Declaration:
    name: str  # lower case
    text: str  # "name: value" as written out
    refs: tuple[str, ...]  # the custom properties its value reads


@dataclass(frozen=True)
class _Rule:
    selectors: tuple[_Selector, ...]
    declarations: tuple[_Declaration, ...]


@dataclass(frozen=True)
class _Block:
    head: str  # "@media print", "@font-face", ...
    body: tuple | str  # nested rules, or the whole text of a font face or keyframes


def _selector(text: str) -> _Selector:
    bare = _FUNCTIONAL.sub("", _ATTRIBUTE.sub("", text))
    types = _TYPE.findall(_PSEUDO.sub("", _CLASS.sub("", _ID.sub("", bare))))
    return _Selector(
        text,
        frozenset(_CLASS.findall(bare)),
        frozenset(_ID.findall(bare)),
        frozenset(t.lower() for t in types),
    )


def _index(rules) -> tuple:
    """The stylesheet as data that a page's subset is cheap to take from."""
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = tuple(
                _selector(t) for t in _selector_list(tinycss2.serialize(rule.prelude))
            )
            declarations = []
            for d in tinycss2.parse_declaration_list(rule.content, **_SKIP):
                if d.type != "declaration":
                    continue
                value = tinycss2.serialize(d.value).strip()
                text = f"{d.name}:{value}" + ("!important" if d.important else "")
                declarations.append(_Declaration(d.lower_name, text, tuple(_VAR.findall(value))))
            out.append(_Rule(selectors, tuple(declarations)))
        elif rule.type == "at-rule":
            head = f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}"
            keyword = rule.lower_at_keyword
            if keyword in ("media", "supports", "layer") and rule.content:
                out.append(_Block(head, _index(tinycss2.parse_rule_list(rule.content, **_SKIP))))
            elif keyword in ("font-face", "keyframes", "-webkit-keyframes") and rule.content:
                out.append(_Block(head, tinycss2.serialize(rule.content).strip()))
            # @import and @charset would fetch or mean nothing here: dropped
    return tuple(out)


#: Where parsed stylesheets are kept between builds (``None``: not kept), and how many.
PARSED_CACHE: Path | None = Path(__file__).resolve().parents[2] / ".cache" / "styles"
PARSED_KEPT = 4


@functools.lru_cache(maxsize=4)
def _parsed(css: str) -> tuple:
    """The stylesheet as data. Parsing the 590 KB is most of the work and every notebook page
    has the same sheet, so the result is kept in the process and, for the next build, in
    ``PARSED_CACHE`` under a name made of the sheet, tinycss2's version and this module's code
    (either changing can only miss); the ``PARSED_KEPT`` most recently used are kept."""
    if PARSED_CACHE is None:
        return _index(tinycss2.parse_stylesheet(css, **_SKIP))
    h = hashlib.sha256(css.encode())
    h.update(f"tinycss2=={version('tinycss2')}".encode())
    h.update(Path(__file__).read_bytes())
    path = PARSED_CACHE / f"{h.hexdigest()[:16]}.pickle"
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError):
        parsed = pickle.loads(path.read_bytes())
        path.touch()  # recently used
        return parsed
    parsed = _index(tinycss2.parse_stylesheet(css, **_SKIP))
    with contextlib.suppress(OSError):
        write_atomically(path, pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
        kept = sorted(PARSED_CACHE.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-PARSED_KEPT]:
            old.unlink(missing_ok=True)
    return parsed


def _kept(nodes: tuple, classes: set[str], ids: set[str], tags: set[str] | None) -> list:
    kept = []
    for node in nodes:
        if isinstance(node, _Rule):
            selectors = [
                s.text
                for s in node.selectors
                if s.classes <= classes and s.ids <= ids and (tags is None or s.tags <= tags)
            ]
            if selectors:
                kept.append((",".join(selectors), node))
        elif isinstance(node.body, str):
            kept.append((node.head, node))
        elif inner := _kept(node.body, classes, ids, tags):
            kept.append((node.head, inner))
    return kept


def _selectors(nodes: tuple):
    for node in nodes:
        if isinstance(node, _Rule):
            yield from node.selectors
        elif not isinstance(node.body, str):
            yield from _selectors(node.body)


@functools.lru_cache(maxsize=4)
def _by_class(css: str) -> dict[str, list[_Selector]]:
    """The selectors of ``css`` by each class they name (inside ``:not()`` and the like too)."""
    index: dict[str, list[_Selector]] = {}
    for s in _selectors(_parsed(css)):
        for name in set(_CLASS.findall(_ATTRIBUTE.sub("", s.text))):
            index.setdefault(name, []).append(s)
    return index


def styled_classes(
    css: str,
    classes: set[str],
    ids: set[str],
    tags: set[str],
    among: Iterable[str] | None = None,
) -> set[str]:
    """The classes (of ``among``, if given) that a selector of ``css`` names when it can apply
    to a page with these ``classes``, ``ids`` and element names (lower case): a class outside
    this set can leave the page without changing how it looks."""
    index = _by_class(css)
    return {
        name
        for name in (index if among is None else among)
        if any(
            s.classes <= classes and s.ids <= ids and s.tags <= tags for s in index.get(name, ())
        )
    }


def _rules(kept: list):
    for _head, body in kept:
        if isinstance(body, list):
            yield from _rules(body)
        elif isinstance(body, _Rule):
            yield body


def _write(kept: list, needed: set[str]) -> list[str]:
    """The kept rules, one a line, written without the spaces a reader would want: the sheet
    blocks a page's first paint, and every byte of it waits on a slow line."""
    out = []
    for head, body in kept:
        if isinstance(body, list):
            if inner := _write(body, needed):
                out.append(f"{head}{{\n" + "\n".join(inner) + "\n}")
        elif isinstance(body, _Block):  # a font face or keyframes, whole
            out.append(f"{head}{{{body.body}}}")
        else:
            texts = [
                d.text for d in body.declarations if not d.name.startswith("--") or d.name in needed
            ]
            if texts:
                out.append(f"{head}{{{';'.join(texts)}}}")
    return out


def subset(
    css: str,
    classes: set[str],
    ids: set[str],
    *,
    tags: set[str] | None = None,
    read_elsewhere: str = "",
) -> str:
    """The rules of ``css`` that can apply to pages using ``classes`` and ``ids`` (and, if
    given, only the element names ``tags``, lower case).

    ``read_elsewhere``: the text of the other stylesheets the pages load, whose ``var(...)``
    may read custom properties that only ``css`` defines (Material's palette reads main.css's).
    """
    kept = _kept(_parsed(css), classes, ids, tags)
    # Custom properties: those the kept rules use, and those those use, and so on.
    defined: dict[str, list[str]] = {}
    todo: list[str] = _VAR.findall(read_elsewhere)
    for rule in _rules(kept):
        for d in rule.declarations:
            if d.name.startswith("--"):
                defined.setdefault(d.name, []).extend(d.refs)
            else:
                todo.extend(d.refs)
    for _head, body in kept:
        if isinstance(body, _Block):
            todo.extend(_VAR.findall(body.body))
    needed: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(defined.get(name, []))
    return "\n".join(_write(kept, needed)) + "\n"
