"""Figures for the lesson, built without pyplot.

Each helper makes a :class:`matplotlib.figure.Figure` directly instead of going
through ``pyplot``: no global "current figure", nothing left open between calls,
and it works the same under any backend, headless included. In Jupyter the
returned Figure displays itself when it is the last expression of a cell (and
only then: nothing is shown twice), because it carries its own ``_repr_svg_``.
"""

from __future__ import annotations

import io

import matplotlib
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sinfit._checks import check_xy
from sinfit.errors import SinfitError

#: One curve, drawn to be read on a phone too: 5.6 inches wide with the text of ``_PHONE_TEXT``.
CURVE_SIZE = (5.6, 3.8)
COMPARISON_SIZE = (12.0, 3.8)
#: Panels in columns (``plot_comparison(..., columns=1 or 2)``) are drawn to be read on a phone:
#: 5.6 inches wide, each row this tall, with the text of ``_PHONE_TEXT``.
PHONE_WIDTH = 5.6
PANEL_HEIGHT = 2.6
_PHONE_TEXT = {
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
}
# One color for sin(x) and one for the cubic ŷ, on every figure of the site, so that a reader
# who has learned them on one page reads every other page's figures at a glance.
#: The color of sin(x), the target, on every figure of the site.
SINE_COLOR = "tab:green"
#: The color of the fitted cubic ŷ on every figure of the site.
FIT_COLOR = "tab:orange"
_COMMAND_LINE_COLORS = (SINE_COLOR, FIT_COLOR, "tab:red", "tab:purple")


TIMES = "\u00d7"  # the multiplication sign, written by code point (it looks like an x)
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def rate_label(lr: float, digits: int = 2) -> str:
    """A learning rate as the site writes it in prose, legends and the explorer:
    ``rate_label(7.1e-6)`` is ``"7.1×10⁻⁶"``.

    ``digits`` significant digits, trailing zeros dropped; a mantissa of 1 is left out
    (``10⁻⁶``). Rates from 0.001 up are plain decimals (Adam's ``0.1``), as they are usually
    written.
    """  # noqa: RUF002 (the times sign is what the function writes)
    # One way for every page: Python's 1e-06 (:g) and 7.10e-07 (:.2e) read as code, and mixing
    # them with 10⁻⁶ in prose made one number look like several.
    if not (isinstance(lr, (int, float)) and lr > 0 and lr < float("inf")):
        raise SinfitError(f"a learning rate must be a positive finite number, got {lr!r}")
    if lr >= 1e-3:
        return f"{lr:.{max(digits, 1)}g}"
    mantissa, exponent = f"{lr:.{max(digits, 1) - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    power = f"10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    return power if mantissa == "1" else f"{mantissa}{TIMES}{power}"


class DisplayFigure(Figure):
    """A Figure that Jupyter shows as an SVG, with or without pyplot imported.

    Make one as a matplotlib Figure (``DisplayFigure(figsize=(6, 4))``, then
    ``fig.add_subplot()``) and end a cell with it. The same figure always gives the same SVG.
    """

    # IPython shows a plain Figure as an image only after pyplot has switched on the inline
    # backend; this one renders itself. SVG rather than PNG: for line plots it is smaller than
    # a PNG sharp on high-density screens, and sharp at any zoom. Reproducible: no date in the
    # metadata and a fixed salt for the ids.

    def _repr_svg_(self) -> str:
        buf = io.StringIO()
        with matplotlib.rc_context({"svg.hashsalt": "sinfit"}):
            self.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()


def _to_numpy(t: torch.Tensor):
    return t.detach().cpu().numpy()


def _draw(
    ax: Axes,
    x: torch.Tensor,
    y: torch.Tensor,
    title: str | None,
    color: str,
    linestyle: str = "-",
) -> None:
    check_xy(x, y)
    ax.plot(_to_numpy(x), _to_numpy(y), color=color, linewidth=2, linestyle=linestyle)
    if title:
        ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(True, alpha=0.3)


def _crossing(x0: float, y0: float, x1: float, y1: float, edge: float) -> float:
    """Where the straight piece from (x0, y0) to (x1, y1) crosses y = edge."""
    return x0 + (x1 - x0) * (edge - y0) / (y1 - y0)


def _mark_clipped(
    ax: Axes, x: torch.Tensor, y: torch.Tensor, ylim: tuple[float, float], color: str
):
    """A small triangle on the frame, pointing out, where y leaves ``ylim`` (and where it comes
    back in): at the point where the curve crosses the frame, so the triangle sits on the curve.

    A clipped curve would otherwise look as if it ended at the frame; the triangle says it goes
    on (the caption says in words where the range is cut). A curve that lies outside over the
    whole of x is marked once, over the middle of x."""
    low, high = ylim
    xs, ys = x.detach().cpu().tolist(), y.detach().cpu().tolist()
    last = len(ys) - 1
    for side, edge, marker in ((-1, low, "v"), (1, high, "^")):
        outside = [side * (v - edge) > 0 for v in ys]
        marks = []
        for i in range(len(ys)):
            if i > 0 and outside[i] != outside[i - 1]:
                marks.append(_crossing(xs[i - 1], ys[i - 1], xs[i], ys[i], edge))
        if not marks and outside and all(outside):
            marks.append((xs[0] + xs[last]) / 2)
        if marks:
            ax.plot(
                marks,
                [edge] * len(marks),
                marker=marker,
                color=color,
                markersize=9,
                linestyle="none",
                clip_on=False,
                zorder=5,
            )


def plot_curve(
    x: torch.Tensor, y: torch.Tensor, *, title: str | None = None, color: str = FIT_COLOR
) -> Figure:
    """One curve y(x) on a figure of its own, by default in the cubic's color.

    Without a title the figure holds no words, only x, y and numbers: the same picture serves
    a page in any language, whose caption says what it shows.
    """
    with matplotlib.rc_context(_PHONE_TEXT):
        fig = DisplayFigure(figsize=CURVE_SIZE, layout="constrained")
        _draw(fig.add_subplot(), x, y, title, color)
    return fig


def plot_comparison(
    x: torch.Tensor,
    curves: dict[str, torch.Tensor],
    *,
    colors: tuple[str, ...] | None = None,
    share_y: bool = False,
    target: torch.Tensor | None = None,
    ylim: tuple[float, float] | None = None,
    columns: int | None = None,
) -> Figure:
    """Several curves over the same x, one panel each, left to right (then top to bottom).

    ``curves`` maps each panel's title to its y values, in the order shown, e.g.
    ``{"t = 0": y_random, "t = 1000": y_fit, "sin(x)": y}``.

    ``target`` (sin(x)) is drawn dashed in the sine's color in every panel, behind the panel's
    own curve, so that each curve is read against it; a panel whose curve *is* the target (the
    same tensor) shows the target alone. With a target the curves are drawn in the fit's color,
    without one in ``colors`` (default green, orange, red, purple, the order in which
    ``python -m sinfit`` draws sin(x), the fitted and the random cubic).

    The panels share x, and y with ``share_y`` or ``ylim``: a random cubic spans tens of units
    where sin(x) spans one, so a shared axis over everything flattens the sine to a line, but
    panels are compared by their heights, which only a shared axis shows. ``ylim`` fixes the
    shared range and marks with a triangle on the frame each stretch where a curve leaves it.
    ``columns`` panels per row (default: all in one row, 12 inches wide, for a desktop). With
    ``columns`` the figure is drawn to be read on a phone as well: narrow, with large text and
    few ticks (two columns at most for that; more are drawn wider).
    """
    if not curves:
        raise SinfitError("curves must name at least one curve to plot")
    if colors is None:
        colors = (FIT_COLOR,) * len(curves) if target is not None else _COMMAND_LINE_COLORS
    if len(curves) > len(colors):
        raise SinfitError(f"at most {len(colors)} curves, got {len(curves)}")
    if ylim is not None and not (len(ylim) == 2 and ylim[0] < ylim[1]):
        raise SinfitError(f"ylim must be (low, high) with low < high, got {ylim!r}")
    if columns is not None and (
        isinstance(columns, bool) or not isinstance(columns, int) or columns < 1
    ):
        raise SinfitError(f"columns must be a positive integer, got {columns!r}")
    if target is not None:
        check_xy(x, target)
    if columns is None:  # one row, as wide as a desktop column
        return _comparison(x, curves, colors, share_y, target, ylim, len(curves), phone=False)
    with matplotlib.rc_context(_PHONE_TEXT):
        return _comparison(x, curves, colors, share_y, target, ylim, columns, phone=True)


def _comparison(
    x: torch.Tensor,
    curves: dict[str, torch.Tensor],
    colors: tuple[str, ...],
    share_y: bool,
    target: torch.Tensor | None,
    ylim: tuple[float, float] | None,
    columns: int,
    *,
    phone: bool,
) -> Figure:
    """The figure of :func:`plot_comparison`. On a phone a figure shrinks to about 318 px wide;
    drawn for one (``phone``) it is narrow and tall in inches, so that with 13-15 pt text its
    labels come out at about 10-11 px there, and its axes carry few ticks."""
    cols = min(columns, len(curves))
    rows = -(-len(curves) // cols)
    size = COMPARISON_SIZE
    if phone:
        width = PHONE_WIDTH if cols <= 2 else min(4.0 * cols, COMPARISON_SIZE[0])
        size = (width, PANEL_HEIGHT * rows)
    fig = DisplayFigure(figsize=size, layout="constrained")
    grid = fig.subplots(rows, cols, sharex=True, sharey=share_y or ylim is not None, squeeze=False)
    axes = [ax for row in grid for ax in row]
    for ax in axes[len(curves) :]:
        ax.set_visible(False)
    for ax, (title, y), color in zip(axes, curves.items(), colors, strict=False):
        if target is not None:
            _draw(ax, x, target, title, SINE_COLOR, linestyle="--")
        if y is not target:
            _draw(ax, x, y, title, color)
            if ylim is not None:
                _mark_clipped(ax, x, y, ylim, color)
        if ylim is not None:
            ax.set_ylim(*ylim)
    if rows > 1:
        for ax in axes:
            ax.label_outer()  # x labeled under the bottom row only, y left of the first column
    if phone:  # few ticks: at phone width more would run into each other
        for ax in axes:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
    return fig
