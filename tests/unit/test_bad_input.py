"""Every bad input gets a SinfitError whose message names the problem."""

from __future__ import annotations

import math

import pytest
import torch

from sinfit import (
    Cubic,
    DivergenceError,
    SinfitError,
    closed_form,
    design_matrix,
    fit_autograd,
    fit_manual,
    plot_curve,
    random_cubic,
    sine_data,
    stability_bound,
)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"points": 1}, "points must be >= 2, got 1"),
        ({"points": 0}, "points must be >= 2"),
        ({"points": 2.5}, "points must be an integer"),
        ({"interval": (1.0, 1.0)}, "interval is empty"),
        ({"interval": (math.pi, -math.pi)}, "interval is reversed"),
        ({"interval": (0.0, math.inf)}, "interval must have finite ends"),
        ({"dtype": torch.int64}, "dtype must be a floating-point dtype"),
    ],
)
def test_bad_data(kwargs: dict, message: str) -> None:
    with pytest.raises(SinfitError, match=message):
        sine_data(**kwargs)


@pytest.mark.parametrize("fit", [fit_manual, fit_autograd])
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": -1}, "epochs must be >= 0, got -1"),
        ({"lr": 0.0}, "learning rate must be finite and > 0, got 0.0"),
        ({"lr": -1e-6}, "learning rate must be finite and > 0"),
        ({"lr": math.nan}, "learning rate must be finite and > 0, got nan"),
        ({"lr": math.inf}, "learning rate must be finite and > 0, got inf"),
        ({"log_every": 0}, "log_every must be >= 1"),
    ],
)
def test_bad_training_settings(fit, kwargs: dict, message: str) -> None:
    x, y = sine_data(points=10)
    with pytest.raises(SinfitError, match=message):
        fit(x, y, random_cubic(0), **kwargs)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (torch.zeros(5), torch.zeros(4), "same length, got 5 and 4"),
        (torch.zeros(5, 1), torch.zeros(5, 1), r"x must be 1-D, got shape \(5, 1\)"),
        (torch.zeros(5), torch.zeros(()), r"y must be 1-D, got shape \(\)"),
        (torch.zeros(1), torch.zeros(1), "at least 2 points, got 1"),
        (torch.arange(5), torch.arange(5), "floating-point tensor"),
        ([0.0, 1.0], torch.zeros(2), "x must be a torch.Tensor, got list"),
        (torch.zeros(3), torch.zeros(3, dtype=torch.float64), "same dtype"),
    ],
)
def test_bad_tensors(x, y, message: str) -> None:
    for call in (
        lambda: fit_manual(x, y, random_cubic(0)),
        lambda: fit_autograd(x, y, random_cubic(0)),
        lambda: closed_form(x, y),
        lambda: plot_curve(x, y, title="t"),
    ):
        with pytest.raises(SinfitError, match=message):
            call()


@pytest.mark.parametrize("fit", [fit_manual, fit_autograd])
def test_divergence_names_the_epoch_and_suggests_a_smaller_rate(fit) -> None:
    x, y = sine_data()
    with pytest.raises(DivergenceError) as info:
        fit(x, y, random_cubic(0), lr=1e-4)
    err = info.value
    assert 1 < err.epoch < 1000
    assert not math.isfinite(err.loss)
    assert f"diverged at epoch {err.epoch}" in str(err)
    # the advice names the bound the rate broke, and a rate just under it does converge
    assert err.bound == pytest.approx(stability_bound(design_matrix(x.double())))
    assert f"converges only below {err.bound:.3g}" in str(err) and "take a smaller one" in str(err)
    fit(x, y, random_cubic(0), lr=0.99 * err.bound, epochs=300)


def test_divergence_epoch_is_the_first_non_finite_loss() -> None:
    x, y = sine_data()
    with pytest.raises(DivergenceError) as info:
        fit_manual(x, y, random_cubic(0), lr=1e-4)
    epoch = info.value.epoch
    # one epoch fewer trains without error, so the error came at the first bad epoch
    result = fit_manual(x, y, random_cubic(0), lr=1e-4, epochs=epoch - 1)
    assert math.isfinite(result.losses[-1])


def test_bad_model_input() -> None:
    with pytest.raises(SinfitError, match="coefficient b must be finite"):
        Cubic(0.0, math.nan, 0.0, 0.0)
    with pytest.raises(SinfitError, match="seed must be >= 0"):
        random_cubic(-1)
    with pytest.raises(SinfitError, match="x must be a floating-point tensor"):
        Cubic(0, 0, 0, 0)(torch.arange(3))
    with pytest.raises(SinfitError, match="closed form needs at least 4 points"):
        closed_form(torch.zeros(3), torch.zeros(3))
