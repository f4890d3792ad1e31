"""Fixtures of the packaging tests: the checkout as a reader gets it, its wheel and sdist, and a
fresh venv with sinfit installed from that wheel (see tests/fresh_venv.py for the venvs)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fresh_venv import ROOT, Venv, session_venv

#: What a clone does not hold: build outputs, caches, environments.
NOT_IN_A_CHECKOUT = (
    ".git",
    ".venv",
    "node_modules",
    "site",
    ".cache",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
)


@dataclass(frozen=True)
class Dists:
    wheel: Path
    sdist: Path
    #: What ``python -m build`` printed, stdout and stderr together.
    log: str


@pytest.fixture(scope="session")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout without its build outputs, caches and environments."""
    dest = tmp_path_factory.mktemp("checkout") / "sinfit"
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(*NOT_IN_A_CHECKOUT))
    return dest


@pytest.fixture(scope="session")
def dists(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Dists:
    """``python -m build``, as the release workflow runs it: the sdist, then the wheel built
    from that sdist in an isolated environment (so a file missing from the sdist shows)."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(checkout)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"python -m build failed:\n{log[-6000:]}"
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return Dists(wheel, sdist, log)


@pytest.fixture(scope="session")
def wheel_venv(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A fresh venv with sinfit installed from the built wheel under the constraints (on the
    session's base venv, which already holds torch and matplotlib)."""
    return session_venv(tmp_path_factory, "sinfit-wheel", [str(dists.wheel)])
