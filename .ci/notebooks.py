"""The notebooks that the site's Open-in-Colab links name, laid out for the branch they name.

Colab opens a notebook from a GitHub branch, not from a web site, so after each deploy the
workflow (.github/workflows/ci.yml, job ``notebooks``) pushes every ``*.ipynb`` of the built site,
at its path on the site, to the branch the links name: ``notebooks``, or ``extra:
notebooks_branch`` in mkdocs.yml. Links appear only when ``repo_url`` is a GitHub repository
(extensions/sitebuild/downloads.py, ``colab_url``); without them there is nothing to push.

    python .ci/notebooks.py SITE OUT [ROOT]

copies the notebooks of the built site SITE into the new folder OUT and prints the branch, or
an empty line when the site has no Colab links (ROOT: the project whose mkdocs.yml built SITE;
default: this checkout). tests/packaging/test_notebooks_branch.py checks every Colab link of a
built site against what this lays out.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from the checkout: extensions/ is importable

from extensions.sitebuild import downloads  # noqa: E402
from extensions.sitebuild.project import mkdocs_config  # noqa: E402

DEFAULT_BRANCH = "notebooks"
COLAB = "https://colab.research.google.com/github/"
_LINK = re.compile(r'href="(' + re.escape(COLAB) + r'[^"]+)"')


def branch(root: Path = ROOT) -> str | None:
    """The branch the Colab links of ``root``'s site name; None when the site shows none."""
    config = mkdocs_config(root)
    name = (config.get("extra") or {}).get("notebooks_branch", DEFAULT_BRANCH)
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise ValueError(f"mkdocs.yml: extra: notebooks_branch must be a branch name, not {name!r}")
    if downloads.colab_url(config.get("repo_url"), name, "x.ipynb") is None:
        return None
    return name


def check_site(site: Path) -> None:
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site} is not a built site (no index.html): run `make docs`")


def lay_out(site: Path, out: Path) -> list[Path]:
    """Copy every notebook of ``site`` into ``out`` (which must not exist) at its path on the
    site; their paths, relative to ``out``, sorted."""
    check_site(site)
    if out.exists():
        raise FileExistsError(f"{out} exists; the branch's tree is laid out in a new folder")
    found = sorted(p.relative_to(site) for p in site.rglob("*.ipynb"))
    if not found:
        raise FileNotFoundError(f"{site} holds no notebook: the Colab links would name nothing")
    for path in found:
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(site / path, out / path)
    return found


def colab_links(site: Path) -> dict[str, list[str]]:
    """Every Open-in-Colab address in the built site's pages, by page (relative to ``site``)."""
    found: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        links = _LINK.findall(page.read_text(encoding="utf-8"))
        if links:
            found[page.relative_to(site).as_posix()] = links
    return found


def unresolved(site: Path, name: str | None, laid_out: list[Path]) -> list[str]:
    """The Colab links of ``site`` that would not open a notebook pushed to the branch ``name``
    from ``laid_out`` (paths from :func:`lay_out`), each with why; [] when all would."""
    paths = {p.as_posix() for p in laid_out}
    problems = []
    for page, links in colab_links(site).items():
        for link in links:
            _owner, _repo, blob, rest = [*link.removeprefix(COLAB).split("/", 3), "", ""][:4]
            if name is None:
                problems.append(f"{page}: {link}: the site links Colab, but no branch is pushed")
            elif blob != "blob" or not rest.startswith(name + "/"):
                problems.append(f"{page}: {link}: not on the branch {name}")
            elif rest.removeprefix(name + "/") not in paths:
                problems.append(f"{page}: {link}: no such notebook in the site")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or not all(argv):
        print("usage: python .ci/notebooks.py SITE OUT [ROOT]", file=sys.stderr)
        return 2
    site, out = Path(argv[0]), Path(argv[1])
    check_site(site)
    name = branch(Path(argv[2]) if len(argv) == 3 else ROOT)
    copied = lay_out(site, out) if name is not None else []
    problems = unresolved(site, name, copied)
    if problems:
        print("Colab links that would not open:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    if name is not None:
        print(f"{len(copied)} notebooks for the branch {name}", file=sys.stderr)
    print(name or "")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
