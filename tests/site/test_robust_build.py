"""The build under load and bad input (issue #24), on one copy of the project whose only
tutorial is a small page: two builds at once execute it once; a failed claim, a Korean-only code
change, an unclosed citation, duplicate heading ids and a never-ending cell fail the build with
the author's message; SIGTERM leaves no kernel, no socket folder, no half-written site.

The tests run in order on the shared copy; each puts the page back as it found it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extensions.sitebuild.execution import REPORT_ROW
from tests.conftest import LANGUAGES, TUTORIAL_HEADER, copy_project, run_build, tutorial_pages
from tests.site.test_interrupt import children, wait_gone

PAGE = "hand-gradients"
HEADER = TUTORIAL_HEADER + "\n"
TEXT = {
    "en": (
        "# Claims",
        "The mean of the sample is {{ mean:.2f }}.",
        "# claim: the mean is one half",
    ),
    "ko": ("# 주장", "표본의 평균은 {{ mean:.2f }}입니다.", "# claim: 평균은 절반이다"),
}
CODE = 'import torch\n\nx = torch.linspace(0, 1, 1001)\nprint(f"{len(x)} points")'
CLAIM = (
    "#| hide\n{comment}\nmean = float(x.mean())\n"
    'assert abs(mean - 0.5) < 1e-6, f"the text says the mean is one half, but it is {{mean:.3f}}"'
)


def small_page(language: str, *, code: str = CODE, after: str = "") -> str:
    title, prose, comment = TEXT[language]
    claim = CLAIM.format(comment=comment)
    return (
        f"{HEADER}{title}\n\n```python\n{code}\n```\n\n"
        f"<!--pytest-codeblocks:cont-->\n\n```python\n{claim}\n```\n\n{prose}\n{after}"
    )


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root

    def page(self, language: str) -> Path:
        return self.root / "docs" / language / f"{PAGE}.md"

    def write(self, **texts: str) -> None:
        for language in LANGUAGES:
            self.page(language).write_text(
                texts.get(language, small_page(language)), encoding="utf-8"
            )

    def build(self, site: str = "site") -> subprocess.CompletedProcess[str]:
        return run_build(self.root, self.root / site, env={"PYTHONPATH": str(self.root)})

    def start(self, site: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", site],
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(self.root)},
        )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = copy_project(tmp_path_factory.mktemp("robust") / "project")
    for language in LANGUAGES:
        for other in tutorial_pages(language):
            if other.stem != PAGE:
                (root / "docs" / language / other.name).write_text(f"# {other.stem}\n")
    p = Project(root)
    p.write()
    return p


def failure(proc: subprocess.CompletedProcess[str]) -> str:
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "Traceback" not in output, output
    return output


def test_two_builds_at_once_execute_the_page_once(project: Project) -> None:
    builds = [project.start(str(project.root / f"site-{n}")) for n in (1, 2)]
    logs = [b.communicate(timeout=600)[0] for b in builds]
    for build, log in zip(builds, logs, strict=True):
        assert build.returncode == 0, log
    rows = [row for log in logs for row in REPORT_ROW.findall(log)]
    assert sorted((row[0], row[2]) for row in rows) == sorted(
        [
            *[(f"{lang}/{PAGE}.md", "cached") for lang in LANGUAGES for _ in (1, 2)][1:],
            (f"{LANGUAGES[0]}/{PAGE}.md", "executed"),
        ]
    ), "one build executed the page, the other waited and read its result"
    assert any("another build is executing this code; waiting" in log for log in logs)


def test_a_claim_that_no_longer_holds_fails_the_build_with_the_writer_s_message(
    project: Project,
) -> None:
    broken = {
        lang: small_page(lang).replace("abs(mean - 0.5)", "abs(mean - 0.6)") for lang in LANGUAGES
    }
    project.write(**broken)
    try:
        output = failure(project.build())
    finally:
        project.write()
    assert (
        f"docs/en/{PAGE}.md: a claim of the text no longer holds (code cell 2, line 28, "
        '"the mean is one half"): the text says the mean is one half, but it is 0.500'
    ) in output


def test_a_code_change_in_one_language_fails_the_build_with_the_diff(project: Project) -> None:
    changed = CODE.replace("1001)", "2001)")
    project.write(ko=small_page("ko", code=changed))
    try:
        output = failure(project.build())
    finally:
        project.write()
    expected = [
        f"docs/{PAGE}.md: code cell 1 differs between en and ko (comments aside; the code of a "
        "tutorial is the same in every language):",
        f"    --- en/{PAGE}.md:15",
        f"    +++ ko/{PAGE}.md:15",
        "    @@ -2,3 +2,3 @@",
        "     ",
        "    -x = torch.linspace(0, 1, 1001)",
        "    +x = torch.linspace(0, 1, 2001)",
        '     print(f"{len(x)} points")',
    ]
    assert "\n".join(expected) in output
    assert "Execution report" not in output, "nothing ran"


def test_an_unclosed_citation_fails_the_build_naming_page_and_line(project: Project) -> None:
    ko = small_page("ko").replace("{{ mean:.2f }}입니다", "{{ mean:.2f 입니다")
    project.write(ko=ko)
    try:
        output = failure(project.build())
    finally:
        project.write()
    assert f"docs/ko/{PAGE}.md, line 31: unclosed citation '{{{{ mean:.2f 입니다.'" in output


def test_two_headings_with_one_id_fail_the_build_naming_page_and_heading(
    project: Project,
) -> None:
    project.write(ko=small_page("ko", after="\n## 주장\n\n같은 제목.\n"))
    try:
        output = failure(project.build())
    finally:
        project.write()
    assert f'docs/ko/{PAGE}.md: two headings have the id "주장" ("주장" and "주장")' in output


def test_a_never_ending_cell_fails_the_build_at_its_limit(project: Project) -> None:
    code = "#| timeout: 2\nwhile True:\n    pass"
    project.write(**{lang: small_page(lang, code=code) for lang in LANGUAGES})
    try:
        output = failure(project.build())
    finally:
        project.write()
    assert (
        f"docs/en/{PAGE}.md: code cell 1 (line 16) did not finish within its time limit of 2 s "
        "(its '#| timeout') and was stopped with its kernel"
    ) in output


def wait_for(what, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := what():
            return found
        time.sleep(0.05)
    return None


def cmdline(pid: int) -> bytes:
    """The command line of a process; empty when it exited meanwhile (children() lists a
    process that may be gone by the time its /proc entry is read)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # FileNotFoundError, or ProcessLookupError while it is being reaped
        return b""


def the_kernel(build: subprocess.Popen[str]) -> int | None:
    for pid in children(build.pid):
        if b"ipykernel" in cmdline(pid):
            return pid
    return None


def test_sigterm_leaves_no_kernel_no_socket_folder_and_no_half_written_site(
    project: Project,
) -> None:
    started = project.root / "started"  # written by the page's code once it runs
    code = (
        f"import pathlib\nimport time\n\npathlib.Path({str(started)!r}).touch()\n"
        "time.sleep(120)  # long enough to be stopped"
    )
    project.write(**{lang: small_page(lang, code=code) for lang in LANGUAGES})
    site = project.root / "site-term"
    (site / "old").mkdir(parents=True)  # a previous site: mkdocs empties it at the start
    build = project.start(str(site))
    try:
        kernel = wait_for(lambda: the_kernel(build) or build.poll() is not None)
        assert isinstance(kernel, int) and kernel is not True, build.communicate()[0]
        args = cmdline(kernel).decode().split("\0")
        assert "-f" in args, f"the kernel {kernel} exited before its command line was read"
        sockets = Path(args[args.index("-f") + 1]).parent
        assert sockets.name.startswith("sinfit-kernel-") and sockets.is_dir()
        assert wait_for(started.exists), "the page's code never started"
        build.send_signal(signal.SIGTERM)
        output = build.communicate(timeout=30)[0]
    finally:
        if build.poll() is None:
            build.kill()
        project.write()
    assert build.returncode == 128 + signal.SIGTERM
    assert output.strip().splitlines()[-1] == (
        "Terminated: build stopped, kernel shut down, unfinished site removed."
    )
    assert wait_gone(kernel, 5), "the kernel outlived the build"
    assert not sockets.exists(), "the kernel's socket folder is left"
    assert not site.exists(), "a half-written site is left"

    # Stopped between the two languages: the first one's pages are written, not the second's.
    build = project.start(str(site))
    try:
        first = wait_for(lambda: (site / "index.html").is_file() or build.poll() is not None)
        assert first is True and build.poll() is None, "the first language was not written"
        build.send_signal(signal.SIGTERM)
        output = build.communicate(timeout=30)[0]
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 128 + signal.SIGTERM, output
    assert not site.exists(), "a half-written site is left"


def test_no_citation_braces_survive_in_the_built_html(built_site: Path) -> None:
    """Every ``{{ … }}`` of the prose and the figure descriptions was filled in: none is left
    in the text or the attributes of a built page (scripts and code aside, where braces are
    JavaScript's and Python's)."""
    from bs4 import BeautifulSoup

    left = []
    for html in sorted(built_site.rglob("*.html")):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag in soup(["script", "style", "pre", "code"]):
            tag.decompose()
        texts = [soup.get_text(" ")] + [
            str(v) for tag in soup.find_all(True) for v in tag.attrs.values()
        ]
        left += [f"{html.relative_to(built_site)}" for t in texts if "{{" in t or "}}" in t]
    assert left == []
    assert any(built_site.rglob("*.html")), "the site was built"
