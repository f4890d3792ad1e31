"""The hand-written gradients against PyTorch's autograd as an oracle, in float64."""

from __future__ import annotations

import math

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


def test_gradient_is_zero_at_the_exact_fit() -> None:
    # If y is itself a cubic and the prediction equals it, every gradient vanishes.
    x = torch.linspace(-math.pi, math.pi, 50, dtype=torch.float64)
    y = 1 - 2 * x + 0.5 * x**3
    grads = cubic_gradients(x, y.clone(), y)
    assert all(g.item() == 0.0 for g in grads)
