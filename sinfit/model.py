"""The model: a cubic polynomial y_hat = a + b x + c x^2 + d x^3."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from sinfit._checks import check_xy
from sinfit.errors import SinfitError
from sinfit.loss import sum_squared_error


@dataclass(frozen=True)
class Cubic:
    """The four coefficients of ŷ = a + bx + cx² + dx³, as plain floats.

    Floats keep the model independent of any tensor's dtype or device; training
    converts them to 0-d tensors of the data's dtype and back. A trained cubic's
    coefficients come back exactly (they are float32 or float64 values already);
    with float32 data, a float such as 0.1 becomes its nearest float32 on the way in.
    """

    a: float
    b: float
    c: float
    d: float

    def __post_init__(self) -> None:
        for name, value in zip("abcd", self.coefficients(), strict=True):
            if not math.isfinite(value):
                raise SinfitError(f"coefficient {name} must be finite, got {value}")

    def coefficients(self) -> tuple[float, float, float, float]:
        """(a, b, c, d), lowest power first."""
        return (self.a, self.b, self.c, self.d)

    def __iter__(self) -> Iterator[float]:
        return iter(self.coefficients())

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Evaluate the cubic at every element of ``x``."""
        if not isinstance(x, torch.Tensor):
            raise SinfitError(f"x must be a torch.Tensor, got {type(x).__name__}")
        if not x.is_floating_point():
            raise SinfitError(f"x must be a floating-point tensor, got {x.dtype}")
        return self.a + self.b * x + self.c * x**2 + self.d * x**3

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> float:
        """The sum of squared errors of this cubic on (x, y), computed in float64."""
        check_xy(x, y)
        x64, y64 = x.detach().double(), y.detach().double()
        return sum_squared_error(self(x64), y64).item()

    def formula(self, digits: int = 4) -> str:
        """A readable formula, e.g. ``y = 0.0143 + 0.8462 x - 0.0025 x^2 - 0.0918 x^3``."""
        # Round first, so that -0.00001 prints as "+ 0.0000", not "- 0.0000".
        a, b, c, d = (round(v, digits) + 0.0 for v in self)
        terms = [f"{a:.{digits}f}"]
        for coef, power in ((b, " x"), (c, " x^2"), (d, " x^3")):
            sign = "-" if coef < 0 else "+"
            terms.append(f"{sign} {abs(coef):.{digits}f}{power}")
        return "y = " + " ".join(terms)

    @classmethod
    def from_tensors(cls, *coefs: torch.Tensor) -> Cubic:
        """Build from four 0-d tensors (a, b, c, d)."""
        if len(coefs) != 4:
            raise SinfitError(f"a cubic needs 4 coefficients, got {len(coefs)}")
        a, b, c, d = (float(t.detach()) for t in coefs)
        return cls(a, b, c, d)

    def to_tensors(
        self, dtype: torch.dtype = torch.float32, device: torch.device | str | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """The coefficients as four 0-d tensors, ready for a training loop."""
        a, b, c, d = (torch.tensor(v, dtype=dtype, device=device) for v in self)
        return a, b, c, d


def random_cubic(seed: int) -> Cubic:
    """Random coefficients, each drawn from N(0, 1), reproducible from ``seed``.

    The draws are ``torch.randn(())`` four times, in the order a, b, c, d, from a
    generator seeded with ``seed``. That is exactly what
    ``torch.manual_seed(seed)`` followed by four ``torch.randn(())`` gives, so a
    page may write the plain PyTorch lines and still match this function.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise SinfitError(f"seed must be an integer, got {seed!r}")
    if seed < 0:
        raise SinfitError(f"seed must be >= 0, got {seed}")
    gen = torch.Generator().manual_seed(seed)
    a, b, c, d = (torch.randn((), generator=gen) for _ in range(4))
    return Cubic.from_tensors(a, b, c, d)
