"""What of a code cell decides its output: the code without its comments.

The Korean pages carry Korean comments in code that is otherwise the English page's code. The
parity gate compares, and the execution cache hashes, the cells through :func:`without_comments`,
so such a pair still has to agree character for character in its code and still executes once.
Cell-option comments (``#| hide``) are kept: they change what the build does with a cell.
"""

from __future__ import annotations

import io
import re
import tokenize

_FENCE = re.compile(r"^```python[ \t]*$", re.MULTILINE)
#: What a writer puts in the Markdown right above an exercise's solution cell (CONTRIBUTING.md):
#: the gates count the marked cells, the page folds them, the downloaded notebook folds them.
SOLUTION = re.compile(r"<!--\s*solution\s*-->")


def without_comments(source: str) -> str:
    """``source`` with every comment, and every line that held only a comment, removed.

    Source that does not tokenize (an IPython magic, a syntax error) is returned unchanged: it
    then has to match exactly, which is the safe side.
    """
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source
    lines = source.split("\n")
    comment_only: set[int] = set()
    # Right to left, so that cutting one comment does not move the next one's column.
    for tok in reversed(tokens):
        if tok.type != tokenize.COMMENT or tok.string.startswith("#|"):
            continue
        row, col = tok.start[0] - 1, tok.start[1]
        kept = lines[row][:col].rstrip()
        if not kept:
            comment_only.add(row)
        lines[row] = kept
    return "\n".join(line for i, line in enumerate(lines) if i not in comment_only)


def cell_options(source: str) -> dict[str, str]:
    """The cell-option comments at the top of a cell (Quarto's style): ``#| hide`` gives
    ``{"hide": ""}``, ``#| timeout: 20`` gives ``{"timeout": "20"}``. Only the cell's leading
    ``#|`` lines count, so a ``#|`` further down is an ordinary comment."""
    options: dict[str, str] = {}
    for line in source.lstrip("\n").split("\n"):
        line = line.strip()
        if not line.startswith("#|"):
            break
        key, _, value = line[2:].partition(":")
        options[key.strip()] = value.strip()
    return options


def fence_lines(text: str) -> list[int]:
    """The line (1-based) of each ```` ```python ```` fence of a jupytext page: where its code
    cells start, in order (CONTRIBUTING.md: plain fences only, so each one is a cell)."""
    return [text.count("\n", 0, m.start()) + 1 for m in _FENCE.finditer(text)]
