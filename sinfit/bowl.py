"""Pictures of the loss bowl: its contours with gradient-descent paths, and loss curves clipped
where a diverging run leaves them.

The loss L(w) = ||X w - y||^2 of a linear model is a quadratic bowl in the weights w. Over two
of the weights, with the others held fixed, its level sets are ellipses; a path of gradient
descent drawn on them shows what the curvatures do: a step crosses the narrow valley, and
hardly moves along it. Like every figure of the site, these carry symbols, not words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from sinfit.errors import SinfitError
from sinfit.optim import LOSS_COLORS
from sinfit.plotting import PHONE_WIDTH, DisplayFigure

#: The weights' names, in the order of the design matrix's columns 1, x, x², x³.
NAMES = ("a", "b", "c", "d")


def loss_above_floor(
    design: torch.Tensor, best: torch.Tensor, weights: torch.Tensor
) -> torch.Tensor:
    """L(w) - L(best) for each row w of ``weights``, where ``best`` minimises L = ||X w - y||².

    Written as ||X (w - best)||², which it equals at the least-squares minimum (the residual
    there is orthogonal to X's columns), rather than as the difference of two large losses:
    near the minimum that difference is rounding noise, of either sign, whose contours draw
    small loops that move from one run of the same code to the next."""
    return ((weights - best) @ design.T).pow(2).sum(1)


def plot_bowl(
    design: torch.Tensor,
    y: torch.Tensor,
    best: torch.Tensor,
    paths: Mapping[str, torch.Tensor],
    *,
    pair: tuple[int, int] = (1, 3),
    marked: int = 30,
) -> Figure:
    """Contours of L over the weights ``pair`` (b and d by default), the other weights at
    ``best``, and each of ``paths`` (label to weights at t = 0, 1, ..., one row per step) drawn
    over them: a line through every step and a dot at each of the first ``marked``. The first path
    is drawn bold and on top, the later ones thin and pale, so that a zig-zagging path cannot
    hide it.

    The contours are L - L(best) at powers of 10 (so equal spacing means ten times the loss).
    A path's other weights need not be at ``best``: when they do not interact with ``pair``
    (here, on points symmetric about 0, the odd columns x, x³ are orthogonal to 1, x²), the
    path is gradient descent on exactly these contours.
    """
    if design.dim() != 2 or best.shape != (design.shape[1],):
        raise SinfitError(
            f"design must be (n, k) and best (k,), got {tuple(design.shape)} and "
            f"{tuple(best.shape)}"
        )
    if not paths:
        raise SinfitError("paths must name at least one path")
    i, j = pair
    X, y64 = design.double(), y.double()
    # best to 12 significant digits: LAPACK's least squares can differ in the last bits from one
    # run of the same code to the next, and a contour that grazes a grid point would come and go
    w_best = torch.tensor([float(f"{v:.12g}") for v in best.tolist()], dtype=torch.float64)
    # the contours are drawn from the minimum's property (loss_above_floor): check it holds
    slope, scale = X.T @ (X @ w_best - y64), X.abs().T @ (X @ w_best).abs() + X.abs().T @ y64.abs()
    if (slope.abs() > 1e-6 * scale).any():
        raise SinfitError(
            "best must be the least-squares weights of design and y (torch.linalg.lstsq), "
            f"where the gradient X^T (X best - y) is 0; it is {slope.tolist()}"
        )
    points = torch.cat([p.double()[:, [i, j]] for p in paths.values()])
    lo, hi = points.min(0).values, points.max(0).values
    lo = torch.minimum(lo, w_best[[i, j]])
    hi = torch.maximum(hi, w_best[[i, j]])
    pad = 0.08 * (hi - lo)
    u = torch.linspace(float(lo[0] - pad[0]), float(hi[0] + pad[0]), 241, dtype=torch.float64)
    v = torch.linspace(float(lo[1] - pad[1]), float(hi[1] + pad[1]), 241, dtype=torch.float64)
    U, V = torch.meshgrid(u, v, indexing="xy")
    w = w_best.repeat(U.numel(), 1)
    w[:, i], w[:, j] = U.reshape(-1), V.reshape(-1)
    above = loss_above_floor(X, w_best, w).reshape(U.shape).clamp_min(1e-12)
    # 5.6 in wide with 13-15 pt text: readable at phone width
    fig = DisplayFigure(figsize=(PHONE_WIDTH, 4.6), layout="constrained")
    ax = fig.add_subplot()
    top = math.floor(math.log10(above.max().item()))
    levels = [10.0**p for p in range(top - 6, top + 1)]
    contours = ax.contour(
        U.numpy(), V.numpy(), above.numpy(), levels=levels, colors="0.35", linewidths=1.0
    )
    # only the two outer lines labeled, in large type: readable on a phone, clear of the star
    ax.clabel(contours, levels=levels[-2:], fmt=_power_of_ten, fontsize=14)
    colors = LOSS_COLORS  # as :func:`sinfit.plot_losses` draws the same runs' losses
    for n, ((label, path), color) in enumerate(zip(paths.items(), colors, strict=False)):
        p = path.double()[:, [i, j]].numpy()
        z = 2 + len(paths) - n  # the first path on top: the later ones zig-zag over it
        # the first path bold; a later one thin and pale, so that its zig-zag, a thousand
        # crossings of the valley, does not hide the first at phone width
        width, alpha, dot = (2.0, 1.0, 4.0) if n == 0 else (0.5, 0.55, 3.0)
        ax.plot(p[:, 0], p[:, 1], color=color, linewidth=width, alpha=alpha, zorder=z)
        ax.plot(
            p[:marked, 0], p[:marked, 1], "o", color=color, markersize=dot, zorder=z, label=label
        )
    start = next(iter(paths.values())).double()[0]
    ax.plot(
        float(start[i]), float(start[j]), "s", color="black", markersize=6, zorder=9, label="t = 0"
    )
    ax.plot(
        float(w_best[i]), float(w_best[j]), "*", color="black", markersize=13, zorder=9, label="w*"
    )
    ax.set_xlabel(NAMES[i] if i < len(NAMES) else f"w{i}", fontsize=15)
    ax.set_ylabel(NAMES[j] if j < len(NAMES) else f"w{j}", fontsize=15)
    ax.tick_params(labelsize=13)
    ax.locator_params(nbins=5)
    ax.legend(loc="upper right", fontsize=13, markerscale=1.4)
    return fig


def _power_of_ten(value: float) -> str:
    exponent = round(math.log10(value))
    return f"10{str(exponent).translate(str.maketrans('-0123456789', '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'))}"


def clip_losses(fig: Figure, top: float, *, log_steps: bool = False) -> Figure:
    """A loss figure (one axes, e.g. :func:`sinfit.plot_losses`'s) cut at L = ``top``; each
    curve that goes past it is marked, beside the point where it leaves, with an arrow and the
    first t at which it is above ``top``. With ``log_steps`` the t axis is linear from 0 to 1
    and logarithmic beyond (ticks 0, 1, 10, ...), so that the first steps show."""
    if not (isinstance(top, (int, float)) and top > 0):
        raise SinfitError(f"top must be a positive number, got {top!r}")
    (ax,) = fig.axes
    shown = [
        y
        for line in ax.get_lines()
        for y in np.asarray(line.get_ydata(), dtype=float)
        if 0 < y <= top
    ]
    bottom = min(shown) / 3 if shown else ax.get_ylim()[0]
    for line in list(ax.get_lines()):
        xs = np.asarray(line.get_xdata(), dtype=float)
        ys = np.asarray(line.get_ydata(), dtype=float)
        over = np.flatnonzero(~(ys <= top))  # NaN and inf count as over
        if len(xs) < 2 or len(over) == 0:
            continue
        t = xs[over[0]]
        ax.annotate(
            f"↑ t = {t:g}",
            xy=(t, top),
            xytext=(14, -18),
            textcoords="offset points",
            ha="left",
            va="center",
            color=line.get_color(),
            fontsize=14,
        )
    ax.set_ylim(bottom, top)
    if log_steps:
        last = max((float(np.nanmax(line.get_xdata())) for line in ax.get_lines()), default=1.0)
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(0, last)
        ax.set_xticks([0, *(10**p for p in range(math.floor(math.log10(max(last, 1))) + 1))])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter("{x:g}")
    return fig
