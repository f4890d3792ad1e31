"""The repository's own promises: the README's two commands, the pins and ranges, and what
the CI, release and drift workflows do (tests/unit/test_workflows.py validates their syntax)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def test_readme_gives_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(make \w+)", section, re.MULTILINE)
    assert commands == ["make serve", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^serve: \$\(STAMP\)", makefile, re.MULTILINE)
    assert re.search(r"^test: \$\(STAMP\)", makefile, re.MULTILINE)


def test_torch_is_a_range_in_pyproject_and_pinned_in_constraints() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    allowed = re.search(r'"torch(>=[\d.]+,<\d+)"', pyproject)
    assert allowed, "torch is a range in pyproject.toml"
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    pinned = re.search(r"^torch==(\d+\.\d+\.\d+)$", constraints, re.MULTILINE)
    assert pinned, "torch is pinned to one release in constraints.txt"
    assert Version(pinned.group(1)) in SpecifierSet(allowed.group(1)), "the pin is in the range"


def workflow(name: str) -> dict:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def runs(job: dict, command: str) -> bool:
    return any(step.get("run", "").strip() == command for step in job["steps"])


def uses(job: dict, action: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").startswith(action + "@")]


def test_ci_tests_every_push_and_pull_request_and_deploys_only_after() -> None:
    ci = workflow("ci.yml")
    assert set(ci["on"]) >= {"push", "pull_request"}
    assert ci["on"]["push"] == {"branches": ["**"]}  # every branch; tags go to release.yml
    test, deploy = ci["jobs"]["test"], ci["jobs"]["deploy"]
    assert runs(test, "bash .ci/run")  # the README's `make test`, as CI runs it here
    # Debian's Chromium and fonts-nanum, installed by .ci/run with apt-get as on our machines.
    assert test["container"].endswith("-bookworm")
    # The published site is built in the test job, after the tests, from the same commit ...
    steps = [step.get("run", step.get("uses", "")) for step in test["steps"]]
    build = next(i for i, step in enumerate(steps) if step.rstrip().endswith("make docs"))
    assert steps.index("bash .ci/run") < build
    assert "SOURCE_DATE_EPOCH" in steps[build], "the published build is dated by the commit"
    assert uses(test, "actions/upload-pages-artifact")
    # ... and deployed only when that job passed, and only from main.
    assert deploy["needs"] == "test"
    assert "refs/heads/main" in deploy["if"] and "pull_request" in deploy["if"]
    assert uses(deploy, "actions/deploy-pages")
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert ci["permissions"] == {"contents": "read"}
    assert "--strict" in (ROOT / "Makefile").read_text()


def test_release_publishes_a_tested_tagged_version_with_trusted_publishing() -> None:
    release = workflow("release.yml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    jobs = release["jobs"]
    assert runs(jobs["test"], "bash .ci/run")
    assert jobs["build"]["needs"] == "test" and jobs["publish"]["needs"] == "build"
    build_steps = "\n".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "python -m build" in build_steps
    assert "twine check --strict dist/*" in build_steps
    assert 'tag != f"v{version}"' in build_steps  # the tag must be the wheel's version
    publish = jobs["publish"]
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    (step,) = uses(publish, "pypa/gh-action-pypi-publish")
    assert "with" not in step  # no password, no token: PyPI trusts the workflow itself
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert "secrets." not in text


def test_drift_canary_runs_weekly_on_the_newest_allowed_releases() -> None:
    drift = workflow("drift.yml")
    assert set(drift["on"]) == {"schedule", "workflow_dispatch"}
    (cron,) = [entry["cron"] for entry in drift["on"]["schedule"]]
    _minute, _hour, day, month, weekday = cron.split()
    assert day == month == "*" and weekday.isdigit()  # once a week
    assert drift["env"]["SINFIT_CONSTRAINTS"] == ""  # no constraints.txt
    assert drift["env"]["PIP_EXTRA_INDEX_URL"].endswith("/whl/cpu")  # torch stays on the CPU
    (job,) = drift["jobs"].values()
    assert runs(job, "bash .ci/run")
    assert any(step.get("if") == "failure()" for step in job["steps"])  # it says so
    # The Makefile honours the empty SINFIT_CONSTRAINTS the canary sets.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "SINFIT_CONSTRAINTS ?= constraints.txt" in makefile
    assert "$(if $(SINFIT_CONSTRAINTS),-c $(SINFIT_CONSTRAINTS))" in makefile


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    return [Requirement(r) for r in declared]


def pins() -> dict[str, Version]:
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    found = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)$", text, re.MULTILINE)
    return {canonicalize_name(name): Version(version) for name, version in found}


def test_every_pin_is_inside_its_declared_range() -> None:
    pinned = pins()
    for req in requirements():
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req.name} is declared in pyproject.toml but not pinned"
        assert req.specifier.contains(pinned[name]), f"{name}=={pinned[name]} is outside {req}"


def test_what_the_build_extensions_import_is_declared_with_a_ceiling() -> None:
    """A package whose internals extensions/ imports must be declared with an upper bound, so
    that no install meets an untested major (the drift canary tries the newest in range)."""
    imported: dict[str, set[str]] = {}
    for source in (ROOT / "extensions").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                imported.setdefault(name.split(".")[0], set()).add(source.name)
    third_party = set(imported) - set(sys.stdlib_module_names) - {"__future__", "extensions"}
    assert {"nbclient", "nbconvert", "jupyter_client"} & third_party, "the scan found nothing?"
    declared = {canonicalize_name(r.name): r for r in requirements()}
    dists_of = packages_distributions()
    for module in sorted(third_party):
        assert module in dists_of, f"extensions/ imports {module}, which is not installed"
        name = canonicalize_name(dists_of[module][0])
        where = ", ".join(sorted(imported[module]))
        assert name in declared, f"{where} import {module}: declare {name} in pyproject.toml"
        ceiling = [s for s in declared[name].specifier if s.operator in {"<", "~=", "=="}]
        assert ceiling, f"{where} import {module}: give {declared[name]} an upper bound"
