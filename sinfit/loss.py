"""The loss, and its gradient written by hand beside it.

    L(a, b, c, d) = sum_i (y_hat_i - y_i)^2,   y_hat_i = a + b x_i + c x_i^2 + d x_i^3

By the chain rule, dL/dy_hat_i = 2 (y_hat_i - y_i), and dy_hat_i/da = 1,
dy_hat_i/db = x_i, dy_hat_i/dc = x_i^2, dy_hat_i/dd = x_i^3. So each coefficient's
gradient is the residual signal 2 (y_hat - y) weighted by its power of x, summed.
"""

from __future__ import annotations

import torch


def sum_squared_error(y_pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """L = Σ (y_pred - y)², a 0-d tensor.

    The *sum*, not the mean, as in part 1 of the course (the network lessons use the
    mean): over 1000 points its gradients are 1000 times those of the mean. That,
    and x³ reaching π³ (about 31) on [-π, π], is why the lessons' learning rate is
    as small as 1e-6.
    ``torch.nn.MSELoss(reduction="sum")`` computes the same number.
    """
    return (y_pred - y).pow(2).sum()


def cubic_gradients(
    x: torch.Tensor, y_pred: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(dL/da, dL/db, dL/dc, dL/dd) for the sum of squared errors of a cubic."""
    grad_y_pred = 2.0 * (y_pred - y)  # dL/dy_hat, one number per point
    grad_a = grad_y_pred.sum()  # dy_hat/da = 1
    grad_b = (grad_y_pred * x).sum()  # dy_hat/db = x
    grad_c = (grad_y_pred * x**2).sum()  # dy_hat/dc = x^2
    grad_d = (grad_y_pred * x**3).sum()  # dy_hat/dd = x^3
    return grad_a, grad_b, grad_c, grad_d
