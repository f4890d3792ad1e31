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

from sinfit._checks import check_xy
from sinfit.errors import SinfitError

#: A full-width, readable figure: about 6.4 x 4 inches, like matplotlib's default.
CURVE_SIZE = (6.4, 4.0)
COMPARISON_SIZE = (12.0, 3.8)
#: One colour for sin(x) and one for the cubic ŷ, on every figure of the site, so that a reader
#: who has learned them on one page reads every other page's figures at a glance.
SINE_COLOR = "tab:green"
FIT_COLOR = "tab:orange"


TIMES = "\u00d7"  # the multiplication sign, written by code point (it looks like an x)
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def rate_label(lr: float, digits: int = 2) -> str:
    """A learning rate as the site writes it in prose, legends and the explorer: 7.1 times 10⁻⁶.

    One way for every page: Python's ``1e-06`` (``:g``) and ``7.10e-07`` (``:.2e``) read as code,
    and mixing them with ``10⁻⁶`` in prose made one number look like several. ``digits``
    significant digits, trailing zeros dropped; a mantissa of 1 is left out (``10⁻⁶``). Rates
    from 0.001 up are plain decimals (Adam's ``0.1``), as they are usually written.
    """
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

    IPython shows a plain Figure as an image only after pyplot has switched on the
    inline backend; ours renders itself. SVG rather than PNG: for these line plots it
    is smaller (about 21 KB against 55 KB for a PNG sharp on high-density screens),
    faster to draw, and sharp at any zoom. The output is reproducible: no date in the
    metadata and a fixed salt for the ids, so the same figure gives the same bytes.
    """

    def _repr_svg_(self) -> str:
        buf = io.StringIO()
        with matplotlib.rc_context({"svg.hashsalt": "sinfit"}):
            self.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()


def _to_numpy(t: torch.Tensor):
    return t.detach().cpu().numpy()


def _draw(ax: Axes, x: torch.Tensor, y: torch.Tensor, title: str | None, color: str) -> None:
    check_xy(x, y)
    ax.plot(_to_numpy(x), _to_numpy(y), color=color, linewidth=2)
    if title:
        ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(True, alpha=0.3)


def plot_curve(
    x: torch.Tensor, y: torch.Tensor, *, title: str | None = None, color: str = "tab:blue"
) -> Figure:
    """One curve y(x) on a figure of its own.

    Without a title the figure holds no words, only x, y and numbers: the same picture serves
    a page in any language, whose caption says what it shows.
    """
    fig = DisplayFigure(figsize=CURVE_SIZE, layout="constrained")
    _draw(fig.add_subplot(), x, y, title, color)
    return fig


def plot_comparison(
    x: torch.Tensor,
    curves: dict[str, torch.Tensor],
    *,
    colors: tuple[str, ...] = ("tab:green", "tab:orange", "tab:red", "tab:purple"),
    share_y: bool = False,
) -> Figure:
    """Several curves over the same x, one panel each, side by side.

    The panels share x, and y only with ``share_y``: a random cubic spans tens of units where
    sin(x) spans one, and a shared y axis would flatten the sine to a line; but panels of one
    curve at different moments are compared by their heights, which only a shared axis shows.

    ``curves`` maps each panel's title to its y values, in the order shown, e.g.
    ``{"sin(x)": y, "fitted": y_fit, "random": y_random}``.
    """
    if not curves:
        raise SinfitError("curves must name at least one curve to plot")
    if len(curves) > len(colors):
        raise SinfitError(f"at most {len(colors)} curves, got {len(curves)}")
    fig = DisplayFigure(figsize=COMPARISON_SIZE, layout="constrained")
    axes = fig.subplots(1, len(curves), sharex=True, sharey=share_y, squeeze=False)[0]
    for ax, (title, y), color in zip(axes, curves.items(), colors, strict=False):
        _draw(ax, x, y, title, color)
    return fig
