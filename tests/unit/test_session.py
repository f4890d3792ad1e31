"""What the hooks share (extensions/sitebuild/session.py) and the patches of the authoring loop
(extensions/hooks/author_loop.py), checked on the objects they change."""

from __future__ import annotations

import runpy
from pathlib import Path

import nbconvert.exporters.templateexporter as nbconvert_templates
import pytest
from material.plugins.search import plugin as search
from mkdocs import livereload

from extensions.sitebuild.session import Session
from extensions.sitebuild.upstream import UpstreamChanged

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _unpatched(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the hooks patch when they load, put back after each test."""
    for owner, name in [
        (livereload.LiveReloadServer, "__init__"),
        (search.SearchIndex, "add_entry_from_context"),
        (nbconvert_templates.TemplateExporter, "_create_environment"),
    ]:
        monkeypatch.setattr(owner, name, getattr(owner, name))


def test_every_hook_gets_the_same_session() -> None:
    hooks = [
        runpy.run_path(str(ROOT / "extensions" / "hooks" / name))
        for name in ("execution.py", "page_markup.py", "author_loop.py")
    ]
    assert all(hook["SESSION"] is Session.shared() for hook in hooks)


def test_a_language_the_project_lacks_names_the_plugin_that_sets_it() -> None:
    session = Session.shared()
    assert session.language("ko") == "ko"
    with pytest.raises(UpstreamChanged, match=r"'xx', none of .*mkdocs.static.i18n"):
        session.language("xx")


def test_the_serve_watcher_polls_at_the_patched_interval(tmp_path: Path) -> None:
    hook = runpy.run_path(str(ROOT / "extensions" / "hooks" / "author_loop.py"))
    # as `mkdocs serve` builds it: no polling interval passed
    server = livereload.LiveReloadServer(
        builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path)
    )
    try:
        assert server.observer.timeout == hook["POLLING_INTERVAL"] < 0.5
        assert server.build_delay == hook["BUILD_DELAY"] < 0.1
    finally:
        server.server_close()
