"""sinfit's docstrings as the reference page shows them (``docs/*/reference.md``, mkdocstrings).

sinfit's docstrings are written for ``help()`` and for doctest, in Sphinx's habits: an example
is a run of bare ``>>>`` lines, a name is a role (``:func:`frame_epochs```), and a constant is
documented by the ``#:`` comment above it. mkdocstrings reads a docstring as Markdown (Google
style), where a ``>>>`` line is a blockquote three deep with the example's lines run together and
a role is literal text, ``:func:`` and all; and griffe, which reads the sources for it, takes no
``#:`` comment for a docstring, so ``BASES`` or ``SINE_COLOR`` would be left off the page.

:func:`markdown_docstring` fences each run of doctest lines as a ``pycon`` code block and writes
each role as the code span of its name; :func:`comment_docstring` finds a constant's ``#:``
comment. :class:`DocstringsAsMarkdown` is the griffe extension that applies both to everything
mkdocstrings loads (``mkdocs.yml``: the python handler's ``extensions``). The docstrings in
``sinfit/`` stay as they are, and doctest still reads them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from griffe import Docstring, Expr, ExprName, Extension

# :func:`fit_manual`, :class:`sinfit.Cubic`, :meth:`_repr_html_`: Sphinx's Python roles.
_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|attr|data|mod|exc|obj|const):`~?([^`]+)`")
_FENCE = re.compile(r"^\s*(```|~~~)")
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*\s*(?::[^=]+)?=")


def markdown_docstring(text: str) -> str:
    """``text`` (a docstring) with its doctest examples fenced and its roles as code spans.

    An example is a line starting with ``>>>`` and every line after it up to a blank one
    (its ``...`` continuations and the expected output), as doctest reads it. Lines already in a
    fenced block are left alone."""
    out: list[str] = []
    in_fence = in_example = False
    indent = ""  # the example's, for its closing fence
    for line in text.split("\n"):
        stripped = line.strip()
        if in_example and not stripped:
            out.append(indent + "```")
            in_example = False
        if not in_example and not in_fence and stripped.startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + "```pycon")
            in_example = True
        elif not in_example and _FENCE.match(line):
            in_fence = not in_fence
        if not in_example and not in_fence:
            line = _ROLE.sub(lambda m: f"`{m.group(1)}`", line)
        out.append(line)
    if in_example:
        out.append(indent + "```")
    return "\n".join(out)


def comment_docstring(lines: Sequence[str], lineno: int) -> str | None:
    """The ``#:`` comment documenting the assignment on line ``lineno`` (1-based) of ``lines``,
    as Sphinx reads it: the ``#:`` lines right above it, or above the run of assignments it
    ends (``SINE_COLOR = ...`` then ``FIT_COLOR = ...`` under one comment); None if none."""
    i = lineno - 2
    while i >= 0 and _ASSIGNMENT.match(lines[i]) and not lines[i].startswith("#:"):
        i -= 1
    comment = []
    while i >= 0 and lines[i].startswith("#:"):
        comment.insert(0, lines[i][2:].strip())
        i -= 1
    return " ".join(comment) or None


class DocstringsAsMarkdown(Extension):
    """Every docstring that mkdocstrings loads as the page can show it, once the package's
    tree is complete."""

    def on_object(self, *, obj: Any, **kwargs: Any) -> None:
        """Each object of the package's tree, the package itself aside."""
        if obj.docstring is None and obj.is_attribute and obj.lineno:
            try:
                lines = obj.lines_collection[obj.filepath]
            except KeyError:  # no source read (a compiled module): nothing to find
                lines = []
            if text := comment_docstring(lines, obj.lineno):
                obj.docstring = Docstring(text, lineno=obj.lineno, parent=obj)
        _rewrite(obj)

    def on_package(self, *, pkg: Any, **kwargs: Any) -> None:
        """The package: griffe's ``on_object`` never sees the root of the tree."""
        _rewrite(pkg)
        inline_private_names(pkg)


def inline_private_names(package: Any) -> None:
    """Write the value of each private constant or type alias that a public signature names
    (``lr: float = DEFAULT_LR``, ``on_log: LogHook``) in its place (``1e-06``,
    ``Callable[[int, float], None]``): the reference documents only ``__all__``, so a reader
    would meet a name it never explains. The sources keep their names."""
    exports = set(package.exports or ())

    def value_of(name: ExprName) -> Expr | str | None:
        path = name.canonical_path
        if not path.startswith(package.path + ".") or path.rsplit(".", 1)[-1] in exports:
            return None
        try:
            target = package[path.removeprefix(package.path + ".")]
        except (KeyError, ValueError):
            return None
        target = getattr(target, "final_target", target)
        return target.value if target.is_attribute else None

    def inlined(value: Any) -> Any:
        if isinstance(value, ExprName):
            return value_of(value) or value
        if isinstance(value, list):
            return [inlined(item) for item in value]
        if isinstance(value, Expr):
            for field in dataclasses.fields(value):
                setattr(value, field.name, inlined(getattr(value, field.name)))
        return value

    for name in exports:
        obj = package[name]
        for member in (obj, *getattr(obj, "all_members", {}).values()):
            member = getattr(member, "final_target", member)
            for parameter in getattr(member, "parameters", ()):
                parameter.annotation = inlined(parameter.annotation)
                parameter.default = inlined(parameter.default)
            if member.is_function:
                member.returns = inlined(member.returns)
            elif member.is_attribute:
                member.annotation = inlined(member.annotation)


def _rewrite(obj: Any) -> None:
    if obj.docstring is not None:
        obj.docstring.value = markdown_docstring(obj.docstring.value)


# --- a translated reference ----------------------------------------------------------------
# A language other than English cannot take its words from the docstrings, so its page writes
# them: one `::: sinfit.<name>` per public name (mkdocstrings shows the heading and the
# signature, from the code) and under it the name's docstring in that language, ending in a
# marker that records which English text it translates, ``<!-- source: 1a2b3c4d -->``. When a
# docstring changes, its marker no longer matches (tests/unit/test_reference.py), and the test
# names the entry and the new digest: translations fall behind loudly, never quietly.
_ENTRY = re.compile(r"^::: (?P<path>[\w.]+)[ \t]*$", re.MULTILINE)
_SOURCE = re.compile(r"<!--\s*source:\s*(?P<digest>[0-9a-f]{8})\s*-->")


@dataclasses.dataclass(frozen=True)
class Entry:
    """One name of a translated reference page: its dotted path, the text under it, and the
    digest its marker records (None without a marker)."""

    path: str
    text: str
    digest: str | None


def translated_entries(page: str) -> list[Entry]:
    """The entries of a translated reference page, in order."""
    starts = list(_ENTRY.finditer(page))
    entries = []
    for m, after in zip(starts, [*starts[1:], None], strict=True):
        text = page[m.end() : after.start() if after else len(page)]
        marker = _SOURCE.search(text)
        entries.append(Entry(m.group("path"), text, marker.group("digest") if marker else None))
    return entries


def english_texts(package: Any) -> dict[str, str]:
    """What a translation of each public name of ``package`` (a griffe module, loaded with
    :class:`DocstringsAsMarkdown`) translates: its docstring and, for a class, the docstrings
    of its public members (``members: false`` leaves them to the translated text), in order."""
    texts = {}
    for name in package.exports:
        obj = package[name]
        parts = [obj.docstring.value if obj.docstring else ""]
        if obj.is_class:
            for member_name, member in sorted(obj.members.items()):
                if not member_name.startswith("_") and member.docstring:
                    parts.append(f"{member_name}: {member.docstring.value}")
        texts[name] = "\n\n".join(parts)
    return texts


def digest(text: str) -> str:
    """The marker's digest of an English text: short, and changed by any edit to it."""
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:8]
