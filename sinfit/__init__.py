"""sinfit: fit a cubic polynomial to sin(x) with PyTorch, the way the tutorial does.

>>> from sinfit import sine_data, random_cubic, fit_manual
>>> x, y = sine_data()
>>> result = fit_manual(x, y, random_cubic(0))
>>> result.losses[-1] < result.losses[0]
True
"""

from sinfit.data import SineData, sine_data
from sinfit.errors import DivergenceError, SinfitError
from sinfit.loss import cubic_gradients, sum_squared_error
from sinfit.model import Cubic, random_cubic
from sinfit.plotting import plot_comparison, plot_curve
from sinfit.train import FitResult, closed_form, fit_autograd, fit_manual, print_log

__all__ = [
    "Cubic",
    "DivergenceError",
    "FitResult",
    "SineData",
    "SinfitError",
    "closed_form",
    "cubic_gradients",
    "fit_autograd",
    "fit_manual",
    "plot_comparison",
    "plot_curve",
    "print_log",
    "random_cubic",
    "sine_data",
    "sum_squared_error",
]
__version__ = "0.1.0"
