"""The hand-written gradients against PyTorch's autograd as an oracle, in float64."""

from __future__ import annotations

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sinfit import cubic_gradients, sine_data, sum_squared_error

coef = st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(a=coef, b=coef, c=coef, d=coef, points=st.integers(min_value=2, max_value=200))
def test_hand_written_gradients_equal_autograd(
    a: float, b: float, c: float, d: float, points: int
) -> None:
    x, y = sine_data(points=points, dtype=torch.float64)
    w = torch.tensor([a, b, c, d], dtype=torch.float64, requires_grad=True)
    y_pred = w[0] + w[1] * x + w[2] * x**2 + w[3] * x**3
    sum_squared_error(y_pred, y).backward()
    assert w.grad is not None
    ours = torch.stack(cubic_gradients(x, y_pred.detach(), y))
    torch.testing.assert_close(ours, w.grad, rtol=1e-10, atol=1e-9)


def test_loss_is_sum_not_mean() -> None:
    y = torch.zeros(4, dtype=torch.float64)
    y_pred = torch.tensor([1.0, -1.0, 2.0, 0.0], dtype=torch.float64)
    assert sum_squared_error(y_pred, y).item() == 6.0


def test_gradients_are_the_normal_equations_and_vanish_at_the_least_squares_fit() -> None:
    """Without autograd: the four gradients are 2·Xᵀ(ŷ - y) for the design matrix X of
    columns 1, x, x², x³ (each a different weighting of the residuals, so a formula with the
    wrong power of x fails), and at the least-squares cubic, where the residuals are not zero,
    all four vanish up to rounding."""
    x, y = sine_data(points=200, dtype=torch.float64)
    design = torch.stack([x**k for k in range(4)], dim=1)
    weights = torch.tensor([0.3, -0.8, 0.05, 0.12], dtype=torch.float64)
    y_pred = design @ weights
    expected = 2 * design.T @ (y_pred - y)
    assert expected.abs().min() > 1.0, "a point where every gradient is clearly not zero"
    ours = torch.stack(cubic_gradients(x, y_pred, y))
    torch.testing.assert_close(ours, expected, rtol=1e-12, atol=1e-9)
    best = torch.linalg.lstsq(design, y.unsqueeze(1)).solution.squeeze(1)
    y_best = design @ best
    assert (y_best - y).abs().sum() > 1.0, "the cubic does not fit sin exactly"
    scale = 2 * design.abs().sum(dim=0)  # each gradient's size if every residual were 1
    at_best = torch.stack(cubic_gradients(x, y_best, y))
    assert (at_best.abs() < 1e-9 * scale).all(), at_best
