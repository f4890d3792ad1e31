"""What sinfit gained for the course: bases and curvature, optimisers, the animation."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch

from sinfit import (
    BASES,
    Cubic,
    DivergenceError,
    SinfitError,
    animate_fit,
    basis_weights,
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


def test_legendre_curvatures_are_2n_over_2n_plus_1_and_not_round() -> None:
    # Oracle: the integral of P_n^2 over [-1, 1] is 2 / (2n + 1), and a sum over N evenly
    # spaced points of [-1, 1] is about N / 2 times the integral, so 2 X^T X ~ diag(2N / (2n + 1)).
    n_points = 1000
    x, _ = sine_data(points=n_points, dtype=torch.float64)
    hessian = loss_hessian(design_matrix(x, "legendre"))
    expected = torch.diag(torch.tensor([2 * n_points / (2 * n + 1) for n in range(4)]))
    torch.testing.assert_close(hessian, expected.double(), rtol=0, atol=0.01 * 2 * n_points)
    lam = curvatures(design_matrix(x, "legendre"))
    assert 6.5 < lam[-1] / lam[0] < 7.5  # orthogonal, but elongated


def test_normalized_legendre_hessian_is_2n_times_the_identity() -> None:
    # Oracle: sqrt(2n + 1) P_n are orthonormal for the mean over [-1, 1] (the integral of their
    # products is 2 for m = n and 0 otherwise), so 2 X^T X ~ 2N I, closer as N grows.
    for n_points, tol in ((1000, 0.01), (20_000, 0.0005)):
        x, _ = sine_data(points=n_points, dtype=torch.float64)
        hessian = loss_hessian(design_matrix(x, "legendre-normalized"))
        identity = torch.eye(4, dtype=torch.float64)
        torch.testing.assert_close(hessian / (2 * n_points), identity, rtol=0, atol=tol)
    lam = curvatures(design_matrix(sine_data(dtype=torch.float64)[0], "legendre-normalized"))
    assert lam[-1] / lam[0] < 1.02


def test_basis_weights_give_the_same_curve_in_every_basis() -> None:
    x, _ = sine_data(points=200, dtype=torch.float64)
    for cubic in (random_cubic(0), random_cubic(3), Cubic(0.5, -1.0, 2.0, 0.25)):
        for basis in BASES:
            w = basis_weights(cubic, basis)
            # oracle: the cubic evaluated directly from its coefficients a + b x + c x^2 + d x^3
            torch.testing.assert_close(design_matrix(x, basis) @ w, cubic(x), rtol=0, atol=1e-12)
    with pytest.raises(SinfitError, match=r"cubic must be a sinfit\.Cubic"):
        basis_weights((1.0, 2.0, 3.0, 4.0), "legendre")  # type: ignore[arg-type]


def test_fit_in_basis_starts_from_the_given_weights() -> None:
    x, y = sine_data(dtype=torch.float64)
    start = random_cubic(0)
    for basis in BASES:
        design = design_matrix(x, basis)
        _, losses = fit_in_basis(design, y, lr=1e-7, epochs=2, start=basis_weights(start, basis))
        assert losses[0] == pytest.approx(start.loss(x, y), rel=1e-12)
    # the same start and update as the lesson's loop, in the monomial basis
    w, losses = fit_in_basis(
        design_matrix(x), y, lr=1e-6, epochs=20, start=basis_weights(start, "monomial")
    )
    manual = fit_manual(x, y, start, lr=1e-6, epochs=20)
    np.testing.assert_allclose(losses, manual.losses, rtol=1e-12)
    np.testing.assert_allclose(w.tolist(), manual.cubic.coefficients(), rtol=1e-10)
    # the normalized basis is round: one step at lr 1 / largest curvature nearly reaches the floor
    design = design_matrix(x, "legendre-normalized")
    lr = 1 / curvatures(design)[-1].item()
    _, losses = fit_in_basis(
        design, y, lr=lr, epochs=3, start=basis_weights(start, "legendre-normalized")
    )
    assert losses[2] == pytest.approx(closed_form(x, y).loss(x, y), rel=1e-3)


def test_fit_in_basis_rejects_a_start_of_the_wrong_shape() -> None:
    x, y = sine_data(dtype=torch.float64)
    design = design_matrix(x, "legendre")
    with pytest.raises(SinfitError, match=r"start must hold one weight per column .*\(4,\)"):
        fit_in_basis(design, y, lr=1e-4, epochs=3, start=torch.zeros(3, dtype=torch.float64))
    with pytest.raises(SinfitError, match="start must hold one weight"):
        fit_in_basis(design, y, lr=1e-4, epochs=3, start=torch.zeros(1, 4))
    with pytest.raises(SinfitError, match=r"start must be a torch\.Tensor"):
        fit_in_basis(design, y, lr=1e-4, epochs=3, start=[0.0, 0.0, 0.0, 0.0])  # type: ignore[arg-type]
    with pytest.raises(SinfitError, match="start must be finite"):
        fit_in_basis(design, y, lr=1e-4, epochs=3, start=torch.full((4,), math.nan))


def test_fit_in_basis_matches_the_lessons_update_in_the_monomial_basis() -> None:
    x, y = sine_data(dtype=torch.float64)
    w, losses = fit_in_basis(design_matrix(x), y, lr=1e-6, epochs=20)

    manual = fit_manual(x, y, Cubic(0, 0, 0, 0), lr=1e-6, epochs=20)
    np.testing.assert_allclose(losses, manual.losses, rtol=1e-12)
    np.testing.assert_allclose(w.tolist(), manual.cubic.coefficients(), rtol=1e-10, atol=1e-15)


def test_bad_basis_input() -> None:
    x, y = sine_data()
    # the error names every valid choice
    choices = "'monomial', 'legendre', 'legendre-normalized'"
    with pytest.raises(SinfitError, match=f"basis must be one of {choices}, got 'fourier'"):
        design_matrix(x, "fourier")  # type: ignore[arg-type]
    with pytest.raises(SinfitError, match="basis must be one of"):
        basis_weights(random_cubic(0), "legendre-normalised")  # type: ignore[arg-type]
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
    # it plays twice, then stays on its last frame: moving content that stops by itself
    animations = list(root.iter(f"{ns}animate"))
    assert all(a.get("repeatCount") == "2" and a.get("fill") == "freeze" for a in animations)
    # self-contained: no script, and nothing it would fetch (namespace URIs are only names)
    assert "<script" not in svg and not re.search(r"href=\"(?!#)", svg)
    assert math.isclose(len(svg), 60_000, rel_tol=0.6)
