"""Gates that keep the bilingual site honest. Each returns a list of problems, naming the
page, the language and the cell or heading; an empty list means the gate passes.

They are plain functions of the build's package (no MkDocs imports) so that the tests can run
them on the real site and on deliberately broken copies, and show that each one fails loudly.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import io
import json
import re
import tokenize
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

import jupytext
from bs4 import BeautifulSoup

from extensions.sitebuild.code import SOLUTION, fence_lines, without_comments
from extensions.sitebuild.execution import is_tutorial
from extensions.sitebuild.project import languages

LANGUAGES = languages()  # from mkdocs.yml; each gate takes others for a project's copy
ALT = re.compile(r"<!--\s*alt:")
HEADING = re.compile(r"^(#{1,6})\s+\S", re.MULTILINE)


def pages(docs: Path, language: str) -> set[str]:
    return {p.relative_to(docs / language).as_posix() for p in (docs / language).rglob("*.md")}


def _markdown_headings(path: Path) -> list[int]:
    """Heading levels in document order, outside code blocks."""
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)  # the jupytext header
    return [len(m.group(1)) for m in HEADING.finditer(text)]


def source_parity(docs: Path, langs: Sequence[str] = LANGUAGES) -> list[str]:
    """Every language has every page of the default one (first in ``langs``) and no other;
    tutorials share code cells (comments aside: they are translated) and heading structure."""
    problems = []
    default, others = langs[0], langs[1:]
    base = pages(docs, default)
    for lang in others:
        have = pages(docs, lang)
        for name in sorted(base - have):
            problems.append(f"{name}: missing in {lang} (exists in {default})")
        for name in sorted(have - base):
            problems.append(f"{name}: missing in {default} (exists in {lang})")
        for name in sorted(base & have):
            problems += _page_parity(docs, name, default, lang)
    return problems


def _page_parity(docs: Path, name: str, default: str, lang: str) -> list[str]:
    problems = []
    paths = {default: docs / default / name, lang: docs / lang / name}
    levels = {k: _markdown_headings(p) for k, p in paths.items()}
    if levels[default] != levels[lang]:
        problems.append(
            f"{name}: heading structure differs: {default} has levels {levels[default]}, "
            f"{lang} has {levels[lang]}"
        )
    if not all(is_tutorial(p) for p in paths.values()):
        if any(is_tutorial(p) for p in paths.values()):
            problems.append(f"{name}: a tutorial in one language only ({default}, {lang})")
        return problems
    return problems + code_differences(docs, name, default, lang)


@functools.lru_cache(maxsize=64)
def _code_without_comments(text: str) -> tuple[str, ...]:
    """A page's code cells, comments aside. Memoised on the page's text: under `mkdocs serve`
    each save checks every page again, and only the saved one has changed."""
    cells = jupytext.reads(text, fmt="md").cells
    return tuple(without_comments(c.source) for c in cells if c.cell_type == "code")


def code_differences(docs: Path, name: str, default: str, lang: str) -> list[str]:
    """How the code cells of tutorial ``name`` differ between ``default`` and ``lang``,
    comments aside: one problem per differing cell, with the differing lines as a diff (the
    build fails on these, extensions/hooks/execution.py)."""
    paths = {k: docs / k / name for k in (default, lang)}
    texts = {k: p.read_text(encoding="utf-8") for k, p in paths.items()}
    cells = {k: _code_without_comments(t) for k, t in texts.items()}
    lines = {k: fence_lines(t) for k, t in texts.items()}
    a_cells, b_cells = cells[default], cells[lang]
    problems = []
    if len(a_cells) != len(b_cells):
        problems.append(
            f"{name}: {default} has {len(a_cells)} code cells, {lang} has {len(b_cells)}"
        )
    for n, (a, b) in enumerate(zip(a_cells, b_cells, strict=False), start=1):
        if a == b:
            continue
        at = {k: f"{k}/{name}" + (f":{lines[k][n - 1]}" if n <= len(lines[k]) else "")
              for k in (default, lang)}  # fmt: skip
        diff = difflib.unified_diff(
            a.splitlines(), b.splitlines(), at[default], at[lang], n=1, lineterm=""
        )
        shown = "\n".join("    " + line for line in diff)
        problems.append(
            f"{name}: code cell {n} differs between {default} and {lang} "
            f"(comments aside; the code of a tutorial is the same in every language):\n{shown}"
        )
    return problems


def code_parity(docs: Path, langs: Sequence[str] = LANGUAGES) -> list[str]:
    """Every tutorial's code cells, comments aside, the same in every language as in the
    default one: the build checks this before executing anything."""
    problems = []
    default = langs[0]
    for lang in langs[1:]:
        for name in sorted(pages(docs, default) & pages(docs, lang)):
            if is_tutorial(docs / default / name) and is_tutorial(docs / lang / name):
                problems += code_differences(docs, name, default, lang)
    return problems


_HEADING_WITH_ID = re.compile(r"<h([1-6])\b[^>]*?\sid=\"([^\"]*)\"[^>]*>(.*?)</h\1>", re.DOTALL)


def duplicate_heading_ids(html: str) -> list[str]:
    """Every id that two headings of one page's ``html`` share: a link to it, and the table of
    contents' entry for the second, lead to the first. Markdown pages get ``_1`` suffixes from
    the toc extension; a notebook page's headings are named by nbconvert, from their text alone."""
    seen: dict[str, str] = {}
    problems = []
    for m in _HEADING_WITH_ID.finditer(html):
        ident = m.group(2)
        text = " ".join(BeautifulSoup(m.group(3), "html.parser").get_text(" ").split())
        text = text.rstrip("¶ ").strip()
        if ident in seen:
            problems.append(
                f'two headings have the id "{ident}" ("{seen[ident]}" and "{text}"): links to '
                f"#{ident} and the contents' entry of the second lead to the first; give them "
                "different text"
            )
        else:
            seen[ident] = text
    return problems


def built_page(site: Path, language: str, name: str) -> Path:
    stem = Path(name).with_suffix("")
    folder = site if language == LANGUAGES[0] else site / language
    return folder / ("index.html" if stem.name == "index" else f"{stem}/index.html")


def _article(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("article")


def built_counts(path: Path) -> dict[str, object]:
    article = _article(path)
    headings = [
        h
        for h in article.find_all(re.compile(r"^h[1-6]$"))
        # A class's members on the reference page: headings where mkdocstrings renders the
        # docstrings (English), a list in the entry's text where a page translates them.
        if not ("doc-heading" in (h.get("class") or []) and int(h.name[1]) > 2)
    ]
    return {
        "figures": len(article.select("img.sinfit-figure")),
        "outputs": len(article.select(".jp-OutputArea-output pre")),
        "headings": [int(h.name[1]) for h in headings],
    }


def built_parity(site: Path, docs: Path, langs: Sequence[str] = LANGUAGES) -> list[str]:
    """The built pages match the default language's: figures, printed outputs, headings."""
    problems = []
    default = langs[0]
    for lang in langs[1:]:
        for name in sorted(pages(docs, default) & pages(docs, lang)):
            counts = {k: built_counts(built_page(site, k, name)) for k in (default, lang)}
            for key in ("figures", "outputs", "headings"):
                if counts[default][key] != counts[lang][key]:
                    problems.append(
                        f"{name}: built {key} differ: {default} {counts[default][key]}, "
                        f"{lang} {counts[lang][key]}"
                    )
    return problems


# A page whose code prints a loss must show a printed line with "loss" and a number in it.
_PRINTS_LOSS = re.compile(r"print\([^\n]*\bloss")
_LOSS_LINE = re.compile(r"\bloss\b[^\n]*\d")


def did_it_run(site: Path, docs: Path, langs: Sequence[str] = LANGUAGES) -> list[str]:
    """Every built tutorial, each language, has its figures and non-empty printed output,
    and every exercise solution of its source folded and executed."""
    problems = []
    for language in langs:
        for name in sorted(pages(docs, language)):
            source = docs / language / name
            if not is_tutorial(source):
                continue
            text = source.read_text(encoding="utf-8")
            expected_figures = len(ALT.findall(text))
            built = built_page(site, language, name)
            article = _article(built)
            figures = len(article.select("img.sinfit-figure"))
            outputs = [pre.get_text() for pre in article.select(".jp-OutputArea-output pre")]
            page = f"{language}/{name}"
            if figures != expected_figures:
                problems.append(f"{page}: {figures} figures built, expected {expected_figures}")
            if "print(" in text and not any(o.strip() for o in outputs):
                problems.append(f"{page}: no printed output")
            if _PRINTS_LOSS.search(text) and not any(_LOSS_LINE.search(o) for o in outputs):
                problems.append(f"{page}: the loss log is missing")
            problems += _solutions_ran(text, article, page)
            problems += _explorers_ran(text, article, page, built)
    return problems


_EXPLORER_CALL = re.compile(r"\blearning_rate_explorer\(")


def explorer_data(figure: BeautifulSoup, built: Path) -> str:
    """The JSON of a built explorer ``figure`` on the page file ``built``: inline, or in the
    file its ``data-src`` names (extensions/sitebuild/first_visit.py moves it there); ""
    when there is none."""
    script = figure.select_one('script[type="application/json"]')
    if script is None:
        return ""
    if script.has_attr("data-src"):
        file = (built.parent / script["data-src"]).resolve()
        return file.read_text(encoding="utf-8") if file.is_file() else ""
    return script.get_text()


def _explorers_ran(text: str, article: BeautifulSoup, page: str, built: Path) -> list[str]:
    """A page whose code calls ``learning_rate_explorer(...)`` has as many built explorers,
    each with data: JSON with learning rates and, for every basis, a loss curve per rate."""
    expected = sum(len(_EXPLORER_CALL.findall(code)) for code in _CODE_BLOCK.findall(text))
    figures = article.select("figure.sinfit-explorer")
    if len(figures) < expected:
        return [f"{page}: {len(figures)} learning-rate explorers built, expected {expected}"]
    problems = []
    for n, figure in enumerate(figures, start=1):
        try:
            data = json.loads(explorer_data(figure, built) or "null")
        except ValueError:
            data = None
        rates = (data or {}).get("rates") or []
        bases = (data or {}).get("bases") or []
        if (
            not rates
            or not bases
            or not all(len(b.get("loss", [])) == len(rates) and all(b["loss"]) for b in bases)
        ):
            problems.append(f"{page}: learning-rate explorer {n} has no data (did it run?)")
    return problems


def _solutions_ran(text: str, article: BeautifulSoup, page: str) -> list[str]:
    """Every ``<!--solution-->`` of the source is a folded solution on the built page, with
    its code and a non-empty output (printed text or a figure)."""
    expected = len(SOLUTION.findall(re.sub(r"```.*?```", "", text, flags=re.DOTALL)))
    folded = article.select("details.sinfit-solution")
    if len(folded) != expected:
        return [f"{page}: {len(folded)} folded solutions built, expected {expected}"]
    problems = []
    for n, details in enumerate(folded, start=1):
        outputs = details.select(".jp-OutputArea-output")
        if not details.select(".jp-CodeCell .jp-InputArea"):
            problems.append(f"{page}: solution {n} has no code cell")
        elif not any(o.get_text().strip() or o.find("img") for o in outputs):
            problems.append(f"{page}: solution {n} has no output (did it run?)")
    return problems


def broken_anchors(site: Path) -> list[str]:
    """Every internal link with a #fragment whose target page has no element with that id.

    LinkChecker's AnchorCheck does this too, but in one CI run out of several it reported
    nothing for a broken anchor; this check reads the built files and always gives the same
    answer.
    """
    from urllib.parse import unquote, urlsplit

    problems = []
    ids: dict[Path, set[str]] = {}
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            parts = urlsplit(a["href"])
            if parts.scheme or parts.netloc or not parts.fragment:
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                continue  # a missing page: LinkChecker reports those
            if target not in ids:
                html = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
                ids[target] = {tag["id"] for tag in html.find_all(id=True)}
            fragment = unquote(parts.fragment)
            if fragment not in ids[target]:
                where = page.relative_to(site).as_posix()
                problems.append(f"{where}: #{fragment} not found in {target.relative_to(site)}")
    return problems


# --- numbers in prose ----------------------------------------------------------------------
_CODE_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
_NOT_PROSE = re.compile(
    r"\A---\n.*?\n---\n"  # the jupytext header
    r"|<!--pytest-codeblocks:expected-output-->\s*<!--.*?-->"  # the expected output
    r"|<!--\s*pytest-codeblocks:\S*\s*-->"
    r"|^```.*?^```"  # code blocks (their numbers are the literals)
    r"|`[^`\n]+`"  # inline code: code written on the page
    r"|\]\([^)]*\)",  # link targets
    re.DOTALL | re.MULTILINE,
)
# 3 \times 10^{-6} and 10^{-6} are written 3e-6 and 1e-6 in code
_POWER = re.compile(r"(?:(\d+(?:\.\d+)?)\s*\\times\s*)?10\^\{?(-?\d+)\}?")
# Hangul particles follow numbers directly (약 -37에서): only ASCII word characters bound them.
_NUMBER = re.compile(r"(?<![0-9A-Za-z_.])\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?(?![0-9A-Za-z_])")


def _literals(code: str) -> set[float]:
    """The numeric literals of the page's code, as values."""
    values: set[float] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type == tokenize.NUMBER:
                with contextlib.suppress(ValueError):
                    values.add(float(tok.string.replace("_", "")))
    except tokenize.TokenError:
        pass
    return values


def typed_numbers(text: str) -> list[str]:
    """The numbers an author typed into a page's prose and figure descriptions: glue
    references, code and the test markers left out; single digits (counts, exponents) too."""
    from extensions.sitebuild.glue import strip_references

    literals = _literals("\n".join(_CODE_BLOCK.findall(text)))
    prose = _POWER.sub(lambda m: f"{m.group(1) or 1}e{m.group(2)}", text)
    prose = strip_references(_NOT_PROSE.sub(" ", prose))
    found = []
    for m in _NUMBER.finditer(prose):
        value = float(m.group().replace(",", ""))
        if (value < 10 and value == int(value)) or value in literals:
            continue
        found.append(prose[max(0, m.start() - 30) : m.end() + 10].replace("\n", " "))
    return found


def _tutorial_texts(docs: Path, langs: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(``<language>/<page>``, its source) for every tutorial of ``langs``, in order."""
    for language in langs:
        for name in sorted(pages(docs, language)):
            path = docs / language / name
            if is_tutorial(path):
                yield f"{language}/{name}", path.read_text(encoding="utf-8")


def unglued_numbers(docs: Path, langs: Sequence[str] = LANGUAGES) -> list[str]:
    """Every number in a tutorial's prose or alt text that is neither glued nor in its code."""
    return [
        f"{page}: a typed number, neither glued nor in the code: …{context}…"
        for page, text in _tutorial_texts(docs, langs)
        for context in typed_numbers(text)
    ]


# --- code a phone shows whole ------------------------------------------------------------------
# Below Material's tablet width the stylesheet shows code edge to edge in a 12 px monospace
# font: 50 columns at 390 px, 48 at 375 px (extensions/overrides/.../sinfit.css). A wider line
# scrolls sideways inside its box, and a reader on a phone loses its end.
PHONE_COLUMNS = 48


def display_width(line: str) -> int:
    """Columns a line takes in a monospace font: Hangul and other wide characters take two
    (a Korean glyph is about one em, a Latin one about 0.6 em, so two columns is the safe
    count)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def wide_code_lines(text: str, columns: int = PHONE_COLUMNS) -> list[tuple[int, int, str]]:
    """(line number, width, line) of each line of a shown code cell wider than ``columns``;
    hidden cells (``#| hide``) are never shown, so they may be as wide as Python allows."""
    from extensions.sitebuild.glue import is_hidden

    found = []
    for m in _CODE_BLOCK.finditer(text):
        if is_hidden(m.group(1)):
            continue
        first = text.count("\n", 0, m.start(1)) + 1
        for n, line in enumerate(m.group(1).splitlines(), start=first):
            if (width := display_width(line)) > columns:
                found.append((n, width, line))
    return found


def wide_code(docs: Path, langs: Sequence[str] = LANGUAGES) -> list[str]:
    """Every shown code line of a tutorial that a phone cannot show whole."""
    return [
        f"{page}:{n}: {width} columns, a phone shows {PHONE_COLUMNS} (Hangul counts two): "
        f"{line.strip()}"
        for page, text in _tutorial_texts(docs, langs)
        for n, width, line in wide_code_lines(text)
    ]
