"""Work done once per test run, however many pytest-xdist workers need it.

``make test`` runs the tests in two worker processes (pytest-xdist, one file per worker at a
time). A session fixture runs once per worker; what is expensive and the same for all (the
built site, the fresh venvs) is made by the first worker that asks, under a file lock, in the
run's shared temporary folder, and the others wait for it and reuse it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder that every worker sees (the session's own without xdist)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name`` after ``make(folder)`` ran in it, once per test run."""
    root = shared_root(factory)
    folder, done = root / name, root / f"{name}.done"
    with FileLock(str(root / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a failed attempt's leftovers
            folder.mkdir(parents=True)
            make(folder)
            done.touch()
    return folder
