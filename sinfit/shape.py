"""A curve's shape in a few numbers: its ends, its highest and lowest points, where it turns.

A figure's description in words ("climbs from -37 to a hump of 1.5 near x = 0") needs these
numbers; taking them from the data keeps the words true when the curve changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from sinfit._checks import check_xy


@dataclass(frozen=True)
class Point:
    """One point of a curve."""

    x: float
    y: float


@dataclass(frozen=True)
class CurveShape:
    """The points a description of the curve y(x) names, all taken from the samples.

    ``turns`` are the interior samples where the curve changes direction (a local maximum or
    minimum), left to right; the global ``highest`` and ``lowest`` points may be ends.
    """

    start: Point
    end: Point
    highest: Point
    lowest: Point
    turns: tuple[Point, ...]


def describe_curve(x: torch.Tensor, y: torch.Tensor) -> CurveShape:
    """The shape of the sampled curve y(x), with x increasing.

    >>> import torch
    >>> x = torch.linspace(-1, 1, 5)
    >>> shape = describe_curve(x, 1 - x**2)
    >>> shape.highest, shape.turns
    (Point(x=0.0, y=1.0), (Point(x=0.0, y=1.0),))
    """
    check_xy(x, y)
    xs, ys = x.detach().tolist(), y.detach().tolist()

    def point(i: int) -> Point:
        return Point(xs[i], ys[i])

    # A turn is where the sign of the step changes; flat steps keep the previous direction,
    # so a plateau counts once.
    turns: list[Point] = []
    direction = 0
    for i in range(1, len(ys)):
        step = (ys[i] > ys[i - 1]) - (ys[i] < ys[i - 1])
        if step and direction and step != direction:
            turns.append(point(i - 1))
        direction = step or direction
    highest = max(range(len(ys)), key=ys.__getitem__)
    lowest = min(range(len(ys)), key=ys.__getitem__)
    return CurveShape(point(0), point(-1), point(highest), point(lowest), tuple(turns))
