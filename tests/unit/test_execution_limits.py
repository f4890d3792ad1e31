# ruff: noqa: RUF001 (the claim is written as the pages write it, with a times sign)
"""Execution under bad input and load: time limits, output limits, claims, a damaged cache,
unused entries, the torch thread count (issue #24). Each test runs a small page through the
build's Executor in a temporary project, with a real kernel."""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest

from extensions.sitebuild import execution
from extensions.sitebuild.execution import ExecutionError, Executor
from tests.conftest import TUTORIAL_HEADER

HEADER = TUTORIAL_HEADER + "\n# A page\n\n"


def page(*cells: str, prose: str = "Some prose.\n") -> str:
    """A jupytext page whose code cells are ``cells``, prose before each."""
    return HEADER + "".join(f"{prose}\n```python\n{c}\n```\n\n" for c in cells)


class Project:
    """A temporary project: docs/en/<name>.md pages, an empty package, an execution cache."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "pkg").mkdir()
        (root / "docs" / "en").mkdir(parents=True)
        self.executor = Executor(root / ".cache" / "execution", root / "pkg")

    def write(self, name: str, text: str) -> str:
        path = self.root / "docs" / "en" / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    def run(self, name: str, text: str):
        self.executor.reset()
        return self.executor.notebook(self.write(name, text), f"en/{name}", "en")

    def next_build(self) -> None:
        """A new build process: a fresh Executor on the same cache."""
        self.executor.kernel.stop()
        self.executor = Executor(self.root / ".cache" / "execution", self.root / "pkg")

    def statuses(self) -> list[str]:
        return [r.status for r in self.executor.rows]

    def records(self) -> int:
        return len(self.executor.cache.list_cache_records())


@pytest.fixture
def project(tmp_path: Path):
    p = Project(tmp_path)
    yield p
    p.executor.kernel.stop()


def kernel_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("sinfit-kernel-*")}


def test_a_never_ending_cell_stops_at_its_own_limit_naming_page_cell_and_limit(
    project: Project,
) -> None:
    before = kernel_folders()
    text = page("x = 1", "#| timeout: 2\nwhile True:\n    pass")
    with pytest.raises(ExecutionError) as caught:
        project.run("loop.md", text)
    message = str(caught.value)
    assert message.startswith("docs/en/loop.md: code cell 2 (line 24) did not finish within")
    assert "time limit of 2 s (its '#| timeout')" in message
    assert project.executor.kernel.km is None, "the kernel is stopped with the cell"
    assert kernel_folders() <= before, "the kernel's socket folder is removed"
    assert project.records() == 0, "nothing of a stopped page is cached"


def test_the_default_limit_applies_to_a_cell_without_its_own(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(execution, "CELL_TIMEOUT_S", 2)
    with pytest.raises(ExecutionError, match=r"code cell 1 \(line 18\) did not finish") as caught:
        project.run("loop.md", page("import time\nwhile True:\n    time.sleep(0.01)"))
    assert "time limit of 2 s (the default, CELL_TIMEOUT_S" in str(caught.value)
    # the next page runs in a fresh kernel
    nb = project.run("after.md", page("print('after')"))
    assert [o["text"] for c in nb.cells if c.cell_type == "code" for o in c.outputs] == ["after\n"]


@pytest.mark.parametrize(
    ("option", "problem"),
    [
        ("#| timeout: soon", "'#| timeout: soon' is not a time limit"),
        ("#| timeout: 0", "'#| timeout: 0' is not a time limit"),
        ("#| hdie", "unknown cell option '#| hdie' (known: #| hide, #| timeout)"),
    ],
)
def test_a_bad_cell_option_fails_before_anything_runs(
    project: Project, option: str, problem: str
) -> None:
    with pytest.raises(ExecutionError, match=r"docs/en/opt.md: code cell 1 \(line 18\)") as caught:
        project.run("opt.md", page(f"{option}\nx = 1"))
    assert problem in str(caught.value)
    assert project.executor.kernel.km is None, "no kernel was started for it"


def test_a_cell_printing_200_kb_fails_naming_page_and_cell(project: Project) -> None:
    with pytest.raises(ExecutionError) as caught:
        project.run("big.md", page("x = 1", "print('x' * 200_000)"))
    assert str(caught.value).startswith(
        "docs/en/big.md: code cell 2 (line 24) wrote 200 KB of text output, more than the "
        "100 KB a cell may publish"
    )
    assert project.records() == 0
    project.run("small.md", page("print('x' * 90_000)"))  # under the limit: published


def test_a_failed_claim_reads_as_the_writer_s_message(project: Project) -> None:
    claim = (
        "#| hide\n"
        "# claim: at 8e-6 the run diverges\n"
        "over_epoch = None\n"
        'assert over_epoch is not None, "the text says the run at 8×10⁻⁶ diverges, but it '
        'ended at a finite loss"'
    )
    with pytest.raises(ExecutionError) as caught:
        project.run("claims.md", page("x = 1", claim))
    assert str(caught.value) == (
        'docs/en/claims.md: a claim of the text no longer holds (code cell 2, line 27, "at '
        '8e-6 the run diverges"): the text says the run at 8×10⁻⁶ diverges, but it ended at a '
        "finite loss"
    )


def test_a_failing_cell_is_named_with_the_line_that_raised(project: Project) -> None:
    with pytest.raises(ExecutionError) as caught:
        project.run("fail.md", page("x = 1", "y = 2\nraise ValueError('broken here')"))
    assert str(caught.value) == (
        "docs/en/fail.md: code cell 2 failed (line 25) while executing the page: "
        "ValueError: broken here"
    )


def test_an_unclosed_citation_fails_naming_page_and_line_before_running(
    project: Project,
) -> None:
    text = page("final_loss = 0.5", prose="The loss is {{ final_loss:.2f and falls.\n")
    with pytest.raises(ExecutionError) as caught:
        project.run("cite.md", text)
    assert str(caught.value).startswith(
        "docs/en/cite.md, line 15: unclosed citation '{{ final_loss:.2f and falls.'"
    )
    assert project.executor.kernel.km is None, "nothing ran"


def test_the_kernel_runs_torch_on_one_thread_unless_configured(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = "import torch\nprint(torch.get_num_threads())"
    nb = project.run("threads.md", page(code))
    printed = [o["text"] for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert printed == ["1\n"]
    one = project.executor.fingerprint
    project.executor.kernel.stop()
    monkeypatch.setenv("SINFIT_TORCH_THREADS", "2")
    project.executor.reset()
    assert project.executor.fingerprint != one, "another thread count is another cache"
    nb = project.run("threads.md", page(code))
    assert [o["text"] for c in nb.cells if c.cell_type == "code" for o in c.outputs] == ["2\n"]
    monkeypatch.setenv("SINFIT_TORCH_THREADS", "many")
    with pytest.raises(ExecutionError, match=r"SINFIT_TORCH_THREADS='many': expected a whole"):
        execution.torch_threads()


def _has_avx2() -> bool:
    try:
        return " avx2 " in Path("/proc/cpuinfo").read_text().replace("\n", " ")
    except OSError:
        return False


def test_the_kernel_and_the_snippet_tests_compute_on_the_pinned_code_paths(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    from extensions.sitebuild.numerics import NUMERICS

    # this process: the tests.numerics plugin pinned them before torch's first operation
    assert {k: os.environ.get(k) for k in NUMERICS} == NUMERICS
    if _has_avx2():
        assert torch.backends.cpu.get_cpu_capability() == "AVX2"
    # the kernel: pinned whatever the build was started with
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "default")
    monkeypatch.setenv("MKL_CBWR", "AUTO")
    code = (
        "import os\nimport torch\n"
        "print(os.environ['ATEN_CPU_CAPABILITY'], os.environ['MKL_CBWR'],"
        " torch.backends.cpu.get_cpu_capability())"
    )
    nb = project.run("paths.md", page(code))
    (printed,) = [o["text"] for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    aten, mkl, capability = printed.split()
    assert (aten, mkl) == (NUMERICS["ATEN_CPU_CAPABILITY"], NUMERICS["MKL_CBWR"])
    if _has_avx2():
        assert capability == "AVX2", "the kernel ran torch on another code path"


def test_a_truncated_cache_database_is_said_in_one_line_and_rebuilt(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    project.run("a.md", page("print(1)"))
    (db,) = (project.root / ".cache" / "execution").glob("*/global.db")
    project.executor.kernel.stop()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    with pytest.raises(sqlite3.DatabaseError):  # the damage is real
        sqlite3.connect(db).execute("select * from nbcache").fetchall()
    caplog.set_level(logging.INFO, logger="mkdocs.sitebuild.execution")
    project.next_build()
    project.run("a.md", page("print(1)"))
    said = [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()]
    assert len(said) == 1 and "\n" not in said[0], said
    assert said[0].startswith(f"execution cache {db} is damaged (")
    assert said[0].endswith("rebuilding it: every page executes again")
    assert project.statuses() == ["executed"]
    project.next_build()
    project.run("a.md", page("print(1)"))
    assert project.statuses() == ["cached"], "the rebuilt cache works"


def test_entries_no_page_uses_are_pruned(project: Project) -> None:
    project.run("a.md", page("print(1)"))
    project.run("b.md", page("print(2)"))
    project.run("a.md", page("print(3)"))  # the code of a.md changed: print(1) is unused
    assert project.records() == 3
    pages = sorted((project.root / "docs" / "en").glob("*.md"))
    assert project.executor.prune(pages) == 1
    assert project.records() == 2
    project.next_build()
    project.executor.notebook(project.write("a.md", page("print(3)")), "en/a.md", "en")
    project.executor.notebook(project.write("b.md", page("print(2)")), "en/b.md", "en")
    assert project.statuses() == ["cached", "cached"], "what pages use is kept"
    os.remove(pages[1])
    assert project.executor.prune(pages[:1]) == 1 and project.records() == 1
