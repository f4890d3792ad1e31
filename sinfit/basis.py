"""Bases for the cubic, and the curvature of the loss in each.

The loss L(w) = ||X w - y||^2 is a quadratic bowl in the weights w, with Hessian 2 X^T X,
where X holds one column per basis function evaluated at the points. Its eigenvalues are the
bowl's curvatures; plain gradient descent is stable only for lr < 2 / (largest curvature),
and then the flattest direction shrinks by a factor (1 - lr * smallest curvature) per step.
The ratio of the two (the condition number) decides how slow it is.

Three bases span the same cubics: the monomials 1, x, x^2, x^3 (the lesson's a, b, c, d); the
Legendre polynomials P0..P3 of x / pi, whose columns are orthogonal but of different lengths
(curvatures near 2N / (2n + 1) for N points, condition number about 7); and the same polynomials
scaled by sqrt(2n + 1), whose columns also have equal lengths (Hessian near 2N I, condition number
near 1).
"""

from __future__ import annotations

import math
from typing import Literal

import torch

from sinfit._checks import check_count, check_learning_rate
from sinfit.errors import DivergenceError, SinfitError
from sinfit.model import Cubic

Basis = Literal["monomial", "legendre", "legendre-normalized"]

#: The valid basis names, in the order the error message lists them.
BASES: tuple[str, ...] = ("monomial", "legendre", "legendre-normalized")


def _check_basis(basis: object) -> None:
    if basis not in BASES:
        choices = ", ".join(repr(b) for b in BASES)
        raise SinfitError(f"basis must be one of {choices}, got {basis!r}")


def legendre(t: torch.Tensor, *, normalized: bool = False) -> torch.Tensor:
    """Legendre polynomials P0..P3 of t (columns), orthogonal on [-1, 1].

    The integral of Pₙ² over [-1, 1] is 2 / (2n + 1), so the columns have different lengths;
    with ``normalized=True`` each Pₙ is multiplied by √(2n + 1), which makes every one of
    those integrals 2.
    """
    columns = torch.stack(
        [torch.ones_like(t), t, (3 * t**2 - 1) / 2, (5 * t**3 - 3 * t) / 2], dim=1
    )
    if normalized:
        columns = columns * torch.sqrt(2 * torch.arange(4, dtype=t.dtype) + 1)
    return columns


def design_matrix(x: torch.Tensor, basis: Basis = "monomial") -> torch.Tensor:
    """X with one column per basis function, for ``basis`` one of :data:`BASES`.

    ``"monomial"``: [1, x, x², x³]; ``"legendre"``: P₀..P₃ of x / π;
    ``"legendre-normalized"``: √(2n + 1) Pₙ of x / π.
    """
    if not isinstance(x, torch.Tensor) or x.dim() != 1 or not x.is_floating_point():
        raise SinfitError("x must be a 1-D floating-point tensor")
    _check_basis(basis)
    if basis == "monomial":
        return torch.stack([x**k for k in range(4)], dim=1)
    return legendre(x / math.pi, normalized=basis == "legendre-normalized")


def basis_weights(cubic: Cubic, basis: Basis = "monomial") -> torch.Tensor:
    """The weights w (float64) for which ``design_matrix(x, basis) @ w`` is ``cubic(x)``.

    The same curve in another basis: with u = x / π the cubic is
    a + bπu + cπ²u² + dπ³u³, and u² = (2P₂ + P₀) / 3, u³ = (2P₃ + 3P₁) / 5.
    """
    if not isinstance(cubic, Cubic):
        raise SinfitError(f"cubic must be a sinfit.Cubic, got {type(cubic).__name__}")
    _check_basis(basis)
    a, b, c, d = cubic.coefficients()
    if basis == "monomial":
        return torch.tensor([a, b, c, d], dtype=torch.float64)
    pi2, pi3 = math.pi**2, math.pi**3
    w = torch.tensor(
        [a + c * pi2 / 3, b * math.pi + 3 * d * pi3 / 5, 2 * c * pi2 / 3, 2 * d * pi3 / 5],
        dtype=torch.float64,
    )
    if basis == "legendre-normalized":
        w = w / torch.sqrt(2 * torch.arange(4, dtype=torch.float64) + 1)
    return w


def loss_hessian(design: torch.Tensor) -> torch.Tensor:
    """2XᵀX, the (constant) Hessian of the sum of squared errors, in float64."""
    if design.dim() != 2:
        raise SinfitError(f"design must be 2-D, got shape {tuple(design.shape)}")
    x64 = design.double()
    return 2 * x64.T @ x64


def curvatures(design: torch.Tensor) -> torch.Tensor:
    """The Hessian's eigenvalues, smallest first."""
    return torch.linalg.eigvalsh(loss_hessian(design))


def stability_bound(design: torch.Tensor) -> float:
    """2 / λₘₐₓ, λₘₐₓ the loss's largest curvature (:func:`curvatures`): gradient
    descent on this design converges from any start at every positive learning rate below it;
    above it, a start with any part along the steepest axis diverges."""
    return 2.0 / curvatures(design)[-1].item()


def fit_in_basis(
    design: torch.Tensor,
    y: torch.Tensor,
    *,
    lr: float,
    epochs: int,
    start: torch.Tensor | None = None,
) -> tuple[torch.Tensor, list[float]]:
    """Gradient descent on w for ŷ = Xw; returns w after ``epochs`` updates and the
    losses at t = 0, ..., epochs - 1 (each before its update: ``losses[0]`` is the loss at the
    start, and the final w's loss is not in the list).

    The same update as the lesson, written for any basis: grad = 2Xᵀ(Xw - y). It starts
    from ``start`` (one weight per column of ``design``, e.g. from :func:`basis_weights`), or
    from w = 0 when ``start`` is None.
    """
    lr = check_learning_rate(lr)
    epochs = check_count("epochs", epochs, 0)
    if design.dim() != 2 or y.dim() != 1 or design.shape[0] != y.shape[0]:
        raise SinfitError(
            f"design must be (n, k) and y (n,), got {tuple(design.shape)} and {tuple(y.shape)}"
        )
    k = design.shape[1]
    if start is None:
        w = torch.zeros(k, dtype=design.dtype)
    else:
        if not isinstance(start, torch.Tensor):
            raise SinfitError(f"start must be a torch.Tensor, got {type(start).__name__}")
        if start.shape != (k,):
            raise SinfitError(
                f"start must hold one weight per column of design, shape ({k},), "
                f"got shape {tuple(start.shape)}"
            )
        if not torch.isfinite(start).all():
            raise SinfitError(f"start must be finite, got {start.tolist()}")
        w = start.detach().to(design.dtype)
    losses: list[float] = []
    for epoch in range(1, epochs + 1):
        residual = design @ w - y  # forward
        loss = residual.pow(2).sum().item()
        if not math.isfinite(loss):
            raise DivergenceError(epoch, loss, lr)
        losses.append(loss)
        w = w - lr * 2 * design.T @ residual  # backward and update in one line
    return w, losses
