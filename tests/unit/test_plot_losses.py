"""plot_losses: losses[k] drawn at t = k, in the site's colours, on a log axis."""

from __future__ import annotations

import pytest

from sinfit import (
    FIT_COLOR,
    SINE_COLOR,
    SinfitError,
    fit_manual,
    plot_losses,
    random_cubic,
    rate_label,
    sine_data,
)
from sinfit.optim import LOSS_COLORS


def test_the_first_loss_is_drawn_at_t_zero() -> None:
    x, y = sine_data()
    losses = fit_manual(x, y, random_cubic(0), epochs=50).losses
    (ax,) = plot_losses({"run": losses}).axes
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == list(range(50))  # losses[k] at t = k, from 0
    assert list(line.get_ydata()) == losses
    assert ax.get_yscale() == "log"


def test_a_single_curve_is_the_cubics_colour_and_the_sines_green_is_never_used() -> None:
    (ax,) = plot_losses({f"η = {rate_label(1e-6)}": [3.0, 2.0, 1.0]}, floor=0.5).axes
    line, floor = ax.get_lines()
    assert line.get_color() == FIT_COLOR
    assert floor.get_linestyle() == "--" and list(floor.get_ydata()) == [0.5, 0.5]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["η = 10⁻⁶", "L*"]
    many = {f"curve {k}": [2.0, 1.0] for k in range(12)}
    colors = [ln.get_color() for ln in plot_losses(many).axes[0].get_lines()]
    assert SINE_COLOR not in colors and SINE_COLOR not in LOSS_COLORS
    assert colors[: len(LOSS_COLORS)] == list(LOSS_COLORS)  # then the palette repeats
    assert len(set(colors[:4])) == 4, "the first curves are told apart by colour"


def test_colours_can_be_chosen_and_must_not_be_empty() -> None:
    (ax,) = plot_losses({"a": [2.0, 1.0], "b": [3.0, 1.0]}, colors=("black",)).axes
    assert [ln.get_color() for ln in ax.get_lines()] == ["black", "black"]
    with pytest.raises(SinfitError, match="colors"):
        plot_losses({"a": [2.0, 1.0]}, colors=())
    with pytest.raises(SinfitError, match="at least one loss curve"):
        plot_losses({})
