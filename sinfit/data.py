"""The sample the lesson fits: evenly spaced x on an interval and y = sin(x)."""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

from sinfit._checks import check_count
from sinfit.errors import SinfitError

#: The lesson's sample: 1000 points of [-pi, pi].
DEFAULT_POINTS = 1000
DEFAULT_INTERVAL = (-math.pi, math.pi)


class SineData(NamedTuple):
    """The lesson's points, as :func:`sine_data` returns them (unpack as ``x, y``).

    Attributes:
        x: the points, a 1-D tensor.
        y: the target sin(x), a tensor of the same shape.
    """

    x: torch.Tensor
    y: torch.Tensor


def sine_data(
    *,
    points: int = DEFAULT_POINTS,
    interval: tuple[float, float] = DEFAULT_INTERVAL,
    dtype: torch.dtype = torch.float32,
    device: torch.device | str | None = None,
) -> SineData:
    """Sample y = sin(x) at ``points`` evenly spaced x, ends included.

    >>> x, y = sine_data(points=5)
    >>> x.shape, y.dtype
    (torch.Size([5]), torch.float32)
    """
    check_count("points", points, 2)
    start, end = (float(v) for v in interval)
    if not (math.isfinite(start) and math.isfinite(end)):
        raise SinfitError(f"interval must have finite ends, got ({start}, {end})")
    if start >= end:
        # start == end would give the same x 1000 times; start > end a reversed axis.
        kind = "empty" if start == end else "reversed"
        raise SinfitError(f"interval is {kind}: start {start} must be < end {end}")
    if not dtype.is_floating_point:
        raise SinfitError(f"dtype must be a floating-point dtype, got {dtype}")
    x = torch.linspace(start, end, points, dtype=dtype, device=device)
    return SineData(x, torch.sin(x))
