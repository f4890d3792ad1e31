"""The plotting helpers return properly sized Figures without pyplot."""

from __future__ import annotations

import io

import pytest
from matplotlib.figure import Figure

from sinfit import SinfitError, plot_comparison, plot_curve, random_cubic, sine_data


def test_plot_curve_is_a_full_size_figure_with_the_data() -> None:
    x, y = sine_data()
    fig = plot_curve(x, y, title="sin(x)")
    assert isinstance(fig, Figure)
    width, height = fig.get_size_inches()
    assert height >= 0.5 * width  # not a one-third-height strip
    (ax,) = fig.axes
    assert ax.get_title() == "sin(x)"
    (line,) = ax.get_lines()
    assert list(line.get_ydata()) == y.tolist()


def test_plot_comparison_has_one_panel_per_curve_and_renders_headless() -> None:
    x, y = sine_data()
    start = random_cubic(0)
    fig = plot_comparison(x, {"sin(x)": y, "fitted": start(x) * 0.5, "random": start(x)})
    assert [ax.get_title() for ax in fig.axes] == ["sin(x)", "fitted", "random"]
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue().startswith(b"\x89PNG")


def test_plot_comparison_shares_the_y_axis_only_when_asked() -> None:
    x, y = sine_data()
    curves = {"sin(x)": y, "random": random_cubic(0)(x)}
    own = [ax.get_ylim() for ax in plot_comparison(x, curves).axes]
    shared = [ax.get_ylim() for ax in plot_comparison(x, curves, share_y=True).axes]
    assert own[0] != own[1], "a sine and a random cubic on their own scales"
    assert shared[0] == shared[1] and shared[0][0] <= float(curves["random"].min())


def test_figures_for_the_pages_hold_symbols_not_words() -> None:
    from sinfit import plot_losses

    x, y = sine_data()
    (ax,) = plot_curve(x, y).axes
    assert ax.get_title() == "" and (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")
    (ax,) = plot_losses({"SGD": [3.0, 2.0, 1.0]}, floor=0.5).axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("t", "L")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["SGD", "L*"]


def test_plot_comparison_needs_a_curve() -> None:
    x, _ = sine_data()
    with pytest.raises(SinfitError, match="at least one curve"):
        plot_comparison(x, {})


def test_figures_display_as_reproducible_svg() -> None:
    x, y = sine_data()
    first = plot_curve(x, y, title="sin(x)")._repr_svg_()
    again = plot_curve(x, y, title="sin(x)")._repr_svg_()
    assert first.lstrip().startswith("<?xml") and "<svg" in first
    assert first == again  # no date, fixed ids: the same figure gives the same bytes
    assert len(first) < 60_000


def test_plot_comparison_draws_the_target_dashed_and_the_curves_in_the_fit_colour() -> None:
    from sinfit import FIT_COLOR, SINE_COLOR

    x, y = sine_data()
    start = random_cubic(0)
    fig = plot_comparison(x, {"t = 0": start(x), "sin(x)": y}, target=y)
    first, second = fig.axes
    (target, curve) = first.get_lines()
    assert (target.get_color(), target.get_linestyle()) == (SINE_COLOR, "--")
    assert (curve.get_color(), curve.get_linestyle()) == (FIT_COLOR, "-")
    (only,) = second.get_lines()  # the target's own panel shows it once, dashed
    assert (only.get_color(), only.get_linestyle()) == (SINE_COLOR, "--")


def test_plot_comparison_clips_to_ylim_and_marks_where_a_curve_leaves_it() -> None:
    x, y = sine_data()
    start = random_cubic(0)  # from about -37 at x = -pi: below -4.5 at the left end only
    fig = plot_comparison(x, {"t = 0": start(x), "sin(x)": y}, target=y, ylim=(-4.5, 2))
    first, second = fig.axes
    assert first.get_ylim() == second.get_ylim() == (-4.5, 2)
    markers = [line for line in first.get_lines() if line.get_marker() == "v"]
    assert len(markers) == 1
    (mx,), (my,) = markers[0].get_xdata(), markers[0].get_ydata()
    assert my == -4.5 and mx < 0, "one triangle on the bottom frame, over the left end"
    assert not [line for line in second.get_lines() if line.get_marker() in ("v", "^")]


def test_plot_comparison_wraps_panels_into_columns() -> None:
    x, y = sine_data()
    curves = {f"t = {k}": y * k for k in range(5)}
    fig = plot_comparison(x, curves, target=y, columns=2)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == 5 and len(fig.axes) == 6  # 3 rows of 2, the last cell left empty
    width, height = fig.get_size_inches()
    assert height > width, "three rows of two panels stand taller than wide"


def test_plot_comparison_rejects_a_bad_range_or_column_count() -> None:
    x, y = sine_data()
    with pytest.raises(SinfitError, match="ylim"):
        plot_comparison(x, {"sin(x)": y}, ylim=(2, -2))
    with pytest.raises(SinfitError, match="columns"):
        plot_comparison(x, {"sin(x)": y}, columns=0)


def test_display_figure_is_a_plain_matplotlib_figure_that_shows_itself() -> None:
    from sinfit import DisplayFigure

    fig = DisplayFigure(figsize=(6.4, 4.0))
    ax = fig.add_subplot()
    ax.plot([0.0, 1.0], [1.0, 0.0], "--")
    assert isinstance(fig, Figure)
    svg = fig._repr_svg_()
    assert "<svg" in svg and svg == fig._repr_svg_()
