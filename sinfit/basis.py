"""Bases for the cubic, and the curvature of the loss in each.

The loss L(w) = ||X w - y||^2 is a quadratic bowl in the weights w, with Hessian 2 X^T X,
where X holds one column per basis function evaluated at the points. Its eigenvalues are the
bowl's curvatures; plain gradient descent is stable only for lr < 2 / (largest curvature),
and then the flattest direction shrinks by a factor (1 - lr * smallest curvature) per step.
The ratio of the two (the condition number) decides how slow it is.
"""

from __future__ import annotations

import math
from typing import Literal

import torch

from sinfit._checks import check_count, check_learning_rate
from sinfit.errors import DivergenceError, SinfitError

Basis = Literal["monomial", "legendre"]


def legendre(t: torch.Tensor) -> torch.Tensor:
    """Legendre polynomials P0..P3 of t (columns), orthogonal on [-1, 1]."""
    return torch.stack([torch.ones_like(t), t, (3 * t**2 - 1) / 2, (5 * t**3 - 3 * t) / 2], dim=1)


def design_matrix(x: torch.Tensor, basis: Basis = "monomial") -> torch.Tensor:
    """X with one column per basis function: [1, x, x^2, x^3] or P0..P3 of x / pi."""
    if not isinstance(x, torch.Tensor) or x.dim() != 1 or not x.is_floating_point():
        raise SinfitError("x must be a 1-D floating-point tensor")
    if basis == "monomial":
        return torch.stack([x**k for k in range(4)], dim=1)
    if basis == "legendre":
        return legendre(x / math.pi)
    raise SinfitError(f"basis must be 'monomial' or 'legendre', got {basis!r}")


def loss_hessian(design: torch.Tensor) -> torch.Tensor:
    """2 X^T X, the (constant) Hessian of the sum of squared errors, in float64."""
    if design.dim() != 2:
        raise SinfitError(f"design must be 2-D, got shape {tuple(design.shape)}")
    x64 = design.double()
    return 2 * x64.T @ x64


def curvatures(design: torch.Tensor) -> torch.Tensor:
    """The Hessian's eigenvalues, smallest first."""
    return torch.linalg.eigvalsh(loss_hessian(design))


def stability_bound(design: torch.Tensor) -> float:
    """The largest learning rate for which gradient descent does not diverge: 2 / lambda_max."""
    return 2.0 / curvatures(design)[-1].item()


def fit_in_basis(
    design: torch.Tensor, y: torch.Tensor, *, lr: float, epochs: int
) -> tuple[torch.Tensor, list[float]]:
    """Gradient descent on w for y_hat = X w from w = 0; returns w and the loss of every epoch.

    The same update as the lesson, written for any basis: grad = 2 X^T (X w - y).
    """
    lr = check_learning_rate(lr)
    epochs = check_count("epochs", epochs, 0)
    if design.dim() != 2 or y.dim() != 1 or design.shape[0] != y.shape[0]:
        raise SinfitError(
            f"design must be (n, k) and y (n,), got {tuple(design.shape)} and {tuple(y.shape)}"
        )
    w = torch.zeros(design.shape[1], dtype=design.dtype)
    losses: list[float] = []
    for epoch in range(1, epochs + 1):
        residual = design @ w - y  # forward
        loss = residual.pow(2).sum().item()
        if not math.isfinite(loss):
            raise DivergenceError(epoch, loss, lr)
        losses.append(loss)
        w = w - lr * 2 * design.T @ residual  # backward and update in one line
    return w, losses
