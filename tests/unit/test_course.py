"""What sinfit gained for the course: bases and curvature, optimisers, the animation."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch

from sinfit import (
    DivergenceError,
    SinfitError,
    animate_fit,
    closed_form,
    compare_optimizers,
    curvatures,
    design_matrix,
    fit_in_basis,
    fit_manual,
    fit_snapshots,
    frame_epochs,
    loss_hessian,
    plot_losses,
    random_cubic,
    sine_data,
    stability_bound,
    train_with,
)


def test_hessian_is_autograds_hessian_of_the_loss() -> None:
    x, y = sine_data(points=50, dtype=torch.float64)
    design = design_matrix(x)

    def loss(w: torch.Tensor) -> torch.Tensor:
        return (design @ w - y).pow(2).sum()

    expected = torch.autograd.functional.hessian(loss, torch.zeros(4, dtype=torch.float64))
    torch.testing.assert_close(loss_hessian(design), expected)


def test_monomial_curvatures_and_the_stability_bound() -> None:
    x, _ = sine_data(dtype=torch.float64)
    lam = curvatures(design_matrix(x))
    assert lam[0] < lam[-1] and lam[-1] / lam[0] > 300  # badly conditioned
    assert stability_bound(design_matrix(x)) == pytest.approx(2 / lam[-1].item())


def test_the_bound_separates_convergence_from_divergence() -> None:
    x, y = sine_data()
    bound = stability_bound(design_matrix(x.double()))
    fit_manual(x, y, random_cubic(0), lr=0.98 * bound, epochs=1000)  # no error
    with pytest.raises(DivergenceError):
        fit_manual(x, y, random_cubic(0), lr=1.15 * bound, epochs=1000)


def test_legendre_basis_is_well_conditioned_and_fits_fast() -> None:
    x, y = sine_data(dtype=torch.float64)
    design = design_matrix(x, "legendre")
    lam = curvatures(design)
    assert lam[-1] / lam[0] < 10
    w, losses = fit_in_basis(design, y, lr=1 / lam[-1].item(), epochs=50)
    best = closed_form(x, y).loss(x, y)
    assert losses[-1] == pytest.approx(best, rel=1e-3)
    # the same function as the closed-form cubic, written in another basis
    torch.testing.assert_close(design @ w, closed_form(x, y)(x), atol=1e-3, rtol=0)


def test_fit_in_basis_matches_the_lessons_update_in_the_monomial_basis() -> None:
    x, y = sine_data(dtype=torch.float64)
    w, losses = fit_in_basis(design_matrix(x), y, lr=1e-6, epochs=20)
    from sinfit import Cubic

    manual = fit_manual(x, y, Cubic(0, 0, 0, 0), lr=1e-6, epochs=20)
    np.testing.assert_allclose(losses, manual.losses, rtol=1e-12)
    np.testing.assert_allclose(w.tolist(), manual.cubic.coefficients(), rtol=1e-10, atol=1e-15)


def test_bad_basis_input() -> None:
    x, y = sine_data()
    with pytest.raises(SinfitError, match="basis must be"):
        design_matrix(x, "fourier")  # type: ignore[arg-type]
    with pytest.raises(SinfitError, match="learning rate"):
        fit_in_basis(design_matrix(x), y, lr=-1, epochs=3)
    with pytest.raises(DivergenceError):
        fit_in_basis(design_matrix(x), y, lr=1e-3, epochs=100)


def test_sgd_through_train_with_is_the_lessons_loop() -> None:
    x, y = sine_data()
    losses = train_with(x, y, random_cubic(0), lambda p: torch.optim.SGD(p, lr=1e-6), epochs=200)
    np.testing.assert_allclose(
        losses, fit_manual(x, y, random_cubic(0), epochs=200).losses, rtol=1e-6
    )


def test_compare_optimizers_runs_each_from_the_same_start() -> None:
    x, y = sine_data()
    curves = compare_optimizers(
        x,
        y,
        random_cubic(0),
        {
            "SGD": lambda p: torch.optim.SGD(p, lr=1e-6),
            "Adam": lambda p: torch.optim.Adam(p, lr=0.05),
            "LBFGS": lambda p: torch.optim.LBFGS(p, lr=1, line_search_fn="strong_wolfe"),
        },
        epochs=30,
    )
    assert {len(c) for c in curves.values()} == {30}
    assert len({c[0] for c in curves.values()}) == 1  # same starting loss
    best = closed_form(x, y).loss(x, y)
    assert curves["LBFGS"][-1] < 1.01 * best < curves["SGD"][-1]
    fig = plot_losses(curves, floor=best)
    assert fig.axes[0].get_yscale() == "log"
    assert len(fig.axes[0].get_lines()) == 4
    with pytest.raises(SinfitError):
        compare_optimizers(x, y, random_cubic(0), {}, epochs=3)


def test_frame_epochs_start_at_zero_and_end_at_the_last_epoch() -> None:
    marks = frame_epochs(1000, 30)
    assert marks[0] == 0 and marks[-1] == 1000 and marks == sorted(set(marks))
    assert marks[1] - marks[0] < marks[-1] - marks[-2]  # denser early


def test_snapshots_follow_one_continuous_run() -> None:
    x, y = sine_data()
    snaps = fit_snapshots(x, y, random_cubic(0), epochs=300, frames=8)
    assert snaps[-1][0] == 300
    assert snaps[-1][1] == fit_manual(x, y, random_cubic(0), epochs=300).cubic


def test_animation_is_a_self_contained_svg_with_one_frame_per_snapshot() -> None:
    x, y = sine_data()
    snaps = fit_snapshots(x, y, random_cubic(0), epochs=100, frames=6)
    svg = animate_fit(x, y, snaps).svg
    root = ET.fromstring(
        svg.split("?>", 1)[1].split("\n", 1)[1] if svg.startswith("<?xml") else svg
    )
    ns = "{http://www.w3.org/2000/svg}"
    (move,) = [a for a in root.iter(f"{ns}animate") if a.get("attributeName") == "d"]
    frames = move.get("values").split(";")
    assert len(frames) == len(snaps) + 1  # plus the held last frame
    assert len({f.count("L") for f in frames}) == 1  # same shape: the browser can interpolate
    # self-contained: no script, and nothing it would fetch (namespace URIs are only names)
    assert "<script" not in svg and not re.search(r"href=\"(?!#)", svg)
    assert math.isclose(len(svg), 60_000, rel_tol=0.6)
