"""sinfit without the repository: a wheel and an sdist that build cleanly and pass twine's
checks, one version, and a ``sinfit`` command that works in a fresh virtual environment.

Slower than 30 s in all (about 45 s on 2 cores), and why: the session's first venv installs torch
(15 to 20 s, almost all of it unpacking torch's 1 GB), paid once and shared by every venv of the
session (tests/fresh_venv.py); the wheel's layer adds about 3 s, the build about 5 s, and each
process that imports torch in the venv 2 to 4 s.
"""

from __future__ import annotations

import ast
import os
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
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.fresh_venv import ROOT, Venv

if TYPE_CHECKING:
    from tests.packaging.conftest import Dists


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
    proc = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dists.wheel), str(dists.sdist)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2, proc.stdout


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
