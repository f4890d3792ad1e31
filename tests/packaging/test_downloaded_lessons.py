"""Every downloaded lesson runs where a reader runs it: outside the repository.

The site is built with ``site_url`` pointing at a local server and served there. In a fresh venv
with torch, matplotlib, a Jupyter kernel and pip (no sinfit, no checkout), each downloaded
notebook of both languages runs top to bottom with nbclient: its first cell installs sinfit from
the served site, and what it prints equals what the page shows. Then each ``.py`` download runs
with ``python``, prints the same and saves its figures; and each ``-checked.py`` download (the
script with the page's hidden checks in place) runs, asserting every claim, and prints the same.

Each lesson runs once as a notebook and once as a script, in alternating languages; the other
language's downloads are checked to hold the same code, comments aside. One build of a copy with
the execution cache, one venv layer, five notebooks and five scripts, each importing torch
afresh (two at a time).
"""

from __future__ import annotations

import json
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from extensions.sitebuild import downloads
from extensions.sitebuild.code import without_comments
from extensions.sitebuild.project import copy_project
from tests.conftest import LANGUAGES, page_path, run_build, serve, site_prefix, tutorial_pages
from tests.fresh_venv import KERNEL_REQUIREMENTS, Venv, session_venv

STEMS = [p.stem for p in tutorial_pages()]
# Each lesson runs as a notebook in one language and as a script in another, the languages
# taking turns, so that both kinds of download of every language run. The downloads not run
# hold the same code as those that did, comments aside (the last test here): the code is what
# decides whether a download runs and what it prints, as the parity gate holds the pages to.
NOTEBOOKS = [(LANGUAGES[i % len(LANGUAGES)], stem) for i, stem in enumerate(STEMS)]
SCRIPTS = [(LANGUAGES[(i + 1) % len(LANGUAGES)], stem) for i, stem in enumerate(STEMS)]

# torch starts one OpenMP thread per core in each process: two downloads at once, beside other
# test workers, oversubscribe a small machine badly (a script of a few seconds took over 300 s on
# a loaded 2-core machine). One thread each, as the build's kernel runs torch, keeps every run
# short and computes as the page did.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# The kernel on IPC sockets in a folder of its own, as the build's kernel: with TCP, jupyter_client
# picks free ports and the kernel binds them a moment later, and on a busy machine another
# process can take one in between ("ZMQError: Address already in use").
RUN_NOTEBOOK = """
import os, sys, tempfile, nbformat, nbclient
from jupyter_client.manager import KernelManager
nb = nbformat.read(sys.argv[1], as_version=4)
sockets = tempfile.mkdtemp()
km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "k"),
                   connection_file=os.path.join(sockets, "kernel.json"))
nbclient.NotebookClient(nb, km=km, timeout=600).execute()
nbformat.write(nb, sys.argv[2])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, warm_cache: None):
    """(site folder, site address): a copy built for, and served at, a local address."""
    root = tmp_path_factory.mktemp("reader")
    project = copy_project(root / "project", with_cache=True)
    port = free_port()
    config = project / "mkdocs.yml"
    url = f"http://127.0.0.1:{port}{site_prefix()}/"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        "\n".join(f"site_url: {url}" if line.startswith("site_url:") else line
                  for line in text.splitlines()) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    site = root / "site"
    proc = run_build(project, site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with serve(site, port=port) as address:
        assert address + "/" == url
        yield site, url


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A reader's Jupyter with pip (``%pip`` needs it), and no sinfit."""
    venv = session_venv(tmp_path_factory, "reader", (*KERNEL_REQUIREMENTS, "pip"))
    missing = venv.run(["python", "-c", "import sinfit"])
    assert missing.returncode != 0 and "No module named 'sinfit'" in missing.stderr
    return venv


def printed(nb: nbformat.NotebookNode) -> list[str]:
    """What each code cell printed, cell by cell."""
    return [
        "".join(o.get("text", "") for o in c.outputs if o.get("name") == "stdout")
        for c in nb.cells
        if c.cell_type == "code"
    ]


def downloaded(site: Path, language: str, stem: str, suffix: str) -> Path:
    return site / page_path(language, stem).strip("/") / f"{stem}.{suffix}"


def test_every_downloaded_notebook_installs_sinfit_and_prints_what_the_page_shows(
    served, reader: Venv, tmp_path: Path
) -> None:
    site, url = served

    def run(language: str, stem: str) -> None:
        source = downloaded(site, language, stem, "ipynb")
        page = nbformat.read(source, as_version=4)
        assert url + "downloads/sinfit-" in page.cells[1].source, "the install cell comes first"
        out = tmp_path / f"{language}-{stem}.ipynb"
        proc = reader.run(["python", "-c", RUN_NOTEBOOK, source, out], cwd=tmp_path, env=ONE_THREAD)
        assert proc.returncode == 0, f"{language}/{stem}: {proc.stderr[-3000:]}"
        ran = nbformat.read(out, as_version=4)
        # the install cell aside (pip's note), every cell prints what the page shows
        assert printed(ran)[1:] == printed(page)[1:], f"{language}/{stem}"

    run(*NOTEBOOKS[0])  # installs sinfit from the site; the others then find it there
    with ThreadPoolExecutor(max_workers=2) as pool:  # each run is a process of its own
        list(pool.map(lambda lesson: run(*lesson), NOTEBOOKS[1:]))
    location = reader.run_python("import sinfit; print(sinfit.__file__)")
    assert str(reader.path) in location, "sinfit came from the site, into the reader's venv"


def test_every_downloaded_script_runs_and_saves_its_figures(
    served, reader: Venv, tmp_path: Path
) -> None:
    site, _ = served
    reader.run_python("import sinfit")  # installed from the site by the notebooks

    def run(language: str, stem: str) -> None:
        folder = tmp_path / language / stem
        folder.mkdir(parents=True)
        proc = reader.run(
            ["python", downloaded(site, language, stem, "py")], cwd=folder, env=ONE_THREAD
        )
        assert proc.returncode == 0, f"{language}/{stem}: {proc.stderr[-3000:]}"
        page = nbformat.read(downloaded(site, language, stem, "ipynb"), as_version=4)
        assert proc.stdout == "".join(printed(page)[1:]), f"{language}/{stem}"
        figures = sum(
            1
            for c in page.cells
            if c.cell_type == "code"
            for o in c.outputs
            if "image/svg+xml" in o.get("data", {})
        )
        assert len(list(folder.glob(f"{stem}-figure-*.svg"))) == figures

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda lesson: run(*lesson), SCRIPTS))


def test_every_checked_script_runs_its_checks_and_prints_what_the_page_shows(
    served, reader: Venv, tmp_path: Path
) -> None:
    """The page's whole program, hidden checks in place, holds outside the build: every claim's
    assert passes and every number the prose cites is computed from what the reader has."""
    site, _ = served
    reader.run_python("import sinfit")

    def run(language: str, stem: str) -> None:
        folder = tmp_path / language / stem
        folder.mkdir(parents=True)
        script = downloaded(site, language, stem, "py").with_name(f"{stem}-checked.py")
        text = script.read_text(encoding="utf-8")
        check = downloads.text(language, "check")  # the comment heading each hidden cell
        assert check in text, f"{language}/{stem}: the page's checks are in the script"
        proc = reader.run(["python", script], cwd=folder, env=ONE_THREAD)
        assert proc.returncode == 0, f"{language}/{stem}: {proc.stderr[-3000:]}"
        page = nbformat.read(downloaded(site, language, stem, "ipynb"), as_version=4)
        assert proc.stdout == "".join(printed(page)[1:]), f"{language}/{stem}"

    with ThreadPoolExecutor(max_workers=2) as pool:  # the languages the scripts above did not run
        list(pool.map(lambda lesson: run(*lesson), NOTEBOOKS))


def test_the_wheel_is_published_with_the_site(served) -> None:
    site, url = served
    (wheel,) = (site / "downloads").glob("sinfit-*-py3-none-any.whl")
    listing = subprocess.run(
        ["python3", "-m", "zipfile", "-l", str(wheel)], capture_output=True, text=True, check=True
    ).stdout
    assert "sinfit/__init__.py" in listing and "entry_points.txt" in listing
    nb = json.loads(downloaded(site, "ko", STEMS[0], "ipynb").read_text(encoding="utf-8"))
    assert url + "downloads/" + wheel.name in "".join(nb["cells"][1]["source"])


@pytest.mark.parametrize("stem", STEMS)
def test_every_language_downloads_the_same_code(served, stem: str) -> None:
    """What the two tests above do not run holds the code of what they ran, comments aside."""
    site, _ = served

    def lines(source: str) -> list[str]:
        # comments and blank lines aside: a script carries each Markdown cell as comment
        # paragraphs, and the languages' prose may have more paragraphs or fewer
        return [line for line in without_comments(source).split("\n") if line.strip()]

    def code(language: str) -> tuple[list[list[str]], list[str], list[str]]:
        nb = nbformat.read(downloaded(site, language, stem, "ipynb"), as_version=4)
        cells = [lines(c.source) for c in nb.cells if c.cell_type == "code"]
        script = downloaded(site, language, stem, "py")
        checked = script.with_name(f"{stem}-checked.py").read_text(encoding="utf-8")
        return cells, lines(script.read_text(encoding="utf-8")), lines(checked)

    first, *others = LANGUAGES
    for language in others:
        assert code(language) == code(first), f"{language}/{stem} downloads other code"
