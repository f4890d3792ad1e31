"""What the build checks in a page's source before it publishes it (issue #24): citations,
code parity between languages shown as a diff, duplicate heading ids, cell options, and the
expected-output block that `make outputs` adds where it is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extensions.sitebuild import gates, glue, outputs
from extensions.sitebuild.code import cell_options, fence_lines
from tests.unit.test_execution_limits import page

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("prose", "problem"),
    [
        ("The loss is {{ final_loss:.2f and falls.", "line 2: unclosed citation '{{ final_loss"),
        ("The loss is {{ final_loss:.2f\n\nNext paragraph }}.", "line 2: unclosed citation"),
        ("Both {{ a:.1f and {{ b:.1f }}.", "line 2: unclosed citation '{{ a:.1f and"),
        ("A sum {{ a + b:.1f }} here.", "line 2: malformed citation '{{ a + b:.1f }}'"),
        ("Empty {{ }} here.", "line 2: malformed citation '{{ }}'"),
        ("A stray }} here.", "line 2: a '}}' with no '{{' before it"),
    ],
)
def test_a_malformed_citation_is_named_with_its_line(prose: str, problem: str) -> None:
    problems = glue.malformed_references(f"# Title\n{prose}\n")
    assert problems and problems[0].startswith(problem), problems


def test_well_formed_citations_and_braces_in_code_are_not_problems() -> None:
    text = (
        "Loss {{ loss:.2f }}, peak {{ shape.highest.x:.1f }}, first {{ c[0]:.0f }}, a\n"
        "reference over two lines {{ best_loss\n:.2f }}.\n<!--alt: from {{ s.start.y:.2f }}-->\n"
        "```python\nd = {{1: 2}}\nf'{{x}}'\n```\n"
        "<!--pytest-codeblocks:expected-output-->\n<!--\n```\n{{ printed }}\n```\n-->\n"
    )
    assert glue.malformed_references(text) == []


def test_the_course_pages_cite_well_formed() -> None:
    for path in sorted((ROOT / "docs").rglob("*.md")):
        assert glue.malformed_references(path.read_text(encoding="utf-8")) == [], path


def test_cell_options_are_the_leading_option_lines() -> None:
    assert cell_options("#| hide\n#| timeout: 20\nx = 1\n#| later: no") == {
        "hide": "",
        "timeout": "20",
    }
    assert cell_options("x = 1\n#| hide") == {}
    assert glue.is_hidden("#| timeout: 5\n#| hide\nx = 1")
    assert not glue.is_hidden("x = 1  #| hide")


def two_languages(tmp_path: Path, en: str, ko: str) -> Path:
    docs = tmp_path / "docs"
    for lang, text in (("en", en), ("ko", ko)):
        (docs / lang).mkdir(parents=True)
        (docs / lang / "lesson.md").write_text(text, encoding="utf-8")
    return docs


def test_a_code_difference_between_languages_is_shown_as_a_diff(tmp_path: Path) -> None:
    cell = "x = 1  # one\ny = 2\nprint(x + y)\nz = 3"
    docs = two_languages(
        tmp_path,
        page("a = 0", cell),
        page("a = 0  # 영", cell.replace("# one", "# 하나").replace("y = 2", "y = 20")),
    )
    (problem,) = gates.code_parity(docs, ("en", "ko"))
    head, *diff = problem.split("\n")
    assert head == (
        "lesson.md: code cell 2 differs between en and ko (comments aside; the code of a "
        "tutorial is the same in every language):"
    )
    assert diff == [
        "    --- en/lesson.md:23",
        "    +++ ko/lesson.md:23",
        "    @@ -1,3 +1,3 @@",
        "     x = 1",
        "    -y = 2",
        "    +y = 20",
        "     print(x + y)",
    ]
    same = two_languages(tmp_path / "same", page(cell), page(cell.replace("# one", "# 하나")))
    assert gates.code_parity(same, ("en", "ko")) == []


def test_two_headings_with_one_id_are_named() -> None:
    html = (
        '<h1 id="why-slow">Why slow<a class="anchor-link" href="#why-slow">¶</a></h1>'
        '<h2 id="data">Data</h2><h2 id="why-slow">Why <em>slow</em></h2>'
    )
    assert gates.duplicate_heading_ids(html) == [
        'two headings have the id "why-slow" ("Why slow" and "Why slow"): links to #why-slow '
        "and the contents' entry of the second lead to the first; give them different text"
    ]
    assert gates.duplicate_heading_ids('<h1 id="a">A</h1><h2 id="a_1">A</h2>') == []


def test_fence_lines_are_where_code_cells_start() -> None:
    assert fence_lines(page("x = 1", "y = 2")) == [17, 23]


def test_make_outputs_adds_a_missing_block_after_the_last_code_block(tmp_path: Path) -> None:
    shutil.copy2(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "sinfit").mkdir()
    text = page("print('one')", "print('two')") + "## Exercise\n\nProse after the code.\n"
    assert outputs.expected(text) is None
    for lang in ("en", "ko"):
        (tmp_path / "docs" / lang).mkdir(parents=True)
        (tmp_path / "docs" / lang / "lesson.md").write_text(text, encoding="utf-8")
    assert outputs.main(["--root", str(tmp_path)]) == 0
    for lang in ("en", "ko"):
        written = (tmp_path / "docs" / lang / "lesson.md").read_text(encoding="utf-8")
        assert outputs.expected(written) == "one\ntwo\n"
        assert written.index("print('two')") < written.index("expected-output")
        assert written.index("expected-output") < written.index("## Exercise")
    assert outputs.main(["--root", str(tmp_path), "--check"]) == 0
    with pytest.raises(ValueError, match="no ```python code block"):
        outputs.with_expected("# no code\n", "x\n")


def test_a_wide_shown_code_line_is_named_and_hangul_counts_two_columns() -> None:
    text = (
        "# Title\n\n```python\n#| hide\n" + "w" * 60 + " = 1\n```\n\n"
        "```python\nshort = 1\n# " + "가" * 24 + "\n# " + "가" * 23 + "\n```\n"
    )
    # the hidden cell is never shown; 24 Hangul syllables and "# " are 50 columns, 23 are 48
    assert gates.wide_code_lines(text) == [(10, 50, "# " + "가" * 24)]


def test_the_course_shows_code_a_phone_shows_whole() -> None:
    problems = gates.wide_code(ROOT / "docs")
    assert problems == [], f"{len(problems)} lines:\n" + "\n".join(problems[:40])
