"""Prose that cites values the page's code computed ("glue"), filled in from the execution.

A tutorial's Markdown writes ``{{ best_loss:.2f }}``: a name of the page's code and a Python
format spec. The reference takes the value the name had right after the nearest code cell above
it, so prose under the random start sees the random weights and prose under the training loop
sees the trained ones. Paths reach into values: ``{{ shape.highest.x:.1f }}``, ``{{ c[0]:.0f }}``.

How the values get out of the kernel (the idea of MyST-NB's ``glue``, without a call in the
page's code): the build runs a *snapshot* cell after every code cell. It displays, under a
private MIME type, the numbers the namespace holds that changed since the last snapshot. Those
outputs are moved onto the code cell before them and stored with the executed notebook in the
execution cache, so a prose edit (a new reference included) executes nothing. At render time
they are read in document order, the references are filled in, and the snapshot outputs are
dropped: a glued value never shows as stray output.

A value the visible code does not keep in a variable comes from a *hidden cell*: a code cell
whose first line is ``#| hide`` (Quarto's cell-option comment). It runs like any cell, here and
under pytest-codeblocks, but appears neither on the page nor in the downloaded notebook, and it
must not print. Short strings are values too (``{{ bound_text:s }}``), so a hidden cell can word
a number once for every language.

Both languages' pages have the same code, so they cite the same execution: they cannot disagree.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Mapping
from typing import Any

import nbformat

from extensions.sitebuild.code import cell_options

MIME = "application/vnd.sinfit.glue+json"
HIDE = "#| hide"
SNAPSHOT_TAG = _SNAPSHOT_TAG = "sinfit-glue-snapshot"  # marks the build's own cells

# Runs in the kernel after each code cell. Every name it binds starts with "_", which the
# snapshot itself skips, and is deleted again; only the previous snapshot stays, for the diff.
SNAPSHOT_CODE = """\
def _sinfit_glue_value(v, depth=0):
    import dataclasses, math, numbers, sys
    if depth > 4:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, str):  # a label the prose cites as written, e.g. rate_label(lr)
        return v if len(v) <= 80 else None
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        f = float(v)
        return f if math.isfinite(f) else str(f)  # JSON has no inf or nan
    for module in ("torch", "numpy"):
        lib = sys.modules.get(module)
        array = lib and (lib.Tensor if module == "torch" else lib.ndarray)
        if array and isinstance(v, array) and not v.dtype == object:
            if v.size == 1 if module == "numpy" else v.numel() == 1:
                return _sinfit_glue_value(v.item(), depth + 1)
            if v.ndim == 1 and len(v) <= 16:
                return _sinfit_glue_value(v.tolist(), depth + 1)
            return None
    if module_generic := getattr(sys.modules.get("numpy"), "generic", None):
        if isinstance(v, module_generic):
            return _sinfit_glue_value(v.item(), depth + 1)
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        v = {f.name: getattr(v, f.name) for f in dataclasses.fields(v)}
    if isinstance(v, dict) and len(v) <= 64 and all(isinstance(k, str) for k in v):
        items = {k: _sinfit_glue_value(x, depth + 1) for k, x in v.items()}
        return items if None not in items.values() else None
    if isinstance(v, (list, tuple)) and len(v) <= 64:
        items = [_sinfit_glue_value(x, depth + 1) for x in v]
        return items if None not in items else None
    return None


_sinfit_glue_now = {
    _k: _x
    for _k, _v in list(globals().items())
    if not _k.startswith("_") and (_x := _sinfit_glue_value(_v)) is not None
}
_sinfit_glue_last = globals().get("_sinfit_glue_last", {})
_sinfit_glue_new = {
    _k: _x for _k, _x in _sinfit_glue_now.items() if _sinfit_glue_last.get(_k, ...) != _x
}
if _sinfit_glue_new:
    from IPython.display import display as _sinfit_display

    _sinfit_display({"GLUE_MIME": _sinfit_glue_new}, raw=True)
    del _sinfit_display
_sinfit_glue_last = _sinfit_glue_now
del _sinfit_glue_value, _sinfit_glue_now, _sinfit_glue_new
""".replace("GLUE_MIME", MIME)

_REFERENCE = re.compile(
    r"\{\{\s*(?P<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[-?\d+\])*)\s*(?::(?P<spec>[^{}]*?))?\s*\}\}"
)
_STEP = re.compile(r"\.([A-Za-z_]\w*)|\[(-?\d+)\]")


class GlueError(ValueError):
    """A reference that cannot be filled in; the message names the page and the reference."""


def is_hidden(source: str) -> bool:
    """A hidden cell: runs at build time and in the snippet tests, never shown. ``#| hide``
    may stand among the cell's other leading options (``#| timeout: 20``)."""
    return "hide" in cell_options(source)


# Where prose ends: code blocks (their braces are Python's) and the expected-output block.
_NOT_CITING = re.compile(
    r"^```.*?^```|<!--pytest-codeblocks:expected-output-->\s*<!--.*?-->", re.DOTALL | re.MULTILINE
)
_BRACES = re.compile(r"\{\{|\}\}")


def _blank(m: re.Match[str]) -> str:
    """The match as spaces, its line breaks kept: what is left keeps its line numbers."""
    return re.sub(r"[^\n]", " ", m.group())


def malformed_references(text: str) -> list[str]:
    """``line N: ...`` for every ``{{`` or ``}}`` of a page's prose (``text``, the whole
    Markdown source) that is not part of a well-formed reference ``{{ name:format }}``.

    Checked on the source, before anything runs: an unclosed ``{{ final_loss:.2f`` is not a
    reference to :func:`fill`, so it used to reach the reader as literal text."""
    # A reference across a blank line is an unclosed one that a later '}}' seems to close.
    prose = _REFERENCE.sub(
        lambda m: m.group() if "\n\n" in m.group() else _blank(m), _NOT_CITING.sub(_blank, text)
    )
    problems = []
    reported_end = -1  # the '}}' closing a malformed citation already reported
    for m in _BRACES.finditer(prose):
        line = prose.count("\n", 0, m.start()) + 1
        rest = text[m.start() :].split("\n", 1)[0]
        if m.group() == "}}":
            if m.start() != reported_end:
                problems.append(f"line {line}: a '}}}}' with no '{{{{' before it: {rest[:60]!r}")
            continue
        end = prose.find("}}", m.end())
        following = prose.find("{{", m.end())
        if end == -1 or (following != -1 and following < end) or "\n\n" in prose[m.end() : end]:
            problems.append(f"line {line}: unclosed citation {rest[:60]!r} (no '}}}}' after it)")
        else:
            reported_end = end
            written = text[m.start() : end + 2].replace("\n", " ")
            problems.append(
                f"line {line}: malformed citation {written!r}; a citation is "
                "{{ name:format }}, e.g. {{ best_loss:.2f }} or {{ shape.highest.x:.1f }}"
            )
    return problems


def _bound(tree: ast.AST) -> set[str]:
    """Every name a piece of code binds (assignments, loops, imports, defs and their arguments,
    ``with ... as``, ``except ... as``, comprehensions)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def names_only_hidden_cells_define(cells: list[tuple[int, str]]) -> list[str]:
    """Each name a shown cell reads that only hidden cells define, with where.

    The downloads (notebook and script) leave hidden cells out, so such a name is defined on
    the page and undefined in what the reader runs. ``cells`` are (number, source) of the
    page's code cells in order; a cell that does not parse is left to the execution to report.
    """
    shown: set[str] = set(dir(builtins))
    hidden: dict[str, int] = {}
    problems = []
    for number, source in cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        if is_hidden(source):
            for name in _bound(tree) - shown:
                hidden.setdefault(name, number)
            continue
        bound = _bound(tree)
        read = {
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        for name in sorted(read - bound - shown):
            if name in hidden:
                problems.append(
                    f"code cell {number} uses {name!r}, which only hidden cell {hidden[name]} "
                    "defines: the downloaded notebook and script leave hidden cells out, so "
                    f"there {name!r} is undefined; define it in shown code"
                )
        shown |= bound
    return problems


def strip_references(text: str) -> str:
    """The text without its references (for checks that read the hand-written prose)."""
    return _REFERENCE.sub(" ", text)


# --- execution side ------------------------------------------------------------------------
def with_snapshots(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with a snapshot cell after each code cell (in place; returns ``nb``)."""
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "code":
            snapshot = nbformat.v4.new_code_cell(SNAPSHOT_CODE)
            snapshot.metadata["tags"] = [_SNAPSHOT_TAG]
            cells.append(snapshot)
    nb.cells = cells
    return nb


def collect_snapshots(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """After execution: each snapshot's output onto the code cell before it, snapshots gone."""
    cells = []
    for cell in nb.cells:
        if _SNAPSHOT_TAG in cell.get("metadata", {}).get("tags", []):
            glued = [o for o in cell.outputs if MIME in o.get("data", {})]
            if cells and glued:
                cells[-1].outputs.extend(glued)
            continue
        cells.append(cell)
    nb.cells = cells
    return nb


# --- render side ---------------------------------------------------------------------------
def _lookup(values: Mapping[str, Any], path: str) -> Any:
    name = re.match(r"[A-Za-z_]\w*", path).group()
    if name not in values:
        raise KeyError(name)
    value = values[name]
    for attr, index in _STEP.findall(path[len(name) :]):
        value = value[attr] if attr else value[int(index)]
    # JSON has no inf or nan: the snapshot stores them as text, and they format as numbers.
    return float(value) if value in ("inf", "-inf", "nan") else value


MINUS = "\u2212"


def fill(text: str, values: Mapping[str, Any], page: str) -> str:
    """Every reference in ``text`` replaced by its formatted value."""

    def one(m: re.Match[str]) -> str:
        path, spec = m.group("path"), m.group("spec")
        if spec is None:
            raise GlueError(
                f"{page}: {{{{ {path} }}}} has no display format; write e.g. {{{{ {path}:.2f }}}}"
            )
        try:
            value = _lookup(values, path)
        except KeyError as err:
            known = ", ".join(sorted(values)) or "none"
            raise GlueError(
                f"{page}: {{{{ {path}:{spec} }}}} cites {err.args[0]!r}, which the code above it "
                f"does not define (names with citable values there: {known})"
            ) from None
        except (IndexError, TypeError):
            raise GlueError(f"{page}: {{{{ {path}:{spec} }}}}: no such part of the value") from None
        try:
            text = format(value, spec.strip())
        except (ValueError, TypeError) as err:
            raise GlueError(f"{page}: {{{{ {path}:{spec} }}}}: {err}") from None
        # A negative number in prose takes the minus sign (U+2212) that the typed text
        # around it uses (as in -π typed with U+2212), not a hyphen
        return MINUS + text[1:] if text.startswith("-") and text[1:2].isdigit() else text

    return _REFERENCE.sub(one, text)


def final_values(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """Every citable value as it stood after the page's last cell."""
    values: dict[str, Any] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else ():
            values.update(out.get("data", {}).get(MIME, {}))
    return values


def coalesced_streams(outputs: list) -> list:
    """``outputs`` with each run of printed text to one stream as one output, and none empty.

    The kernel's client hands over what a cell prints in pieces as it arrives, so a loop that
    prints as it runs leaves several stream outputs: each would be a box of its own on the
    page, some of them empty.
    """
    merged: list = []
    for out in outputs:
        if out.get("output_type") == "stream":
            text = "".join(out.get("text", ""))
            if not text:
                continue
            last = merged[-1] if merged else None
            if (
                last is not None
                and last.get("output_type") == "stream"
                and (last.get("name") == out.get("name"))
            ):
                last["text"] = "".join(last["text"]) + text
                continue
            out = nbformat.from_dict({**out, "text": text})
        merged.append(out)
    return merged


def resolve(nb: nbformat.NotebookNode, page: str, *, executed: bool = True):
    """The page as readers get it: references filled in, glue outputs and hidden cells gone.

    With ``executed=False`` (execution switched off) there are no values: references show their
    name in brackets instead of failing.
    """
    nb = nbformat.from_dict(nb)  # a copy: the executed notebook stays as cached
    values: dict[str, Any] = {}
    cells = []
    for n, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            kept = []
            for out in cell.get("outputs", []):
                if MIME in out.get("data", {}):
                    values.update(out["data"][MIME])
                else:
                    kept.append(out)
            cell.outputs = coalesced_streams(kept)
            if is_hidden(cell.source):
                if kept:
                    raise GlueError(
                        f"{page}: hidden cell (cell {n}) produced output; a hidden cell must "
                        "end with an assignment and print nothing"
                    )
                continue
        elif cell.cell_type == "markdown":
            if executed:
                cell.source = fill(cell.source, values, page)
            else:
                cell.source = _REFERENCE.sub(lambda m: f"[{m.group('path')}]", cell.source)
        cells.append(cell)
    nb.cells = cells
    return nb
