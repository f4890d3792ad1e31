"""Argument checks shared by the modules; each raises a SinfitError naming the problem."""

from __future__ import annotations

import math

import torch

from sinfit.errors import SinfitError


def check_learning_rate(lr: float) -> float:
    """A learning rate must be a finite number greater than zero."""
    try:
        value = float(lr)
    except (TypeError, ValueError):
        raise SinfitError(f"learning rate must be a number, got {lr!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise SinfitError(f"learning rate must be finite and > 0, got {lr!r}")
    return value


def check_count(name: str, value: int, minimum: int) -> int:
    """An integer count (epochs, points, ...) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SinfitError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise SinfitError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_xy(x: torch.Tensor, y: torch.Tensor) -> None:
    """x and y must be 1-D floating tensors of the same length, at least 2 points."""
    for name, t in (("x", x), ("y", y)):
        if not isinstance(t, torch.Tensor):
            raise SinfitError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
        if t.dim() != 1:
            raise SinfitError(f"{name} must be 1-D, got shape {tuple(t.shape)}")
        if not t.is_floating_point():
            raise SinfitError(f"{name} must be a floating-point tensor, got {t.dtype}")
    if x.shape != y.shape:
        raise SinfitError(f"x and y must have the same length, got {x.shape[0]} and {y.shape[0]}")
    if x.dtype != y.dtype:
        raise SinfitError(f"x and y must have the same dtype, got {x.dtype} and {y.dtype}")
    if x.shape[0] < 2:
        raise SinfitError(f"need at least 2 points, got {x.shape[0]}")
