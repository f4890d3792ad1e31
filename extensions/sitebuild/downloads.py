"""What a reader takes away from a tutorial: a notebook and a script that run anywhere, the
library they need, and a line on the page saying how the page was executed.

* The **wheel** of ``sinfit`` is built from the sources the pages were executed with and
  published with the site (``downloads/``), so the site is where a reader gets the exact library.
* The **notebook** starts with one cell, in the page's language, that installs that wheel when
  ``sinfit`` is missing and does nothing when it is there (Colab, a fresh venv, a clone).
* The **script** is the same lesson in jupytext's percent format; what the notebook would show as
  a figure is saved to a file instead.
* The **checked script** is the page's whole program: the script with the page's hidden cells
  back in their places, each marked as a check. Those cells compute the numbers the prose cites
  and assert its claims about results, so a reader can see, and run, what stands behind every
  sentence; on the page and in the other downloads they would stand in the lesson's way.
* The **proof line**, the page's last paragraph: that every output comes from running the code
  blocks the reader sees, when, with which Python and torch, on which device, and how long it took.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import hashlib
import html
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import jupytext
import nbformat

from extensions.sitebuild import glue

# The words, per language; a language without an entry gets English.
TEXT = {
    "en": {
        "install": (
            "# Installs sinfit, the small library these lessons use, from the site that built "
            "this notebook;\n# does nothing where sinfit is already installed."
        ),
        "script": (
            "# Run with `python {name}` once sinfit is installed (pip install {wheel}).\n"
            "# The figures the notebook shows are saved as SVG files in the folder you run it from."
        ),
        "checked": (
            "# The lesson's whole program: its code and, marked as checks, the hidden cells that\n"
            "# compute the numbers its text cites and assert its claims about results. An assert\n"
            "# that fails names the sentence that no longer holds.\n"
            "# Run with `python {name}` once sinfit is installed (pip install {wheel}).\n"
            "# The figures the notebook shows are saved as SVG files in the folder you run it from."
        ),
        "check": "# check: runs with the page, not shown on it",
        "proof": (
            "Every output and figure on this page comes from running its {blocks} code blocks "
            "on {date}, with Python {python} and torch {torch} on the {device}, in {duration}."
        ),
        "under_a_minute": "under a minute",
        "minutes": "about {n} minutes",
        "notebook": "Download this lesson as a notebook",
        "script_link": "as a Python script",
        "checked_link": "with the checks behind its text",
        "colab": "Open in Colab",
    },
    "ko": {
        "install": (
            "# 이 강의에서 쓰는 작은 라이브러리 sinfit을 이 노트북을 만든 사이트에서 설치합니다.\n"
            "# sinfit이 이미 설치되어 있으면 아무것도 하지 않습니다."
        ),
        "script": (
            "# sinfit을 설치한 뒤(pip install {wheel}) `python {name}`로 실행합니다.\n"
            "# 노트북에서 보이는 그림은 스크립트를 실행한 폴더에 SVG 파일로 저장됩니다."
        ),
        "checked": (
            "# 강의 전체 프로그램입니다. 강의 코드와 함께, 본문이 인용하는 수치를 계산하고\n"
            "# 결과에 대한 본문의 주장을 assert로 확인하는 숨은 셀이 '확인 코드'로 표시되어\n"
            "# 들어 있습니다. assert가 실패하면 더는 성립하지 않는 문장을 알려 줍니다.\n"
            "# sinfit을 설치한 뒤(pip install {wheel}) `python {name}`로 실행합니다.\n"
            "# 노트북에서 보이는 그림은 스크립트를 실행한 폴더에 SVG 파일로 저장됩니다."
        ),
        "check": "# 확인 코드: 페이지와 함께 실행되며 페이지에는 보이지 않습니다",
        "proof": (
            "이 페이지의 출력과 그림은 모두 코드 블록 {blocks}개를 {date}에 Python {python}, "
            "torch {torch}로 {device}에서 실행한 결과입니다. {duration}"
        ),
        "under_a_minute": "실행에는 1분이 채 걸리지 않았습니다.",
        "minutes": "실행에 약 {n}분이 걸렸습니다.",
        "notebook": "이 강의를 노트북으로 내려받기",
        "script_link": "파이썬 스크립트로 내려받기",
        "checked_link": "본문을 확인하는 코드까지 담은 스크립트",
        "colab": "Colab에서 열기",
    },
}


def text(language: str, key: str) -> str:
    return TEXT.get(language, TEXT["en"])[key]


# --- the wheel -----------------------------------------------------------------------------
WHEEL_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "sinfit")


def wheel(root: Path, cache: Path) -> Path:
    """The wheel of the library at ``root``, built once per version of its sources.

    Built from a copy, so the build leaves nothing (``build/``, ``*.egg-info``) in the tree.
    """
    h = hashlib.sha256()
    for part in WHEEL_SOURCES:
        path = root / part
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    folder = cache / h.hexdigest()[:16]
    built = sorted(folder.glob("*.whl"))
    if built:
        return built[0]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        for part in WHEEL_SOURCES:
            if (root / part).is_dir():
                shutil.copytree(
                    root / part, src / part, ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                src.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / part, src / part)
        out = Path(tmp) / "out"
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
             "--no-build-isolation", "-w", str(out), str(src)],
            check=True,
            capture_output=True,
            text=True,
        )  # fmt: skip
        (made,) = out.glob("*.whl")
        # Into place in one step (two builds may race to it); wheels of older sources go.
        staged = cache / f".{folder.name}-{os.getpid()}"
        staged.mkdir(parents=True, exist_ok=True)
        shutil.copy2(made, staged / made.name)
        try:
            staged.rename(folder)
        except OSError:  # another build put the same wheel there first
            shutil.rmtree(staged, ignore_errors=True)
        for old in cache.iterdir():
            if old != folder and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
        return folder / made.name


# --- the notebook --------------------------------------------------------------------------
def install_cell(wheel_url: str, language: str) -> nbformat.NotebookNode:
    """The first cell of a downloaded notebook: install sinfit where it is missing."""
    source = (
        f"{text(language, 'install')}\n"
        "import importlib.util\n\n"
        'if importlib.util.find_spec("sinfit") is None:\n'
        f"    %pip install --quiet {wheel_url}"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.id = "install-sinfit"
    return cell


def notebook_download(
    nb: nbformat.NotebookNode, wheel_url: str, language: str
) -> nbformat.NotebookNode:
    """The page's notebook with the install cell before its first code cell."""
    nb = copy.deepcopy(nb)
    first = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first, install_cell(wheel_url, language))
    return nb


_MD_LINK = re.compile(r"\]\((?![a-z]+:|/|#)([^)#\s]+)\.md(#[^)\s]*)?\)")


def absolute_links(nb: nbformat.NotebookNode, page_url: str) -> nbformat.NotebookNode:
    """Links to other pages (``other.md#x``) as addresses on the site: a downloaded notebook
    is read away from the site, where a relative link leads nowhere."""
    nb = copy.deepcopy(nb)

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        target = "../" if name == "index" else f"../{name}/"
        return f"]({urljoin(page_url, target)}{m.group(2) or ''})"

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _MD_LINK.sub(one, cell.source)
    return nb


# --- the script ----------------------------------------------------------------------------
SAVE_FIGURE = '''\
def save_figure(shown, name):
    """Save what the notebook shows as a figure: a matplotlib figure, an SVG-drawing object,
    or (for pyplot code) the current pyplot figure."""
    from pathlib import Path

    if shown is None and "matplotlib.pyplot" in sys.modules:
        shown = sys.modules["matplotlib.pyplot"].gcf()
    if hasattr(shown, "savefig"):
        shown.savefig(name + ".svg")
    elif hasattr(shown, "_repr_svg_"):
        Path(name + ".svg").write_text(shown._repr_svg_(), encoding="utf-8")
    else:
        return
    print(f"(figure saved to {name}.svg)", file=sys.stderr)
'''


def _saving_figure(source: str, name: str) -> str:
    """The cell with its last expression, which a notebook would display, saved instead."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr):
        return source + f'\nsave_figure(None, "{name}")'
    lines = source.split("\n")
    start, end = last.lineno - 1, last.end_lineno
    # The expression alone: a comment after it on its last line would swallow the comma that
    # follows it in the call, so the comment moves above the call.
    expression = ast.get_source_segment(source, last)
    after = lines[end - 1].encode()[last.end_col_offset :].decode().strip()
    call = f'save_figure(\n{expression},\n"{name}",\n)'
    return "\n".join([*lines[:start], *([after] if after else []), call, *lines[end:]])


def file_names(stem: str) -> tuple[str, str, str]:
    """A tutorial's downloads, beside its page: the notebook, the script, the checked script."""
    return f"{stem}.ipynb", f"{stem}.py", f"{stem}-checked.py"


def script_download(
    nb: nbformat.NotebookNode, stem: str, wheel_url: str, language: str, *, kind: str = "script"
) -> str:
    """The lesson as a jupytext percent script that saves its figures to files, named
    ``<stem>-figure-N.svg``. ``kind`` is the header's key in :data:`TEXT`: ``"script"`` (the
    script of :func:`file_names`) or ``"checked"`` (the checked script, see :func:`with_checks`)."""
    nb = copy.deepcopy(nb)
    figures = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        shows_figure = any(
            "image/svg+xml" in o.get("data", {}) or "image/png" in o.get("data", {})
            for o in cell.get("outputs", [])
        )
        if shows_figure:
            figures += 1
            cell.source = _saving_figure(cell.source, f"{stem}-figure-{figures}")
        cell.outputs = []
    _, script, checked = file_names(stem)
    header = text(language, kind).format(
        name=script if kind == "script" else checked, wheel=wheel_url
    )
    # Every script says at its top how to run it; one that shows figures also gets what saves
    # them.
    prelude = nbformat.v4.new_code_cell(
        f"{header}\nimport sys\n\n\n{SAVE_FIGURE}" if figures else header
    )
    nb.cells.insert(0, prelude)
    nb.metadata.pop("jupytext", None)
    return jupytext.writes(nb, fmt="py:percent")


def with_checks(
    shown: nbformat.NotebookNode, page: nbformat.NotebookNode, language: str
) -> nbformat.NotebookNode:
    """``shown`` (the page as readers get it, hidden cells gone) with the hidden cells of
    ``page`` (its source, read as a notebook) back in their places, each headed by a comment
    saying it is a check. ``shown``'s cells are ``page``'s without the hidden ones, in order."""
    nb = copy.deepcopy(shown)
    rest = iter(nb.cells)
    cells = []
    for cell in page.cells:
        if cell.cell_type == "code" and glue.is_hidden(cell.source):
            lines = [line for line in cell.source.split("\n") if line.strip() != glue.HIDE]
            cells.append(nbformat.v4.new_code_cell("\n".join([text(language, "check"), *lines])))
        else:
            kept = next(rest, None)
            if kept is None or kept.cell_type != cell.cell_type:
                raise ValueError("the shown notebook is not the page without its hidden cells")
            cells.append(kept)
    if next(rest, None) is not None:
        raise ValueError("the shown notebook has cells the page does not have")
    for n, cell in enumerate(cells, start=1):
        cell.id = f"cell-{n}"
    nb.cells = cells
    return nb


# --- the proof line ------------------------------------------------------------------------
@dataclass(frozen=True)
class Execution:
    """How a page was executed, stored with its cached outputs."""

    date: str  # ISO day
    python: str
    torch: str
    seconds: float

    @classmethod
    def from_metadata(cls, meta: dict) -> Execution | None:
        data = meta.get("sinfit_execution")
        return cls(**data) if data else None


def today(source_date_epoch: str | None) -> str:
    """Today, or the day SOURCE_DATE_EPOCH names (reproducible builds)."""
    if source_date_epoch:
        moment = dt.datetime.fromtimestamp(int(source_date_epoch), tz=dt.UTC)
    else:
        moment = dt.datetime.now(dt.UTC)
    return moment.date().isoformat()


def shown_blocks(nb: nbformat.NotebookNode) -> int:
    """The code blocks a reader sees on the page (hidden cells run but are not shown)."""
    return sum(1 for c in nb.cells if c.cell_type == "code" and not glue.is_hidden(c.source))


def duration(seconds: float, language: str) -> str:
    """How long a page's code ran, as a reader plans with it: "under a minute", or whole
    minutes rounded up. Coarse on purpose: the measured seconds vary from run to run, and two
    builds of the same sources must publish the same page."""
    if seconds < 60:
        return text(language, "under_a_minute")
    return text(language, "minutes").format(n=math.ceil(seconds / 60))


def proof_line(execution: Execution, blocks: int, language: str, device: str = "cpu") -> str:
    """What the page's outputs come from. ``blocks`` counts what the reader sees; ``device`` is
    where the page's tensors lived (``cpu`` unless the page's code chose another and keeps it in
    a variable named ``device``)."""
    return text(language, "proof").format(
        date=execution.date,
        python=execution.python,
        torch=execution.torch,
        device=device.upper() if device in ("cpu", "mps") else device.upper().split(":")[0],
        duration=duration(execution.seconds, language),
        blocks=blocks,
    )


def proof_html(execution: Execution | None, blocks: int, language: str, device: str) -> str:
    """The proof line as the page's last paragraph: out of the reading path, there to check."""
    if execution is None:
        return ""
    line = html.escape(proof_line(execution, blocks, language, device))
    return f'\n<p class="sinfit-proof">{line}</p>\n'


def header_html(stem: str, language: str, colab: str | None) -> str:
    """The line under a tutorial's title: its downloads (and Colab, where the site has one)."""
    labels = ("notebook", "script_link", "checked_link")
    links = [
        f'<a href="{name}" download>{html.escape(text(language, label))} ({name})</a>'
        for name, label in zip(file_names(stem), labels, strict=True)
    ]
    if colab:
        links.append(f'<a href="{html.escape(colab)}">{html.escape(text(language, "colab"))}</a>')
    return (
        '<div class="sinfit-about">\n<p class="sinfit-download">'
        + " · ".join(links)
        + "</p>\n</div>\n"
    )


def colab_url(repo_url: str | None, branch: str, path: str) -> str | None:
    """Colab's address for a notebook at ``path`` on ``branch`` of a GitHub repository."""
    if not repo_url:
        return None
    repo = repo_url.rstrip("/").removesuffix(".git")
    prefix = "https://github.com/"
    if not repo.startswith(prefix):
        return None  # Colab opens notebooks from GitHub only
    return f"https://colab.research.google.com/github/{repo[len(prefix) :]}/blob/{branch}/{path}"
