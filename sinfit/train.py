"""Gradient descent on the cubic, two ways: gradients by hand and by autograd.

Both follow the lesson's loop to the letter: forward pass, loss, gradients,
then ``w -= lr * grad`` for each coefficient, once per epoch over all points.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from sinfit._checks import check_count, check_learning_rate, check_xy
from sinfit.errors import DivergenceError, SinfitError
from sinfit.loss import cubic_gradients, sum_squared_error
from sinfit.model import Cubic

#: Called as ``on_log(t, loss)``: ``t`` counts the updates made so far (``t = 0`` is the start),
#: ``loss`` is the loss of the weights after those ``t`` updates.
LogHook = Callable[[int, float], None]

#: The lesson's settings.
DEFAULT_LR = 1e-6
DEFAULT_EPOCHS = 1000


@dataclass(frozen=True)
class FitResult:
    """What training returns.

    Attributes:
        cubic: the coefficients after the last update.
        losses: the loss at t = 0, 1, ..., epochs - 1, where t counts the updates made so
            far: ``losses[t]`` is the loss of the weights after ``t`` updates, measured in the
            epoch that makes update ``t + 1``. ``losses[0]`` is the loss of the start; the
            loss at t = epochs, after the last update, is that of ``cubic``.
    """

    cubic: Cubic
    losses: list[float]


def print_log(t: int, loss: float) -> None:
    """Print the default log line, as the lessons print theirs.

    >>> print_log(100, 1957.42)
    t =  100  loss    1957.42
    """
    print(f"t = {t:4d}  loss {loss:10.2f}")


def _check_run(
    x: torch.Tensor, y: torch.Tensor, lr: float, epochs: int, log_every: int | None
) -> tuple[float, int]:
    check_xy(x, y)
    lr = check_learning_rate(lr)
    epochs = check_count("epochs", epochs, 0)
    if log_every is not None:
        check_count("log_every", log_every, 1)
    return lr, epochs


def _diverged(t: int, loss: float, lr: float, x: torch.Tensor) -> DivergenceError:
    """The error for a loss that stopped being finite at t, with the bound it broke."""
    from sinfit.basis import design_matrix, stability_bound

    bound = stability_bound(design_matrix(x.detach().double()))
    return DivergenceError(t + 1, loss, lr, bound)  # 1-based: the epoch that measured it


def _observe(
    t: int, loss: float, lr: float, log_every: int | None, on_log: LogHook | None, x: torch.Tensor
) -> None:
    """Stop on a non-finite loss at t; call the log hook at t = 0, log_every, 2 log_every, ..."""
    if not math.isfinite(loss):
        raise _diverged(t, loss, lr, x)
    if log_every is not None and t % log_every == 0:
        (on_log or print_log)(t, loss)


def _log_end(
    t: int,
    loss: torch.Tensor,
    lr: float,
    log_every: int | None,
    on_log: LogHook | None,
    x: torch.Tensor,
) -> None:
    """After the loop: log the loss at t = epochs, after the last update, whatever log_every."""
    if log_every is not None:
        value = loss.item()
        if not math.isfinite(value):
            raise _diverged(t, value, lr, x)
        (on_log or print_log)(t, value)


def fit_manual(
    x: torch.Tensor,
    y: torch.Tensor,
    start: Cubic,
    *,
    lr: float = DEFAULT_LR,
    epochs: int = DEFAULT_EPOCHS,
    log_every: int | None = None,
    on_log: LogHook | None = None,
) -> FitResult:
    """Fit the cubic by gradient descent with hand-written gradients.

    With ``log_every``, ``on_log`` (default: :func:`print_log`) sees the loss at
    t = 0, log_every, 2 log_every, ... and, after the last update, at t = epochs.

    Raises:
        SinfitError: bad data, learning rate or epoch count.
        DivergenceError: the loss became inf or NaN (the learning rate is too large).
    """
    lr, epochs = _check_run(x, y, lr, epochs, log_every)
    a, b, c, d = start.to_tensors(dtype=x.dtype, device=x.device)
    losses: list[float] = []
    for t in range(epochs):
        # forward: predict y and measure the loss at t
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = sum_squared_error(y_pred, y).item()
        losses.append(loss)
        _observe(t, loss, lr, log_every, on_log, x)
        # backward: gradients by the chain rule (see sinfit.loss)
        grad_a, grad_b, grad_c, grad_d = cubic_gradients(x, y_pred, y)
        # update: one step downhill
        a -= lr * grad_a
        b -= lr * grad_b
        c -= lr * grad_c
        d -= lr * grad_d
    if log_every is not None:
        final = sum_squared_error(a + b * x + c * x**2 + d * x**3, y)
        _log_end(epochs, final, lr, log_every, on_log, x)
    return FitResult(Cubic.from_tensors(a, b, c, d), losses)


def fit_autograd(
    x: torch.Tensor,
    y: torch.Tensor,
    start: Cubic,
    *,
    lr: float = DEFAULT_LR,
    epochs: int = DEFAULT_EPOCHS,
    log_every: int | None = None,
    on_log: LogHook | None = None,
) -> FitResult:
    """The same fit as :func:`fit_manual`, with gradients from ``loss.backward()``."""
    lr, epochs = _check_run(x, y, lr, epochs, log_every)
    coefs = [t.requires_grad_() for t in start.to_tensors(dtype=x.dtype, device=x.device)]
    a, b, c, d = coefs
    losses: list[float] = []
    for t in range(epochs):
        # forward: the loss at t
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = sum_squared_error(y_pred, y)
        losses.append(loss.item())
        _observe(t, losses[-1], lr, log_every, on_log, x)
        # backward: autograd fills each coefficient's .grad
        loss.backward()
        # update, outside the graph, then clear the gradients for the next epoch
        with torch.no_grad():
            for w in coefs:
                assert w.grad is not None
                w -= lr * w.grad
                w.grad = None
    if log_every is not None:
        with torch.no_grad():
            final = sum_squared_error(a + b * x + c * x**2 + d * x**3, y)
        _log_end(epochs, final, lr, log_every, on_log, x)
    return FitResult(Cubic.from_tensors(a, b, c, d), losses)


def closed_form(x: torch.Tensor, y: torch.Tensor) -> Cubic:
    """The least-squares cubic: the lowest loss any cubic reaches on these points.

    The loss is a quadratic in (a, b, c, d), so the w that minimises it solves the
    normal equations XᵀXw = Xᵀy with X = [1, x, x², x³]. We solve them by
    ``torch.linalg.lstsq`` in float64, which is stabler than inverting XᵀX.
    """
    check_xy(x, y)
    if x.shape[0] < 4:
        raise SinfitError(f"the closed form needs at least 4 points, got {x.shape[0]}")
    x64, y64 = x.detach().double().cpu(), y.detach().double().cpu()
    design = torch.stack([x64**k for k in range(4)], dim=1)
    w = torch.linalg.lstsq(design, y64.unsqueeze(1)).solution.squeeze(1)
    return Cubic(*(float(v) for v in w))
