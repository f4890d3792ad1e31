"""Training: the lesson's loop reproduced, the loss going down, the closed form."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from sinfit import (
    Cubic,
    DivergenceError,
    closed_form,
    fit_autograd,
    fit_manual,
    random_cubic,
    sine_data,
    sum_squared_error,
)


def lesson_loop(seed: int, epochs: int = 1000, lr: float = 1e-6):
    """The lesson's plain loop, written out as a learner would, with nothing from sinfit."""
    x = torch.linspace(-math.pi, math.pi, 1000)
    y = torch.sin(x)
    torch.manual_seed(seed)
    a, b, c, d = (torch.randn(()) for _ in range(4))
    losses = []
    for _ in range(epochs):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).sum().item()
        losses.append(loss)
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x**2).sum()
        grad_d = (grad_y_pred * x**3).sum()
        a -= lr * grad_a
        b -= lr * grad_b
        c -= lr * grad_c
        d -= lr * grad_d
    return (a.item(), b.item(), c.item(), d.item()), losses


@pytest.mark.parametrize("seed", [0, 7])
def test_fit_manual_reproduces_the_lesson_loop(seed: int) -> None:
    expected_coefs, expected_losses = lesson_loop(seed)
    x, y = sine_data()
    result = fit_manual(x, y, random_cubic(seed))
    np.testing.assert_allclose(result.losses, expected_losses, rtol=1e-6)
    np.testing.assert_allclose(result.cubic.coefficients(), expected_coefs, rtol=1e-5, atol=1e-7)
    assert len(result.losses) == 1000


def test_random_cubic_matches_manual_seed_and_is_repeatable() -> None:
    torch.manual_seed(3)
    draws = tuple(torch.randn(()).item() for _ in range(4))
    assert random_cubic(3).coefficients() == draws
    assert random_cubic(3) == random_cubic(3)
    assert random_cubic(3) != random_cubic(4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loss_never_increases_at_the_lesson_rate(seed: int) -> None:
    x, y = sine_data()
    losses = fit_manual(x, y, random_cubic(seed)).losses
    assert all(later <= earlier for earlier, later in itertools.pairwise(losses))
    assert losses[-1] < losses[0] / 2


def test_autograd_agrees_with_hand_written_gradients() -> None:
    x, y = sine_data(dtype=torch.float64)
    manual = fit_manual(x, y, random_cubic(0), epochs=300)
    auto = fit_autograd(x, y, random_cubic(0), epochs=300)
    np.testing.assert_allclose(auto.losses, manual.losses, rtol=1e-12)
    np.testing.assert_allclose(auto.cubic.coefficients(), manual.cubic.coefficients(), rtol=1e-10)


def test_log_hook_sees_t_from_zero_and_the_end() -> None:
    x, y = sine_data()
    seen: list[tuple[int, float]] = []
    result = fit_manual(
        x,
        y,
        random_cubic(0),
        epochs=250,
        log_every=100,
        on_log=lambda t, loss: seen.append((t, loss)),
    )
    # t counts updates: t = 0 is the start, and the last line is the loss after update 250
    assert [t for t, _ in seen] == [0, 100, 200, 250]
    assert seen[0][1] == result.losses[0] == pytest.approx(random_cubic(0).loss(x, y), rel=1e-6)
    assert seen[1][1] == result.losses[100]
    assert seen[-1][1] == pytest.approx(result.cubic.loss(x, y), rel=1e-5)
    assert seen[-1][1] < result.losses[-1]


@pytest.mark.parametrize("fit", [fit_manual, fit_autograd])
def test_default_log_is_the_lessons_log(fit, capsys: pytest.CaptureFixture[str]) -> None:
    """The log the lessons print: t = 0 (the starting loss) to 900 in the loop, t = 1000 after."""
    x, y = sine_data()
    _, losses = lesson_loop(0, epochs=1001)  # losses[1000]: the loss after 1000 updates
    fit(x, y, random_cubic(0), log_every=100)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"t = {t:4d}  loss {losses[t]:10.2f}" for t in range(0, 1001, 100)]
    assert lines[0] == "t =    0  loss  108185.76"


def test_divergence_names_the_one_based_epoch_that_measured_it() -> None:
    x, y = sine_data()
    with pytest.raises(DivergenceError) as info:
        fit_manual(x, y, random_cubic(0), lr=1e-4, epochs=1000)
    result = fit_manual(x, y, random_cubic(0), lr=1e-4, epochs=info.value.epoch - 1)
    assert all(math.isfinite(v) for v in result.losses)  # finite up to t = epoch - 2


def test_zero_epochs_returns_the_start() -> None:
    x, y = sine_data()
    result = fit_manual(x, y, random_cubic(0), epochs=0)
    assert result.cubic == random_cubic(0)
    assert result.losses == []


def test_closed_form_matches_numpy_lstsq() -> None:
    x, y = sine_data(dtype=torch.float64)
    xn, yn = x.numpy(), y.numpy()
    design = np.stack([xn**k for k in range(4)], axis=1)
    expected, *_ = np.linalg.lstsq(design, yn, rcond=None)
    best = closed_form(x, y)
    np.testing.assert_allclose(best.coefficients(), expected, rtol=1e-9, atol=1e-12)


def test_closed_form_is_the_floor() -> None:
    x, y = sine_data()
    best = closed_form(x, y)
    best_loss = best.loss(x, y)
    assert best_loss == sum_squared_error(best(x.double()), y.double()).item()
    assert 4.3 < best_loss < 4.5  # the lesson's sample: a cubic cannot do better than ~4.43
    fitted = fit_manual(x, y, random_cubic(0)).losses[-1]
    assert fitted > 10 * best_loss  # 1000 epochs at lr 1e-6 are far from it
    # nudging any coefficient away from the optimum raises the loss
    for k in range(4):
        coefs = list(best.coefficients())
        coefs[k] += 1e-3
        assert sum_squared_error(Cubic(*coefs)(x.double()), y.double()).item() > best_loss


def test_closed_form_recovers_an_exact_cubic() -> None:
    x = torch.linspace(-2, 2, 30, dtype=torch.float64)
    truth = Cubic(0.5, -1.0, 0.25, 2.0)
    np.testing.assert_allclose(
        closed_form(x, truth(x)).coefficients(), truth.coefficients(), atol=1e-10
    )
