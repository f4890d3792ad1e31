"""The learning-rate explorer's data (sinfit/explorer.py), checked against independent runs."""

from __future__ import annotations

import itertools
import json
import math
import re

import pytest
import torch
from bs4 import BeautifulSoup

from sinfit import (
    DivergenceError,
    SinfitError,
    basis_weights,
    design_matrix,
    fit_in_basis,
    fit_manual,
    learning_rate_explorer,
    random_cubic,
    stability_bound,
)
from sinfit.explorer import sampled_epochs

X = torch.linspace(-math.pi, math.pi, 200)
Y = torch.sin(X)
START = random_cubic(0)
EPOCHS = 400


@pytest.fixture(scope="module")
def small():
    """A small explorer: fewer points, rates and epochs than the page's, the same code."""
    return learning_rate_explorer(X, Y, START, rates=9, epochs=EPOCHS, every=50)


@pytest.fixture(scope="module")
def page():
    """The explorer the page builds (x, y and start of why-slow)."""
    x = torch.linspace(-math.pi, math.pi, 1000)
    return learning_rate_explorer(x, torch.sin(x), START, rates=30)


def test_the_rates_are_log_spaced_and_span_the_stability_bound(small) -> None:
    bound = stability_bound(design_matrix(X.double()))
    assert small.bound == pytest.approx(bound)
    rates = small.rates
    assert len(rates) == 9 and rates == sorted(rates)
    assert rates[0] <= bound / 50  # well below
    assert rates[-2] < rates[-1] and bound < rates[-1] <= 1.5 * bound  # just above
    assert any(r < bound for r in rates) and any(r > bound for r in rates)
    ratios = [b / a for a, b in itertools.pairwise(rates)]
    assert max(ratios) == pytest.approx(min(ratios))


def test_a_diverging_rate_is_marked_at_the_epoch_the_lesson_training_diverges(small) -> None:
    monomial = small.runs["monomial"]
    unstable = [k for k, r in enumerate(small.rates) if r > small.bound]
    assert unstable
    for k in unstable:
        with pytest.raises(DivergenceError) as err:
            fit_manual(X, Y, START, lr=small.rates[k], epochs=EPOCHS)
        run = monomial[k]
        assert run.diverged_at == err.value.epoch
        assert run.cubic is None
        kept = [e for e in small.epochs if e < run.diverged_at]  # the run stops there
        assert len(run.losses) == len(kept)
        assert all(math.isfinite(v) for v in run.losses)


def test_stable_runs_keep_the_lesson_losses_at_the_sampled_epochs(small) -> None:
    for k, lr in enumerate(small.rates):
        if lr >= small.bound:
            continue
        result = fit_manual(X, Y, START, lr=lr, epochs=EPOCHS)
        run = small.runs["monomial"][k]
        assert run.diverged_at is None
        assert run.losses == [result.losses[e - 1] for e in small.epochs]
        assert run.cubic == pytest.approx(list(result.cubic.coefficients()))


def test_the_legendre_runs_start_from_the_same_curve_at_the_same_step(small) -> None:
    q = design_matrix(X.double(), "legendre-normalized")
    w0 = basis_weights(START, "legendre-normalized")
    for k, lr in enumerate(small.rates):
        w, losses = fit_in_basis(q, Y.double(), lr=lr, epochs=EPOCHS, start=w0)
        run = small.runs["legendre-normalized"][k]
        assert run.losses == [losses[e - 1] for e in small.epochs]
        # the same starting loss as the monomial run: the same curve
        assert run.losses[0] == pytest.approx(small.runs["monomial"][k].losses[0], rel=1e-5)
        # the cubic, given as monomial coefficients, is the fitted curve
        a, b, c, d = run.cubic
        xs = X.double()
        assert (a + b * xs + c * xs**2 + d * xs**3).tolist() == pytest.approx(
            (q @ w).tolist(), abs=1e-9
        )


def test_the_chosen_rates_are_a_tenth_of_the_bound_the_last_stable_and_the_first_unstable(
    small,
) -> None:
    tenth, edge, over = small.chosen
    rates, bound = small.rates, small.bound
    assert rates[edge] < bound < rates[over] and over == edge + 1
    distances = [abs(math.log(r / (bound / 10))) for r in rates]
    assert distances[tenth] == min(distances)
    assert small.initial == tenth


def test_the_html_is_one_figure_with_valid_json_and_native_controls(small) -> None:
    soup = BeautifulSoup(small._repr_html_(), "html.parser")
    (figure,) = soup.find_all("figure", class_="sinfit-explorer")
    data = json.loads(figure.find("script", type="application/json").string)
    assert len(data["rates"]) == len(small.rates)
    assert data["bound"] == pytest.approx(small.bound, rel=1e-3)
    assert data["initial"] == small.initial
    assert [b["name"] for b in data["bases"]] == ["monomial", "legendre-normalized"]
    for basis, runs in zip(data["bases"], small.runs.values(), strict=True):
        assert basis["diverged"] == [run.diverged_at for run in runs]
        for kept, run in zip(basis["loss"], runs, strict=True):
            assert kept == pytest.approx(run.losses, rel=1e-3)  # about 4 significant digits
    slider = figure.find("input", type="range")
    assert slider["min"] == "0" and slider["max"] == str(len(small.rates) - 1)
    assert slider["value"] == str(small.initial)
    label = figure.find("label")
    assert label["for"] == slider["id"] and label.get_text().strip()
    output = figure.find("output")
    assert output["aria-live"] == "polite" and "lr" in output.get_text()
    assert figure.find(class_="sinfit-explorer-controls").has_attr("hidden")  # until JS runs
    assert figure.find(class_="sinfit-explorer-charts").has_attr("hidden")
    svg = figure.find(class_="sinfit-explorer-static").find("svg")
    assert svg["role"] == "img" and "lr" in svg["aria-label"]
    assert figure.find("noscript") is None
    assert figure.has_attr("data-search-exclude")


def test_the_static_picture_is_inline_ready_and_reproducible(small) -> None:
    svg = small.static_svg("p")
    assert svg == small.static_svg("p")
    assert svg.startswith("<svg ") and "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert "<style" not in svg  # the site would move it into a shared stylesheet
    ids = set(re.findall(r'\sid="([^"]+)"', svg))
    refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
    assert refs <= ids and all(i.startswith("p-") for i in ids)


def test_the_page_explorer_fits_its_budget(page) -> None:
    html = page._repr_html_()
    # the downloaded notebook carries all of it inline (on the site its data and static picture
    # become files of their own: extensions/sitebuild/first_visit.py)
    assert len(html.encode()) < 32_000, len(html.encode())
    assert len(page.rates) == 30
    assert sum(r.diverged_at is not None for r in page.runs["monomial"]) >= 1
    # at the same step size, no Legendre run diverges: its own bound is far higher
    assert all(r.diverged_at is None for r in page.runs["legendre-normalized"])


def test_sampled_epochs_keep_the_first_and_last_and_are_sorted() -> None:
    kept = sampled_epochs(1000, 50)
    assert kept[0] == 1 and kept[-1] == 1000 and kept == sorted(set(kept))
    assert all(e % 50 == 0 for e in kept if e > 50)
    assert sampled_epochs(7, 50) == [1, 2, 3, 5, 7]  # none past the last epoch


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rates": 2}, "rates must be >= 3"),
        ({"rates": 4.5}, "rates must be an integer"),
        ({"epochs": 0}, "epochs must be >= 1"),
        ({"points": 1}, "points must be >= 2"),
        ({"start": (1, 2, 3, 4)}, "start must be a sinfit.Cubic"),
        ({"y": torch.sin(X[:10])}, "same length"),
    ],
)
def test_bad_input_is_named(kwargs: dict, message: str) -> None:
    args = {"x": X, "y": Y, "start": START, **kwargs}
    x, y, start = args.pop("x"), args.pop("y"), args.pop("start")
    with pytest.raises(SinfitError, match=re.escape(message)):
        learning_rate_explorer(x, y, start, **args)
