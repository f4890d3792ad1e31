"""A learning-rate explorer: the same fit at many learning rates, computed once, shown by a slider.

PyTorch does not run in a reader's browser, but this experiment is small enough to run in
full beforehand: :func:`learning_rate_explorer` fits the cubic by gradient descent in two bases,
the monomials 1, x, x², x³ and the normalized Legendre polynomials, from the same starting
curve. The slider does not pick one learning rate for both: it picks a *fraction* of each
basis's own stability bound η_max = 2 / λ_max, log-spaced from a hundredth of it to 1.25 times
it. So both panes show the same cliff at 1, and at every position the round bowl's descent is
compared with the long valley's at the same relative step. What is kept is what a reader would
want to look at: the loss at some steps t and the fitted cubic's coefficients (four numbers
draw the whole curve, smoothly, where values on a grid would cost several times more).

The returned :class:`LearningRateExplorer` displays itself in Jupyter as one self-contained
``<figure class="sinfit-explorer">``: the data as JSON, a slider (``<input type="range">``),
an ``<output>`` for the current position, an empty area for a script to draw in, and a static
matplotlib picture of three of the positions. The site's ``explorer.js`` draws the charts and
hides the picture; without that script (JavaScript off, a downloaded notebook) the picture is
what a reader sees. The figure holds no words but symbols (η, L, t, ŷ): the same output serves
every language, the script writes its labels in the page's one, and the picture is an image
output like any other figure's, so the site describes and captions it in the page's language
from the ``<!--alt: ...-->`` and ``<!--caption: ...-->`` above the cell.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib
import numpy as np
import torch
from matplotlib.ticker import NullLocator

from sinfit._checks import check_count, check_xy
from sinfit.basis import basis_weights, design_matrix, fit_in_basis, stability_bound
from sinfit.errors import DivergenceError, SinfitError
from sinfit.loss import sum_squared_error
from sinfit.model import Cubic
from sinfit.plotting import DisplayFigure
from sinfit.train import closed_form, fit_manual

#: The slider spans these fractions of each basis's own stability bound (log-spaced): from far
#: below, where progress is slow, to 1.25 times the bound, where both bases diverge. (Written
#: out in learning_rate_explorer's docstring, which the reference shows.)
LOW, HIGH = 0.01, 1.25
#: Significant digits kept in the data: more than a chart can show, and the page stays small.
#: (Written out in LearningRateExplorer.data's docstring.)
DIGITS = 4
BASIS_NAMES = ("monomial", "legendre-normalized")
#: What nbconvert writes as the ``alt`` of an image output. The static picture carries it so that
#: the site's build treats it like every other figure (extensions/sitebuild/pages.py:
#: extract_figures): a file of its own, the page's ``<!--alt: ...-->`` as its description and
#: the page's ``<!--caption: ...-->`` as the explorer's caption, each in the page's language.
NO_DESCRIPTION = "No description has been provided for this image"


def _round(value: float) -> float | int:
    rounded = float(f"{value:.{DIGITS}g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


def fraction_label(fraction: float) -> str:
    """A slider position as written in the explorer: two significant digits, three from 1 up
    (0.01, 0.1, 0.9, 1.06, 1.25)."""
    return f"{float(f'{fraction:.{3 if fraction >= 1 else 2}g}'):g}"


def sampled_steps(epochs: int, every: int) -> list[int]:
    """The steps t whose loss is kept: t = 0 (the start), the first few (where the loss falls
    fastest), then every ``every``-th, and t = ``epochs`` (after the last update)."""
    check_count("epochs", epochs, 1)
    check_count("every", every, 1)
    early = {t for t in (1, 2, 5, 10, 20, 30) if t < min(every, epochs)}
    return sorted({0, *early, *range(every, epochs + 1, every), epochs})


@dataclass(frozen=True)
class ExplorerRun:
    """One basis at one slider position of :class:`LearningRateExplorer`.

    Attributes:
        losses: the loss at each kept step t (after t updates); a run that diverged stops
            before the first loss that was not finite.
        cubic: the fitted cubic's coefficients (a, b, c, d) of 1, x, x², x³, whatever the
            basis it was fitted in; None when the run diverged.
        diverged_at: the first t at which the loss was not finite; None if there was none.
    """

    losses: list[float]
    cubic: list[float] | None
    diverged_at: int | None


@dataclass(frozen=True)
class LearningRateExplorer:
    """The explorer's data; Jupyter shows it through :meth:`_repr_html_`.

    ``fractions[i]`` is the i-th slider position, a fraction of each basis's own stability
    bound ``bounds[basis]``; ``runs[basis][i]`` is the :class:`ExplorerRun` at learning rate
    ``rate(basis, i)``. ``steps`` are the t whose losses are kept; ``chosen`` the indices of the
    three positions in the static picture (a tenth of the bound, the last position under it,
    the first over it); the slider starts at the first of them.
    """

    fractions: list[float]
    bounds: dict[str, float]
    floor: float
    steps: list[int]
    grid: list[float]
    target: list[float]
    runs: dict[str, list[ExplorerRun]]
    chosen: tuple[int, ...]

    @property
    def initial(self) -> int:
        """The slider's starting position: a tenth of the bound, the first of ``chosen``."""
        return self.chosen[0]

    def rate(self, basis: str, i: int) -> float:
        """The learning rate of ``basis`` at slider position ``i``."""
        return self.fractions[i] * self.bounds[basis]

    def data(self) -> dict:
        """Everything the explorer's JavaScript draws from, rounded to 4 significant digits.
        ``rates`` are the slider positions (fractions of each basis's ``bound``)."""

        def rounded(values: list[float] | None) -> list[float] | None:
            return None if values is None else [_round(v) for v in values]

        return {
            "rates": rounded(self.fractions),
            "floor": _round(self.floor),
            "steps": self.steps,
            "x": rounded(self.grid),
            "y": rounded(self.target),
            "initial": self.initial,
            "bases": [
                {
                    "name": name,
                    "bound": _round(self.bounds[name]),
                    "loss": [rounded(run.losses) for run in runs],
                    "cubic": [rounded(run.cubic) for run in runs],
                    "diverged": [run.diverged_at for run in runs],
                }
                for name, runs in self.runs.items()
            ],
        }

    def __repr__(self) -> str:
        bounds = ", ".join(f"{name} {bound:.4g}" for name, bound in self.bounds.items())
        return (
            f"LearningRateExplorer({len(self.fractions)} learning rates from "
            f"{self.fractions[0]:.3g} to {self.fractions[-1]:.3g} times each basis's stability "
            f"bound: {bounds})"
        )

    def static_svg(self) -> str:
        """The picture without JavaScript, an SVG document: the loss (t on a log10(1 + t) scale,
        as on the site) and the fitted curve at the three chosen positions, monomial basis
        solid, normalized Legendre dotted, the floor and the data dashed; reproducible."""
        colors = ("#0072b2", "#009e73", "#d55e00")  # told apart with color blindness too
        # stacked and 5.6 in wide, with 13-15 pt text: readable at phone width
        fig = DisplayFigure(figsize=(5.6, 7.4), dpi=72, layout="constrained")
        loss_ax, curve_ax = fig.subplots(2, 1, gridspec_kw={"height_ratios": (3, 2)})
        loss_ax.axhline(self.floor, color="black", linestyle="--", linewidth=1)
        curve_ax.plot(self.grid, self.target, color="black", linestyle="--", linewidth=1)
        top = 1000 * max(r.losses[0] for runs in self.runs.values() for r in runs)
        for (name, runs), style in zip(self.runs.items(), ("-", ":"), strict=False):
            for k, color in zip(self.chosen, colors, strict=False):
                run = runs[k]
                label = None
                if name == BASIS_NAMES[0]:
                    label = f"{fraction_label(self.fractions[k])} ηₘₐₓ"
                kept = self.steps[: len(run.losses)]
                losses = list(run.losses)
                if run.diverged_at is not None:  # on to the top edge, where it leaves
                    kept, losses = [*kept, run.diverged_at], [*losses, 10 * top]
                loss_ax.plot(kept, losses, style, color=color, linewidth=1.8, label=label)
                if run.cubic is not None:
                    curve = Cubic(*run.cubic)(torch.tensor(self.grid, dtype=torch.float64))
                    curve_ax.plot(self.grid, curve.tolist(), style, color=color, linewidth=1.8)
        for style, basis in (("-", "1, x, x², x³"), (":", "√(2n+1) Pₙ(x/π)")):
            loss_ax.plot([], [], style, color="grey", linewidth=1.8, label=basis)
        loss_ax.set_yscale("log")
        loss_ax.set_ylim(self.floor / 2, top)
        loss_ax.set_yticks([10.0**p for p in range(1, math.ceil(math.log10(top)), 2)])
        loss_ax.yaxis.set_minor_locator(NullLocator())
        # t on a log10(1 + t) scale, as the site's explorer draws it: the first steps show
        loss_ax.set_xscale("function", functions=(_stretch, _unstretch))
        loss_ax.set_xlim(0, self.steps[-1])
        # 0 and 1 sit close together on this scale: 1 is left unlabeled
        loss_ax.set_xticks([0, *(10**p for p in range(1, int(math.log10(self.steps[-1])) + 1))])
        loss_ax.xaxis.set_minor_locator(NullLocator())
        loss_ax.xaxis.set_major_formatter("{x:g}")
        loss_ax.set_xlabel("t", fontsize=15, labelpad=0)
        loss_ax.set_title("L", fontsize=15)
        # the legend below the picture, where it hides no curve
        fig.legend(fontsize=13, loc="outside lower center", ncols=2, frameon=False)
        curve_ax.set_ylim(-2, 2)
        curve_ax.set_yticks([-1, 0, 1])
        curve_ax.set_xticks([-3, 0, 3])
        curve_ax.set_xlabel("x", fontsize=15, labelpad=0)
        curve_ax.set_title("ŷ, sin(x)", fontsize=15)
        for ax in (loss_ax, curve_ax):
            ax.tick_params(labelsize=13)  # few ticks and no grid: a picture in the text column
        buf = io.StringIO()
        # text as <text> in the reader's font rather than glyph outlines: a fifth of the size
        rc = {"svg.hashsalt": "sinfit", "svg.fonttype": "none", "font.sans-serif": ["DejaVu Sans"]}
        with matplotlib.rc_context(rc):
            fig.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()

    def _repr_html_(self) -> str:
        payload = json.dumps(self.data(), separators=(",", ":"), allow_nan=False)
        uid = "sinfit-explorer-" + hashlib.sha256(payload.encode()).hexdigest()[:8]
        # "</" cannot end the script early: JSON allows "<\/"
        payload = payload.replace("</", "<\\/")
        position = f"{fraction_label(self.fractions[self.initial])} ηₘₐₓ"
        last = len(self.fractions) - 1
        picture = base64.b64encode(self.static_svg().encode()).decode("ascii")
        return (
            # data-search-exclude: the site's search leaves the numbers and tick labels out
            f'<figure class="sinfit-explorer" id="{uid}" data-search-exclude>\n'
            f'<script type="application/json" class="sinfit-explorer-data">{payload}</script>\n'
            f'<div class="sinfit-explorer-controls" hidden>\n'
            f'<label for="{uid}-rate">Learning rate</label>\n'
            f'<input type="range" id="{uid}-rate" min="0" max="{last}" step="1" '
            f'value="{self.initial}" aria-valuetext="η = {position}">\n'
            '<div class="sinfit-explorer-scale"></div>\n'
            f'<output for="{uid}-rate" aria-live="polite">η = {position}</output>\n'
            "</div>\n"
            '<div class="sinfit-explorer-charts" hidden></div>\n'
            f'<div class="sinfit-explorer-static"><img alt="{NO_DESCRIPTION}" '
            f'src="data:image/svg+xml;base64,{picture}"></div>\n'
            "</figure>"
        )


def _stretch(t: np.ndarray) -> np.ndarray:
    return np.log10(1 + np.maximum(t, 0))


def _unstretch(s: np.ndarray) -> np.ndarray:
    return 10.0**s - 1


def _until_divergence(
    fit: Callable[[int], tuple[list[float], Callable[[], list[float]]]], epochs: int
) -> tuple[list[float], list[float] | None, int | None]:
    """Run ``fit(epochs)``, which returns the losses at t = 0..epochs; if the loss at some t is
    not finite, run it again for the t - 1 updates whose losses were (so the loss curve stops
    where the run did)."""
    try:
        losses, cubic = fit(epochs)
        return losses, cubic(), None
    except DivergenceError as err:  # err.epoch is 1-based: the loss at t = epoch - 1
        diverged_at = err.epoch - 1
        losses, _ = fit(diverged_at - 1)
        return losses, None, diverged_at


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
    """Fit the cubic from ``start`` at ``rates`` slider positions and keep what the explorer shows.

    The positions are log-spaced from 0.01 to 1.25 times each basis's own stability bound
    on ``x`` (:func:`stability_bound`). At each one, ``epochs`` updates in each basis, in
    ``x``'s precision (the monomial basis's lesson loop diverges where the lesson's does): the
    lesson's gradient descent (:func:`fit_manual`), and gradient descent in the normalized
    Legendre basis (:func:`fit_in_basis`) from the same starting curve. A diverging run stops
    before the first step t whose loss was not finite. The loss is kept at t = 0, at those of
    t = 1, 2, 5, 10, 20, 30 below ``every`` (where it falls fastest), every ``every`` steps and
    at the last; the data (``y``) at ``points`` of its x, evenly spread, to draw the fitted
    cubic against.
    """
    check_xy(x, y)
    if not isinstance(start, Cubic):
        raise SinfitError(f"start must be a sinfit.Cubic, got {type(start).__name__}")
    check_count("rates", rates, 3)
    check_count("epochs", epochs, 1)
    check_count("points", points, 2)
    x64 = x.double()
    bounds = {name: stability_bound(design_matrix(x64, name)) for name in BASIS_NAMES}
    fractions = np.geomspace(LOW, HIGH, rates).tolist()
    kept = sampled_steps(epochs, every)
    order = torch.argsort(x)
    pick = order[torch.linspace(0, len(x) - 1, points).round().long()]
    legendre = design_matrix(x, "legendre-normalized")
    legendre_start = basis_weights(start, "legendre-normalized").to(x.dtype)
    # monomial coefficients of a cubic given by its normalized Legendre weights: both bases
    # span the cubics, so 4 points determine the change of basis (exact up to rounding)
    at = torch.linspace(-1.0, 1.0, 4, dtype=torch.float64) * math.pi
    to_monomial = torch.linalg.solve(design_matrix(at), design_matrix(at, "legendre-normalized"))

    def finished(losses: list[float], last: float, lr: float) -> list[float]:
        """The losses at t = 0..n: the n the fit measured and the one after its last update."""
        if not math.isfinite(last):
            raise DivergenceError(len(losses) + 1, last, lr)
        return [*losses, last]

    def monomial(lr: float) -> Callable[[int], tuple[list[float], Callable[[], list[float]]]]:
        def fit(n: int):
            result = fit_manual(x, y, start, lr=lr, epochs=n)
            a, b, c, d = result.cubic.to_tensors(dtype=x.dtype)
            last = sum_squared_error(a + b * x + c * x**2 + d * x**3, y).item()
            return finished(result.losses, last, lr), lambda: list(result.cubic.coefficients())

        return fit

    def normalized(lr: float) -> Callable[[int], tuple[list[float], Callable[[], list[float]]]]:
        def fit(n: int):
            w, losses = fit_in_basis(legendre, y, lr=lr, epochs=n, start=legendre_start)
            last = (legendre @ w - y).pow(2).sum().item()
            return finished(losses, last, lr), lambda: (to_monomial @ w.double()).tolist()

        return fit

    runs: dict[str, list[ExplorerRun]] = {name: [] for name in BASIS_NAMES}
    for fraction in fractions:
        for name, make in zip(BASIS_NAMES, (monomial, normalized), strict=True):
            losses, cubic, diverged_at = _until_divergence(make(fraction * bounds[name]), epochs)
            kept_losses = [losses[t] for t in kept if t < len(losses)]
            runs[name].append(ExplorerRun(kept_losses, cubic, diverged_at))

    stable = [i for i, f in enumerate(fractions) if f < 1]
    unstable = [i for i, f in enumerate(fractions) if f > 1]
    if not stable:
        raise SinfitError("no position of the slider is below the stability bound")
    tenth = min(stable, key=lambda i: abs(math.log(fractions[i] / 0.1)))
    chosen = (tenth, stable[-1], *unstable[:1])
    return LearningRateExplorer(
        fractions=fractions,
        bounds=bounds,
        floor=closed_form(x, y).loss(x, y),
        steps=kept,
        grid=x[pick].double().tolist(),
        target=y[pick].double().tolist(),
        runs=runs,
        chosen=chosen,
    )
