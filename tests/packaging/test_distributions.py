"""sinfit without the repository: a wheel and an sdist that build cleanly and pass twine's
checks, one version, and a ``sinfit`` command that works in a fresh virtual environment.

Slower than 30 s in all (about 45 s on 2 cores), and why: the session's first venv installs torch
(15 to 20 s, almost all of it unpacking torch's 1 GB), paid once and shared by every venv of the
session (tests/fresh_venv.py); the wheel's layer adds about 3 s, the build about 5 s, and each
process that imports torch in the venv 2 to 4 s.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.parser import Parser
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.fresh_venv import ROOT, Venv
from tests.packaging.conftest import (
    RELEASE,
    RELEASE_INSTALL,
    package_version,
    release_build_steps,
    run_step,
)

if TYPE_CHECKING:
    from tests.packaging.conftest import Dists


def wheel_metadata(wheel: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(zf.read(name).decode("utf-8"), headersonly=True)
    fields: dict[str, list[str]] = {}
    for key, value in message.items():
        fields.setdefault(key, []).append(value)
    return fields


def test_the_version_has_one_source() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"], "pyproject.toml must not repeat the version"
    assert "version" in project["project"]["dynamic"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "sinfit.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?", package_version())


def test_wheel_and_sdist_build_without_warnings_and_pass_twine_check(dists: Dists) -> None:
    version = package_version()
    assert dists.wheel.name == f"sinfit-{version}-py3-none-any.whl"
    assert dists.sdist.name == f"sinfit-{version}.tar.gz"
    # setuptools announces deprecations (e.g. a TOML-table `project.license`) in "!!" banners.
    noise = [
        line
        for line in dists.log.splitlines()
        if "deprecat" in line.lower() or line.strip() == "!!"
    ]
    assert noise == [], "python -m build warned:\n" + "\n".join(noise)
    # The rehearsal's `twine check --strict dist/*` step checked both, as PyPI will.
    assert dists.log.count("PASSED") == 2, dists.log[-3000:]


def test_the_release_is_rehearsed_step_by_step_for_the_tag_it_would_publish(dists: Dists) -> None:
    """release.yml's build job, run by the `dists` fixture: every step but the install ran, the
    tag check saw the package's version, and the install skipped is the one `make setup` does,
    so the rehearsal's tools are the release's (requirements.lock)."""
    job = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))["jobs"]["build"]
    runs = [step["run"].strip() for step in job["steps"] if "run" in step]
    assert RELEASE_INSTALL in runs, "release.yml installs otherwise than requirements.lock"
    rehearsed = [step["run"].strip() for step in release_build_steps()]
    assert rehearsed == [run for run in runs if run != RELEASE_INSTALL]
    assert any("python -m build" in run for run in rehearsed)
    assert any("twine check --strict dist/*" in run for run in rehearsed)
    version = package_version()
    assert f"tag v{version} matches {dists.wheel.name}" in dists.log
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert RELEASE_INSTALL.replace("install", "install --quiet", 1) in makefile


def test_the_release_refuses_a_tag_that_is_not_the_version(dists: Dists) -> None:
    """The rehearsal can fail: the tag check, for a tag one release ahead, stops the release."""
    (check,) = [s for s in release_build_steps() if "GITHUB_REF_NAME" in s["run"]]
    major, minor, patch = (int(part) for part in re.findall(r"\d+", package_version())[:3])
    wrong = f"v{major}.{minor}.{patch + 1}"
    proc = run_step(check, dists.wheel.parent.parent, wrong)
    assert proc.returncode != 0
    assert f"tag {wrong} is not v{package_version()}" in proc.stderr


def test_wheel_metadata_and_contents(dists: Dists) -> None:
    meta = wheel_metadata(dists.wheel)
    assert meta["Version"] == [package_version()]
    assert meta["License-Expression"] == ["MIT"]
    assert meta["Description-Content-Type"] == ["text/markdown"]
    requires = [Requirement(r) for r in meta["Requires-Dist"] if "extra ==" not in r]
    torch = next(r for r in requires if r.name == "torch")
    assert torch.specifier.contains("2.13.0") and not torch.specifier.contains("3.0.0")
    with zipfile.ZipFile(dists.wheel) as zf:
        names = zf.namelist()
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "sinfit = sinfit.cli:main" in zf.read(entry_points).decode()
    top = {n.split("/", 1)[0] for n in names}
    assert top == {"sinfit", f"sinfit-{package_version()}.dist-info"}
    assert "sinfit/cli.py" in names and "sinfit/__main__.py" in names
    with tarfile.open(dists.sdist) as tf:
        members = {m.name.split("/", 1)[1] for m in tf.getmembers() if "/" in m.name}
    assert {"pyproject.toml", "README.md", "PKG-INFO", "sinfit/cli.py"} <= members
    assert not {m for m in members if m.startswith((".venv", "docs/", "site/", ".cache"))}


def test_the_wheel_declares_every_package_sinfit_imports(dists: Dists) -> None:
    """The fresh venv sees torch and matplotlib from a shared base (tests/fresh_venv.py), which
    could hide a missing requirement; this reads sinfit's imports and the wheel's Requires-Dist."""
    imported: set[str] = set()
    for source in (ROOT / "sinfit").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"sinfit", "__future__"}
    dists_of = packages_distributions()
    needed = {canonicalize_name(dists_of[module][0]) for module in third_party}
    declared = {
        canonicalize_name(Requirement(r).name)
        for r in wheel_metadata(dists.wheel)["Requires-Dist"]
        if "extra ==" not in r
    }
    assert needed, "sinfit imports no third-party package? the scan is broken"
    assert needed <= declared, f"imported but not required: {sorted(needed - declared)}"


@pytest.mark.venv
def test_sinfit_command_from_the_wheel_in_a_fresh_venv(wheel_venv: Venv, tmp_path: Path) -> None:
    """The reader's path: ``pip install`` the wheel (under constraints.txt), then ``sinfit``."""
    where = wheel_venv.run_python(
        "import importlib.metadata as m, sinfit; print(sinfit.__file__); print(m.version('sinfit'))"
    ).splitlines()
    module = Path(where[0])
    assert module.is_relative_to(wheel_venv.path), f"sinfit imported from {module}"
    assert not module.is_relative_to(ROOT)
    assert where[1] == package_version()

    proc = wheel_venv.run(["sinfit", "--epochs", "10", "--out", "f.png"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "fitted: y = " in proc.stdout
    assert proc.stdout.rstrip().endswith("wrote f.png")
    data = (tmp_path / "f.png").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000

    # Every installed distribution's requirements are met (pip check sees the base's too).
    check = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(wheel_venv.python), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
