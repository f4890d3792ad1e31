"""requirements.lock, what `make setup` and CI install with --require-hashes, agrees with
pyproject.toml and constraints.txt (both locks are written by `make lock`, .ci/lock.py)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
#: Pinned in constraints.txt but installed without a hash (the lock's header says why).
UNHASHED = {"torch"}
ENTRY = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)((?: \\\n    --hash=sha256:[0-9a-f]{64})+)$", re.M)


def parse_lock(text: str) -> dict[str, tuple[Version, list[str]]]:
    """A lock's entries by canonical name: (version, sha256 hashes). Fails on a line that is
    neither a comment nor part of a well-formed hashed pin."""
    entries: dict[str, tuple[Version, list[str]]] = {}
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    for match in ENTRY.finditer(body):
        name = canonicalize_name(match[1])
        assert name not in entries, f"{name} is locked twice"
        entries[name] = (Version(match[2]), re.findall(r"[0-9a-f]{64}", match[3]))
    leftover = ENTRY.sub("", body).strip()
    assert not leftover, f"not a hashed pin: {leftover[:200]!r}"
    return entries


def parse_constraints(text: str) -> dict[str, Version]:
    found = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)$", text, re.M)
    return {canonicalize_name(name): Version(version) for name, version in found}


def declared(pyproject: str) -> list[Requirement]:
    """pyproject.toml's runtime dependencies and its docs and test extras."""
    project = tomllib.loads(pyproject)["project"]
    found = list(project["dependencies"])
    for extra in ("docs", "test"):
        found += project["optional-dependencies"][extra]
    return [Requirement(r) for r in found]


def disagreements(pyproject: str, lock: str, constraints: str) -> list[str]:
    """How the lock fails pyproject.toml and constraints.txt; [] when it does not."""
    locked = parse_lock(lock)
    pinned = parse_constraints(constraints)
    problems = []
    for req in declared(pyproject):
        name = canonicalize_name(req.name)
        if name in UNHASHED:
            version = pinned.get(name)
            where = "constraints.txt"
        else:
            version = locked[name][0] if name in locked else None
            where = "requirements.lock"
        if version is None:
            problems.append(f"{req} (pyproject.toml) is not in {where}")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{where} has {name}=={version}, outside {req} (pyproject.toml)")
    for name, (version, digests) in locked.items():
        if not digests:
            problems.append(f"{name} has no hash")
        if pinned.get(name) != version:
            problems.append(f"{name}: {version} in requirements.lock, {pinned.get(name)} pinned")
    for name in pinned.keys() - locked.keys() - UNHASHED:
        problems.append(f"{name} is pinned in constraints.txt but not in requirements.lock")
    return problems


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_the_lock_holds_every_requirement_at_a_version_its_range_allows() -> None:
    problems = disagreements(
        read("pyproject.toml"), read("requirements.lock"), read("constraints.txt")
    )
    assert problems == [], "run `make lock`:\n" + "\n".join(problems)


def test_every_locked_package_has_its_hashes_and_torch_is_not_among_them() -> None:
    locked = parse_lock(read("requirements.lock"))
    assert len(locked) > 50, "the lock parsed to almost nothing? the parser is broken"
    assert all(digests for _version, digests in locked.values())
    assert not UNHASHED & locked.keys()
    # The build backend and pip are locked too: the build runs --no-isolation on them.
    assert {"setuptools", "pip", "build", "twine", "zizmor"} <= locked.keys()
    header = "".join(line for line in read("requirements.lock").splitlines(True) if line[0] == "#")
    assert "torch" in header and "make lock" in header  # it says why torch is missing


@pytest.mark.parametrize(
    ("file", "pattern", "replacement", "problem"),
    [
        # a requirement missing from the lock
        ("requirements.lock", r"^twine==\S+(?: \\\n    --hash=\S+)+\n", "", "twine>=6.1"),
        # a locked version outside pyproject.toml's range
        ("requirements.lock", r"^mkdocs==1\.\d+\.\d+", "mkdocs==2.0.0", "outside mkdocs<2"),
        # a range moved in pyproject.toml without `make lock`
        ("pyproject.toml", r'"twine>=6\.1"', '"twine>=99"', "outside twine>=99"),
        # the lock and constraints.txt disagree
        ("constraints.txt", r"^zizmor==\S+$", "zizmor==0.1", "zizmor: "),
    ],
    ids=["missing", "out-of-range", "range-moved", "constraints-differ"],
)
def test_a_disagreeing_lock_is_named(
    file: str, pattern: str, replacement: str, problem: str
) -> None:
    """The check can fail: each kind of disagreement is reported, naming the package."""
    texts = {
        name: read(name) for name in ("pyproject.toml", "requirements.lock", "constraints.txt")
    }
    texts[file], count = re.subn(pattern, replacement, texts[file], count=1, flags=re.M)
    assert count == 1, f"{file} no longer holds {pattern!r}"
    problems = disagreements(
        texts["pyproject.toml"], texts["requirements.lock"], texts["constraints.txt"]
    )
    assert any(problem in p for p in problems), problems


def test_a_pin_without_a_hash_is_refused() -> None:
    with pytest.raises(AssertionError, match="not a hashed pin"):
        parse_lock("six==1.16.0\n")
