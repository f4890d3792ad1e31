"""Build-time benchmark: how close the cached, executing build comes to the floor.

Run with ``make bench`` (or ``python benchmarks/build_times.py --runs 5``). It works on a copy of
the project in a temporary folder, so nothing here is touched, and measures on this machine:

* cold build: no execution cache;
* warm rebuild: nothing changed;
* prose edit: one Korean sentence changed;
* code edit: one code cell changed, identically in both languages;
* sinfit edit: a comment added to the library;
* floor: the same build with execution off, plus one run of every distinct page's code in a
  single Python process (what the pages cost without Jupyter at all).

Each time is the median of ``--runs`` runs. It prints each time with its ratio to the floor (and
to the execution-off build), checks the targets, and exits 1 if one is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from extensions.sitebuild.execution import REPORT_ROW  # noqa: E402
from extensions.sitebuild.project import copy_project  # noqa: E402 - what the tests build too

RUN_PAGES = """
import sys, time, matplotlib
matplotlib.use("Agg")
import jupytext
seen = set()
for path in sys.argv[1:]:
    code = [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]
    if tuple(code) in seen:
        continue
    seen.add(tuple(code))
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sinfit-bench-") as tmp:
        project = Path(tmp)
        copy_project(project)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project)}
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

        def measure(
            name: str,
            prepare: Callable[[int], None],
            cmd: list[str],
            extra_env: dict[str, str] | None = None,
        ) -> float:
            times = []
            for i in range(args.runs):
                prepare(i)
                seconds, output = timed(cmd, project, {**env, **(extra_env or {})})
                times.append(seconds)
                reports[name] = output
            return statistics.median(times)

        nothing = lambda i: None  # noqa: E731
        results: dict[str, float] = {}
        results["cold build"] = measure(
            "cold build", lambda i: shutil.rmtree(cache, ignore_errors=True), build
        )
        results["warm rebuild"] = measure("warm rebuild", nothing, build)
        results["prose edit"] = measure(
            "prose edit", lambda i: edit(first_ko, "## ", f"## {i} "), build
        )
        results["code edit"] = measure(
            "code edit",
            lambda i: (
                [
                    edit(p, "learning_rate = 1e-6", f"learning_rate = 1e-6  # run {i}")
                    for p in (first_en, first_ko)
                ]
                if i == 0
                else [edit(p, f"# run {i - 1}", f"# run {i}") for p in (first_en, first_ko)]
            ),
            build,
        )
        results["sinfit edit"] = measure(
            "sinfit edit",
            lambda i: (
                (project / "sinfit" / "model.py").open("a").write(f"\n# benchmark edit {i}\n")
            ),
            build,
        )
        off = measure("execution off", nothing, build, {"SINFIT_EXECUTE": "0"})
        run_pages = measure(
            "pages in one process", nothing, [sys.executable, "-c", RUN_PAGES, *pages]
        )
        floor = off + run_pages

    print(f"\nBuild times on this machine (median of {args.runs}; {len(pages)} tutorial pages):")
    print(f"  {'execution off':<22}{off:7.2f} s")
    print(f"  {'pages in one process':<22}{run_pages:7.2f} s")
    print(f"  {'floor (sum)':<22}{floor:7.2f} s   1.00 x floor")
    for name, seconds in results.items():
        ratios = f"{seconds / floor:4.2f} x floor   {seconds / off:4.2f} x execution-off"
        print(f"  {name:<22}{seconds:7.2f} s   {ratios}")

    code_rows = REPORT_ROW.findall(reports["code edit"])
    executed_on_code_edit = [row for row in code_rows if row[2] == "executed"]
    checks = {
        "warm rebuild <= 1.2 x execution-off": results["warm rebuild"] <= 1.2 * off,
        "prose edit <= 1.2 x execution-off": results["prose edit"] <= 1.2 * off,
        "cold build <= 1.5 x floor": results["cold build"] <= 1.5 * floor,
        "code edit re-runs only the edited page, once": [r[0] for r in executed_on_code_edit]
        == [str(first_en.relative_to(project / "docs"))],
        "nothing executed on a warm rebuild": "executed"
        not in {r[2] for r in REPORT_ROW.findall(reports["warm rebuild"])},
    }
    print("\nTargets:")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
