"""The stage's queue (Stage.page_ahead / Stage.ready): a build queues its pages and renders each
as soon as its own notebook is staged, while the kernels go on with the next; a failure is the
failing page's, said when the build reaches it, and nothing queued after it executes. With
``SINFIT_KERNELS=2`` two lanes, each a thread with its own kernel, stage two pages at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from extensions.sitebuild.execution import ExecutionError
from extensions.sitebuild.stage import Stage, StageError, kernel_lanes


def queued_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page, *, lanes: int = 1) -> Stage:
    monkeypatch.setenv("SINFIT_KERNELS", str(lanes))
    stage = Stage(tmp_path, enabled=False)
    monkeypatch.setattr(stage, "page", lambda path, language, prepared: page(path, language))
    monkeypatch.setattr(stage.executor, "prepare", lambda path: None)
    monkeypatch.setattr(stage.executor.kernel, "stop", lambda: None)
    return stage


def source(tmp_path: Path, name: str) -> Path:
    return tmp_path / "docs" / "en" / f"{name}.md"


def test_a_queued_page_is_ready_when_its_own_notebook_is_not_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = {name: threading.Event() for name in ("one", "two")}
    staged = []

    def page(path: Path, language: str) -> Path:
        release[path.stem].wait(timeout=10)
        staged.append(path.stem)
        return path

    stage = queued_stage(tmp_path, monkeypatch, page)
    one = stage.page_ahead(source(tmp_path, "one"), "en")
    two = stage.page_ahead(source(tmp_path, "two"), "en")
    assert one == stage.staged_path("en", "one.md") and two == stage.staged_path("en", "two.md")
    assert staged == [], "page_ahead returns before the page is staged"

    waiting = threading.Thread(target=stage.ready, args=(str(one),))
    waiting.start()
    waiting.join(timeout=0.2)
    assert waiting.is_alive(), "ready returned before the page was staged"
    release["one"].set()
    waiting.join(timeout=10)
    assert not waiting.is_alive() and staged == ["one"], "page one ready, page two still running"
    release["two"].set()
    stage.finish()  # waits for what is still queued
    assert staged == ["one", "two"]
    stage.close()


def test_a_failing_page_fails_where_the_build_reaches_it_and_stops_the_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = []

    def page(path: Path, language: str) -> Path:
        ran.append(path.stem)
        if path.stem == "broken":
            raise StageError("docs/en/broken.md: code cell 2 raised")
        return path

    stage = queued_stage(tmp_path, monkeypatch, page)
    paths = [stage.page_ahead(source(tmp_path, n), "en") for n in ("fine", "broken", "later")]
    stage.ready(str(paths[0]))
    with pytest.raises(StageError, match=r"broken\.md: code cell 2 raised"):
        stage.ready(str(paths[1]))
    with pytest.raises(StageError, match="later: not staged, an earlier page failed"):
        stage.ready(str(paths[2]))
    assert ran == ["fine", "broken"], "nothing queued after a failed page executes"
    stage.close()


def test_a_failed_build_drops_the_queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started, release, ran = threading.Event(), threading.Event(), []

    def page(path: Path, language: str) -> Path:
        ran.append(path.stem)
        started.set()
        release.wait(timeout=10)
        return path

    stage = queued_stage(tmp_path, monkeypatch, page)
    monkeypatch.setattr(stage.executor.kernel, "kill", release.set)  # the running page ends
    for name in ("running", "queued"):
        stage.page_ahead(source(tmp_path, name), "en")
    assert started.wait(timeout=10)
    stage.close(now=True)
    assert ran == ["running"], "a page queued behind the running one is dropped"
    stage.finish()  # nothing left to wait for


def test_what_parses_python_runs_on_the_caller_s_thread_and_its_failure_is_the_page_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing runs beside the renderer's own parsing otherwise (CPython's AST constructor is
    not safe across threads: Executor.prepare); a page whose check fails is not queued."""
    prepared_on, staged_on = [], []

    def prepare(path: str) -> str:
        prepared_on.append(threading.current_thread())
        if "broken" in path:
            raise ExecutionError("docs/en/broken.md, line 3: an unclosed {{")
        return f"read {Path(path).stem}"

    def page(path: Path, language: str, prepared: str) -> Path:
        staged_on.append((threading.current_thread(), prepared))
        return path

    monkeypatch.setenv("SINFIT_KERNELS", "1")
    stage = Stage(tmp_path, enabled=False)
    monkeypatch.setattr(stage.executor, "prepare", prepare)
    monkeypatch.setattr(stage, "page", page)
    monkeypatch.setattr(stage.executor.kernel, "stop", lambda: None)
    fine = stage.page_ahead(source(tmp_path, "fine"), "en")
    broken = stage.page_ahead(source(tmp_path, "broken"), "en")
    stage.ready(str(fine))
    with pytest.raises(StageError, match="an unclosed"):
        stage.ready(str(broken))
    assert prepared_on == [threading.current_thread()] * 2
    ((thread, prepared),) = staged_on
    assert thread is not threading.current_thread() and prepared == "read fine"
    stage.close()


def test_two_lanes_stage_two_pages_at_once_each_in_a_kernel_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_running = threading.Barrier(2, timeout=10)
    kernels = {}

    def page(path: Path, language: str) -> Path:
        kernels[path.stem] = stage.executor.kernel  # the kernel of the lane's thread
        both_running.wait()  # breaks (BrokenBarrierError) if the pages ran one after the other
        return path

    stage = queued_stage(tmp_path, monkeypatch, page, lanes=2)
    paths = [stage.page_ahead(source(tmp_path, n), "en") for n in ("one", "two")]
    for path in paths:
        stage.ready(str(path))
    assert kernels["one"] is not kernels["two"], "each lane talks to its own kernel"
    stage.close()


def test_with_two_lanes_a_failed_build_kills_both_kernels_and_drops_the_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_running = threading.Barrier(3, timeout=10)
    killed, ran = threading.Semaphore(0), []

    def page(path: Path, language: str) -> Path:
        ran.append(path.stem)
        kernel = stage.executor.kernel
        kernel.kill = killed.release  # the running page ends when its kernel is killed
        kernel.stop = lambda: None
        both_running.wait()
        assert killed.acquire(timeout=10), f"{path.stem}: its kernel was never killed"
        return path

    stage = queued_stage(tmp_path, monkeypatch, page, lanes=2)
    for name in ("a", "b", "queued"):
        stage.page_ahead(source(tmp_path, name), "en")
    both_running.wait()
    stage.close(now=True)
    assert sorted(ran) == ["a", "b"], "the page queued behind the two running ones is dropped"


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_number_of_kernels_is_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SINFIT_KERNELS", value)
    with pytest.raises(StageError, match=f"SINFIT_KERNELS={value!r}: the number of kernels"):
        kernel_lanes()


def test_two_kernels_where_there_are_two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SINFIT_KERNELS", raising=False)
    for cores, lanes in ((1, 1), (2, 2), (16, 2), (None, 1)):
        monkeypatch.setattr("os.cpu_count", lambda cores=cores: cores)
        assert kernel_lanes() == lanes, cores
