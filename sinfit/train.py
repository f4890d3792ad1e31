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

#: Called as ``on_log(epoch, loss)`` every ``log_every`` epochs; ``epoch`` is 1-based.
LogHook = Callable[[int, float], None]

#: The lesson's settings.
DEFAULT_LR = 1e-6
DEFAULT_EPOCHS = 1000


@dataclass(frozen=True)
class FitResult:
    """What training returns.

    Attributes:
        cubic: the coefficients after the last update.
        losses: the loss of every epoch, measured before that epoch's update
            (so ``losses[0]`` is the loss of the starting coefficients).
    """

    cubic: Cubic
    losses: list[float]


def print_log(epoch: int, loss: float) -> None:
    """The default log line: ``epoch  100  loss 3586.10``."""
    print(f"epoch {epoch:4d}  loss {loss:.2f}")


def _check_run(
    x: torch.Tensor, y: torch.Tensor, lr: float, epochs: int, log_every: int | None
) -> tuple[float, int]:
    check_xy(x, y)
    lr = check_learning_rate(lr)
    epochs = check_count("epochs", epochs, 0)
    if log_every is not None:
        check_count("log_every", log_every, 1)
    return lr, epochs


def _observe(
    epoch: int, loss: float, lr: float, log_every: int | None, on_log: LogHook | None
) -> None:
    """Stop on a non-finite loss; call the log hook every ``log_every`` epochs."""
    if not math.isfinite(loss):
        raise DivergenceError(epoch, loss, lr)
    if log_every is not None and epoch % log_every == 0:
        (on_log or print_log)(epoch, loss)


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

    Raises:
        SinfitError: bad data, learning rate or epoch count.
        DivergenceError: the loss became inf or NaN (the learning rate is too large).
    """
    lr, epochs = _check_run(x, y, lr, epochs, log_every)
    a, b, c, d = start.to_tensors(dtype=x.dtype, device=x.device)
    losses: list[float] = []
    for epoch in range(1, epochs + 1):
        # forward: predict y and measure the loss
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = sum_squared_error(y_pred, y).item()
        losses.append(loss)
        _observe(epoch, loss, lr, log_every, on_log)
        # backward: gradients by the chain rule (see sinfit.loss)
        grad_a, grad_b, grad_c, grad_d = cubic_gradients(x, y_pred, y)
        # update: one step downhill
        a -= lr * grad_a
        b -= lr * grad_b
        c -= lr * grad_c
        d -= lr * grad_d
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
    for epoch in range(1, epochs + 1):
        # forward
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = sum_squared_error(y_pred, y)
        losses.append(loss.item())
        _observe(epoch, losses[-1], lr, log_every, on_log)
        # backward: autograd fills each coefficient's .grad
        loss.backward()
        # update, outside the graph, then clear the gradients for the next epoch
        with torch.no_grad():
            for w in coefs:
                assert w.grad is not None
                w -= lr * w.grad
                w.grad = None
    return FitResult(Cubic.from_tensors(a, b, c, d), losses)


def closed_form(x: torch.Tensor, y: torch.Tensor) -> Cubic:
    """The least-squares cubic: the lowest loss any cubic reaches on these points.

    The loss is a quadratic in (a, b, c, d), so its minimum solves the normal
    equations X^T X w = X^T y with X = [1, x, x^2, x^3]. We solve it by
    ``torch.linalg.lstsq`` in float64, which is stabler than inverting X^T X.
    """
    check_xy(x, y)
    if x.shape[0] < 4:
        raise SinfitError(f"the closed form needs at least 4 points, got {x.shape[0]}")
    x64, y64 = x.detach().double().cpu(), y.detach().double().cpu()
    design = torch.stack([x64**k for k in range(4)], dim=1)
    w = torch.linalg.lstsq(design, y64.unsqueeze(1)).solution.squeeze(1)
    return Cubic(*(float(v) for v in w))
