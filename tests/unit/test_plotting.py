"""The plotting helpers return properly sized Figures without pyplot."""

from __future__ import annotations

import io
import math

import pytest
import torch
from matplotlib.figure import Figure

from sinfit import (
    SinfitError,
    animate_fit,
    fit_snapshots,
    plot_comparison,
    plot_curve,
    random_cubic,
    sine_data,
)


def test_plot_curve_is_a_full_size_figure_with_the_data() -> None:
    x, y = sine_data()
    fig = plot_curve(x, y, title="sin(x)")
    assert isinstance(fig, Figure)
    width, height = fig.get_size_inches()
    assert height >= 0.5 * width  # not a one-third-height strip
    (ax,) = fig.axes
    # readable at phone width: 5.6 in shrinks to about 318 px, so tick text of 13 pt is ~10 px
    assert width <= 5.6
    assert min(label.get_fontsize() for label in ax.get_xticklabels()) >= 13
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
    # the triangle sits where the curve crosses the frame, not somewhere under the cut stretch
    near = float(start(torch.tensor([mx]))[0])
    assert abs(near - -4.5) < 0.05, f"the curve is at {near:.2f} under the triangle, not -4.5"


def test_a_curve_dipping_out_in_the_middle_is_marked_where_it_leaves_and_comes_back() -> None:
    x, y = sine_data()
    fig = plot_comparison(x, {"dip": -3 * y}, target=y, ylim=(-2, 2))
    (ax,) = fig.axes
    (down,) = [line for line in ax.get_lines() if line.get_marker() == "v"]
    (up,) = [line for line in ax.get_lines() if line.get_marker() == "^"]
    # -3 sin(x) < -2 where sin(x) > 2/3: between asin(2/3) and pi - asin(2/3)
    edge = math.asin(2 / 3)
    assert sorted(down.get_xdata()) == pytest.approx([edge, math.pi - edge], abs=0.01)
    assert sorted(up.get_xdata()) == pytest.approx([-math.pi + edge, -edge], abs=0.01)


def test_panels_in_columns_are_drawn_to_be_read_on_a_phone() -> None:
    x, y = sine_data()
    curves = {f"t = {k}": y * k for k in range(6)}
    wide = plot_comparison(x, dict(list(curves.items())[:3]), target=y)
    narrow = plot_comparison(x, curves, target=y, ylim=(-3, 2), columns=2)
    # at a phone's 318 px a figure w inches wide shows 1 pt as 318 / (72 w) px
    px_per_pt = 318 / (72 * narrow.get_size_inches()[0])
    narrow.draw_without_rendering()
    for ax in narrow.axes:
        ticks = ax.xaxis.get_major_ticks() + ax.yaxis.get_major_ticks()
        assert min(tick.label1.get_fontsize() for tick in ticks) * px_per_pt >= 10
        assert len(ax.get_xticks()) <= 5
    assert wide.get_size_inches()[0] > 2 * narrow.get_size_inches()[0] * 0.9  # one row: desktop


def test_the_animation_writes_the_value_of_an_end_that_is_out_of_view() -> None:
    x, y = sine_data()
    snaps = fit_snapshots(x, y, random_cubic(0), epochs=1000, frames=6)
    svg = animate_fit(x, y, snaps).svg
    left_start = float(snaps[0][1](torch.tensor([-math.pi]))[0])  # about -37, far below
    assert f"▼ {left_start:.1f}".replace("-", "\u2212") in svg
    right_end = float(snaps[-1][1](torch.tensor([math.pi]))[0])  # about -0.2, in view
    assert f"▼ {right_end:.1f}".replace("-", "\u2212") not in svg


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
