"""Lighthouse on every page of every language, served the plain way: no compression.

Run with ``make bench-pages`` (it installs Lighthouse 12 from benchmarks/lighthouse/ first), or
``python benchmarks/pages.py [--site DIR] [--pages PATH ...]``. It builds the site into a
temporary folder (unless ``--site`` names a built one), serves it on 127.0.0.1 without
compression, runs Lighthouse's mobile preset in Debian's Chromium (``CHROME_PATH``, default
/usr/bin/chromium) on each page, and prints a table: the four category scores, first contentful
paint, largest contentful paint, total blocking time, and the bytes the visit loads in all (what
waits for the load event included). Each page runs ``--runs`` times (default 3) and the table
shows each column's median, with the lowest and highest performance score beside it: on a
busy machine one run moves by several points (Lighthouse scales the CPU time it sees by
four). Exits 1 if a page's median scores under the targets: performance 95, accessibility,
best practices and SEO 100.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from extensions.sitebuild.project import languages, tutorial_pages  # noqa: E402
from extensions.sitebuild.serve import serve  # noqa: E402

LIGHTHOUSE = ROOT / "benchmarks" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run"
)


def page_paths() -> list[str]:
    """Every page of the site: each language's home and tutorials."""
    paths = []
    for n, language in enumerate(languages()):
        prefix = "/" if n == 0 else f"/{language}/"
        paths.append(prefix)
        paths += [f"{prefix}{page.stem}/" for page in tutorial_pages(language)]
    return paths


def build(site: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stdout}\n{proc.stderr}")


def lighthouse(url: str, profile: Path) -> dict:
    proc = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
    )
    if proc.returncode != 0:
        sys.exit(f"lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def row(report: dict) -> dict[str, float]:
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    audits = report["audits"]
    scores["fcp_s"] = audits["first-contentful-paint"]["numericValue"] / 1000
    scores["lcp_s"] = audits["largest-contentful-paint"]["numericValue"] / 1000
    scores["tbt_ms"] = audits["total-blocking-time"]["numericValue"]
    scores["kib"] = audits["total-byte-weight"]["numericValue"] / 1024
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--pages", nargs="*", help="paths below the site's root (default: all)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page, medians shown")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, not {args.runs}")
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} not found: run `make bench-pages` (it runs npm ci there)")
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            build(site)
        results = {}
        with serve(site) as base:
            for path in args.pages or page_paths():
                runs = [
                    row(lighthouse(base + path, Path(tmp) / f"profile-{n}"))
                    for n in range(args.runs)
                ]
                results[path] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                perf = [r["performance"] for r in runs]
                results[path]["range"] = f"{min(perf)}-{max(perf)}"
    width = max(len(p) for p in results)
    print(f"medians of {args.runs} run(s) a page")
    print(f"{'page':<{width}}  perf  (range)  a11y  best   seo   FCP s   LCP s  TBT ms  KiB in all")
    failed = []
    for path, r in results.items():
        print(
            f"{path:<{width}}  {r['performance']:4g}  {r['range']:>7}  {r['accessibility']:4g}  "
            f"{r['best-practices']:4g}  {r['seo']:4g}  {r['fcp_s']:6.2f}  {r['lcp_s']:6.2f}  "
            f"{r['tbt_ms']:6.0f}  {r['kib']:10.0f}"
        )
        failed += [f"{path}: {c} {r[c]} < {t}" for c, t in TARGETS.items() if r[c] < t]
    print("\nTargets: performance >= 95; accessibility, best practices, SEO = 100")
    for line in failed:
        print("  MISSED", line)
    print("all met" if not failed else f"{len(failed)} missed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
