"""A pytest plugin (pyproject.toml: addopts ``-p tests.page_folder``): each page that
pytest-codeblocks runs does so in an empty folder of its own, as the build runs it. What a page
writes (network's ``sine_net.pt``) stays out of the repository, and a page running at the same
time in another worker cannot read it half-written."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _page_folder(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if request.node.path.suffix == ".md":  # a page's code, as pytest-codeblocks collects it
        monkeypatch.chdir(tmp_path_factory.mktemp(request.node.path.stem))
