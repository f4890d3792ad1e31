"""Fixtures of the packaging tests: the checkout as a reader gets it, its wheel and sdist made by
a rehearsal of the release workflow, and a fresh venv with sinfit installed from that wheel (see
tests/fresh_venv.py for the venvs)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.fresh_venv import ROOT, Venv, session_venv

RELEASE = ROOT / ".github" / "workflows" / "release.yml"
#: release.yml's install step: the rehearsal runs in the venv that this same lock made.
RELEASE_INSTALL = "python -m pip install --require-hashes --no-deps -r requirements.lock"

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
    #: What the release's build steps printed, stdout and stderr together, step by step.
    log: str


def package_version() -> str:
    """``__version__`` as written in sinfit/__init__.py (read, not imported)."""
    tree = ast.parse((ROOT / "sinfit" / "__init__.py").read_text(encoding="utf-8"))
    (value,) = (
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["__version__"]
        and isinstance(node.value, ast.Constant)
    )
    return value


def release_build_steps() -> list[dict]:
    """The ``run`` steps of release.yml's build job, in order, but its install step (this
    session's venv was installed from the same lock: see the test of RELEASE_INSTALL)."""
    job = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))["jobs"]["build"]
    return [s for s in job["steps"] if "run" in s and s["run"].strip() != RELEASE_INSTALL]


def run_step(step: dict, cwd: Path, tag: str) -> subprocess.CompletedProcess[str]:
    """One ``run`` step as GitHub runs it on ubuntu-latest (bash -eo pipefail), for a push of
    ``tag``, with this venv's ``python`` first on PATH (what setup-python and the install give)."""
    env = {
        **os.environ,
        "GITHUB_REF_NAME": tag,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout without its build outputs, caches and environments."""
    dest = tmp_path_factory.mktemp("checkout") / "sinfit"
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(*NOT_IN_A_CHECKOUT))
    return dest


@pytest.fixture(scope="session")
def dists(checkout: Path) -> Dists:
    """The release rehearsed: release.yml's build steps as written there (``python -m build``:
    the sdist, then the wheel built from that sdist, so a file missing from the sdist shows; the
    tag check; ``twine check --strict``), run in the clean copy for the tag that the package's
    version would be pushed as. Its wheel and sdist are what the release would upload."""
    tag = f"v{package_version()}"
    log = []
    for step in release_build_steps():
        proc = run_step(step, checkout, tag)
        log.append(f"--- {step.get('name', step['run'])}\n{proc.stdout}{proc.stderr}")
        assert proc.returncode == 0, f"release step {step.get('name')!r} failed:\n{log[-1][-6000:]}"
    (wheel,) = (checkout / "dist").glob("*.whl")
    (sdist,) = (checkout / "dist").glob("*.tar.gz")
    return Dists(wheel, sdist, "\n".join(log))


@pytest.fixture(scope="session")
def wheel_venv(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A fresh venv with sinfit installed from the built wheel under the constraints (on the
    session's base venv, which already holds torch and matplotlib)."""
    return session_venv(tmp_path_factory, "sinfit-wheel", [str(dists.wheel)])
