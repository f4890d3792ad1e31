"""What a reader downloads: the install cell, the script, links, the proof line, Colab."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

from extensions.sitebuild import downloads

WHEEL = "http://127.0.0.1:1/sinfit/downloads/sinfit-0.1.0-py3-none-any.whl"


def lesson() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nSee [the first lesson](hand-gradients.md#data)."),
        nbformat.v4.new_code_cell("import matplotlib\nmatplotlib.use('Agg')\nprint('hello')"),
        nbformat.v4.new_code_cell(
            "from matplotlib.figure import Figure\n"
            "fig = Figure()\nfig.add_subplot().plot([1, 2])\nfig"
        ),
    ]
    nb.cells[2].outputs = [
        nbformat.v4.new_output("display_data", data={"image/svg+xml": "<svg/>"}),
    ]
    return nb


def test_the_install_cell_comes_first_in_the_page_language_and_installs_only_when_missing() -> None:
    for language, word in (("en", "Installs"), ("ko", "설치합니다")):
        nb = downloads.notebook_download(lesson(), WHEEL, language)
        cell = nb.cells[1]
        assert cell.cell_type == "code" and word in cell.source
        assert 'if importlib.util.find_spec("sinfit") is None:' in cell.source
        assert f"%pip install --quiet {WHEEL}" in cell.source
        assert nb.cells[2].source.startswith("import matplotlib"), "the lesson follows unchanged"
        nbformat.validate(nb)


def test_the_script_saves_each_figure_and_runs(tmp_path: Path) -> None:
    script = downloads.script_download(lesson(), "lesson", WHEEL, "en")
    assert "# %%" in script and "pip install " + WHEEL in script
    (tmp_path / "lesson.py").write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "lesson.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "hello\n"
    assert (tmp_path / "lesson-figure-1.svg").read_text().lstrip().startswith("<?xml")
    assert "lesson-figure-1.svg" in proc.stderr


def test_a_figure_expression_with_a_trailing_comment_still_runs(tmp_path: Path) -> None:
    nb = lesson()
    nb.cells[2].source = (
        "from matplotlib.figure import Figure\n"
        "fig = Figure()\nfig.add_subplot().plot([1, 2])\n"
        "(fig  # the figure, shown\n)  # a closing comment, too"
    )
    script = downloads.script_download(nb, "lesson", WHEEL, "ko")
    (tmp_path / "lesson.py").write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "lesson.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "lesson-figure-1.svg").is_file()
    assert "# a closing comment, too" in script, "the comment is kept, above the call"


def test_a_script_without_figures_still_says_how_to_run_it() -> None:
    nb = lesson()
    del nb.cells[2]
    script = downloads.script_download(nb, "plain", WHEEL, "ko")
    assert "`python plain.py`로 실행합니다" in script and "def save_figure" not in script


def test_the_script_says_how_to_run_it_on_its_first_lines() -> None:
    script = downloads.script_download(lesson(), "lesson", WHEEL, "en")
    code = [line for line in script.splitlines() if line and not line.startswith("# ---")]
    start = next(i for i, line in enumerate(code) if line == "# %%")
    assert code[start + 1].startswith("# Run with `python lesson.py`"), code[: start + 2]
    assert "# Title" in script.split("# Run with", 1)[1], "the lesson's text comes after it"


def checked_page() -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """(the page as readers get it, the page's source): a hidden cell between two shown ones."""
    source = lesson()
    source.cells.insert(
        2,
        nbformat.v4.new_code_cell(
            "#| hide\n# claim: the greeting is short\ngreeting = 'hello'\n"
            "assert len(greeting) < 10, 'the text says the greeting is short, but it is long'"
        ),
    )
    return lesson(), source


def test_the_checked_script_holds_the_hidden_cells_in_their_places_and_runs(
    tmp_path: Path,
) -> None:
    shown, source = checked_page()
    whole = downloads.with_checks(shown, source, "en")
    assert [c.cell_type for c in whole.cells] == [c.cell_type for c in source.cells]
    check = whole.cells[2].source
    assert check.startswith("# check: runs with the page, not shown on it\n# claim:")
    assert "#| hide" not in check and "assert len(greeting) < 10" in check
    assert whole.cells[3].outputs, "the shown cells keep their outputs (figures are saved)"
    script = downloads.script_download(whole, "lesson", WHEEL, "en", kind="checked")
    assert "`python lesson-checked.py`" in script and "hidden cells" in script
    (tmp_path / "lesson-checked.py").write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "lesson-checked.py"], cwd=tmp_path, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "hello\n", "the checks print nothing: the same output as the script"
    assert (tmp_path / "lesson-figure-1.svg").is_file()
    ko = downloads.with_checks(shown, source, "ko").cells[2].source
    assert ko.startswith("# 확인 코드:"), "the check's comment is in the page's language"


def test_a_claim_that_fails_in_the_checked_script_names_the_sentence(tmp_path: Path) -> None:
    shown, source = checked_page()
    source.cells[2].source = source.cells[2].source.replace("< 10", "< 3")
    whole = downloads.with_checks(shown, source, "en")
    script = downloads.script_download(whole, "lesson", WHEEL, "en", kind="checked")
    (tmp_path / "lesson-checked.py").write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "lesson-checked.py"], cwd=tmp_path, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "AssertionError: the text says the greeting is short, but it is long" in proc.stderr


def test_a_page_that_is_not_the_shown_notebook_with_checks_is_refused() -> None:
    shown, source = checked_page()
    del source.cells[0]  # the page lost its title: the cells no longer line up
    try:
        downloads.with_checks(shown, source, "en")
    except ValueError as err:
        assert "not the page without its hidden cells" in str(err)
    else:
        raise AssertionError("cells that do not line up must be refused")


def test_links_to_other_pages_become_site_addresses() -> None:
    nb = downloads.absolute_links(lesson(), "https://x.example/sinfit/ko/autograd/")
    assert "(https://x.example/sinfit/ko/hand-gradients/#data)" in nb.cells[0].source


def test_the_proof_line_says_when_with_what_where_how_long_and_how_many_blocks() -> None:
    run = downloads.Execution(date="2026-11-27", python="3.11.7", torch="2.13.0", seconds=1.234)
    en = downloads.proof_line(run, 6, "en")
    assert en == (
        "Every output and figure on this page comes from running its 6 code blocks on "
        "2026-11-27, with Python 3.11.7 and torch 2.13.0 on the CPU, in under a minute."
    )
    assert "on the CUDA" in downloads.proof_line(run, 6, "en", "cuda:0")
    ko = downloads.proof_line(run, 6, "ko")
    assert "2026-11-27" in ko and "1분이 채 걸리지 않았습니다" in ko and "6개" in ko
    assert "CPU에서" in ko
    assert "test" not in en.lower() and "테스트" not in ko, "a line for readers, not about tests"


def test_the_proof_line_is_the_same_for_two_runs_of_the_same_code() -> None:
    """Two builds measure different seconds for the same code; the page must not change."""
    runs = [
        downloads.Execution(date="2026-11-27", python="3.11.7", torch="2.13.0", seconds=s)
        for s in (3.08, 4.62)
    ]
    for language in ("en", "ko"):
        assert len({downloads.proof_line(r, 6, language) for r in runs}) == 1
    assert downloads.duration(59.9, "en") == "under a minute"
    assert downloads.duration(61, "en") == "about 2 minutes"
    assert downloads.duration(125, "ko") == "실행에 약 3분이 걸렸습니다."


def test_the_proof_counts_the_code_blocks_a_reader_sees() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# T"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("#| hide\nassert x == 1, 'the text says x is one'"),
        nbformat.v4.new_code_cell("print(x)"),
    ]
    assert downloads.shown_blocks(nb) == 2
    run = downloads.Execution(date="2026-11-27", python="3.11.7", torch="2.13.0", seconds=1.0)
    assert 'class="sinfit-proof"' in downloads.proof_html(run, 2, "en", "cpu")
    assert downloads.proof_html(None, 2, "en", "cpu") == "", "no execution, no claim"


def test_the_date_follows_source_date_epoch() -> None:
    assert downloads.today("0") == "1970-01-01"
    assert len(downloads.today(None)) == 10


def test_colab_links_only_for_a_github_repository() -> None:
    assert downloads.colab_url(None, "notebooks", "ko/autograd/autograd.ipynb") is None
    assert downloads.colab_url("https://gitlab.com/a/b", "notebooks", "x.ipynb") is None
    assert downloads.colab_url("https://github.com/me/sinfit/", "notebooks", "ko/a/a.ipynb") == (
        "https://colab.research.google.com/github/me/sinfit/blob/notebooks/ko/a/a.ipynb"
    )


def test_the_header_links_the_downloads_and_colab_only_when_given() -> None:
    plain = downloads.header_html("autograd", "en", None)
    assert 'href="autograd.ipynb"' in plain and 'href="autograd.py"' in plain
    assert 'href="autograd-checked.py"' in plain
    assert "colab" not in plain.lower() and "sinfit-proof" not in plain
    with_colab = downloads.header_html("autograd", "ko", "https://colab.example/x")
    assert "Colab에서 열기" in with_colab


def test_the_wheel_is_built_once_per_version_of_the_sources(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    cache = tmp_path / "wheels"
    first = downloads.wheel(root, cache)
    assert first.name.startswith("sinfit-") and first.suffix == ".whl"
    assert downloads.wheel(root, cache) == first
    assert not (root / "build").exists() or (root / "build").stat().st_mtime < first.stat().st_mtime


def test_the_downloaded_notebook_folds_each_solution_and_nothing_else() -> None:
    """On the site a solution sits in a closed box; in the notebook its cell comes folded
    (input and output), so a reader can try the question before seeing the answer."""
    from extensions.sitebuild.execution import downloadable

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_markdown_cell("### Question\n\nPredict first.\n\n<!--solution-->"),
            nbformat.v4.new_code_cell("print(x + 1)"),
            nbformat.v4.new_markdown_cell("### Next question"),
            nbformat.v4.new_code_cell("print(x + 2)"),
        ]
    )
    folded = [c.metadata.get("jupyter") for c in downloadable(nb).cells if c.cell_type == "code"]
    assert folded == [None, {"source_hidden": True, "outputs_hidden": True}, None]
    nbformat.validate(downloadable(nb))
    assert "jupyter" not in nb.cells[2].metadata, "the page's own notebook is left as it was"
