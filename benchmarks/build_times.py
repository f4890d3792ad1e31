"""Build-time benchmark: how close the cached, executing build comes to the floor.

Run with ``make bench`` (or ``python benchmarks/build_times.py --runs 5``). It works on a copy of
the project in a temporary folder, so nothing here is touched, and measures on this machine:

* cold build: no execution cache;
* two cold builds at once: two builds of the same checkout started together (into two site
  folders), no execution cache; the target is 1.3 x one cold build, and each page executed once;
* warm rebuild: nothing changed;
* prose edit: one Korean sentence changed;
* code edit: one code cell changed, identically in both languages (its learning rate, to another
  value at every run: a comment would not count, since the cache ignores comments);
* sinfit edit: a comment added to the library (the library's bytes key the cache);
* plain Material: the same pages built as plain Markdown by Material alone (no notebooks, no
  hooks), warm: what a site of these pages costs without anything of ours; the target for our
  warm rebuild is 1.5 x that;
* serve: under ``mkdocs serve``, from saving a prose edit to the edit on screen in Chromium
  (live reload);
* floor: the same build with execution off, plus one run of every distinct page's code in a
  single Python process, with the kernel's torch thread count (what the pages cost without
  Jupyter at all). Distinct as the cache sees it: a page's translations differ only in comments
  and count once.

Each time is the median of ``--runs`` runs. It prints each time with its ratio to the floor (and
to the execution-off build), checks the targets, and exits 1 if one is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from extensions.sitebuild.execution import REPORT_ROW  # noqa: E402
from extensions.sitebuild.project import copy_project  # noqa: E402 - what the tests build too
from extensions.sitebuild.serve import site_prefix  # noqa: E402

RUN_PAGES = """
import sys, time, matplotlib
matplotlib.use("Agg")
import jupytext, torch
sys.path.insert(0, ".")
from extensions.sitebuild.code import without_comments
from extensions.sitebuild.execution import torch_threads
# The kernel's thread count, and each lesson once: the cache runs a page's translations once,
# since they differ only in comments.
torch.set_num_threads(torch_threads())
seen = set()
for path in sys.argv[1:]:
    code = [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]
    key = tuple(without_comments(c) for c in code)
    if key in seen:
        continue
    seen.add(key)
    namespace = {"__name__": "__main__"}
    for cell in code:
        exec(compile(cell, path, "exec"), namespace)
"""


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return seconds, proc.stdout + proc.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        sys.exit(f"benchmark edit: {old!r} not found in {path}")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))


def concurrent_cold(project: Path, env: dict[str, str], build: list[str]) -> tuple[float, str]:
    """Seconds until two cold builds started at once have both finished, and their outputs."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*build[:-1], str(project / f"site-{n}")],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in (1, 2)
    ]
    outputs = [p.communicate(timeout=900)[0] for p in procs]
    seconds = time.perf_counter() - start
    for p, output in zip(procs, outputs, strict=True):
        if p.returncode != 0:
            sys.exit(f"concurrent cold build failed:\n{output}")
    return seconds, "\n".join(outputs)


def serve_latency(project: Path, env: dict[str, str], page: Path, runs: int) -> float:
    """`mkdocs serve`: seconds from saving a prose edit to the edit on screen (median): in
    Chromium, open on the page, reloaded by MkDocs' live reload. Without Chromium, to the page
    served with it (what a reload then fetches), said in the output."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    language = page.parent.name
    url = f"http://127.0.0.1:{port}{site_prefix(project)}/{language}/{page.stem}/"
    try:
        deadline = time.monotonic() + 300
        while "</html>" not in fetch(url):
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("mkdocs serve did not come up")
            time.sleep(0.2)
        if CHROMIUM.exists():
            return statistics.median(_shown_in_browser(url, page, runs))
        print(f"  ({CHROMIUM} not found: serve latency measured to the page served, not shown)")
        return statistics.median(_served(url, page, runs))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def _served(url: str, page: Path, runs: int) -> list[float]:
    times = []
    for i in range(runs):
        marker = f"served-edit-{i}"
        start = time.perf_counter()
        edit(page, "## ", f"## {marker} ")
        while marker not in fetch(url):
            if time.perf_counter() - start > 120:
                sys.exit("mkdocs serve did not show the edit within 120 s")
            time.sleep(0.05)
        times.append(time.perf_counter() - start)
        time.sleep(1.0)  # let the watcher settle before the next edit
    return times


def _shown_in_browser(url: str, page: Path, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        tab = browser.new_page()
        tab.goto(url)
        tab.wait_for_load_state("load")
        for i in range(runs):
            marker = f"shown-edit-{i}"
            start = time.perf_counter()
            edit(page, "## ", f"## {marker} ")
            tab.wait_for_function(
                "m => document.body && document.body.innerText.includes(m)",
                arg=marker,
                timeout=120_000,
                polling=20,
            )
            times.append(time.perf_counter() - start)
            tab.wait_for_load_state("load")
            time.sleep(1.0)  # let the watcher settle before the next edit
        browser.close()
    return times


def _keep(reports: dict[str, str], name: str, measured: tuple[float, str]) -> float:
    reports[name] = measured[1]
    return measured[0]


def measure_builds(project: Path, env: dict[str, str], runs: int):
    """The build measurements: {name: median seconds}, the floor's parts and build outputs."""
    build = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--site-dir",
        str(project / "site"),
    ]
    pages = sorted(
        str(p)
        for p in (project / "docs").rglob("*.md")
        if p.read_text().startswith("---\njupyter:")
    )
    first_en = project / "docs" / "en" / Path(pages[0]).name
    first_ko = project / "docs" / "ko" / Path(pages[0]).name
    cache = project / ".cache"
    reports: dict[str, str] = {}

    def measure(name, prepare: Callable[[int], None], cmd, extra_env=None) -> float:
        times = []
        for i in range(runs):
            prepare(i)
            seconds, output = timed(cmd, project, {**env, **(extra_env or {})})
            times.append(seconds)
            reports[name] = output
        return statistics.median(times)

    # Learning rates that keep every claim of the page true (tests/site/test_cache.py)
    rates = ["1e-6", "9e-7", "1.05e-6", "9.5e-7", "1.02e-6", "9.2e-7"]

    def code_edit(i: int) -> None:
        for p in (first_en, first_ko):
            old, new = rates[i % (len(rates) - 1)], rates[i % (len(rates) - 1) + 1]
            edit(p, f"learning_rate = {old}", f"learning_rate = {new}")

    def sinfit_edit(i: int) -> None:
        with (project / "sinfit" / "model.py").open("a") as f:
            f.write(f"\n# benchmark edit {i}\n")

    nothing = lambda i: None  # noqa: E731
    results = {
        "cold build": measure(
            "cold build", lambda i: shutil.rmtree(cache, ignore_errors=True), build
        ),
        "two cold builds at once": statistics.median(
            _keep(reports, "two cold builds at once", concurrent_cold(project, env, build))
            for _ in range(runs)
        ),
        "warm rebuild": measure("warm rebuild", nothing, build),
        "prose edit": measure("prose edit", lambda i: edit(first_ko, "## ", f"## {i} "), build),
        "code edit": measure("code edit", code_edit, build),
        "sinfit edit": measure("sinfit edit", sinfit_edit, build),
    }
    off = measure("execution off", nothing, build, {"SINFIT_EXECUTE": "0"})
    plain_project = plain_material(project, project.parent / "plain")
    plain_build = [*build[:-1], str(plain_project / "site")]
    timed(plain_build, plain_project, env)  # its first build fills mkdocstrings' caches
    results["plain Material (warm)"] = measure_in(plain_project, plain_build, env, runs)
    run_pages = measure("pages in one process", nothing, [sys.executable, "-c", RUN_PAGES, *pages])
    edited = str(first_en.relative_to(project / "docs"))
    return results, off, run_pages, reports, edited, first_ko


def plain_material(project: Path, dest: Path) -> Path:
    """A copy of ``project`` built as plain Markdown by Material: the tutorials without their
    jupytext header (so their code blocks are Markdown code blocks), mkdocs.yml without the
    mkdocs-jupyter plugin and without our hooks."""
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("site", ".cache"))
    for page in (dest / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if text.startswith("---\njupyter:"):
            page.write_text(text.split("\n---\n", 1)[1], encoding="utf-8")
    config = (dest / "mkdocs.yml").read_text(encoding="utf-8")
    lines, kept, skipping = config.splitlines(), [], False
    for line in lines:
        if line.startswith("  - mkdocs-jupyter:") or line == "hooks:":
            skipping = True
            continue
        # the plugin's options and comments, the hook list and its comments
        if skipping and line.startswith(("    ", "  #", "  - extensions/")):
            continue
        skipping = False
        kept.append(line)
    (dest / "mkdocs.yml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return dest


def measure_in(project: Path, cmd: list[str], env: dict[str, str], runs: int) -> float:
    return statistics.median(timed(cmd, project, env)[0] for _ in range(runs))


def _executed_once(both: str, one: str) -> bool:
    """The two builds together executed what one cold build executes, no page twice."""
    executed = sorted(r[0] for r in REPORT_ROW.findall(both) if r[2] == "executed")
    return executed == sorted(r[0] for r in REPORT_ROW.findall(one) if r[2] == "executed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sinfit-bench-") as tmp:
        # The copy in a folder of its own: the plain-Material copy goes beside it, inside tmp.
        project = Path(tmp) / "project"
        copy_project(project)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project)}
        results, off, run_pages, reports, edited, prose_page = measure_builds(
            project, env, args.runs
        )
        results["serve: prose edit shown"] = serve_latency(project, env, prose_page, args.runs)
    floor = off + run_pages

    print(f"\nBuild times on this machine (median of {args.runs}):")
    print(f"  {'execution off':<24}{off:7.2f} s")
    print(f"  {'pages in one process':<24}{run_pages:7.2f} s")
    print(f"  {'floor (sum)':<24}{floor:7.2f} s   1.00 x floor")
    for name, seconds in results.items():
        ratios = f"{seconds / floor:4.2f} x floor   {seconds / off:4.2f} x execution-off"
        print(f"  {name:<24}{seconds:7.2f} s   {ratios}")
    concurrent = results["two cold builds at once"] / results["cold build"]
    print(f"  {'two at once / one cold':<24}{concurrent:7.2f} x")

    executed_on_code_edit = [
        r for r in REPORT_ROW.findall(reports["code edit"]) if r[2] == "executed"
    ]
    checks = {
        "warm rebuild <= 1.2 x execution-off": results["warm rebuild"] <= 1.2 * off,
        "warm rebuild <= 1.5 x plain Material": results["warm rebuild"]
        <= 1.5 * results["plain Material (warm)"],
        "prose edit <= 1.2 x execution-off": results["prose edit"] <= 1.2 * off,
        "cold build <= 1.1 x floor": results["cold build"] <= 1.1 * floor,
        "two cold builds at once <= 1.3 x one cold build": concurrent <= 1.3,
        "two cold builds at once execute each page once": _executed_once(
            reports["two cold builds at once"], reports["cold build"]
        ),
        "code edit re-runs only the edited page, once": [r[0] for r in executed_on_code_edit]
        == [edited],
        "nothing executed on a warm rebuild": "executed"
        not in {r[2] for r in REPORT_ROW.findall(reports["warm rebuild"])},
        "serve shows a prose edit within 1.5 s": results["serve: prose edit shown"] <= 1.5,
    }
    print("\nTargets:")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
