"""A learning-rate explorer: the same fit at many learning rates, computed once, shown by a slider.

PyTorch does not run in a reader's browser, but this experiment is small enough to run in
full beforehand: :func:`learning_rate_explorer` fits the cubic by the lesson's gradient
descent at a grid of learning rates, log-spaced from a hundredth of the stability bound of
the monomial basis to a little above it, in the monomial basis and in the normalized
Legendre basis from the same starting curve, and keeps what a reader would want to look at:
the loss every few epochs and the fitted cubic's coefficients (four numbers draw the whole
curve, smoothly, where values on a grid would cost several times more for a coarser line).

The returned :class:`LearningRateExplorer` displays itself in Jupyter as one self-contained
``<figure class="sinfit-explorer">``: the data as JSON, a slider (``<input type="range">``),
an ``<output>`` for the current rate, an empty area for a script to draw in, and a static
matplotlib picture of three of the rates. The site's ``explorer.js`` draws the charts and
hides the picture; without that script (JavaScript off, a downloaded notebook) the picture is
what a reader sees. Words in the figure are kept to numbers and symbols ("lr", formulas):
the same output serves every language, and the script writes the labels in the page's one.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree

import matplotlib
import numpy as np
import torch
from matplotlib.ticker import NullLocator

from sinfit._checks import check_count, check_xy
from sinfit.basis import basis_weights, design_matrix, fit_in_basis, stability_bound
from sinfit.errors import DivergenceError, SinfitError
from sinfit.model import Cubic
from sinfit.plotting import DisplayFigure
from sinfit.train import closed_form, fit_manual

#: The grid spans these multiples of the stability bound (log-spaced): from far below, where
#: progress is slow, to a quarter above, where the monomial run diverges.
LOW, HIGH = 0.01, 1.25
#: Significant digits kept in the data: more than a chart can show, and the page stays small.
DIGITS = 4
BASIS_NAMES = ("monomial", "legendre-normalized")


def _round(value: float) -> float | int:
    rounded = float(f"{value:.{DIGITS}g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


def sampled_epochs(epochs: int, every: int) -> list[int]:
    """The epochs whose loss is kept: the first few (where the loss falls fastest), then every
    ``every``-th, and the last."""
    check_count("epochs", epochs, 1)
    check_count("every", every, 1)
    early = {e for e in (1, 2, 3, 5, 10, 20, 30) if e < min(every, epochs)}
    return sorted({*early, *range(every, epochs + 1, every), 1, epochs})


@dataclass(frozen=True)
class Run:
    """One basis at one learning rate: the kept losses (the loss *before* each sampled
    epoch's update, as :class:`sinfit.FitResult` counts them), the fitted cubic as monomial
    coefficients (a, b, c, d), whatever the basis it was fitted in (None when the run diverged),
    and the epoch at which the loss stopped being finite."""

    losses: list[float]
    cubic: list[float] | None
    diverged_at: int | None


def _until_divergence(
    fit: Callable[[int], tuple[list[float], Callable[[], list[float]]]], epochs: int
) -> tuple[list[float], list[float] | None, int | None]:
    """Run ``fit(epochs)``; if it diverges at epoch N, run it again for the N - 1 epochs whose
    loss was finite (so the loss curve stops where the run did)."""
    try:
        losses, cubic = fit(epochs)
        return losses, cubic(), None
    except DivergenceError as err:
        losses, _ = fit(err.epoch - 1)
        return losses, None, err.epoch


@dataclass(frozen=True)
class LearningRateExplorer:
    """The explorer's data; Jupyter shows it through :meth:`_repr_html_`.

    ``runs[basis][i]`` is the :class:`Run` at ``rates[i]``; ``chosen`` are the indices of the
    three rates in the static picture (a tenth of the bound, the largest stable rate, the
    smallest unstable one) and ``initial`` where the slider starts.
    """

    rates: list[float]
    bound: float
    floor: float
    epochs: list[int]
    grid: list[float]
    target: list[float]
    runs: dict[str, list[Run]]
    chosen: tuple[int, ...]

    @property
    def initial(self) -> int:
        return self.chosen[0]

    def data(self) -> dict:
        """Everything the script draws from, rounded to :data:`DIGITS` significant digits."""

        def rounded(values: list[float] | None) -> list[float] | None:
            return None if values is None else [_round(v) for v in values]

        return {
            "rates": rounded(self.rates),
            "bound": _round(self.bound),
            "floor": _round(self.floor),
            "epochs": self.epochs,
            "x": rounded(self.grid),
            "y": rounded(self.target),
            "initial": self.initial,
            "bases": [
                {
                    "name": name,
                    "loss": [rounded(run.losses) for run in runs],
                    "cubic": [rounded(run.cubic) for run in runs],
                    "diverged": [run.diverged_at for run in runs],
                }
                for name, runs in self.runs.items()
            ],
        }

    def __repr__(self) -> str:
        return (
            f"LearningRateExplorer({len(self.rates)} learning rates from {self.rates[0]:.3g} "
            f"to {self.rates[-1]:.3g}, stability bound {self.bound:.4g})"
        )

    def static_svg(self, prefix: str = "sinfit-explorer") -> str:
        """The picture without JavaScript: the loss and the fitted curve at the three chosen
        rates, monomial basis solid, normalized Legendre dotted, the floor and the data dashed;
        inline SVG with its ids under ``prefix``, reproducible."""
        colors = ("#0072b2", "#009e73", "#d55e00")  # told apart with colour blindness too
        fig = DisplayFigure(figsize=(7.2, 2.8), dpi=72, layout="constrained")
        loss_ax, curve_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": (3, 2)})
        loss_ax.axhline(self.floor, color="black", linestyle="--", linewidth=1)
        curve_ax.plot(self.grid, self.target, color="black", linestyle="--", linewidth=1)
        for (name, runs), style in zip(self.runs.items(), ("-", ":"), strict=False):
            for k, color in zip(self.chosen, colors, strict=False):
                run = runs[k]
                label = None
                if name == BASIS_NAMES[0]:
                    label = f"lr {self.rates[k]:.2g}"
                    if run.diverged_at is not None:
                        label += f" → ∞ ({run.diverged_at})"
                kept = self.epochs[: len(run.losses)]
                loss_ax.plot(kept, run.losses, style, color=color, linewidth=1.8, label=label)
                if run.cubic is not None:
                    curve = Cubic(*run.cubic)(torch.tensor(self.grid, dtype=torch.float64))
                    curve_ax.plot(self.grid, curve.tolist(), style, color=color, linewidth=1.8)
        for style, basis in (("-", "1, x, x², x³"), (":", "√(2n+1) Pₙ(x/π)")):
            loss_ax.plot([], [], style, color="grey", linewidth=1.8, label=basis)
        top = 1000 * max(r.losses[0] for runs in self.runs.values() for r in runs)
        loss_ax.set_yscale("log")
        loss_ax.set_ylim(self.floor / 2, top)
        loss_ax.set_yticks([10.0**p for p in range(1, math.ceil(math.log10(top)), 2)])
        loss_ax.yaxis.set_minor_locator(NullLocator())
        loss_ax.set_xlim(0, self.epochs[-1])
        loss_ax.set_xticks([0, self.epochs[-1] // 2, self.epochs[-1]])
        loss_ax.set_title("L", fontsize=10)
        loss_ax.legend(fontsize=7, loc="upper right", ncols=2)
        curve_ax.set_ylim(-2, 2)
        curve_ax.set_yticks([-1, 0, 1])
        curve_ax.set_xticks([-3, 0, 3])
        curve_ax.set_title("ŷ(x), y", fontsize=10)
        for ax in (loss_ax, curve_ax):
            ax.tick_params(labelsize=8)  # few ticks and no grid: this picture is inline
        buf = io.StringIO()
        # text as <text> in the page's font rather than glyph outlines: a fifth of the size
        rc = {"svg.hashsalt": "sinfit", "svg.fonttype": "none", "font.sans-serif": ["DejaVu Sans"]}
        with matplotlib.rc_context(rc):
            fig.savefig(buf, format="svg", metadata={"Date": None})
        return _inline_svg(buf.getvalue(), prefix, self._summary())

    def _summary(self) -> str:
        """The static picture in words without words: each chosen rate and where it ended."""

        def end(run: Run) -> str:
            if run.diverged_at is not None:
                return f"∞ ({run.diverged_at})"
            return f"L {run.losses[-1]:.4g}"

        return "; ".join(
            f"{name}: " + ", ".join(f"lr {self.rates[k]:.2g} → {end(runs[k])}" for k in self.chosen)
            for name, runs in self.runs.items()
        )

    def _repr_html_(self) -> str:
        payload = json.dumps(self.data(), separators=(",", ":"), allow_nan=False)
        uid = "sinfit-explorer-" + hashlib.sha256(payload.encode()).hexdigest()[:8]
        # "</" cannot end the script early: JSON allows "<\/"
        payload = payload.replace("</", "<\\/")
        rate = f"lr {self.rates[self.initial]:.3g}"
        last = len(self.rates) - 1
        return (
            # data-search-exclude: the site's search leaves the numbers and tick labels out
            f'<figure class="sinfit-explorer" id="{uid}" data-search-exclude>\n'
            f'<script type="application/json" class="sinfit-explorer-data">{payload}</script>\n'
            f'<div class="sinfit-explorer-controls" hidden>\n'
            f'<label for="{uid}-rate">Learning rate</label>\n'
            f'<input type="range" id="{uid}-rate" min="0" max="{last}" step="1" '
            f'value="{self.initial}" aria-valuetext="{rate}">\n'
            '<div class="sinfit-explorer-scale"></div>\n'
            f'<output for="{uid}-rate" aria-live="polite">{rate}</output>\n'
            "</div>\n"
            '<div class="sinfit-explorer-charts" hidden></div>\n'
            f'<div class="sinfit-explorer-static">{self.static_svg(uid)}</div>\n'
            "</figure>"
        )


_ID = re.compile(r'\sid="([^"]*)"')
_SVG_NS = "http://www.w3.org/2000/svg"
ElementTree.register_namespace("", _SVG_NS)
ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")


def _inline_svg(svg: str, prefix: str, label: str) -> str:
    """matplotlib's SVG document made fit to sit inside HTML: no XML declaration, doctype or
    metadata, no ids but the referenced ones (prefixed, so several explorers on a page do not
    clash), and an accessible name."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    # matplotlib's own <style> (round line joins): the site would move it into a stylesheet
    svg = re.sub(r"<defs>\s*<style.*?</style>\s*</defs>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r'\s*transform="rotate\(-?0 [^"]*\)"', "", svg)  # "rotate by 0"
    svg = re.sub(r"(\d\.\d)\d+", r"\1", svg)  # a tenth of a point is finer than a pixel
    svg = re.sub(r">\s+<", "><", svg)
    svg = re.sub(r"\s*\n\s*", " ", svg)
    used = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
    svg = _ID.sub(lambda m: f' id="{prefix}-{m.group(1)}"' if m.group(1) in used else "", svg)
    svg = re.sub(r'(xlink:href="#|url\(#)', rf"\g<1>{prefix}-", svg)
    # The page carries this picture in every load: what repeats is said once. The font on the
    # root instead of on each label; a tick mark's style is its definition's, not each use's;
    # and matplotlib's groups without attributes hold nothing but their children.
    svg = re.sub(r";?\s*font-family: 'DejaVu Sans'(?:, sans-serif)?", "", svg)
    svg = re.sub(r'(<use [^>]*?)\s*style="[^"]*"', r"\1", svg)
    root = ElementTree.fromstring(svg)
    _unwrap_plain_groups(root)
    root.set("font-family", "DejaVu Sans, sans-serif")
    root.set("role", "img")
    root.set("aria-label", label)
    return ElementTree.tostring(root, encoding="unicode")


def _unwrap_plain_groups(parent: ElementTree.Element) -> None:
    children = []
    for child in parent:
        _unwrap_plain_groups(child)
        if child.tag == f"{{{_SVG_NS}}}g" and not child.attrib:
            children.extend(child)
        else:
            children.append(child)
    parent[:] = children


def learning_rate_explorer(
    x: torch.Tensor,
    y: torch.Tensor,
    start: Cubic,
    *,
    rates: int = 30,
    epochs: int = 1000,
    every: int = 50,
    points: int = 25,
) -> LearningRateExplorer:
    """Fit the cubic from ``start`` at ``rates`` learning rates and keep what the explorer shows.

    The rates are log-spaced from :data:`LOW` to :data:`HIGH` times the stability bound of the
    monomial basis on ``x``. At each one: the lesson's gradient descent (:func:`fit_manual`,
    in ``x``'s precision, so it diverges where the page's runs do), and gradient descent in the
    normalized Legendre basis (:func:`fit_in_basis`, float64) from the same starting curve at
    the same step size. A diverging run stops at the epoch where its loss stopped being finite.
    The loss is kept at :func:`sampled_epochs`, the data (``y``) at ``points`` of its x, evenly
    spread, to draw the fitted cubic against.
    """
    check_xy(x, y)
    if not isinstance(start, Cubic):
        raise SinfitError(f"start must be a sinfit.Cubic, got {type(start).__name__}")
    check_count("rates", rates, 3)
    check_count("epochs", epochs, 1)
    check_count("points", points, 2)
    bound = stability_bound(design_matrix(x.double()))
    grid_rates = np.geomspace(LOW * bound, HIGH * bound, rates).tolist()
    kept = sampled_epochs(epochs, every)
    order = torch.argsort(x)
    pick = order[torch.linspace(0, len(x) - 1, points).round().long()]
    grid = x[pick].double()
    x64, y64 = x.double(), y.double()
    legendre = design_matrix(x64, "legendre-normalized")
    legendre_start = basis_weights(start, "legendre-normalized")
    # monomial coefficients of a cubic given by its normalized Legendre weights: both bases
    # span the cubics, so 4 points determine the change of basis (exact up to rounding)
    at = torch.linspace(-1.0, 1.0, 4, dtype=torch.float64) * math.pi
    to_monomial = torch.linalg.solve(design_matrix(at), design_matrix(at, "legendre-normalized"))

    def thinned(losses: list[float]) -> list[float]:
        return [losses[e - 1] for e in kept if e <= len(losses)]

    runs: dict[str, list[Run]] = {name: [] for name in BASIS_NAMES}
    for lr in grid_rates:

        def monomial(n: int, lr: float = lr):
            result = fit_manual(x, y, start, lr=lr, epochs=n)
            return result.losses, lambda: list(result.cubic.coefficients())

        def normalized(n: int, lr: float = lr):
            w, losses = fit_in_basis(legendre, y64, lr=lr, epochs=n, start=legendre_start)
            return losses, lambda: (to_monomial @ w).tolist()

        for name, fit in zip(BASIS_NAMES, (monomial, normalized), strict=True):
            losses, cubic, diverged_at = _until_divergence(fit, epochs)
            runs[name].append(Run(thinned(losses), cubic, diverged_at))

    unstable = [i for i, lr in enumerate(grid_rates) if lr >= bound]
    stable = [i for i, lr in enumerate(grid_rates) if lr < bound]
    if not stable:
        raise SinfitError("no learning rate of the grid is below the stability bound")
    tenth = min(stable, key=lambda i: abs(math.log(grid_rates[i] / (bound / 10))))
    chosen = (tenth, stable[-1], *unstable[:1])
    return LearningRateExplorer(
        rates=grid_rates,
        bound=bound,
        floor=closed_form(x, y).loss(x, y),
        epochs=kept,
        grid=grid.tolist(),
        target=y[pick].double().tolist(),
        runs=runs,
        chosen=chosen,
    )
