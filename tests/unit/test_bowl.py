"""The bowl pictures (sinfit/bowl.py): contours with descent paths, loss curves cut at a top."""

from __future__ import annotations

import math

import pytest
import torch

from sinfit import SinfitError, clip_losses, plot_bowl, plot_losses
from sinfit.bowl import loss_above_floor

X64 = torch.linspace(-math.pi, math.pi, 101, dtype=torch.float64)
DESIGN = torch.stack([X64**k for k in range(4)], dim=1)
Y = torch.sin(X64)
BEST = torch.linalg.lstsq(DESIGN, Y).solution


def descend(lr: float, steps: int) -> torch.Tensor:
    w, path = torch.tensor([1.5, -0.3, -2.2, 0.6], dtype=torch.float64), []
    for _ in range(steps + 1):
        path.append(w)
        w = w - lr * 2 * DESIGN.T @ (DESIGN @ w - Y)
    return torch.stack(path)


def test_the_bowl_draws_each_path_over_contours_around_the_best_weights() -> None:
    paths = {"η = 1e-5": descend(1e-5, 50), "η = 5e-5": descend(5e-5, 50)}
    fig = plot_bowl(DESIGN, Y, BEST, paths, marked=10)
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    # each path: its dots for the first ten steps, at the b and d of those steps
    for label, path in paths.items():
        dots = lines[label]
        assert list(dots.get_xdata()) == pytest.approx(path[:10, 1].tolist())
        assert list(dots.get_ydata()) == pytest.approx(path[:10, 3].tolist())
    # the first path bold, the later one thin: a zig-zag drawn over it must not hide it
    first, later = (ax.get_lines()[k] for k in (0, 2))
    assert first.get_linewidth() > 2 * later.get_linewidth()
    assert list(lines["w*"].get_xdata()) == pytest.approx([BEST[1].item()])
    assert ax.get_xlabel() == "b" and ax.get_ylabel() == "d"
    # the contours surround the best weights: it lies inside the drawn window
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < BEST[1].item() < x1 and y0 < BEST[3].item() < y1
    assert ax.collections, "no contour lines"


def test_the_bowl_names_bad_input() -> None:
    with pytest.raises(SinfitError, match="at least one path"):
        plot_bowl(DESIGN, Y, BEST, {})
    with pytest.raises(SinfitError, match="best"):
        plot_bowl(DESIGN, Y, BEST[:3], {"p": descend(1e-5, 3)})
    with pytest.raises(SinfitError, match="least-squares weights"):
        plot_bowl(DESIGN, Y, BEST + 0.01, {"p": descend(1e-5, 3)})


def test_the_contours_measure_the_loss_above_the_floor_without_rounding_noise() -> None:
    """Near the minimum L(w) - L(best), taken as a difference of two losses, is rounding
    noise of either sign; its contours drew small loops that changed from run to run."""
    x = torch.linspace(-math.pi, math.pi, 1000, dtype=torch.float64)  # the lessons' points
    design, y = torch.stack([x**k for k in range(4)], dim=1), torch.sin(x)
    best = torch.linalg.lstsq(design, y).solution
    seeded = torch.Generator().manual_seed(0)
    near = best + 1e-11 * torch.randn(50, 4, dtype=torch.float64, generator=seeded)
    above = loss_above_floor(design, best, near)
    exact = torch.stack([d @ design.T @ design @ d for d in near - best])  # the quadratic form
    assert (above > 0).all()
    assert above.tolist() == pytest.approx(exact.tolist(), rel=1e-9)
    floor = (design @ best - y).pow(2).sum()
    difference = (near @ design.T - y).pow(2).sum(1) - floor
    assert (difference - exact).abs().max() > 10 * exact.abs().max(), "the noise it avoids"
    far = best + torch.tensor([0.5, -0.2, 0.1, 0.03], dtype=torch.float64)
    assert loss_above_floor(design, best, far[None]).item() == pytest.approx(
        ((design @ far - y).pow(2).sum() - floor).item(), rel=1e-9
    )


def test_a_curve_past_the_top_is_cut_and_marked_where_it_leaves() -> None:
    calm = [100.0 / (t + 1) for t in range(20)]
    wild = [100.0 * 2**t for t in range(20)]  # above 1e4 from t = 7 on
    fig = clip_losses(plot_losses({"calm": calm, "wild": wild}, floor=1.0), top=1e4)
    (ax,) = fig.axes
    assert ax.get_ylim()[1] == 1e4
    assert ax.get_ylim()[0] < min(calm)
    marks = [text.get_text() for text in ax.texts]
    first_over = next(t for t, v in enumerate(wild) if v > 1e4)
    assert marks == [f"↑ t = {first_over}"]  # one mark, for the run that leaves


def test_clip_names_a_bad_top() -> None:
    with pytest.raises(SinfitError, match="top"):
        clip_losses(plot_losses({"a": [1.0, 2.0]}), top=0)


def test_the_last_bits_of_the_best_weights_do_not_move_the_contours() -> None:
    """LAPACK's least squares may differ in its last bits from run to run; the figure must not."""
    paths = {"η = 1e-5": descend(1e-5, 20)}
    nudged = torch.nextafter(BEST, BEST + 1)  # one unit in the last place, every weight

    def contours(best: torch.Tensor) -> list[bytes]:
        (ax,) = plot_bowl(DESIGN, Y, best, paths).axes
        return [p.vertices.tobytes() for c in ax.collections for p in c.get_paths()]

    assert contours(nudged) == contours(BEST)
