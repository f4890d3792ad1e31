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
        epoch (int): the 1-based epoch at which the loss stopped being finite.
        loss (float): that loss (inf or NaN).
        lr (float): the learning rate that was used.
    """

    def __init__(self, epoch: int, loss: float, lr: float) -> None:
        self.epoch = epoch
        self.loss = loss
        self.lr = lr
        super().__init__(
            f"training diverged at epoch {epoch}: the loss became {loss}; "
            f"the learning rate {lr:g} is too large, try a smaller one "
            f"(for example {lr / 10:g})"
        )
