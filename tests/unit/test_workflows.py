"""The GitHub Actions workflows are valid, checked offline by action-validator (the npm package
@action-validator/cli, pinned in package-lock.json and installed by `make setup` with `npm ci`).

Without npm the validator is not installed and these tests skip, saying so; in CI (``CI`` set)
a missing validator is a failure: .ci/run installs Node's npm where it is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
VALIDATOR = ROOT / "node_modules" / ".bin" / "action-validator"


@pytest.fixture(scope="module")
def validator() -> Path:
    missing = None
    if shutil.which("node") is None:
        missing = "node is not installed (apt-get install nodejs npm)"
    elif not VALIDATOR.exists():
        missing = f"{VALIDATOR.relative_to(ROOT)} is missing: run `make setup` with npm installed"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the workflow validator must run in CI, but {missing}")
        pytest.skip(missing)
    return VALIDATOR


def validate(validator: Path, workflow: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(validator), str(workflow)],
        cwd=ROOT,  # it resolves the workflows' path globs against the repository
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
    )


def test_the_repository_has_the_three_workflows() -> None:
    assert [w.name for w in WORKFLOWS] == ["ci.yml", "drift.yml", "release.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_valid(validator: Path, workflow: Path) -> None:
    proc = validate(validator, workflow)
    assert proc.returncode == 0, f"{workflow.name}:\n{proc.stdout}{proc.stderr}"


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        # the deploy job waits for a job that does not exist
        (("    needs: test\n", "    needs: tests\n"), "unresolved job tests"),
        # a misspelt trigger
        (("  pull_request:\n", "  pull-request:\n"), "/on"),
    ],
    ids=["unresolved-needs", "unknown-trigger"],
)
def test_the_validator_fails_on_a_broken_copy(
    validator: Path, tmp_path: Path, change: tuple[str, str], finding: str
) -> None:
    """The check can fail: the same workflow with one mistake is refused, naming it."""
    text = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    old, new = change
    assert text.count(old) == 1
    broken = tmp_path / "ci.yml"
    broken.write_text(text.replace(old, new), encoding="utf-8")
    proc = validate(validator, broken)
    assert proc.returncode != 0
    assert finding in proc.stdout + proc.stderr
