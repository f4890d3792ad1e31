"""The notebook stylesheet, cut down to what the pages use.

nbconvert's lab template inlines the whole JupyterLab stylesheet (about 590 KB) into every
notebook page, for a few dozen classes. We keep the rules whose selectors can match the site's
notebook pages (every class and id they name is used there; ``:not(...)`` aside), the at-rules
around them, and of the custom properties (``--jp-...``) only those the kept rules reach,
directly or through other properties. Nothing that applied before is dropped, so the pages look
the same (the browser test compares screenshots against the full stylesheet).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import tinycss2

_ATTRIBUTE = re.compile(r"\[[^\]]*\]")
# :not(), :is(), :where() and :has() take selector lists: what they name is not required of the
# page (kept on the safe side: a rule kept for nothing costs bytes, one dropped costs looks).
_FUNCTIONAL = re.compile(r":(?:not|is|where|has)\([^()]*\)")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_HTML_CLASS = re.compile(r'\bclass="([^"]*)"')
_HTML_ID = re.compile(r'\bid="([^"]*)"')


def used_names(pages: Iterable[str]) -> tuple[set[str], set[str]]:
    """The classes and ids the HTML of ``pages`` uses."""
    classes: set[str] = set()
    ids: set[str] = set()
    for page in pages:
        for value in _HTML_CLASS.findall(page):
            classes.update(value.split())
        ids.update(_HTML_ID.findall(page))
    return classes, ids


def _selector_matches(selector: str, classes: set[str], ids: set[str]) -> bool:
    bare = _FUNCTIONAL.sub("", _ATTRIBUTE.sub("", selector))
    return set(_CLASS.findall(bare)) <= classes and set(_ID.findall(bare)) <= ids


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


def _at_head(rule) -> str:
    return f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}"


def _kept_rules(rules, classes: set[str], ids: set[str]) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = _selector_list(tinycss2.serialize(rule.prelude))
            matching = [s for s in selectors if _selector_matches(s, classes, ids)]
            if matching:
                kept.append((", ".join(matching), rule))
        elif rule.type == "at-rule":
            if rule.lower_at_keyword in ("media", "supports", "layer") and rule.content:
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_whitespace=True, skip_comments=True
                )
                body = _kept_rules(inner, classes, ids)
                if body:
                    kept.append(
                        (f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}", body)
                    )
            elif rule.lower_at_keyword in ("font-face", "keyframes", "-webkit-keyframes"):
                kept.append(
                    (f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}", rule)
                )
            # @import and @charset would fetch or mean nothing here: dropped
    return kept


def _declarations(rule) -> list:
    return [
        d
        for d in tinycss2.parse_declaration_list(
            rule.content, skip_whitespace=True, skip_comments=True
        )
        if d.type == "declaration"
    ]


def _walk(kept):
    for head, body in kept:
        if isinstance(body, list):
            yield from _walk(body)
        else:
            yield head, body


def _write(kept, needed: set[str], depth: int = 0) -> list[str]:
    out = []
    pad = "  " * depth
    for head, body in kept:
        if isinstance(body, list):
            inner = _write(body, needed, depth + 1)
            if inner:
                out.append(f"{pad}{head} {{\n" + "\n".join(inner) + f"\n{pad}}}")
            continue
        if head.startswith("@"):  # font faces and keyframes, whole
            out.append(f"{pad}{head} {{{tinycss2.serialize(body.content).strip()}}}")
            continue
        decls = [
            d
            for d in _declarations(body)
            if not d.lower_name.startswith("--") or d.lower_name in needed
        ]
        if decls:
            text = "; ".join(
                f"{d.name}: {tinycss2.serialize(d.value).strip()}"
                + (" !important" if d.important else "")
                for d in decls
            )
            out.append(f"{pad}{head} {{ {text} }}")
    return out


@functools.lru_cache(maxsize=4)
def _parsed(css: str) -> tuple:
    # Parsing the 590 KB is most of the work; every notebook page of a build has the same.
    return tuple(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True))


def subset(css: str, classes: set[str], ids: set[str]) -> str:
    """The rules of ``css`` that can apply to pages using ``classes`` and ``ids``."""
    kept = _kept_rules(_parsed(css), classes, ids)
    # Custom properties: those the kept rules use, and those those use, and so on.
    defined: dict[str, list[str]] = {}
    used: set[str] = set()
    for head, rule in _walk(kept):
        if head.startswith("@"):
            used.update(_VAR.findall(tinycss2.serialize(rule.content)))
            continue
        for d in _declarations(rule):
            refs = _VAR.findall(tinycss2.serialize(d.value))
            if d.lower_name.startswith("--"):
                defined.setdefault(d.lower_name, []).extend(refs)
            else:
                used.update(refs)
    needed: set[str] = set()
    todo = list(used)
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(defined.get(name, []))
    return "\n".join(_write(kept, needed)) + "\n"
