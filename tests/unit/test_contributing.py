"""CONTRIBUTING.md's list of rules cannot rot: every test and build check it names exists, and
every rule in its tables names at least one."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
# `tests/site/test_gates.py::test_sources_are_in_parity`, `extensions/sitebuild/gates.py::pages`
NAMED = re.compile(r"`((?:tests|extensions)/[\w/]+\.py)::(\w+)`")
# a file named on its own: `tests/site/test_third_language.py`
FILE = re.compile(r"`((?:tests|extensions|benchmarks|\.ci)/[\w/.-]+\.(?:py|js|toml))`")
ROW = re.compile(r"^\|(?!\s*(?:Rule|---))(.*)\|\s*$", re.MULTILINE)


@cache
def defined(path: Path) -> frozenset[str]:
    """The names a Python file defines at its top level (functions, classes, assignments)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def problems(text: str, root: Path = ROOT) -> list[str]:
    """What in ``text`` (CONTRIBUTING.md) names a file or a function that does not exist, and
    which rule of its tables names no test or check."""
    found = []
    for path, name in NAMED.findall(text):
        if not (root / path).is_file():
            found.append(f"{path}::{name}: no such file")
        elif name not in defined(root / path):
            found.append(f"{path}::{name}: {path} defines no {name}")
    for path in FILE.findall(text):
        if not (root / path).is_file():
            found.append(f"{path}: no such file")
    for row in ROW.findall(text):
        cells = [c.strip() for c in row.split(" | ")]
        if len(cells) == 2 and not NAMED.search(cells[1]) and "`" not in cells[1]:
            found.append(f"a rule that names nothing enforcing it: {cells[0][:60]}")
    return found


def test_every_test_and_check_contributing_names_exists() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    assert len(NAMED.findall(text)) >= 60, "the rules name their tests as path::function"
    assert problems(text) == []


def test_a_renamed_test_or_a_rule_without_one_is_named() -> None:
    text = (
        "| Rule | Enforced by |\n| --- | --- |\n"
        "| Pages mirror. | `tests/site/test_gates.py::test_sources_are_in_parity` |\n"
        "| Gone. | `tests/site/test_gates.py::test_no_longer_here` |\n"
        "| Moved. | `tests/site/test_moved.py::test_anything` |\n"
        "| Unchecked. | a reviewer |\n"
        "See `tests/unit/test_nothing.py`.\n"
    )
    assert problems(text) == [
        "tests/site/test_gates.py::test_no_longer_here: tests/site/test_gates.py defines no "
        "test_no_longer_here",
        "tests/site/test_moved.py::test_anything: no such file",
        "tests/unit/test_nothing.py: no such file",
        "a rule that names nothing enforcing it: Unchecked.",
    ]
