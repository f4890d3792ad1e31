"""Glue: values the code computed, cited by the prose; and code compared without comments."""

from __future__ import annotations

import nbformat
import pytest

from extensions.sitebuild import glue
from extensions.sitebuild.code import without_comments
from extensions.sitebuild.execution import SharedKernel, read_page, with_outputs


def notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for kind, source in cells:
        new = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(new(source))
    return nb


def glued(values: dict) -> dict:
    return {"output_type": "display_data", "data": {glue.MIME: values}, "metadata": {}}


def test_a_reference_takes_the_value_after_the_nearest_code_cell_above() -> None:
    nb = notebook(
        ("code", "a = 1.5"),
        ("markdown", "before: {{ a:.1f }}"),
        ("code", "a = 2.25"),
        ("markdown", "after: {{ a:.2f }}, shape {{ s.highest.y:.0f }}, list {{ v[1]:d }}"),
    )
    nb.cells[0].outputs = [glued({"a": 1.5})]
    nb.cells[2].outputs = [glued({"a": 2.25, "s": {"highest": {"y": 37.4}}, "v": [1, 2]})]
    out = glue.resolve(nb, "en/page.md")
    assert [c.source for c in out.cells if c.cell_type == "markdown"] == [
        "before: 1.5",
        "after: 2.25, shape 37, list 2",
    ]
    assert all(
        o.get("data", {}).get(glue.MIME) is None for c in out.cells for o in c.get("outputs", [])
    )
    assert nb.cells[0].outputs, "the executed notebook itself is left as cached"


def test_an_unknown_name_fails_naming_the_page_and_the_name() -> None:
    nb = notebook(("code", "a = 1"), ("markdown", "{{ best_loss:.2f }}"))
    nb.cells[0].outputs = [glued({"a": 1})]
    with pytest.raises(
        glue.GlueError, match=r"en/x\.md: .*'best_loss'.*names with citable values there: a"
    ):
        glue.resolve(nb, "en/x.md")


def test_a_name_defined_only_below_the_reference_is_unknown_there() -> None:
    nb = notebook(("markdown", "{{ a:.1f }}"), ("code", "a = 1"))
    nb.cells[1].outputs = [glued({"a": 1})]
    with pytest.raises(glue.GlueError, match="'a'"):
        glue.resolve(nb, "p")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ a }}", "has no display format"),
        ("{{ a:.2q }}", "Unknown format code"),
        ("{{ a.b:.1f }}", "no such part"),
        ("{{ v[5]:.1f }}", "no such part"),
    ],
)
def test_bad_references_are_named(text: str, message: str) -> None:
    nb = notebook(("code", "a = 1"), ("markdown", text))
    nb.cells[0].outputs = [glued({"a": 1.0, "v": [1.0]})]
    with pytest.raises(glue.GlueError, match=message):
        glue.resolve(nb, "p")


def test_hidden_cells_are_dropped_and_must_not_print() -> None:
    nb = notebook(("code", "#| hide\nz = 3"), ("markdown", "{{ z:d }}"), ("code", "print(1)"))
    nb.cells[0].outputs = [glued({"z": 3})]
    out = glue.resolve(nb, "p")
    assert [c.source for c in out.cells] == ["3", "print(1)"]
    nb.cells[0].outputs.append(nbformat.v4.new_output("stream", name="stdout", text="3\n"))
    with pytest.raises(glue.GlueError, match="hidden cell"):
        glue.resolve(nb, "p")


def test_without_execution_references_show_their_names() -> None:
    out = glue.resolve(notebook(("markdown", "loss {{ best_loss:.2f }}")), "p", executed=False)
    assert out.cells[0].source == "loss [best_loss]"


def test_snapshots_capture_numbers_tensors_and_dataclasses_from_a_real_kernel(tmp_path) -> None:
    code = [
        "import torch\nfrom sinfit import describe_curve\nx = torch.linspace(-1, 1, 5)\n"
        "shape = describe_curve(x, 1 - x**2)\nloss = torch.tensor(3.5)\nn = 4\ntext = 'no'\n"
        "long_text = 'x' * 81\nover = float('inf')",
        "n = 5\nbig = torch.zeros(100)",
    ]
    nb = glue.with_snapshots(notebook(*[("code", c) for c in code]))
    kernel = SharedKernel()
    try:
        kernel.run(nb, cwd=tmp_path)
    finally:
        kernel.stop()
    glue.collect_snapshots(nb)
    assert len(nb.cells) == 2
    first = nb.cells[0].outputs[-1]["data"][glue.MIME]
    assert (
        first["loss"] == 3.5
        and first["n"] == 4
        and first["shape"]["highest"] == {"x": 0.0, "y": 1.0}
    )
    assert len(first["x"]) == 5 and first["text"] == "no" and "torch" not in first
    assert "long_text" not in first, "a long string is no label for prose"
    resolved = glue.resolve(
        nbformat.from_dict(
            {
                **nb,
                "cells": [*nb.cells, nbformat.v4.new_markdown_cell("{{ text:s }} {{ over:.0f }}")],
            }
        ),
        "p",
    )
    assert resolved.cells[-1].source == "no inf"
    second = nb.cells[1].outputs[-1]["data"][glue.MIME]
    assert second == {"n": 5}, "only what changed, and no large tensors"


def test_comments_do_not_count_but_code_and_cell_options_do() -> None:
    en = "#| hide\n# the data\nx = 1  # one\ns = '# text'\n"
    ko = "#| hide\n# 데이터\nx = 1  # 하나\ns = '# text'\n"
    assert without_comments(en) == without_comments(ko) == "#| hide\nx = 1\ns = '# text'\n"
    assert without_comments(en) != without_comments(en.replace("x = 1", "x = 2"))
    assert without_comments(en) != without_comments(en.replace("#| hide\n", ""))
    assert without_comments("s = '''\n# inside a string\n'''") == "s = '''\n# inside a string\n'''"


def test_page_cell_ids_are_the_same_at_every_read(tmp_path) -> None:
    page = tmp_path / "p.md"
    page.write_text("# T\n\ntext\n\n```python\nx = 1\n```\n", encoding="utf-8")
    ids = [c.id for c in read_page(page).cells]
    assert (
        ids == [c.id for c in read_page(page).cells] == ["cell-1", "cell-2", "cell-3"][: len(ids)]
    )


def test_outputs_move_onto_the_page_in_its_own_language() -> None:
    page = notebook(("markdown", "한국어"), ("code", "x = 1  # 하나"))
    ran = notebook(("markdown", "English"), ("code", "x = 1"))
    ran.cells[1].outputs = [glued({"x": 1})]
    merged = with_outputs(page, ran)
    assert merged.cells[0].source == "한국어" and merged.cells[1].source == "x = 1  # 하나"
    assert merged.cells[1].outputs == ran.cells[1].outputs


def test_a_shown_cell_using_a_name_only_a_hidden_cell_defines_is_named() -> None:
    cells = [
        (1, "import torch\nx = torch.zeros(3)"),
        (2, "#| hide\nbest = float(x.sum())\nnote = 'hidden'"),
        (3, "def f(v):\n    return v + 1\nprint(f(best), [k for k in range(2)], len(x))"),
        (4, "#| hide\nassert best == 0, 'the text says zero'"),
        (5, "note = 'shown'\nprint(note)"),
    ]
    problems = glue.names_only_hidden_cells_define(cells)
    assert len(problems) == 1 and problems[0].startswith(
        "code cell 3 uses 'best', which only hidden cell 2 defines"
    ), problems
    assert glue.names_only_hidden_cells_define(cells[:2] + cells[3:]) == []


def test_printed_pieces_of_one_stream_become_one_output_and_empty_ones_go() -> None:
    stream = nbformat.v4.new_output
    outputs = [
        stream("stream", name="stdout", text="t =    0\n"),
        stream("stream", name="stdout", text=""),
        stream("stream", name="stdout", text=["t =  100\n", "t =  200\n"]),
        stream("stream", name="stderr", text="warning\n"),
        stream("stream", name="stdout", text="done\n"),
        stream("display_data", data={"image/svg+xml": "<svg/>"}),
        stream("stream", name="stdout", text="after\n"),
    ]
    merged = glue.coalesced_streams(outputs)
    assert [(o.get("name"), o.get("text")) for o in merged] == [
        ("stdout", "t =    0\nt =  100\nt =  200\n"),
        ("stderr", "warning\n"),
        ("stdout", "done\n"),
        (None, None),
        ("stdout", "after\n"),
    ]


def test_a_negative_number_takes_the_minus_sign_of_the_prose_around_it() -> None:
    values = {"low": -0.0912, "high": 0.5, "small": 1.5e-5}
    text = glue.fill("from {{ low:.2f }} to {{ high:.2f }}, {{ small:.1e }}", values, "p.md")
    assert text == "from \u22120.09 to 0.50, 1.5e-05"
