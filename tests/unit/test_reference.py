"""sinfit's docstrings as the reference page shows them (extensions/sitebuild/reference.py)."""

from __future__ import annotations

import re
from pathlib import Path

from extensions.sitebuild.project import mkdocs_config
from extensions.sitebuild.reference import (
    DocstringsAsMarkdown,
    comment_docstring,
    digest,
    english_texts,
    markdown_docstring,
    translated_entries,
)

ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile("[\uac00-\ud7a3]")

DOCSTRING = """Sample y = sin(x); see :func:`fit_manual` and :class:`~sinfit.Cubic`.

>>> x, y = sine_data(points=5)
>>> x.shape
torch.Size([5])

Then prose again, with :data:`BASES`.

    >>> indented = True

```python
>>> already_fenced  # :func:`kept` as written inside a fence
```"""


def test_doctest_runs_are_fenced_and_roles_become_code_spans() -> None:
    assert (
        markdown_docstring(DOCSTRING)
        == """\
Sample y = sin(x); see `fit_manual` and `sinfit.Cubic`.

```pycon
>>> x, y = sine_data(points=5)
>>> x.shape
torch.Size([5])
```

Then prose again, with `BASES`.

    ```pycon
    >>> indented = True
    ```

```python
>>> already_fenced  # :func:`kept` as written inside a fence
```"""
    )


def test_a_docstring_without_examples_or_roles_is_unchanged_and_the_rewrite_is_idempotent() -> None:
    plain = "The loss.\n\nArgs:\n    x: the points, ``x ** 2`` >= 0.\n"
    assert markdown_docstring(plain) == plain
    once = markdown_docstring(DOCSTRING)
    assert markdown_docstring(once) == once


SOURCE = """\
import math

#: The lesson's sample:
#: 1000 points.
DEFAULT_POINTS = 1000
#: One colour each.
SINE_COLOR = "tab:green"
FIT_COLOR: str = "tab:orange"

UNDOCUMENTED = 1
# an ordinary comment
ALSO_UNDOCUMENTED = 2
""".splitlines()


def test_a_constant_takes_the_hash_colon_comment_above_it_or_above_its_run() -> None:
    def doc(name: str) -> str | None:
        (line,) = [n for n, text in enumerate(SOURCE, start=1) if text.startswith(name)]
        return comment_docstring(SOURCE, line)

    assert doc("DEFAULT_POINTS") == "The lesson's sample: 1000 points."
    assert doc("SINE_COLOR") == doc("FIT_COLOR") == "One colour each."
    assert doc("UNDOCUMENTED") is None and doc("ALSO_UNDOCUMENTED") is None


def _shown_package():
    """sinfit as griffe loads it for the reference page: through DocstringsAsMarkdown."""
    import griffe

    extensions = griffe.Extensions()
    extensions.add(DocstringsAsMarkdown())
    return griffe.load("sinfit", extensions=extensions)


def test_the_extension_rewrites_the_package_and_every_object_griffe_loads() -> None:
    package = _shown_package()
    # The package's own docstring (griffe's on_object skips the root) and a function's.
    for obj in (package, package["sine_data"]):
        text = obj.docstring.value
        assert "```pycon\n>>> " in text, text
        assert all(
            line.startswith("```") or not line.lstrip().startswith(">>>")
            for line in text.split("```pycon")[0].splitlines()
        ), text
    assert ":func:`" not in package["fit_snapshots"].docstring.value
    for constant in ("BASES", "SINE_COLOR", "FIT_COLOR"):  # documented by #: comments
        assert package[constant].docstring is not None, constant


def test_mkdocs_yml_loads_the_extension_from_this_module() -> None:
    plugins = {
        name: options
        for entry in mkdocs_config()["plugins"]
        for name, options in (entry.items() if isinstance(entry, dict) else [(entry, {})])
    }
    python = plugins["mkdocstrings"]["handlers"]["python"]["options"]
    assert "extensions/sitebuild/reference.py:DocstringsAsMarkdown" in python["extensions"]
    assert plugins["autorefs"]["resolve_closest"] is True, "one reference page per language"


def test_bases_lists_the_names_the_basis_type_allows() -> None:
    """BASES is written out so the reference shows the names (not ``get_args(Basis)``)."""
    from typing import get_args

    from sinfit.basis import BASES, Basis

    assert get_args(Basis) == BASES


def test_public_signatures_name_only_public_sinfit_names() -> None:
    """A default or a type that names a private constant or alias (``DEFAULT_LR``, ``LogHook``)
    shows its value: the reference explains only ``__all__``."""
    import griffe

    def names(package: griffe.Module) -> set[str]:
        found = set()
        for name in package.exports:
            obj = package[name]
            for member in (obj, *getattr(obj, "all_members", {}).values()):
                member = getattr(member, "final_target", member)
                exprs = [p.annotation for p in getattr(member, "parameters", ())]
                exprs += [p.default for p in getattr(member, "parameters", ())]
                exprs.append(member.returns if member.is_function else None)
                exprs.append(member.annotation if member.is_attribute else None)
                for expr in exprs:
                    if isinstance(expr, griffe.Expr):
                        found |= {
                            part.canonical_path
                            for part in expr.iterate(flat=True)
                            if isinstance(part, griffe.ExprName)
                        }
        return {path for path in found if path.startswith("sinfit.")}

    plain = griffe.load("sinfit")
    private = {p for p in names(plain) if p.rsplit(".", 1)[-1] not in plain.exports}
    assert {"sinfit.train.DEFAULT_LR", "sinfit.train.LogHook"} <= private, "nothing to test"
    shown = _shown_package()
    assert {p for p in names(shown) if p.rsplit(".", 1)[-1] not in shown.exports} == set()


def test_a_translated_page_is_read_entry_by_entry_with_its_markers() -> None:
    page = (
        "# Title\n\nIntro.\n\n::: sinfit.Cubic\n\n설명.\n<!-- source: 0123abcd -->\n\n"
        "::: sinfit.fit_manual\n\n마커 없는 설명.\n"
    )
    first, second = translated_entries(page)
    assert (first.path, first.digest) == ("sinfit.Cubic", "0123abcd")
    assert "설명." in first.text and "마커" not in first.text
    assert (second.path, second.digest) == ("sinfit.fit_manual", None)


def test_any_edit_to_a_docstring_changes_its_digest() -> None:
    texts = english_texts(_shown_package())
    text = texts["fit_manual"]
    assert digest(text) != digest(text.replace("loss", "losses", 1))
    assert digest(text) != digest(text + " ")
    # a class's entry translates its members' docstrings too
    assert "from_tensors:" in texts["Cubic"]


def test_the_korean_reference_translates_every_public_name_and_is_up_to_date() -> None:
    """docs/ko/reference.md: one entry per name of ``sinfit.__all__``, each in Korean, naming
    every parameter, with the digest of the English text it translates."""
    import sinfit

    page = (ROOT / "docs" / "ko" / "reference.md").read_text(encoding="utf-8")
    entries = translated_entries(page)
    package = _shown_package()
    texts = english_texts(package)
    paths = [e.path for e in entries]
    assert sorted(paths) == sorted(f"sinfit.{n}" for n in sinfit.__all__), (
        "ko/reference.md: one `::: sinfit.<name>` per public name, each once"
    )
    stale = []
    for entry in entries:
        name = entry.path.removeprefix("sinfit.")
        where = f"ko/reference.md, {name}"
        assert HANGUL.search(entry.text), f"{where}: no Korean text under the entry"
        obj = package[name]
        target = obj.members.get("__init__") if obj.is_class else obj
        for parameter in getattr(target, "parameters", ()):
            if parameter.name not in ("self", "cls"):
                assert f"`{parameter.name}`" in entry.text, f"{where}: `{parameter.name}` unnamed"
        if entry.digest != digest(texts[name]):
            stale.append(f"{where}: <!-- source: {entry.digest} --> translates an older English "
                         f"docstring; update the Korean text, then write <!-- source: "
                         f"{digest(texts[name])} -->")  # fmt: skip
    assert stale == [], "\n".join(stale)
