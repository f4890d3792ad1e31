"""Write constraints.txt and requirements.lock from the environment that `make lock` installed.

    .venv/bin/python .ci/lock.py

What is pinned is what pyproject.toml asks for, followed through the installed distributions'
own requirements: the runtime dependencies, the ``docs`` and ``test`` extras, the build backend
(setuptools, for ``python -m build --no-isolation``) and pip. Whatever else the venv holds (a
package installed by hand) is left out.

- constraints.txt: ``name==version`` for each, torch included (its local ``+cpu`` dropped), for
  ``pip install -c`` (tests/fresh_venv.py) and the drift canary's comparison.
- requirements.lock: the same pins but torch, each with the sha256 of every file PyPI holds for
  that release that CPython 3.11 on Linux can install, for ``pip install --require-hashes``.
  torch is left out: see the lock's header.

Hashes come from PyPI's JSON simple API (the index pip itself reads); nothing is downloaded.
"""

from __future__ import annotations

import json
import sys
import tomllib
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = ("docs", "test")
#: Installed otherwise than from the lock (see LOCK_HEADER); pinned in constraints.txt only.
UNHASHED = {"torch"}
#: Not a dependency of anything, but what installs and builds: the lock pins them too.
TOOLS = ("pip",)
INDEX = "https://pypi.org/simple/{}/"

CONSTRAINTS_HEADER = """\
# Exact versions used to build and test (pip install -c constraints.txt ...), torch included.
# torch==2.13.0 takes the CPU wheel on our machines; an open range would pull the CUDA build.
# Written by `make lock` (.ci/lock.py) with requirements.lock, which holds the same versions
# with their hashes; a test fails when the two, or pyproject.toml's ranges, disagree.
# tests/fresh_venv.py installs the fresh venvs of the packaging tests with this file.
"""

LOCK_HEADER = """\
# Every package that `make setup` and CI install, pinned with the sha256 of each file PyPI holds
# for that release (pip install --require-hashes --no-deps -r requirements.lock): a file that
# differs from the one locked here is refused, whichever index or mirror serves it.
# Written by `make lock` (.ci/lock.py) from pyproject.toml's runtime, docs and test
# requirements; do not edit by hand. The versions are those of constraints.txt.
#
# torch is not here. Its CPU wheel, the only build we test, is not on PyPI: on GitHub it comes
# from download.pytorch.org's CPU index, on our machines from a local copy, and PyPI's files of
# the same version are the CUDA builds. Its hashes cannot be read from PyPI like the others, so
# the Makefile installs it after this file, by its exact version (constraints.txt), without a
# hash, and then `pip check`s the whole environment.
"""


def _marker_env(extra: str = "") -> dict[str, str]:
    env = dict(default_environment())
    # The lock is for CPython 3.11 on Linux (CI's python:3.11-bookworm and our machines).
    env.update(python_version="3.11", sys_platform="linux", platform_system="Linux", extra=extra)
    return env


def _applies(req: Requirement, extras: tuple[str, ...]) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate(_marker_env(extra)) for extra in extras or ("",))


def declared() -> list[Requirement]:
    """pyproject.toml's runtime and docs/test requirements and its build backend's."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    found = list(project["dependencies"])
    for extra in EXTRAS:
        found += project["optional-dependencies"][extra]
    found += pyproject["build-system"]["requires"]
    return [Requirement(r) for r in (*found, *TOOLS)]


def closure(roots: list[Requirement]) -> dict[str, metadata.Distribution]:
    """The installed distributions that ``roots`` need, by canonical name."""
    found: dict[str, metadata.Distribution] = {}
    todo = [(req, ()) for req in roots]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while todo:
        req, wanted = todo.pop()
        if not _applies(req, wanted):
            continue
        name = canonicalize_name(req.name)
        key = (name, tuple(sorted(req.extras)))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            raise SystemExit(f"{req} is required but not installed: run `make lock`") from None
        version = Version(dist.version)
        if not req.specifier.contains(version, prereleases=True):
            raise SystemExit(f"{req.name} {version} is installed, outside {req}: run `make lock`")
        found[name] = dist
        for child in dist.requires or []:
            todo.append((Requirement(child), tuple(sorted(req.extras))))
    return found


def _installable(filename: str, version: Version) -> bool:
    """Whether ``filename`` is a file of ``version`` that CPython 3.11 on Linux can install."""
    if filename.endswith(".whl"):
        try:
            _name, v, _build, tags = parse_wheel_filename(filename)
        except InvalidWheelFilename:
            return False
        if v != version:
            return False
        for tag in tags:
            python = tag.interpreter in {"py3", "py311", "cp311"} or (
                tag.abi == "abi3" and tag.interpreter.startswith("cp3")
                and int(tag.interpreter[3:]) <= 11
            )  # fmt: skip
            if python and (tag.platform == "any" or "linux" in tag.platform):
                return True
        return False
    try:
        _name, v = parse_sdist_filename(filename)
    except InvalidSdistFilename:
        return False
    return v == version


def hashes(name: str, version: Version) -> list[str]:
    """The sha256 of every file of ``name`` ``version`` on PyPI that could install here."""
    request = urllib.request.Request(
        INDEX.format(name), headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    found = sorted(
        {f["hashes"]["sha256"] for f in files if _installable(f["filename"], version)}
    )
    if not found:
        raise SystemExit(f"PyPI holds no file of {name}=={version} for CPython 3.11 on Linux")
    return found


def pin(dist: metadata.Distribution) -> str:
    return f"{dist.metadata['Name']}=={Version(dist.version).public}"


def main() -> int:
    dists = closure(declared())
    dists.pop("sinfit", None)  # the project itself: installed editable from the checkout
    names = sorted(dists)
    (ROOT / "constraints.txt").write_text(
        CONSTRAINTS_HEADER + "".join(pin(dists[n]) + "\n" for n in names), encoding="utf-8"
    )
    locked = [n for n in names if n not in UNHASHED]
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = pool.map(lambda n: hashes(n, Version(dists[n].version)), locked)
        entries = [
            " \\\n".join([pin(dists[n]), *(f"    --hash=sha256:{h}" for h in digests)])
            for n, digests in zip(locked, found, strict=True)
        ]
    (ROOT / "requirements.lock").write_text(
        LOCK_HEADER + "".join(e + "\n" for e in entries), encoding="utf-8"
    )
    print(f"pinned {len(names)} distributions; {len(locked)} with hashes in requirements.lock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
