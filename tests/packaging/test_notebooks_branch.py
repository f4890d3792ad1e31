"""A fork's Colab links open: with ``repo_url`` set, every Open-in-Colab link of the built site
names a notebook that the deploy pushes (.ci/notebooks.py lays out the branch's tree; the ci.yml
job ``notebooks`` pushes it), on the branch the links name.

One build of a copy with the execution cache, ``repo_url`` a GitHub repository and
``extra: notebooks_branch`` another branch than the default (so the setting is followed).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LANGUAGES, ROOT, copy_project, page_path, run_build, tutorial_pages

pytestmark = pytest.mark.usefixtures("warm_cache")

REPO = "https://github.com/a-fork/sinfit"
BRANCH = "colab-notebooks"
SCRIPT = ROOT / ".ci" / "notebooks.py"


def load_script():
    spec = importlib.util.spec_from_file_location("ci_notebooks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


notebooks = load_script()


@pytest.fixture(scope="module")
def fork(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(project, site): a copy with a fork's repo_url and notebooks branch, built."""
    root = tmp_path_factory.mktemp("fork")
    project = copy_project(root / "project", with_cache=True)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "repo_url:" not in text and "notebooks_branch" not in text
    setting = f"  notebooks_branch: {BRANCH}\n"
    if re.search(r"^extra:[ \t]*$", text, re.M):
        text = re.sub(r"^extra:[ \t]*\n", lambda m: m[0] + setting, text, count=1, flags=re.M)
    else:
        text = text.rstrip("\n") + "\nextra:\n" + setting
    config.write_text(f"repo_url: {REPO}\n" + text, encoding="utf-8")
    site = root / "site"
    proc = run_build(project, site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return project, site


def test_every_colab_link_names_a_notebook_the_deploy_pushes(fork, tmp_path: Path) -> None:
    project, site = fork
    out = tmp_path / "branch"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(site), str(out), str(project)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == BRANCH + "\n"  # what the workflow reads as the branch to push

    links = notebooks.colab_links(site)
    stems = [p.stem for p in tutorial_pages()]
    # every tutorial of every language links Colab, once
    expected_pages = {
        page_path(lang, s).strip("/") + "/index.html" for lang in LANGUAGES for s in stems
    }
    assert set(links) == expected_pages
    prefix = f"https://colab.research.google.com/github/a-fork/sinfit/blob/{BRANCH}/"
    for page, hrefs in links.items():
        (href,) = hrefs
        assert href.startswith(prefix), href
        path = href.removeprefix(prefix)
        # the notebook at that path on the branch is the one the page offers for download
        assert (out / path).read_bytes() == (site / page).parent.joinpath(
            Path(path).name
        ).read_bytes()
    # the branch holds the site's notebooks, each linked, and nothing else
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted(h.removeprefix(prefix) for hs in links.values() for h in hs)


def test_a_link_to_a_notebook_the_branch_lacks_is_named(fork) -> None:
    """The check can fail: without one notebook, its link is reported, naming the page."""
    project, site = fork
    name = notebooks.branch(project)
    assert name == BRANCH
    found = sorted(p.relative_to(site) for p in site.rglob("*.ipynb"))
    problems = notebooks.unresolved(site, name, found[1:])
    assert len(problems) == 1 and found[0].as_posix() in problems[0], problems
    assert notebooks.unresolved(site, "notebooks", found)  # links name another branch
    assert notebooks.unresolved(site, None, found)  # links, but nothing would be pushed


def test_bad_input_is_refused_saying_what_is_wrong(fork, tmp_path: Path) -> None:
    _project, site = fork
    with pytest.raises(FileNotFoundError, match="not a built site"):
        notebooks.lay_out(tmp_path, tmp_path / "out")
    with pytest.raises(FileExistsError, match="new folder"):
        notebooks.lay_out(site, tmp_path)
    (tmp_path / "mkdocs.yml").write_text(
        "repo_url: https://github.com/a/b\nextra:\n  notebooks_branch: ''\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="notebooks_branch must be a branch name"):
        notebooks.branch(tmp_path)
