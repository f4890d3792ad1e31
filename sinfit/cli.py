"""``python -m sinfit`` / ``sinfit``: run the lesson's experiment from a terminal.

Every argument is checked before any work (:func:`check_args`): a bad one is a one-line
``sinfit: error: ...`` on stderr and exit status 2, with nothing trained, printed or written.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from sinfit.basis import design_matrix, stability_bound
from sinfit.data import DEFAULT_POINTS, sine_data
from sinfit.errors import SinfitError
from sinfit.model import random_cubic
from sinfit.plotting import plot_comparison
from sinfit.train import DEFAULT_EPOCHS, DEFAULT_LR, closed_form, fit_manual

FIGURE_SUFFIXES = (".png", ".svg")
#: A cubic has 4 coefficients: with fewer points the closed-form fit (the comparison the run
#: prints) has no unique answer.
MIN_POINTS = 4


class _Parser(argparse.ArgumentParser):
    """argparse's own complaints (``--epochs abc``) become one line, like every other error."""

    def error(self, message: str) -> NoReturn:
        raise SinfitError(f"{message} (see sinfit --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    """A figure path must end in .png or .svg and lie in an existing, writable folder."""
    if out.suffix.lower() not in FIGURE_SUFFIXES:
        raise SinfitError(f"--out must end in .png or .svg, got {str(out)!r}")
    if not out.parent.is_dir():
        raise SinfitError(f"--out: folder {str(out.parent)!r} does not exist")
    if out.is_dir():
        raise SinfitError(f"--out: {str(out)!r} is a folder")
    if not os.access(out.parent, os.W_OK):
        raise SinfitError(f"--out: folder {str(out.parent)!r} is not writable")


def check_args(args: argparse.Namespace) -> None:
    """Refuse bad input before any work: nothing is trained, printed or written after this fails.

    Raises:
        SinfitError: the message names the option and what is wrong with its value.
    """
    if args.points < MIN_POINTS:
        raise SinfitError(
            f"--points must be >= {MIN_POINTS} (a cubic has 4 coefficients), got {args.points}"
        )
    for flag, value, minimum in (
        ("--epochs", args.epochs, 0),
        ("--log-every", args.log_every, 1),
        ("--seed", args.seed, 0),
    ):
        if value < minimum:
            raise SinfitError(f"{flag} must be >= {minimum}, got {value}")
    if not math.isfinite(args.lr) or args.lr <= 0:
        raise SinfitError(f"--lr must be finite and > 0, got {args.lr:g}")
    # Gradient descent on this quadratic loss multiplies the error along the direction of
    # largest curvature lambda_max by (1 - lr * lambda_max) each epoch: that shrinks only while
    # lr < 2 / lambda_max. Above it the run can only blow up, so refuse it now.
    x, _ = sine_data(points=args.points)
    bound = stability_bound(design_matrix(x))
    if args.lr >= bound:
        raise SinfitError(
            f"--lr {args.lr:g} would make gradient descent diverge: for {args.points} points "
            f"it must be below {bound:.3g} (2 / the largest curvature of the loss)"
        )
    if args.out is not None:
        _check_out(args.out)


def _save_atomically(fig, out: Path) -> None:
    """Write to a temporary file beside ``out``, then rename: never a half-written figure.

    The temporary file is created like any new file (0o666 less the umask; ``mkstemp`` would
    make it 0o600, and the rename would keep that), so the figure is readable as usual.
    """
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    created = False
    try:
        with open(tmp, "xb") as fh:
            created = True
            fig.savefig(fh, format=out.suffix.lower().lstrip("."), dpi=100)
        os.replace(tmp, out)
    except BaseException:
        if created:
            tmp.unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> None:
    """Check every argument, then train, print the log and write the figure."""
    check_args(args)
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
    """The command: 0 on success, 2 on bad input, 1 when the figure cannot be written."""
    try:
        args = build_parser().parse_args(argv)
        run(args)
    except SinfitError as err:
        print(f"sinfit: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # the disk, not the input: full, or the folder went away meanwhile
        print(
            f"sinfit: error: cannot write {err.filename or 'the figure'}: {err.strerror or err}",
            file=sys.stderr,
        )
        return 1
    return 0
