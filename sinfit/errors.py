"""The errors sinfit raises on bad input.

Every check in sinfit raises :class:`SinfitError` (a ``ValueError``) with a
message that names the offending argument and its value, so that a learner sees
*what* is wrong instead of a NaN curve three cells later.
"""

from __future__ import annotations


class SinfitError(ValueError):
    """Bad input to sinfit: the message names the argument and the problem."""


class DivergenceError(SinfitError):
    """Gradient descent blew up: the loss became inf or NaN.

    Attributes:
        epoch (int): the 1-based epoch whose loss was not finite (epoch k measures the loss at
            t = k - 1); epochs + 1 for the loss after the last update, which a fit measures
            only when it logs.
        loss (float): that loss (inf or NaN).
        lr (float): the learning rate that was used.
        bound (float | None): the learning rate below which gradient descent on these points
            converges (`stability_bound`), where the training knows it; None otherwise.
    """

    def __init__(self, epoch: int, loss: float, lr: float, bound: float | None = None) -> None:
        self.epoch = epoch
        self.loss = loss
        self.lr = lr
        self.bound = bound
        # A tenth of the rate is no rule: on the lessons' points 1e-4 diverges and so does 1e-5
        # (the bound is about 7.1e-6). Where the bound is known, the message says it.
        advice = (
            f"gradient descent on these points converges only below {bound:.3g} "
            "(sinfit.stability_bound): take a smaller one"
            if bound is not None
            else "try a smaller one"
        )
        super().__init__(
            f"training diverged at epoch {epoch}: the loss became {loss}; "
            f"the learning rate {lr:g} is too large; {advice}"
        )
