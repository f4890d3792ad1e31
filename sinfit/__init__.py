"""sinfit: fit a cubic polynomial to sin(x) with PyTorch, the way the tutorial does.

>>> from sinfit import sine_data, random_cubic, fit_manual
>>> x, y = sine_data()
>>> result = fit_manual(x, y, random_cubic(0))
>>> result.losses[-1] < result.losses[0]
True
"""

from sinfit.animation import AnimatedSVG, animate_fit, fit_snapshots, frame_epochs
from sinfit.basis import (
    BASES,
    basis_weights,
    curvatures,
    design_matrix,
    fit_in_basis,
    legendre,
    loss_hessian,
    stability_bound,
)
from sinfit.bowl import clip_losses, plot_bowl
from sinfit.data import SineData, sine_data
from sinfit.errors import DivergenceError, SinfitError
from sinfit.explorer import ExplorerRun, LearningRateExplorer, learning_rate_explorer
from sinfit.loss import cubic_gradients, sum_squared_error
from sinfit.model import Cubic, random_cubic
from sinfit.optim import compare_optimizers, plot_losses, train_with
from sinfit.plotting import (
    FIT_COLOR,
    SINE_COLOR,
    DisplayFigure,
    plot_comparison,
    plot_curve,
    rate_label,
)
from sinfit.shape import CurveShape, Point, describe_curve
from sinfit.train import FitResult, closed_form, fit_autograd, fit_manual, print_log

__all__ = [
    "BASES",
    "FIT_COLOR",
    "SINE_COLOR",
    "AnimatedSVG",
    "Cubic",
    "CurveShape",
    "DisplayFigure",
    "DivergenceError",
    "ExplorerRun",
    "FitResult",
    "LearningRateExplorer",
    "Point",
    "SineData",
    "SinfitError",
    "animate_fit",
    "basis_weights",
    "clip_losses",
    "closed_form",
    "compare_optimizers",
    "cubic_gradients",
    "curvatures",
    "describe_curve",
    "design_matrix",
    "fit_autograd",
    "fit_in_basis",
    "fit_manual",
    "fit_snapshots",
    "frame_epochs",
    "learning_rate_explorer",
    "legendre",
    "loss_hessian",
    "plot_bowl",
    "plot_comparison",
    "plot_curve",
    "plot_losses",
    "print_log",
    "random_cubic",
    "rate_label",
    "sine_data",
    "stability_bound",
    "sum_squared_error",
    "train_with",
]
__version__ = "0.1.0"
