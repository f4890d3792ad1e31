"""The GitHub Actions workflows are valid, checked offline by action-validator (the npm package
@action-validator/cli, pinned in package-lock.json and installed by `make setup` with `npm ci`),
and no one can hijack them, checked offline by zizmor (a test tool of pyproject.toml, pinned in
requirements.lock): every action pinned to a commit, no token left in a checkout, no cache on the
way to PyPI, no injectable expression.

Without npm (or zizmor) a check's tests skip, saying so; in CI (``CI`` set) a missing checker is a
failure: .ci/run installs Node's npm where it is missing, and `make setup` installs zizmor.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
VALIDATOR = ROOT / "node_modules" / ".bin" / "action-validator"
#: zizmor's command, installed into the venv beside this Python by `make setup`.
ZIZMOR = Path(sys.executable).parent / "zizmor"


def missing_tool(missing: str | None) -> None:
    """Skip, saying what is missing; in CI, fail instead: there every check must run."""
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"this check must run in CI, but {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="module")
def validator() -> Path:
    missing = None
    if shutil.which("node") is None:
        missing = "node is not installed (apt-get install nodejs npm)"
    elif not VALIDATOR.exists():
        missing = f"{VALIDATOR.relative_to(ROOT)} is missing: run `make setup` with npm installed"
    missing_tool(missing)
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


@pytest.fixture(scope="module")
def zizmor() -> Path:
    missing = None
    if not ZIZMOR.exists():
        missing = f"zizmor is not installed beside {sys.executable}: run `make setup`"
    missing_tool(missing)
    return ZIZMOR


def audit(zizmor: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    """zizmor's default audits of the workflows in ``folder``, offline (no GitHub API)."""
    return subprocess.run(
        [str(zizmor), "--offline", "--no-progress", "--format", "plain", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_zizmor_finds_nothing_in_the_workflows(zizmor: Path) -> None:
    proc = audit(zizmor, ROOT / ".github" / "workflows")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("pattern", "replacement", "finding"),
    [
        # an action by its movable major tag instead of a commit
        (r"(actions/checkout)@[0-9a-f]{40} # (v\d+)\S*", r"\1@\2", "unpinned-uses"),
        # a checkout that leaves the token in .git/config (the default without the option)
        (r"\n +with:\n +persist-credentials: false[^\n]*", "", "artipacked"),
    ],
    ids=["tag-not-commit", "persisted-token"],
)
def test_zizmor_fails_on_a_hijackable_copy(
    zizmor: Path, tmp_path: Path, pattern: str, replacement: str, finding: str
) -> None:
    """The audit can fail: the release workflow with one weakness is reported, naming it."""
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    weakened, count = re.subn(pattern, replacement, text, count=1)
    assert count == 1, f"release.yml no longer holds {pattern!r}"
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "release.yml").write_text(weakened, encoding="utf-8")
    proc = audit(zizmor, folder)
    assert proc.returncode != 0
    assert finding in proc.stdout + proc.stderr


PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){2}$")


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it(workflow: Path) -> None:
    """A commit cannot be moved; the version comment is what Dependabot and a reader go by."""
    uses = re.findall(r"^\s*(?:- )?uses: (.+)$", workflow.read_text(encoding="utf-8"), re.M)
    assert uses, f"{workflow.name} uses no action? the scan is broken"
    for ref in uses:
        assert PINNED.match(ref.strip()), f"{workflow.name}: {ref}: not `owner/name@<sha> # vX.Y.Z`"


def test_dependabot_moves_the_pinned_actions() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    (actions,) = [u for u in config["updates"] if u["package-ecosystem"] == "github-actions"]
    assert actions["directory"] == "/" and actions["schedule"]["interval"] in {"daily", "weekly"}


def load(workflow: Path) -> dict:
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_each_job_holds_the_least_permissions_it_needs() -> None:
    """Read-only by default; a job that writes says what, and only that."""
    expected = {
        ("ci.yml", "test"): {"contents": "read"},
        ("ci.yml", "deploy"): {"pages": "write", "id-token": "write"},
        ("ci.yml", "notebooks"): {"contents": "write"},
        ("drift.yml", "newest"): {"contents": "read", "issues": "write"},
        ("release.yml", "test"): {"contents": "read"},
        ("release.yml", "build"): {"contents": "read"},
        ("release.yml", "publish"): {"id-token": "write"},
    }
    found = {}
    for workflow in WORKFLOWS:
        data = load(workflow)
        for name, job in data["jobs"].items():
            found[(workflow.name, name)] = job.get("permissions", data.get("permissions"))
    assert found == expected


def test_the_notebooks_branch_is_pushed_after_the_deploy_by_a_job_that_can_only_push() -> None:
    ci = load(ROOT / ".github" / "workflows" / "ci.yml")
    test, job = ci["jobs"]["test"], ci["jobs"]["notebooks"]
    assert set(job["needs"]) == {"test", "deploy"}  # only once the site is live
    assert "notebooks_branch" in job["if"]  # a site without Colab links pushes nothing
    steps = [step.get("run", step.get("uses", "")) for step in test["steps"]]
    assert any(".ci/notebooks.py site notebooks" in step for step in steps)
    assert not [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    (push,) = [s for s in job["steps"] if "run" in s]
    assert 'push --force "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git"' in push["run"]
    assert "HEAD:refs/heads/$BRANCH" in push["run"]
    assert push["env"]["BRANCH"] == "${{ needs.test.outputs.notebooks_branch }}"


def test_ci_installs_only_hash_checked_packages() -> None:
    """What CI installs is requirements.lock, file for file: each `pip install` of a workflow
    checks hashes, and the tests' install is the Makefile's (the drift canary aside, on purpose)."""
    for workflow in WORKFLOWS:
        for job in load(workflow)["jobs"].values():
            for step in job["steps"]:
                for line in step.get("run", "").splitlines():
                    if "pip install" in line:
                        assert "--require-hashes" in line and "-r requirements.lock" in line, line
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes --no-deps -r requirements.lock" in makefile
    assert re.search(r"^\$\(STAMP\): .*requirements\.lock", makefile, re.M)
    assert load(ROOT / ".github" / "workflows" / "drift.yml")["env"]["SINFIT_CONSTRAINTS"] == ""
