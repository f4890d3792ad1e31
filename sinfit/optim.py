"""Train the cubic with PyTorch's optimizers, to compare them on one plot."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import matplotlib
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sinfit._checks import check_count, check_xy
from sinfit.errors import DivergenceError, SinfitError
from sinfit.loss import sum_squared_error
from sinfit.model import Cubic
from sinfit.plotting import FIT_COLOR, DisplayFigure

#: Builds an optimizer for the four weights, e.g. ``lambda p: torch.optim.Adam(p, lr=0.01)``.
OptimizerFactory = Callable[[list[torch.Tensor]], torch.optim.Optimizer]

#: The loss curves' colors, in order: the cubic's color first (a single curve is the cubic's
#: loss), and never the sine's green, which means sin(x) on every figure of the site.
LOSS_COLORS = (
    FIT_COLOR,
    "tab:blue",
    "tab:purple",
    "tab:red",
    "tab:brown",
    "tab:pink",
    "tab:gray",
    "tab:olive",
    "tab:cyan",
)

#: Text sizes (points) for a figure 5.6 inches wide that stays readable at a phone's 318 px.
_PHONE_TEXT = {
    "font.size": 14,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
}


def train_with(
    x: torch.Tensor,
    y: torch.Tensor,
    start: Cubic,
    make_optimizer: OptimizerFactory,
    *,
    epochs: int,
) -> list[float]:
    """The loss at t = 0, 1, ..., epochs - 1: ``losses[t]`` is the loss after ``t`` calls of
    ``optimizer.step``, the one that call ``t + 1`` starts from (LBFGS included: it gets a
    closure, and returns the loss its first pass measured).

    Raises:
        DivergenceError: the loss became inf or NaN; its ``epoch`` is ``t + 1``.
    """
    check_xy(x, y)
    check_count("epochs", epochs, 1)
    weights = [t.requires_grad_() for t in start.to_tensors(dtype=x.dtype)]
    optimizer = make_optimizer(weights)
    a, b, c, d = weights

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = sum_squared_error(a + b * x + c * x**2 + d * x**3, y)
        loss.backward()
        return loss

    losses: list[float] = []
    for t in range(epochs):
        loss = optimizer.step(closure)  # the loss at t, then one update
        value = float(loss.detach())
        if not math.isfinite(value):
            raise DivergenceError(t + 1, value, optimizer.defaults.get("lr", math.nan))
        losses.append(value)
    return losses


def compare_optimizers(
    x: torch.Tensor,
    y: torch.Tensor,
    start: Cubic,
    optimizers: Mapping[str, OptimizerFactory],
    *,
    epochs: int,
) -> dict[str, list[float]]:
    """The loss curve of each optimizer, all from the same start."""
    if not optimizers:
        raise SinfitError("optimizers must name at least one optimizer")
    return {name: train_with(x, y, start, make, epochs=epochs) for name, make in optimizers.items()}


def plot_losses(
    curves: Mapping[str, list[float]],
    *,
    floor: float | None = None,
    colors: tuple[str, ...] = LOSS_COLORS,
) -> Figure:
    """Loss L against t on a log scale, one line per curve, the optimum L* as a dashed floor.

    ``losses[k]`` is drawn at t = k: the first point, t = 0, is the start, as on every page
    (``FitResult.losses`` and :func:`train_with` give the loss at t = 0, 1, ...). Each key is
    its curve's legend label; write a learning rate in it with :func:`sinfit.rate_label`.
    The axes carry symbols, not words, so that one picture serves every language.
    """
    if not curves:
        raise SinfitError("curves must name at least one loss curve")
    if not colors:
        raise SinfitError("colors must name at least one color")
    # drawn to be read on a phone too: a narrower figure with large text, the legend below the
    # axes in two columns, so that it covers none of the curves
    with matplotlib.rc_context(_PHONE_TEXT):
        fig = DisplayFigure(figsize=(5.6, 4.4), layout="constrained")
        ax = fig.add_subplot()
        for k, (name, losses) in enumerate(curves.items()):
            color = colors[k % len(colors)]
            ax.plot(range(len(losses)), losses, label=name, color=color, linewidth=2.2)
        if floor is not None:
            ax.axhline(floor, color="black", linestyle="--", linewidth=1.2, label="L*")
        ax.set_yscale("log")
        ax.set_xlabel("t")
        ax.set_ylabel("L")
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True, steps=[1, 2, 5, 10]))
        ax.grid(True, which="both", alpha=0.3)
        entries = len(curves) + (floor is not None)
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=min(2, entries), frameon=False
        )
    return fig
