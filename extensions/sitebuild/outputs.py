"""Each tutorial's hidden expected-output block, regenerated from the execution.

At the end of every tutorial a block inside an HTML comment holds what the page's code prints;
pytest-codeblocks compares the page's run with it. Typing it by hand, in every language, went
stale. This command writes it from the same execution the build uses (the execution cache, or a
run of the page where the cache misses), into the page of every language.

    python -m extensions.sitebuild.outputs           # rewrite the stale blocks
    python -m extensions.sitebuild.outputs --check   # list them and exit 1, change nothing

``make outputs`` runs the first.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from extensions.sitebuild.execution import ExecutionError, Executor
from extensions.sitebuild.project import ROOT, languages, tutorial_pages

COMMAND = "make outputs"
_BLOCK = re.compile(
    r"(?P<head><!--pytest-codeblocks:expected-output-->\s*<!--\s*```[^\n]*\n)"
    r"(?P<body>.*?)(?P<tail>^```\s*-->)",
    re.DOTALL | re.MULTILINE,
)


def printed(nb: nbformat.NotebookNode) -> str:
    """What the page's code prints on standard output, all cells in order."""
    return "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stdout"
    )


def expected(text: str) -> str | None:
    """The page's expected-output block, or None if it has none."""
    m = _BLOCK.search(text)
    return m.group("body") if m else None


_LAST_CODE_BLOCK = re.compile(r"^```python[ \t]*\n.*?^```[ \t]*$", re.DOTALL | re.MULTILINE)


def with_expected(text: str, output: str) -> str:
    """The page with its expected-output block holding ``output``. A page without one gets
    it right after its last code block, where pytest-codeblocks looks for it."""
    if _BLOCK.search(text):
        return _BLOCK.sub(lambda m: m.group("head") + output + m.group("tail"), text, count=1)
    blocks = list(_LAST_CODE_BLOCK.finditer(text))
    if not blocks:
        raise ValueError("no ```python code block to put the expected-output block after")
    end = blocks[-1].end()
    block = f"\n\n<!--pytest-codeblocks:expected-output-->\n<!--\n```\n{output}```\n-->"
    return text[:end] + block + text[end:]


def stale(root: Path, executor: Executor, names: set[str] | None = None) -> dict[Path, str]:
    """Every page whose block differs from its execution's output: page -> the right output.

    ``names`` (file names such as ``why-slow.md``) limits the check to those lessons, in every
    language.
    """
    found = {}
    for language in languages(root):
        for page in tutorial_pages(language, root):
            if names and page.name not in names:
                continue
            nb = executor.notebook(str(page), f"{language}/{page.name}", language)
            output = printed(nb)
            text = page.read_text(encoding="utf-8")
            if expected(text) != output:
                found[page] = output
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="list stale blocks, change nothing")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project (default: this one)")
    parser.add_argument(
        "lessons", nargs="*", help="only these lessons, e.g. why-slow.md (default: every one)"
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    executor = Executor(root / ".cache" / "execution", root / "sinfit")
    try:
        found = stale(root, executor, set(args.lessons) or None)
    except (ExecutionError, ValueError) as err:
        print(f"outputs: error: {err}", file=sys.stderr)
        return 2
    finally:
        executor.kernel.stop()
    for page in found:
        name = page.relative_to(root)
        text = page.read_text(encoding="utf-8")
        state, done = ("stale", "rewritten") if expected(text) is not None else ("missing", "added")
        if args.check:
            print(f"{name}: expected-output block is {state}; run `{COMMAND}`")
        else:
            page.write_text(with_expected(text, found[page]), "utf-8")
            print(f"{name}: expected-output block {done}")
    if not found:
        print("every expected-output block matches its execution")
    return 1 if args.check and found else 0


if __name__ == "__main__":
    sys.exit(main())
