"""The learning-rate explorer's data (sinfit/explorer.py), checked against independent runs."""

from __future__ import annotations

import base64
import itertools
import json
import math
import re

import pytest
import torch
from bs4 import BeautifulSoup

from extensions.sitebuild.figures import slim_html
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
from sinfit.explorer import HIGH, LOW, NO_DESCRIPTION, fraction_label, sampled_steps

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
    """The explorer the page builds (x, y and start of round-bowl)."""
    x = torch.linspace(-math.pi, math.pi, 1000)
    return learning_rate_explorer(x, torch.sin(x), START, rates=30)


def test_the_positions_are_log_spaced_fractions_of_each_basis_own_bound(small) -> None:
    fractions = small.fractions
    assert len(fractions) == 9 and fractions == sorted(fractions)
    assert fractions[0] == pytest.approx(LOW) and fractions[-1] == pytest.approx(HIGH)
    assert any(f < 1 for f in fractions) and any(f > 1 for f in fractions)
    ratios = [b / a for a, b in itertools.pairwise(fractions)]
    assert max(ratios) == pytest.approx(min(ratios))
    for basis in ("monomial", "legendre-normalized"):
        bound = stability_bound(design_matrix(X.double(), basis))
        assert small.bounds[basis] == pytest.approx(bound)
        assert small.rate(basis, 3) == pytest.approx(fractions[3] * bound)
    # the round bowl's bound is far higher: one slider, a rate of its own for each basis
    assert small.bounds["legendre-normalized"] > 100 * small.bounds["monomial"]


def test_past_the_bound_both_bases_diverge_where_their_own_loops_do(small) -> None:
    unstable = [k for k, f in enumerate(small.fractions) if f > 1]
    assert unstable
    for k in unstable:
        with pytest.raises(DivergenceError) as err:
            fit_manual(X, Y, START, lr=small.rate("monomial", k), epochs=EPOCHS)
        run = small.runs["monomial"][k]
        # DivergenceError counts epochs from 1: its loss was the one at t = epoch - 1
        assert run.diverged_at == err.value.epoch - 1
        assert run.cubic is None
        kept = [t for t in small.steps if t < run.diverged_at]  # the run stops there
        assert len(run.losses) == len(kept)
        assert all(math.isfinite(v) for v in run.losses)
        q = design_matrix(X, "legendre-normalized")
        w0 = basis_weights(START, "legendre-normalized").float()
        with pytest.raises(DivergenceError) as err:
            fit_in_basis(q, Y, lr=small.rate("legendre-normalized", k), epochs=EPOCHS, start=w0)
        assert small.runs["legendre-normalized"][k].diverged_at == err.value.epoch - 1


def test_stable_runs_keep_the_lesson_losses_at_the_sampled_steps(small) -> None:
    for k, f in enumerate(small.fractions):
        if f >= 1:
            continue
        result = fit_manual(X, Y, START, lr=small.rate("monomial", k), epochs=EPOCHS)
        run = small.runs["monomial"][k]
        assert run.diverged_at is None
        # losses[t] is the loss at t; the last kept one, at t = EPOCHS, is after the last update
        assert run.losses[:-1] == [result.losses[t] for t in small.steps[:-1]]
        assert run.losses[-1] == pytest.approx(result.cubic.loss(X, Y), rel=1e-5)
        assert run.cubic == pytest.approx(list(result.cubic.coefficients()))


def test_the_legendre_runs_start_from_the_same_curve_at_their_own_step(small) -> None:
    q = design_matrix(X, "legendre-normalized")
    w0 = basis_weights(START, "legendre-normalized").float()
    for k, f in enumerate(small.fractions):
        if f >= 1:
            continue
        lr = small.rate("legendre-normalized", k)
        w, losses = fit_in_basis(q, Y, lr=lr, epochs=EPOCHS, start=w0)
        run = small.runs["legendre-normalized"][k]
        assert run.losses[:-1] == [losses[t] for t in small.steps[:-1]]
        # the same starting loss as the monomial run: the same curve
        assert run.losses[0] == pytest.approx(small.runs["monomial"][k].losses[0], rel=1e-5)
        # the cubic, given as monomial coefficients, is the fitted curve
        a, b, c, d = run.cubic
        xs = X.double()
        assert (a + b * xs + c * xs**2 + d * xs**3).tolist() == pytest.approx(
            (q.double() @ w.double()).tolist(), abs=1e-5
        )


def test_the_round_bowl_ends_lower_at_every_position_under_the_bound(page) -> None:
    mono, normalized = page.runs["monomial"], page.runs["legendre-normalized"]
    for k, f in enumerate(page.fractions):
        if f < 1:
            assert normalized[k].losses[-1] < mono[k].losses[-1], f
        else:
            assert mono[k].diverged_at is not None and normalized[k].diverged_at is not None, f


def test_the_chosen_positions_are_a_tenth_of_the_bound_the_last_stable_and_the_first_unstable(
    small,
) -> None:
    tenth, edge, over = small.chosen
    fractions = small.fractions
    assert fractions[edge] < 1 < fractions[over] and over == edge + 1
    distances = [abs(math.log(f / 0.1)) for f in fractions]
    assert distances[tenth] == min(distances)
    assert small.initial == tenth


def test_the_html_is_one_figure_with_valid_json_and_native_controls(small) -> None:
    soup = BeautifulSoup(small._repr_html_(), "html.parser")
    (figure,) = soup.find_all("figure", class_="sinfit-explorer")
    data = json.loads(figure.find("script", type="application/json").string)
    assert data["rates"] == pytest.approx(small.fractions, rel=1e-3)  # the slider's positions
    assert data["steps"] == small.steps and data["steps"][0] == 0
    assert data["initial"] == small.initial
    assert [b["name"] for b in data["bases"]] == ["monomial", "legendre-normalized"]
    for basis, runs in zip(data["bases"], small.runs.values(), strict=True):
        assert basis["bound"] == pytest.approx(small.bounds[basis["name"]], rel=1e-3)
        assert basis["diverged"] == [run.diverged_at for run in runs]
        for kept, run in zip(basis["loss"], runs, strict=True):
            assert kept == pytest.approx(run.losses, rel=1e-3)  # about 4 significant digits
    slider = figure.find("input", type="range")
    assert slider["min"] == "0" and slider["max"] == str(len(small.fractions) - 1)
    assert slider["value"] == str(small.initial)
    label = figure.find("label")
    assert label["for"] == slider["id"] and label.get_text().strip()
    output = figure.find("output")
    position = f"η = {fraction_label(small.fractions[small.initial])} ηₘₐₓ"
    assert output["aria-live"] == "polite" and output.get_text() == position
    assert figure.find(class_="sinfit-explorer-controls").has_attr("hidden")  # until JS runs
    assert figure.find(class_="sinfit-explorer-charts").has_attr("hidden")
    # the static picture is an image output like any figure's: the site's build gives it the
    # page's <!--alt: ...--> and <!--caption: ...-->, in the page's language
    (img,) = figure.find(class_="sinfit-explorer-static").find_all("img")
    assert img["alt"] == NO_DESCRIPTION
    svg = base64.b64decode(img["src"].removeprefix("data:image/svg+xml;base64,")).decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert figure.find("noscript") is None
    assert figure.has_attr("data-search-exclude")


def test_the_static_picture_is_reproducible_and_says_its_positions(small) -> None:
    svg = small.static_svg()
    assert svg == small.static_svg()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for k in small.chosen:  # the legend names each position the way the explorer does
        assert f"{fraction_label(small.fractions[k])} ηₘₐₓ" in texts


def test_the_page_explorer_fits_its_budget(page) -> None:
    # the downloaded notebook carries all of it inline, its picture slimmed by the build (on the
    # site its data and static picture become files of their own)
    html = slim_html(page._repr_html_())
    assert len(html.encode()) < 36_000, len(html.encode())
    assert len(page.fractions) == 30
    # the cliff in both panes: the positions past the bound diverge in both bases
    for runs in page.runs.values():
        assert sum(r.diverged_at is not None for r in runs) == 2


def test_sampled_steps_keep_the_start_and_the_end_and_are_sorted() -> None:
    kept = sampled_steps(1000, 50)
    assert kept[0] == 0 and kept[-1] == 1000 and kept == sorted(set(kept))
    assert all(t % 50 == 0 for t in kept if t > 50)
    assert sampled_steps(7, 50) == [0, 1, 2, 5, 7]  # none past the last step


@pytest.mark.parametrize(
    ("fraction", "label"), [(0.01, "0.01"), (0.10287, "0.1"), (0.896, "0.9"), (1.0583, "1.06")]
)
def test_fraction_labels_keep_two_digits_and_three_from_one_up(fraction, label) -> None:
    assert fraction_label(fraction) == label


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
