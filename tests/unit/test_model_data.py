"""The sample data and the cubic model."""

from __future__ import annotations

import math

import pytest
import torch

from sinfit import Cubic, sine_data


def test_default_data_is_the_lessons() -> None:
    x, y = sine_data()
    assert x.shape == (1000,) and x.dtype == torch.float32
    assert x[0].item() == pytest.approx(-math.pi) and x[-1].item() == pytest.approx(math.pi)
    torch.testing.assert_close(y, torch.sin(x))


def test_data_options() -> None:
    x, y = sine_data(points=11, interval=(0.0, 1.0), dtype=torch.float64, device="cpu")
    assert x.dtype == y.dtype == torch.float64
    torch.testing.assert_close(x, torch.linspace(0, 1, 11, dtype=torch.float64))


def test_cubic_evaluates_lowest_power_first() -> None:
    x = torch.tensor([0.0, 1.0, 2.0])
    torch.testing.assert_close(Cubic(1, 2, 3, 4)(x), torch.tensor([1.0, 10.0, 49.0]))


def test_formula_is_readable() -> None:
    assert Cubic(0.5, -1.25, 0.0, 2.0).formula(2) == "y = 0.50 - 1.25 x + 0.00 x^2 + 2.00 x^3"
    # a tiny negative rounds to zero without a minus sign
    assert Cubic(-1e-9, 0, 0, 0).formula(2).startswith("y = 0.00 ")


def test_tensor_round_trip_is_exact() -> None:
    cubic = Cubic(0.1, 0.2, 0.3, 0.4)
    assert Cubic.from_tensors(*cubic.to_tensors(torch.float64)) == cubic
