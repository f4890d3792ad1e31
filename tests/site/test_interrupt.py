"""An interrupted build stops cleanly: one line for Ctrl-C, no kernel left behind, and the next
build is correct."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import copy_project, run_build, tutorial_pages

PAGE = "hand-gradients"


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def executing(kernel: int) -> bool:
    """Has the kernel begun the page's code? Its first cell imports torch: the library is then
    mapped into the kernel's memory."""
    try:
        return b"libtorch" in Path(f"/proc/{kernel}/maps").read_bytes()
    except OSError:
        return False


def start_build_and_wait_for_its_kernel(project: Path) -> tuple[subprocess.Popen, int]:
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project)},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        kernels = [
            pid
            for pid in children(build.pid)
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        if kernels and executing(kernels[0]):
            return build, kernels[0]
        if build.poll() is not None:
            pytest.fail(f"the build ended before starting a kernel:\n{build.communicate()}")
        time.sleep(0.1)
    build.kill()
    build.communicate()
    pytest.fail("no kernel started executing the page within 120 s")


def wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy with one tutorial and no execution cache: every build executes it."""
    root = copy_project(tmp_path_factory.mktemp("interrupt") / "project")
    for language in ("en", "ko"):
        for other in tutorial_pages(language):
            if other.stem != PAGE:
                (root / "docs" / language / other.name).write_text(f"# {other.stem}\n")
    return root


def test_ctrl_c_stops_with_one_line_and_no_kernel_left(project: Path) -> None:
    build, kernel = start_build_and_wait_for_its_kernel(project)
    build.send_signal(signal.SIGINT)
    _, err = build.communicate(timeout=30)
    assert build.returncode == 130
    tail = err.strip().splitlines()[-1]
    assert tail == "Interrupted: build stopped, kernel shut down, unfinished site removed."
    assert "Traceback" not in err and "AssertionError" not in err
    assert wait_gone(kernel, 5), "the kernel outlived the build"


def test_sigkill_leaves_no_kernel_and_the_next_build_is_correct(project: Path) -> None:
    build, kernel = start_build_and_wait_for_its_kernel(project)
    build.kill()
    build.communicate(timeout=10)
    assert wait_gone(kernel, 10), "the kernel outlived the killed build"
    proc = run_build(project, project / "site", env={"PYTHONPATH": str(project)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (project / "site" / PAGE / "index.html").read_text(encoding="utf-8")
    assert "t = 1000  loss" in html and "Traceback" not in html
