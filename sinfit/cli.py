"""``python -m sinfit`` / ``sinfit``: run the lesson's experiment from a terminal."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sinfit.data import DEFAULT_POINTS, sine_data
from sinfit.errors import SinfitError
from sinfit.model import random_cubic
from sinfit.plotting import plot_comparison
from sinfit.train import DEFAULT_EPOCHS, DEFAULT_LR, closed_form, fit_manual

FIGURE_SUFFIXES = (".png", ".svg")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sinfit",
        description="Fit a cubic to sin(x) by gradient descent with hand-written gradients.",
    )
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS, help="default: %(default)s")
    parser.add_argument(
        "--lr", type=float, default=DEFAULT_LR, help="learning rate (default: %(default)g)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the random start (default: %(default)s)"
    )
    parser.add_argument(
        "--points",
        type=int,
        default=DEFAULT_POINTS,
        help="sample points on [-pi, pi] (default: %(default)s)",
    )
    parser.add_argument(
        "--log-every",
        type=int,
        default=100,
        help="print the loss every N epochs (default: %(default)s)",
    )
    parser.add_argument(
        "--out", type=Path, help="write the comparison figure to this .png or .svg file"
    )
    return parser


def _check_out(out: Path) -> None:
    """Refuse a bad output path before any work is done."""
    if out.suffix.lower() not in FIGURE_SUFFIXES:
        raise SinfitError(f"--out must end in .png or .svg, got {str(out)!r}")
    if not out.parent.is_dir():
        raise SinfitError(f"--out: folder {str(out.parent)!r} does not exist")
    if out.is_dir():
        raise SinfitError(f"--out: {str(out)!r} is a folder")


def _save_atomically(fig, out: Path) -> None:
    """Write to a temporary file beside ``out``, then rename: never a half-written figure."""
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=out.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fig.savefig(fh, format=out.suffix.lower().lstrip("."), dpi=100)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> None:
    if args.out is not None:
        _check_out(args.out)
    x, y = sine_data(points=args.points)
    start = random_cubic(args.seed)
    print(f"start: {start.formula()}")
    result = fit_manual(x, y, start, lr=args.lr, epochs=args.epochs, log_every=args.log_every)
    print(f"fitted: {result.cubic.formula()}")
    best = closed_form(x, y).loss(x, y)
    print(f"loss {result.cubic.loss(x, y):.2f}; the best any cubic can do here: {best:.2f}")
    if args.out is not None:
        fig = plot_comparison(
            x, {"sin(x)": y, "fitted cubic": result.cubic(x), "random cubic": start(x)}
        )
        _save_atomically(fig, args.out)
        print(f"wrote {args.out}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        run(args)
    except SinfitError as err:
        print(f"sinfit: error: {err}", file=sys.stderr)
        return 2
    return 0
