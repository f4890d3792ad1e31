"""Fresh virtual environments for tests that must run outside the repository.

A reader installs sinfit from a wheel, or opens a downloaded notebook, in a Python that has never
seen this checkout. The tests that stand in for that reader need such a Python: a new virtual
environment, with no ``sinfit`` from the checkout on its path, whose packages come from the same
``constraints.txt`` as the project's own ``.venv`` (so ``torch==2.13.0`` takes the CPU build).

Installing torch is what costs time (about 15 s on 2 cores: unpacking about 1 GB). So a session
installs torch and matplotlib once, into a *base* venv that no test changes (``base``),
and each test's venv is a thin *layer* on top of it (:func:`create_venv` with ``base=``): its own
interpreter and site-packages, where pip installs what that test adds, plus a ``.pth`` file that
puts the base's site-packages after its own on ``sys.path``. pip treats the base's packages as
already installed and never removes them ("outside environment"). A layer takes a few seconds.

:func:`session_venv` gives each name one venv per session, whichever test asks first; layers in
use: ``sinfit-wheel`` (tests/packaging/conftest.py: sinfit from the built wheel) and ``reader``
(tests/packaging/test_downloaded_lessons.py: :data:`KERNEL_REQUIREMENTS` and pip, no sinfit,
where downloaded notebooks install sinfit themselves).

``SINFIT_CONSTRAINTS`` (set by the Makefile; empty in the weekly drift workflow) names the
constraints file; empty means none, so the newest releases that the requirements allow.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from filelock import FileLock

from tests.shared import shared_root

ROOT = Path(__file__).resolve().parents[1]
#: What a base venv holds: the heavy part every layer shares.
BASE_REQUIREMENTS = ("torch", "matplotlib")
#: A reader's Jupyter on top of the base: enough for nbclient to run a notebook.
KERNEL_REQUIREMENTS = ("ipykernel", "nbclient")
INSTALL_TIMEOUT = 900


def constraints_file() -> Path | None:
    """The constraints file to install with: ``SINFIT_CONSTRAINTS`` or constraints.txt; None
    where ``SINFIT_CONSTRAINTS`` is set and empty (the drift workflow)."""
    name = os.environ.get("SINFIT_CONSTRAINTS", "constraints.txt")
    if not name:
        return None
    path = Path(name) if Path(name).is_absolute() else ROOT / name
    if not path.is_file():
        raise FileNotFoundError(f"SINFIT_CONSTRAINTS names {path}, which does not exist")
    return path


@dataclass(frozen=True)
class Venv:
    """A virtual environment made by :func:`create_venv`."""

    path: Path
    #: Seconds that creating it and installing its requirements took.
    seconds: float

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def bin(self) -> Path:
        return self.path / "bin"

    @property
    def site_packages(self) -> Path:
        return Path(self.run_python("import sysconfig; print(sysconfig.get_path('purelib'))"))

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment of a command in this venv: its bin first on PATH, nothing from the
        checkout or the user's site on sys.path, Jupyter's folders inside the venv (so that no
        kernelspec of the machine's user stands in for the venv's own ``python3``)."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
            # Installed without bytecode: the first import of torch writes it, later ones
            # take ~2 s instead of ~4 s.
            and key != "PYTHONDONTWRITEBYTECODE"
        }
        jupyter = self.path / "jupyter-home"
        env.update(
            PATH=f"{self.bin}{os.pathsep}{env.get('PATH', '')}",
            VIRTUAL_ENV=str(self.path),
            PYTHONNOUSERSITE="1",
            PYTHONSAFEPATH="1",  # no current folder or script folder on sys.path
            JUPYTER_DATA_DIR=str(jupyter / "data"),
            JUPYTER_CONFIG_DIR=str(jupyter / "config"),
            JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"),
            IPYTHONDIR=str(jupyter / "ipython"),
            MPLBACKEND="Agg",
        )
        env.update(extra or {})
        return env

    def run(
        self,
        args: Sequence[str | os.PathLike[str]],
        *,
        cwd: Path | None = None,
        timeout: float = 300,
        env: Mapping[str, str] | None = None,
        check: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``args`` (a command in the venv's bin, or any program) in a folder outside the
        checkout (``cwd``, default: the venv's folder)."""
        program = self.bin / str(args[0])
        command = [str(program) if program.exists() else str(args[0]), *map(str, args[1:])]
        return subprocess.run(
            command,
            cwd=cwd or self.path,
            env=self.env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
        )

    def run_python(self, code: str, **kwargs) -> str:
        """Run ``python -c code`` in the venv; its stdout, stripped. Fails on a non-zero exit."""
        proc = self.run(["python", "-c", code], **kwargs)
        if proc.returncode != 0:
            raise AssertionError(f"python -c failed in {self.path}:\n{proc.stdout}{proc.stderr}")
        return proc.stdout.strip()


def pip_install(
    venv: Venv | Path, requirements: Sequence[str], *, constraints: Path | None
) -> None:
    """``pip install -c constraints requirements`` into ``venv``, by the running pip
    (``pip --python``), so a venv needs no pip of its own."""
    python = venv.python if isinstance(venv, Venv) else venv / "bin" / "python"
    # --no-compile: byte-compiling all of torch's files at install takes ~20 s; the venv's
    # processes write bytecode for what they import instead (see Venv.env).
    command = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    command += ["--no-compile"]
    if constraints is not None:
        command += ["-c", str(constraints)]
    proc = subprocess.run(
        [*command, *requirements],
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        cwd=python.parent,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"pip install {' '.join(requirements)} into {python.parent.parent} failed "
            f"(exit {proc.returncode}):\n{proc.stderr[-4000:]}"
        )


def create_venv(
    path: Path,
    requirements: Sequence[str],
    *,
    constraints: Path | Literal["project"] | None = "project",
    base: Venv | None = None,
) -> Venv:
    """A new virtual environment at ``path`` with ``requirements`` installed.

    Args:
        path: where to create it; must not exist yet.
        requirements: what pip installs (names, specifiers, or paths of wheels).
        constraints: a constraints file; "project": :func:`constraints_file`; None: none.
        base: a venv whose packages this one sees beneath its own (see the module docstring);
            pip installs only what the base lacks.
    """
    if path.exists():
        raise FileExistsError(f"{path} exists; a fresh venv needs a new folder")
    if constraints == "project":
        constraints = constraints_file()
    started = time.monotonic()
    # The interpreter under the running venv: a new venv must not inherit this one's packages.
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    venv = Venv(path, 0.0)
    if base is not None:
        (venv.site_packages / "_sinfit_base_venv.pth").write_text(
            f"{base.site_packages}\n", encoding="utf-8"
        )
    if requirements:
        pip_install(venv, requirements, constraints=constraints)
    return Venv(path, time.monotonic() - started)


@functools.cache
def _session_venv(path: Path, requirements: tuple[str, ...], base: Path | None) -> Venv:
    """One venv per path and test run, whichever fixture (or conftest, or xdist worker) asks."""
    base_venv_ = _session_venv(base, BASE_REQUIREMENTS, None) if base is not None else None
    done = path.with_name(path.name + ".done")
    with FileLock(str(path.with_name(path.name + ".lock"))):
        if done.exists():
            return Venv(path, 0.0)
        if path.exists():  # a failed attempt's leftovers
            shutil.rmtree(path)
        venv = create_venv(path, requirements, base=base_venv_)
        done.touch()
        return venv


def session_venv(
    factory: pytest.TempPathFactory,
    name: str,
    requirements: Sequence[str],
    *,
    on_base: bool = True,
) -> Venv:
    """The session's venv ``name`` (created on first use), layered on the session's base venv
    (torch and matplotlib) unless ``on_base`` is false."""
    root = shared_root(factory) / "fresh-venvs"
    return _session_venv(root / name, tuple(requirements), root / "base" if on_base else None)
